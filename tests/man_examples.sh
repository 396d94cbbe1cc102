#!/bin/bash
# man_examples.sh: run every example command of the man pages (the lines of the EXAMPLES
# sections that start with 'plmem ') against small fixture files, and check each exits 0.
# Bash and POSIX tools only; nothing is skipped: an example that cannot run is a failure.
. "$(dirname "$0")/common.sh"
fail=0 pass=0

# ---- fixtures: the file names the examples use, small so every example takes seconds ----
# data/ras_PF00071.fasta: the bundled alignment (one line per sequence) cut to its first 200
# sequences and 100 columns, as a fit costs L^2 (the first sequence is
# RASH_HUMAN/5-165, the focus sequence of the examples); ras.plm: a quick fit of it, for the
# pages that start from a model; true.contacts: a stand-in for a structure's contact list.
FIX=$TMP/fixtures
mkdir -p "$FIX/data" || exit 1
awk '/^>/ { n++; if (n > 200) exit; print; next } { print substr($0, 1, 100) }' \
	"$DATA/ras_PF00071.fasta" >"$FIX/data/ras_PF00071.fasta"
head -n 1 "$FIX/data/ras_PF00071.fasta" | grep -q '^>RASH_HUMAN/5-165$' \
	&& awk '!/^>/ && length($0) != 100 { bad = 1 } END { exit bad }' "$FIX/data/ras_PF00071.fasta" \
	|| { echo "FAIL: $DATA/ras_PF00071.fasta: expected RASH_HUMAN/5-165 first and one line per sequence"; exit 1; }
gzip -c "$FIX/data/ras_PF00071.fasta" >"$FIX/ras_PF00071.fasta.gz"
# data/pair_A.fasta, pair_B.fasta, pair_inter.contacts: the bundled synthetic pair (plmem-pair)
cp "$DATA/pair_A.fasta" "$DATA/pair_B.fasta" "$DATA/pair_inter.contacts" "$FIX/data/" || exit 1
"$PLMEM" fit --max-iter 20 -o "$FIX/ras.plm" "$FIX/data/ras_PF00071.fasta" 2>"$TMP/fix.log" \
	|| { cat "$TMP/fix.log"; echo "FAIL: cannot fit the fixture model"; exit 1; }
"$PLMEM" fit --focus RASH_HUMAN/5-165 --max-iter 20 -o "$TMP/focus.plm" "$FIX/data/ras_PF00071.fasta" 2>"$TMP/fix.log" \
	&& "$PLMEM" contacts --top 60 "$TMP/focus.plm" | awk 'NR > 1 { print $1, $2 }' >"$FIX/true.contacts" \
	|| { cat "$TMP/fix.log"; echo "FAIL: cannot make the fixture true.contacts"; exit 1; }
rm -f "$TMP/focus.plm"
# train-images-idx3-ubyte: a stand-in for MNIST's IDX file (plmem-generate): 150 images of
# 28 x 28 grey pixels, a band of 200 on a 0 background
{ printf '\000\000\010\003\000\000\000\226\000\000\000\034\000\000\000\034'
  for k in $(seq 150); do head -c 400 /dev/zero; head -c 100 /dev/zero | tr '\0' '\310'; head -c 284 /dev/zero; done
} >"$FIX/train-images-idx3-ubyte"

# ---- extraction ----------------------------------------------------------------------
# From .SH EXAMPLES to the next .SH, between .nf and .fi: a line that starts with 'plmem '
# begins an example; groff escapes are undone; a line ending in '\' (groff '\e') or '|', or
# an unclosed single quote, continues on the next line.  Writes one file per example.
extract() { # PAGE OUTDIR
	awk -v out="$2" '
	function unescape(s) {
		gsub(/\\\\/, "\001", s)
		gsub(/\\\(aq/, "\047", s); gsub(/\\\(dq/, "\"", s)
		gsub(/\\\(ga/, "`", s); gsub(/\\\(ti/, "~", s); gsub(/\\\(ha/, "^", s)
		gsub(/\\-/, "-", s); gsub(/\\e/, "\001", s); gsub(/\\&/, "", s)
		gsub(/\\f[BIRP]/, "", s); gsub(/\\f\(CW/, "", s); gsub(/\\ /, " ", s)
		gsub(/\001/, "\\", s)
		return s
	}
	function quotes(s,   t) { t = s; return gsub(/\047/, "", t) }
	/^\.SH/ { ex = ($0 ~ /^\.SH "?EXAMPLES?"?$/); nf = 0; next }
	!ex { next }
	/^\.nf/ { nf = 1; next }
	/^\.fi/ { nf = 0; if (cmd != "") emit(); next }
	!nf { next }
	{
		line = unescape($0)
		if (cmd != "") {
			cmd = cmd "\n" line
		} else if (line ~ /^plmem /) {
			cmd = line
		} else {
			next
		}
		if (cmd ~ /[\\|][ \t]*$/ || quotes(cmd) % 2) next
		emit()
	}
	function emit() {
		n++
		file = sprintf("%s/%03d.sh", out, n)
		printf "%s\n", cmd >file
		close(file)
		cmd = ""
	}
	END { if (cmd != "") emit() }
	' "$1"
}

# ---- run -----------------------------------------------------------------------------
# Each page runs in its own folder holding links to the fixtures, so a page cannot lean on
# files that another page's examples wrote.  A stage before the last one of a pipeline may
# die of SIGPIPE (141) when a later one, such as head, stops reading.
for page in "$SRCDIR"/man/plmem*.1; do
	name=$(basename "$page" .1)
	dir=$TMP/run-$name
	mkdir -p "$dir/.cmds" || exit 1
	for f in "$FIX"/*; do ln -s "$f" "$dir/"; done
	extract "$page" "$dir/.cmds"
	found=0
	for c in "$dir"/.cmds/*.sh; do
		[ -f "$c" ] || continue
		found=1
		shown=$(tr '\n' ' ' <"$c" | sed 's/ \\ / /g; s/[ 	][ 	]*/ /g; s/ $//')
		{
			sed '1s/^plmem /"$PLMEM" /' "$c"
			printf '%s\n' 'st=("${PIPESTATUS[@]}")' \
				'for s in "${st[@]:0:${#st[@]}-1}"; do [ "$s" = 0 ] || [ "$s" = 141 ] || exit 1; done' \
				'exit "${st[${#st[@]}-1]}"'
		} >"$c.run"
		if (cd "$dir" && bash "$c.run") >"$c.log" 2>&1; then
			echo "PASS: $name: $shown"; pass=$((pass + 1))
		else
			echo "FAIL: $name: $shown"; sed 's/^/    /' "$c.log" | tail -n 20; fail=$((fail + 1))
		fi
	done
	if [ $found = 0 ]; then
		echo "FAIL: $name: no example starting with 'plmem ' in its EXAMPLES section"; fail=$((fail + 1))
	fi
	rm -rf "$dir"
done
echo "man_examples: $pass passed, $fail failed"
[ $fail = 0 ]
