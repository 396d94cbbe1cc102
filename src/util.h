/* util: small helpers shared by every module: checked sizes, allocation, atomic output
 * files, clocks and core counts.  Reports through plm_err; never prints or exits. */
#ifndef PLMEM_UTIL_H
#define PLMEM_UTIL_H

#include <stdio.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* *out = a * b; returns 0, or -1 when the product overflows size_t. */
int size_mul(size_t a, size_t b, size_t *out);

/* a + b and a * b, saturating at SIZE_MAX (for memory estimates that must not wrap). */
size_t size_sat_add(size_t a, size_t b);
size_t size_sat_mul(size_t a, size_t b);

/* A macro argument as a string literal, after expansion: PLM_STR(FOO) with FOO 0.5 is "0.5". */
#define PLM_STR_(x) #x
#define PLM_STR(x) PLM_STR_(x)

/* An AVX2 clone of a hot function beside the default x86-64 code, chosen at run time (no
 * -march needed); nothing elsewhere, nor under clang (the fuzzing build). */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define PLM_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define PLM_CLONES
#endif

/* 64-bit FNV-1a hash of N bytes, its high bits folded in (for open-addressing tables; the
 * tables compare keys in full, so the choice of hash never changes a result). */
uint64_t plm_hash_bytes(const void *p, size_t n);

/* calloc(n, size) that checks the product and records "out of memory (N bytes for WHAT)". */
void *plm_calloc(size_t n, size_t size, const char *what, plm_err *err);

/* Aligned (64-byte), zeroed allocation; free with free(). */
void *plm_calloc_aligned(size_t n, size_t size, const char *what, plm_err *err);

/* strdup that records ENOMEM. */
char *plm_strdup(const char *s, plm_err *err);

/* Output written to a temporary file beside PATH and renamed into place by
 * outfile_commit(), so a failure never leaves a half-written PATH.  PATH "-" is stdout; an
 * existing PATH that is not a regular file (/dev/null, a FIFO) is written in place. */
typedef struct plm_outfile {
	FILE *fp;
	char *path;
	char *tmp;   /* NULL for stdout */
} plm_outfile;

int outfile_open(plm_outfile *o, const char *path, plm_err *err);
/* Flush, close and rename; the outfile is released whatever happens. */
int outfile_commit(plm_outfile *o, plm_err *err);
/* Close and remove the temporary file; a no-op on a released outfile. */
void outfile_abort(plm_outfile *o);

/* Whether S ends with SUFFIX. */
int plm_ends_with(const char *s, const char *suffix);

/* Open PATH ('-': standard input) for reading as a regular file of known size *SIZE: a plain
 * file as it is; gzip, a pipe or standard input inflated into an anonymous temporary file.
 * (An output PATH ending in .gz is compressed by outfile_commit.) */
int plm_open_regular(const char *path, FILE **out, uint64_t *size, plm_err *err);

/* The little-endian IEEE-754 bytes of X[0..N) into DST (4 N bytes), for binary outputs. */
void put_f32le(uint8_t *dst, const float *x, size_t n);

/* Monotonic wall-clock seconds. */
double plm_now(void);

/* Number of processors available (>= 1). */
int plm_num_cores(void);

/* Bytes of physical memory (SIZE_MAX when unknown). */
size_t plm_phys_memory(void);

/* Keep BLAS (OpenBLAS) single-threaded: plmem calls it only inside OpenMP regions.  The only
 * place that touches BLAS's process-wide thread count. */
void plm_blas_single_thread(void);

/* The next capacity of a buffer filled as data arrive, towards TOTAL bytes: FIRST (TOTAL if
 * smaller) while CAP is 0, then doubling, never past TOTAL.  A stream that announces more than
 * it holds then costs at most about twice what it holds. */
static inline size_t plm_grow_cap(size_t cap, size_t total, size_t first)
{
	if (cap == 0)
		return total < first ? total : first;
	return total - cap < cap ? total : 2 * cap;
}

/* OpenMP's figures, as in a build without OpenMP when it is off: the threads a parallel
 * region will have (1), this thread's number in its team (0), the size of its team (1). */
size_t plm_max_threads(void);
size_t plm_thread_num(void);
size_t plm_team_size(void);

/* Set the number of OpenMP threads (n <= 0: all cores) and keep BLAS single-threaded,
 * since BLAS is only called inside OpenMP regions.  Returns the number in use. */
int plm_set_threads(int n);

#endif
