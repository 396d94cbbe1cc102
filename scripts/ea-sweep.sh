#!/bin/bash
# ea-sweep.sh: the 2-D Edwards-Anderson experiment of docs/experiments.md (D'Amico et al. 2025,
# Fig. 7) end to end, resumable: the samples (plmem generate ea, once), the equilibration plot,
# then scripts/binary-sweep.sh in passes, each of which skips the rows already written.
#
#   scripts/ea-sweep.sh DATA_DIR OUTDIR
#
# DATA_DIR holds the samples (about 80 MB: keep it outside the repository): train.txt (65,536
# samples, the training pool), test.txt (8,192 later samples, disjoint), truth.model (J/T as a
# plmem model), J.tsv (the coupling matrix J), pt-log.tsv.  OUTDIR gets pt-log.tsv,
# pt-equilibration.png, and from binary-sweep.sh sweep.tsv/png and couplings.tsv/png
# (parallel updates) and seq/ (sequential updates at a few sizes).
# Environment: PLMEM (plmem), THREADS (0: all cores), STARTS (500 per kind and point),
# PASSES (default "1 2 3": 1 = one training set at each size of SIZES1, 2 = REPS2 (3) training sets
# at each size of SIZES2, 3 = sequential updates at each size of SEQ_PS).
set -eu
[ $# = 2 ] || { echo "usage: $0 DATA_DIR OUTDIR" >&2; exit 2; }
D=$1 OUT=$2
here=$(cd "$(dirname "$0")" && pwd)
export PLMEM=${PLMEM:-plmem}
export THREADS=${THREADS:-0} STARTS=${STARTS:-500}
PASSES=${PASSES:-1 2 3}
REPS2=${REPS2:-3}
SIZES1=${SIZES1:-1 4 16 64 256 512 1024 2048 4096 8192 16384 32768 65536}
SIZES2=${SIZES2:-1 4 16 64 256 512 1024 2048 4096}
SEQ_PS=${SEQ_PS:-1024 4096 16384 65536}
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

export TRUTH=$D/truth.model JMAT=$D/J.tsv TEMP=0.99 TITLE="2-D EA 32 x 32, T = 0.99"
for pass in $PASSES; do
	case $pass in
	1) env PS="$SIZES1" REPS=1 \
		"$here/binary-sweep.sh" "$D/train.txt" "$D/test.txt" "$OUT" ;;
	2) env PS="$SIZES2" REPS="$REPS2" \
		"$here/binary-sweep.sh" "$D/train.txt" "$D/test.txt" "$OUT" ;;
	3) env PS="$SEQ_PS" REPS=1 UPDATE=sequential \
		"$here/binary-sweep.sh" "$D/train.txt" "$D/test.txt" "$OUT/seq" ;;
	*) echo "ea-sweep: unknown pass $pass" >&2; exit 2 ;;
	esac
done
