#!/bin/bash
# contacts_complex.sh: `plmem contacts --segments B --pdb FILE --chain A,B` on the two-chain
# fixture tests/data/complex.pdb (tests/data/make_complex.sh): every inter-protein distance of
# the list and the precision line are recomputed here from the PDB's coordinates by awk (CB,
# CA for glycine; positions 1-20 are chain A's residues in order, 21-42 chain B's).
. "$(dirname "$0")/common.sh"
D=$SRCDIR/tests/data
"$PLMEM" fit --quiet -o "$TMP/c.plm" "$D/complex.fasta" || { echo "FAIL fit"; exit 1; }
"$PLMEM" contacts --segments 21 --pdb "$D/complex.pdb" --chain A,B -o "$TMP/l" "$TMP/c.plm" 2>"$TMP/err" ||
	{ cat "$TMP/err"; echo "FAIL contacts"; exit 1; }
cat "$TMP/err"
awk -v L=42 -v errf="$TMP/err" '
FNR == NR {
	if ($1 != "ATOM") next
	ch = substr($0, 22, 1); num = substr($0, 23, 4) + 0; at = substr($0, 13, 4); gsub(/ /, "", at)
	key = ch ":" num
	if (!(key in idx)) { idx[key] = ++nres[ch]; pos = (ch == "A" ? 0 : 20) + nres[ch] }
	p = (ch == "A" ? 0 : 20) + idx[key]
	if (at == "CA" && !(p in X)) { X[p] = substr($0, 31, 8); Y[p] = substr($0, 39, 8); Z[p] = substr($0, 47, 8) }
	if (at == "CB") { X[p] = substr($0, 31, 8); Y[p] = substr($0, 39, 8); Z[p] = substr($0, 47, 8) }
	next
}
FNR == 1 { next }
{
	n++
	if (($1 <= 20) == ($2 <= 20)) { print "FAIL: not an inter-protein pair: " $0; bad = 1 }
	d = sqrt((X[$1] - X[$2]) ^ 2 + (Y[$1] - Y[$2]) ^ 2 + (Z[$1] - Z[$2]) ^ 2)
	if (sprintf("%.2f", d) != $7) { print "FAIL: " $1 " " $2 ": distance " $7 ", expected " sprintf("%.2f", d); bad = 1 }
	c[n] = d < 8
}
END {
	split("1 5 10 4 8", top, " "); split("top 1|top 5|top 10|L/10|L/5", nm, "|")
	line = "plmem contacts: precision inter-protein:"
	for (k = 1; k <= 5; k++) {
		s = 0
		for (r = 1; r <= top[k]; r++) s += c[r]
		line = line sprintf(" %s %.3f", nm[k], s / top[k])
	}
	if (n != 20 * 22) { print "FAIL: " n " pairs listed, expected 440"; bad = 1 }
	found = 0
	while ((getline x < errf) > 0) if (x == line) found = 1
	if (!found) { print "FAIL: expected the line: " line; bad = 1 }
	else print "ok " line
	exit bad
}' "$D/complex.pdb" "$TMP/l" || exit 1
echo "contacts_complex: ok"
