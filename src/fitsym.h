/* fitsym: the symmetric pseudo-likelihood model (J_ji = J_ij^T), as plmc and CCMpred fit it:
 * one L-BFGS over all fields and all pair blocks at once, minimising the sum over the sites
 * of the per-site objectives f_i of plm.h.  Started from an asymmetric fit (the blocks
 * averaged), it refines it; the sites' conditionals are evaluated in parallel by the plm
 * kernel.  It neither parses options nor prints. */
#ifndef PLMEM_FITSYM_H
#define PLMEM_FITSYM_H

#include <stddef.h>

#include "err.h"
#include "lbfgs.h"
#include "model.h"
#include "pl.h"

typedef struct fitsym_opts {
	pl_site_opts so;  /* lambda_h, lambda_j (each direction's block, as in f_i), no_fields */
	double tol;        /* stop when |gradient|_2 of the whole objective is <= tol * sqrt(L) */
	size_t max_iter;   /* L-BFGS iterations */
	size_t lbfgs_m;    /* history length */
} fitsym_opts;

/* Bytes fitsym_refine() needs beyond the model and the data, for NTHREADS threads. */
size_t fitsym_memory_bytes(size_t L, size_t q, size_t m, size_t nthreads);

/* Minimise F = sum_i f_i(h_i, J_i.) over h and the blocks K_ij (i < j), J_ij = K_ij and
 * J_ji = K_ij^T, starting from MOD's h and (J_ij + J_ji^T) / 2, on the data D (which MOD was
 * fitted on).  On success MOD holds the symmetric solution and its rule is "plm-sym"; each
 * site's record holds f_i at the solution (fx) and the site's share of the gradient norm
 * (gnorm: its fields, and each of its pair blocks with weight 1/2, so that the squares sum to
 * |gradient|^2); the joint L-BFGS run (iterations, evaluations, status) goes to *RUN for the
 * caller to record.  Deterministic for any number of threads. */
int fitsym_refine(const pl_data *d, const fitsym_opts *o, plm_model *mod, lbfgs_result *run,
                  plm_err *err);

#endif
