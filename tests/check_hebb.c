/* check_hebb: the Hebbian baseline: hand-counted couplings in the q = 2 layout, the local-field
 * difference equal to the Hopfield field, stored patterns as fixed points at low load (and not
 * at high load), weights, provenance and a file round trip. */
#include "check_common.h"

#include <math.h>
#include <unistd.h>

#include "generate.h"
#include "hebb.h"

/* A binary alignment in memory from +-1 spins (n x L). */
static msa *make_msa(const int8_t *x, size_t n, size_t L)
{
	plm_err err;
	msa *m = calloc(1, sizeof *m);
	ck_assert_int_eq(alphabet_init(&m->abc, "binary", &err), PLM_OK);
	m->nin = n;
	m->n = n;
	m->L = L;
	m->ncol_in = L;
	m->seq = calloc(n * L, 1);
	m->col = calloc(L, sizeof *m->col);
	m->path = strdup("patterns.txt");
	for (size_t k = 0; k < n * L; k++)
		m->seq[k] = x[k] > 0 ? 1 : 0;
	for (size_t i = 0; i < L; i++)
		m->col[i] = i;
	return m;
}

static void free_msa(msa *m)
{
	free(m->seq);
	free(m->col);
	free(m->path);
	free(m);
}

/* H_i(1) - H_i(0) for the configuration x (+-1), from the Potts layout of the model. */
static double field_diff(const plm_model *mod, const int8_t *x, size_t i)
{
	double h1 = mod->h[i * 2 + 1], h0 = mod->h[i * 2 + 0];
	for (size_t j = 0; j < mod->L; j++) {
		const float *J = model_J(mod, i, j);
		int b = x[j] > 0 ? 1 : 0;
		h1 += J[1 * 2 + b];
		h0 += J[0 * 2 + b];
	}
	return h1 - h0;
}

START_TEST(test_hand_counted)
{
	/* three patterns of four spins; the second appears twice */
	const int8_t x[4 * 4] = {
		1, 1, -1, -1,
		1, -1, 1, -1,
		1, -1, 1, -1,
		-1, -1, -1, 1,
	};
	msa *m = make_msa(x, 4, 4);
	plm_model *mod = NULL;
	plm_err err;
	ck_assert_int_eq(hebb_build(m, NULL, &mod, &err), PLM_OK);
	ck_assert_uint_eq(mod->L, 4);
	ck_assert_uint_eq(mod->q, 2);
	ck_assert_str_eq(mod->rule, "hebb");
	ck_assert_int_eq(mod->no_fields, 1);
	ck_assert_uint_eq(mod->nseq, 4);
	ck_assert_uint_eq(mod->nunique, 3);
	ck_assert_double_eq(mod->meff, 4.0);
	ck_assert_ptr_null(mod->iters);
	ck_assert_str_eq(mod->refseq, "1100");
	ck_assert_str_eq(mod->source, "patterns.txt");
	for (size_t i = 0; i < 4; i++) {
		ck_assert_float_eq(mod->h[2 * i], 0.0f);
		ck_assert_float_eq(mod->h[2 * i + 1], 0.0f);
		for (size_t j = 0; j < 4; j++) {
			/* K_ij by hand: (1/N) sum_mu x_i x_j */
			double k = 0;
			for (size_t mu = 0; mu < 4; mu++)
				k += x[mu * 4 + i] * x[mu * 4 + j];
			k = (i == j) ? 0.0 : k / 4.0;
			const float *J = model_J(mod, i, j);
			ck_assert_double_eq_tol(J[0], k / 2, 1e-7); /* (-1)(-1) */
			ck_assert_double_eq_tol(J[1], -k / 2, 1e-7);
			ck_assert_double_eq_tol(J[2], -k / 2, 1e-7);
			ck_assert_double_eq_tol(J[3], k / 2, 1e-7);
		}
	}
	/* K_01 = (1 - 1 - 1 + 1)/4 = 0; K_02 = (-1 + 1 + 1 + 1)/4 = 1/2; K_03 = (-1 -1 -1 -1)/4 */
	ck_assert_double_eq_tol(model_J(mod, 0, 1)[3], 0.0, 1e-7);
	ck_assert_double_eq_tol(model_J(mod, 0, 2)[3], 0.25, 1e-7);
	ck_assert_double_eq_tol(model_J(mod, 0, 3)[3], -0.5, 1e-7);
	/* the Potts field difference is the Hopfield field sum_j K_ij x_j, for any x */
	const int8_t y[4] = { -1, 1, 1, -1 };
	for (size_t i = 0; i < 4; i++) {
		double hop = 0;
		for (size_t j = 0; j < 4; j++)
			if (j != i) {
				double k = 0;
				for (size_t mu = 0; mu < 4; mu++)
					k += x[mu * 4 + i] * x[mu * 4 + j];
				hop += k / 4.0 * y[j];
			}
		ck_assert_double_eq_tol(field_diff(mod, y, i), hop, 1e-6);
	}
	model_destroy(mod);

	/* weights: w = (1, 2, 0, 1) is the same as dropping the third row (a copy of the
	 * second) and counting the second twice, i.e. the unweighted rule above */
	const double w[4] = { 1.0, 2.0, 0.0, 1.0 };
	plm_model *mw = NULL, *mu = NULL;
	ck_assert_int_eq(hebb_build(m, w, &mw, &err), PLM_OK);
	ck_assert_int_eq(hebb_build(m, NULL, &mu, &err), PLM_OK);
	ck_assert_double_eq(mw->meff, 4.0);
	ck_assert_mem_eq(mw->J, mu->J, 16 * 4 * sizeof(float));
	/* and w = (1, 0, 0, 1) is not */
	const double w2[4] = { 1.0, 0.0, 0.0, 1.0 };
	plm_model *m2 = NULL;
	ck_assert_int_eq(hebb_build(m, w2, &m2, &err), PLM_OK);
	ck_assert_double_eq(m2->meff, 2.0);
	/* K_03 = (1 * -1 + -1 * 1) / 4 and K_02 = (1 * -1 + -1 * -1) / 4 = 0 */
	ck_assert_double_eq_tol(model_J(m2, 0, 3)[3], -0.5 / 2, 1e-7);
	ck_assert_double_eq_tol(model_J(m2, 0, 2)[3], 0.0, 1e-7);
	const double wbad[4] = { 1.0, -1.0, 0.0, 1.0 };
	plm_model *mb = (plm_model *)&err;
	ck_assert_int_eq(hebb_build(m, wbad, &mb, &err), PLM_EINVAL);
	ck_assert_ptr_null(mb);
	model_destroy(mw);
	model_destroy(mu);
	model_destroy(m2);
	free_msa(m);
}
END_TEST

/* P != N: three patterns of five spins, so that the 1/N of the rule cannot pass for 1/P.
 * By hand: K_01 = (1 - 1 + 1)/5 = 0.2, K_02 = (-1 + 1 - 1)/5 = -0.2, K_03 = (-1 - 1 - 1)/5
 * = -0.6, K_04 = (1 - 1 - 1)/5 = -0.2, K_34 = (-1 + 1 + 1)/5 = 0.2; J_ij(1,1) = K_ij / 2. */
START_TEST(test_p_not_n)
{
	const int8_t x[3 * 5] = {
		1, 1, -1, -1, 1,
		1, -1, 1, -1, -1,
		-1, -1, 1, 1, 1,
	};
	msa *m = make_msa(x, 3, 5);
	plm_model *mod = NULL;
	plm_err err;
	ck_assert_int_eq(hebb_build(m, NULL, &mod, &err), PLM_OK);
	ck_assert_uint_eq(mod->L, 5);
	const struct { size_t i, j; double k; } want[] = {
		{ 0, 1, 0.2 }, { 0, 2, -0.2 }, { 0, 3, -0.6 }, { 0, 4, -0.2 }, { 3, 4, 0.2 },
		{ 1, 0, 0.2 }, { 3, 0, -0.6 }, { 4, 3, 0.2 },
	};
	for (size_t k = 0; k < sizeof want / sizeof want[0]; k++) {
		const float *J = model_J(mod, want[k].i, want[k].j);
		ck_assert_msg(fabs(J[3] - want[k].k / 2) < 1e-7 && fabs(J[0] - want[k].k / 2) < 1e-7 &&
		              fabs(J[1] + want[k].k / 2) < 1e-7 && fabs(J[2] + want[k].k / 2) < 1e-7,
		              "J_%zu%zu(1,1) = %g, want K/2 = %g", want[k].i, want[k].j, J[3], want[k].k / 2);
	}
	/* the field of site 0 in pattern 1: sum_j K_0j x_j = 0.2 + 0.2 + 0.6 - 0.2 = 0.8 */
	ck_assert_double_eq_tol(field_diff(mod, x, 0), 0.8, 1e-6);
	model_destroy(mod);
	free_msa(m);
}
END_TEST

/* Fraction of (pattern, site) pairs where the pattern is not stable under the sign dynamics. */
static double unstable_fraction(size_t N, size_t P, uint64_t seed, double *min_margin)
{
	gen_opts o;
	gen_set *g = NULL;
	plm_err err;
	gen_opts_default(&o);
	o.N = N;
	o.P = P;
	o.seed = seed;
	ck_assert_int_eq(gen_run(&o, &g, &err), PLM_OK);
	msa *m = make_msa(g->train, P, N);
	plm_model *mod = NULL;
	ck_assert_int_eq(hebb_build(m, NULL, &mod, &err), PLM_OK);
	size_t bad = 0;
	*min_margin = INFINITY;
	for (size_t mu = 0; mu < P; mu++)
		for (size_t i = 0; i < N; i++) {
			const int8_t *x = g->train + mu * N;
			double margin = x[i] * field_diff(mod, x, i); /* > 0: x_i agrees with its field */
			if (margin <= 0)
				bad++;
			if (margin < *min_margin)
				*min_margin = margin;
		}
	model_destroy(mod);
	free_msa(m);
	gen_destroy(g);
	return (double)bad / (double)(N * P);
}

START_TEST(test_stores_patterns)
{
	/* P = 5, N = 200 (alpha = 0.025, seed 3): each pattern is a fixed point: every spin has
	 * the sign of its local field (signal 1, crosstalk sd sqrt(P/N) = 0.16). */
	double margin;
	ck_assert_double_eq(unstable_fraction(200, 5, 3, &margin), 0.0);
	ck_assert_double_gt(margin, 0.2);
	/* alpha = 0.3 > 0.138: the patterns are no longer fixed points (about 3% of the spins
	 * disagree with their field) */
	double f = unstable_fraction(200, 60, 3, &margin);
	ck_assert_double_gt(f, 0.005);
	ck_assert_double_lt(f, 0.10);
}
END_TEST

START_TEST(test_errors_and_file)
{
	plm_err err;
	plm_model *mod = NULL;
	/* q != 2 */
	msa *m = calloc(1, sizeof *m);
	ck_assert_int_eq(alphabet_init(&m->abc, "protein", &err), PLM_OK);
	m->n = 1;
	m->L = 1;
	ck_assert_int_eq(hebb_build(m, NULL, &mod, &err), PLM_EINVAL);
	ck_assert_ptr_null(mod);
	ck_assert_ptr_nonnull(strstr(err.msg, "q = 2"));
	free(m);
	/* no sequences */
	int8_t none[1] = { 1 };
	m = make_msa(none, 0, 1);
	m->n = 0;
	ck_assert_int_eq(hebb_build(m, NULL, &mod, &err), PLM_EINVAL);
	free_msa(m);

	/* write and read back */
	const int8_t x[2 * 5] = { 1, -1, 1, 1, -1, -1, -1, 1, 1, 1 };
	m = make_msa(x, 2, 5);
	ck_assert_int_eq(hebb_build(m, NULL, &mod, &err), PLM_OK);
	char path[] = "/tmp/check_hebb.XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(model_write(mod, path, &err), PLM_OK);
	plm_model *back = NULL;
	ck_assert_int_eq(model_read(path, &back, &err), PLM_OK);
	unlink(path);
	ck_assert_str_eq(back->rule, "hebb");
	ck_assert_uint_eq(back->L, 5);
	ck_assert_uint_eq(back->q, 2);
	ck_assert_int_eq(back->no_fields, 1);
	ck_assert_mem_eq(back->J, mod->J, 25 * 4 * sizeof(float));
	model_destroy(back);
	model_destroy(mod);
	model_destroy(NULL);
	free_msa(m);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("hebb");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_hand_counted);
	tcase_add_test(tc, test_p_not_n);
	tcase_add_test(tc, test_stores_patterns);
	tcase_add_test(tc, test_errors_and_file);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
