#!/bin/bash
# scripts/fig1.sh: the paper's Fig. 1 (stabilities of a pseudo-likelihood associative memory).
# (a) Histograms of the stabilities of the training patterns of fits stopped after E L-BFGS
#     iterations (fit --max-iter E, free norm: lambda_J = 0, fields pinned to 0), random
#     patterns at load alpha = P / N = 0.4, each next to the analytic distribution at
#     lambda = the fit's mean coupling norm; (b) the analytic distribution as lambda grows, between
#     the Hebbian Gaussian and the maximum-margin truncated Gaussian (src/margin.c).
# Stability of pattern mu at site i, in the paper's normalisation (|J_i| = 1):
#     Delta = xi_i sum_j J_ij xi_j / |J_i|,  J the Ising couplings (K_ij / 4, K_ij = J_ij(1,1) -
#     J_ij(1,0) - J_ij(0,1) + J_ij(0,0)), from `plmem score --stabilities` (its margin is
#     field_i(a_i) - field_i(other) = 2 xi_i sum_j J_ij xi_j) and `plmem export`.
# Usage: scripts/fig1.sh PLMEM BUILD_DIR OUT_DIR [N] [EPOCHS...]
#   BUILD_DIR holds libplmem.a (for scripts/margin-curve.c); writes OUT_DIR/*.tsv and *.png.
set -euo pipefail
PLMEM=$(readlink -f "$1")
BUILD=$(readlink -f "$2")
OUT=$3
N=${4:-1000}
shift 4 2>/dev/null || shift $#
EPOCHS=${*:-1 2 3 5 10 30 100}
ALPHA=0.4
P=$(awk -v n="$N" -v a="$ALPHA" 'BEGIN { printf "%d", n * a + 0.5 }')
SRC=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$OUT"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cc -O2 -I "$SRC/src" "$SRC/scripts/margin-curve.c" "$BUILD/libplmem.a" -lm -fopenmp -o "$WORK/margin-curve"
"$PLMEM" generate random -N "$N" -P "$P" --seed 1 -o "$WORK/patterns.txt"
INPUT="random patterns N = $N, P = $P (alpha = $ALPHA), generate --seed 1"

printf 'epochs\tlambda_eff\tmean\tsd\tmin\tfrac_negative\n' >"$OUT/fig1a-summary.tsv"
for E in $EPOCHS; do
	"$PLMEM" fit --quiet --alphabet binary --no-weights --lambda-j 0 --lambda-h 1e2 --tol 1e-12 \
		--max-iter "$E" -o "$WORK/e$E.plm" "$WORK/patterns.txt"
	"$PLMEM" score --quiet --stabilities "$WORK/st$E.tsv" -o /dev/null "$WORK/e$E.plm" "$WORK/patterns.txt"
	# per-site norms of the Ising couplings, then the normalised stabilities
	"$PLMEM" export "$WORK/e$E.plm" | awk -F'\t' '$1 == "J" { K[$2] += ($4 == 0 ? $5 - $6 : $6 - $5) / 4 }
		$1 == "J" && $4 == 1 { n2[$2] += K[$2] ^ 2; K[$2] = 0 }
		END { for (i in n2) print i "\t" sqrt(n2[i]) }' >"$WORK/norm$E.tsv"
	awk -F'\t' 'NR == FNR { nrm[$1] = $2; next } FNR > 1 { print $4 / (2 * nrm[$2]) }' \
		"$WORK/norm$E.tsv" "$WORK/st$E.tsv" >"$WORK/delta$E.txt"
	lam=$(awk '{ s += $2 } END { printf "%.4g", s / NR }' "$WORK/norm$E.tsv")
	awk -v e="$E" -v lam="$lam" '{ n++; s += $1; s2 += $1 * $1; if (n == 1 || $1 < m) m = $1; neg += $1 < 0 }
		END { printf "%s\t%s\t%.4f\t%.4f\t%.4f\t%.3g\n", e, lam, s / n, sqrt(s2 / n - (s / n) ^ 2), m, neg / n }' \
		"$WORK/delta$E.txt" >>"$OUT/fig1a-summary.tsv"
	# histogram (density, bins of 0.05) and the analytic density at lambda_eff
	awk -v w=0.05 '{ b = int(($1 + 10) / w); c[b]++; n++ } END {
		print "delta\tdensity"; for (b in c) printf "%.3f\t%.6g\n", b * w - 10 + w / 2, c[b] / (n * w) }' \
		"$WORK/delta$E.txt" | sort -t$'\t' -k1,1g >"$OUT/fig1a-hist-e$E.tsv"
	"$WORK/margin-curve" "$ALPHA" "$lam" >"$OUT/fig1a-theory-e$E.tsv"
done
LAMBDAS="0.1 0.5 1 2 5 20"
"$WORK/margin-curve" "$ALPHA" $LAMBDAS >"$OUT/fig1b.tsv"
KAPPA=$(awk '/^# maximum margin/ { print $5 }' "$OUT/fig1b.tsv")

# panel (a): one plot per number of iterations
NE=$(echo $EPOCHS | wc -w)
COLS=4
ROWS=$(((NE + COLS - 1) / COLS))
{
	echo "set terminal pngcairo size 1600,$((420 * ROWS)) font ',11'"
	echo "set output '$OUT/fig1a.png'"
	echo "set multiplot layout $ROWS,$COLS title \"Fig. 1a: stabilities of the training patterns, $INPUT\""
	echo "set xrange [-2:4]; set yrange [0:*]; set xlabel 'Delta'; set ylabel 'P(Delta)'"
	echo "set key top left box opaque font ',9'"
	for E in $EPOCHS; do
		lam=$(awk -F'\t' -v e="$E" '$1 == e { print $2 }' "$OUT/fig1a-summary.tsv")
		echo "set title 'fit --max-iter $E (lambda_{eff} = $lam)'"
		echo "plot '$OUT/fig1a-hist-e$E.tsv' skip 1 with boxes fs solid 0.5 lc rgb '#e69f00' title 'fit', \\"
		echo "     '$OUT/fig1a-theory-e$E.tsv' skip 3 using 1:2 with lines lw 2 lc rgb '#0072b2' title 'theory, lambda = $lam'"
	done
	echo "unset multiplot"
} >"$WORK/fig1a.gp"
{
	echo "set terminal pngcairo size 900,600 font ',11'"
	echo "set output '$OUT/fig1b.png'"
	echo "set title \"Fig. 1b: analytic stability distribution at alpha = $ALPHA (src/margin.c)\""
	echo "set xrange [-3:5]; set yrange [0:3]; set xlabel 'Delta'; set ylabel 'P_{lambda}(Delta) (clipped at 3)'"
	echo "set key top left box opaque"
	echo "set arrow from $KAPPA,0 to $KAPPA,0.9 nohead dt 2 lc rgb '#d55e00'"
	printf "plot "
	col=2
	for l in $LAMBDAS; do
		printf "'%s' skip 3 using 1:%d with lines lw 2 title 'lambda = %s', " "$OUT/fig1b.tsv" "$col" "$l"
		col=$((col + 1))
	done
	printf "'%s' skip 3 using 1:%d with lines dt 3 lw 3 lc rgb 'red' title 'Hebbian limit (Gaussian)', " "$OUT/fig1b.tsv" "$col"
	printf "'%s' skip 3 using 1:%d with lines dt 2 lw 3 lc rgb '#d55e00' title 'maximum margin (truncated at kappa = %s)'\n" \
		"$OUT/fig1b.tsv" "$((col + 1))" "$KAPPA"
} >"$WORK/fig1b.gp"
gnuplot "$WORK/fig1a.gp"
gnuplot "$WORK/fig1b.gp"
cp "$WORK/fig1a.gp" "$WORK/fig1b.gp" "$OUT/"
echo "wrote $OUT: fig1a.png, fig1b.png, fig1a-summary.tsv, fig1a-hist-e*.tsv, fig1a-theory-e*.tsv, fig1b.tsv" >&2
