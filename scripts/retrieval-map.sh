#!/bin/bash
# retrieval-map.sh: the retrieval map of D'Amico et al. 2025 (their Fig. 2): the final overlap
# m_F of the zero-temperature dynamics with a stored pattern, against the initial overlap m_IN,
# for a pseudo-likelihood model (asymmetric and symmetrised couplings) and the Hebbian rule,
# trained on P = alpha N random patterns.  It drives an installed plmem; it builds nothing.
#
#   scripts/retrieval-map.sh [N [OUTDIR]]          (N = 1000, OUTDIR = results/retrieval-map)
#
# Environment: PLMEM (the binary; default ./plmem), ALPHA (0.4), SEED (1), LAMBDA (lambda_J of
# the fit, 0.001), TOL (its gradient tolerance, 1e-4), UPDATE (sequential or parallel,
# sequential), STEP (m_IN step, 0.05),
# RUNS (at least this many noisy starts per point, 400), THREADS (0: all cores), PLOT_ONLY
# (1: only redraw the PNG from an existing OUTDIR/retrieval-map.tsv), KEEP (1: keep the
# patterns and the two models in OUTDIR; by default they are removed at the end).
# Writes OUTDIR/retrieval-map.tsv (m_in, then the mean m_F of each rule) and
# OUTDIR/retrieval-map.png (when gnuplot is installed).
# m = x . xi / N for +-1 spins, i.e. 2 * overlap - 1; the noise flips round(N (1 - m_IN) / 2)
# spins chosen at random (plmem relax --noise), m_IN is the realised value.
set -eu
shopt -s inherit_errexit
N=${1:-1000}
OUT=${2:-results/retrieval-map}
PLMEM=${PLMEM:-./plmem}
ALPHA=${ALPHA:-0.4}
SEED=${SEED:-1}
LAMBDA=${LAMBDA:-0.001}
TOL=${TOL:-1e-4}
UPDATE=${UPDATE:-sequential}
STEP=${STEP:-0.05}
RUNS=${RUNS:-400}
THREADS=${THREADS:-0}
command -v "$PLMEM" >/dev/null 2>&1 || [ -x "$PLMEM" ] || { echo "$0: no plmem at '$PLMEM' (set PLMEM)" >&2; exit 2; }
mkdir -p "$OUT"

P=$(awk -v a="$ALPHA" -v n="$N" 'BEGIN { p = int(a * n + 0.5); print (p < 1 ? 1 : p) }')
REPEATS=$(( (RUNS + P - 1) / P ))
pat=$OUT/patterns.txt
tsv=$OUT/retrieval-map.tsv
if [ "${PLOT_ONLY:-0}" != 1 ]; then
t0=$(date +%s)
"$PLMEM" generate random -N "$N" -P "$P" --seed "$SEED" -o "$pat"
"$PLMEM" fit --quiet -t "$THREADS" --alphabet binary --no-fields --no-weights --lambda-j "$LAMBDA" --tol "$TOL" \
	-o "$OUT/plm.model" "$pat"
"$PLMEM" fit --quiet --alphabet binary --no-weights --rule hebb -o "$OUT/hebb.model" "$pat"

# mean_mf MODEL NOISE [--symmetrize]: prints "m_in m_F" averaged over every run
mean_mf() {
	local model=$1 noise=$2
	shift 2
	"$PLMEM" relax --quiet -t "$THREADS" --update "$UPDATE" --noise "$noise" --repeats "$REPEATS" \
		--seed "$SEED" "$@" --tsv "$OUT/relax.tsv" -o /dev/null "$model" "$pat"
	awk -F '\t' 'NR > 1 { mi += 2 * $3 - 1; mf += 2 * $4 - 1; n++ }
		END { printf "%.4f %.4f\n", mi / n, mf / n }' "$OUT/relax.tsv"
}

{
	echo "# plmem retrieval map: N = $N, P = $P (alpha = $ALPHA), seed $SEED, lambda_J $LAMBDA, tol $TOL," \
		"no fields, $UPDATE update, $((P * REPEATS)) runs per point; m_F averaged over runs"
	printf 'm_in\tplm\tplm_sym\thebb\n'
} >"$tsv.tmp"
nsteps=$(awk -v s="$STEP" 'BEGIN { print int(1 / s + 0.5) }')
for k in $(seq 0 "$nsteps"); do
	noise=$(awk -v k="$k" -v s="$STEP" 'BEGIN { m = 1 - k * s; if (m < 0) m = 0; printf "%.6f", (1 - m) / 2 }')
	r=$(mean_mf "$OUT/plm.model" "$noise")
	mi=${r% *} a=${r#* }
	r=$(mean_mf "$OUT/plm.model" "$noise" --symmetrize)
	b=${r#* }
	r=$(mean_mf "$OUT/hebb.model" "$noise")
	c=${r#* }
	printf '%s\t%s\t%s\t%s\n' "$mi" "$a" "$b" "$c" >>"$tsv.tmp"
done
rm -f "$OUT/relax.tsv"
[ "${KEEP:-0}" = 1 ] || rm -f "$pat" "$OUT/plm.model" "$OUT/hebb.model"
mv "$tsv.tmp" "$tsv"
t1=$(date +%s)
echo "retrieval-map: N = $N, P = $P: $((t1 - t0)) s; wrote $tsv" >&2
fi

if command -v gnuplot >/dev/null 2>&1; then
	gnuplot <<EOF
set terminal pngcairo size 800,600 font ",11"
set output "$OUT/retrieval-map.png"
set title "Retrieval map, random patterns, N = $N, alpha = P/N = $ALPHA ($UPDATE update)"
set xlabel "initial overlap m_{IN}"
set ylabel "final overlap m_F (mean over $((P * REPEATS)) runs)"
set xrange [0:1]
set yrange [0:1.02]
set key bottom right
set grid
plot x title "m_F = m_{IN}" with lines dt 2 lc rgb "gray50", \
     "$tsv" using 1:2 title "pseudo-likelihood (asymmetric)" with linespoints pt 7, \
     "$tsv" using 1:3 title "pseudo-likelihood (symmetrised)" with linespoints pt 5, \
     "$tsv" using 1:4 title "Hebb" with linespoints pt 9
EOF
fi
