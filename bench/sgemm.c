/* bench/sgemm.c: the machine's single-thread sgemm rate for the shapes of plmem's batched
 * q = 2 fit (src/fitbin.c), per CPU second of the calling thread (the machine may be shared).
 * Built and run by bench/fitbin.sh:  cc -O2 bench/sgemm.c -lopenblas && ./a.out L [CHUNK BLOCK]
 * Prints one TSV line per product: name, M, N, K, GFLOP/s (CPU time). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <cblas.h>

void openblas_set_num_threads(int);

static double cpu_seconds(void)
{
	struct timespec t;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* Repeats the product for at least 2 CPU seconds; returns GFLOP per CPU second. */
static double rate(int fields, int M, int N, int K, const float *S, const float *X, float *C)
{
	double t0 = cpu_seconds(), t;
	long reps = 0;
	do {
		if (fields) /* D^T = K^T S: (N sites x K) . (K x M patterns), as fitbin's first product */
			cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, N, M, K, 1.f, X, N, S, M, 0.f, C, M);
		else /* G = S R^T: (K sites x M patterns) . (M x N), as fitbin's second product */
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, K, N, M, 1.f, S, M, X, M, 1.f, C, N);
		reps++;
		t = cpu_seconds() - t0;
	} while (t < 2.0);
	return 2.0 * M * N * (double)K * (double)reps / t / 1e9;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s L [CHUNK [BLOCK]]\n", argv[0]);
		return 2;
	}
	int L = atoi(argv[1]), M = argc > 2 ? atoi(argv[2]) : 1024, N = argc > 3 ? atoi(argv[3]) : 128;
	if (L <= 0 || M <= 0 || N <= 0)
		return 2;
	openblas_set_num_threads(1);
	size_t big = (size_t)(L + N) * (size_t)(M + N);
	float *S = malloc((size_t)L * M * sizeof *S), *X = malloc(big * sizeof *X), *C = malloc(big * sizeof *C);
	if (!S || !X || !C)
		return 1;
	for (size_t k = 0; k < (size_t)L * M; k++)
		S[k] = (k * 2654435761u) >> 31 ? 1.f : -1.f;
	for (size_t k = 0; k < big; k++)
		X[k] = 1e-3f * (float)(k % 97), C[k] = 0.f;
	printf("D=K^T.S\t%d\t%d\t%d\t%.1f\n", N, M, L, rate(1, M, N, L, S, X, C));
	printf("G=S.R^T\t%d\t%d\t%d\t%.1f\n", L, N, M, rate(0, M, N, L, S, X, C));
	free(S);
	free(X);
	free(C);
	return 0;
}
