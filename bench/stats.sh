#!/bin/bash
# stats.sh: the cost of the model's statistics section (issue 26): for each alignment, a fit
# stopped after one L-BFGS iteration (the statistics are computed once, whatever the number of
# iterations) by two builds, then the plmc round trip (export --format plmc, import, export)
# with the new one.  Prints one row per alignment and binary: model file bytes, peak RSS, CPU s.
#   bench/stats.sh OLD/plmem NEW/plmem [ALIGNMENT...]   (default: the shared kunitz_small,
#   ras and betalactamase alignments)
set -euo pipefail
OLD=$(realpath "$1")
NEW=$(realpath "$2")
shift 2
DATA=$(dirname "$0")/../../shared/data/msa
[ $# -gt 0 ] || set -- "$DATA"/kunitz_small.fasta.gz "$DATA"/ras_PF00071.fasta "$DATA"/betalactamase_PF13354.fasta
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "| alignment | binary | step | file bytes | peak KiB | CPU s |"
echo "|---|---|---|---|---|---|"
row() { # name binary step file timefile
	read -r kb cpu <"$5"
	printf '| %s | %s | %s | %s | %s | %s |\n' "$1" "$2" "$3" "$(stat -c %s "$4")" "$kb" "$cpu"
}
for a in "$@"; do
	[ -e "$a" ] || { echo "stats.sh: $a absent, skipped" >&2; continue; }
	n=$(basename "$a")
	for b in old new; do
		bin=$OLD; [ $b = new ] && bin=$NEW
		/usr/bin/time -f '%M %U' -o "$tmp/t" "$bin" fit --quiet -t 1 --max-iter 1 -o "$tmp/$b.plm" "$a"
		row "$n" $b "fit --max-iter 1 -t 1" "$tmp/$b.plm" "$tmp/t"
	done
	/usr/bin/time -f '%M %U' -o "$tmp/t" "$NEW" export --format plmc -o "$tmp/a.params" "$tmp/new.plm"
	row "$n" new "export --format plmc" "$tmp/a.params" "$tmp/t"
	/usr/bin/time -f '%M %U' -o "$tmp/t" "$NEW" import --quiet -o "$tmp/i.plm" "$tmp/a.params"
	row "$n" new "import" "$tmp/i.plm" "$tmp/t"
	"$NEW" export --format plmc -o "$tmp/b.params" "$tmp/i.plm"
	cmp -s "$tmp/a.params" "$tmp/b.params" && echo "| $n | new | import then export: byte for byte | | | |"
done
