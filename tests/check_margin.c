/* check_margin: the replica-symmetric stability distribution of the pseudo-likelihood
 * perceptron (Fig. 1b) against its two limits, worked out independently: the Hebbian
 * Gaussian N(1/sqrt(alpha), 1) at small lambda, and the maximum-margin truncated Gaussian
 * (Gardner's kappa) at large lambda; plus the defining equations at a middle lambda. */
#include "check_common.h"

#include <math.h>

#include "margin.h"

static double Phi(double x)
{
	return 0.5 * erfc(-x / sqrt(2.0));
}

/* Int of the density over [a, b] by the midpoint rule on a fine grid. */
static double mass(const margin_sol *s, double a, double b)
{
	const int n = 20000;
	double h = (b - a) / n, sum = 0.0;
	for (int k = 0; k < n; k++)
		sum += margin_density(s, a + (k + 0.5) * h) * h;
	return sum;
}

START_TEST(test_hebbian_limit)
{
	const double alpha = 0.4;
	margin_sol s;
	plm_err err;
	ck_assert_int_eq(margin_solve(alpha, 1e-4, &s, &err), PLM_OK);
	/* lambda -> 0: Delta0 = t + x lambda, x lambda = 1/sqrt(alpha) */
	ck_assert_double_eq_tol(exp(s.logx) * s.lambda, 1.0 / sqrt(alpha), 1e-3);
	for (double d = -3.0; d <= 5.0; d += 0.25)
		ck_assert_double_eq_tol(margin_density(&s, d), margin_density_hebb(alpha, d), 1e-3);
	ck_assert_double_eq_tol(margin_moment(&s, 0), 1.0, 1e-9);
	ck_assert_double_eq_tol(margin_moment(&s, 1), 1.0 / sqrt(alpha), 1e-3);
}
END_TEST

START_TEST(test_maxmargin_limit)
{
	const double alpha = 0.4, kappa = margin_kappa_max(alpha);
	/* Gardner: alpha_c(kappa) = 1 / Int_{-kappa} Dt (t + kappa)^2; alpha = 2 at kappa = 0 */
	ck_assert_double_eq_tol(margin_kappa_max(2.0), 0.0, 1e-9);
	ck_assert(kappa > 1.2 && kappa < 1.3); /* (k^2+1) Phi(k) + k phi(k) = 2.5 near k = 1.24 */
	double prev_tail = 1.0;
	for (double lam = 0.5; lam <= 160.0; lam *= 4.0) { /* 0.5, 2, 8, 32, 128 */
		margin_sol s;
		plm_err err;
		ck_assert_int_eq(margin_solve(alpha, lam, &s, &err), PLM_OK);
		/* the mass below kappa - 0.2 vanishes, and the law above kappa + 0.2 is phi's */
		double tail = mass(&s, -8.0, kappa - 0.2);
		ck_assert_msg(tail < prev_tail || tail == 0.0, "lambda %g: tail %g not below %g", lam, tail, prev_tail);
		if (lam < 1.0) /* a real negative tail at small lambda: mass below kappa - 0.2 */
			ck_assert_msg(tail > 0.1, "lambda %g: tail %g", lam, tail);
		prev_tail = tail;
		if (lam > 100.0) {
			ck_assert_msg(tail < 1e-4, "lambda %g: mass %g below kappa - 0.2", lam, tail);
			ck_assert_double_eq_tol(mass(&s, kappa + 0.2, 10.0), 1.0 - Phi(kappa + 0.2), 2e-3);
			for (double d = kappa + 0.3; d < 4.0; d += 0.3)
				ck_assert_double_eq_tol(margin_density(&s, d), margin_density_maxmargin(alpha, d), 2e-3);
			/* the mean of max(t, kappa): kappa Phi(kappa) + phi(kappa) */
			double mean = kappa * Phi(kappa) + exp(-0.5 * kappa * kappa) / 2.5066282746310002;
			ck_assert_double_eq_tol(margin_moment(&s, 1), mean, 0.03);
		}
	}
}
END_TEST

/* At lambda = 1: Delta0 solves its stationarity equation, x the normalisation, and the density
 * integrates to one with the mean of Delta0. */
START_TEST(test_equations)
{
	margin_sol s;
	plm_err err;
	ck_assert_int_eq(margin_solve(0.4, 1.0, &s, &err), PLM_OK);
	double x = exp(s.logx);
	for (double t = -4.0; t <= 4.0; t += 0.5) {
		double d = margin_delta0(&s, t);
		ck_assert_double_eq_tol(d - t, x * (1.0 - tanh(d)), 1e-10);
	}
	/* alpha Int Dy (Delta0 - y)^2 = 1, by a plain grid (not the solver's quadrature) */
	double sum = 0.0;
	const int n = 40000;
	for (int k = 0; k < n; k++) {
		double y = -10.0 + 20.0 * (k + 0.5) / n, d = margin_delta0(&s, y);
		sum += exp(-0.5 * y * y) / 2.5066282746310002 * (d - y) * (d - y) * 20.0 / n;
	}
	ck_assert_double_eq_tol(0.4 * sum, 1.0, 1e-6);
	ck_assert_double_eq_tol(mass(&s, -10.0, 12.0), 1.0, 1e-6);
	double mean = 0.0;
	for (int k = 0; k < n; k++) {
		double dd = -10.0 + 22.0 * (k + 0.5) / n;
		mean += dd * margin_density(&s, dd) * 22.0 / n;
	}
	ck_assert_double_eq_tol(mean, margin_moment(&s, 1), 1e-6);
	ck_assert_int_eq(margin_solve(0.0, 1.0, &s, &err), PLM_EINVAL);
	ck_assert_int_eq(margin_solve(0.4, 0.0, &s, &err), PLM_EINVAL);
}
END_TEST

static Suite *margin_suite(void)
{
	Suite *s = suite_create("margin");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_hebbian_limit);
	tcase_add_test(tc, test_maxmargin_limit);
	tcase_add_test(tc, test_equations);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(margin_suite());
}
