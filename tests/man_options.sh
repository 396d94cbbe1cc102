#!/bin/bash
# man_options.sh: every option that 'plmem SUB -h' prints appears in man/plmem-SUB.1, and
# every option the man page documents appears in -h.  The common options (the part of -h
# after "Common options") are documented once, in man/plmem.1's COMMON OPTIONS, and a page
# may repeat them.  Also: every subcommand has a man page, is listed in man/plmem.1, and
# 'plmem help SUB' equals 'plmem SUB -h'.
. "$(dirname "$0")/common.sh"
fail=0 pass=0
subs=$("$PLMEM" -h | sed -n '/^Subcommands:/,/^$/p' | awk 'NR > 1 && NF { print $1 }')
[ -n "$subs" ] || { echo "no subcommands yet"; exit 77; }
sed -n '/^\.SH COMMON OPTIONS/,/^\.SH /p' "$SRCDIR/man/plmem.1" | sed 's/\\-/-/g; s/\\f[BIRP]//g' \
	| grep -oE -- '--[a-z][a-z0-9-]*' | sort -u >"$TMP/common_man"
check() { if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); fi; }
for sub in $subs; do
	page=$SRCDIR/man/plmem-$sub.1
	if [ ! -f "$page" ]; then
		echo "FAIL: $sub has no man page $page"; fail=$((fail + 1)); continue
	fi
	"$PLMEM" "$sub" -h >"$TMP/help" 2>&1 || { echo "FAIL: plmem $sub -h exited non-zero"; fail=$((fail + 1)); }
	"$PLMEM" help "$sub" >"$TMP/help2" 2>&1
	check cmp -s "$TMP/help" "$TMP/help2" || echo "FAIL: plmem help $sub differs from plmem $sub -h"
	sed '/^Common options/,/^$/d' "$TMP/help" | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u >"$TMP/h_opts"
	sed -n '/^Common options/,/^$/p' "$TMP/help" | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u >"$TMP/c_opts"
	sort -u "$TMP/h_opts" "$TMP/c_opts" >"$TMP/all_opts"
	cmissing=$(comm -23 "$TMP/c_opts" "$TMP/common_man")
	if [ -n "$cmissing" ]; then echo "FAIL: $sub: common options in -h but not in man/plmem.1 (COMMON OPTIONS):" $cmissing; fail=$((fail + 1)); fi
	# groff writes a dash as \- ; take option names from .B/.BR/\fB lines of the OPTIONS section
	sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$page" | sed 's/\\-/-/g; s/\\f[BIRP]//g' \
		| grep -oE -- '--[a-z][a-z0-9-]*' | sort -u >"$TMP/m_opts"
	missing=$(comm -23 "$TMP/h_opts" "$TMP/m_opts")
	extra=$(comm -13 "$TMP/all_opts" "$TMP/m_opts")
	if [ -n "$missing" ]; then echo "FAIL: $sub: in -h but not in $page:" $missing; fail=$((fail + 1)); else pass=$((pass + 1)); fi
	if [ -n "$extra" ]; then echo "FAIL: $sub: in $page but not in -h:" $extra; fail=$((fail + 1)); else pass=$((pass + 1)); fi
	if grep -q "plmem-$sub" "$SRCDIR/man/plmem.1" || grep -q "^\.B $sub\$\|fB$sub\\\\f" "$SRCDIR/man/plmem.1"; then
		pass=$((pass + 1))
	else
		echo "FAIL: $sub is not listed in man/plmem.1"; fail=$((fail + 1))
	fi
done
echo "man_options: $pass passed, $fail failed"
[ $fail = 0 ]
