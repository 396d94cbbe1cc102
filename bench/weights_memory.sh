#!/bin/bash
# weights_memory.sh: peak memory and CPU time of `plmem weights` on a large synthetic alignment
# (M sequences x L columns, default 100,000 x 200, drawn from 500 ancestors with 0-30% random
# mutations), at several thread counts; prints the M_eff line and the weights' checksum, which
# must not depend on the thread count (nor differ between two builds).
# Usage: bench/weights_memory.sh PLMEM [M [L [THREADS...]]]   (/usr/bin/time -f %M)
set -euo pipefail
PLMEM=$(realpath "${1:?usage: weights_memory.sh PLMEM [M [L [THREADS...]]]}")
M=${2:-100000}
L=${3:-200}
shift $(($# < 3 ? $# : 3))
THREADS=${*:-1 2 16}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
awk -v M="$M" -v L="$L" 'BEGIN { srand(42); a = "-ACDEFGHIKLMNPQRSTVWY";
	for (k = 0; k < 500; k++) { s = ""; for (i = 0; i < L; i++) s = s substr(a, 1 + int(rand() * 21), 1); anc[k] = s }
	for (n = 0; n < M; n++) { s = anc[int(rand() * 500)]; mu = 0.3 * rand(); t = "";
		for (i = 1; i <= L; i++) t = t (rand() < mu ? substr(a, 1 + int(rand() * 21), 1) : substr(s, i, 1));
		print ">s" n; print t } }' >"$TMP/synthetic.fasta"
for t in $THREADS; do
	/usr/bin/time -f "-t $t: %e s wall, %U+%S s CPU, %M KB peak" -o "$TMP/time" \
		"$PLMEM" weights -t "$t" -o "$TMP/w" "$TMP/synthetic.fasta" 2>"$TMP/err"
	echo "$M x $L $(cat "$TMP/time"), $(grep -o 'M_eff = [0-9.]*' "$TMP/err"), weights md5 $(md5sum <"$TMP/w" | cut -c1-12)"
done
