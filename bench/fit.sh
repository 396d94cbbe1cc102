#!/bin/bash
# bench/fit.sh: time `plmem fit` on every shared alignment (and random binary patterns, and with
# FAMILY=1 the synthetic large family of bench/family.c), with /usr/bin/time only.  Prints one
# markdown row per case and binary: CPU and wall seconds, peak memory, iterations and
# evaluations per site, the all-in cost per (distinct sequence x site x other site) per
# objective+gradient evaluation (CPU time / (total evaluations x n x (L-1)), L-BFGS and
# everything else included) and the total objective (sum of the sites' f_i, to check that two
# binaries reach the same optimum).  With OLD_PLMEM, each case runs the old binary, then the
# new one (alternating, so that both see the same machine load).
# Usage: bench/fit.sh [PLMEM [SHARED_DATA [THREADS [OLD_PLMEM]]]]
#   FAMILY=1: add the 15,000 x 220 family (several CPU minutes per binary); ONLY=REGEX: only
#   the cases whose name matches; FITOPTS: extra fit options for every case.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
PLMEM=${1:-$here/../plmem}
SHARED=${2:-$here/../../shared/data}
T=${3:-2}
OLD=${4:-}
FAMILY=${FAMILY:-0}
ONLY=${ONLY:-.}
FITOPTS=${FITOPTS:-}
out=${TMPDIR:-/tmp}/plmem-bench-fit.$$
mkdir -p "$out"
trap 'rm -rf "$out"' EXIT

echo "| input | n (distinct) x L, q | options | binary | CPU s | wall s | peak MiB | iterations median/max | evaluations total | ns per (s x i x j) eval | objective |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"

# one TAG BIN NAME MSA OPTIONS...
one() {
	local tag=$1 bin=$2 name=$3 msa=$4
	shift 4
	# shellcheck disable=SC2086
	/usr/bin/time -f "%e %U %S %M" -o "$out/time" "$bin" fit -t "$T" $FITOPTS -o "$out/m.plm" "$@" "$msa" 2>"$out/log"
	read -r wall user sys peak <"$out/time"
	local info L q n it ev obj
	info=$("$bin" info "$out/m.plm")
	L=$(awk '$1 == "L" { print $2 }' <<<"$info")
	q=$(awk '$1 == "q" { print $2 }' <<<"$info")
	n=$(awk '$1 == "unique" { print $2 }' <<<"$info")
	it=$(sed -n 's/.*iterations median \([0-9]*\), max \([0-9]*\).*/\1\/\2/p' "$out/log")
	ev=$(sed -n 's/.*evaluations median [0-9]*, total \([0-9]*\).*/\1/p' "$out/log")
	obj=$(sed -n 's/.*objective (sum over sites of f_i) \([-0-9.e+]*\).*/\1/p' "$out/log")
	awk -v name="$name" -v n="$n" -v L="$L" -v q="$q" -v opts="$FITOPTS $*" -v tag="$tag" -v wall="$wall" \
		-v user="$user" -v sys="$sys" -v peak="$peak" -v it="$it" -v ev="$ev" -v obj="$obj" 'BEGIN {
		cpu = user + sys
		gsub(/^ +| +$/, "", opts)
		printf "| %s | %d x %d, %d | `%s` | %s | %.2f | %.2f | %.0f | %s | %d | %.3f | %s |\n", name, n, L, q, opts,
			tag, cpu, wall, peak / 1024, it, ev, (L > 1 && ev > 0) ? cpu / (ev * n * (L - 1)) * 1e9 : 0, obj }'
}

# run NAME MSA OPTIONS...: the old binary (if any), then the new one
run() {
	[[ $1 =~ $ONLY ]] || return 0
	if [ -n "$OLD" ]; then
		one old "$OLD" "$@"
		one new "$PLMEM" "$@"
	else
		one "" "$PLMEM" "$@"
	fi
}

M=$SHARED/msa
if [ -d "$M" ]; then
	run dhfr.a2m "$M/dhfr.a2m" --focus DYR_ECOLI
	run betalactamase_PF13354.fasta "$M/betalactamase_PF13354.fasta"
	run kunitz_PF00014.fasta.gz "$M/kunitz_PF00014.fasta.gz"
	run kunitz_PF00014_inserts.a2m "$M/kunitz_PF00014_inserts.a2m"
	run kunitz_small.fasta.gz "$M/kunitz_small.fasta.gz"
	run ras_PF00071.fasta "$M/ras_PF00071.fasta"
	run Pkinase.sto "$M/Pkinase.sto"
	run RRM_1.sto.gz "$M/RRM_1.sto.gz"
	run fn3.sto "$M/fn3.sto"
	run globins4.sto "$M/globins4.sto"
	run cys_knot.sto "$M/cys_knot.sto"
	run d1nz0a_.a3m "$M/d1nz0a_.a3m"
	run potts3.a2m "$M/potts3.a2m" --alphabet '_^*'
else
	echo "(skipping the real alignments: $M is absent)" >&2
fi
if [ -f "$SHARED/dms/GAL4_YEAST_1_b0.6.a2m.gz" ]; then
	run GAL4_YEAST_1_b0.6.a2m.gz "$SHARED/dms/GAL4_YEAST_1_b0.6.a2m.gz" --focus GAL4_YEAST/1-75
fi
"$PLMEM" generate random -N 1000 -P 400 --seed 1 -o "$out/p1000"
run "random +-1, N 1000, P 400" "$out/p1000" --alphabet binary --no-weights
if [ "$FAMILY" = 1 ]; then
	${CC:-cc} -O2 -std=c11 -o "$out/family" "$here/family.c" -lm
	"$out/family" 15000 220 1 "$out/fam.fasta" "$out/fam.pairs"
	run "bench/family.c 15000 220 seed 1" "$out/fam.fasta"
fi
