#!/bin/bash
# contacts.sh: contact-prediction precision of plmem (default fit settings, APC-corrected
# Frobenius scores) on the five families of shared/data/contacts, beside the mean-field
# baseline of that folder's README; and DHFR in focus mode beside plmc's published scores,
# evaluated by the same awk code.  bash + awk + /usr/bin/time only.
# Usage: bench/contacts.sh [PLMEM [SHARED_DATA [WORKDIR]]]   (run from the source tree)
# SUBSETS=1 adds a table on 20 subsets of the five alignments (every k-th sequence, two
# offsets, the reference row kept; M_eff about 185 to 1005): correct pairs at L/5, L/2, L.
# A contact: CB-CB < 8 A and |i - j| >= 6 (positions of NAME.psicov); precision of the top
# L/5, L/2 and L pairs with |i - j| >= 6 whose two positions are mapped to the structure
# (pairs absent from NAME.contacts are skipped, not counted as wrong).
set -e
PLMEM=${1:-./plmem}
SHARED=${2:-$(dirname "$0")/../../shared/data}
WORK=${3:-$(mktemp -d)}
FITOPTS=${FITOPTS:-}   # extra fit options, for experiments only (the table uses none)
mkdir -p "$WORK"
C=$SHARED/contacts
[ -d "$C" ] || { echo "contacts.sh: $C is absent" >&2; exit 77; }

# correct CONTACTS PRED L: PRED holds 'i j score' lines (any order); prints the number of
# contacts among the top int(L/5), int(L/2) and L pairs
correct() {
	sort -k3,3gr -k1,1n -k2,2n "$2" | awk -v L="$3" '
		NR == FNR { if ($1 !~ /^#/) { k = ($1 < $2) ? $1 " " $2 : $2 " " $1; have[k] = 1; if ($3 < 8) con[k] = 1 }; next }
		{ i = $1 + 0; j = $2 + 0; if (i > j) { t = i; i = j; j = t }
		  if (j - i < 6) next; k = i " " j; if (!(k in have) || (k in seen)) next; seen[k] = 1
		  n++; t5 += (k in con) * (n <= int(L / 5)); t2 += (k in con) * (n <= int(L / 2)); t1 += (k in con) * (n <= L) }
		END { printf "%d %d %d\n", t5, t2, t1 }' "$1" -
}

# precision CONTACTS PRED L: P@L/5 P@L/2 P@L
precision() {
	correct "$@" | awk -v L="$3" '{ printf "%.2f %.2f %.2f\n", $1 / int(L / 5), $2 / int(L / 2), $3 / L }'
}

# fit_timed OUT FIT-ARGS...: fits to OUT.plm ($FITOPTS added), wall seconds to OUT.time
fit_timed() {
	local out=$1
	shift
	/usr/bin/time -f "%e" -o "$out.time" "$PLMEM" fit --quiet $FITOPTS -o "$out.plm" "$@"
}

# meff_of MODEL: the model's M_eff
meff_of() {
	"$PLMEM" info "$1" | awk '$1 == "M_eff" { print $2 }'
}

# ref_len NAME: positions of NAME.psicov's reference row, whatever a fit drops
ref_len() {
	head -n 1 "$C/$1.psicov" | tr -d '\r\n' | wc -c
}

# baseline NAME: the mean-field figures from the README table
baseline() {
	awk -F'|' -v n="$1" '$2 ~ "^ *" n " *$" { gsub(/ /, "", $5); gsub("/", " ", $5); print $5 }' "$SHARED/README.md"
}

printf '%-28s %5s %8s %8s   %-16s %-16s %s\n' family L M_eff fit_s "plmem L/5 L/2 L" "baseline" "beats"
for psi in "$C"/*.psicov; do
	name=$(basename "$psi" .psicov)
	fit_timed "$WORK/$name" --format lines "$psi"
	L=$(ref_len "$name")
	meff=$(meff_of "$WORK/$name.plm")
	"$PLMEM" contacts --min-sep 6 "$WORK/$name.plm" >"$WORK/$name.pred"
	p=$(precision "$C/$name.contacts" "$WORK/$name.pred" "$L")
	b=$(baseline "$name")
	beats=$(echo "$p $b" | awk '{ print ($1 > $4 && $2 > $5 && $3 > $6) ? "yes" : "NO" }')
	printf '%-28s %5s %8s %8s   %-16s %-16s %s\n' "$name" "$L" "$meff" "$(cat "$WORK/$name.time")" "$p" "$b" "$beats"
done

# DHFR in focus mode (plmc's setting: the A2M with DYR_ECOLI as focus), and plmc's own scores
if [ -f "$SHARED/msa/dhfr.a2m" ]; then
	fit_timed "$WORK/dhfr_focus" --focus DYR_ECOLI "$SHARED/msa/dhfr.a2m"
	L=$(ref_len dhfr_plmc)
	meff=$(meff_of "$WORK/dhfr_focus.plm")
	"$PLMEM" contacts --min-sep 6 "$WORK/dhfr_focus.plm" >"$WORK/dhfr_focus.pred"
	p=$(precision "$C/dhfr_plmc.contacts" "$WORK/dhfr_focus.pred" "$L")
	# plmc numbers positions by alignment column (the focus's 12 gap columns included):
	# map column -> residue number through the focus row (first record, start 1)
	awk 'FNR == 1 && NR == 1 { f = 1; next } f && /^>/ { f = 0 } f { seq = seq $0; next }
		NR != FNR && !done { for (c = 1; c <= length(seq); c++) if (substr(seq, c, 1) != "-") res[c] = ++r; done = 1 }
		NR != FNR && ($1 in res) && ($3 in res) { print res[$1], res[$3], $6 }' \
		"$SHARED/msa/dhfr.a2m" "$SHARED/ref/dhfr_plmc.couplings" >"$WORK/plmc.pred"
	pp=$(precision "$C/dhfr_plmc.contacts" "$WORK/plmc.pred" "$L")
	printf '%-28s %5s %8s %8s   %-16s %-16s %s\n' "dhfr.a2m --focus DYR_ECOLI" "$L" "$meff" \
		"$(cat "$WORK/dhfr_focus.time")" "$p" "$pp (plmc)" \
		"$(echo "$p $pp" | awk '{ print ($1 >= $4 && $2 >= $5 && $3 >= $6) ? "yes" : "NO" }')"
fi

# Ras in focus mode on the FASTA that ras_PF00071_freecontact.psicov was cut from: in 933 of
# that file's 999 rows the columns after 101 are shifted by one (an insert column mishandled),
# so its row above measures a misaligned alignment.  Focus residue numbers are mapped to the
# .psicov positions through NAME.map (residue 106 is an insert of the focus).
if [ -f "$SHARED/msa/ras_PF00071.fasta" ]; then
	name=ras_PF00071_freecontact
	fit_timed "$WORK/ras_focus" --focus RASH_HUMAN "$SHARED/msa/ras_PF00071.fasta"
	L=$(ref_len "$name")
	meff=$(meff_of "$WORK/ras_focus.plm")
	"$PLMEM" contacts --min-sep 1 "$WORK/ras_focus.plm" |
		awk 'NR == FNR { if ($1 !~ /^#/) pos[$3] = $1; next } ($1 in pos) && ($2 in pos) { print pos[$1], pos[$2], $3 }' \
			"$C/$name.map" - >"$WORK/ras_focus.pred"
	p=$(precision "$C/$name.contacts" "$WORK/ras_focus.pred" "$L")
	printf '%-28s %5s %8s %8s   %-16s %-16s %s\n' "ras_PF00071.fasta --focus" "$L" "$meff" \
		"$(cat "$WORK/ras_focus.time")" "$p" "- (RESULTS.md)" "-"
fi

# Smaller families: subsets of the same alignments, the same structures
if [ -n "${SUBSETS:-}" ]; then
	printf '\n%-40s %8s   %s\n' subset M_eff "correct pairs at L/5 L/2 L"
	tot="0 0 0"
	for spec in blac_PF13354_adabmdca:5 blac_PF13354_adabmdca:20 dhfr_plmc:4 dhfr_plmc:10 \
		kunitz_PF00014_ardca:10 kunitz_PF00014_ardca:40 kunitz_PF00014_plmdcajl:5 \
		kunitz_PF00014_plmdcajl:20 ras_PF00071_freecontact:2 ras_PF00071_freecontact:4; do
		name=${spec%:*}
		k=${spec#*:}
		for off in 1 2; do
			sub=$WORK/$name.k$k.o$off
			awk -v k="$k" -v o="$off" 'NR == 1 || NR % k == o % k' "$C/$name.psicov" >"$sub.aln"
			fit_timed "$sub" --format lines "$sub.aln"
			meff=$(meff_of "$sub.plm")
			"$PLMEM" contacts --min-sep 6 "$sub.plm" >"$sub.pred"
			c=$(correct "$C/$name.contacts" "$sub.pred" "$(ref_len "$name")")
			tot=$(echo "$tot $c" | awk '{ print $1 + $4, $2 + $5, $3 + $6 }')
			printf '%-40s %8s   %s\n' "$name 1/$k offset $off" "$meff" "$c"
		done
	done
	printf '%-40s %8s   %s\n' "sum" "" "$tot"
fi
