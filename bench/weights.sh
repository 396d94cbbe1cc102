#!/bin/bash
# weights.sh: time `plmem weights` (identity-threshold weights, theta 0.2) on real alignments
# and on a synthetic 20,000 x 200 alignment.  Uses hyperfine when present, else /usr/bin/time.
# Usage: bench/weights.sh [PLMEM [SHARED_DATA]]   (run from the source tree)
set -e
PLMEM=${1:-./plmem}
SHARED=${2:-$(dirname "$0")/../../shared/data}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
# synthetic: 20,000 rows of length 200 drawn from 200 ancestors with 0-30% random mutations
awk 'BEGIN { srand(42); a = "-ACDEFGHIKLMNPQRSTVWY";
	for (k = 0; k < 200; k++) { s = ""; for (i = 0; i < 200; i++) s = s substr(a, 1 + int(rand() * 21), 1); anc[k] = s }
	for (n = 0; n < 20000; n++) { s = anc[int(rand() * 200)]; mu = 0.3 * rand(); t = "";
		for (i = 1; i <= 200; i++) t = t (rand() < mu ? substr(a, 1 + int(rand() * 21), 1) : substr(s, i, 1));
		print ">s" n; print t } }' >"$TMP/synthetic.fasta"
inputs="$TMP/synthetic.fasta"
for f in kunitz_PF00014.fasta.gz betalactamase_PF13354.fasta dhfr.a2m; do
	[ -f "$SHARED/msa/$f" ] && inputs="$inputs $SHARED/msa/$f"
done
for t in 1 2; do
	for f in $inputs; do
		if command -v hyperfine >/dev/null; then
			hyperfine -w 1 -r 5 -N "$PLMEM weights -t $t --stats $f"
		else
			/usr/bin/time -f "$f -t $t: %e s, %M KiB" "$PLMEM" weights -t $t --stats "$f" >/dev/null
		fi
	done
done
