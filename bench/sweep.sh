#!/bin/bash
# bench/sweep.sh: where the time of a sweep point goes.  One point of the Kunitz sweep
# (P training sequences, 2,000 starts of each kind, asymmetric and symmetrized couplings) run
# (a) by plmem sweep in one process, and (b) as separate commands, as a script would do it:
# split (reads the alignment, weighs it), fit (reads the training file, weighs it), write the
# starts, relax 6 times (reads the model each time).  Prints CPU (user + sys) and wall times,
# and the fit / relax split of (a) from its table.
# Usage: bench/sweep.sh [PLMEM] [SHARED_DATA_DIR] [P] [THREADS]
set -euo pipefail
PLMEM=${1:-./plmem}
SHARED=${2:-$(dirname "$0")/../../shared/data}
P=${3:-97}
THREADS=${4:-1}
MSA=$SHARED/msa/kunitz_PF00014.fasta.gz
WORK=${BENCH_DIR:-bench-sweep}
rm -rf "$WORK"
mkdir -p "$WORK"
T() { /usr/bin/time -a -o "$WORK/times" -f "$1 %e %U %S %M" "${@:2}"; }

# (a) one process
T sweep "$PLMEM" sweep --quiet -t "$THREADS" --sizes "$P" --reps 1 --starts 2000 --no-plot -o "$WORK/one" "$MSA"

# (b) separate commands: the same training set (split seed 1), the starts as files
T split "$PLMEM" split --quiet -t "$THREADS" --train "$P" --seed 1 -o "$WORK/s" "$MSA"
T fit "$PLMEM" fit --quiet -t "$THREADS" -o "$WORK/s.plm" "$WORK/s.train.fasta"
# 2,000 draws with repetition of each set (awk's rand, seed 1), and 2,000 random sequences
draw() { awk -v n=2000 'BEGIN { srand(1) } /^>/ { next } { s[++m] = $0 } END { for (k = 1; k <= n; k++) printf ">d%d\n%s\n", k, s[int(rand() * m) + 1] }' "$1"; }
T starts bash -c "$(declare -f draw); draw '$WORK/s.train.fasta' >'$WORK/train.fa'; draw '$WORK/s.test.fasta' >'$WORK/test.fa'; \
	awk 'BEGIN { srand(2); a = \"-ACDEFGHIKLMNPQRSTVWY\"; for (k = 1; k <= 2000; k++) { s = \"\"; for (i = 0; i < 53; i++) s = s substr(a, int(rand() * 21) + 1, 1); printf \">r%d\n%s\n\", k, s } }' >'$WORK/random.fa'"
for kind in train test random; do
	T "relax-$kind" "$PLMEM" relax --quiet -t "$THREADS" -o /dev/null "$WORK/s.plm" "$WORK/$kind.fa"
	T "relax-$kind-sym" "$PLMEM" relax --quiet -t "$THREADS" --symmetrize -o /dev/null "$WORK/s.plm" "$WORK/$kind.fa"
done

awk '{ cpu = $3 + $4; printf "%-18s wall %7.2f s  CPU %7.2f s  max RSS %6.1f MB\n", $1, $2, cpu, $5 / 1024
       if ($1 != "sweep") { tw += $2; tc += cpu } }
     END { printf "%-18s wall %7.2f s  CPU %7.2f s\n", "separate, total", tw, tc }' "$WORK/times"
awk -F'\t' '!/^#/ && $1 != "P" { if (!f) { fit = $18; f = 1 } relax += $19 }
     END { printf "sweep table: fit %.2f s, relax (6 batches) %.2f s (wall, inside the process)\n", fit, relax }' "$WORK/one.tsv"
