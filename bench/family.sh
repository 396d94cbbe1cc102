#!/bin/bash
# bench/family.sh: the synthetic large, diverse family (bench/family.c: sequences evolved down a
# tree under a random sparse Potts model): builds the generator with cc, writes N x L (default
# 15,000 x 220, seed 1), fits it with `plmem fit -t T $FITOPTS` under /usr/bin/time and prints
# one markdown row: CPU and wall seconds, peak memory, iterations and evaluations, ns per
# (distinct sequence x site x other site) per evaluation, and how many of the top L/5, L/2 and
# L pairs of `plmem contacts --min-sep 6` are planted pairs.
# Usage: bench/family.sh [PLMEM [THREADS [N [L [SEED]]]]]   (FITOPTS: extra fit options)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
PLMEM=${1:-$here/../plmem}
T=${2:-2}
N=${3:-15000}
L=${4:-220}
SEED=${5:-1}
FITOPTS=${FITOPTS:-}
out=${TMPDIR:-/tmp}/plmem-bench-family.$$
mkdir -p "$out"
trap 'rm -rf "$out"' EXIT

${CC:-cc} -O2 -std=c11 -o "$out/family" "$here/family.c" -lm
"$out/family" "$N" "$L" "$SEED" "$out/fam.fasta" "$out/fam.pairs"
# shellcheck disable=SC2086
/usr/bin/time -f "%e %U %S %M" -o "$out/time" "$PLMEM" fit -t "$T" $FITOPTS -o "$out/m.plm" \
	"$out/fam.fasta" 2>"$out/log"
read -r wall user sys peak <"$out/time"
info=$("$PLMEM" info "$out/m.plm")
n=$(awk '$1 == "unique" { print $2 }' <<<"$info")
meff=$(awk '$1 == "M_eff" { print $2 }' <<<"$info")
lj=$(awk '$1 == "lambda_J" { print $2 }' <<<"$info")
it=$(sed -n 's/.*iterations median \([0-9]*\), max \([0-9]*\).*/\1\/\2/p' "$out/log")
ev=$(sed -n 's/.*evaluations median [0-9]*, total \([0-9]*\).*/\1/p' "$out/log")
"$PLMEM" contacts --min-sep 6 "$out/m.plm" >"$out/pred"
hits=$(sort -k3,3gr "$out/pred" | awk -v L="$L" '
	NR == FNR { if ($1 !~ /^#/) planted[$1 " " $2] = 1; next }
	{ i = $1 + 0; j = $2 + 0; if (i > j) { t = i; i = j; j = t }; if (j - i < 6) next
	  k++; h = (i " " j) in planted; t5 += h * (k <= int(L / 5)); t2 += h * (k <= int(L / 2)); t1 += h * (k <= L) }
	END { printf "%d %d %d", t5, t2, t1 }' "$out/fam.pairs" -)
echo "| input | n (distinct) x L | M_eff | lambda_J | options | CPU s | wall s | peak MiB | iterations median/max | evaluations total | ns per (s x i x j) eval | planted pairs in top L/5 L/2 L |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
awk -v n="$n" -v L="$L" -v meff="$meff" -v lj="$lj" -v opts="$FITOPTS" -v wall="$wall" -v user="$user" \
	-v sys="$sys" -v peak="$peak" -v it="$it" -v ev="$ev" -v hits="$hits" -v seed="$SEED" 'BEGIN {
	cpu = user + sys
	printf "| bench/family.c seed %s | %d x %d | %s | %s | `%s` | %.1f | %.1f | %.0f | %s | %d | %.3f | %s |\n",
		seed, n, L, meff, lj, opts, cpu, wall, peak / 1024, it, ev, cpu / (ev * n * (L - 1)) * 1e9, hits }'
