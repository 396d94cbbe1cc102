/* fitbin: the batched binary (q = 2) fit: every unfinished site's logistic regression (the
 * dense path of plm.h) evaluated together, so that one evaluation of all of them is two
 * matrix-matrix products (sgemm) instead of two matrix-vector products per site.  Each site
 * keeps its own L-BFGS run (lbfgs.h, reverse communication); it neither prints nor parses. */
#ifndef PLMEM_FITBIN_H
#define PLMEM_FITBIN_H

#include <stddef.h>

#include "err.h"
#include "lbfgs.h"
#include "pl.h"

/* Patterns per chunk: the spins of a chunk are converted from the bytes of pl_data to
 * floats (+-1) once per evaluation round; the results do not depend on the thread count
 * (the chunking is fixed). */
#define FITBIN_CHUNK 1024

typedef struct fitbin_opts {
	pl_site_opts so;
	double tol;          /* the weighted gradient norm of plm.h (pl_bin_norm_weight) */
	size_t max_iter, lbfgs_m;
	size_t window;       /* sites fitted at once (a finished one's place taken by the next);
	                        0: all of them unless their L-BFGS states pass 1 GiB */
	/* optional: called (never concurrently) as sites finish, with the count so far */
	void (*progress)(void *ctx, size_t done, size_t total);
	void *progress_ctx;
	size_t lo, hi;       /* fit sites lo .. hi - 1 only (a share of a divided fit, cluster.h);
	                        hi = 0: all of them */
	double ftol;         /* 0, or each run's relative-decrease test (lbfgs_work_set_ftol) */
	size_t fwin;         /* over this many iterations */
} fitbin_opts;

/* Bytes fitbin_run allocates for N patterns x L sites (besides the data and the model). */
size_t fitbin_memory_bytes(size_t n, size_t L, size_t lbfgs_m, size_t nthreads);

/* Fits every site of B (made by pl_bin_view or pl_bin_init), or sites o->lo .. o->hi - 1,
 * from 0: site i's Potts parameters go to H + 2 i and J + 4 L (i - lo) (pl_bin_store's
 * layout; J holds the rows lo .. hi - 1), its run to RES[i].
 * The same problems and convergence test as one lbfgs_minimize of pl_bin_eval per site;
 * the sums differ only in their float rounding (the products are blocked differently).
 * Bit-identical for any number of OpenMP threads: each sgemm covers a fixed block of
 * sites and a fixed chunk of patterns, whatever thread runs it, and every sum over
 * patterns runs in a fixed order.  Calls BLAS inside an OpenMP region: BLAS must be
 * single-threaded (plm_set_threads). */
int fitbin_run(const pl_bin *b, const fitbin_opts *o, float *h, float *J, lbfgs_result *res,
               plm_err *err);

#endif
