/* check_fit: the parallel pseudo-likelihood fit: every site converged (gradient norm below
 * the tolerance, recomputed independently), the solution beats random perturbations,
 * duplicates merged exactly, h = 0 with no fields, 1 vs 2 threads byte-identical model files,
 * a divided fit's parts (fit_split, fit_model_rows) equal to the whole fit, memory refusal,
 * the packed L-BFGS (active rows only) equal to the unpacked one, the batched q = 2 fit equal
 * to the per-site one and thread-invariant, and the planted chain potts3.a2m recovered (when
 * the shared data exist). */
#include "check_common.h"

#include <math.h>
#include <unistd.h>

#include "fit.h"
#include "fitbin.h"
#include "import.h"
#include "model.h"
#include "msa.h"
#include "pl.h"
#include "rng.h"
#include "util.h"
#include "weights.h"

/* A kept-everything msa of N x L over ALPHABET sampled from a 1-D chain (each state copies its
 * left neighbour with probability 0.6), so the couplings are not trivial. */
static msa *chain_msa(size_t n, size_t L, const char *alphabet, uint64_t seed)
{
	msa *m = calloc(1, sizeof *m);
	plm_err err;
	ck_assert_int_eq(alphabet_init(&m->abc, alphabet, &err), PLM_OK);
	size_t q = m->abc.q;
	m->n = m->nin = n;
	m->L = m->ncol_in = L;
	m->seq = malloc(n * L);
	m->path = strdup("chain");
	plm_rng r;
	rng_seed(&r, seed, 0);
	for (size_t s = 0; s < n; s++)
		for (size_t j = 0; j < L; j++)
			m->seq[s * L + j] = (j > 0 && rng_uniform(&r) < 0.6) ? m->seq[s * L + j - 1]
			                                                       : (uint8_t)rng_below(&r, q);
	return m;
}

/* Site i's parameters back in plm's padded layout. */
static void site_x(const plm_model *mod, const pl_data *d, size_t i, double *x)
{
	const size_t L = mod->L, q = mod->q, Q = d->Q;
	memset(x, 0, pl_nvar(d) * sizeof *x);
	for (size_t a = 0; a < q; a++)
		x[a] = mod->h[i * q + a];
	for (size_t j = 0; j < L; j++)
		for (size_t a = 0; a < q; a++)
			for (size_t b = 0; b < q; b++)
				x[Q + (j * q + b) * Q + a] = mod->J[((i * L + j) * q + a) * q + b];
}

static double vnorm(const double *g, size_t n)
{
	double s = 0.0;
	for (size_t k = 0; k < n; k++)
		s += g[k] * g[k];
	return sqrt(s);
}

/* Every site: status converged, recorded and recomputed gradient norms below tol (the
 * recomputation uses the double reference on the unmerged rows and the float-rounded
 * parameters, hence the margin), and the objective below that of 5 random perturbations. */
static void check_optimum(const msa *m, const double *w, const fit_opts *o, const plm_model *mod)
{
	pl_data d;
	plm_err err;
	ck_assert_int_eq(pl_data_init(&d, m->seq, w, m->n, m->L, m->abc.q, &err), PLM_OK);
	size_t nvar = pl_nvar(&d);
	double *x = calloc(nvar, sizeof *x), *g = calloc(nvar, sizeof *g), *y = calloc(nvar, sizeof *y);
	pl_site_opts so = { o->lambda_h, mod->lambda_j, o->no_fields }; /* lambda_j as used */
	plm_rng r;
	rng_seed(&r, 99, 0);
	for (size_t i = 0; i < m->L; i++) {
		ck_assert_msg(mod->status[i] == SITE_CONVERGED, "site %zu status %d gnorm %g iters %u evals %u", i, mod->status[i], mod->gnorm[i], mod->iters[i], mod->evals[i]);
		ck_assert_msg(mod->gnorm[i] <= o->tol, "site %zu gnorm %g", i, mod->gnorm[i]);
		ck_assert_uint_ge(mod->evals[i], mod->iters[i]);
		site_x(mod, &d, i, x);
		double f = pl_site_eval_ref(&d, i, &so, x, g);
		ck_assert_msg(vnorm(g, nvar) <= 3.0 * o->tol, "site %zu: recomputed |g| = %g", i, vnorm(g, nvar));
		ck_assert_msg(fabs(f - mod->fx[i]) <= 1e-5 * fabs(f), "site %zu: f %g vs recorded %g", i, f,
		              mod->fx[i]);
		for (int t = 0; t < 5; t++) {
			for (size_t k = 0; k < nvar; k++)
				y[k] = x[k] == 0.0 ? 0.0 : x[k] + 1e-2 * rng_normal(&r);
			double fy = pl_site_eval_ref(&d, i, &so, y, g);
			ck_assert_msg(fy > f, "site %zu: perturbation %d lowers f (%.10g < %.10g)", i, t, fy, f);
		}
	}
	pl_data_free(&d);
	free(x), free(g), free(y);
}

START_TEST(test_converged_q21)
{
	msa *m = chain_msa(150, 7, "protein", 1);
	double *w = malloc(m->n * sizeof *w);
	for (size_t s = 0; s < m->n; s++)
		w[s] = 0.5 + (double)(s % 3);
	fit_opts o;
	fit_opts_default(&o);
	o.tol = 1e-5;
	o.ftol = 0.0; /* the gradient test alone (check_optimum's bound) */
	plm_model *mod = NULL;
	plm_err err;
	ck_assert_int_eq(fit_model(m, w, &o, &mod, &err), PLM_OK);
	ck_assert_uint_eq(mod->L, 7);
	ck_assert_uint_eq(mod->q, 21);
	ck_assert_str_eq(mod->rule, "plm");
	ck_assert_uint_eq(mod->nseq, 150);
	ck_assert_double_eq_tol(mod->meff, 150.0 / 3.0 * (0.5 + 1.5 + 2.5), 1e-9);
	ck_assert_str_eq(mod->source, "chain");
	ck_assert_ptr_nonnull(mod->version);
	ck_assert_uint_eq(strlen(mod->refseq), 7);
	/* the default penalty on the couplings: 8 / M_eff (M_eff = 225), recorded as used */
	ck_assert_double_eq_tol(mod->lambda_j, 8.0 / 225.0, 1e-12);
	check_optimum(m, w, &o, mod);
	/* J_ii = 0 */
	for (size_t k = 0; k < 21 * 21; k++)
		ck_assert(mod->J[((3 * 7 + 3) * 21) * 21 + k] == 0.f);
	model_destroy(mod);
	free(w);
	msa_destroy(m);
}
END_TEST

START_TEST(test_converged_q2_nofields)
{
	msa *m = chain_msa(120, 9, "binary", 2);
	fit_opts o;
	fit_opts_default(&o);
	o.no_fields = 1;
	o.tol = 1e-6;
	o.lambda_j = 0.005;
	plm_model *mod = NULL;
	plm_err err;
	ck_assert_int_eq(fit_model(m, NULL, &o, &mod, &err), PLM_OK);
	for (size_t k = 0; k < 9 * 2; k++)
		ck_assert(mod->h[k] == 0.f);
	ck_assert_int_eq(mod->no_fields, 1);
	check_optimum(m, NULL, &o, mod);
	model_destroy(mod);
	msa_destroy(m);
}
END_TEST

START_TEST(test_converged_q2_fields)
{
	msa *m = chain_msa(200, 15, "binary", 7);
	fit_opts o;
	fit_opts_default(&o);
	o.tol = 1e-5;
	plm_model *mod = NULL;
	plm_err err;
	ck_assert_int_eq(fit_model(m, NULL, &o, &mod, &err), PLM_OK);
	check_optimum(m, NULL, &o, mod);
	model_destroy(mod);
	msa_destroy(m);
}
END_TEST

/* Duplicated rows are merged: two copies with weight 1 = one copy with weight 2, bit for bit;
 * and a weight scaled by any factor gives the same model (weights are normalised). */
START_TEST(test_duplicates)
{
	msa *m = chain_msa(60, 6, "ACGT", 3);
	msa *m2 = chain_msa(60, 6, "ACGT", 3);
	m2->n = m2->nin = 61;
	m2->seq = realloc(m2->seq, 61 * 6);
	memcpy(m2->seq + 60 * 6, m2->seq + 10 * 6, 6); /* row 10 twice */
	double w[60], w2[61];
	for (size_t s = 0; s < 60; s++)
		w[s] = 3.0 * (s == 10 ? 2.0 : 1.0), w2[s] = 1.0;
	w2[60] = 1.0;
	fit_opts o;
	fit_opts_default(&o);
	plm_model *a = NULL, *b = NULL;
	plm_err err;
	ck_assert_int_eq(fit_model(m, w, &o, &a, &err), PLM_OK);
	ck_assert_int_eq(fit_model(m2, w2, &o, &b, &err), PLM_OK);
	ck_assert_uint_eq(b->nseq, 61);
	ck_assert_uint_eq(b->nunique, a->nunique);
	ck_assert_uint_lt(a->nunique, 61);
	ck_assert_int_eq(memcmp(a->J, b->J, 6 * 6 * 16 * sizeof(float)), 0);
	ck_assert_int_eq(memcmp(a->h, b->h, 6 * 4 * sizeof(float)), 0);
	model_destroy(a);
	model_destroy(b);
	msa_destroy(m);
	msa_destroy(m2);
}
END_TEST

static int progress_calls;
static size_t progress_last;
static void progress(void *ctx, size_t done, size_t total)
{
	(void)ctx;
	progress_calls++;
	ck_assert_uint_le(done, total);
	progress_last = done;
}

/* 1 thread and 2 threads give byte-identical model files. */
static void threads_identical(const char *alphabet, int symmetric)
{
	progress_calls = 0;
	msa *m = chain_msa(300, 12, alphabet, 4);
	fit_opts o;
	fit_opts_default(&o);
	o.progress = progress;
	o.symmetric = symmetric;
	plm_model *a = NULL, *b = NULL;
	plm_err err;
	plm_set_threads(1);
	ck_assert_int_eq(fit_model(m, NULL, &o, &a, &err), PLM_OK);
	ck_assert_int_eq(progress_calls, 12);
	ck_assert_uint_eq(progress_last, 12);
	plm_set_threads(2);
	ck_assert_int_eq(fit_model(m, NULL, &o, &b, &err), PLM_OK);
	plm_set_threads(0); /* back to all cores */
	char pa[64], pb[64];
	snprintf(pa, sizeof pa, "check_fit_%ld_a.plm", (long)getpid());
	snprintf(pb, sizeof pb, "check_fit_%ld_b.plm", (long)getpid());
	ck_assert_int_eq(model_write(a, pa, &err), PLM_OK);
	ck_assert_int_eq(model_write(b, pb, &err), PLM_OK);
	FILE *fa = fopen(pa, "rb"), *fb = fopen(pb, "rb");
	ck_assert_ptr_nonnull(fa);
	ck_assert_ptr_nonnull(fb);
	size_t nbytes = 0;
	int ca, cb;
	do {
		ca = getc(fa), cb = getc(fb);
		ck_assert_int_eq(ca, cb);
		nbytes++;
	} while (ca != EOF);
	ck_assert_uint_gt(nbytes, 12 * 12 * m->abc.q * m->abc.q * 4);
	fclose(fa), fclose(fb);
	remove(pa), remove(pb);
	model_destroy(a);
	model_destroy(b);
	msa_destroy(m);
}

START_TEST(test_threads_identical) { threads_identical("protein", 0); }

/* The history length's rule: 32 per site only for q > 2 and enough non-mode entries per
 * column; 8 for binary data, the joint fit and small alignments; an explicit value wins. */
START_TEST(test_lbfgs_m_rule)
{
	fit_opts o;
	fit_opts_default(&o);
	ck_assert_uint_eq(fit_lbfgs_m(&o, 21, 0, FIT_LBFGS_M_ENTRIES), FIT_LBFGS_M_SITES);
	ck_assert_uint_eq(fit_lbfgs_m(&o, 21, 0, HUGE_VAL), FIT_LBFGS_M_SITES);
	ck_assert_uint_eq(fit_lbfgs_m(&o, 21, 0, FIT_LBFGS_M_ENTRIES - 1), FIT_DEFAULT_LBFGS_M);
	ck_assert_uint_eq(fit_lbfgs_m(&o, 21, 1, HUGE_VAL), FIT_DEFAULT_LBFGS_M);
	ck_assert_uint_eq(fit_lbfgs_m(&o, 2, 0, HUGE_VAL), FIT_DEFAULT_LBFGS_M);
	ck_assert_uint_eq(fit_lbfgs_m(NULL, 21, 0, 0.0), FIT_DEFAULT_LBFGS_M);
	o.lbfgs_m = 5;
	ck_assert_uint_eq(fit_lbfgs_m(&o, 21, 0, 0.0), 5);
	ck_assert_uint_eq(fit_lbfgs_m(&o, 2, 1, HUGE_VAL), 5);
}
END_TEST
END_TEST
/* 1 + 1/2 sum_k c_k (x_k - 1)^2, c_k from 1 down to 1e-4: L-BFGS makes slow progress along
 * the flat directions, as on a site with a weak penalty. */
#define ILL_N 40
static double illcond(void *ctx, const double *x, double *g)
{
	(void)ctx;
	double f = 1.0;
	for (size_t k = 0; k < ILL_N; k++) {
		double c = pow(1e-4, (double)k / (ILL_N - 1)), t = x[k] - 1.0;
		f += 0.5 * c * t * t;
		g[k] = c * t;
	}
	return f;
}

/* The relative-decrease test: a run stops at the first iteration K >= W where
 * f_{K-W} - f_K <= ftol |f_K| (f_k read from runs cut at k iterations without the test: the
 * test changes where the run stops, not its iterates), with status converged; with the
 * test off it runs on. */
START_TEST(test_lbfgs_ftol)
{
	const double ftol = 1e-6;
	const size_t W = 5;
	double x[ILL_N] = { 0 };
	lbfgs_work w;
	plm_err err;
	ck_assert_int_eq(lbfgs_work_init(&w, ILL_N, 4, &err), PLM_OK);
	lbfgs_result r, rk;
	lbfgs_work_set_ftol(&w, ftol, W);
	lbfgs_minimize(x, illcond, NULL, 0.0, 1000, &w, &r);
	ck_assert_int_eq(r.status, LBFGS_CONVERGED);
	const size_t K = r.iters;
	ck_assert_uint_gt(K, W);
	ck_assert_uint_lt(K, 1000);
	double *f = calloc(K + 1, sizeof *f);
	lbfgs_work_set_ftol(&w, 0.0, W);
	for (size_t k = 0; k <= K; k++) {
		double xk[ILL_N] = { 0 };
		lbfgs_minimize(xk, illcond, NULL, 0.0, k, &w, &rk);
		ck_assert_uint_eq(rk.iters, k);
		f[k] = rk.f;
		if (k == K)
			ck_assert(memcmp(xk, x, sizeof x) == 0 && rk.f == r.f);
	}
	ck_assert_msg(f[K - W] - f[K] <= ftol * fabs(f[K]), "stopped at %zu: decrease %g", K, f[K - W] - f[K]);
	for (size_t k = W; k < K; k++)
		ck_assert_msg(f[k - W] - f[k] > ftol * fabs(f[k]), "should have stopped at %zu", k);
	/* without the test (tol 0) the same problem runs past K */
	double x0[ILL_N] = { 0 };
	lbfgs_minimize(x0, illcond, NULL, 0.0, K + 10, &w, &rk);
	ck_assert_uint_gt(rk.iters, K);
	free(f);
	lbfgs_work_free(&w);
}
END_TEST

/* --ftol auto: the relative-decrease test on alignments (q > 2), fewer evaluations than the
 * gradient test alone and the objective within a relative 1e-4 of it; binary data keep the
 * gradient test alone (auto = 0: the same model as --ftol 0); an explicit value wins. */
START_TEST(test_ftol_auto)
{
	fit_opts o;
	fit_opts_default(&o);
	ck_assert(o.ftol == FIT_FTOL_AUTO);
	ck_assert_double_eq(fit_ftol(&o, 21), FIT_FTOL_SITES);
	ck_assert_double_eq(fit_ftol(&o, 2), 0.0);
	ck_assert_double_eq(fit_ftol(NULL, 4), FIT_FTOL_SITES);
	o.ftol = 1e-3;
	ck_assert_double_eq(fit_ftol(&o, 2), 1e-3);
	const char *abc[2] = { "protein", "binary" };
	for (int k = 0; k < 2; k++) {
		msa *m = chain_msa(400, 12, abc[k], 7);
		plm_model *a = NULL, *b = NULL;
		plm_err err;
		fit_opts_default(&o);
		o.lambda_j = 1e-4; /* weak, and a strict gradient test: many iterations without ftol */
		o.tol = 1e-6;
		ck_assert_int_eq(fit_model(m, NULL, &o, &a, &err), PLM_OK);
		o.ftol = 0.0;
		ck_assert_int_eq(fit_model(m, NULL, &o, &b, &err), PLM_OK);
		unsigned long ea = 0, eb = 0;
		double fa = 0.0, fb = 0.0;
		for (size_t i = 0; i < m->L; i++) {
			ea += a->evals[i], eb += b->evals[i];
			fa += a->fx[i], fb += b->fx[i];
			ck_assert_int_eq(a->status[i], SITE_CONVERGED);
		}
		if (k == 0) {
			ck_assert_msg(ea < eb * 0.9, "evaluations %lu with ftol, %lu without", ea, eb);
			ck_assert_msg(fa >= fb - 1e-9 * fb && fa - fb <= 1e-4 * fb, "objective %.10g vs %.10g", fa, fb);
		} else {
			ck_assert_uint_eq(ea, eb);
			ck_assert(memcmp(a->J, b->J, m->L * m->L * 4 * sizeof *a->J) == 0);
		}
		model_destroy(a);
		model_destroy(b);
		msa_destroy(m);
	}
}
END_TEST

START_TEST(test_threads_identical_binary) { threads_identical("binary", 0); }
END_TEST
START_TEST(test_threads_identical_symmetric) { threads_identical("protein", 1); }
END_TEST

/* A divided fit (what each MPI rank does): fit_split tiles the sites in order with parts of
 * about equal cost (12 + observed states of the column: each part within one site's cost of
 * C/K), and every part's fit_model_rows gives exactly fit_model's rows, fields and records of
 * its sites, for q = 21 and the binary path; --symmetric refuses a part. */
static void rows_split(const char *alphabet)
{
	msa *m = chain_msa(120, 10, alphabet, 4);
	const size_t L = m->L, q = m->abc.q, row = L * q * q;
	/* a few columns with fewer states, so that costs differ */
	for (size_t s = 0; s < m->n; s++)
		m->seq[s * L + 2] = m->seq[s * L + 7] = (uint8_t)(s % 2);
	fit_opts o;
	fit_opts_default(&o);
	/* q = 2: the per-site path; the batched one (fitbin.h) sums over blocks of the sites fitted
	 * together, so a part's last bits differ from the whole fit's (cluster.c: rank 0 alone) */
	o.bin_per_site = 1;
	plm_err err;
	plm_model *whole;
	ck_assert_int_eq(fit_model(m, NULL, &o, &whole, &err), PLM_OK);
	size_t cost[10], total = 0, cmax = 0;
	for (size_t i = 0; i < L; i++) {
		int seen[64] = { 0 };
		cost[i] = 12;
		for (size_t s = 0; s < m->n; s++)
			cost[i] += !seen[m->seq[s * L + i]]++;
		total += cost[i];
		cmax = cost[i] > cmax ? cost[i] : cmax;
	}
	for (size_t K = 1; K <= 12; K++) {
		size_t bounds[13];
		fit_split(m, K, bounds);
		ck_assert_uint_eq(bounds[0], 0);
		ck_assert_uint_eq(bounds[K], L);
		for (size_t k = 0; k < K; k++) {
			ck_assert_uint_le(bounds[k], bounds[k + 1]);
			size_t c = 0;
			for (size_t i = bounds[k]; i < bounds[k + 1]; i++)
				c += cost[i];
			ck_assert(fabs((double)c - (double)total / (double)K) <= (double)cmax);
		}
		if (K != 3 && K != 12)
			continue;
		for (size_t k = 0; k < K; k++) {
			size_t lo = bounds[k], hi = bounds[k + 1];
			plm_model *part;
			ck_assert_int_eq(fit_model_rows(m, NULL, &o, lo, hi, &part, &err), PLM_OK);
			ck_assert_uint_eq(part->row0, lo);
			ck_assert_uint_eq(part->nrows, hi - lo);
			ck_assert_int_eq(memcmp(part->J, whole->J + lo * row, (hi - lo) * row * sizeof(float)), 0);
			ck_assert_int_eq(memcmp(part->h + lo * q, whole->h + lo * q, (hi - lo) * q * sizeof(float)), 0);
			ck_assert_int_eq(memcmp(part->evals + lo, whole->evals + lo, (hi - lo) * sizeof *part->evals), 0);
			ck_assert_int_eq(memcmp(part->fx + lo, whole->fx + lo, (hi - lo) * sizeof *part->fx), 0);
			model_destroy(part);
		}
	}
	plm_model *part = NULL;
	o.symmetric = 1;
	ck_assert_int_eq(fit_model_rows(m, NULL, &o, 0, 5, &part, &err), PLM_EINVAL);
	ck_assert_ptr_null(part);
	model_destroy(whole);
	msa_destroy(m);
}

START_TEST(test_rows_split) { rows_split("protein"); }
END_TEST
START_TEST(test_rows_split_binary) { rows_split("binary"); }
END_TEST

/* Sum over the sites of f_i at the model's parameters (double reference kernel, unmerged
 * rows); with G non-NULL, the gradient of that sum over the symmetric model's variables:
 * G[i q + a] for the fields, and per pair i < j the L x L x q x q array GP[((i L + j) q + a) q + b]
 * = df_i/dJ_ij(a,b) + df_j/dJ_ji(b,a). */
static double total_objective(const msa *m, const double *w, const pl_site_opts *so,
                              const plm_model *mod, double *gh, double *gp)
{
	pl_data d;
	plm_err err;
	ck_assert_int_eq(pl_data_init(&d, m->seq, w, m->n, m->L, m->abc.q, &err), PLM_OK);
	const size_t L = m->L, q = m->abc.q, Q = d.Q, nvar = pl_nvar(&d);
	double *x = calloc(nvar, sizeof *x), *g = calloc(nvar, sizeof *g);
	double *gs = calloc(L * L * q * q, sizeof *gs);
	double f = 0.0;
	for (size_t i = 0; i < L; i++) {
		site_x(mod, &d, i, x);
		f += pl_site_eval_ref(&d, i, so, x, g);
		for (size_t a = 0; gh && a < q; a++)
			gh[i * q + a] = g[a];
		for (size_t j = 0; j < L; j++)
			for (size_t a = 0; a < q; a++)
				for (size_t b = 0; b < q; b++)
					gs[((i * L + j) * q + a) * q + b] = j == i ? 0.0 : g[Q + (j * q + b) * Q + a];
	}
	for (size_t i = 0; gp && i < L; i++)
		for (size_t j = i + 1; j < L; j++)
			for (size_t a = 0; a < q; a++)
				for (size_t b = 0; b < q; b++)
					gp[((i * L + j) * q + a) * q + b] =
					        gs[((i * L + j) * q + a) * q + b] + gs[((j * L + i) * q + b) * q + a];
	pl_data_free(&d);
	free(x), free(g), free(gs);
	return f;
}

/* --symmetric: J_ji = J_ij^T exactly; the joint gradient, recomputed from scratch, is below
 * the tolerance; the joint fit lowers the objective of the averaged asymmetric solution; the
 * per-site records add up (objectives, gradient shares). */
START_TEST(test_symmetric)
{
	msa *m = chain_msa(150, 7, "protein", 1);
	const size_t L = 7, q = 21;
	fit_opts o;
	fit_opts_default(&o);
	o.tol = 1e-5;
	plm_model *as = NULL, *sy = NULL;
	plm_err err;
	ck_assert_int_eq(fit_model(m, NULL, &o, &as, &err), PLM_OK);
	o.symmetric = 1;
	ck_assert_int_eq(fit_model(m, NULL, &o, &sy, &err), PLM_OK);
	ck_assert_str_eq(as->rule, "plm");
	ck_assert_str_eq(sy->rule, "plm-sym");
	ck_assert(sy->lambda_j == as->lambda_j);
	for (size_t i = 0; i < L; i++)
		for (size_t j = 0; j < L; j++)
			for (size_t a = 0; a < q; a++)
				for (size_t b = 0; b < q; b++)
					ck_assert(model_J(sy, i, j)[a * q + b] == model_J(sy, j, i)[b * q + a]);
	pl_site_opts so = { sy->lambda_h, sy->lambda_j, 0 };
	double *gh = calloc(L * q, sizeof *gh), *gp = calloc(L * L * q * q, sizeof *gp);
	double fs = total_objective(m, NULL, &so, sy, gh, gp);
	double g2 = 0.0;
	for (size_t k = 0; k < L * q; k++)
		g2 += gh[k] * gh[k];
	for (size_t k = 0; k < L * L * q * q; k++)
		g2 += gp[k] * gp[k];
	ck_assert_msg(sqrt(g2) <= 3.0 * o.tol * sqrt((double)L), "joint |g| = %g", sqrt(g2));
	double rec = 0.0, share2 = 0.0;
	for (size_t i = 0; i < L; i++) {
		ck_assert_int_eq(sy->status[i], SITE_CONVERGED);
		ck_assert_uint_eq(sy->iters[i], sy->iters[0]);
		rec += sy->fx[i];
		share2 += sy->gnorm[i] * sy->gnorm[i];
	}
	ck_assert_msg(fabs(rec - fs) <= 1e-6 * fabs(fs), "recorded %g vs %g", rec, fs);
	ck_assert_msg(sqrt(share2) <= o.tol * sqrt((double)L), "recorded |g| = %g", sqrt(share2));
	/* the averaged asymmetric solution, as a symmetric model, has a higher objective */
	for (size_t i = 0; i < L; i++)
		for (size_t j = i + 1; j < L; j++)
			for (size_t a = 0; a < q; a++)
				for (size_t b = 0; b < q; b++) {
					float v = 0.5f * (model_J(as, i, j)[a * q + b] + model_J(as, j, i)[b * q + a]);
					model_J(as, i, j)[a * q + b] = v;
					model_J(as, j, i)[b * q + a] = v;
				}
	double fa = total_objective(m, NULL, &so, as, NULL, NULL);
	ck_assert_msg(fs < fa, "joint fit %.10g not below the averaged start %.10g", fs, fa);
	free(gh), free(gp);
	model_destroy(as);
	model_destroy(sy);
	msa_destroy(m);
}
END_TEST

START_TEST(test_memory_refused)
{
	msa *m = chain_msa(1, 300000, "protein", 5);
	fit_opts o;
	fit_opts_default(&o);
	plm_model *mod = NULL;
	plm_err err;
	ck_assert_int_eq(fit_model(m, NULL, &o, &mod, &err), PLM_ERANGE);
	ck_assert_ptr_null(mod);
	ck_assert_ptr_nonnull(strstr(err.msg, "GiB"));
	/* the estimate grows like L^2 q^2 */
	size_t a = fit_memory_bytes(1000, 100, 21, 1, &o), b = fit_memory_bytes(1000, 200, 21, 1, &o);
	ck_assert_uint_gt(b, 3 * a);
	ck_assert_uint_gt(a, (size_t)100 * 100 * 441 * 4);
	msa_destroy(m);
}
END_TEST

/* potts3.a2m: sampled from a chain with neighbour couplings only; the strongest pairs by
 * Frobenius norm (J_ij and J_ji together) must be the neighbours. */
START_TEST(test_planted_chain)
{
	char buf[4096];
	const char *path = shared_path("msa/potts3.a2m", buf, sizeof buf);
	if (path == NULL)
		return;
	msa_opts mo;
	msa_opts_default(&mo);
	mo.alphabet = "_^*";
	msa *m = NULL;
	plm_err err;
	ck_assert_int_eq(msa_read(path, &mo, &m, &err), PLM_OK);
	ck_assert_uint_eq(m->L, 60);
	fit_opts o;
	fit_opts_default(&o);
	plm_model *mod = NULL;
	ck_assert_int_eq(fit_model(m, NULL, &o, &mod, &err), PLM_OK);
	const size_t L = mod->L, q = mod->q;
	double near_min = INFINITY, far_max = 0.0;
	for (size_t i = 0; i < L; i++)
		for (size_t j = i + 1; j < L; j++) {
			double s = 0.0;
			for (size_t a = 0; a < q; a++)
				for (size_t b = 0; b < q; b++) {
					double u = mod->J[((i * L + j) * q + a) * q + b];
					double v = mod->J[((j * L + i) * q + b) * q + a];
					s += u * u + v * v;
				}
			s = sqrt(s);
			if (j == i + 1)
				near_min = fmin(near_min, s);
			else
				far_max = fmax(far_max, s);
		}
	ck_assert_msg(near_min > far_max, "weakest neighbour pair %g <= strongest distant pair %g", near_min,
	              far_max);
	model_destroy(mod);
	msa_destroy(m);
}
END_TEST

/* The outside world: kunitz_small fitted with plmc's settings against plmc's own parameters
 * (ref/kunitz_small_plmc.params: plmc -le 16 -lh 0.01 -m 200, 80% identity weights, no
 * focus).  plmc's penalties are on the summed likelihood, so ours are divided by M_eff
 * (man plmem-fit): lambda_h = 0.01 / M_eff, lambda_j = 8 / M_eff per direction with
 * --symmetric (16 on each symmetric block), at most 200 iterations.  Both models are moved to
 * the zero-sum gauge, where the parameters are unique.  Measured: couplings rms difference
 * 0.0022 of plmc's rms, largest 0.0016 (plmc's rms 0.014); fields 0.011, largest 0.14 (h of
 * a state absent from its column is held only by the weak field prior and drifts for many
 * iterations: plmc stopped at 200, unconverged).  Bounds, about 4x the measured: J 0.01 of
 * plmc's rms and 0.006 at most; h 0.04 of plmc's rms.  They have power: lambda_j 5% off
 * gives J 0.032; the asymmetric fit 0.11; theta 0.3 0.050. */
START_TEST(test_plmc_kunitz_small)
{
	char ma[4096], pp[4096];
	if (shared_path("msa/kunitz_small.fasta.gz", ma, sizeof ma) == NULL ||
	    shared_path("ref/kunitz_small_plmc.params", pp, sizeof pp) == NULL)
		return;
	msa_opts mo;
	msa_opts_default(&mo);
	msa *m = NULL;
	plm_err err;
	ck_assert_int_eq(msa_read(ma, &mo, &m, &err), PLM_OK);
	ck_assert_uint_eq(m->n, 106);
	double *w = calloc(m->n, sizeof *w);
	ck_assert_int_eq(weights_compute(m, 0.2, w, &err), PLM_OK);
	double meff = weights_meff(w, m->n);
	ck_assert_double_eq_tol(meff, 96.0, 1e-9);
	fit_opts o;
	fit_opts_default(&o);
	o.lambda_h = 0.01 / meff;
	o.lambda_j = 8.0 / meff;
	o.max_iter = 200;
	o.symmetric = 1;
	plm_model *ours = NULL, *plmc = NULL;
	ck_assert_int_eq(fit_model(m, w, &o, &ours, &err), PLM_OK);
	ck_assert_int_eq(import_read(pp, IMPORT_PLMC, NULL, &plmc, &err), PLM_OK);
	ck_assert_uint_eq(plmc->L, ours->L);
	ck_assert_uint_eq(plmc->q, ours->q);
	ck_assert_str_eq(plmc->abc.letters, ours->abc.letters);
	model_gauge_zero_sum(ours);
	model_gauge_zero_sum(plmc);
	const size_t L = ours->L, q = ours->q;
	double hd = 0, hr = 0, jd = 0, jr = 0, jmax = 0;
	for (size_t k = 0; k < L * q; k++) {
		double d = (double)ours->h[k] - plmc->h[k];
		hd += d * d;
		hr += (double)plmc->h[k] * plmc->h[k];
	}
	for (size_t i = 0; i < L; i++)
		for (size_t j = 0; j < L; j++)
			for (size_t ab = 0; i != j && ab < q * q; ab++) {
				double u = model_J(ours, i, j)[ab], v = model_J(plmc, i, j)[ab];
				jd += (u - v) * (u - v);
				jr += v * v;
				jmax = fmax(jmax, fabs(u - v));
			}
	double hrel = sqrt(hd / hr), jrel = sqrt(jd / jr);
	fprintf(stderr, "plmc kunitz_small (zero-sum gauge): J rms difference %.4f of plmc's (largest %.5f), "
	        "h %.4f\n", jrel, jmax, hrel);
	ck_assert_msg(jrel < 0.01, "couplings: rms difference %.4f of plmc's rms", jrel);
	ck_assert_msg(jmax < 0.006, "couplings: largest difference %.5f", jmax);
	ck_assert_msg(hrel < 0.04, "fields: rms difference %.4f of plmc's rms", hrel);
	model_destroy(ours);
	model_destroy(plmc);
	free(w);
	msa_destroy(m);
}
END_TEST

/* The packed L-BFGS (active rows only) against the whole padded vector: a short alignment over
 * 21 states where most states never occur in most columns (column 2 only 3 states, column 5
 * one); same objective (1e-6 relative) and parameters (1e-4) at a tight tolerance, and every
 * row J_ij(., b) with b absent from column j exactly 0. */
START_TEST(test_packed_same)
{
	msa *m = chain_msa(40, 8, "protein", 11);
	const size_t n = m->n, L = m->L, q = m->abc.q;
	for (size_t s = 0; s < n; s++) {
		m->seq[s * L + 2] = (uint8_t)(1 + s % 3);
		m->seq[s * L + 5] = 4;
	}
	fit_opts o;
	fit_opts_default(&o);
	o.tol = 1e-7;
	o.max_iter = 5000;
	plm_model *a = NULL, *b = NULL;
	plm_err err;
	ck_assert_int_eq(fit_model(m, NULL, &o, &a, &err), PLM_OK);
	o.unpacked = 1;
	ck_assert_int_eq(fit_model(m, NULL, &o, &b, &err), PLM_OK);
	size_t absent = 0;
	for (size_t i = 0; i < L; i++) {
		ck_assert_int_eq(a->status[i], SITE_CONVERGED);
		ck_assert_int_eq(b->status[i], SITE_CONVERGED);
		ck_assert_msg(fabs(a->fx[i] - b->fx[i]) <= 1e-6 * fabs(b->fx[i]), "site %zu: f %.12g vs %.12g", i,
		              a->fx[i], b->fx[i]);
		for (size_t k = 0; k < q; k++)
			ck_assert_double_eq_tol(a->h[i * q + k], b->h[i * q + k], 1e-4);
		for (size_t j = 0; j < L; j++) {
			int seen[64] = { 0 };
			for (size_t s = 0; s < n; s++)
				seen[m->seq[s * L + j]] = 1;
			for (size_t x = 0; x < q; x++)
				for (size_t y = 0; y < q; y++) {
					size_t k = ((i * L + j) * q + x) * q + y;
					ck_assert_double_eq_tol(a->J[k], b->J[k], 1e-4);
					if (!seen[y] || j == i) {
						ck_assert(a->J[k] == 0.f);
						absent++;
					}
				}
		}
	}
	ck_assert_uint_gt(absent, L * L * q * q / 3);
	model_destroy(a);
	model_destroy(b);
	msa_destroy(m);
}
END_TEST

/* q = 2: the batched fit (all sites in lockstep, sgemm) and the per-site fit (sgemv) solve
 * the same problems: at a tight tolerance both land on the same parameters, to the float
 * rounding of their sums; the batched one is a true optimum (check_optimum's independent
 * double gradient); also with no fields, and for a single position. */
static void batched_vs_per_site(size_t n, size_t L, int no_fields, uint64_t seed)
{
	msa *m = chain_msa(n, L, "binary", seed);
	fit_opts o;
	fit_opts_default(&o);
	o.tol = 1e-6;
	o.no_fields = no_fields;
	plm_model *a = NULL, *b = NULL;
	plm_err err;
	ck_assert_int_eq(fit_model(m, NULL, &o, &a, &err), PLM_OK);
	o.bin_per_site = 1;
	ck_assert_int_eq(fit_model(m, NULL, &o, &b, &err), PLM_OK);
	double dmax = 0.0, jmax = 0.0;
	for (size_t k = 0; k < L * L * 4; k++) {
		dmax = fmax(dmax, fabs((double)a->J[k] - b->J[k]));
		jmax = fmax(jmax, fabs((double)b->J[k]));
	}
	for (size_t k = 0; k < L * 2; k++)
		dmax = fmax(dmax, fabs((double)a->h[k] - b->h[k]));
	ck_assert_msg(dmax <= 1e-4, "batched vs per-site: max |difference| %g (max |J| %g)", dmax, jmax);
	ck_assert(L == 1 || jmax > 0.05); /* the couplings are not trivial */
	for (size_t i = 0; i < L; i++)
		ck_assert_msg(fabs(a->fx[i] - b->fx[i]) <= 1e-7 * fabs(b->fx[i]), "site %zu: f %.10g vs %.10g", i,
		              a->fx[i], b->fx[i]);
	o.bin_per_site = 0;
	check_optimum(m, NULL, &o, a);
	model_destroy(a);
	model_destroy(b);
	msa_destroy(m);
}

START_TEST(test_batched_same)
{
	batched_vs_per_site(400, 20, 0, 11);
	batched_vs_per_site(300, 9, 1, 12);
	batched_vs_per_site(50, 1, 0, 13);
}
END_TEST

/* The batched fit with several chunks of patterns (n > FITBIN_CHUNK) and several blocks of
 * sites (L >= 64): 1, 2 and 3 threads give the same bits. */
START_TEST(test_batched_threads)
{
	const size_t n = 2 * FITBIN_CHUNK + 300, L = 70;
	msa *m = chain_msa(n, L, "binary", 21);
	fit_opts o;
	fit_opts_default(&o);
	plm_model *mod[3] = { NULL, NULL, NULL };
	plm_err err;
	for (int t = 0; t < 3; t++) {
		plm_set_threads(t + 1);
		ck_assert_int_eq(fit_model(m, NULL, &o, &mod[t], &err), PLM_OK);
	}
	plm_set_threads(0);
	ck_assert_uint_gt(mod[0]->nunique, 2 * FITBIN_CHUNK);
	for (int t = 1; t < 3; t++) {
		ck_assert(memcmp(mod[0]->J, mod[t]->J, L * L * 4 * sizeof(float)) == 0);
		ck_assert(memcmp(mod[0]->h, mod[t]->h, L * 2 * sizeof(float)) == 0);
		ck_assert(memcmp(mod[0]->evals, mod[t]->evals, L * sizeof *mod[0]->evals) == 0);
		ck_assert(memcmp(mod[0]->fx, mod[t]->fx, L * sizeof *mod[0]->fx) == 0);
	}
	for (int t = 0; t < 3; t++)
		model_destroy(mod[t]);
	msa_destroy(m);
}
END_TEST

/* A window of 5 sites at a time (each finished site's run taken by the next one) gives the
 * same problems' solutions as all sites at once, every site reported once. */
static size_t window_calls;
static void window_progress(void *ctx, size_t done, size_t total)
{
	(void)ctx;
	ck_assert_uint_eq(done, ++window_calls);
	ck_assert_uint_eq(total, 23);
}

START_TEST(test_batched_window)
{
	msa *m = chain_msa(500, 23, "binary", 31);
	pl_data d;
	pl_bin b;
	plm_err err;
	ck_assert_int_eq(pl_data_init(&d, m->seq, NULL, m->n, m->L, 2, &err), PLM_OK);
	ck_assert_int_eq(pl_bin_view(&b, &d, &err), PLM_OK);
	float *h[2], *J[2];
	lbfgs_result r[2][23];
	for (int k = 0; k < 2; k++) {
		fitbin_opts o = { { 0.01, 0.01, 0 }, 1e-6, 500, 8, k == 0 ? 0 : 5, window_progress, NULL, 0, 0 };
		h[k] = calloc(23 * 2, sizeof(float));
		J[k] = calloc(23 * 23 * 4, sizeof(float));
		window_calls = 0;
		ck_assert_int_eq(fitbin_run(&b, &o, h[k], J[k], r[k], &err), PLM_OK);
		ck_assert_uint_eq(window_calls, 23);
	}
	for (size_t i = 0; i < 23; i++) {
		ck_assert_int_eq(r[0][i].status, LBFGS_CONVERGED);
		ck_assert_int_eq(r[1][i].status, LBFGS_CONVERGED);
		ck_assert_double_eq_tol(r[0][i].f, r[1][i].f, 1e-7 * r[0][i].f);
	}
	for (size_t k = 0; k < 23 * 23 * 4; k++)
		ck_assert_float_eq_tol(J[0][k], J[1][k], 1e-4);
	for (int k = 0; k < 2; k++)
		free(h[k]), free(J[k]);
	pl_data_free(&d);
	msa_destroy(m);
}
END_TEST

/* --lambda-j auto: a fixed prior 8 / M_eff (no floor) for alphabets with a gap state, 0.01
 * for gap-less ones */
START_TEST(test_lambda_j_auto)
{
	plm_alphabet a;
	plm_err err;
	ck_assert_int_eq(alphabet_init(&a, "protein", &err), PLM_OK);
	ck_assert_double_eq_tol(fit_lambda_j_auto(&a, 100.0), 0.08, 1e-15);
	ck_assert_double_eq_tol(fit_lambda_j_auto(&a, 1600.0), 0.005, 1e-15);
	ck_assert_double_eq_tol(fit_lambda_j_auto(&a, 50000.0), 1.6e-4, 1e-15);
	ck_assert_int_eq(alphabet_init(&a, "rna", &err), PLM_OK);
	ck_assert_double_eq_tol(fit_lambda_j_auto(&a, 400.0), 0.02, 1e-15);
	ck_assert_int_eq(alphabet_init(&a, "AB-", &err), PLM_OK); /* custom, with a gap */
	ck_assert_double_eq_tol(fit_lambda_j_auto(&a, 80.0), 0.1, 1e-15);
	ck_assert_int_eq(alphabet_init(&a, "binary", &err), PLM_OK);
	ck_assert_double_eq(fit_lambda_j_auto(&a, 40.0), 0.01);
	ck_assert_int_eq(alphabet_init(&a, "_^*", &err), PLM_OK);
	ck_assert_double_eq(fit_lambda_j_auto(&a, 40.0), 0.01);
	/* a binary fit with the defaults records 0.01, whatever its M_eff */
	msa *m = chain_msa(30, 5, "binary", 8);
	fit_opts o;
	fit_opts_default(&o);
	plm_model *mod = NULL;
	ck_assert_int_eq(fit_model(m, NULL, &o, &mod, &err), PLM_OK);
	ck_assert_double_eq(mod->lambda_j, 0.01);
	model_destroy(mod);
	/* a number given replaces the rule */
	o.lambda_j = 0.25;
	ck_assert_int_eq(fit_model(m, NULL, &o, &mod, &err), PLM_OK);
	ck_assert_double_eq(mod->lambda_j, 0.25);
	model_destroy(mod);
	msa_destroy(m);
}
END_TEST

START_TEST(test_errors)
{
	fit_opts o;
	fit_opts_default(&o);
	plm_model *mod = (plm_model *)1;
	plm_err err;
	msa *m = chain_msa(10, 4, "ACGT", 6);
	o.lambda_j = -2; /* negative, and not FIT_LAMBDA_J_AUTO */
	ck_assert_int_eq(fit_model(m, NULL, &o, &mod, &err), PLM_EINVAL);
	ck_assert_ptr_null(mod);
	fit_opts_default(&o);
	double w[10] = { 0 };
	ck_assert_int_eq(fit_model(m, w, &o, &mod, &err), PLM_EINVAL);
	m->n = 0;
	ck_assert_int_eq(fit_model(m, NULL, &o, &mod, &err), PLM_EINVAL);
	msa_destroy(m);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fit");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_converged_q21);
	tcase_add_test(tc, test_converged_q2_nofields);
	tcase_add_test(tc, test_converged_q2_fields);
	tcase_add_test(tc, test_duplicates);
	tcase_add_test(tc, test_threads_identical);
	tcase_add_test(tc, test_lbfgs_m_rule);
	tcase_add_test(tc, test_lbfgs_ftol);
	tcase_add_test(tc, test_ftol_auto);
	tcase_add_test(tc, test_threads_identical_binary);
	tcase_add_test(tc, test_threads_identical_symmetric);
	tcase_add_test(tc, test_rows_split);
	tcase_add_test(tc, test_rows_split_binary);
	tcase_add_test(tc, test_symmetric);
	tcase_add_test(tc, test_memory_refused);
	tcase_add_test(tc, test_planted_chain);
	tcase_add_test(tc, test_plmc_kunitz_small);
	tcase_add_test(tc, test_packed_same);
	tcase_add_test(tc, test_batched_same);
	tcase_add_test(tc, test_batched_threads);
	tcase_add_test(tc, test_batched_window);
	tcase_add_test(tc, test_lambda_j_auto);
	tcase_add_test(tc, test_errors);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
