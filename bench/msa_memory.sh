#!/bin/bash
# msa_memory.sh: peak memory (max RSS, /usr/bin/time -v) of reading an alignment with
# `plmem weights --no-weights --stats` (reading plus a tiny summary, no pair scan): the largest
# shared alignment, and a synthetic one made of COPIES copies of it (default 40) so that the
# alignment's copies dominate the binary's own few MB.
#   bench/msa_memory.sh PLMEM [COPIES]
set -euo pipefail
PLMEM=$(realpath "$1")
COPIES=${2:-40}
SRC=$(dirname "$0")/../../shared/data/msa/kunitz_PF00014_inserts.a2m
[ -f "$SRC" ] || { echo "msa_memory.sh: $SRC missing"; exit 0; }
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
for ((k = 0; k < COPIES; k++)); do cat "$SRC"; done >"$TMP/big.a2m"
for f in "$SRC" "$TMP/big.a2m"; do
	/usr/bin/time -v "$PLMEM" weights -t 1 --no-weights --stats "$f" 2>"$TMP/time" >/dev/null
	printf '%s\t%s bytes\tmax RSS %s kB\tuser+sys %s s\n' "$(basename "$f")" "$(stat -c %s "$f")" \
		"$(awk -F': ' '/Maximum resident/ {print $2}' "$TMP/time")" \
		"$(awk -F': ' '/User time/ {u=$2} /System time/ {s=$2} END {print u+s}' "$TMP/time")"
done
