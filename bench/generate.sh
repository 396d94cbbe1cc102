#!/bin/bash
# bench/generate.sh: speed of plmem generate (random and random-features patterns) and of the
# Hebbian rule (plmem fit --rule hebb) at the largest size of the basin experiments
# (N = 1000 spins, P = 1500 patterns).  Times with /usr/bin/time.
# Usage: bench/generate.sh [PLMEM] [THREADS]
set -euo pipefail
PLMEM=${1:-./plmem}
THREADS=${2:-2}
WORK=${BENCH_DIR:-bench-generate}
mkdir -p "$WORK"
run() {
	local tag=$1
	shift
	/usr/bin/time -f "%e %U %S %M" -o "$WORK/time" "$@"
	read -r secs user sys rss <"$WORK/time"
	printf '%-40s wall %6.2f s  CPU %6.2f s  %6d KB max RSS\n' "$tag" "$secs" \
		"$(echo "$user + $sys" | bc)" "$rss"
}
run "generate random N=1000 P=1500" "$PLMEM" generate random -N 1000 -P 1500 -o "$WORK/random.txt"
run "generate features N=1000 P=1500 D=100" "$PLMEM" generate features -N 1000 -P 1500 -D 100 \
	--features "$WORK/features.txt" --coefficients "$WORK/coef.tsv" -o "$WORK/features-patterns.txt"
run "fit --rule hebb N=1000 P=1500" "$PLMEM" fit --quiet -t "$THREADS" --alphabet binary --no-weights \
	--rule hebb -o "$WORK/hebb.model" "$WORK/random.txt"
