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

/* The little-endian IEEE-754 bytes of X[0..N) into DST (4 N bytes), for binary outputs. */
void put_f32le(uint8_t *dst, const float *x, size_t n);

/* Monotonic wall-clock seconds. */
double plm_now(void);

/* Number of processors available (>= 1). */
int plm_num_cores(void);

/* Set the number of OpenMP threads (n <= 0: all cores) and keep BLAS single-threaded,
 * since BLAS is only called inside OpenMP regions.  Returns the number in use. */
int plm_set_threads(int n);

#endif
