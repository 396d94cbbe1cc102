#!/bin/bash
# contacts_pdb.sh: `plmem contacts --pdb` and `--contacts` against an independent computation.
# For the five families of ../shared/data/contacts (quick fits of every 40th sequence), this
# script computes the precision per separation range at L/10, L/5, L/2 and L in awk, from the
# plain ranked list and the truth file's CB distances (NAME.contacts, made by others from the
# structures), and checks that plmem prints the same figures to the third decimal:
#   - with --contacts NAME.contacts (all five families: no alignment involved);
#   - with --pdb and --chain, plmem aligning the reference row to the chain itself, on the
#     three families whose truth map equals our alignment at every position (the Kunitz
#     PlmDCA.jl set differs at its last position and beta-lactamase at 19 positions, where
#     the truth's aligner chose other, gappier alignments: tests/check_ceval.c).
# Skips (77) without the shared data.
. "$(dirname "$0")/common.sh"
have_shared || { echo "contacts_pdb: $SHARED is absent: skip"; exit 77; }
C=$SHARED/contacts
fail=0

# expected L LIST TRUTH: the four precision lines, as plmem prints them
expected() {
	awk -v L="$1" '
	BEGIN { lo[0] = 6; hi[0] = -1; lo[1] = 6; hi[1] = 11; lo[2] = 12; hi[2] = 23; lo[3] = 24; hi[3] = -1
		name[0] = "all (>= 6)"; name[1] = "short-range (6-11)"; name[2] = "medium-range (12-23)"
		name[3] = "long-range (>= 24)"; d[0] = 10; d[1] = 5; d[2] = 2; d[3] = 1
		for (f = 0; f < 4; f++) { top[f] = int(L / d[f]); if (top[f] < 1) top[f] = 1 } }
	NR == FNR { if ($1 !~ /^#/) dist[$1 " " $2] = $3; next }
	{ i = $1 + 0; j = $2 + 0; if (i > j) { t = i; i = j; j = t }
	  k = i " " j; if (!(k in dist)) next; s = j - i
	  for (r = 0; r < 4; r++) {
		if (s < lo[r] || (hi[r] >= 0 && s > hi[r])) continue
		for (f = 0; f < 4; f++) if (n[r, f] < top[f]) { n[r, f]++; c[r, f] += (dist[k] < 8) }
	  } }
	END { for (r = 0; r < 4; r++) {
		line = "precision " name[r] ":"
		for (f = 0; f < 4; f++)
			line = line sprintf(" L%s %s", f == 3 ? "" : "/" d[f], n[r, f] ? sprintf("%.3f", c[r, f] / n[r, f]) : "NA")
		print line } }' "$3" "$2"
}

# check WHAT MODEL TRUTH ARGS...: plmem's lines against expected()
check() {
	local what=$1 model=$2 truth=$3
	shift 3
	L=$("$PLMEM" info "$model" | awk '$1 == "L" { print $2 }')
	"$PLMEM" contacts --min-sep 0 "$model" >"$TMP/list" || { echo "FAIL $what: contacts"; fail=1; return; }
	expected "$L" "$TMP/list" "$truth" >"$TMP/want"
	if ! "$PLMEM" contacts "$@" -o "$TMP/out" "$model" 2>"$TMP/err"; then
		echo "FAIL $what: $(cat "$TMP/err")"
		fail=1
		return
	fi
	sed -n 's/^plmem contacts: precision/precision/p' "$TMP/err" >"$TMP/got"
	if cmp -s "$TMP/want" "$TMP/got"; then
		echo "ok $what: $(grep -F 'all (' "$TMP/got")"
	else
		echo "FAIL $what"
		diff "$TMP/want" "$TMP/got"
		fail=1
	fi
}

for name in kunitz_PF00014_ardca kunitz_PF00014_plmdcajl dhfr_plmc blac_PF13354_adabmdca ras_PF00071_freecontact; do
	awk 'NR == 1 || NR % 40 == 1' "$C/$name.psicov" >"$TMP/$name.psicov"
	"$PLMEM" fit --quiet --format lines --max-iter 40 -o "$TMP/$name.plm" "$TMP/$name.psicov" ||
		{ echo "FAIL $name: fit"; fail=1; continue; }
	check "$name --contacts" "$TMP/$name.plm" "$C/$name.contacts" --contacts "$C/$name.contacts"
	case $name in
	kunitz_PF00014_ardca) pdb=bpti.pdb chain=I ;;
	dhfr_plmc) pdb=1RX2.pdb chain=A ;;
	ras_PF00071_freecontact) pdb=5P21.pdb chain=A ;;
	*) continue ;;
	esac
	check "$name --pdb $pdb" "$TMP/$name.plm" "$C/$name.contacts" --pdb "$SHARED/pdb/$pdb" --chain $chain
	# gzip and mmCIF give the same figures
	gzip -c "$SHARED/pdb/$pdb" >"$TMP/$pdb.gz"
	check "$name --pdb $pdb.gz" "$TMP/$name.plm" "$C/$name.contacts" --pdb "$TMP/$pdb.gz" --chain $chain
done
exit $fail
