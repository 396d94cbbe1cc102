#!/bin/sh
# spearman.sh: Spearman rank correlation of the two columns of the tab-separated pairs on
# standard input (x<TAB>y per line; rows where either is nan or empty are left out); ties get
# their average rank.  Prints "rho<TAB>n".  Needs only sort and awk (mawk is enough).
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
awk -F'\t' '$1 != "" && $2 != "" && $1 != "nan" && $2 != "nan" { print ++n "\t" $1 "\t" $2 }' >"$tmp/xy"
# average ranks of column K: sorted by value, tied runs share the mean of their positions
rank() {
	sort -t"$(printf '\t')" -k"$1","$1"g "$tmp/xy" | awk -F'\t' -v k="$1" '
		function flush(   j, r) { r = (start + NR - 1) / 2; for (j = 0; j < cnt; j++) print id[j] "\t" r; cnt = 0 }
		{ if (cnt > 0 && $k + 0 != prev) flush(); if (cnt == 0) start = NR; id[cnt++] = $1; prev = $k + 0 }
		END { if (cnt > 0) { NR = NR + 1; flush() } }' | sort -n >"$tmp/r$1"
}
rank 2
rank 3
paste "$tmp/r2" "$tmp/r3" | awk -F'\t' '
	$1 != $3 { print "spearman.sh: internal error (ids differ)" > "/dev/stderr"; exit 1 }
	{ n++; x = $2; y = $4; sx += x; sy += y; sxx += x * x; syy += y * y; sxy += x * y }
	END {
		if (n < 2) { print "nan\t" n; exit }
		vx = sxx - sx * sx / n; vy = syy - sy * sy / n
		if (vx <= 0 || vy <= 0) { print "nan\t" n; exit }
		printf "%.4f\t%d\n", (sxy - sx * sy / n) / sqrt(vx * vy), n
	}'
