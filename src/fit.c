/* fit: pseudo-likelihood fit of a Potts model: merges identical sequences, builds the shared
 * per-site data, runs one L-BFGS per site (OpenMP over sites, one workspace per thread,
 * nothing shared but read-only data and the output rows of each site), and fills the model.
 * It parses no options and prints nothing; progress goes through a callback. */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "fit.h"
#include "fitbin.h"
#include "fitsym.h"
#include "lbfgs.h"
#include "pl.h"
#include "util.h"
#include "weights.h"

double fit_lambda_j_auto(const plm_alphabet *abc, double meff)
{
	if (abc->gap < 0)
		return FIT_LAMBDA_J_PATTERNS;
	return meff > 0.0 ? FIT_LAMBDA_J_PRIOR / meff : FIT_LAMBDA_J_PRIOR;
}

void fit_opts_default(fit_opts *o)
{
	memset(o, 0, sizeof *o);
	o->lambda_h = FIT_DEFAULT_LAMBDA_H;
	o->lambda_j = FIT_LAMBDA_J_AUTO;
	o->tol = FIT_DEFAULT_TOL;
	o->ftol = FIT_FTOL_AUTO;
	o->max_iter = FIT_DEFAULT_MAX_ITER;
	o->lbfgs_m = 0;
}

/* The history rule of fit.h: the user's length, else FIT_LBFGS_M_SITES where a long history
 * may pay (LONG_OK) and the data's SIZE reaches FIT_LBFGS_M_ENTRIES, else FIT_DEFAULT_LBFGS_M. */
static size_t lbfgs_m_rule(const fit_opts *o, int long_ok, double size)
{
	if (o && o->lbfgs_m)
		return o->lbfgs_m;
	return long_ok && size >= FIT_LBFGS_M_ENTRIES ? FIT_LBFGS_M_SITES : FIT_DEFAULT_LBFGS_M;
}

double fit_ftol(const fit_opts *o, size_t q)
{
	if (o && o->ftol != FIT_FTOL_AUTO)
		return o->ftol;
	return q > 2 ? FIT_FTOL_SITES : 0.0;
}

size_t fit_lbfgs_m(const fit_opts *o, size_t q, int joint, double entries)
{
	return lbfgs_m_rule(o, !joint && q > 2, entries);
}

/* The batched q = 2 fit's history: FIT_LBFGS_M_SITES from FIT_LBFGS_M_ENTRIES distinct patterns
 * on (every evaluation is 4 n L flops against O(m L) for the two-loop recursion; EA samples,
 * L = 1,024: 14% less CPU at n = 8,192; at n = 2,048 20% fewer evaluations but only 6% less
 * CPU, bench/RESULTS.md), FIT_DEFAULT_LBFGS_M below. */
static size_t fit_lbfgs_m_batched(const fit_opts *o, size_t n)
{
	return lbfgs_m_rule(o, 1, (double)n);
}

size_t fit_memory_bytes(size_t nseq, size_t L, size_t q, size_t nthreads, const fit_opts *o)
{
	size_t Q = (q + 7) / 8 * 8;
	size_t m = fit_lbfgs_m(o, q, 0, HUGE_VAL); /* the data are not known yet: the largest */
	/* the model: J (L*L*q*q floats), h, per-site records */
	size_t model;
	if (model_j_bytes(L, q, &model) != 0)
		model = SIZE_MAX;
	model = size_sat_add(model, size_sat_mul(L, q * sizeof(float) + 64));
	/* the training data's statistics it records (modelstats.h) */
	model = size_sat_add(model, modelstats_bytes(nseq, L, q, o ? o->pair_freqs : MODELSTATS_FIJ_AUTO));
	/* shared data: merged copy (L bytes a row), transposed alignment (L), sparse entries (up to
	 * 4 L), weights and row pointers */
	const int batched = q == 2 && !(o && o->bin_per_site);
	size_t data = size_sat_mul(nseq, size_sat_add(size_sat_mul(L, q == 2 && !batched ? 10 : 6), 48)); /* + float spins */
	/* per thread: float parameters, couplings and gradient (3 x nvar floats), L-BFGS history
	 * (2m float vectors of nvar at most) and vectors (7 doubles of nvar: 4 of L-BFGS, the site's
	 * packed x, its padded x and gradient) */
	size_t nvar = size_sat_add(Q, size_sat_mul(size_sat_mul(L, q), Q));
	size_t thread = size_sat_add(size_sat_mul(nvar, 3 * sizeof(float) + 7 * sizeof(double)),
	                        size_sat_add(size_sat_mul(size_sat_mul(2 * m, nvar), sizeof(float)), 4096));
	if (batched) /* one L-BFGS per site at once, the blocks of fitbin.h */
		data = size_sat_add(data, L < (size_t)1 << 24 ? fitbin_memory_bytes(nseq, L, fit_lbfgs_m_batched(o, nseq), nthreads) : SIZE_MAX);
	return size_sat_add(size_sat_add(model, data), size_sat_mul(nthreads ? nthreads : 1, thread));
}

/* ---- provenance ----------------------------------------------------------------------- */

static int copy_provenance(const msa *m, const double *w, const fit_opts *o, size_t nunique, double meff,
                           plm_model *mod, plm_err *err)
{
	strcpy(mod->rule, "plm");
	mod->lambda_h = o->lambda_h;
	mod->lambda_j = o->lambda_j;
	mod->tol = o->tol;
	mod->max_iter = o->max_iter;
	mod->no_fields = o->no_fields;
	mod->nunique = nunique;
	mod->meff = meff;
	int st = model_copy_alignment(mod, m, err);
	return st == PLM_OK ? modelstats_record(mod, m, w, o->pair_freqs, err) : st;
}

/* ---- the parallel fit ----------------------------------------------------------------- */

/* The packed variables of a site.  A coupling row (j, b) -- J_ij(., b) -- whose state b never
 * occurs in column j of the merged alignment has a zero data gradient, and the L2 penalty's
 * gradient of a zero is zero; so are the padding entries a >= q and the block j = i.  Started
 * at 0, L-BFGS keeps all of them exactly 0, and optimising only the others is the same
 * problem.  With few sequences and long alignments most rows are of that kind, so L-BFGS
 * (whose vector work over the whole padded vector dominated such fits) runs on a packed vector:
 * the q fields, then q values per active row (b observed in column j, j != i), then zeros up to
 * a multiple of 8 (the history rows stay 32-byte aligned; those entries get a zero gradient
 * too).  Before each kernel call the packed x is spread into the padded layout (whose inactive
 * entries were zeroed once for the site), after it the gradient is gathered back.  The dropped
 * entries' gradient is exactly 0, so the packed gradient's Euclidean norm equals the full
 * one's and --tol keeps its meaning.  The dot products run over a shorter vector than the
 * unpacked fit's, so the results differ from it in the last bits (still identical for any
 * thread count: each site is one sequential L-BFGS). */
typedef struct pack_rows {
	size_t nrow;      /* observed rows (j, b), all columns, in order of j then b */
	uint32_t *row;    /* nrow: j * q + b */
	size_t *cstart;   /* L + 1: column j's rows are row[cstart[j] .. cstart[j+1]) */
	size_t nmax;      /* the largest packed length over the sites */
} pack_rows;

static void pack_rows_free(pack_rows *p)
{
	free(p->row);
	free(p->cstart);
	memset(p, 0, sizeof *p);
}

static int pack_rows_init(const pl_data *d, pack_rows *p, plm_err *err)
{
	const size_t n = d->n, L = d->L, q = d->q;
	memset(p, 0, sizeof *p);
	p->row = plm_calloc(L * q, sizeof *p->row, "active rows", err);
	p->cstart = plm_calloc(L + 1, sizeof *p->cstart, "active rows", err);
	if (p->row == NULL || p->cstart == NULL) {
		pack_rows_free(p);
		return PLM_ENOMEM;
	}
	size_t mincol = SIZE_MAX;
	for (size_t j = 0; j < L; j++) {
		unsigned char seen[ALPHABET_MAXQ] = { 0 };
		const uint8_t *col = d->seqT + j * n;
		for (size_t s = 0; s < n; s++)
			seen[col[s]] = 1;
		p->cstart[j] = p->nrow;
		for (size_t b = 0; b < q; b++)
			if (seen[b])
				p->row[p->nrow++] = (uint32_t)(j * q + b);
		size_t c = p->nrow - p->cstart[j];
		mincol = c < mincol ? c : mincol;
	}
	p->cstart[L] = p->nrow;
	p->nmax = ((p->nrow - mincol + 1) * q + 7) / 8 * 8;
	return PLM_OK;
}

/* Packed length of site i. */
static size_t pack_len(const pack_rows *p, const pl_data *d, size_t i)
{
	size_t nr = p->nrow - (p->cstart[i + 1] - p->cstart[i]);
	return ((nr + 1) * d->q + 7) / 8 * 8;
}

/* Copies between the padded layout FULL and the packed vector PACKED of site i, over the
 * active entries: the q fields, then each active row (the rows of columns j < i, then those
 * of columns j > i).  TO_PACKED: PACKED <- FULL, and PACKED's tail up to pack_len zeroed;
 * else FULL <- PACKED (FULL's inactive entries left as they are). */
static void pack_copy(const pack_rows *p, const pl_data *d, size_t i, double *full, double *packed,
                      int to_packed)
{
	const size_t q = d->q, Q = d->Q;
	const size_t lo[2] = { 0, p->cstart[i + 1] }, hi[2] = { p->cstart[i], p->nrow };
	double *dst = to_packed ? packed : full;
	const double *src = to_packed ? full : packed;
	memcpy(dst, src, q * sizeof *dst);
	size_t k = q;
	for (int u = 0; u < 2; u++)
		for (size_t r = lo[u]; r < hi[u]; r++, k += q) {
			size_t f = Q + (size_t)p->row[r] * Q;
			if (to_packed)
				memcpy(packed + k, full + f, q * sizeof *packed);
			else
				memcpy(full + f, packed + k, q * sizeof *full);
		}
	if (to_packed)
		for (size_t n = pack_len(p, d, i); k < n; k++)
			packed[k] = 0.0;
}

/* full <- packed */
static void unpack_x(const pack_rows *p, const pl_data *d, size_t i, const double *packed, double *full)
{
	pack_copy(p, d, i, full, (double *)packed, 0); /* reads PACKED only */
}

static void store_site(const pl_data *d, size_t i, const double *x, plm_model *mod)
{
	const size_t L = d->L, q = d->q, Q = d->Q;
	for (size_t a = 0; a < q; a++)
		mod->h[i * q + a] = (float)x[a];
	for (size_t j = 0; j < L; j++) {
		float *Jij = model_J(mod, i, j);
		for (size_t a = 0; a < q; a++)
			for (size_t b = 0; b < q; b++)
				Jij[a * q + b] = j == i ? 0.f : (float)x[Q + (j * q + b) * Q + a];
	}
}

/* Site i's iterations, evaluations and status from the L-BFGS run R. */
static void record_run(plm_model *mod, size_t i, const lbfgs_result *r)
{
	mod->iters[i] = r->iters > UINT32_MAX ? UINT32_MAX : (uint32_t)r->iters;
	mod->evals[i] = r->evals > UINT32_MAX ? UINT32_MAX : (uint32_t)r->evals;
	mod->status[i] = r->status == LBFGS_CONVERGED ? SITE_CONVERGED
	                 : r->status == LBFGS_MAX_ITER ? SITE_MAX_ITER
	                                               : SITE_LINESEARCH;
}

static void record_site(plm_model *mod, size_t i, const lbfgs_result *r)
{
	record_run(mod, i, r);
	mod->gnorm[i] = r->gnorm;
	mod->fx[i] = r->f;
}

/* One more site finished: count it and report progress (one thread at a time). */
static void site_done(const fit_opts *o, size_t *done, size_t total)
{
#pragma omp critical(fit_progress)
	{
		(*done)++;
		if (o->progress)
			o->progress(o->progress_ctx, *done, total);
	}
}

/* ---- per-site kernels ------------------------------------------------------------------
 * A kernel is how one site's problem is set up, evaluated and stored; the driver (run_sites)
 * owns everything else: the OpenMP region, the per-thread L-BFGS workspace and start vector,
 * error capture, progress and teardown.  A kernel's shared data are read-only during the
 * run; its per-thread state is allocated once per thread by thread_init. */
typedef struct fit_kernel fit_kernel;
struct fit_kernel {
	size_t nmax;        /* L-BFGS length: the largest over the sites */
	size_t m;           /* L-BFGS history length */
	const double *nw;   /* NULL, or nmax norm weights for L-BFGS (lbfgs_work_set_norm_weights) */
	double ftol;        /* the relative-decrease test (lbfgs_work_set_ftol), 0: none */
	size_t (*len)(const fit_kernel *k, size_t i);         /* site i's L-BFGS length (<= nmax) */
	int (*thread_init)(const fit_kernel *k, void **tw, plm_err *err);
	void (*thread_free)(void *tw);                        /* accepts a NULL TW */
	void (*begin)(void *tw, size_t i);                    /* before site i's run (x is 0) */
	lbfgs_eval_fn eval;                                   /* its context is TW */
	void (*store)(void *tw, size_t i, const double *x, plm_model *mod); /* site i's result */
};

/* The sparse kernel (q > 2): pl_site_eval on the padded layout, L-BFGS on the packed vector
 * (or on the padded layout itself with fit_opts.unpacked). */
typedef struct sparse_kernel {
	fit_kernel k;       /* first: the driver's view */
	const pl_data *d;
	pl_site_opts so;
	const pack_rows *p; /* NULL: L-BFGS on the padded layout */
} sparse_kernel;

typedef struct sparse_thread {
	const sparse_kernel *sk;
	size_t i;           /* the site being fitted */
	pl_work ws;
	int ws_ok;
	double *xf, *gf;    /* packed: the padded x (inactive entries 0) and gradient */
} sparse_thread;

static size_t sparse_len(const fit_kernel *k, size_t i)
{
	const sparse_kernel *sk = (const sparse_kernel *)k;
	return sk->p ? pack_len(sk->p, sk->d, i) : k->nmax;
}

static void sparse_thread_free(void *vt)
{
	sparse_thread *t = vt;
	if (t == NULL)
		return;
	if (t->ws_ok)
		pl_work_free(&t->ws);
	free(t->xf);
	free(t->gf);
	free(t);
}

static int sparse_thread_init(const fit_kernel *k, void **out, plm_err *err)
{
	const sparse_kernel *sk = (const sparse_kernel *)k;
	const size_t nvar = pl_nvar(sk->d);
	sparse_thread *t = plm_calloc(1, sizeof *t, "thread workspace", err);
	*out = t;
	if (t == NULL)
		return PLM_ENOMEM;
	t->sk = sk;
	int st = pl_work_init(&t->ws, sk->d, err);
	if (st != PLM_OK)
		return st;
	t->ws_ok = 1;
	if (sk->p && ((t->xf = plm_calloc_aligned(nvar, sizeof *t->xf, "site parameters", err)) == NULL ||
	              (t->gf = plm_calloc_aligned(nvar, sizeof *t->gf, "site gradient", err)) == NULL))
		return PLM_ENOMEM;
	return PLM_OK;
}

static void sparse_begin(void *vt, size_t i)
{
	sparse_thread *t = vt;
	t->i = i;
	if (t->sk->p)
		memset(t->xf, 0, pl_nvar(t->sk->d) * sizeof *t->xf);
}

static double sparse_eval(void *vt, const double *x, double *g)
{
	sparse_thread *t = vt;
	const sparse_kernel *sk = t->sk;
	if (sk->p == NULL)
		return pl_site_eval(sk->d, t->i, &sk->so, x, g, &t->ws);
	unpack_x(sk->p, sk->d, t->i, x, t->xf);
	double f = pl_site_eval(sk->d, t->i, &sk->so, t->xf, t->gf, &t->ws);
	pack_copy(sk->p, sk->d, t->i, t->gf, g, 1);
	return f;
}

static void sparse_store(void *vt, size_t i, const double *x, plm_model *mod)
{
	sparse_thread *t = vt;
	const sparse_kernel *sk = t->sk;
	if (sk->p) {
		unpack_x(sk->p, sk->d, i, x, t->xf);
		x = t->xf;
	}
	store_site(sk->d, i, x, mod);
}

static void sparse_kernel_init(sparse_kernel *sk, const pl_data *d, const fit_opts *o,
                               const pack_rows *p)
{
	memset(sk, 0, sizeof *sk);
	sk->d = d;
	sk->so = (pl_site_opts){ o->lambda_h, o->lambda_j, o->no_fields };
	sk->p = p;
	sk->k.nmax = p ? p->nmax : pl_nvar(d);
	sk->k.m = fit_lbfgs_m(o, d->q, 0, (double)d->nnz / (double)d->L);
	sk->k.ftol = fit_ftol(o, d->q);
	sk->k.len = sparse_len;
	sk->k.thread_init = sparse_thread_init;
	sk->k.thread_free = sparse_thread_free;
	sk->k.begin = sparse_begin;
	sk->k.eval = sparse_eval;
	sk->k.store = sparse_store;
}

/* The dense kernel (q = 2): the logistic path of pl.h, one L-BFGS on L + 1 variables per
 * site, the field's entry weighted in the norm (pl_bin_norm_weight). */
typedef struct bin_kernel {
	fit_kernel k;       /* first: the driver's view */
	const pl_bin *b;
	pl_site_opts so;
	double *nw;         /* nmax norm weights */
} bin_kernel;

typedef struct bin_thread {
	const bin_kernel *bk;
	size_t i;
	pl_bin_work ws;
	int ws_ok;
} bin_thread;

static size_t bin_len(const fit_kernel *k, size_t i)
{
	(void)i;
	return k->nmax;
}

static void bin_thread_free(void *vt)
{
	bin_thread *t = vt;
	if (t == NULL)
		return;
	if (t->ws_ok)
		pl_bin_work_free(&t->ws);
	free(t);
}

static int bin_thread_init(const fit_kernel *k, void **out, plm_err *err)
{
	const bin_kernel *bk = (const bin_kernel *)k;
	bin_thread *t = plm_calloc(1, sizeof *t, "thread workspace", err);
	*out = t;
	if (t == NULL)
		return PLM_ENOMEM;
	t->bk = bk;
	int st = pl_bin_work_init(&t->ws, bk->b, err);
	t->ws_ok = st == PLM_OK;
	return st;
}

static void bin_begin(void *vt, size_t i)
{
	((bin_thread *)vt)->i = i;
}

static double bin_eval(void *vt, const double *x, double *g)
{
	bin_thread *t = vt;
	return pl_bin_eval(t->bk->b, t->i, &t->bk->so, x, g, &t->ws);
}

static void bin_store(void *vt, size_t i, const double *x, plm_model *mod)
{
	const bin_kernel *bk = ((bin_thread *)vt)->bk;
	pl_bin_store(bk->b, i, &bk->so, x, mod->h + i * 2, model_J(mod, i, 0));
}

static int bin_kernel_init(bin_kernel *bk, const pl_bin *b, const fit_opts *o, plm_err *err)
{
	memset(bk, 0, sizeof *bk);
	bk->b = b;
	bk->so = (pl_site_opts){ o->lambda_h, o->lambda_j, o->no_fields };
	const size_t nvar = pl_bin_nvar(b);
	if ((bk->nw = plm_calloc(nvar, sizeof *bk->nw, "norm weights", err)) == NULL)
		return PLM_ENOMEM;
	for (size_t k = 1; k < nvar; k++)
		bk->nw[k] = 1.0;
	bk->nw[0] = pl_bin_norm_weight(b, &bk->so);
	bk->k.nmax = nvar;
	bk->k.m = fit_lbfgs_m(o, 2, 0, 0.0);
	bk->k.ftol = fit_ftol(o, 2);
	bk->k.nw = bk->nw;
	bk->k.len = bin_len;
	bk->k.thread_init = bin_thread_init;
	bk->k.thread_free = bin_thread_free;
	bk->k.begin = bin_begin;
	bk->k.eval = bin_eval;
	bk->k.store = bin_store;
	return PLM_OK;
}

/* ---- the driver ------------------------------------------------------------------------ */

/* Fit sites LO..HI-1 with kernel K (all L of them, or one MPI rank's share, cluster.h): one
 * L-BFGS per site, OpenMP over the sites (dynamic schedule; each site's run is sequential, so
 * the results depend neither on the threads nor on the range).
 * A thread whose workspace cannot be allocated fits nothing and its error is returned (the
 * first one recorded); the region is never left early. */
static int run_sites(const fit_kernel *k, size_t lo, size_t hi, const fit_opts *o, plm_model *mod,
                     plm_err *err)
{
	size_t done = 0;
	int fail = PLM_OK;
#pragma omp parallel
	{
		void *tw = NULL;
		lbfgs_work lw;
		plm_err lerr;
		double *x = NULL;
		memset(&lw, 0, sizeof lw);
		int st = k->thread_init(k, &tw, &lerr);
		if (st == PLM_OK)
			st = lbfgs_work_init(&lw, k->nmax, k->m, &lerr);
		if (st == PLM_OK && (x = plm_calloc_aligned(k->nmax, sizeof *x, "site parameters", &lerr)) == NULL)
			st = PLM_ENOMEM;
		if (st == PLM_OK) {
			lbfgs_work_set_norm_weights(&lw, k->nw);
			lbfgs_work_set_ftol(&lw, k->ftol, FIT_FTOL_WINDOW);
		} else {
#pragma omp critical(fit_error)
			{
				if (fail == PLM_OK) {
					fail = st;
					if (err)
						*err = lerr;
				}
			}
		}
#pragma omp for schedule(dynamic, 1)
		for (size_t i = lo; i < hi; i++) {
			if (st != PLM_OK)
				continue;
			size_t n = k->len(k, i);
			lbfgs_work_resize(&lw, n); /* n <= nmax, the workspace's capacity */
			memset(x, 0, n * sizeof *x);
			k->begin(tw, i);
			lbfgs_result r;
			lbfgs_minimize(x, k->eval, tw, o->tol, o->max_iter, &lw, &r);
			k->store(tw, i, x, mod);
			record_site(mod, i, &r);
			site_done(o, &done, hi - lo);
		}
		free(x);
		lbfgs_work_free(&lw);
		k->thread_free(tw);
	}
	return fail;
}

/* q = 2, all sites together (fitbin.h): the same problems as the dense kernel, every site's
 * L-BFGS in lockstep (its own driver: the evaluations are batched across sites). */
static void batch_progress(void *ctx, size_t done, size_t total)
{
	const fit_opts *o = ctx;
	o->progress(o->progress_ctx, done, total);
}

static int run_sites_batched(const pl_data *d, const fit_opts *o, plm_model *mod, plm_err *err)
{
	const size_t L = d->L, lo = mod->row0, hi = lo + mod->nrows;
	if (hi == lo) /* fitbin_opts' hi = 0 would mean all sites */
		return PLM_OK;
	pl_bin b;
	int st = pl_bin_view(&b, d, err);
	if (st != PLM_OK)
		return st;
	lbfgs_result *r = plm_calloc(L, sizeof *r, "site runs", err);
	if (r == NULL)
		return PLM_ENOMEM;
	fitbin_opts fo = { { o->lambda_h, o->lambda_j, o->no_fields }, o->tol, o->max_iter, fit_lbfgs_m_batched(o, b.n), 0,
	                   o->progress ? batch_progress : NULL, (void *)o, lo, hi, fit_ftol(o, 2), FIT_FTOL_WINDOW };
	st = fitbin_run(&b, &fo, mod->h, mod->J, r, err);
	for (size_t i = lo; st == PLM_OK && i < hi; i++)
		record_site(mod, i, &r[i]);
	free(r);
	return st;
}

/* Fit the sites whose rows MOD holds (all of D's, or a share) with the kernel q calls for. */
static int fit_sites(const pl_data *d, const fit_opts *o, plm_model *mod, plm_err *err)
{
	const size_t lo = mod->row0, hi = lo + mod->nrows;
	int st;
	plm_blas_single_thread(); /* the q = 2 kernels call BLAS inside the OpenMP region */
	if (d->q == 2 && !o->bin_per_site)
		return run_sites_batched(d, o, mod, err);
	if (d->q == 2) {
		pl_bin b;
		bin_kernel bk;
		if ((st = pl_bin_init(&b, d, err)) != PLM_OK)
			return st;
		if ((st = bin_kernel_init(&bk, &b, o, err)) == PLM_OK)
			st = run_sites(&bk.k, lo, hi, o, mod, err);
		free(bk.nw);
		pl_bin_free(&b);
		return st;
	}
	pack_rows pr;
	sparse_kernel sk;
	if (!o->unpacked && (st = pack_rows_init(d, &pr, err)) != PLM_OK)
		return st;
	sparse_kernel_init(&sk, d, o, o->unpacked ? NULL : &pr);
	st = run_sites(&sk.k, lo, hi, o, mod, err);
	if (!o->unpacked)
		pack_rows_free(&pr);
	return st;
}

/* ---- fit_model's steps ------------------------------------------------------------------ */

/* The memory a fit may use: --max-memory, else the machine's physical memory. */
static size_t memory_limit(const fit_opts *o)
{
	return o && o->max_memory ? o->max_memory : plm_phys_memory();
}

/* BYTES as a message shows a memory figure: "14.79 GiB", or "60.4 MiB" below 1 GiB. */
static const char *mem_figure(size_t bytes, char *buf, size_t n)
{
	if (bytes >= ((size_t)1 << 30))
		snprintf(buf, n, "%.2f GiB", (double)bytes / 1073741824.0);
	else
		snprintf(buf, n, "%.1f MiB", (double)bytes / 1048576.0);
	return buf;
}

int fit_memory_check(size_t nseq, size_t L, size_t q, size_t nthreads, const fit_opts *o, size_t mem,
                     plm_err *err)
{
	size_t m = fit_lbfgs_m(o, q, 1, 0.0);
	size_t need = fit_memory_bytes(nseq, L, q, nthreads, o);
	size_t symb = o && o->symmetric ? fitsym_memory_bytes(L, q, m, nthreads) : 0;
	need = size_sat_add(need, symb);
	const int capped = o && o->max_memory;
	if (mem == 0)
		mem = memory_limit(o);
	if (need <= mem)
		return PLM_OK;
	char fneed[32], fpart[32], fmem[32];
	mem_figure(need, fneed, sizeof fneed);
	mem_figure(mem, fmem, sizeof fmem);
	char lim[64];
	snprintf(lim, sizeof lim, capped ? "the %s of --max-memory" : "this machine's %s of memory", fmem);
	size_t jb;
	if (model_j_bytes(L, q, &jb) != 0)
		jb = SIZE_MAX;
	if (jb > mem / 2)
		return plm_fail(err, PLM_ERANGE,
		                "fitting %zu positions (q = %zu) needs about %s, %s of them for the couplings J "
		                "(L x L x q x q floats), more than %s",
		                L, q, fneed, mem_figure(jb, fpart, sizeof fpart), lim);
	if (symb > 0)
		return plm_fail(err, PLM_ERANGE,
		                "fitting %zu positions (q = %zu) with --symmetric needs about %s, %s of them for "
		                "the joint L-BFGS (about 128 bytes per coupling), more than %s",
		                L, q, fneed, mem_figure(symb, fpart, sizeof fpart), lim);
	return plm_fail(err, PLM_ERANGE,
	                "fitting %zu sequences x %zu positions (q = %zu) with %zu thread%s needs about %s, "
	                "more than %s%s",
	                nseq, L, q, nthreads, nthreads == 1 ? "" : "s", fneed, lim,
	                nthreads > 1 ? " (fewer threads would help)" : "");
}

/* The options as the fit will use them: lambda_j "auto" resolved for M (M_EFF = the sum of
 * the weights). */
static int resolve_opts(const msa *m, const fit_opts *o, double meff, fit_opts *out, plm_err *err)
{
	if (!(o->lambda_h >= 0.0) || !(o->lambda_j == FIT_LAMBDA_J_AUTO || o->lambda_j >= 0.0) || !(o->tol >= 0.0) ||
	    !(o->ftol == FIT_FTOL_AUTO || o->ftol >= 0.0))
		return plm_fail(err, PLM_EINVAL, "lambda and tolerance must be >= 0");
	*out = *o;
	if (out->lambda_j == FIT_LAMBDA_J_AUTO)
		out->lambda_j = fit_lambda_j_auto(&m->abc, meff);
	return PLM_OK;
}

/* The shared per-site data: identical sequences merged (weights summed), transposed. */
static int build_data(const msa *m, const double *w, pl_data *d, size_t *nunique, plm_err *err)
{
	uint8_t *useq = NULL;
	double *uw = NULL;
	int st = weights_unique(m, w, &useq, &uw, nunique, err);
	if (st != PLM_OK)
		return st;
	st = pl_data_init(d, useq, uw, *nunique, m->L, m->abc.q, err);
	free(useq);
	free(uw);
	return st;
}

/* The symmetric refinement (fitsym.h) of MOD, its joint run recorded for every site. */
static int refine_symmetric(const pl_data *d, const fit_opts *o, plm_model *mod, plm_err *err)
{
	fitsym_opts so = { { o->lambda_h, o->lambda_j, o->no_fields }, o->tol, o->max_iter, fit_lbfgs_m(o, d->q, 1, 0.0) };
	lbfgs_result r;
	int st = fitsym_refine(d, &so, mod, &r, err);
	for (size_t i = 0; st == PLM_OK && i < d->L; i++)
		record_run(mod, i, &r); /* the joint run's, the same for every site */
	return st;
}

int fit_model(const msa *m, const double *w, const fit_opts *o, plm_model **out, plm_err *err)
{
	return fit_model_rows(m, w, o, 0, m ? m->L : 0, out, err);
}

int fit_model_rows(const msa *m, const double *w, const fit_opts *o, size_t lo, size_t hi, plm_model **out,
                   plm_err *err)
{
	*out = NULL;
	if (m == NULL || m->n == 0 || m->L == 0)
		return plm_fail(err, PLM_EINVAL, "no sequences or no positions to fit");
	if (lo > hi || hi > m->L)
		return plm_fail(err, PLM_EINVAL, "sites %zu to %zu: not a range of the %zu positions", lo + 1, hi, m->L);
	if (o->symmetric && (lo != 0 || hi != m->L))
		return plm_fail(err, PLM_EINVAL, "--symmetric fits all sites in one joint L-BFGS: it cannot be divided");
	double meff = 0.0;
	for (size_t s = 0; s < m->n; s++)
		meff += w ? w[s] : 1.0;
	fit_opts opts;
	int st = resolve_opts(m, o, meff, &opts, err);
	if (st != PLM_OK)
		return st;
	size_t nthreads = 1;
#ifdef _OPENMP
	nthreads = (size_t)omp_get_max_threads();
#endif
	/* the estimate counts all of J: against the memory plus the rows not held here */
	size_t jb = SIZE_MAX;
	model_j_bytes(m->L, m->abc.q, &jb);
	size_t mem = size_sat_add(memory_limit(&opts),
	                          size_sat_mul(jb / m->L, m->L - (hi - lo)));
	if ((st = fit_memory_check(m->n, m->L, m->abc.q, nthreads, &opts, mem, err)) != PLM_OK)
		return st;
	pl_data d;
	size_t nu = 0;
	if ((st = build_data(m, w, &d, &nu, err)) != PLM_OK)
		return st;
	plm_model *mod = NULL;
	st = model_create_rows(m->L, m->abc.q, lo, hi - lo, &mod, err);
	if (st == PLM_OK)
		st = copy_provenance(m, w, &opts, nu, meff, mod, err);
	if (st == PLM_OK)
		st = fit_sites(&d, &opts, mod, err);
	if (st == PLM_OK && opts.symmetric)
		st = refine_symmetric(&d, &opts, mod, err);
	pl_data_free(&d);
	if (st != PLM_OK) {
		model_destroy(mod);
		return st;
	}
	*out = mod;
	return PLM_OK;
}

/* ---- dividing the sites --------------------------------------------------------------- */

/* Expected cost of site i: FIT_SPLIT_BASE + the states observed in column i.  Every site pays
 * the same per evaluation (the kernel visits every sequence's non-mode entries whatever i is),
 * so its cost is its number of L-BFGS evaluations, which grows with the classes of its
 * regression: fitted on default fits, evaluations ~ a (c0 + states) with c0 = 9.5 (Kunitz,
 * 13,600 x 53) and 15 (beta-lactamase, 5,028 x 202). */
#define FIT_SPLIT_BASE 12
static size_t site_cost(const msa *m, size_t i)
{
	unsigned char seen[ALPHABET_MAXQ] = { 0 };
	size_t c = FIT_SPLIT_BASE;
	for (size_t s = 0; s < m->n; s++) {
		uint8_t a = m->seq[s * m->L + i];
		if (a < ALPHABET_MAXQ && !seen[a]++)
			c++;
	}
	return c;
}

void fit_split(const msa *m, size_t nparts, size_t *bounds)
{
	const size_t L = m->L;
	size_t total = 0;
	for (size_t i = 0; i < L; i++)
		total += site_cost(m, i);
	/* site i goes to part floor(K (C_i + c_i / 2) / C), with C_i the cost of the sites before
	 * it and C the total: the part its cost's midpoint falls in (nondecreasing in i) */
	size_t acc = 0, k = 0;
	bounds[0] = 0;
	for (size_t i = 0; i < L; i++) {
		size_t c = site_cost(m, i);
		size_t part = (2 * acc + c) * nparts / (2 * total);
		while (k < part)
			bounds[++k] = i;
		acc += c;
	}
	while (k < nparts)
		bounds[++k] = L;
}
