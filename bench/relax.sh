#!/bin/bash
# bench/relax.sh: speed of plmem relax: 10,000 noisy starts (20% of the sites replaced) on the
# beta-lactamase model (PF13354, L = 202, q = 21), sequential and parallel updates; then
# 10,000 noisy starts (20%) on a binary model of 100 random patterns of 784 spins.
# Usage: bench/relax.sh [PLMEM] [SHARED_DATA_DIR] [THREADS]   (times with /usr/bin/time)
set -euo pipefail
PLMEM=${1:-./plmem}
SHARED=${2:-$(dirname "$0")/../../shared/data}
THREADS=${3:-2}
MSA=$SHARED/msa/betalactamase_PF13354.fasta
WORK=${BENCH_DIR:-bench-relax}
mkdir -p "$WORK"
MODEL=$WORK/blac.plm
if [ ! -s "$MODEL" ]; then
	echo "fitting $MODEL (once) ..." >&2
	/usr/bin/time -f "fit: %e s wall, %M KB max RSS" "$PLMEM" fit --quiet -t "$THREADS" -o "$MODEL" "$MSA"
fi
# run TAG L LABEL MODEL STARTS REPEATS MODE...: time one relax run and summarise its TSV.
# Site updates: every sweep visits L sites; a fixed run also pays its final, unchanged sweep.
run() {
	local tag=$1 L=$2 label=$3 model=$4 starts=$5 repeats=$6
	shift 6
	/usr/bin/time -f "%e %U %S %M" -o "$WORK/time.$tag" "$PLMEM" relax --quiet -t "$THREADS" "$@" \
		--noise 0.2 --repeats "$repeats" --seed 1 --tsv "$WORK/$tag.tsv" -o "$WORK/$tag.fasta" \
		"$model" "$starts"
	read -r secs user sys rss <"$WORK/time.$tag"
	awk -F'\t' -v secs="$secs" -v user="$user" -v sys="$sys" -v rss="$rss" -v L="$L" -v mode="$label" 'NR > 1 {
			runs++; sweeps += $6 + ($8 == "fixed"); flips += $7; q += $4; fixed += ($8 == "fixed")
		} END {
			printf "%-36s runs %d  wall %.2f s (CPU %.2f s, %d MB)  %.0f starts/s  %.3g site updates/s  " \
			       "%.3g flips/s  mean sweeps %.2f  mean overlap %.4f  fixed %.4f\n", mode, runs, secs, user + sys,
			       rss / 1024, runs / secs, sweeps * L / secs, flips / secs, sweeps / runs, q / runs, fixed / runs
		}' "$WORK/$tag.tsv"
}

# the first 5,000 sequences, 2 noisy starts each = 10,000 runs
awk '/^>/ { n++ } n <= 5000' "$MSA" >"$WORK/starts.fasta"
for mode in "--update sequential" "--update parallel" "--update sequential --order random"; do
	run "$(echo "$mode" | tr -d ' -')" 202 "$mode" "$MODEL" "$WORK/starts.fasta" 2 $mode
done

# binary patterns (q = 2): N = 784 spins, P = 100 random patterns, 100 noisy starts each
BIN=$WORK/bin.plm
if [ ! -s "$BIN" ]; then
	"$PLMEM" generate random -N 784 -P 100 --seed 1 -o "$WORK/bin.txt"
	/usr/bin/time -f "fit (binary): %e s wall, %M KB max RSS" "$PLMEM" fit --quiet -t "$THREADS" \
		--alphabet binary --no-weights --lambda-h 1e-3 --lambda-j 1e-3 -o "$BIN" "$WORK/bin.txt"
fi
for mode in "--update parallel" "--update sequential"; do
	run "bin$(echo "$mode" | tr -d ' -')" 784 "q=2 $mode" "$BIN" "$WORK/bin.txt" 100 $mode
done
