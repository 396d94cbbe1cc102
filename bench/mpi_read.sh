#!/bin/bash
# bench/mpi_read.sh: the two choices of an MPI fit before the fit itself, measured.
#  1. every rank reads the alignment (plmem's choice) vs rank 0 reads it and broadcasts it:
#     the read (plmem weights --no-weights: read, filter, no weights) against an MPI_Bcast of
#     the read alignment and its weights (bench/mpi_bcast.c, the least a broadcast moves);
#  2. weights on every rank (plmem's choice) vs split over ranks: the weights' time (plmem
#     weights minus the read) against the fit's, which is what a split would save from.
# CPU seconds (user + sys) and wall seconds, best of 3, on betalactamase and on the synthetic
# alignment of bench/mpi.sh (N x L, default 1,000 x 3,000), 1 thread.
# Usage: [N=1000] [L=3000] bench/mpi_read.sh [PLMEM [SHARED_DATA]]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
PLMEM=${1:-$here/../plmem}
SHARED=${2:-$here/../../shared/data}
N=${N:-1000}
L=${L:-3000}
out=${TMPDIR:-/tmp}/plmem-bench-mpi-read.$$
mkdir -p "$out"
trap 'rm -rf "$out"' EXIT
if [ "$(id -u)" = 0 ]; then
	export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
mpicc -O2 -o "$out/mpi_bcast" "$here/mpi_bcast.c"
"$here/synth_msa.sh" "$N" "$L" >"$out/synth.fasta"

best() { # best CPU and wall seconds of 3 runs of a command
	for _ in 1 2 3; do
		/usr/bin/time -f "%U %S %e" -o "$out/t" "$@" >/dev/null 2>&1
		awk '{ printf "%.3f %.3f\n", $1 + $2, $3 }' "$out/t"
	done | sort -n | head -1
}

echo "| input | n x L | read: CPU / wall s | read + weights: CPU / wall s | broadcast, 2 ranks: s | broadcast, 3 ranks: s |"
echo "|---|---|---|---|---|---|"
for msa in "$SHARED/msa/betalactamase_PF13354.fasta" "$out/synth.fasta"; do
	size=$("$PLMEM" weights --stats "$msa" 2>/dev/null | awk '/read/ { n = $1 } END { print n }')
	read -r rc rw <<<"$(best "$PLMEM" weights -t 1 --no-weights --stats "$msa")"
	read -r wc ww <<<"$(best "$PLMEM" weights -t 1 --stats "$msa")"
	info=$("$PLMEM" weights --stats "$msa" 2>&1)
	n=$(echo "$info" | sed -n 's/.* \([0-9][0-9]*\) kept.*/\1/p' | head -1)
	l=$(echo "$info" | sed -n 's/.*columns: \([0-9][0-9]*\) kept.*/\1/p' | head -1)
	b2=$(mpirun --oversubscribe -np 2 "$out/mpi_bcast" "$n" "$l" 20 | sed 's/.*: //; s/ s$//')
	b3=$(mpirun --oversubscribe -np 3 "$out/mpi_bcast" "$n" "$l" 20 | sed 's/.*: //; s/ s$//')
	echo "| $(basename "$msa") | $n x $l | $rc / $rw | $wc / $ww | $b2 | $b3 |"
done
