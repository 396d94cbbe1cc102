/* mpi_bcast.c (bench only, built by bench/mpi_read.sh with mpicc): what "rank 0 reads the
 * alignment and broadcasts it" would cost beside "every rank reads it" (what plmem does).
 * Times, over REPS repetitions, an MPI_Bcast from rank 0 of an alignment of N x L states and N
 * weights (N L + 8 N bytes): the least any broadcast of the read alignment moves.  Prints the
 * mean seconds of one broadcast, as seen by the slowest rank.
 * Usage: mpirun -np K mpi_bcast N L [REPS] */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	MPI_Init(&argc, &argv);
	int r, k;
	MPI_Comm_rank(MPI_COMM_WORLD, &r);
	MPI_Comm_size(MPI_COMM_WORLD, &k);
	if (argc < 3) {
		if (r == 0)
			fprintf(stderr, "usage: mpi_bcast N L [REPS]\n");
		MPI_Finalize();
		return 2;
	}
	size_t n = strtoul(argv[1], NULL, 10), L = strtoul(argv[2], NULL, 10);
	int reps = argc > 3 ? atoi(argv[3]) : 10;
	size_t bytes = n * L + 8 * n;
	unsigned char *buf = malloc(bytes);
	memset(buf, r == 0 ? 7 : 0, bytes);
	MPI_Bcast(buf, (int)bytes, MPI_BYTE, 0, MPI_COMM_WORLD); /* warm-up */
	MPI_Barrier(MPI_COMM_WORLD);
	double t0 = MPI_Wtime();
	for (int i = 0; i < reps; i++)
		MPI_Bcast(buf, (int)bytes, MPI_BYTE, 0, MPI_COMM_WORLD);
	double t = (MPI_Wtime() - t0) / reps, tmax;
	MPI_Reduce(&t, &tmax, 1, MPI_DOUBLE, MPI_MAX, 0, MPI_COMM_WORLD);
	if (r == 0)
		printf("%d ranks: broadcast of %zu x %zu states + weights (%.1f MB): %.4f s\n", k, n, L, bytes / 1e6,
		       tmax);
	free(buf);
	MPI_Finalize();
	return 0;
}
