/* margin: replica-symmetric stability distribution of the pseudo-likelihood perceptron
 * (Appendix A of D'Amico et al. 2025).  Root finding and Gauss-Legendre quadrature only. */
#include "margin.h"

#include <math.h>

/* 8-point Gauss-Legendre nodes and weights on [-1, 1] (positive half). */
static const double gl_x[4] = { 0.1834346424956498, 0.5255324099163290, 0.7966664774136267,
                                0.9602898564975363 };
static const double gl_w[4] = { 0.3626837833783620, 0.3137066458778873, 0.2223810344533745,
                                0.1012285362903763 };
#define MARGIN_YMAX 12.0
#define MARGIN_PANELS 480

static double phi(double y)
{
	return exp(-0.5 * y * y) / 2.5066282746310002; /* sqrt(2 pi) */
}

/* log(1 + e^z) without overflow. */
static double softplus(double z)
{
	return z > 0 ? z + log1p(exp(-z)) : log1p(exp(z));
}

/* The shift D - t = x lambda (1 - tanh lambda D) = 2 x lambda / (1 + e^{2 lambda D}), in logs. */
static double shift(const margin_sol *s, double d)
{
	return 2.0 * exp(s->logx + log(s->lambda) - softplus(2.0 * s->lambda * d));
}

double margin_delta0(const margin_sol *s, double t)
{
	/* g(D) = D - t - shift(D) increases from g(t) < 0; bracket, then bisection with Newton */
	double lo = t, step = 1.0, hi = t + step;
	while (hi - t - shift(s, hi) < 0.0) {
		lo = hi;
		step *= 2.0;
		hi = t + step;
	}
	double d = 0.5 * (lo + hi);
	for (int it = 0; it < 200 && hi - lo > 1e-14 * (1.0 + fabs(d)); it++) {
		double sh = shift(s, d), g = d - t - sh;
		if (g < 0.0)
			lo = d;
		else
			hi = d;
		/* g'(D) = 1 + shift(D) 2 lambda sigma(2 lambda D) */
		double z = 2.0 * s->lambda * d, sig = z > 0 ? 1.0 / (1.0 + exp(-z)) : exp(z) / (1.0 + exp(z));
		double dn = d - g / (1.0 + sh * 2.0 * s->lambda * sig);
		d = dn > lo && dn < hi ? dn : 0.5 * (lo + hi);
	}
	return d;
}

/* Int Dy f(y) by composite Gauss-Legendre on [-YMAX, YMAX]; f gets (s, y, Delta0(y)). */
static double integrate(const margin_sol *s, double (*f)(const margin_sol *, double, double))
{
	double h = 2.0 * MARGIN_YMAX / MARGIN_PANELS, sum = 0.0;
	for (int p = 0; p < MARGIN_PANELS; p++) {
		double c = -MARGIN_YMAX + (p + 0.5) * h;
		for (int k = 0; k < 8; k++) {
			double y = c + (k < 4 ? -1.0 : 1.0) * gl_x[k % 4] * 0.5 * h;
			sum += gl_w[k % 4] * 0.5 * h * phi(y) * f(s, y, margin_delta0(s, y));
		}
	}
	return sum;
}

static double sq_shift(const margin_sol *s, double y, double d)
{
	(void)s;
	return (d - y) * (d - y);
}

int margin_solve(double alpha, double lambda, margin_sol *s, plm_err *err)
{
	if (!(alpha > 0.0) || !(lambda > 0.0) || !(lambda <= 1e3) || !isfinite(alpha))
		return plm_fail(err, PLM_EINVAL, "margin_solve: need alpha > 0 and 0 < lambda <= 1000 (got %g, %g)",
		                alpha, lambda);
	s->alpha = alpha;
	s->lambda = lambda;
	/* F(log x) = alpha Int Dy shift^2 - 1 increases with x; start from the Hebbian estimate
	 * x lambda = 1 / sqrt(alpha) and step out to a bracket */
	double lo = -log(lambda * sqrt(alpha)) - 1.0, hi = lo + 2.0;
	s->logx = lo;
	while (alpha * integrate(s, sq_shift) > 1.0 && lo > -1e3)
		s->logx = lo -= 2.0;
	s->logx = hi;
	while (alpha * integrate(s, sq_shift) < 1.0 && hi < 1e4)
		s->logx = hi += 2.0 + 0.5 * (hi - lo);
	for (int it = 0; it < 200 && hi - lo > 1e-12 * (1.0 + fabs(hi)); it++) {
		s->logx = 0.5 * (lo + hi);
		if (alpha * integrate(s, sq_shift) < 1.0)
			lo = s->logx;
		else
			hi = s->logx;
	}
	s->logx = 0.5 * (lo + hi);
	return PLM_OK;
}

double margin_density(const margin_sol *s, double delta)
{
	double sh = shift(s, delta), z = 2.0 * s->lambda * delta;
	double sig = z > 0 ? 1.0 / (1.0 + exp(-z)) : exp(z) / (1.0 + exp(z));
	return phi(delta - sh) * (1.0 + sh * 2.0 * s->lambda * sig);
}

static double pow0(const margin_sol *s, double y, double d) { (void)s; (void)y; (void)d; return 1.0; }
static double pow1(const margin_sol *s, double y, double d) { (void)s; (void)y; return d; }
static double pow2(const margin_sol *s, double y, double d) { (void)s; (void)y; return d * d; }

double margin_moment(const margin_sol *s, int k)
{
	return integrate(s, k == 0 ? pow0 : k == 1 ? pow1 : pow2);
}

double margin_density_hebb(double alpha, double delta)
{
	return phi(delta - 1.0 / sqrt(alpha));
}

double margin_kappa_max(double alpha)
{
	/* alpha [(k^2 + 1) Phi(k) + k phi(k)] = 1, the left side increasing in k */
	double lo = -40.0, hi = 40.0;
	for (int it = 0; it < 200; it++) {
		double k = 0.5 * (lo + hi), Phi = 0.5 * erfc(-k / sqrt(2.0));
		if (alpha * ((k * k + 1.0) * Phi + k * phi(k)) < 1.0)
			lo = k;
		else
			hi = k;
	}
	return 0.5 * (lo + hi);
}

double margin_density_maxmargin(double alpha, double delta)
{
	return delta > margin_kappa_max(alpha) ? phi(delta) : 0.0;
}
