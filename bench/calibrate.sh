#!/bin/bash
# calibrate.sh: the contact probabilities' reliability table (bench/calibrate.c): fits the five
# families of shared/data/contacts and their subsets (every 10th and 40th sequence, the
# reference row kept) with default settings, then prints the leave-one-protein-out table and
# the coefficients fitted on all proteins (src/calib.c's calib_default).
# Usage: bench/calibrate.sh BUILD_DIR [SHARED_DATA [CACHE]]   (fits are cached in CACHE)
set -e
BUILD=${1:?usage: bench/calibrate.sh BUILD_DIR [SHARED_DATA [CACHE]]}
SHARED=${2:-$(dirname "$0")/../../shared/data}
CACHE=${3:-/tmp/plmem-calibrate}
C=$SHARED/contacts
[ -d "$C" ] || { echo "calibrate.sh: $C is absent" >&2; exit 77; }
make -C "$BUILD" bench/calibrate >/dev/null
mkdir -p "$CACHE"
: >"$CACHE/manifest"
for psi in "$C"/*.psicov; do
	name=$(basename "$psi" .psicov)
	for s in 1 10 40; do
		f=$CACHE/${name}_$s
		[ -f "$f.plm" ] || {
			awk -v s=$s 'NR == 1 || NR % s == 1' "$psi" >"$f.psicov"
			"$BUILD/plmem" fit --quiet --format lines -o "$f.plm" "$f.psicov"
		}
		sub=$([ $s = 1 ] && echo "$f.plm" || echo "$CACHE/sub_${name}_$s.plm")
		[ $s = 1 ] || ln -sf "$f.plm" "$sub"
		echo "${name%%_*} $sub $C/$name.contacts" >>"$CACHE/manifest"
	done
done
"$BUILD/bench/calibrate" "$CACHE/manifest"
