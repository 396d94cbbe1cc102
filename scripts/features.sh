#!/bin/bash
# features.sh: memorization and generalization in the random-features model (D'Amico et al.
# 2025, their random-features experiment): PLM models trained on P = alpha N patterns
# xi = sign(c_1 f_a + c_2 f_b + c_3 f_c) of D hidden features, then run from the training
# patterns, from unseen test patterns of the same model and from the features themselves.
# It drives an installed plmem; it builds nothing.
#
#   scripts/features.sh [N [OUTDIR]]             (N = 1000, OUTDIR = results/features)
#
# Environment: PLMEM (./plmem), ALPHAS (the loads), D (features, 100), LF (3), TEST (test
# patterns, 200), SEED (1), LAMBDA (0.001), TOL (1e-4), UPDATE (sequential), THREADS (0),
# PLOT_ONLY (1: only redraw the PNG).
# For each load it reports the mean final overlap m_F = 2 overlap(end, start) - 1 of runs
# started exactly on (no noise) the training patterns (1: every pattern is a fixed point,
# memorization), the test patterns (near 1: unseen examples sit at or next to fixed points,
# generalization) and the features (near 1: the hidden features became attractors).
set -eu
shopt -s inherit_errexit
N=${1:-1000}
OUT=${2:-results/features}
PLMEM=${PLMEM:-./plmem}
ALPHAS=${ALPHAS:-"0.05 0.1 0.2 0.4 0.8 1.2 2 3 5 8"}
D=${D:-100}
LF=${LF:-3}
TEST=${TEST:-200}
SEED=${SEED:-1}
LAMBDA=${LAMBDA:-0.001}
TOL=${TOL:-1e-4}
UPDATE=${UPDATE:-sequential}
THREADS=${THREADS:-0}
command -v "$PLMEM" >/dev/null 2>&1 || [ -x "$PLMEM" ] || { echo "$0: no plmem at '$PLMEM' (set PLMEM)" >&2; exit 2; }
mkdir -p "$OUT"
tsv=$OUT/features.tsv

# mean_mf MODEL STARTS: mean of 2 overlap(end, start) - 1 over runs from STARTS, no noise
mean_mf() {
	"$PLMEM" relax --quiet -t "$THREADS" --update "$UPDATE" --tsv "$OUT/relax.tsv" -o /dev/null "$1" "$2"
	awk -F '\t' 'NR > 1 { mf += 2 * $4 - 1; n++ } END { printf "%.4f\n", mf / n }' "$OUT/relax.tsv"
}

if [ "${PLOT_ONLY:-0}" != 1 ]; then
	t0=$(date +%s)
	{
		echo "# plmem features: N = $N, D = $D features, Lf = $LF, $TEST test patterns, seed $SEED," \
			"lambda_J $LAMBDA, tol $TOL, no fields, $UPDATE update; runs start exactly on the patterns"
		printf 'alpha\tP\ttrain_mf\ttest_mf\tfeature_mf\tfit_s\n'
	} >"$tsv.tmp"
	for alpha in $ALPHAS; do
		P=$(awk -v a="$alpha" -v n="$N" 'BEGIN { p = int(a * n + 0.5); print (p < 1 ? 1 : p) }')
		"$PLMEM" generate features -N "$N" -P "$P" -D "$D" --lf "$LF" --seed "$SEED" \
			--test "$TEST" --test-out "$OUT/test.txt" --features "$OUT/features.txt" -o "$OUT/train.txt"
		f0=$(date +%s)
		"$PLMEM" fit --quiet -t "$THREADS" --alphabet binary --no-fields --no-weights \
			--lambda-j "$LAMBDA" --tol "$TOL" -o "$OUT/plm.model" "$OUT/train.txt"
		f1=$(date +%s)
		tr_mf=$(mean_mf "$OUT/plm.model" "$OUT/train.txt")
		te_mf=$(mean_mf "$OUT/plm.model" "$OUT/test.txt")
		fe_mf=$(mean_mf "$OUT/plm.model" "$OUT/features.txt")
		printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$alpha" "$P" "$tr_mf" "$te_mf" "$fe_mf" "$((f1 - f0))" >>"$tsv.tmp"
		echo "features: alpha $alpha (P = $P): train $tr_mf, test $te_mf, features $fe_mf;" \
			"fit $((f1 - f0)) s, $(($(date +%s) - t0)) s so far" >&2
	done
	rm -f "$OUT/relax.tsv" "$OUT/plm.model" "$OUT/train.txt" "$OUT/test.txt" "$OUT/features.txt"
	mv "$tsv.tmp" "$tsv"
	echo "features: N = $N: $(($(date +%s) - t0)) s; wrote $tsv" >&2
fi

if command -v gnuplot >/dev/null 2>&1; then
	gnuplot <<EOF
set terminal pngcairo size 800,600 font ",11"
set output "$OUT/features.png"
set title "Random-features model, N = $N, D = $D, L_f = $LF: runs started on the patterns"
set xlabel "alpha = P/N"
set ylabel "mean final overlap m_F with the start"
set logscale x
set yrange [0:1.02]
set key bottom left
set grid
plot "$tsv" using 1:3 title "training patterns (memorization)" with linespoints pt 7, \
     "$tsv" using 1:4 title "test patterns (generalization)" with linespoints pt 5, \
     "$tsv" using 1:5 title "hidden features" with linespoints pt 9
EOF
fi
