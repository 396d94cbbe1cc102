#!/bin/bash
# binary-sweep.sh: memorization to generalization on binary data (D'Amico et al. 2025, MNIST
# Fig. 5 and the 2-D spin glass Fig. 7): for each training size P, fit a pseudo-likelihood
# model on P patterns drawn from a pool, and run the zero-temperature parallel dynamics from
# training patterns, test patterns and uniformly random configurations (m_IN = 1).  It drives
# an installed plmem (fit, relax, generate random, export); it builds nothing.
#
#   scripts/binary-sweep.sh TRAIN_POOL TEST_POOL OUTDIR
#
# TRAIN_POOL, TEST_POOL: patterns, one per line of 0/1 (plmem generate writes them); the two
# must not share patterns.  For training size P and repetition r, the training set is P
# patterns drawn without replacement from TRAIN_POOL (seed SEED + r); the starts are the
# training set itself when P <= STARTS, else STARTS of its patterns drawn without replacement;
# STARTS test patterns drawn without replacement from TEST_POOL; STARTS random configurations
# (plmem generate random).  A run is "stable" when its start is already a fixed point.
#
# Environment: PLMEM (plmem), PS (the training sizes, required), REPS (1), STARTS (1000),
# SEED (1), LAMBDA (fit --lambda-j, 1e-4), TOL (1e-4), MAX_ITER (500), MAX_SWEEPS (1000),
# UPDATE (parallel; sequential: sites in ascending order, and the kinds are named train_seq...),
# THREADS (0: all cores), FIT_OPTS (more fit options), TITLE (the plot's title),
# TRUTH (a model file, e.g. generate ea --couplings: adds "truth" rows, the dynamics of the
# true couplings from the same test and random starts), REF_ALL (1: also fit on the whole
# TRAIN_POOL, rows "all"), JMAT and TEMP (generate ea --matrix and its temperature: adds
# OUTDIR/couplings.tsv, the fitted symmetrised couplings against J / T).
# PLOT_ONLY=1 only redraws the PNGs from the TSVs.
# Writes OUTDIR/sweep.tsv (one row per P, repetition and start kind; a rerun skips the rows
# already there), OUTDIR/sweep.png, and with JMAT OUTDIR/couplings.tsv and couplings.png.
set -eu
shopt -s inherit_errexit
[ $# = 3 ] || { echo "usage: $0 TRAIN_POOL TEST_POOL OUTDIR (PS=\"...\" in the environment)" >&2; exit 2; }
POOL=$1 TESTPOOL=$2 OUT=$3
PLMEM=${PLMEM:-plmem}
[ "${PLOT_ONLY:-0}" = 1 ] || : "${PS:?PS must list the training sizes}"
REPS=${REPS:-1}
STARTS=${STARTS:-1000}
SEED=${SEED:-1}
LAMBDA=${LAMBDA:-1e-4}
TOL=${TOL:-1e-4}
MAX_ITER=${MAX_ITER:-500}
MAX_SWEEPS=${MAX_SWEEPS:-1000}
UPDATE=${UPDATE:-parallel}
SUFFIX=$([ "$UPDATE" = parallel ] || echo _seq)
THREADS=${THREADS:-0}
FIT_OPTS=${FIT_OPTS:-}
TITLE=${TITLE:-$(basename "$POOL")}
mkdir -p "$OUT"
work=$(mktemp -d "$OUT/.work.XXXXXX")
trap 'rm -rf "$work"' EXIT
N=$(head -n 1 "$POOL" | tr -d '\n' | wc -c)
NPOOL=$(wc -l <"$POOL")
NTEST=$(wc -l <"$TESTPOOL")
tsv=$OUT/sweep.tsv
ctsv=$OUT/couplings.tsv
[ -f "$tsv" ] || printf 'P\talpha\trep\tkind\tn\tm_f\tm_f_sd\tstable\tcycle\tmax_sweeps\tfit_s\tfit_cpu_s\n' >"$tsv"
if [ -n "${JMAT:-}" ] && [ ! -f "$ctsv" ]; then
	printf 'P\talpha\trep\tpearson\trel_err\tpearson_bonds\trel_err_bonds\trms_off_bonds\tmean_abs_bond\n' >"$ctsv"
fi

# draw K LINES_FILE SEED: K lines drawn without replacement, in a seeded random order
draw() {
	shuf -n "$1" --random-source=<(yes "plmem-$3") "$2"
}

# relax_row MODEL STARTS LABEL P REP KIND FIT_S FIT_CPU: one TSV row from the dynamics (LABEL:
# the training size, "all" or "truth"; P: the training size as a number, or NA).  m_F is the
# overlap with the start after exactly MAX_SWEEPS parallel sweeps, as in the paper: relax stops
# a run caught in a cycle of length c at sweep t, and the state of sweep MAX_SWEEPS is then
# (MAX_SWEEPS - t) mod c sweeps further on, which a second relax pass computes.
relax_row() {
	local model=$1 starts=$2 label=$3 p=$4 k
	shift 2
	"$PLMEM" relax --quiet -t "$THREADS" --update "$UPDATE" --max-sweeps "$MAX_SWEEPS" \
		--tsv "$work/relax.tsv" -o "$work/end.fa" "$model" "$starts"
	grep -v '^>' "$work/end.fa" >"$work/end.txt"
	awk -F '\t' -v M="$MAX_SWEEPS" 'NR > 1 { print ($8 == "cycle" ? (M - $6) % $9 : 0) }' \
		"$work/relax.tsv" >"$work/more.txt"
	for k in $(sort -un "$work/more.txt"); do
		[ "$k" = 0 ] && continue
		paste -d '\t' "$work/more.txt" "$work/end.txt" | awk -F '\t' -v k="$k" '$1 == k { print $2 }' >"$work/cyc.txt"
		"$PLMEM" relax --quiet -t "$THREADS" --update "$UPDATE" --max-sweeps "$k" -o - "$model" \
			"$work/cyc.txt" | grep -v '^>' >"$work/cyc.end"
		awk -v k="$k" 'FILENAME == ARGV[1] { more[FNR] = $1; next } FILENAME == ARGV[2] { e[++n] = $0; next }
			{ print (more[FNR] == k ? e[++c] : $0) }' "$work/more.txt" "$work/cyc.end" "$work/end.txt" >"$work/end2.txt"
		mv "$work/end2.txt" "$work/end.txt"
	done
	paste -d '\t' "$starts" "$work/end.txt" <(tail -n +2 "$work/relax.tsv") |
	awk -F '\t' -v L="$label" -v P="$p" -v N="$N" -v rep="$3" -v kind="$4$SUFFIX" -v fs="$5" -v fc="$6" '
		{ e = 0; for (i = 1; i <= N; i++) e += substr($1, i, 1) == substr($2, i, 1)
			m = 2 * e / N - 1; s += m; s2 += m * m; n++
			if ($8 == 0) st++; if ($10 == "cycle") cy++; if ($10 == "max-sweeps") mx++ }
		END { mean = s / n; sd = n > 1 ? sqrt((s2 - n * mean * mean) / (n - 1)) : 0
			printf "%s\t%s\t%s\t%s\t%d\t%.5f\t%.5f\t%.4f\t%.4f\t%.4f\t%s\t%s\n", L,
				(P == "NA" ? "NA" : sprintf("%.5g", P / N)), rep, kind, n, mean, sd, st / n, cy / n, mx / n, fs, fc }
	' >>"$tsv"
}

# couplings_row MODEL LABEL P REP: fitted K_ij = (J_ij(1,1) + J_ji(1,1)) / 2 in the zero-sum gauge
# (the Ising coupling of the q = 2 model) against J_ij / T over all pairs i < j, and over the
# lattice bonds alone
couplings_row() {
	"$PLMEM" export --zero-sum "$1" -o "$work/J.txt"
	awk -F '\t' -v L="$2" -v P="$3" -v N="$N" -v rep="$4" -v T="$TEMP" '
		FNR == NR { for (j = 1; j <= NF; j++) if ($j != 0) tr[FNR, j] = $j / T; next }
		$1 == "J" && $4 == "1" { i = $2; j = $3; if (i < j) a[i, j] += $6 / 2; else a[j, i] += $6 / 2 }
		END {
			for (i = 1; i <= N; i++) for (j = i + 1; j <= N; j++) {
				x = a[i, j]; y = ((i, j) in tr) ? tr[i, j] : 0
				n++; sx += x; sy += y; sxx += x * x; syy += y * y; sxy += x * y; d2 += (x - y) ^ 2
				if ((i, j) in tr) { nb++; bx += x; by += y; bxx += x * x; byy += y * y; bxy += x * y; bd2 += (x - y) ^ 2; bab += (y < 0 ? -y : y) }
				else { od2 += x * x; no++ }
			}
			r = (n * sxy - sx * sy) / sqrt((n * sxx - sx * sx) * (n * syy - sy * sy))
			rb = (nb * bxy - bx * by) / sqrt((nb * bxx - bx * bx) * (nb * byy - by * by))
			printf "%s\t%.5g\t%s\t%.5f\t%.5f\t%.5f\t%.5f\t%.5g\t%.5g\n", L, P / N, rep, r, sqrt(d2 / syy),
				rb, sqrt(bd2 / byy), sqrt(od2 / no), bab / nb
		}' "$JMAT" "$work/J.txt" >>"$ctsv"
}

# point P REP: fit and relax one training size (skipped when its rows exist)
point() {
	local P=$1 rep=$2 kind=${3:-} label
	label=${kind:-$P}
	if awk -F '\t' -v P="$label" -v r="$rep" '$1 == P && $3 == r { f = 1 } END { exit !f }' "$tsv"; then
		return
	fi
	local s=$((SEED + rep))
	draw "$P" "$POOL" "train-$P-$s" >"$work/train.txt"
	local t0 c0 t1 fit_s cpu
	t0=$(date +%s.%N)
	/usr/bin/time -f '%U %S' -o "$work/time" "$PLMEM" fit --quiet -t "$THREADS" --alphabet binary \
		--no-fields --no-weights --lambda-j "$LAMBDA" --tol "$TOL" --max-iter "$MAX_ITER" $FIT_OPTS \
		-o "$work/model" "$work/train.txt"
	t1=$(date +%s.%N)
	fit_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	cpu=$(awk '{ printf "%.2f", $1 + $2 }' "$work/time")
	if [ "$P" -le "$STARTS" ]; then cp "$work/train.txt" "$work/s_train.txt"
	else draw "$STARTS" "$work/train.txt" "starts-$P-$s" >"$work/s_train.txt"; fi
	draw "$STARTS" "$TESTPOOL" "test-$P-$s" >"$work/s_test.txt"
	"$PLMEM" generate random -N "$N" -P "$STARTS" --seed "$s" -o "$work/s_random.txt"
	local k
	for k in train test random; do
		relax_row "$work/model" "$work/s_$k.txt" "$label" "$P" "$rep" "$k" "$fit_s" "$cpu"
	done
	[ -n "${JMAT:-}" ] && couplings_row "$work/model" "$label" "$P" "$rep"
	echo "binary-sweep: P = $label, rep $rep: fit ${fit_s} s (cpu ${cpu} s); $(awk -F '\t' -v P="$label" -v r="$rep" \
		'$1 == P && $3 == r { printf "%s m_F %s  ", $4, $6 }' "$tsv")" >&2
	rm -f "$work/model"
}

[ "${PLOT_ONLY:-0}" = 1 ] && PS="" REF_ALL=0 TRUTH=""
for P in $PS; do
	[ "$P" -le "$NPOOL" ] || { echo "binary-sweep: P = $P is larger than the pool ($NPOOL)" >&2; exit 2; }
	for rep in $(seq 1 "$REPS"); do
		point "$P" "$rep"
	done
done
if [ "${REF_ALL:-0}" = 1 ]; then
	P=$NPOOL
	if ! awk -F '\t' '$1 == "all" { f = 1 } END { exit !f }' "$tsv"; then
		point "$NPOOL" 1 all
	fi
fi
if [ -n "${TRUTH:-}" ] && ! awk -F '\t' '$1 == "truth" { f = 1 } END { exit !f }' "$tsv"; then
	draw "$STARTS" "$TESTPOOL" "test-truth-$SEED" >"$work/s_test.txt"
	draw "$STARTS" "$POOL" "train-truth-$SEED" >"$work/s_train.txt"
	"$PLMEM" generate random -N "$N" -P "$STARTS" --seed "$SEED" -o "$work/s_random.txt"
	for k in train test random; do
		relax_row "$TRUTH" "$work/s_$k.txt" truth NA 1 "$k" NA NA
	done
fi

# ---- plots -------------------------------------------------------------------------------
command -v gnuplot >/dev/null 2>&1 || { echo "binary-sweep: no gnuplot, no PNG" >&2; exit 0; }
# mean over repetitions per P and kind, with the spread (sd) of the repetition means
awk -F '\t' 'NR > 1 && $1 ~ /^[0-9]+$/ { k = $2 SUBSEP $4; s[k] += $6; s2[k] += $6 * $6; n[k]++; a[k] = $2; kk[k] = $4 }
	END { for (k in s) { m = s[k] / n[k]; sd = n[k] > 1 ? sqrt((s2[k] - n[k] * m * m) / (n[k] - 1)) : 0
		print a[k], kk[k], m, sd } }' "$tsv" | sort -k2,2 -k1,1g >"$work/mean.txt"
refs=""
for r in all truth; do
	v=$(awk -F '\t' -v r="$r" -v k="test$SUFFIX" '$1 == r && $4 == k { print $6 }' "$tsv")
	[ -n "$v" ] && refs="$refs, $v with lines dt $([ $r = truth ] && echo 2 || echo 3) lw 2 lc rgb \"$([ $r = truth ] && echo black || echo gray40)\" title \"$([ $r = truth ] && echo 'true couplings (test starts)' || echo 'fitted on the whole pool (test starts)')\""
done
gnuplot <<EOF
set terminal pngcairo size 800,560 font ",11"
set output "$OUT/sweep.png.tmp"
set title "$TITLE"
set xlabel "alpha = P / N   (N = $N)"
set ylabel "final overlap m_F after $MAX_SWEEPS $UPDATE sweeps (m_{IN} = 1)"
set logscale x
set yrange [-0.05:1.05]
set key bottom right
set grid
plot "< grep ' train$SUFFIX ' $work/mean.txt" using 1:3:4 with yerrorlines pt 7 lc rgb "blue" title "train", \
     "< grep ' test$SUFFIX ' $work/mean.txt" using 1:3:4 with yerrorlines pt 5 lc rgb "dark-orange" title "test", \
     "< grep ' random$SUFFIX ' $work/mean.txt" using 1:3:4 with yerrorlines pt 9 lc rgb "forest-green" title "random" $refs
EOF
mv "$OUT/sweep.png.tmp" "$OUT/sweep.png"
if [ -f "$ctsv" ]; then
	gnuplot <<EOF
set terminal pngcairo size 800,560 font ",11"
set output "$OUT/couplings.png.tmp"
set title "$TITLE: fitted symmetrised couplings against J / T"
set xlabel "alpha = P / N   (N = $N)"
set logscale x
set yrange [0:*]
set key top right
set grid
plot "< awk -F'\t' 'NR > 1 && \$1 ~ /^[0-9]+\$/' $ctsv" using 2:4 with linespoints pt 7 title "Pearson r, all pairs", \
     "" using 2:5 with linespoints pt 5 title "relative error ||K - J/T|| / ||J/T||, all pairs", \
     "" using 2:6 with linespoints pt 9 title "Pearson r, lattice bonds"
EOF
	mv "$OUT/couplings.png.tmp" "$OUT/couplings.png"
fi
echo "binary-sweep: wrote $tsv and $OUT/sweep.png" >&2
