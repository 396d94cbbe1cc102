#!/bin/bash
# asymmetry.sh: the asymmetry ||C - C^T||_F / ||C||_F of a binary (q = 2) model's couplings
# in the spin representation, from `plmem export` text and awk.  Reads a model; writes one number.
#
#   scripts/asymmetry.sh MODEL        (the plmem binary: $PLMEM, else ./plmem)
#
# With spins s = +1 (state 1) and -1 (state 0), any q = 2 coupling block is
#   J_ij(a, b) = c0 + c1 s_a + c2 s_b + C_ij s_a s_b / 4,
#   C_ij = J_ij(1,1) - J_ij(1,0) - J_ij(0,1) + J_ij(0,0),
# so the local-field difference H_i(1) - H_i(0) depends on s_j only through C_ij s_j / 2: C is
# the coupling matrix of the spin representation (gauge-free).  The result is 0 for symmetric
# couplings (Hebb) and about sqrt(2) when C_ji is unrelated to C_ij.
set -eu
PLMEM=${PLMEM:-./plmem}
[ $# = 1 ] || { echo "usage: $0 MODEL" >&2; exit 2; }
"$PLMEM" export "$1" | awk -F '\t' '
	$1 == "J" && $4 == "1" { c[$2 SUBSEP $3] += $6 - $5; next }  # J(1,1) - J(1,0)
	$1 == "J" && $4 == "0" { c[$2 SUBSEP $3] += $5 - $6; next }  # J(0,0) - J(0,1)
	$1 == "h" { next }
	/^#/ { if ($0 ~ /q = / && $0 !~ /q = 2,/) { print "asymmetry.sh: not a q = 2 model" > "/dev/stderr"; bad = 1; exit 1 } next }
	END {
		if (bad) exit 1
		for (k in c) {
			split(k, p, SUBSEP)
			d = c[k] - c[p[2], p[1]]
			num += d * d
			den += c[k] * c[k]
		}
		if (den == 0) { print "nan"; exit 0 }
		printf "%.6f\n", sqrt(num / den)
	}'
