/* check_plm: the per-site objective and gradient (fast float kernel and plain double
 * reference) against central finite differences, for q = 21 and q = 2, with and without
 * fields; and the L-BFGS minimiser on functions with known minima. */
#include "check_common.h"

#include <math.h>

#include "lbfgs.h"
#include "pl.h"
#include "rng.h"

/* Random alignment n x L over q states (seed printed in the failure message via values). */
static void random_data(pl_data *d, size_t n, size_t L, size_t q, uint64_t seed, int weighted)
{
	plm_rng r;
	rng_seed(&r, seed, 0);
	uint8_t *seq = malloc(n * L);
	double *w = malloc(n * sizeof *w);
	for (size_t s = 0; s < n; s++) {
		for (size_t j = 0; j < L; j++)
			seq[s * L + j] = (uint8_t)rng_below(&r, q);
		w[s] = weighted ? 0.2 + rng_uniform(&r) : 1.0;
	}
	plm_err err;
	ck_assert_int_eq(pl_data_init(d, seq, w, n, L, q, &err), PLM_OK);
	free(seq);
	free(w);
}

/* Random parameters of scale SC in the padded layout, unused entries 0. */
static void random_x(const pl_data *d, size_t i, double *x, double sc, int no_fields, uint64_t seed)
{
	plm_rng r;
	rng_seed(&r, seed, 1);
	size_t nvar = pl_nvar(d);
	memset(x, 0, nvar * sizeof *x);
	for (size_t a = 0; a < d->q; a++)
		x[a] = no_fields ? 0.0 : sc * rng_normal(&r);
	for (size_t j = 0; j < d->L; j++)
		if (j != i)
			for (size_t b = 0; b < d->q; b++)
				for (size_t a = 0; a < d->q; a++)
					x[d->Q + (j * d->q + b) * d->Q + a] = sc * rng_normal(&r);
}

static void check_gradient(size_t q, int no_fields, uint64_t seed)
{
	const size_t n = 300, L = 5;
	pl_data d;
	random_data(&d, n, L, q, seed, 1);
	size_t nvar = pl_nvar(&d);
	double *x = calloc(nvar, sizeof *x), *g = calloc(nvar, sizeof *g), *gr = calloc(nvar, sizeof *gr);
	double *gtmp = calloc(nvar, sizeof *gtmp);
	pl_work ws;
	plm_err err;
	ck_assert_int_eq(pl_work_init(&ws, &d, &err), PLM_OK);
	pl_site_opts o = { 0.03, 0.02, no_fields };
	for (size_t i = 0; i < L; i += 2) {
		random_x(&d, i, x, 0.3, no_fields, seed + i);
		double f = pl_site_eval(&d, i, &o, x, g, &ws);
		double fr = pl_site_eval_ref(&d, i, &o, x, gr);
		/* kernel (float) vs reference (double) */
		ck_assert_msg(fabs(f - fr) <= 1e-5 * fabs(fr), "q=%zu site %zu: f %.9g vs ref %.9g", q, i, f, fr);
		double gmax = 0.0;
		for (size_t k = 0; k < nvar; k++)
			gmax = fmax(gmax, fabs(gr[k]));
		for (size_t k = 0; k < nvar; k++)
			ck_assert_msg(fabs(g[k] - gr[k]) <= 1e-5 * gmax + 1e-7,
			              "q=%zu site %zu var %zu: g %.9g vs ref %.9g", q, i, k, g[k], gr[k]);
		/* reference vs central finite differences, on every used variable (sampled) */
		size_t checked = 0;
		for (size_t k = 0; k < nvar; k += (q > 4 ? 7 : 1)) {
			double x0 = x[k], hstep = 1e-5;
			x[k] = x0 + hstep;
			double fp = pl_site_eval_ref(&d, i, &o, x, gtmp);
			x[k] = x0 - hstep;
			double fm = pl_site_eval_ref(&d, i, &o, x, gtmp);
			x[k] = x0;
			double fd = (fp - fm) / (2 * hstep);
			int unused = k % d.Q >= q || (k >= d.Q && (k - d.Q) / (q * d.Q) == i) ||
			             (k < d.Q && no_fields);
			if (unused)
				ck_assert_msg(gr[k] == 0.0 && g[k] == 0.0, "unused variable %zu has a gradient", k);
			else {
				ck_assert_msg(fabs(fd - gr[k]) <= 1e-6 * (1.0 + fabs(fd)),
				              "q=%zu site %zu var %zu: fd %.9g vs grad %.9g", q, i, k, fd, gr[k]);
				checked++;
			}
		}
		ck_assert_uint_gt(checked, 10);
	}
	pl_work_free(&ws);
	pl_data_free(&d);
	free(x), free(g), free(gr), free(gtmp);
}

START_TEST(test_grad_q21) { check_gradient(21, 0, 11); }
END_TEST
START_TEST(test_grad_q21_nofields) { check_gradient(21, 1, 12); }
END_TEST
START_TEST(test_grad_q2) { check_gradient(2, 0, 13); }
END_TEST
START_TEST(test_grad_q2_nofields) { check_gradient(2, 1, 14); }
END_TEST
START_TEST(test_grad_q9) { check_gradient(9, 0, 15); } /* two vectors of 8, padded */
END_TEST

/* The kernel's large-alignment path: more than PL_BLOCK * PL_FLUSH = 4,096 sequences, so that
 * the float partial sums are flushed into the double gradient several times (the first flush
 * writes, the later ones add).  N distinct sequences (distinct indices s * stride mod q^L, the
 * stride coprime to q^L), random weights, random parameters, a non-zero penalty: one
 * evaluation of the kernel against the double reference, objective and every gradient entry
 * (no finite differences: the reference itself is checked against them above). */
static void check_large(size_t n, size_t L, size_t q, uint64_t seed)
{
	size_t total = 1;
	for (size_t j = 0; j < L; j++)
		total *= q;
	ck_assert_uint_ge(total, n);
	const size_t stride = 7919; /* a prime, so coprime to q^L for any q < 7919 */
	plm_rng r;
	rng_seed(&r, seed, 0);
	uint8_t *seq = malloc(n * L), *seen = calloc(total, 1);
	double *w = malloc(n * sizeof *w);
	for (size_t s = 0; s < n; s++) {
		size_t k = (size_t)(((unsigned long long)s * stride + 17) % total), back = 0;
		for (size_t j = 0; j < L; j++, k /= q)
			seq[s * L + j] = (uint8_t)(k % q);
		for (size_t j = L; j-- > 0;)
			back = back * q + seq[s * L + j];
		ck_assert_msg(!seen[back], "row %zu repeats an earlier row", s);
		seen[back] = 1;
		w[s] = 0.2 + rng_uniform(&r);
	}
	free(seen);
	pl_data d;
	plm_err err;
	ck_assert_int_eq(pl_data_init(&d, seq, w, n, L, q, &err), PLM_OK);
	ck_assert_uint_gt(d.nblk, 2 * 16); /* three flushes at least */
	size_t nvar = pl_nvar(&d);
	double *x = calloc(nvar, sizeof *x), *g = calloc(nvar, sizeof *g), *gr = calloc(nvar, sizeof *gr);
	pl_work ws;
	ck_assert_int_eq(pl_work_init(&ws, &d, &err), PLM_OK);
	pl_site_opts o = { 0.01, 0.005, 0 };
	for (size_t i = 0; i < L; i += L - 1) {
		random_x(&d, i, x, 0.2, 0, seed + i);
		double f = pl_site_eval(&d, i, &o, x, g, &ws);
		double fr = pl_site_eval_ref(&d, i, &o, x, gr);
		ck_assert_msg(fabs(f - fr) <= 1e-5 * fabs(fr), "n=%zu q=%zu site %zu: f %.9g vs ref %.9g", n, q,
		              i, f, fr);
		double gmax = 0.0;
		for (size_t k = 0; k < nvar; k++)
			gmax = fmax(gmax, fabs(gr[k]));
		ck_assert(gmax > 0.0);
		for (size_t k = 0; k < nvar; k++)
			ck_assert_msg(fabs(g[k] - gr[k]) <= 1e-4 * gmax, "n=%zu q=%zu site %zu var %zu: g %.9g vs ref %.9g",
			              n, q, i, k, g[k], gr[k]);
	}
	pl_work_free(&ws);
	pl_data_free(&d);
	free(seq), free(w), free(x), free(g), free(gr);
}

START_TEST(test_large_q21) { check_large(9000, 5, 21, 31); }
END_TEST
START_TEST(test_large_q3) { check_large(9000, 10, 3, 32); }
END_TEST
START_TEST(test_large_q2) { check_large(9000, 14, 2, 33); }
END_TEST

/* At x = 0 with no regularisation each site's objective is log q (uniform predictions),
 * and the field gradient is 1/q - f_i(a) (hand count). */
/* The tree path (seqtree.h) against the mode path and the double reference: an alignment
 * evolved down a tree (each sequence copies an earlier one, half the time the one just
 * before, so paths run deeper than PL_TREE_MAXDEPTH, and redraws one to three sites), more
 * than PL_BLOCK * PL_FLUSH sequences (several flushes), random weights and parameters. */
static uint8_t *evolved(size_t n, size_t L, size_t q, uint64_t seed, double **w)
{
	plm_rng r;
	rng_seed(&r, seed, 0);
	uint8_t *seq = malloc(n * L);
	*w = malloc(n * sizeof **w);
	for (size_t s = 0; s < n; s++) {
		size_t from = s == 0 ? 0 : rng_uniform(&r) < 0.5 ? s - 1 : rng_below(&r, s);
		for (size_t j = 0; j < L; j++)
			seq[s * L + j] = s == 0 ? (uint8_t)rng_below(&r, q) : seq[from * L + j];
		for (size_t m = 1 + rng_below(&r, 3); m > 0; m--)
			seq[s * L + rng_below(&r, L)] = (uint8_t)rng_below(&r, q);
		(*w)[s] = 0.2 + rng_uniform(&r);
	}
	return seq;
}

static void check_tree(size_t n, size_t L, size_t q, int no_fields, uint64_t seed)
{
	double *w;
	uint8_t *seq = evolved(n, L, q, seed, &w);
	pl_data d;
	plm_err err;
	ck_assert_int_eq(pl_data_init(&d, seq, w, n, L, q, &err), PLM_OK);
	ck_assert_int_eq(pl_data_set_path(&d, PL_PATH_TREE, &err), PLM_OK);
	ck_assert_uint_lt(d.ntree, d.nnz);
	size_t nvar = pl_nvar(&d);
	double *x = calloc(nvar, sizeof *x), *gt = calloc(nvar, sizeof *gt), *gm = calloc(nvar, sizeof *gm);
	double *gr = calloc(nvar, sizeof *gr);
	pl_site_opts o = { 0.01, 0.003, no_fields };
	for (size_t i = 0; i < L; i += 5) {
		random_x(&d, i, x, 0.3, no_fields, seed + i);
		pl_work ws;
		ck_assert_int_eq(pl_data_set_path(&d, PL_PATH_TREE, &err), PLM_OK);
		if (q < 8)
			ck_assert_uint_gt(d.npair, 0); /* difference rows in use (q = 5) */
		ck_assert_int_eq(pl_work_init(&ws, &d, &err), PLM_OK);
		double ft = pl_site_eval(&d, i, &o, x, gt, &ws);
		pl_work_free(&ws);
		ck_assert_int_eq(pl_data_set_path(&d, PL_PATH_MODE, &err), PLM_OK);
		ck_assert_int_eq(d.tree, 0);
		ck_assert_int_eq(pl_work_init(&ws, &d, &err), PLM_OK);
		double fm = pl_site_eval(&d, i, &o, x, gm, &ws);
		pl_work_free(&ws);
		double fr = pl_site_eval_ref(&d, i, &o, x, gr);
		ck_assert_msg(fabs(ft - fr) <= 1e-5 * fabs(fr), "site %zu: tree f %.9g vs ref %.9g", i, ft, fr);
		ck_assert_msg(fabs(ft - fm) <= 1e-5 * fabs(fm), "site %zu: tree f %.9g vs mode %.9g", i, ft, fm);
		double gmax = 0.0;
		for (size_t k = 0; k < nvar; k++)
			gmax = fmax(gmax, fabs(gr[k]));
		for (size_t k = 0; k < nvar; k++) {
			ck_assert_msg(fabs(gt[k] - gr[k]) <= 1e-5 * gmax + 1e-7,
			              "site %zu var %zu: tree g %.9g vs ref %.9g", i, k, gt[k], gr[k]);
			ck_assert_msg(fabs(gt[k] - gm[k]) <= 1e-5 * gmax + 1e-7,
			              "site %zu var %zu: tree g %.9g vs mode %.9g", i, k, gt[k], gm[k]);
		}
	}
	pl_data_free(&d);
	free(seq), free(w), free(x), free(gt), free(gm), free(gr);
}

/* The automatic rule: the tree for a long, shallow family; the mode path for independent
 * random rows (no tree saves rows there) and for q = 2. */
START_TEST(test_tree_auto)
{
	double *w;
	uint8_t *seq = evolved(400, 80, 21, 44, &w);
	pl_data d;
	plm_err err;
	ck_assert_int_eq(pl_data_init(&d, seq, w, 400, 80, 21, &err), PLM_OK);
	ck_assert_int_eq(d.tree, 1);
	ck_assert_ptr_null(d.soff);
	pl_data_free(&d);
	free(seq), free(w);
	random_data(&d, 400, 80, 21, 45, 1);
	ck_assert_int_eq(d.tree, 0);
	ck_assert_ptr_nonnull(d.soff);
	pl_data_free(&d);
	seq = evolved(400, 80, 2, 46, &w);
	ck_assert_int_eq(pl_data_init(&d, seq, w, 400, 80, 2, &err), PLM_OK);
	ck_assert_int_eq(d.tree, 0);
	pl_data_free(&d);
	free(seq), free(w);
}
END_TEST

START_TEST(test_tree_q21) { check_tree(5000, 12, 21, 0, 41); }
END_TEST
START_TEST(test_tree_q21_nofields) { check_tree(4500, 11, 21, 1, 42); }
END_TEST
START_TEST(test_tree_q5) { check_tree(4200, 16, 5, 0, 43); }
END_TEST

START_TEST(test_zero_point)
{
	const size_t L = 3, q = 4, n = 5;
	uint8_t seq[5 * 3] = { 0, 1, 2, 1, 1, 3, 2, 1, 0, 1, 0, 0, 3, 3, 3 };
	pl_data d;
	plm_err err;
	ck_assert_int_eq(pl_data_init(&d, seq, NULL, n, L, q, &err), PLM_OK);
	size_t nvar = pl_nvar(&d);
	double *x = calloc(nvar, sizeof *x), *g = calloc(nvar, sizeof *g);
	pl_work ws;
	ck_assert_int_eq(pl_work_init(&ws, &d, &err), PLM_OK);
	pl_site_opts o = { 0, 0, 0 };
	double f = pl_site_eval(&d, 0, &o, x, g, &ws);
	ck_assert_double_eq_tol(f, log(4.0), 1e-6);
	/* site 0 states: 0,1,2,1,3 -> counts 1,2,1,1 */
	ck_assert_double_eq_tol(g[0], 0.25 - 0.2, 1e-7);
	ck_assert_double_eq_tol(g[1], 0.25 - 0.4, 1e-7);
	/* J_01(a, b=1): sequences with a_1 = 1: rows 0,1,2 (a_0 = 0,1,2) -> (1/5)(3/4 ... ) */
	double *J01 = x + d.Q + (1 * q + 1) * d.Q;
	(void)J01;
	double g01_a0 = g[d.Q + (1 * q + 1) * d.Q + 0];
	ck_assert_double_eq_tol(g01_a0, (3 * 0.25 - 1.0) / 5.0, 1e-7);
	pl_work_free(&ws);
	pl_data_free(&d);
	free(x), free(g);
}
END_TEST

/* The objective by hand with weights and a penalty, away from x = 0: L = 2, q = 2, sequences
 * (0, 1) and (1, 0) with weights 1 and 3 (normalised: 1/4, 3/4), site 0, h_0 = (0.5, -0.5),
 * J_01(a, b) = (0.2, -0.1; 0.3, 0), lambda_h = 0.1, lambda_j = 0.05.
 *   s1: a_1 = 1: fields (0.5 - 0.1, -0.5 + 0) = (0.4, -0.5), a_0 = 0: -log P = log(1 + e^-0.9)
 *   s2: a_1 = 0: fields (0.5 + 0.2, -0.5 + 0.3) = (0.7, -0.2), a_0 = 1: -log P = 0.9 + log(1 + e^-0.9)
 *   f = log(1 + e^-0.9) + (3/4) 0.9 + 0.1 (0.25 + 0.25) + 0.05 (0.04 + 0.01 + 0.09 + 0)
 * and dF/dh_0(0) = (1/4)(sigma(0.9) - 1) + (3/4) sigma(0.9) + 2 (0.1) 0.5 = sigma(0.9) - 0.15,
 * dF/dJ_01(0, 1) = (1/4)(sigma(0.9) - 1) + 2 (0.05)(-0.1)  (only s1 has a_1 = 1). */
START_TEST(test_hand_weighted_penalty)
{
	const uint8_t seq[4] = { 0, 1, 1, 0 };
	const double w[2] = { 1.0, 3.0 };
	pl_data d;
	plm_err err;
	ck_assert_int_eq(pl_data_init(&d, seq, w, 2, 2, 2, &err), PLM_OK);
	size_t nvar = pl_nvar(&d), Q = d.Q;
	double *x = calloc(nvar, sizeof *x), *g = calloc(nvar, sizeof *g), *gr = calloc(nvar, sizeof *gr);
	x[0] = 0.5, x[1] = -0.5;
	double *J01 = x + Q + (1 * 2) * Q; /* J_01(a, b) = J01[b * Q + a] */
	J01[0 * Q + 0] = 0.2, J01[1 * Q + 0] = -0.1, J01[0 * Q + 1] = 0.3, J01[1 * Q + 1] = 0.0;
	pl_work ws;
	ck_assert_int_eq(pl_work_init(&ws, &d, &err), PLM_OK);
	pl_site_opts o = { 0.1, 0.05, 0 };
	double want = log(1.0 + exp(-0.9)) + 0.75 * 0.9 + 0.1 * 0.5 + 0.05 * 0.14;
	double sig = 1.0 / (1.0 + exp(-0.9));
	double f = pl_site_eval(&d, 0, &o, x, g, &ws), fr = pl_site_eval_ref(&d, 0, &o, x, gr);
	ck_assert_msg(fabs(f - want) < 1e-6, "kernel f %.9f, by hand %.9f", f, want);
	ck_assert_msg(fabs(fr - want) < 1e-12, "reference f %.12f, by hand %.12f", fr, want);
	ck_assert_double_eq_tol(g[0], sig - 0.15, 1e-6);
	ck_assert_double_eq_tol(gr[0], sig - 0.15, 1e-12);
	ck_assert_double_eq_tol(g[1], -(sig - 0.25) + 2 * 0.1 * (-0.5), 1e-6); /* residuals sum to 0 */
	ck_assert_double_eq_tol(g[Q + 2 * Q + 1 * Q + 0], 0.25 * (sig - 1.0) + 2 * 0.05 * -0.1, 1e-6);
	ck_assert_double_eq_tol(gr[Q + 2 * Q + 1 * Q + 0], 0.25 * (sig - 1.0) + 2 * 0.05 * -0.1, 1e-12);
	pl_work_free(&ws);
	pl_data_free(&d);
	free(x), free(g), free(gr);
}
END_TEST

START_TEST(test_bad_data)
{
	uint8_t seq[4] = { 0, 1, 2, 5 };
	pl_data d;
	plm_err err;
	ck_assert_int_eq(pl_data_init(&d, seq, NULL, 2, 2, 3, &err), PLM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "state 5"));
	double w[2] = { 0, 0 };
	ck_assert_int_eq(pl_data_init(&d, seq, w, 2, 2, 8, &err), PLM_EINVAL);
	ck_assert_int_eq(pl_data_init(&d, seq, NULL, 0, 2, 8, &err), PLM_EINVAL);
	/* one sequence too long for the 32-bit row offsets (L q Q 4 bytes > 2^32) is refused;
	 * one position fewer is accepted */
	size_t Lbig = (size_t)UINT32_MAX / (21 * 24 * 4) + 1;
	uint8_t *big = calloc(Lbig, 1);
	ck_assert_ptr_nonnull(big);
	ck_assert_int_eq(pl_data_init(&d, big, NULL, 1, Lbig, 21, &err), PLM_ERANGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "too many positions"));
	ck_assert_int_eq(pl_data_init(&d, big, NULL, 1, Lbig - 1, 21, &err), PLM_OK);
	ck_assert_uint_eq(d.nnz, 0);
	pl_data_free(&d);
	free(big);
	pl_data_free(NULL);
	pl_work_free(NULL);
}
END_TEST

/* The dense q = 2 path: its objective and gradient norm equal the full Potts objective and
 * gradient norm at the mapped parameters, for any point (not only at the optimum), with and
 * without fields; and its gradient matches finite differences. */
static void check_binary(size_t L, int no_fields, double lh, double lj, uint64_t seed)
{
	const size_t n = 200;
	pl_data d;
	random_data(&d, n, L, 2, seed, 1);
	pl_bin b;
	plm_err err;
	ck_assert_int_eq(pl_bin_init(&b, &d, &err), PLM_OK);
	pl_bin_work ws;
	ck_assert_int_eq(pl_bin_work_init(&ws, &b, &err), PLM_OK);
	size_t nb = pl_bin_nvar(&b), nvar = pl_nvar(&d);
	double *x = calloc(nb, sizeof *x), *g = calloc(nb, sizeof *g), *gt = calloc(nb, sizeof *gt);
	double *xf = calloc(nvar, sizeof *xf), *gf = calloc(nvar, sizeof *gf);
	float h[2], *J = calloc(L * 4, sizeof *J);
	pl_site_opts o = { lh, lj, no_fields };
	plm_rng r;
	rng_seed(&r, seed, 2);
	for (size_t i = 0; i < L; i++) {
		for (size_t k = 0; k < nb; k++)
			x[k] = k == 1 + i ? 0.0 : 0.3 * rng_normal(&r);
		double f = pl_bin_eval(&b, i, &o, x, g, &ws);
		/* finite differences */
		for (size_t k = 0; k < nb; k++) {
			if (k == 1 + i) {
				ck_assert(g[k] == 0.0);
				continue;
			}
			double x0 = x[k], hs = 1e-3;
			x[k] = x0 + hs;
			double fp = pl_bin_eval(&b, i, &o, x, gt, &ws);
			x[k] = x0 - hs;
			double fm = pl_bin_eval(&b, i, &o, x, gt, &ws);
			x[k] = x0;
			ck_assert_msg(fabs((fp - fm) / (2 * hs) - g[k]) <= 2e-5 * (1.0 + fabs(g[k])),
			              "site %zu var %zu: fd %.8g vs grad %.8g", i, k, (fp - fm) / (2 * hs), g[k]);
		}
		/* the full Potts objective at the mapped point */
		pl_bin_store(&b, i, &o, x, h, J);
		memset(xf, 0, nvar * sizeof *xf);
		xf[0] = h[0], xf[1] = h[1];
		for (size_t j = 0; j < L; j++)
			for (size_t a = 0; a < 2; a++)
				for (size_t c = 0; c < 2; c++)
					xf[d.Q + (j * 2 + c) * d.Q + a] = J[j * 4 + a * 2 + c];
		double ff = pl_site_eval_ref(&d, i, &o, xf, gf);
		ck_assert_msg(fabs(ff - f) <= 1e-6 * fabs(f), "site %zu: f %.10g vs full %.10g", i, f, ff);
		double n1 = pl_bin_norm_weight(&b, &o) * g[0] * g[0], n2 = 0;
		for (size_t k = 1; k < nb; k++)
			n1 += g[k] * g[k];
		for (size_t k = 0; k < nvar; k++)
			n2 += gf[k] * gf[k];
		ck_assert_msg(fabs(sqrt(n1) - sqrt(n2)) <= 1e-5 * sqrt(n2), "site %zu: |g| %.10g vs full %.10g", i,
		              sqrt(n1), sqrt(n2));
		if (no_fields)
			ck_assert(h[0] == 0.f && h[1] == 0.f);
		for (size_t j = 0; j < L; j++) /* antisymmetric in a */
			ck_assert(J[j * 4 + 0] == -J[j * 4 + 2] && J[j * 4 + 1] == -J[j * 4 + 3]);
	}
	pl_bin_work_free(&ws);
	pl_bin_free(&b);
	pl_data_free(&d);
	free(x), free(g), free(gt), free(xf), free(gf), free(J);
}

START_TEST(test_binary_fields) { check_binary(6, 0, 0.03, 0.02, 21); }
END_TEST
START_TEST(test_binary_nofields) { check_binary(6, 1, 0.03, 0.02, 22); }
END_TEST
START_TEST(test_binary_no_penalty_on_h) { check_binary(6, 0, 0.0, 0.05, 23); }
END_TEST
START_TEST(test_binary_one_position) /* no couplings: B is the field difference alone */
{
	check_binary(1, 0, 0.03, 0.02, 24);
	check_binary(1, 1, 0.03, 0.02, 25);
}
END_TEST

/* ---- L-BFGS ----------------------------------------------------------------------------- */

static double rosenbrock(void *ctx, const double *x, double *g)
{
	size_t n = *(size_t *)ctx;
	double f = 0.0;
	memset(g, 0, n * sizeof *g);
	for (size_t k = 0; k + 1 < n; k++) {
		double a = x[k + 1] - x[k] * x[k], b = 1.0 - x[k];
		f += 100.0 * a * a + b * b;
		g[k] += -400.0 * a * x[k] - 2.0 * b;
		g[k + 1] += 200.0 * a;
	}
	return f;
}

START_TEST(test_lbfgs_rosenbrock)
{
	size_t n = 10;
	double x[10];
	for (size_t k = 0; k < n; k++)
		x[k] = k % 2 ? 1.0 : -1.2;
	lbfgs_work w;
	plm_err err;
	ck_assert_int_eq(lbfgs_work_init(&w, n, 6, &err), PLM_OK);
	lbfgs_result r;
	lbfgs_minimize(x, rosenbrock, &n, 1e-8, 1000, &w, &r);
	ck_assert_int_eq(r.status, LBFGS_CONVERGED);
	ck_assert_double_le(r.gnorm, 1e-8);
	for (size_t k = 0; k < n; k++)
		ck_assert_double_eq_tol(x[k], 1.0, 1e-6);
	ck_assert_uint_lt(r.evals, 400);
	/* the caller-evaluates form follows the same iterates, bit for bit */
	double x2[10];
	for (size_t k = 0; k < n; k++)
		x2[k] = k % 2 ? 1.0 : -1.2;
	lbfgs_result r2;
	size_t calls = 0;
	lbfgs_begin(&w, x2, 1e-8, 1000);
	do
		calls++;
	while (lbfgs_tell(&w, rosenbrock(&n, w.xe, w.ge)));
	lbfgs_end(&w, x2, &r2);
	ck_assert_int_eq(r2.status, r.status);
	ck_assert_uint_eq(r2.iters, r.iters);
	ck_assert_uint_eq(r2.evals, r.evals);
	ck_assert_uint_eq(calls, r.evals);
	ck_assert(memcmp(x2, x, sizeof x) == 0 && r2.f == r.f && r2.gnorm == r.gnorm);
	/* max_iter is honoured */
	for (size_t k = 0; k < n; k++)
		x[k] = -1.2;
	lbfgs_minimize(x, rosenbrock, &n, 1e-12, 5, &w, &r);
	ck_assert_int_eq(r.status, LBFGS_MAX_ITER);
	ck_assert_uint_eq(r.iters, 5);
	lbfgs_work_free(&w);
	lbfgs_work_free(NULL);
}
END_TEST

/* A strictly convex quadratic 1/2 sum c_k (x_k - k)^2: converges to x_k = k. */
static double quad(void *ctx, const double *x, double *g)
{
	(void)ctx;
	double f = 0.0;
	for (size_t k = 0; k < 50; k++) {
		double c = 1.0 + (double)k, t = x[k] - (double)k;
		f += 0.5 * c * t * t;
		g[k] = c * t;
	}
	return f;
}

START_TEST(test_lbfgs_quadratic)
{
	double x[50] = { 0 };
	lbfgs_work w;
	plm_err err;
	ck_assert_int_eq(lbfgs_work_init(&w, 50, 8, &err), PLM_OK);
	lbfgs_result r;
	lbfgs_minimize(x, quad, NULL, 1e-9, 500, &w, &r);
	ck_assert_int_eq(r.status, LBFGS_CONVERGED);
	for (size_t k = 0; k < 50; k++)
		ck_assert_double_eq_tol(x[k], (double)k, 1e-8);
	/* already at the minimum: no iteration */
	lbfgs_minimize(x, quad, NULL, 1e-6, 500, &w, &r);
	ck_assert_uint_eq(r.iters, 0);
	ck_assert_uint_eq(r.evals, 1);
	lbfgs_work_free(&w);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("plm");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_grad_q21);
	tcase_add_test(tc, test_grad_q21_nofields);
	tcase_add_test(tc, test_grad_q2);
	tcase_add_test(tc, test_grad_q2_nofields);
	tcase_add_test(tc, test_grad_q9);
	tcase_add_test(tc, test_large_q21);
	tcase_add_test(tc, test_large_q3);
	tcase_add_test(tc, test_large_q2);
	tcase_add_test(tc, test_tree_auto);
	tcase_add_test(tc, test_tree_q21);
	tcase_add_test(tc, test_tree_q21_nofields);
	tcase_add_test(tc, test_tree_q5);
	tcase_add_test(tc, test_zero_point);
	tcase_add_test(tc, test_hand_weighted_penalty);
	tcase_add_test(tc, test_bad_data);
	tcase_add_test(tc, test_binary_fields);
	tcase_add_test(tc, test_binary_nofields);
	tcase_add_test(tc, test_binary_no_penalty_on_h);
	tcase_add_test(tc, test_binary_one_position);
	tcase_add_test(tc, test_lbfgs_rosenbrock);
	tcase_add_test(tc, test_lbfgs_quadratic);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
