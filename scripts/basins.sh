#!/bin/bash
# basins.sh: basin size against the load alpha = P/N (D'Amico et al. 2025, their Fig. 3) for
# pseudo-likelihood (asymmetric couplings, and the same couplings symmetrised) and the Hebbian
# rule on random patterns, with the asymmetry of the fitted couplings.  It drives an installed
# plmem (and scripts/asymmetry.sh); it builds nothing.
#
#   scripts/basins.sh [N [OUTDIR]]                 (N = 1000, OUTDIR = results/basins)
#
# Basin size = 1 - m_IN^max, where m_IN^max is where the retrieval map (m_F averaged over
# every pattern and noisy start) first drops below THRESH = 0.99 as m_IN decreases from 1 in
# steps of STEP (linear interpolation between the two grid points around the crossing); 0 when
# the patterns themselves are not retrieved (m_F < THRESH at m_IN = 1), 1 when even random
# starts (m_IN = 0) are.
# Environment: PLMEM (./plmem), ALPHAS (the loads), SEED (1), LAMBDA (lambda_J, 0.001), TOL
# (the fit's gradient tolerance, 1e-4),
# UPDATE (sequential), STEP (0.02), THRESH (0.99), RUNS (at least this many noisy starts per
# point, 200), THREADS (0: all cores), MAX_ITER (L-BFGS iterations per site, 500), PLOT_ONLY
# (1: only redraw the PNG from an existing OUTDIR/basins.tsv), JOINT (1: add a column for
# the symmetric model fitted jointly, `plmem fit --symmetric`, same lambda and tol).
# Writes OUTDIR/basins.tsv and OUTDIR/basins.png (asymmetry in OUTDIR/basins.tsv too).
set -eu
shopt -s inherit_errexit
N=${1:-1000}
OUT=${2:-results/basins}
PLMEM=${PLMEM:-./plmem}
ALPHAS=${ALPHAS:-"0.05 0.1 0.15 0.2 0.3 0.4 0.5 0.6 0.8 1.0 1.2 1.5"}
SEED=${SEED:-1}
LAMBDA=${LAMBDA:-0.001}
TOL=${TOL:-1e-4}
UPDATE=${UPDATE:-sequential}
STEP=${STEP:-0.02}
THRESH=${THRESH:-0.99}
RUNS=${RUNS:-200}
THREADS=${THREADS:-0}
MAX_ITER=${MAX_ITER:-500}
here=$(cd "$(dirname "$0")" && pwd)
command -v "$PLMEM" >/dev/null 2>&1 || [ -x "$PLMEM" ] || { echo "$0: no plmem at '$PLMEM' (set PLMEM)" >&2; exit 2; }
mkdir -p "$OUT"

# mean_mf MODEL PATTERNS REPEATS NOISE [--symmetrize]: prints "m_in m_F" averaged over runs
mean_mf() {
	local model=$1 pat=$2 rep=$3 noise=$4
	shift 4
	"$PLMEM" relax --quiet -t "$THREADS" --update "$UPDATE" --noise "$noise" --repeats "$rep" \
		--seed "$SEED" "$@" --tsv "$OUT/relax.tsv" -o /dev/null "$model" "$pat"
	awk -F '\t' 'NR > 1 { mi += 2 * $3 - 1; mf += 2 * $4 - 1; n++ }
		END { printf "%.5f %.5f\n", mi / n, mf / n }' "$OUT/relax.tsv"
}

# basin MODEL PATTERNS REPEATS [--symmetrize]: prints the basin size; the scanned points go
# to $OUT/scan.tsv (alpha, rule, m_in, m_F)
basin() {
	local model=$1 pat=$2 rep=$3 rule=$4
	shift 4
	local nsteps k noise r mi mf pmi="" pmf=""
	nsteps=$(awk -v s="$STEP" 'BEGIN { print int(1 / s + 0.5) }')
	for k in $(seq 0 "$nsteps"); do
		noise=$(awk -v k="$k" -v s="$STEP" 'BEGIN { m = 1 - k * s; if (m < 0) m = 0; printf "%.6f", (1 - m) / 2 }')
		r=$(mean_mf "$model" "$pat" "$rep" "$noise" "$@")
		mi=${r% *} mf=${r#* }
		printf '%s\t%s\t%s\t%s\n' "$alpha" "$rule" "$mi" "$mf" >>"$OUT/scan.tsv"
		if awk -v f="$mf" -v t="$THRESH" 'BEGIN { exit !(f < t) }'; then
			if [ -z "$pmi" ]; then
				echo 0
			else
				awk -v m0="$pmi" -v f0="$pmf" -v m1="$mi" -v f1="$mf" -v t="$THRESH" \
					'BEGIN { m = m1 + (t - f1) * (m0 - m1) / (f0 - f1); printf "%.4f\n", 1 - m }'
			fi
			return
		fi
		pmi=$mi pmf=$mf
	done
	echo 1
}

# fit_plm MODEL PATTERNS [--symmetric]: the pseudo-likelihood fit of every column
fit_plm() {
	local model=$1 pat=$2
	shift 2
	"$PLMEM" fit --quiet -t "$THREADS" --alphabet binary --no-fields --no-weights "$@" \
		--lambda-j "$LAMBDA" --tol "$TOL" --max-iter "$MAX_ITER" -o "$model" "$pat"
}

tsv=$OUT/basins.tsv
t0=$(date +%s)
if [ "${PLOT_ONLY:-0}" != 1 ]; then
{
	echo "# plmem basins: N = $N, random patterns, seed $SEED, lambda_J $LAMBDA, tol $TOL, no fields," \
		"$UPDATE update, threshold m_F >= $THRESH, m_IN step $STEP, >= $RUNS runs per point"
	printf 'alpha\tP\tbasin_plm\tbasin_plm_sym\tbasin_hebb\tasymmetry\tfit_s'
	[ "${JOINT:-0}" = 1 ] && printf '\tbasin_plm_joint\tjoint_fit_s'
	printf '\n'
} >"$tsv.tmp"
printf 'alpha\trule\tm_in\tm_f\n' >"$OUT/scan.tsv"
for alpha in $ALPHAS; do
	P=$(awk -v a="$alpha" -v n="$N" 'BEGIN { p = int(a * n + 0.5); print (p < 1 ? 1 : p) }')
	rep=$(( (RUNS + P - 1) / P ))
	pat=$OUT/patterns-$alpha.txt
	"$PLMEM" generate random -N "$N" -P "$P" --seed "$SEED" -o "$pat"
	f0=$(date +%s)
	fit_plm "$OUT/plm.model" "$pat"
	f1=$(date +%s)
	"$PLMEM" fit --quiet --alphabet binary --no-weights --rule hebb -o "$OUT/hebb.model" "$pat"
	asym=$(PLMEM=$PLMEM "$here/asymmetry.sh" "$OUT/plm.model")
	b_plm=$(basin "$OUT/plm.model" "$pat" "$rep" plm)
	b_sym=$(basin "$OUT/plm.model" "$pat" "$rep" plm_sym --symmetrize)
	b_hebb=$(basin "$OUT/hebb.model" "$pat" "$rep" hebb)
	joint="" note=""
	if [ "${JOINT:-0}" = 1 ]; then
		f2=$(date +%s)
		fit_plm "$OUT/joint.model" "$pat" --symmetric
		f3=$(date +%s)
		b_joint=$(basin "$OUT/joint.model" "$pat" "$rep" plm_joint)
		joint=$(printf '\t%s\t%s' "$b_joint" "$((f3 - f2))")
		note="; symmetric fitted jointly $b_joint (fit $((f3 - f2)) s)"
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s%s\n' "$alpha" "$P" "$b_plm" "$b_sym" "$b_hebb" "$asym" \
		"$((f1 - f0))" "$joint" >>"$tsv.tmp"
	echo "basins: alpha $alpha (P = $P): plm $b_plm, symmetrised $b_sym, hebb $b_hebb," \
		"asymmetry $asym; fit $((f1 - f0)) s$note," \
		"$(($(date +%s) - t0)) s so far" >&2
	rm -f "$pat"
done
rm -f "$OUT/relax.tsv" "$OUT/plm.model" "$OUT/hebb.model" "$OUT/joint.model"
mv "$tsv.tmp" "$tsv"
echo "basins: N = $N: $(($(date +%s) - t0)) s; wrote $tsv" >&2
fi

joint_plot=""
if head -n 2 "$tsv" | grep -q basin_plm_joint; then
	joint_plot=", \"$tsv\" using 1:8 title \"pseudo-likelihood (symmetric, fitted jointly)\" with linespoints pt 13 lc rgb \"dark-orange\""
fi
if command -v gnuplot >/dev/null 2>&1; then
	gnuplot <<EOF
set terminal pngcairo size 800,600 font ",11"
set output "$OUT/basins.png"
set title "Basin size against load, random patterns, N = $N ($UPDATE update)"
set xlabel "alpha = P/N"
set ylabel "basin size 1 - m_{IN}^{max}  (m_F >= $THRESH)"
set y2label "asymmetry ||J - J^T|| / ||J||"
set ytics nomirror
set y2tics
set xrange [0:*]
set yrange [0:1.02]
set y2range [0:*]
set key top right
set grid
set arrow from 0.138, graph 0 to 0.138, graph 1 nohead dt 2 lc rgb "gray"
set label "Hebb alpha_c = 0.138" at 0.145, graph 0.95 font ",9" tc rgb "gray40"
plot "$tsv" using 1:3 title "pseudo-likelihood (asymmetric)" with linespoints pt 7, \
     "$tsv" using 1:4 title "pseudo-likelihood (symmetrised)" with linespoints pt 5, \
     "$tsv" using 1:5 title "Hebb" with linespoints pt 9, \
     "$tsv" using 1:6 axes x1y2 title "asymmetry (right axis)" with linespoints dt 3 pt 1 lc rgb "black"$joint_plot
EOF
fi
