#!/bin/bash
# bench/fitbin.sh: the batched q = 2 fit (src/fitbin.c) on the issue-12 cases, optionally
# side by side with another plmem binary (OLD: e.g. one built before the batched fit, or the
# same one; each case runs new then old, so both see the same machine load).  /usr/bin/time
# only.  Prints one markdown row per run: CPU and wall seconds, peak memory, the setup's CPU
# time (the same command with --max-iter 0: reading, merging, weights, one evaluation per
# site), evaluations, and the achieved rate of the products, 4 n L flops per site evaluation
# (X W and X^T R, 2 flops per multiply-add) over the CPU time less the setup (L-BFGS, pattern
# terms and synchronisation included), beside the single-thread sgemm rate of the same shapes
# (bench/sgemm.c: the first product, then the second).
# Usage: bench/fitbin.sh [PLMEM [THREADS]]      environment: OLD=path/to/other/plmem,
#   CASES="features random mnist ea" (default: all), MNIST=patterns file (N = 196; default:
#   a random-features stand-in), EA=samples file (N = 1,024; default: features stand-in),
#   SWEEP=fit options of those two (default: the sweeps' settings, below).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
PLMEM=${1:-$here/../plmem}
T=${2:-2}
OLD=${OLD:-}
CASES=${CASES:-features random mnist ea}
# the fit settings of the MNIST and EA memory sweeps (scripts of issue 12)
SWEEP=${SWEEP:---no-fields --no-weights --lambda-j 1e-4 --tol 1e-4}
out=${TMPDIR:-/tmp}/plmem-bench-fitbin.$$
mkdir -p "$out"
trap 'rm -rf "$out"' EXIT

# the sgemm reference (single thread, per CPU second)
cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -o "$out/sgemm" "$here/sgemm.c" -lopenblas
sgemm_rate() { # L -> "first/second" GFLOP/s
	"$out/sgemm" "$1" | awk -F'\t' '{ r = r (r == "" ? "" : "/") $5 } END { print r }'
}

echo "| case | binary | n (distinct) x L | CPU s | wall s | peak MiB | setup CPU s | evaluations total (max per site) | GFLOP/s per CPU s (setup excluded) | sgemm 1 thread GFLOP/s |"
echo "|---|---|---|---|---|---|---|---|---|---|"

# run CASE LABEL BINARY PATTERNS OPTIONS...
run() {
	local case=$1 label=$2 bin=$3 pat=$4
	shift 4
	/usr/bin/time -f "%e %U %S %M" -o "$out/time" "$bin" fit -t "$T" --alphabet binary -o "$out/m.plm" \
		"$@" "$pat" 2>"$out/log"
	read -r wall user sys peak <"$out/time"
	# setup (reading, merging, weights, one evaluation per site): the same with --max-iter 0
	/usr/bin/time -f "%U %S" -o "$out/time0" "$bin" fit -t "$T" --alphabet binary --max-iter 0 \
		-o "$out/m0.plm" "$@" "$pat" 2>/dev/null
	local setup
	setup=$(awk '{ print $1 + $2 }' "$out/time0")
	local info L n ev emax
	info=$("$bin" info "$out/m.plm")
	L=$(awk '$1 == "L" { print $2 }' <<<"$info")
	n=$(awk '$1 == "unique" { print $2 }' <<<"$info")
	ev=$(sed -n 's/.*evaluations median [0-9]*, total \([0-9]*\).*/\1/p' "$out/log")
	emax=$(awk '$1 == "evaluations" { print $NF }' <<<"$info")
	awk -v c="$case" -v b="$label" -v n="$n" -v L="$L" -v wall="$wall" -v user="$user" -v sys="$sys" \
		-v peak="$peak" -v ev="$ev" -v emax="$emax" -v setup="$setup" -v sg="$(sgemm_rate "$L")" 'BEGIN {
		cpu = user + sys
		printf "| %s | %s | %d x %d | %.1f | %.1f | %.0f | %.1f | %d (%s) | %.1f | %s |\n", c, b, n, L, cpu,
			wall, peak / 1024, setup, ev, emax, 4.0 * n * L * (ev - L) / (cpu - setup) / 1e9, sg }'
}

# bench CASE PATTERNS OPTIONS...: the new binary, then OLD if given
bench() {
	local case=$1 pat=$2
	shift 2
	run "$case" new "$PLMEM" "$pat" "$@"
	[ -z "$OLD" ] || run "$case" old "$OLD" "$pat" "$@"
}

for c in $CASES; do
	case $c in
	features) # the issue's case: 16,384 random-features patterns of 512 spins
		"$PLMEM" generate features -N 512 -P 16384 -D 64 -s 1 -o "$out/p.txt"
		bench "features N=512 P=16384 D=64, --lambda-j 1e-4" "$out/p.txt" --lambda-j 1e-4 ;;
	random) # 65,536 random patterns of 1,024 spins
		"$PLMEM" generate random -N 1024 -P 65536 -s 1 -o "$out/p.txt"
		bench "random N=1024 P=65536" "$out/p.txt" ;;
	mnist) # N = 196, P = 20,000, with the settings of the memory sweeps (SWEEP)
		if [ -n "${MNIST:-}" ]; then
			bench "MNIST $(basename "$MNIST"), $SWEEP" "$MNIST" $SWEEP
		else
			"$PLMEM" generate features -N 196 -P 20000 -D 100 -s 1 -o "$out/p.txt"
			bench "MNIST-size stand-in: features N=196 P=20000 D=100, $SWEEP" "$out/p.txt" $SWEEP
		fi ;;
	ea) # N = 1,024, P = 65,536 correlated samples, the sweeps' settings
		if [ -n "${EA:-}" ]; then
			bench "EA $(basename "$EA"), $SWEEP" "$EA" $SWEEP
		else
			"$PLMEM" generate features -N 1024 -P 65536 -D 128 -s 1 -o "$out/p.txt"
			bench "EA-size stand-in: features N=1024 P=65536 D=128, $SWEEP" "$out/p.txt" $SWEEP
		fi ;;
	*) echo "unknown case $c" >&2; exit 2 ;;
	esac
done
