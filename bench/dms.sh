#!/bin/bash
# bench/dms.sh: how well plmem's mutant scores rank measured fitness on the deep mutational
# scan in ../shared/data/dms (GAL4, Kitzman 2015; see its README): Spearman correlation of
# each score of `plmem score --mutations` with the measured fitness, for the default fit, the
# jointly fitted symmetric model (fit --symmetric) and an independent-site model fitted on the
# same alignment (the couplings penalised to ~0: --lambda-j 1000); GRID=1 adds the penalty and
# weighting scan of bench/RESULTS.md.  Spearman by bench/spearman.sh (sort + awk, no Python).
# Usage: bench/dms.sh [PLMEM] [SHARED_DATA_DIR] [THREADS]
set -euo pipefail
PLMEM=${1:-./plmem}
SHARED=${2:-$(dirname "$0")/../../shared/data}
THREADS=${3:-2}
SPEARMAN=$(cd "$(dirname "$0")" && pwd)/spearman.sh
DMS=$SHARED/dms
MSA=$DMS/GAL4_YEAST_1_b0.6.a2m.gz
CSV=$DMS/GAL4_YEAST_Kitzman2015.csv
FOCUS=GAL4_YEAST/1-75
WORK=${BENCH_DIR:-bench-dms}
mkdir -p "$WORK"
TAB=$(printf '\t')

# measured fitness by mutant, sorted for join
tail -n +2 "$CSV" | tr ',' '\t' | sort -t"$TAB" -k1,1 >"$WORK/fitness.tsv"

# spearman COLUMN SIGN: of SIGN * column COLUMN of $WORK/joined.tsv against the fitness
spearman() {
	awk -F'\t' -v c="$1" -v s="$2" '{ print s * $c "\t" $NF }' "$WORK/joined.tsv" | "$SPEARMAN" | cut -f 1
}

# one TAG FIT-OPTIONS...: fit (once), score every mutant of the CSV, print the Spearman of
# -delta_energy, delta_pll and logodds (fitter = higher), with and without --symmetrize
one() {
	local tag=$1
	shift
	local model=$WORK/$tag.plm
	if [ ! -s "$model" ]; then
		/usr/bin/time -f "%e %U %S" -o "$WORK/$tag.fittime" \
			"$PLMEM" fit --quiet -t "$THREADS" --focus "$FOCUS" -o "$model" "$@" "$MSA"
	fi
	local lj
	lj=$("$PLMEM" info "$model" | awk '$1 == "lambda_J" { print $2 }')
	for sym in "" --symmetrize; do
		"$PLMEM" score --quiet -t "$THREADS" $sym --mutations "$CSV" -o "$WORK/$tag$sym.tsv" "$model"
		# scored rows only (note '-'), joined with the fitness by mutant
		awk -F'\t' 'NR > 1 && $6 == "-"' "$WORK/$tag$sym.tsv" | sort -t"$TAB" -k1,1 \
			| join -t"$TAB" - "$WORK/fitness.tsv" >"$WORK/joined.tsv"
		printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$tag" "${*:-(defaults)}" "$lj" "${sym:-as fitted}" "$(wc -l <"$WORK/joined.tsv")" \
			"$(spearman 3 -1)" "$(spearman 2 1)" "$(spearman 5 1)"
	done
}

echo "| model | fit options | lambda_J | fields | mutants | -delta_energy | delta_pll | logodds |"
echo "|---|---|---|---|---|---|---|---|"
one default
one symmetric --symmetric
one independent --lambda-j 1000
if [ "${GRID:-0}" = 1 ]; then
	for lj in 0.001 0.002 0.01 0.02 0.05 0.1; do one "lj$lj" --lambda-j "$lj"; done
	for th in 0.05 0.1 0.15 0.3 0.4; do one "theta$th" --theta "$th"; done
	one noweights --no-weights
	one theta0.1-lj0.01 --theta 0.1 --lambda-j 0.01
	one theta0.1-lj0.003 --theta 0.1 --lambda-j 0.003
	one lh0.001 --lambda-h 0.001
	one lh0.1 --lambda-h 0.1
	one symmetric-theta0.1 --symmetric --theta 0.1
	one symmetric-lj0.01 --symmetric --lambda-j 0.01
fi
