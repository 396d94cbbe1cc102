/* lbfgs: limited-memory BFGS minimisation of a smooth function (iterates in double, history
 * pairs and the search direction in float) with a strong-Wolfe line search.  Sequential and deterministic;
 * workspaces are allocated once and reused.  It never prints. */
#ifndef PLMEM_LBFGS_H
#define PLMEM_LBFGS_H

#include <stddef.h>

#include "err.h"

/* Returns f(x) and writes its gradient to g. */
typedef double (*lbfgs_eval_fn)(void *ctx, const double *x, double *g);

enum lbfgs_status {
	LBFGS_CONVERGED = 0, /* |g|_2 <= tol (or the weighted norm, see nw) */
	LBFGS_MAX_ITER,      /* max_iter iterations done */
	LBFGS_LINESEARCH     /* no step satisfies the Wolfe conditions (precision exhausted) */
};

typedef struct lbfgs_work {
	size_t n, m;
	float *s, *y;        /* m x n history (float: halves the memory traffic) */
	double *rho, *alpha, *yy; /* m: 1/(s.y), two-loop coefficients, y.y */
	double *x, *g, *xt, *gt;
	float *d;            /* search direction (float, as the history) */
	const double *nw;    /* NULL (set by init), or n weights: the convergence test and the
	                        reported norm use sqrt(sum_k nw_k g_k^2) instead of |g|_2 */
} lbfgs_work;

int lbfgs_work_init(lbfgs_work *w, size_t n, size_t m, plm_err *err);
void lbfgs_work_free(lbfgs_work *w);
size_t lbfgs_work_bytes(size_t n, size_t m);

typedef struct lbfgs_result {
	int status;          /* enum lbfgs_status */
	size_t iters, evals;
	double f, gnorm;     /* at the returned x */
} lbfgs_result;

/* Minimise from X (overwritten with the result). */
void lbfgs_minimize(double *x, lbfgs_eval_fn fn, void *ctx, double tol, size_t max_iter,
                    lbfgs_work *w, lbfgs_result *res);

#endif
