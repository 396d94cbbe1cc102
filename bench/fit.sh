#!/bin/bash
# bench/fit.sh: time `plmem fit` on the real alignments and on random binary patterns, with
# /usr/bin/time only.  Prints one markdown row per case: CPU and wall seconds, peak memory,
# iterations and evaluations per site, and the all-in cost per (distinct sequence x site x
# other site) per objective+gradient evaluation (CPU time / (total evaluations x n x (L-1)),
# L-BFGS and everything else included).
# Usage: bench/fit.sh [PLMEM [SHARED_DATA [THREADS]]]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
PLMEM=${1:-$here/../plmem}
SHARED=${2:-$here/../../shared/data}
T=${3:-2}
out=${TMPDIR:-/tmp}/plmem-bench-fit.$$
mkdir -p "$out"
trap 'rm -rf "$out"' EXIT

echo "| input | n (distinct) x L, q | options | CPU s | wall s | peak MiB | iterations median/max | evaluations total | ns per (s x i x j) eval |"
echo "|---|---|---|---|---|---|---|---|---|"

# run NAME MSA OPTIONS...
run() {
	local name=$1 msa=$2
	shift 2
	/usr/bin/time -f "%e %U %S %M" -o "$out/time" "$PLMEM" fit -t "$T" -o "$out/m.plm" "$@" "$msa" 2>"$out/log"
	read -r wall user sys peak <"$out/time"
	local info
	info=$("$PLMEM" info "$out/m.plm")
	local L q n it ev
	L=$(awk '$1 == "L" { print $2 }' <<<"$info")
	q=$(awk '$1 == "q" { print $2 }' <<<"$info")
	n=$(awk '$1 == "unique" { print $2 }' <<<"$info")
	it=$(sed -n 's/.*iterations median \([0-9]*\), max \([0-9]*\).*/\1\/\2/p' "$out/log")
	ev=$(sed -n 's/.*evaluations median [0-9]*, total \([0-9]*\).*/\1/p' "$out/log")
	awk -v name="$name" -v n="$n" -v L="$L" -v q="$q" -v opts="$*" -v wall="$wall" -v user="$user" \
		-v sys="$sys" -v peak="$peak" -v it="$it" -v ev="$ev" 'BEGIN {
		cpu = user + sys
		printf "| %s | %d x %d, %d | `%s` | %.2f | %.2f | %.0f | %s | %d | %.3f |\n", name, n, L, q, opts,
			cpu, wall, peak / 1024, it, ev, cpu / (ev * n * (L - 1)) * 1e9 }'
}

if [ -d "$SHARED/msa" ]; then
	run dhfr.a2m "$SHARED/msa/dhfr.a2m" --focus DYR_ECOLI
	run betalactamase_PF13354.fasta "$SHARED/msa/betalactamase_PF13354.fasta"
	run kunitz_PF00014.fasta.gz "$SHARED/msa/kunitz_PF00014.fasta.gz"
else
	echo "(skipping the real alignments: $SHARED/msa is absent)" >&2
fi
"$PLMEM" generate random -N 1000 -P 400 --seed 1 -o "$out/p1000"
run "random +-1, N 1000, P 400" "$out/p1000" --alphabet binary --no-weights
