#!/bin/bash
# ea-sweep.sh: the 2-D Edwards-Anderson experiment of docs/experiments.md (D'Amico et al. 2025,
# Fig. 7) end to end, resumable: the samples (plmem generate ea, once), the equilibration plot,
# then plmem sweep in passes, each of which resumes where it stopped.
#
#   scripts/ea-sweep.sh DATA_DIR OUTDIR
#
# DATA_DIR holds the samples (about 80 MB: keep it outside the repository): train.txt (65,536
# samples, the training pool), test.txt (8,192 later samples, disjoint), truth.model (J/T as a
# plmem model), J.tsv (the coupling matrix J), pt-log.tsv.  OUTDIR gets pt-log.tsv,
# pt-equilibration.png, and
#   pass sweep: ea.tsv, ea.summary.tsv, ea.meta.txt, ea.gp, ea.png from plmem sweep (parallel
#     updates, m_F after exactly 1,000 sweeps: --cycle-end max-sweeps; the true couplings as
#     --reference; REPS training sets at each size of SIZES, or A-B for a part);
#   pass seq: ea-seq.*, the same with sequential updates at the sizes SEQ_SIZES, REPS_SEQ sets;
#   pass couplings: couplings.tsv/png, the fitted symmetrised couplings against J / T (one
#     training set per size of SIZES, drawn with shuf).
# Environment: PLMEM (plmem), THREADS (0: all cores), STARTS (500 per kind and point),
# PASSES (default "sweep"), SIZES, REPS (default 10), SEQ_SIZES, REPS_SEQ (1).
set -eu
[ $# = 2 ] || { echo "usage: $0 DATA_DIR OUTDIR" >&2; exit 2; }
D=$1 OUT=$2
export PLMEM=${PLMEM:-plmem}
export THREADS=${THREADS:-0} STARTS=${STARTS:-500}
PASSES=${PASSES:-sweep}
REPS=${REPS:-10}
SIZES=${SIZES:-1,4,16,64,256,512,1024,2048,4096,8192,16384,32768,65536}
SEQ_SIZES=${SEQ_SIZES:-1024,4096,16384,65536}
REPS_SEQ=${REPS_SEQ:-1}
mkdir -p "$D" "$OUT"

# the samples: 32 x 32, T = 0.99 (the paper's system), 16 chains of 10 temperatures, a sample
# of every chain every 20 sweeps after 5,000; written to a temporary folder, then moved
if [ ! -s "$D/train.txt" ]; then
	tmp=$(mktemp -d "$D/.gen.XXXXXX")
	"$PLMEM" generate ea --side 32 --temperature 0.99 --t-max 2.0 --temps 10 --chains 16 \
		--equil 5000 --thin 20 --seed 1 -P 65536 --test 8192 -t "$THREADS" -o "$tmp/train.txt" \
		--test-out "$tmp/test.txt" --couplings "$tmp/truth.model" --matrix "$tmp/J.tsv" \
		--log "$tmp/pt-log.tsv"
	for f in test.txt truth.model J.tsv pt-log.tsv train.txt; do mv "$tmp/$f" "$D/$f"; done
	rmdir "$tmp"
fi
cp "$D/pt-log.tsv" "$OUT/pt-log.tsv"

# energy per spin at T = 0.99 (temperature index 1) per log bin of sweeps: mean over the chains
# and its standard error
if command -v gnuplot >/dev/null 2>&1; then
	awk -F '\t' 'NR > 1 && $4 == 1 { k = $2 "\t" $3; s[k] += $6; s2[k] += $6 * $6; n[k]++ }
		END { for (k in s) { split(k, b, "\t"); m = s[k] / n[k]; v = n[k] > 1 ? (s2[k] - n[k] * m * m) / (n[k] - 1) : 0
			printf "%g\t%.6f\t%.6f\n", sqrt(b[1] * b[2]), m, sqrt((v > 0 ? v : 0) / n[k]) } }' \
		"$OUT/pt-log.tsv" | sort -g >"$OUT/.energy.txt"
	gnuplot <<EOF
set terminal pngcairo size 800,500 font ",11"
set output "$OUT/pt-equilibration.png.tmp"
set title "2-D EA 32 x 32, T = 0.99: energy per spin by log bin of sweeps (16 chains)"
set xlabel "sweeps (geometric middle of the bin)"
set ylabel "energy per spin at T = 0.99"
set logscale x
set grid
plot "$OUT/.energy.txt" using 1:2:3 with yerrorlines pt 7 title "mean over chains +- standard error"
EOF
	mv "$OUT/pt-equilibration.png.tmp" "$OUT/pt-equilibration.png"
	rm -f "$OUT/.energy.txt"
fi

# the training pool under a name that says what it is (the plot titles name the input file)
ln -sf train.txt "$D/ea-32x32-T0.99.txt"
# the fit of the paper's binary experiments: no fields, no weights, a small penalty (lambda_J is
# relative to the data, see plmem-fit(1)); parallel updates, m_F after exactly 1,000 sweeps
SWEEP="--alphabet binary --no-weights --no-fields --lambda-j 1e-4 --tol 1e-4 --test $D/test.txt
	--couplings asymmetric --reference $D/truth.model --starts $STARTS -t $THREADS --cycle-end max-sweeps"

# couplings_row MODEL P: fitted K_ij = (J_ij(1,1) + J_ji(1,1)) / 2 in the zero-sum gauge (the
# Ising coupling of the q = 2 model) against J_ij / T over all pairs i < j, and over the lattice
# bonds alone
couplings_row() {
	"$PLMEM" export --zero-sum "$1" -o "$work/J.txt"
	awk -F '\t' -v P="$2" -v N=1024 -v T=0.99 '
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
			printf "%s\t%.5g\t1\t%.5f\t%.5f\t%.5f\t%.5f\t%.5g\t%.5g\n", P, P / N, r, sqrt(d2 / syy),
				rb, sqrt(bd2 / byy), sqrt(od2 / no), bab / nb
		}' "$D/J.tsv" "$work/J.txt" >>"$OUT/couplings.tsv"
}

# one training set per size (drawn with shuf), fitted, its couplings against J / T
couplings() {
	work=$(mktemp -d "$OUT/.work.XXXXXX")
	trap 'rm -rf "$work"' EXIT
	[ -f "$OUT/couplings.tsv" ] ||
		printf 'P\talpha\trep\tpearson\trel_err\tpearson_bonds\trel_err_bonds\trms_off_bonds\tmean_abs_bond\n' >"$OUT/couplings.tsv"
	local P
	for P in ${SIZES//,/ }; do
		awk -F '\t' -v P="$P" '$1 == P { f = 1 } END { exit !f }' "$OUT/couplings.tsv" && continue
		shuf -n "$P" --random-source=<(yes "plmem-train-$P-2") "$D/train.txt" >"$work/train.txt"
		"$PLMEM" fit --quiet -t "$THREADS" --alphabet binary --no-fields --no-weights --lambda-j 1e-4 --tol 1e-4 \
			-o "$work/model" "$work/train.txt"
		couplings_row "$work/model" "$P"
	done
	command -v gnuplot >/dev/null 2>&1 || return 0
	gnuplot <<EOF
set terminal pngcairo size 900,560 font ",11"
set output "$OUT/couplings.png.tmp"
set title "ea-32x32-T0.99.txt: fitted symmetrised couplings against J / T" noenhanced
set xlabel "alpha = P / N   (N = 1024)"
set logscale x
set yrange [0:*]
set key outside right top
set grid
plot "< awk -F'\t' 'NR > 1 && \$1 ~ /^[0-9]+\$/' $OUT/couplings.tsv" using 2:4 with linespoints pt 7 title "Pearson r, all pairs", \
     "" using 2:5 with linespoints pt 5 title "||K - J/T|| / ||J/T||", \
     "" using 2:6 with linespoints pt 9 title "Pearson r, bonds"
EOF
	mv "$OUT/couplings.png.tmp" "$OUT/couplings.png"
}

for pass in $PASSES; do
	case $pass in
	# shellcheck disable=SC2086 # SWEEP holds several options
	sweep) "$PLMEM" sweep $SWEEP --update parallel --sizes "$SIZES" --reps "$REPS" -o "$OUT/ea" \
		"$D/ea-32x32-T0.99.txt" ;;
	# shellcheck disable=SC2086
	seq) "$PLMEM" sweep $SWEEP --update sequential --sizes "$SEQ_SIZES" --reps "$REPS_SEQ" -o "$OUT/ea-seq" \
		"$D/ea-32x32-T0.99.txt" ;;
	couplings) couplings ;;
	*) echo "ea-sweep: unknown pass $pass" >&2; exit 2 ;;
	esac
done
