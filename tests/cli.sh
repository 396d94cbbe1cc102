#!/bin/bash
# cli.sh: the table-driven CLI test.  Each row of tests/cli.tsv is
#   STATUS <TAB> STREAM <TAB> TEXT <TAB> COMMAND
# STATUS: expected exit status; STREAM: out, err or - ; TEXT: a fixed string that must
# appear in that stream ('-' for none); COMMAND: run by bash with $PLMEM, $DATA, $SHARED and
# a scratch folder $TMP.  Rows that use $SHARED are skipped when ../shared/data is absent;
# the test then exits 77 (SKIP) when every row run passed, or fails under PLMEM_REQUIRE_DATA=1.
. "$(dirname "$0")/common.sh"
table=$SRCDIR/tests/cli.tsv
pass=0 fail=0 skip=0 n=0
while IFS=$'\t' read -r status stream text cmd; do
	n=$((n + 1))
	case $status in '#'*|'') continue ;; esac
	if [[ $cmd == *'$SHARED'* ]] && ! have_shared; then
		skip=$((skip + 1)); continue
	fi
	out=$TMP/out err=$TMP/err
	(cd "$TMP" && bash -c "$cmd") >"$out" 2>"$err" </dev/null
	got=$?
	ok=1
	[ "$got" = "$status" ] || ok=0
	if [ "$text" != "-" ]; then
		case $stream in
			out) grep -qF -- "$text" "$out" || ok=0 ;;
			err) grep -qF -- "$text" "$err" || ok=0 ;;
		esac
	fi
	if [ $ok = 1 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL line $n: $cmd"
		echo "  expected status $status and '$text' on $stream; got status $got"
		echo "  stdout: $(head -c 300 "$out")"
		echo "  stderr: $(head -c 300 "$err")"
	fi
done <"$table"
echo "cli: $pass passed, $fail failed, $skip skipped"
[ $fail = 0 ] || exit 1
[ $skip = 0 ] || skip_no_data "$skip rows need the shared data"
