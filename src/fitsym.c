/* fitsym: joint L-BFGS over the symmetric model.  Variables: the L x q fields, then one q x q
 * block K_ij per pair i < j (K_ij(a,b), a the state at i).  Each evaluation spreads them into
 * every site's padded layout, evaluates the L sites in parallel with pl_site_eval (whose
 * f_i already holds lambda_J |J_ij|^2 for both directions, so the sum over the sites is the
 * whole objective), keeps each site's coupling gradient, and then adds the two directions of
 * every pair: dF/dK_ij(a,b) = df_i/dJ_ij(a,b) + df_j/dJ_ji(b,a).  Every sum runs in a fixed
 * order, so the result does not depend on the number of threads. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "fitsym.h"
#include "lbfgs.h"
#include "util.h"

/* index of the block of pair i < j among the L (L - 1) / 2 blocks */
static size_t pair_index(size_t L, size_t i, size_t j)
{
	return i * L - i * (i + 1) / 2 + (j - i - 1);
}

size_t fitsym_memory_bytes(size_t L, size_t q, size_t m, size_t nthreads)
{
	/* saturating: an estimate at a scale limit must not wrap */
	size_t jb;
	if (L == 0 || model_j_bytes(L, q, &jb) != 0)
		return L == 0 ? 0 : SIZE_MAX;
	size_t n = L * q + L * (L - 1) / 2 * q * q;          /* joint variables (< J's floats) */
	size_t Q = (q + 7) / 8 * 8, nvar = Q + L * q * Q;     /* one site's padded layout */
	size_t lb = lbfgs_work_bytes(n, m);                   /* L-BFGS vectors and history */
	size_t site_g = size_sat_mul(jb, 2);                  /* every site's coupling gradient (double) */
	size_t thread = nvar * 2 * sizeof(double) + pl_work_bytes(L, q);
	size_t all = size_sat_add(lb, size_sat_mul(n, sizeof(double)));
	all = size_sat_add(all, site_g);
	all = size_sat_add(all, L * q * sizeof(double) + L * sizeof(double));
	return size_sat_add(all, size_sat_mul(nthreads ? nthreads : 1, thread));
}

/* One thread's scratch, allocated once for the whole fit. */
typedef struct sym_thread {
	pl_work ws;
	double *xi, *gi; /* one site's padded variables and gradient */
	int ok;          /* ws was initialised */
} sym_thread;

typedef struct sym_ctx {
	const pl_data *d;
	const fitsym_opts *o;
	double *gs;   /* L x L x q x q: df_i / dJ_ij(a, b) at [((i L + j) q + a) q + b] */
	double *gh;   /* L x q: df_i / dh_i(a) */
	double *fs;   /* L: f_i */
	sym_thread *th; /* nth workspaces, indexed by the OpenMP thread number */
	size_t nth;
} sym_ctx;

static int threads_init(sym_ctx *c, plm_err *err)
{
	size_t nvar = pl_nvar(c->d);
	c->th = plm_calloc(c->nth, sizeof *c->th, "thread workspaces", err);
	if (c->th == NULL)
		return PLM_ENOMEM;
	for (size_t t = 0; t < c->nth; t++) {
		sym_thread *w = c->th + t;
		int st = pl_work_init(&w->ws, c->d, err);
		if (st != PLM_OK)
			return st;
		w->ok = 1;
		if ((w->xi = plm_calloc_aligned(nvar, sizeof *w->xi, "site parameters", err)) == NULL ||
		    (w->gi = plm_calloc_aligned(nvar, sizeof *w->gi, "site gradient", err)) == NULL)
			return PLM_ENOMEM;
	}
	return PLM_OK;
}

static void threads_free(sym_ctx *c)
{
	for (size_t t = 0; c->th && t < c->nth; t++) {
		if (c->th[t].ok)
			pl_work_free(&c->th[t].ws);
		free(c->th[t].xi);
		free(c->th[t].gi);
	}
	free(c->th);
	c->th = NULL;
}

/* Site i's padded variables from the joint vector X. */
static void spread(const pl_data *d, size_t i, const double *x, double *xi)
{
	const size_t L = d->L, q = d->q, Q = d->Q;
	const double *K = x + L * q;
	memset(xi, 0, pl_nvar(d) * sizeof *xi);
	memcpy(xi, x + i * q, q * sizeof *xi);
	for (size_t j = 0; j < L; j++) {
		if (j == i)
			continue;
		const double *B = K + (i < j ? pair_index(L, i, j) : pair_index(L, j, i)) * q * q;
		for (size_t b = 0; b < q; b++) {
			double *row = xi + Q + (j * q + b) * Q;
			for (size_t a = 0; a < q; a++)
				row[a] = i < j ? B[a * q + b] : B[b * q + a];
		}
	}
}

static double sym_eval(void *vc, const double *x, double *g)
{
	sym_ctx *c = vc;
	const pl_data *d = c->d;
	const size_t L = d->L, q = d->q, Q = d->Q;
#pragma omp parallel num_threads((int)c->nth)
	{
		size_t t = 0;
#ifdef _OPENMP
		t = (size_t)omp_get_thread_num();
#endif
		double *xi = c->th[t].xi, *gi = c->th[t].gi;
#pragma omp for schedule(dynamic, 1)
		for (size_t i = 0; i < L; i++) {
			spread(d, i, x, xi);
			c->fs[i] = pl_site_eval(d, i, &c->o->so, xi, gi, &c->th[t].ws);
			memcpy(c->gh + i * q, gi, q * sizeof *gi);
			for (size_t j = 0; j < L; j++) {
				double *G = c->gs + (i * L + j) * q * q;
				for (size_t a = 0; a < q; a++)
					for (size_t b = 0; b < q; b++)
						G[a * q + b] = j == i ? 0.0 : gi[Q + (j * q + b) * Q + a];
			}
		}
	}
	double f = 0.0;
	for (size_t i = 0; i < L; i++)
		f += c->fs[i];
	memcpy(g, c->gh, L * q * sizeof *g);
#pragma omp parallel for schedule(static)
	for (size_t i = 0; i < L; i++)
		for (size_t j = i + 1; j < L; j++) {
			double *G = g + L * q + pair_index(L, i, j) * q * q;
			const double *Gi = c->gs + (i * L + j) * q * q, *Gj = c->gs + (j * L + i) * q * q;
			for (size_t a = 0; a < q; a++)
				for (size_t b = 0; b < q; b++)
					G[a * q + b] = Gi[a * q + b] + Gj[b * q + a];
		}
	return f;
}

int fitsym_refine(const pl_data *d, const fitsym_opts *o, plm_model *mod, lbfgs_result *run,
                  plm_err *err)
{
	const size_t L = d->L, q = d->q;
	if (mod->L != L || mod->q != q)
		return plm_fail(err, PLM_EINVAL, "symmetric fit: the model (L %zu, q %zu) does not match the data (L %zu, q %zu)",
		                mod->L, mod->q, L, q);
	const size_t np = L * (L - 1) / 2, n = L * q + np * q * q;
	sym_ctx c = { d, o, NULL, NULL, NULL, NULL, 1 };
#ifdef _OPENMP
	c.nth = (size_t)omp_get_max_threads();
#endif
	double *x = plm_calloc_aligned(n, sizeof *x, "symmetric model", err);
	c.gs = plm_calloc(L * L * q * q, sizeof *c.gs, "site gradients", err);
	c.gh = plm_calloc(L * q, sizeof *c.gh, "field gradients", err);
	c.fs = plm_calloc(L, sizeof *c.fs, "site objectives", err);
	lbfgs_work lw;
	memset(&lw, 0, sizeof lw);
	int st = x && c.gs && c.gh && c.fs ? lbfgs_work_init(&lw, n, o->lbfgs_m, err) : PLM_ENOMEM;
	if (st == PLM_OK)
		st = threads_init(&c, err);
	if (st != PLM_OK)
		goto done;
	for (size_t k = 0; k < L * q; k++)
		x[k] = mod->h[k];
	for (size_t i = 0; i < L; i++)
		for (size_t j = i + 1; j < L; j++) {
			const float *A = model_J(mod, i, j), *B = model_J(mod, j, i);
			double *K = x + L * q + pair_index(L, i, j) * q * q;
			for (size_t a = 0; a < q; a++)
				for (size_t b = 0; b < q; b++)
					K[a * q + b] = 0.5 * ((double)A[a * q + b] + (double)B[b * q + a]);
		}
	lbfgs_minimize(x, sym_eval, &c, o->tol * sqrt((double)L), o->max_iter, &lw, run);
	/* the solution, and f_i and the gradient shares at it (squares summed in gnorm first) */
	double *g = lbfgs_work_scratch(&lw); /* the gradient at x */
	sym_eval(&c, x, g);
	for (size_t k = 0; k < L * q; k++)
		mod->h[k] = (float)x[k];
	for (size_t i = 0; i < L; i++) {
		mod->gnorm[i] = 0.0;
		for (size_t a = 0; a < q; a++)
			mod->gnorm[i] += g[i * q + a] * g[i * q + a];
	}
	for (size_t i = 0; i < L; i++)
		for (size_t j = i + 1; j < L; j++) {
			const double *K = x + L * q + pair_index(L, i, j) * q * q;
			const double *G = g + L * q + pair_index(L, i, j) * q * q;
			float *A = model_J(mod, i, j), *B = model_J(mod, j, i);
			double s2 = 0.0;
			for (size_t a = 0; a < q; a++)
				for (size_t b = 0; b < q; b++) {
					A[a * q + b] = (float)K[a * q + b];
					B[b * q + a] = (float)K[a * q + b];
					s2 += G[a * q + b] * G[a * q + b];
				}
			mod->gnorm[i] += 0.5 * s2;
			mod->gnorm[j] += 0.5 * s2;
		}
	for (size_t i = 0; i < L; i++) {
		mod->gnorm[i] = sqrt(mod->gnorm[i]);
		mod->fx[i] = c.fs[i];
	}
	snprintf(mod->rule, sizeof mod->rule, "%s", MODEL_RULE_PLM_SYM);
done:
	threads_free(&c);
	lbfgs_work_free(&lw);
	free(x);
	free(c.gs);
	free(c.gh);
	free(c.fs);
	return st;
}
