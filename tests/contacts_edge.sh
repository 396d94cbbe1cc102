#!/bin/bash
# contacts_edge.sh: `plmem contacts --pdb` on the hand-made structure tests/data/edge.pdb (and its
# mmCIF twin edge.cif), whose distances are known by construction (residue k's CA at
# (3.8 k, 0, 0), CB at (3.8 k, 1.5, 0)).  Models: tests/data/edge.fasta, reference
# MGKAESMLTVWD, the true protein of the file's chain A (MGKA-SMLVWD, residues 1-4 6-8 10 10A 11):
#   missing residues     E5 and T9 are not in the file: their pairs print NA and are not counted;
#   insertion code       W is residue 10A, apart from V10: M1-W 30.40, M1-V 26.60;
#   alternate locations  S6's CB in B (occupancy 0.60, z = 5) wins over A (0.40): M1-S 16.00;
#   HETATM MSE           M7 is an MSE record: M1-M7 19.00, counted in the summary;
#   glycine              G2 has no CB: its CA, M1-G2 sqrt(3.8^2 + 1.5^2) = 4.09;
#   partial chain        edge_partial.fasta (QWK + the 12 + R... 16 residues): 10 aligned, the
#                        overhangs NA, distances unchanged.
. "$(dirname "$0")/common.sh"
D=$SRCDIR/tests/data
fail=0
ok() { echo "ok $1"; }
bad() { echo "FAIL $1"; fail=1; }

"$PLMEM" fit --quiet -o "$TMP/e.plm" "$D/edge.fasta" || { echo "FAIL fit"; exit 1; }
"$PLMEM" fit --quiet -o "$TMP/p.plm" "$D/edge_partial.fasta" || { echo "FAIL fit"; exit 1; }

# dist LIST RES_I RES_J POS_I POS_J: the distance column of the pair (last field)
dist() { awk -v i="$2" -v j="$3" '$1 == i && $2 == j { print $NF }' "$1"; }

for fmt in pdb cif; do
	"$PLMEM" contacts --pdb "$D/edge.$fmt" --chain A --min-sep 0 -o "$TMP/l" "$TMP/e.plm" 2>"$TMP/err" ||
		{ bad "$fmt: $(cat "$TMP/err")"; continue; }
	want="1 2 4.09|1 3 7.60|1 5 NA|1 6 16.00|1 7 19.00|1 9 NA|1 10 26.60|1 11 30.40|1 12 34.20|5 9 NA|6 7 6.28"
	got=$(for p in "1 2" "1 3" "1 5" "1 6" "1 7" "1 9" "1 10" "1 11" "1 12" "5 9" "6 7"; do
		set -- $p; echo "$1 $2 $(dist "$TMP/l" "$1" "$2")"; done | paste -sd '|')
	[ "$got" = "$want" ] && ok "$fmt distances" || bad "$fmt distances: $got, expected $want"
	grep -q 'chain A: 10 residues; 10 of 12 reference residues aligned (coverage 0.833), identity 1.000' "$TMP/err" &&
		ok "$fmt missing residues" || bad "$fmt summary: $(cat "$TMP/err")"
	grep -q '1 HETATM residues read as amino acids (MSE as M...), 2 atoms of second alternate locations skipped' "$TMP/err" &&
		ok "$fmt counts" || bad "$fmt counts: $(cat "$TMP/err")"
	# 66 pairs, 45 with both residues in the file; the list has every pair (and its header line)
	grep -q '45 of 66 pairs with a known distance' "$TMP/err" && [ "$(wc -l <"$TMP/l")" = 67 ] &&
		[ "$(grep -c ' NA$' "$TMP/l")" = 21 ] && ok "$fmt unknown pairs" || bad "$fmt unknown pairs"
	# the partial chain: the same distances on the shifted positions, the overhangs NA
	"$PLMEM" contacts --pdb "$D/edge.$fmt" --min-sep 0 -o "$TMP/q" "$TMP/p.plm" 2>"$TMP/err" || bad "$fmt partial"
	got="$(dist "$TMP/q" 4 9) $(dist "$TMP/q" 4 14) $(dist "$TMP/q" 1 4) $(dist "$TMP/q" 4 16)"
	[ "$got" = "16.00 30.40 NA NA" ] && grep -q '10 of 16 reference residues aligned (coverage 0.625)' "$TMP/err" &&
		ok "$fmt partial chain" || bad "$fmt partial chain: $got; $(head -1 "$TMP/err")"
done

# cb, ca and heavy: S6-M7 by CB is sqrt(3.8^2 + 5^2) = 6.28 (B location), by CA 3.80, by the
# closest heavy atoms C(S6)-N(M7) 1.80; with --cutoff 5 the precision counts change accordingly
"$PLMEM" contacts --pdb "$D/edge.pdb" --min-sep 0 --contact-def ca -o "$TMP/ca" "$TMP/e.plm" 2>/dev/null
"$PLMEM" contacts --pdb "$D/edge.pdb" --min-sep 0 --contact-def heavy -o "$TMP/hv" "$TMP/e.plm" 2>/dev/null
got="$(dist "$TMP/l" 6 7) $(dist "$TMP/ca" 6 7) $(dist "$TMP/hv" 6 7) $(dist "$TMP/ca" 1 2)"
[ "$got" = "6.28 3.80 1.80 3.80" ] && ok "contact definitions" || bad "contact definitions: $got"

# a gzip structure reads the same
gzip -c "$D/edge.pdb" >"$TMP/edge.pdb.gz"
"$PLMEM" contacts --pdb "$TMP/edge.pdb.gz" --min-sep 0 -o "$TMP/gz" "$TMP/e.plm" 2>/dev/null &&
	cmp -s "$TMP/gz" "$TMP/l" && ok "gzip" || bad "gzip"
exit $fail
