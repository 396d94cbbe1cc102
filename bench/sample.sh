#!/bin/bash
# bench/sample.sh: speed of plmem sample (sweeps per second at L = 202, the beta-lactamase
# model PF13354, q = 21) and of plmem score (mutants scored per second: every single
# substitution, then 20,000 random double mutants of the model's reference).
# Usage: bench/sample.sh [PLMEM] [SHARED_DATA_DIR] [THREADS]   (times with /usr/bin/time)
# MODEL=FILE reuses a fitted beta-lactamase model (sweep and scoring speed do not depend on
# how well it converged); else it is fitted once (--max-iter 30).
set -euo pipefail
PLMEM=${1:-./plmem}
SHARED=${2:-$(dirname "$0")/../../shared/data}
THREADS=${3:-2}
MSA=$SHARED/msa/betalactamase_PF13354.fasta
WORK=${BENCH_DIR:-bench-sample}
mkdir -p "$WORK"
MODEL=${MODEL:-$WORK/blac.plm}
if [ ! -s "$MODEL" ]; then
	echo "fitting $MODEL (once, --max-iter 30) ..." >&2
	"$PLMEM" fit --quiet -t "$THREADS" --max-iter 30 -o "$MODEL" "$MSA"
fi
timed() { # LABEL COMMAND...: wall, CPU and max RSS of one run, and plmem's own summary
	local label=$1
	shift
	/usr/bin/time -f "%e %U %S %M" -o "$WORK/time" "$@" 2>"$WORK/err" >/dev/null
	read -r secs user sys rss <"$WORK/time"
	printf '%-44s wall %6.2f s  CPU %6.2f s  %4d MB  | %s\n' "$label" "$secs" \
		"$(echo "$user $sys" | awk '{ print $1 + $2 }')" $((rss / 1024)) "$(tail -n 1 "$WORK/err")"
}
# 100 chains x 200 sweeps from random sequences, one sample at the end
for mode in "--beta 1" "--beta 1 --order random" "--beta 1 --update parallel" "--beta 3" "--beta inf"; do
	timed "sample $mode" "$PLMEM" sample -t "$THREADS" $mode --chains 100 --sweeps 200 \
		--every 200 --burn-in 0 --seed 1 -o /dev/null "$MODEL"
done
timed "score --mutations all" "$PLMEM" score -t "$THREADS" --mutations all -o "$WORK/all.tsv" "$MODEL"
# 20,000 double mutants drawn from the single-substitution list (fixed awk seed)
awk -F'\t' 'NR > 1 { m[++n] = $1 } END { srand(7); for (k = 0; k < 20000; k++) {
		a = m[int(rand() * n) + 1]; b = m[int(rand() * n) + 1]
		if (substr(a, 2, length(a) - 2) != substr(b, 2, length(b) - 2)) print a ":" b } }' \
	"$WORK/all.tsv" >"$WORK/doubles.txt"
timed "score --mutations ($(wc -l <"$WORK/doubles.txt") doubles)" \
	"$PLMEM" score -t "$THREADS" --mutations "$WORK/doubles.txt" -o /dev/null "$MODEL"
timed "score (load + reference only: 1 mutant)" \
	"$PLMEM" score -t "$THREADS" --mutations <(head -n 1 "$WORK/doubles.txt") -o /dev/null "$MODEL"
