#!/bin/bash
# run.sh [-t SECONDS] [-w WORKDIR] [TARGET...]: run the libFuzzer targets of a build configured
# --enable-fuzz, from that build folder (CI's fuzz stage; docs/robustness.md).
#   1. the regression corpus tests/fuzz/regress/<t>/ once (every input must pass);
#   2. each TARGET (default: all) for SECONDS (default 15) from the seeds (tests/fuzz/seeds.sh,
#      made once in WORKDIR/seeds) plus the regression corpus, growing WORKDIR/corpus/<t>.
# Limits: inputs up to 64 KiB, 10 s per input, 2 GiB RSS, no single allocation above 256 MiB.
# A crash, a sanitizer report, a hang or an allocation past the limit stops the target and
# leaves the input in WORKDIR/crash/<t>-*: the script then fails.  Add such an input (after the
# fix) to tests/fuzz/regress/<t>/ so that make check replays it.
# The last line per target: "run.sh: <t>: N executions in S s (CPU ...)".
set -u
SECS=15
WORK=fuzz-work
while getopts t:w: o; do
	case $o in
	t) SECS=$OPTARG ;;
	w) WORK=$OPTARG ;;
	*) echo "usage: run.sh [-t SECONDS] [-w WORKDIR] [TARGET...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
SRC=$(cd "$(dirname "$0")/../.." && pwd)
TARGETS=${*:-msa model weights import options idx mutlist}
for t in $TARGETS; do
	if [ ! -x "tests/fuzz/fuzz_$t" ]; then
		echo "run.sh: tests/fuzz/fuzz_$t not found: run it from a build configured --enable-fuzz, after make" >&2
		exit 2
	fi
done
mkdir -p "$WORK/crash"
[ -d "$WORK/seeds" ] || "$SRC/tests/fuzz/seeds.sh" ./plmem "$WORK/seeds" || exit 1
LIMITS="-max_len=65536 -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=256"
fail=0
for t in $TARGETS; do
	echo "== fuzz $t: regression corpus"
	if ! "tests/fuzz/fuzz_$t" $LIMITS -close_fd_mask=3 -runs=0 "$SRC/tests/fuzz/regress/$t" >"$WORK/$t.replay.log" 2>&1; then
		tail -40 "$WORK/$t.replay.log"
		echo "run.sh: $t: the regression corpus fails (log: $WORK/$t.replay.log)" >&2
		fail=1
		continue
	fi
	echo "== fuzz $t: $SECS s"
	mkdir -p "$WORK/corpus/$t"
	dict=
	[ -f "$WORK/seeds/$t.dict" ] && dict="-dict=$WORK/seeds/$t.dict"
	start=$(date +%s)
	/usr/bin/time -f "%U %S" -o "$WORK/$t.time" "tests/fuzz/fuzz_$t" $LIMITS $dict -close_fd_mask=3 \
		-max_total_time="$SECS" -print_final_stats=1 -artifact_prefix="$WORK/crash/$t-" \
		"$WORK/corpus/$t" "$WORK/seeds/$t" "$SRC/tests/fuzz/regress/$t" >"$WORK/$t.log" 2>&1
	rc=$?
	runs=$(awk '/stat::number_of_executed_units:/ { print $2 }' "$WORK/$t.log")
	cpu=$(tail -1 "$WORK/$t.time" 2>/dev/null | awk '{ printf "%.1f", $1 + $2 }')
	echo "run.sh: $t: ${runs:-?} executions in $(( $(date +%s) - start )) s (CPU ${cpu:-?} s), corpus $(ls "$WORK/corpus/$t" | wc -l) files"
	if [ $rc -ne 0 ]; then
		grep -E -A30 "ERROR|property broken|runtime error" "$WORK/$t.log" | head -60
		echo "run.sh: $t: FAILED (exit $rc; log: $WORK/$t.log; input: $WORK/crash/$t-*)" >&2
		fail=1
	fi
done
exit $fail
