#!/bin/bash
# mutants.sh: mutation testing.  Applies each mutant of tests/mutants.txt (a small deliberate
# bug: one piece of text replaced in one file) to a scratch copy of the tree, builds it, runs
# the mutant's tests, and reports it caught (a test failed, or timed out), survived (its tests
# passed), not built (the mutant does not compile: a bad mutant, fix the list) or no longer
# applicable (its text is not in the file exactly once: re-anchor it).  The tree itself is never
# touched.  Slow (a build and some suites per mutant), so not part of make check:
#   tests/mutants.sh [-j JOBS] [-k] [-t SECONDS] [-o REPORT] [ID...]
#   -j  make's jobs (default 1: the machine is shared); -k keep the scratch folder;
#   -t  time limit per mutant's tests (default 900 s; a timeout counts as caught);
#   -o  also write the report (TSV: id, outcome, seconds, failing tests) to REPORT;
#   ID  only these mutants (default: all).
# Environment: CONFIGURE_FLAGS (passed to configure), PLMEM_SHARED (the shared data; default
# ../shared/data beside the tree: without it the tests that need it would skip).
# Bash, make and POSIX tools only.  See docs/robustness.md for the last score.
set -u
SRC=$(cd "$(dirname "$0")/.." && pwd)
LIST=$SRC/tests/mutants.txt
jobs=1 keep=0 limit=900 report=
while getopts "j:kt:o:" opt; do
	case $opt in
		j) jobs=$OPTARG ;;
		k) keep=1 ;;
		t) limit=$OPTARG ;;
		o) report=$OPTARG ;;
		*) sed -n '2,16p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
only=" $* "

export PLMEM_SHARED=${PLMEM_SHARED:-$SRC/../shared/data}
if [ ! -d "$PLMEM_SHARED/msa" ]; then
	echo "mutants.sh: the shared data ($PLMEM_SHARED) is absent: the tests that need it would skip;" \
	     "set PLMEM_SHARED" >&2
	exit 1
fi
export PLMEM_REQUIRE_DATA=1

scratch=$(mktemp -d "${TMPDIR:-/tmp}/plmem-mutants.XXXXXX")
trap '[ $keep = 1 ] || rm -rf "$scratch"' EXIT
tree=$scratch/src build=$scratch/build
log=$scratch/log
mkdir -p "$tree" "$build"

# The scratch copy: the files git knows (committed or not), as they are in the working tree.
(cd "$SRC" && git ls-files -co --exclude-standard -z | xargs -0 tar cf -) | (cd "$tree" && tar xf -)
echo "mutants.sh: scratch tree $tree; configuring and building the unmutated tree"
start=$(date +%s)
if ! (cd "$tree" && autoreconf -fi && cd "$build" && "$tree/configure" ${CONFIGURE_FLAGS:-} &&
      make -j"$jobs" && make -j"$jobs" check TESTS=) >"$log" 2>&1; then
	keep=1
	echo "mutants.sh: the unmutated tree does not build (log: $log)" >&2
	exit 1
fi

# Number of occurrences of the literal string $2 (\t: a tab) in file $1.
count() {
	NEEDLE=$2 awk 'BEGIN { RS = "^$"; n = ENVIRON["NEEDLE"]; gsub(/\\t/, "\t", n) }
		{ c = 0; s = $0; while ((k = index(s, n)) > 0) { c++; s = substr(s, k + length(n)) } }
		END { print c + 0 }' "$1"
}

# Replace the one occurrence of $2 by $3 in file $1 (literally, but for \t: a tab).
replace() {
	NEEDLE=$2 REPL=$3 awk 'BEGIN { RS = "^$"; ORS = ""; n = ENVIRON["NEEDLE"]; r = ENVIRON["REPL"]
		gsub(/\\t/, "\t", n); gsub(/\\t/, "\t", r) }
		{ k = index($0, n); print substr($0, 1, k - 1) r substr($0, k + length(n)) }' "$1" >"$1.mut" &&
	cat "$1.mut" >"$1" && rm -f "$1.mut"
}

caught=0 survived=0 gone=0 broken=0 total=0
survivors= gone_ids= broken_ids=
[ -z "$report" ] || printf 'id\toutcome\tseconds\tdetail\n' >"$report"
while IFS=$'\t' read -r id file tests orig repl; do
	case $id in '#'*|'') continue ;; esac
	[ "$only" = "  " ] || case $only in *" $id "*) ;; *) continue ;; esac
	total=$((total + 1))
	t0=$(date +%s)
	target=$tree/$file
	n=0
	[ -f "$target" ] && n=$(count "$target" "$orig")
	if [ "$n" != 1 ]; then
		outcome="no longer applies" detail="text found $n times in $file"
		gone=$((gone + 1)) gone_ids="$gone_ids $id"
	else
		[ "$repl" = "<delete>" ] && repl=
		cp -p "$target" "$scratch/orig"
		replace "$target" "$orig" "$repl"
		# only the mutant's test programs are built (check_PROGRAMS on the command line)
		names= progs=
		for t in $tests; do
			names="$names tests/$t"
			case $t in *.sh) ;; *) progs="$progs tests/$t" ;; esac
		done
		if ! (cd "$build" && make -j"$jobs" check TESTS= check_PROGRAMS="${progs# }") >"$log" 2>&1; then
			outcome="not built" detail="see a build log with -k"
			broken=$((broken + 1)) broken_ids="$broken_ids $id"
		else
			(cd "$build" && timeout "$limit" make -j"$jobs" check TESTS="${names# }" \
			                check_PROGRAMS="${progs# }") >"$log" 2>&1
			rc=$?
			failed=$(grep -E '^(FAIL|ERROR):' "$log" | sed 's/^[A-Z]*: tests\///' | tr '\n' ' ')
			if [ $rc = 124 ]; then
				outcome="caught" detail="timed out after $limit s"
				caught=$((caught + 1))
			elif [ $rc != 0 ]; then
				outcome="caught" detail="by ${failed:-make check (status $rc)}"
				caught=$((caught + 1))
			else
				outcome="SURVIVED" detail="tests run:$names"
				survived=$((survived + 1)) survivors="$survivors $id"
			fi
		fi
		# restore, with a new time stamp so that make rebuilds what the mutant touched
		cat "$scratch/orig" >"$target"
		touch "$target"
	fi
	secs=$(($(date +%s) - t0))
	printf '%-28s %-18s %4ds  %s\n' "$id" "$outcome" "$secs" "$detail"
	[ -z "$report" ] || printf '%s\t%s\t%s\t%s\n' "$id" "$outcome" "$secs" "$detail" >>"$report"
done <"$LIST"

tested=$((caught + survived))
secs=$(($(date +%s) - start))
echo "mutants.sh: $total mutants: $caught caught, $survived survived, $broken not built, $gone no longer apply;" \
     "score $caught/$tested; $secs s in all (make -j$jobs)"
[ -z "$survivors" ] || echo "  survived:$survivors"
[ -z "$gone_ids" ] || echo "  no longer apply (re-anchor them in tests/mutants.txt):$gone_ids"
[ -z "$broken_ids" ] || echo "  not built (fix them in tests/mutants.txt):$broken_ids"
[ $survived = 0 ] && [ $broken = 0 ]
