/* fit: pseudo-likelihood fit of a Potts model: merges identical sequences, builds the shared
 * per-site data, runs one L-BFGS per site (OpenMP over sites, one workspace per thread,
 * nothing shared but read-only data and the output rows of each site), and fills the model.
 * It parses no options and prints nothing; progress goes through a callback. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "fit.h"
#include "fitbin.h"
#include "fitsym.h"
#include "lbfgs.h"
#include "plm.h"
#include "util.h"
#include "weights.h"

#ifdef HAVE_OPENBLAS_SET_NUM_THREADS
void openblas_set_num_threads(int);
#endif

double fit_lambda_j_auto(const plm_alphabet *abc, double meff)
{
	if (abc->gap < 0)
		return FIT_LAMBDA_J_PATTERNS;
	double l = meff > 0.0 ? FIT_LAMBDA_J_PRIOR / meff : FIT_LAMBDA_J_PRIOR;
	return l > FIT_LAMBDA_J_FLOOR ? l : FIT_LAMBDA_J_FLOOR;
}

void fit_opts_default(fit_opts *o)
{
	memset(o, 0, sizeof *o);
	o->lambda_h = FIT_DEFAULT_LAMBDA_H;
	o->lambda_j = FIT_LAMBDA_J_AUTO;
	o->tol = FIT_DEFAULT_TOL;
	o->max_iter = FIT_DEFAULT_MAX_ITER;
	o->lbfgs_m = FIT_DEFAULT_LBFGS_M;
}

static size_t phys_memory(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGE_SIZE);
	if (pages <= 0 || psize <= 0)
		return SIZE_MAX;
	if ((unsigned long)pages > SIZE_MAX / (unsigned long)psize)
		return SIZE_MAX;
	return (size_t)pages * (size_t)psize;
}

/* a + b, saturating */
static size_t sat_add(size_t a, size_t b)
{
	return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

static size_t sat_mul(size_t a, size_t b)
{
	size_t r;
	return size_mul(a, b, &r) != 0 ? SIZE_MAX : r;
}

size_t fit_memory_bytes(size_t nseq, size_t L, size_t q, size_t nthreads, const fit_opts *o)
{
	size_t Q = (q + 7) / 8 * 8;
	size_t m = o && o->lbfgs_m ? o->lbfgs_m : FIT_DEFAULT_LBFGS_M;
	/* the model: J (L*L*q*q floats), h, per-site records */
	size_t model = sat_mul(sat_mul(sat_mul(L, L), sat_mul(q, q)), sizeof(float));
	model = sat_add(model, sat_mul(L, q * sizeof(float) + 64));
	/* shared data: merged copy (L bytes a row), transposed alignment (L), sparse entries (up to
	 * 4 L), weights and row pointers */
	const int batched = q == 2 && !(o && o->bin_per_site);
	size_t data = sat_mul(nseq, sat_add(sat_mul(L, q == 2 && !batched ? 10 : 6), 48)); /* + float spins */
	/* per thread: float parameters, couplings and gradient (3 x nvar floats), L-BFGS history
	 * (2m float vectors of nvar at most) and vectors (7 doubles of nvar: 4 of L-BFGS, the site's
	 * packed x, its padded x and gradient) */
	size_t nvar = sat_add(Q, sat_mul(sat_mul(L, q), Q));
	size_t thread = sat_add(sat_mul(nvar, 3 * sizeof(float) + 7 * sizeof(double)),
	                        sat_add(sat_mul(sat_mul(2 * m, nvar), sizeof(float)), 4096));
	if (batched) /* one L-BFGS per site at once, the blocks of fitbin.h */
		data = sat_add(data, L < (size_t)1 << 24 ? fitbin_memory_bytes(nseq, L, m, nthreads) : SIZE_MAX);
	return sat_add(sat_add(model, data), sat_mul(nthreads ? nthreads : 1, thread));
}

/* ---- provenance ----------------------------------------------------------------------- */

static int copy_provenance(const msa *m, const fit_opts *o, size_t nunique, double meff,
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
	mod->max_gap_seq = 1.0;
	mod->max_gap_col = 1.0;
	return model_copy_alignment(mod, m, err);
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

static int pack_rows_init(const plm_data *d, pack_rows *p, plm_err *err)
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
		unsigned char seen[PLM_MAXQ] = { 0 };
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
static size_t pack_len(const pack_rows *p, const plm_data *d, size_t i)
{
	size_t nr = p->nrow - (p->cstart[i + 1] - p->cstart[i]);
	return ((nr + 1) * d->q + 7) / 8 * 8;
}

/* Copies between the padded layout FULL and the packed vector PACKED of site i, over the
 * active entries: the q fields, then each active row (the rows of columns j < i, then those
 * of columns j > i).  TO_PACKED: PACKED <- FULL, and PACKED's tail up to pack_len zeroed;
 * else FULL <- PACKED (FULL's inactive entries left as they are). */
static void pack_copy(const pack_rows *p, const plm_data *d, size_t i, double *full, double *packed,
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
static void unpack_x(const pack_rows *p, const plm_data *d, size_t i, const double *packed, double *full)
{
	pack_copy(p, d, i, full, (double *)packed, 0); /* reads PACKED only */
}

typedef struct site_ctx {
	const plm_data *d;
	size_t i;
	plm_site_opts so;
	plm_work *ws;
	const pack_rows *p; /* NULL: x and g are the padded layout itself */
	double *xf, *gf;    /* the padded x (inactive entries 0) and gradient */
} site_ctx;

static double site_fn(void *ctx, const double *x, double *g)
{
	site_ctx *c = ctx;
	if (c->p == NULL)
		return plm_site_eval(c->d, c->i, &c->so, x, g, c->ws);
	unpack_x(c->p, c->d, c->i, x, c->xf);
	double f = plm_site_eval(c->d, c->i, &c->so, c->xf, c->gf, c->ws);
	pack_copy(c->p, c->d, c->i, c->gf, g, 1);
	return f;
}

static void store_site(const plm_data *d, size_t i, const double *x, plm_model *mod)
{
	const size_t L = d->L, q = d->q, Q = d->Q;
	for (size_t a = 0; a < q; a++)
		mod->h[i * q + a] = (float)x[a];
	for (size_t j = 0; j < L; j++) {
		float *Jij = mod->J + (i * L + j) * q * q;
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
static void site_done(const fit_opts *o, size_t *done, size_t L)
{
#pragma omp critical(fit_progress)
	{
		(*done)++;
		if (o->progress)
			o->progress(o->progress_ctx, *done, L);
	}
}

static int run_sites(const plm_data *d, const fit_opts *o, plm_model *mod, plm_err *err)
{
	const size_t L = d->L, nvar = plm_nvar(d);
	size_t done = 0;
	int fail = PLM_OK;
	plm_site_opts so = { o->lambda_h, o->lambda_j, o->no_fields };
	pack_rows pr;
	const pack_rows *p = NULL;
	if (!o->unpacked) {
		fail = pack_rows_init(d, &pr, err);
		if (fail != PLM_OK)
			return fail;
		p = &pr;
	}
	const size_t nlb = p ? p->nmax : nvar; /* L-BFGS length, the largest over the sites */
#pragma omp parallel
	{
		plm_work ws;
		lbfgs_work lw;
		plm_err lerr;
		double *x = NULL, *xf = NULL, *gf = NULL;
		int st = plm_work_init(&ws, d, &lerr);
		if (st == PLM_OK)
			st = lbfgs_work_init(&lw, nlb, o->lbfgs_m, &lerr);
		else
			memset(&lw, 0, sizeof lw);
		if (st == PLM_OK && (x = plm_calloc_aligned(nvar, sizeof *x, "site parameters", &lerr)) == NULL)
			st = PLM_ENOMEM;
		if (st == PLM_OK && p &&
		    ((xf = plm_calloc_aligned(nvar, sizeof *xf, "site parameters", &lerr)) == NULL ||
		     (gf = plm_calloc_aligned(nvar, sizeof *gf, "site gradient", &lerr)) == NULL))
			st = PLM_ENOMEM;
		if (st != PLM_OK) {
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
		for (size_t i = 0; i < L; i++) {
			if (st != PLM_OK)
				continue;
			site_ctx c = { d, i, so, &ws, p, xf, gf };
			lbfgs_result r;
			if (p) {
				/* lbfgs_minimize works on the first lw.n entries of buffers sized for nlb */
				lw.n = pack_len(p, d, i);
				memset(x, 0, lw.n * sizeof *x);
				memset(xf, 0, nvar * sizeof *xf);
				lbfgs_minimize(x, site_fn, &c, o->tol, o->max_iter, &lw, &r);
				unpack_x(p, d, i, x, xf);
				store_site(d, i, xf, mod);
			} else {
				memset(x, 0, nvar * sizeof *x);
				lbfgs_minimize(x, site_fn, &c, o->tol, o->max_iter, &lw, &r);
				store_site(d, i, x, mod);
			}
			record_site(mod, i, &r);
site_done(o, &done, L);
		}
		free(x);
		free(xf);
		free(gf);
		lbfgs_work_free(&lw);
		plm_work_free(&ws);
	}
	if (p)
		pack_rows_free(&pr);
	return fail;
}

/* q = 2: the dense logistic path of plm.h, one L-BFGS on L + 1 variables per site. */
typedef struct bin_ctx {
	const plm_bin *b;
	size_t i;
	plm_site_opts so;
	plm_bin_work *ws;
} bin_ctx;

static double bin_fn(void *ctx, const double *x, double *g)
{
	bin_ctx *c = ctx;
	return plm_bin_eval(c->b, c->i, &c->so, x, g, c->ws);
}

static int run_sites_bin(const plm_data *d, const fit_opts *o, plm_model *mod, plm_err *err)
{
	const size_t L = d->L;
	plm_bin b;
	int fail = plm_bin_init(&b, d, err);
	if (fail != PLM_OK)
		return fail;
	const size_t nvar = plm_bin_nvar(&b);
	size_t done = 0;
	plm_site_opts so = { o->lambda_h, o->lambda_j, o->no_fields };
#pragma omp parallel
	{
		plm_bin_work ws;
		lbfgs_work lw;
		plm_err lerr;
		double *x = NULL, *nw = NULL;
		memset(&lw, 0, sizeof lw);
		int st = plm_bin_work_init(&ws, &b, &lerr);
		if (st == PLM_OK)
			st = lbfgs_work_init(&lw, nvar, o->lbfgs_m, &lerr);
		if (st == PLM_OK && (x = plm_calloc_aligned(nvar, sizeof *x, "site parameters", &lerr)) == NULL)
			st = PLM_ENOMEM;
		if (st == PLM_OK && (nw = plm_calloc(nvar, sizeof *nw, "norm weights", &lerr)) == NULL)
			st = PLM_ENOMEM;
		if (st != PLM_OK) {
#pragma omp critical(fit_error)
			{
				if (fail == PLM_OK) {
					fail = st;
					if (err)
						*err = lerr;
				}
			}
		} else {
			for (size_t k = 1; k < nvar; k++)
				nw[k] = 1.0;
			nw[0] = plm_bin_norm_weight(&b, &so);
			lw.nw = nw;
		}
#pragma omp for schedule(dynamic, 1)
		for (size_t i = 0; i < L; i++) {
			if (st != PLM_OK)
				continue;
			memset(x, 0, nvar * sizeof *x);
			bin_ctx c = { &b, i, so, &ws };
			lbfgs_result r;
			lbfgs_minimize(x, bin_fn, &c, o->tol, o->max_iter, &lw, &r);
			plm_bin_store(&b, i, &so, x, mod->h + i * 2, mod->J + i * L * 4);
			record_site(mod, i, &r);
site_done(o, &done, L);
		}
		free(x);
		free(nw);
		lbfgs_work_free(&lw);
		plm_bin_work_free(&ws);
	}
	plm_bin_free(&b);
	return fail;
}

/* q = 2, all sites together (fitbin.h): the same problems as run_sites_bin. */
static void batch_progress(void *ctx, size_t done, size_t total)
{
	const fit_opts *o = ctx;
	o->progress(o->progress_ctx, done, total);
}

static int run_sites_batched(const plm_data *d, const fit_opts *o, plm_model *mod, plm_err *err)
{
	const size_t L = d->L;
	plm_bin b;
	int st = plm_bin_view(&b, d, err);
	if (st != PLM_OK)
		return st;
	lbfgs_result *r = plm_calloc(L, sizeof *r, "site runs", err);
	if (r == NULL)
		return PLM_ENOMEM;
	fitbin_opts fo = { { o->lambda_h, o->lambda_j, o->no_fields }, o->tol, o->max_iter, o->lbfgs_m, 0,
	                   o->progress ? batch_progress : NULL, (void *)o };
	st = fitbin_run(&b, &fo, mod->h, mod->J, r, err);
	for (size_t i = 0; st == PLM_OK && i < L; i++)
		record_site(mod, i, &r[i]);
	free(r);
	return st;
}

int fit_model(const msa *m, const double *w, const fit_opts *o, plm_model **out, plm_err *err)
{
	*out = NULL;
	if (m == NULL || m->n == 0 || m->L == 0)
		return plm_fail(err, PLM_EINVAL, "no sequences or no positions to fit");
	if (!(o->lambda_h >= 0.0) || !(o->lambda_j == FIT_LAMBDA_J_AUTO || o->lambda_j >= 0.0) || !(o->tol >= 0.0))
		return plm_fail(err, PLM_EINVAL, "lambda and tolerance must be >= 0");
	const size_t n = m->n, L = m->L, q = m->abc.q;
	fit_opts opts = *o;
	if (opts.lbfgs_m == 0)
		opts.lbfgs_m = FIT_DEFAULT_LBFGS_M;
	size_t nthreads = 1;
#ifdef _OPENMP
	nthreads = (size_t)omp_get_max_threads();
#endif
	size_t need = fit_memory_bytes(n, L, q, nthreads, &opts), mem = phys_memory();
	size_t symb = opts.symmetric ? fitsym_memory_bytes(L, q, opts.lbfgs_m, nthreads) : 0;
	need = sat_add(need, symb);
	if (need > mem) {
		size_t jb = sat_mul(sat_mul(sat_mul(L, L), sat_mul(q, q)), sizeof(float));
		if (jb > mem / 2)
			return plm_fail(err, PLM_ERANGE,
			                "fitting %zu positions (q = %zu) needs about %.2f GiB, %.2f GiB of them for "
			                "the couplings J (L x L x q x q floats), more than this machine's %.2f GiB "
			                "of memory",
			                L, q, (double)need / 1073741824.0, (double)jb / 1073741824.0,
			                (double)mem / 1073741824.0);
		if (opts.symmetric)
			return plm_fail(err, PLM_ERANGE,
			                "fitting %zu positions (q = %zu) with --symmetric needs about %.2f GiB, %.2f GiB "
			                "of them for the joint L-BFGS (about 128 bytes per coupling), more than this "
			                "machine's %.2f GiB of memory",
			                L, q, (double)need / 1073741824.0, (double)symb / 1073741824.0,
			                (double)mem / 1073741824.0);
		return plm_fail(err, PLM_ERANGE,
		                "fitting %zu sequences x %zu positions (q = %zu) with %zu threads needs about "
		                "%.2f GiB, more than this machine's %.2f GiB of memory (fewer threads would help)",
		                n, L, q, nthreads, (double)need / 1073741824.0, (double)mem / 1073741824.0);
	}
	double meff = 0.0;
	for (size_t s = 0; s < n; s++)
		meff += w ? w[s] : 1.0;
	if (opts.lambda_j == FIT_LAMBDA_J_AUTO)
		opts.lambda_j = fit_lambda_j_auto(&m->abc, meff);
	uint8_t *useq = NULL;
	double *uw = NULL;
	size_t nu = 0;
	int st = weights_unique(m, w, &useq, &uw, &nu, err);
	if (st != PLM_OK)
		return st;
	plm_data d;
	st = plm_data_init(&d, useq, uw, nu, L, q, err);
	free(useq);
	free(uw);
	if (st != PLM_OK)
		return st;
	plm_model *mod = NULL;
	st = model_create(L, q, &mod, err);
	if (st == PLM_OK)
		st = copy_provenance(m, &opts, nu, meff, mod, err);
#ifdef HAVE_OPENBLAS_SET_NUM_THREADS
	openblas_set_num_threads(1); /* BLAS is called inside the OpenMP region */
#endif
	if (st == PLM_OK)
		st = q != 2 ? run_sites(&d, &opts, mod, err)
		     : opts.bin_per_site ? run_sites_bin(&d, &opts, mod, err)
		                         : run_sites_batched(&d, &opts, mod, err);
	if (st == PLM_OK && opts.symmetric) {
		fitsym_opts so = { { opts.lambda_h, opts.lambda_j, opts.no_fields }, opts.tol, opts.max_iter,
		                   opts.lbfgs_m };
		lbfgs_result r;
		st = fitsym_refine(&d, &so, mod, &r, err);
		for (size_t i = 0; st == PLM_OK && i < L; i++)
			record_run(mod, i, &r); /* the joint run's, the same for every site */
	}
	plm_data_free(&d);
	if (st != PLM_OK) {
		model_destroy(mod);
		return st;
	}
	*out = mod;
	return PLM_OK;
}
