/* calib: the logistic contact probability on rank and M_eff / L, and its Newton fitter.
 * Computation only: no files, no printing. */
#include "config.h"
#include "calib.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Fitted by bench/calibrate (see bench/RESULTS.md, "Contact probabilities"). */
const calib_model calib_default = { { -1.5057, 0.6457, -1.5025, -0.6049 } };

void calib_features(size_t rank, double meff, size_t L, double f[CALIB_NFEAT])
{
	double l = (double)(L ? L : 1), x = log10((meff > 0.0 ? meff : 1e-3) / l);
	if (x < CALIB_X_MIN) /* no extrapolation beyond the families the model was fitted on */
		x = CALIB_X_MIN;
	if (x > CALIB_X_MAX)
		x = CALIB_X_MAX;
	double r = log10((double)(rank ? rank : 1) / l);
	f[0] = 1.0;
	f[1] = x;
	f[2] = r;
	f[3] = x * r;
}

double calib_prob(const calib_model *c, const double f[CALIB_NFEAT])
{
	double eta = 0.0;
	for (int k = 0; k < CALIB_NFEAT; k++)
		eta += c->beta[k] * f[k];
	return eta >= 0 ? 1.0 / (1.0 + exp(-eta)) : exp(eta) / (1.0 + exp(eta));
}

void calib_ranked(const calib_model *c, const contacts_pair *p, size_t n, const long *user, size_t L, double meff,
                  double *prob)
{
	size_t rank = 0;
	for (size_t k = 0; k < n; k++) {
		long sep = labs(user[p[k].j] - user[p[k].i]);
		double f[CALIB_NFEAT];
		calib_features(sep >= 6 ? ++rank : rank + 1, meff, L, f);
		prob[k] = calib_prob(c, f);
	}
}

/* Solve the K x K system A x = b in place (Gaussian elimination with partial pivoting). */
static int solve(double *A, double *b, int K)
{
	for (int c = 0; c < K; c++) {
		int piv = c;
		for (int r = c + 1; r < K; r++)
			if (fabs(A[r * K + c]) > fabs(A[piv * K + c]))
				piv = r;
		if (!(fabs(A[piv * K + c]) > 1e-300))
			return -1;
		if (piv != c) {
			for (int k = 0; k < K; k++) {
				double t = A[c * K + k];
				A[c * K + k] = A[piv * K + k];
				A[piv * K + k] = t;
			}
			double t = b[c];
			b[c] = b[piv];
			b[piv] = t;
		}
		for (int r = c + 1; r < K; r++) {
			double f = A[r * K + c] / A[c * K + c];
			for (int k = c; k < K; k++)
				A[r * K + k] -= f * A[c * K + k];
			b[r] -= f * b[c];
		}
	}
	for (int c = K - 1; c >= 0; c--) {
		for (int k = c + 1; k < K; k++)
			b[c] -= A[c * K + k] * b[k];
		b[c] /= A[c * K + c];
	}
	return 0;
}

/* One Newton step: H = X' W p(1-p) X + ridge, g = X' W (y - p) - ridge beta; beta += H^-1 g.
 * Returns the step's largest component, or -1 when H is singular. */
static double newton_step(const double *X, const unsigned char *y, const double *w, size_t n, double ridge,
                          calib_model *m)
{
	enum { K = CALIB_NFEAT };
	double H[K * K] = { 0 }, g[K] = { 0 };
	for (size_t s = 0; s < n; s++) {
		const double *f = X + s * K;
		double p = calib_prob(m, f), ws = w ? w[s] : 1.0, r = ws * ((double)y[s] - p), v = ws * p * (1.0 - p);
		for (int a = 0; a < K; a++) {
			g[a] += r * f[a];
			for (int b = 0; b < K; b++)
				H[a * K + b] += v * f[a] * f[b];
		}
	}
	for (int a = 1; a < K; a++) { /* the intercept is not penalised */
		H[a * K + a] += ridge;
		g[a] -= ridge * m->beta[a];
	}
	if (solve(H, g, K) != 0)
		return -1.0;
	double big = 0.0;
	for (int a = 0; a < K; a++) {
		m->beta[a] += g[a];
		if (fabs(g[a]) > big)
			big = fabs(g[a]);
	}
	return big;
}

int calib_fit(const double *X, const unsigned char *y, const double *w, size_t n, double ridge, calib_model *out,
              plm_err *err)
{
	if (n == 0)
		return plm_fail(err, PLM_EINVAL, "no pairs to fit");
	calib_model m;
	memset(&m, 0, sizeof m);
	for (int it = 0; it < 100; it++) {
		double step = newton_step(X, y, w, n, ridge, &m);
		if (step < 0.0)
			return plm_fail(err, PLM_EINVAL, "logistic fit: singular system (a feature without variation?)");
		if (step < 1e-10)
			break;
	}
	*out = m;
	return PLM_OK;
}
