/* margin: the distribution of stabilities (margins) of a spherical perceptron that minimises
 * the pseudo-likelihood loss V_lambda(Delta) = log 2 cosh(lambda Delta) - lambda Delta over
 * alpha N random patterns, in the replica-symmetric theory of the paper's Appendix A (Fig. 1):
 * from the Hebbian limit (lambda -> 0, a Gaussian) to the maximum-margin limit (lambda -> inf,
 * a truncated Gaussian).  Pure numerics (root finding, quadrature): no files, no printing. */
#ifndef PLMEM_MARGIN_H
#define PLMEM_MARGIN_H

#include "err.h"

/* The solution at load ALPHA and penalty strength LAMBDA:
 *   Delta0(t, x) = argmin_D [V(D) + (D - t)^2 / (2 x)], i.e. D - t = x lambda (1 - tanh lambda D);
 *   x solves 1 = alpha Int Dy [Delta0(y, x) - y]^2,  Dy the standard Gaussian measure.
 * x is kept as log x (at large lambda x lambda grows like e^{2 lambda kappa}). */
typedef struct margin_sol {
	double alpha, lambda;
	double logx;
} margin_sol;

/* Solve for x (bisection on log x; the integral by composite Gauss-Legendre on [-12, 12]).
 * ALPHA > 0, 0 < LAMBDA <= 1e3. */
int margin_solve(double alpha, double lambda, margin_sol *s, plm_err *err);
/* Delta0(t, x) of the solution. */
double margin_delta0(const margin_sol *s, double t);
/* The density P(Delta) = phi(t(Delta)) dt/dDelta, with t(Delta) = Delta - x lambda (1 - tanh
 * lambda Delta) the inverse of Delta0 (increasing) and phi the standard normal density. */
double margin_density(const margin_sol *s, double delta);
/* Int Dy g(Delta0(y, x)) for g = Delta^k, k = 0, 1, 2 (moments of the distribution). */
double margin_moment(const margin_sol *s, int k);

/* The two limits at load ALPHA.  Hebbian: the density of N(1 / sqrt(alpha), 1).
 * Maximum margin: kappa(alpha) solves alpha Int_{-inf}^{kappa} Dy (kappa - y)^2 = 1 (Gardner),
 * and Delta = max(t, kappa): a Gaussian truncated at kappa plus an atom of mass Phi(kappa)
 * at kappa (returned by margin_kappa_max; margin_density_maxmargin gives the continuous
 * part). */
double margin_density_hebb(double alpha, double delta);
double margin_kappa_max(double alpha);
double margin_density_maxmargin(double alpha, double delta);

#endif
