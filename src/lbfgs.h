/* lbfgs: limited-memory BFGS minimisation of a smooth function (iterates in double, history
 * pairs and the search direction in float) with a strong-Wolfe line search, either calling
 * the function (lbfgs_minimize) or asking the caller for each evaluation (lbfgs_begin /
 * lbfgs_tell / lbfgs_end: many problems can then run in lockstep, their evaluations batched).
 * Sequential and deterministic; workspaces are allocated once and reused.  It never prints. */
#ifndef PLMEM_LBFGS_H
#define PLMEM_LBFGS_H

#include <stddef.h>

#include "err.h"

/* Returns f(x) and writes its gradient to g. */
typedef double (*lbfgs_eval_fn)(void *ctx, const double *x, double *g);

enum lbfgs_status {
	LBFGS_CONVERGED = 0, /* |g|_2 <= tol (or the weighted norm, see nw), or the objective's
	                        relative decrease over the last fwin iterations <= ftol */
	LBFGS_MAX_ITER,      /* max_iter iterations done */
	LBFGS_LINESEARCH     /* no step satisfies the Wolfe conditions (precision exhausted) */
};

/* The longest window of the relative-decrease test (lbfgs_work_set_ftol). */
#define LBFGS_FWIN_MAX 16

/* The state of one run between evaluations (private to lbfgs.c). */
struct lbfgs_rc {
	double tol;
	double fh[LBFGS_FWIN_MAX]; /* f after iteration k at fh[k % fwin] (f_0: the start) */
	size_t max_iter;
	int phase, status;
	size_t k, nhist, head, evals, ls_start, ls_it;
	double f, gnorm, cnorm;
	/* line search: phi(a) = f(x + a d); the trial step a, the previous one, the bracket */
	double phi0, dphi0, slack, a, a_prev, f_prev, d_prev, alo, flo, dlo, ahi, fhi, dhi;
};

typedef struct lbfgs_work {
	size_t n, m;         /* problem length (set by lbfgs_work_resize), history length */
	size_t cap;          /* the largest n the buffers hold (init's n) */
	float *s, *y;        /* m x n history (float: halves the memory traffic) */
	double *rho, *alpha, *yy; /* m: 1/(s.y), two-loop coefficients, y.y */
	double *x, *g, *xt, *gt;
	float *d;            /* search direction (float, as the history) */
	const double *nw;    /* NULL (set by init), or n weights: the convergence test and the
	                        reported norm use sqrt(sum_k nw_k g_k^2) instead of |g|_2 */
	double ftol;         /* 0 (set by init), or the relative-decrease test: stop after iteration
	                        k >= fwin when f_{k - fwin} - f_k <= ftol |f_k| */
	size_t fwin;
	double *xe, *ge;     /* reverse communication: evaluate at xe (n doubles), gradient to ge */
	struct lbfgs_rc rc;
} lbfgs_work;

/* Buffers for problems of up to N variables (the length starts at N). */
int lbfgs_work_init(lbfgs_work *w, size_t n, size_t m, plm_err *err);
/* The next problems have N <= cap variables (the first N entries of the same buffers);
 * returns PLM_EINVAL, leaving W as it was, when N > cap. */
int lbfgs_work_resize(lbfgs_work *w, size_t n);
/* N doubles of W that a caller may use as scratch between runs (the next lbfgs_minimize
 * overwrites them): saves a second vector of the problem's size. */
double *lbfgs_work_scratch(lbfgs_work *w);
/* Weights for the norm (NW: n doubles that outlive W, or NULL for |g|_2); see nw above. */
void lbfgs_work_set_norm_weights(lbfgs_work *w, const double *nw);
/* The second convergence test of the next runs (see ftol above): FTOL >= 0 (0: none), WIN in
 * 1 .. LBFGS_FWIN_MAX (clamped to it).  A run stops at the first iteration where either test
 * holds. */
void lbfgs_work_set_ftol(lbfgs_work *w, double ftol, size_t win);
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

/* The same minimisation, the caller evaluating:
 *     lbfgs_begin(w, x, tol, max_iter);
 *     do f = F(w->xe) with its gradient written to w->ge; while (lbfgs_tell(w, f));
 *     lbfgs_end(w, x, &res);
 * lbfgs_tell returns 1 when it wants the next evaluation (at the new w->xe), 0 when the run
 * is over.  Same iterates and results, bit for bit, as lbfgs_minimize. */
void lbfgs_begin(lbfgs_work *w, const double *x, double tol, size_t max_iter);
int lbfgs_tell(lbfgs_work *w, double f);
void lbfgs_end(const lbfgs_work *w, double *x, lbfgs_result *res);

#endif
