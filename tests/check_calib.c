/* check_calib: the logistic fitter recovers known coefficients from samples drawn from them
 * (fixed seed), a weight of 2 equals a duplicated sample, the ridge shrinks; the shipped
 * probabilities fall with rank and rise with M_eff / L over the fitted range and stay in (0, 1). */
#include "check_common.h"

#include <math.h>

#include "calib.h"
#include "rng.h"

enum { N = 40000 };

static void draw(double *X, unsigned char *y, const calib_model *truth, uint64_t seed)
{
	plm_rng r;
	rng_seed(&r, seed, 0);
	for (size_t s = 0; s < N; s++) {
		double *f = X + s * CALIB_NFEAT;
		f[0] = 1.0;
		for (int k = 1; k < CALIB_NFEAT; k++)
			f[k] = rng_normal(&r);
		y[s] = rng_uniform(&r) < calib_prob(truth, f);
	}
}

START_TEST(test_recovers)
{
	static double X[N * CALIB_NFEAT];
	static unsigned char y[N];
	calib_model truth = { { -1.0, 0.8, -1.5, 0.4 } }, fit;
	plm_err err;
	fprintf(stderr, "check_calib: seed 22\n");
	draw(X, y, &truth, 22);
	ck_assert_int_eq(calib_fit(X, y, NULL, N, 0.0, &fit, &err), PLM_OK);
	for (int k = 0; k < CALIB_NFEAT; k++) /* standard errors here are about 0.02 */
		ck_assert_msg(fabs(fit.beta[k] - truth.beta[k]) < 0.1, "beta %d: %g, truth %g", k, fit.beta[k],
		              truth.beta[k]);
	/* a strong ridge pulls every coefficient but the intercept towards 0 */
	calib_model shrunk;
	ck_assert_int_eq(calib_fit(X, y, NULL, N, 1e5, &shrunk, &err), PLM_OK);
	for (int k = 1; k < CALIB_NFEAT; k++)
		ck_assert(fabs(shrunk.beta[k]) < 0.5 * fabs(fit.beta[k]));
	ck_assert_int_eq(calib_fit(X, y, NULL, 0, 0.0, &shrunk, &err), PLM_EINVAL);
}
END_TEST

START_TEST(test_weights)
{
	/* the first 1000 samples with weight 2 == those samples listed twice */
	static double X[N * CALIB_NFEAT], X2[(N + 1000) * CALIB_NFEAT];
	static unsigned char y[N], y2[N + 1000];
	static double w[N];
	calib_model truth = { { 0.5, -0.7, 0.3, 1.0 } }, a, b;
	plm_err err;
	draw(X, y, &truth, 23);
	memcpy(X2, X, sizeof X);
	memcpy(y2, y, sizeof y);
	memcpy(X2 + N * CALIB_NFEAT, X, 1000 * CALIB_NFEAT * sizeof *X);
	memcpy(y2 + N, y, 1000);
	for (size_t s = 0; s < N; s++)
		w[s] = s < 1000 ? 2.0 : 1.0;
	ck_assert_int_eq(calib_fit(X, y, w, N, 1.0, &a, &err), PLM_OK);
	ck_assert_int_eq(calib_fit(X2, y2, NULL, N + 1000, 1.0, &b, &err), PLM_OK);
	for (int k = 0; k < CALIB_NFEAT; k++)
		ck_assert_double_eq_tol(a.beta[k], b.beta[k], 1e-8);
}
END_TEST

START_TEST(test_default_monotone)
{
	const size_t Ls[] = { 50, 159, 500, 3000 };
	const double ratio[] = { 0.05, 0.1, 1.0, 10.0, 100.0, 1000.0 };
	for (size_t a = 0; a < 4; a++)
		for (size_t b = 0; b < 6; b++) {
			double prev = 1.0, f[CALIB_NFEAT];
			for (size_t k = 1; k <= 3 * Ls[a]; k++) {
				calib_features(k, ratio[b] * (double)Ls[a], Ls[a], f);
				double p = calib_prob(&calib_default, f);
				ck_assert(p > 0.0 && p < 1.0);
				ck_assert_msg(p <= prev, "L %zu M_eff/L %g: p rises at rank %zu", Ls[a], ratio[b], k);
				prev = p;
			}
		}
	/* more sequences per position: a higher probability at the same rank (k = L/5) */
	double lo[CALIB_NFEAT], hi[CALIB_NFEAT];
	calib_features(30, 15.0, 150, lo);
	calib_features(30, 1500.0, 150, hi);
	ck_assert(calib_prob(&calib_default, hi) > calib_prob(&calib_default, lo));
	/* beyond the fitted range the features are clamped */
	calib_features(30, 1e7, 150, lo);
	calib_features(30, 1e9, 150, hi);
	ck_assert_double_eq(calib_prob(&calib_default, hi), calib_prob(&calib_default, lo));
}
END_TEST

START_TEST(test_ranked)
{
	/* separations 10, 2, 7, 30: ranks among the pairs at >= 6: 1, (2), 2, 3 */
	contacts_pair p[4] = { { 0, 10, 4.0 }, { 1, 3, 3.0 }, { 2, 9, 2.0 }, { 0, 30, 1.0 } };
	long user[31];
	for (size_t k = 0; k < 31; k++)
		user[k] = (long)k + 5;
	double prob[4], f[CALIB_NFEAT];
	size_t rank[4] = { 1, 2, 2, 3 };
	calib_ranked(&calib_default, p, 4, user, 31, 100.0, prob);
	for (size_t k = 0; k < 4; k++) {
		calib_features(rank[k], 100.0, 31, f);
		ck_assert_double_eq(prob[k], calib_prob(&calib_default, f));
	}
	ck_assert(prob[0] > prob[2] && prob[2] > prob[3]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("calib");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_recovers);
	tcase_add_test(tc, test_weights);
	tcase_add_test(tc, test_default_monotone);
	tcase_add_test(tc, test_ranked);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
