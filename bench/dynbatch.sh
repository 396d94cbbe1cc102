#!/bin/bash
# bench/dynbatch.sh: batched zero-temperature dynamics (issue 24) against an older binary, in
# one run: (1) parallel updates of a binary model of P = 1,024 random patterns of N = 1,024
# spins (lambda_J 1e-3), STARTS noisy starts at 30% noise, with the flop rate of the products
# next to the machine's single-thread sgemm rate (bench/sgemm.c, the same shape: 128 x 1024 x
# 1024); (2) protein relax, sequential updates, 20% noise, 10 noisy starts per sequence of the
# first 1,000 sequences of dhfr.a2m (L = 171).  Old and new alternate; each line gives wall
# and CPU seconds (/usr/bin/time) and the load average; outputs are compared (cmp).
# The new binary also runs FULL starts (the issue's 10,240: 10 noisy starts per pattern) alone.
# Usage: bench/dynbatch.sh NEW_PLMEM OLD_PLMEM [SHARED_DATA_DIR] [STARTS] [THREADS] [FULL]
set -euo pipefail
NEW=$(readlink -f "$1")
OLD=$(readlink -f "$2")
SHARED=${3:-$(dirname "$0")/../../shared/data}
STARTS=${4:-1024}
THREADS=${5:-2}
FULL=${6:-10240}
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=${BENCH_DIR:-bench-dynbatch}
mkdir -p "$WORK"
cd "$WORK"
if [ ! -s bin1024.plm ]; then
	"$NEW" generate random -N 1024 -P 1024 --seed 1 -o pat.txt
	"$NEW" fit --quiet -t "$THREADS" --alphabet binary --no-weights --lambda-j 1e-3 -o bin1024.plm pat.txt
fi
# STARTS starts: the patterns in order, repeated as often as needed
awk -v n="$STARTS" '{ p[NR] = $0 } END { for (k = 0; k < n; k++) print p[k % NR + 1] }' pat.txt >starts.txt
awk -v n="$FULL" '{ p[NR] = $0 } END { for (k = 0; k < n; k++) print p[k % NR + 1] }' pat.txt >full.txt
[ -x sgemm ] || cc -O2 -o sgemm "$HERE/sgemm.c" -lopenblas
# time TAG PLMEM ARGS...: one run, then a line: tag, wall, CPU, load average
timed() {
	local tag=$1 bin=$2
	shift 2
	/usr/bin/time -f "%e %U %S" -o "time.$tag" "$bin" "$@"
	read -r wall user sys <"time.$tag"
	printf '%-14s wall %7.2f s  CPU %7.2f s  load %s\n' "$tag" "$wall" "$(echo "$user + $sys" | bc)" \
		"$(cut -d' ' -f1-3 /proc/loadavg)"
}
bin() { # TAG PLMEM STARTS_FILE
	timed "$1" "$2" relax --quiet -t "$THREADS" --update parallel --noise 0.3 --seed 1 \
		--out-format lines --tsv "$1.tsv" -o "$1.out" bin1024.plm "$3"
}
bin bin-new "$NEW" starts.txt
bin bin-old "$OLD" starts.txt
bin bin-new2 "$NEW" starts.txt
bin bin-new-full "$NEW" full.txt
cmp bin-old.tsv bin-new.tsv && cmp bin-old.out bin-new.out && echo "binary: old and new ends and TSV identical"
# products: a run that ends in a cycle used one per sweep, the others one more (the last test)
awk -F'\t' 'NR > 1 { p += $6 + ($8 != "cycle"); c[$8]++; s += $6 }
	END { printf "binary (FULL starts): %d runs, mean sweeps %.1f, %s; %.3g products of 2 N^2 = %.3g flop\n", NR - 1, s / (NR - 1),
	      "fixed " c["fixed"] + 0 " cycle " c["cycle"] + 0 " max-sweeps " c["max-sweeps"] + 0, p, p * 2 * 1024 * 1024 }' bin-new-full.tsv
echo "sgemm (one thread, GFLOP per CPU second; first line is the shape of a step):"
./sgemm 1024 128 1024 | head -1

MSA=$SHARED/msa/dhfr.a2m
if [ -s "$MSA" ]; then
	if [ ! -s dhfr.plm ]; then
		"$NEW" fit --quiet -t "$THREADS" -o dhfr.plm "$MSA"
	fi
	awk '/^>/ { n++ } n <= 1000' "$MSA" >dhfr1000.a2m
	prot() { # TAG PLMEM
		timed "$1" "$2" relax --quiet --skip-bad -t "$THREADS" --noise 0.2 --repeats 10 --seed 1 \
			--tsv "$1.tsv" -o "$1.fa" dhfr.plm dhfr1000.a2m
	}
	prot prot-old "$OLD"
	prot prot-new "$NEW"
	prot prot-old2 "$OLD"
	prot prot-new2 "$NEW"
	cmp prot-old.tsv prot-new.tsv && cmp prot-old.fa prot-new.fa && echo "protein: old and new identical"
	awk -F'\t' 'NR > 1 { s += $6 + ($8 == "fixed"); f += $7 } END { printf "protein: %d runs, %.3g site updates (sweeps x 171), %.3g flips\n", NR - 1, s * 171, f }' prot-new.tsv
else
	echo "protein part skipped: $MSA not found"
fi
