#!/bin/bash
# bench/mpi.sh: `plmem fit` across MPI ranks (a build configured --with-mpi): wall, CPU and peak
# RSS of every rank (/usr/bin/time around each rank), for 1, 2 and 3 ranks, on betalactamase and
# on a synthetic protein alignment of N x L (default 1,000 x 3,000: the couplings alone are
# 15.9 GB, so the one-rank run needs about 16 GB and each of K ranks about 15.9/K GB), with the
# md5 of each model (they must all be equal).  Threads per rank: THREADS (default 2 / ranks, at
# least 1); ranks are not bound to cores (--bind-to none) so that threads can spread.
# Usage: [RANKS="1 2 3"] [CASES="blac synth"] [N=1000] [L=3000] [SYNTH_ITER=3] \
#        bench/mpi.sh [PLMEM [SHARED_DATA]]
# The synthetic alignment comes from bench/synth_msa.sh.  Needs about 2 x the model
# size of free disk space under TMPDIR for the synthetic case (the model is deleted after its md5).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
PLMEM=${1:-$here/../plmem}
SHARED=${2:-$here/../../shared/data}
RANKS=${RANKS:-1 2 3}
CASES=${CASES:-blac synth}
N=${N:-1000}
L=${L:-3000}
SYNTH_ITER=${SYNTH_ITER:-3}
out=${TMPDIR:-/tmp}/plmem-bench-mpi.$$
mkdir -p "$out"
trap 'rm -rf "$out"' EXIT
"$PLMEM" --version | grep -q '^MPI: yes' || { echo "bench/mpi.sh: $PLMEM is not built --with-mpi" >&2; exit 1; }
if [ "$(id -u)" = 0 ]; then # Open MPI's documented switches for running as root
	export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi

echo "| input | ranks x threads | options | wall s (mpirun) | per rank: wall s / CPU s / peak RSS MiB | model md5 |"
echo "|---|---|---|---|---|---|"

# run NAME MSA RANKS OPTIONS...
run() {
	local name=$1 msa=$2 k=$3
	shift 3
	local t=${THREADS:-$((2 / k > 1 ? 2 / k : 1))}
	rm -f "$out"/time.* "$out/m.plm"
	local t0 t1
	t0=$(date +%s.%N)
	OMP_NUM_THREADS=$t mpirun --oversubscribe --bind-to none -x OMP_NUM_THREADS -np "$k" \
		sh -c 'exec /usr/bin/time -f "%e %U %S %M" -o "$0.$OMPI_COMM_WORLD_RANK" "$@"' "$out/time" \
		"$PLMEM" fit --quiet -o "$out/m.plm" "$@" "$msa"
	t1=$(date +%s.%N)
	local ranks="" r
	for ((r = 0; r < k; r++)); do
		ranks="$ranks$(awk '{ printf "%s%.1f / %.1f / %.0f", (NR > 1 ? "; " : ""), $1, $2 + $3, $4 / 1024 }' \
			"$out/time.$r")"
		[ "$r" -lt $((k - 1)) ] && ranks="$ranks; "
	done
	local md5
	md5=$(md5sum <"$out/m.plm" | cut -c1-12)
	rm -f "$out/m.plm"
	printf '| %s | %d x %d | `%s` | %.1f | %s | %s |\n' "$name" "$k" "$t" "$*" "$(echo "$t1 - $t0" | bc)" \
		"$ranks" "$md5"
}

for c in $CASES; do
	case $c in
	blac)
		for k in $RANKS; do
			run betalactamase_PF13354 "$SHARED/msa/betalactamase_PF13354.fasta" "$k"
		done ;;
	synth)
		"$here/synth_msa.sh" "$N" "$L" >"$out/synth.fasta"
		for k in $RANKS; do
			run "synthetic $N x $L" "$out/synth.fasta" "$k" --max-iter "$SYNTH_ITER"
		done ;;
	esac
done
