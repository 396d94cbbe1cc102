/* lbfgs: L-BFGS (two-loop recursion) with a strong-Wolfe line search after Nocedal & Wright,
 * Numerical Optimization, algorithms 3.5 and 3.6.  Sequential, deterministic, no printing. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lbfgs.h"
#include "util.h"

#define LS_C1 1e-4       /* sufficient decrease */
#define LS_C2 0.9        /* curvature (loose: the usual choice for quasi-Newton) */
#define LS_MAX_EVALS 30  /* evaluations per line search */
#define LS_EPS_F 1e-6    /* relative slack on f in the approximate Wolfe test */

int lbfgs_work_init(lbfgs_work *w, size_t n, size_t m, plm_err *err)
{
	memset(w, 0, sizeof *w);
	if (m == 0)
		m = 1;
	w->n = w->cap = n;
	w->m = m;
	w->nw = NULL;
	size_t mn;
	if (size_mul(m, n, &mn) != 0)
		return plm_fail(err, PLM_ENOMEM, "L-BFGS history too large");
	w->s = plm_calloc_aligned(mn, sizeof(float), "L-BFGS history", err);
	w->y = plm_calloc_aligned(mn, sizeof(float), "L-BFGS history", err);
	w->rho = plm_calloc(m, sizeof(double), "L-BFGS history", err);
	w->yy = plm_calloc(m, sizeof(double), "L-BFGS history", err);
	w->alpha = plm_calloc(m, sizeof(double), "L-BFGS history", err);
	w->x = plm_calloc_aligned(n, sizeof(double), "L-BFGS vectors", err);
	w->g = plm_calloc_aligned(n, sizeof(double), "L-BFGS vectors", err);
	w->xt = plm_calloc_aligned(n, sizeof(double), "L-BFGS vectors", err);
	w->gt = plm_calloc_aligned(n, sizeof(double), "L-BFGS vectors", err);
	w->d = plm_calloc_aligned(n, sizeof(float), "L-BFGS vectors", err);
	if (!w->s || !w->y || !w->rho || !w->yy || !w->alpha || !w->x || !w->g || !w->xt || !w->gt || !w->d) {
		lbfgs_work_free(w);
		return PLM_ENOMEM;
	}
	return PLM_OK;
}

int lbfgs_work_resize(lbfgs_work *w, size_t n)
{
	if (n > w->cap)
		return PLM_EINVAL;
	w->n = n;
	return PLM_OK;
}

double *lbfgs_work_scratch(lbfgs_work *w)
{
	return w->g;
}

void lbfgs_work_set_norm_weights(lbfgs_work *w, const double *nw)
{
	w->nw = nw;
}

void lbfgs_work_set_ftol(lbfgs_work *w, double ftol, size_t win)
{
	w->ftol = ftol > 0.0 ? ftol : 0.0;
	w->fwin = win < 1 ? 1 : win > LBFGS_FWIN_MAX ? LBFGS_FWIN_MAX : win;
}

void lbfgs_work_free(lbfgs_work *w)
{
	if (w == NULL)
		return;
	free(w->s);
	free(w->y);
	free(w->rho);
	free(w->yy);
	free(w->alpha);
	free(w->x);
	free(w->g);
	free(w->xt);
	free(w->gt);
	free(w->d);
	memset(w, 0, sizeof *w);
}

size_t lbfgs_work_bytes(size_t n, size_t m)
{
	return (2 * m + 1) * n * sizeof(float) + 4 * n * sizeof(double) + 3 * m * sizeof(double) + 10 * 64;
}

/* Vector helpers: four doubles per operation (two SSE2 registers, or one AVX register in the
 * avx2 clones), in a fixed order, so every clone and thread count gives the same bits. */
typedef double v4d __attribute__((vector_size(32), aligned(8)));

PLM_CLONES
static double dot(const double *a, const double *b, size_t n)
{
	const v4d *av = (const v4d *)a, *bv = (const v4d *)b;
	v4d s0 = { 0 }, s1 = { 0 };
	size_t k = 0, n4 = n / 4;
	for (; k + 1 < n4; k += 2) {
		s0 += av[k] * bv[k];
		s1 += av[k + 1] * bv[k + 1];
	}
	if (k < n4)
		s0 += av[k] * bv[k];
	s0 += s1;
	double s = (s0[0] + s0[1]) + (s0[2] + s0[3]);
	for (k = 4 * n4; k < n; k++)
		s += a[k] * b[k];
	return s;
}

typedef float v4f __attribute__((vector_size(16), aligned(4)));
typedef float v8f __attribute__((vector_size(32), aligned(4)));

#define CHUNK 32 /* eight-float vectors summed in float before a dot product goes to double */

/* The search direction is kept in float (as the history): the two-loop recursion is then
 * float arithmetic on float vectors, half the memory traffic and no conversions; its dot
 * products are summed in float over CHUNK vectors, then in double, in a fixed order. */

/* v8f . v8f over one chunk, added to the double accumulators */
#define ACC_CHUNK(acc, s0, s1)                                                                    \
	do {                                                                                      \
		v4f lo_ = { (acc)[0], (acc)[1], (acc)[2], (acc)[3] };                              \
		v4f hi_ = { (acc)[4], (acc)[5], (acc)[6], (acc)[7] };                              \
		(s0) += __builtin_convertvector(lo_, v4d);                                          \
		(s1) += __builtin_convertvector(hi_, v4d);                                          \
	} while (0)

/* d = (float)(-g); returns u . d (0 when u is NULL) */
PLM_CLONES
static double negf(float *d, const double *g, const float *u, size_t n)
{
	const v4d *gv = (const v4d *)g;
	v4f *dv = (v4f *)d;
	const v4f *uv = (const v4f *)u;
	size_t n4 = n / 4;
	v4d s0 = { 0 };
	for (size_t k = 0; k < n4; k++) {
		v4f t = __builtin_convertvector(-gv[k], v4f);
		dv[k] = t;
		if (u)
			s0 += __builtin_convertvector(uv[k] * t, v4d);
	}
	double s = (s0[0] + s0[1]) + (s0[2] + s0[3]);
	for (size_t k = 4 * n4; k < n; k++) {
		d[k] = (float)-g[k];
		if (u)
			s += (double)(u[k] * d[k]);
	}
	return s;
}

/* d = a d + b u (float); returns v . d (the updated d).  One pass. */
PLM_CLONES
static double updf(float *d, float a, float b, const float *u, const float *v, size_t n)
{
	v8f *dv = (v8f *)d;
	const v8f *uv = (const v8f *)u, *vv = (const v8f *)v;
	size_t n8 = n / 8;
	v4d s0 = { 0 }, s1 = { 0 };
	if (a == 1.f) { /* the same bits as below, one multiplication fewer */
		for (size_t c = 0; c < n8; c += CHUNK) {
			size_t e = c + CHUNK < n8 ? c + CHUNK : n8;
			v8f acc = { 0 };
			for (size_t k = c; k < e; k++) {
				v8f t = dv[k] + b * uv[k];
				dv[k] = t;
				acc += vv[k] * t;
			}
			ACC_CHUNK(acc, s0, s1);
		}
	} else {
		for (size_t c = 0; c < n8; c += CHUNK) {
			size_t e = c + CHUNK < n8 ? c + CHUNK : n8;
			v8f acc = { 0 };
			for (size_t k = c; k < e; k++) {
				v8f t = a * dv[k] + b * uv[k];
				dv[k] = t;
				acc += vv[k] * t;
			}
			ACC_CHUNK(acc, s0, s1);
		}
	}
	s0 += s1;
	double s = (s0[0] + s0[1]) + (s0[2] + s0[3]);
	for (size_t k = 8 * n8; k < n; k++) {
		d[k] = a * d[k] + b * u[k];
		s += (double)(v[k] * d[k]);
	}
	return s;
}

/* The last step: d = a d + b u (float, the same bits as updf); returns g . d in double. */
PLM_CLONES
static double updg(float *d, float a, float b, const float *u, const double *g, size_t n)
{
	v4f *dv = (v4f *)d;
	const v4f *uv = (const v4f *)u;
	const v4d *gv = (const v4d *)g;
	size_t n4 = n / 4;
	v4d s0 = { 0 };
	if (a == 1.f)
		for (size_t k = 0; k < n4; k++) {
			v4f t = dv[k] + b * uv[k];
			dv[k] = t;
			s0 += gv[k] * __builtin_convertvector(t, v4d);
		}
	else
		for (size_t k = 0; k < n4; k++) {
			v4f t = a * dv[k] + b * uv[k];
			dv[k] = t;
			s0 += gv[k] * __builtin_convertvector(t, v4d);
		}
	double s = (s0[0] + s0[1]) + (s0[2] + s0[3]);
	for (size_t k = 4 * n4; k < n; k++) {
		d[k] = a * d[k] + b * u[k];
		s += g[k] * (double)d[k];
	}
	return s;
}

/* g . d with d in float */
PLM_CLONES
static double dotdf(const double *g, const float *d, size_t n)
{
	const v4d *gv = (const v4d *)g;
	const v4f *dv = (const v4f *)d;
	v4d s0 = { 0 }, s1 = { 0 };
	size_t k = 0, n4 = n / 4;
	for (; k + 1 < n4; k += 2) {
		s0 += gv[k] * __builtin_convertvector(dv[k], v4d);
		s1 += gv[k + 1] * __builtin_convertvector(dv[k + 1], v4d);
	}
	if (k < n4)
		s0 += gv[k] * __builtin_convertvector(dv[k], v4d);
	s0 += s1;
	double s = (s0[0] + s0[1]) + (s0[2] + s0[3]);
	for (k = 4 * n4; k < n; k++)
		s += g[k] * (double)d[k];
	return s;
}

/* z = x + a d with d in float */
PLM_CLONES
static void axpyf(double *z, const double *x, double a, const float *d, size_t n)
{
	v4d *zv = (v4d *)z;
	const v4d *xv = (const v4d *)x;
	const v4f *dv = (const v4f *)d;
	size_t n4 = n / 4;
	for (size_t k = 0; k < n4; k++)
		zv[k] = xv[k] + a * __builtin_convertvector(dv[k], v4d);
	for (size_t k = 4 * n4; k < n; k++)
		z[k] = x[k] + a * (double)d[k];
}

/* The new history pair in one pass: s = (float)(xt - x), y = (float)(gt - g); returns s . y
 * and sets *yy = y . y (both from the float values) and *gg = gt . gt. */
PLM_CLONES
static double newpair(float *s, float *y, const double *xt, const double *x, const double *gt,
                      const double *g, size_t n, double *yy, double *gg)
{
	v4f *sv = (v4f *)s, *yv = (v4f *)y;
	const v4d *xtv = (const v4d *)xt, *xv = (const v4d *)x, *gtv = (const v4d *)gt, *gv = (const v4d *)g;
	size_t n4 = n / 4;
	v4d a0 = { 0 }, a1 = { 0 }, a2 = { 0 };
	for (size_t k = 0; k < n4; k++) {
		v4f sf = __builtin_convertvector(xtv[k] - xv[k], v4f);
		v4f yf = __builtin_convertvector(gtv[k] - gv[k], v4f);
		sv[k] = sf;
		yv[k] = yf;
		v4d sd = __builtin_convertvector(sf, v4d), yd = __builtin_convertvector(yf, v4d);
		a0 += sd * yd;
		a1 += yd * yd;
		a2 += gtv[k] * gtv[k];
	}
	double sy = (a0[0] + a0[1]) + (a0[2] + a0[3]);
	double y2 = (a1[0] + a1[1]) + (a1[2] + a1[3]);
	double g2 = (a2[0] + a2[1]) + (a2[2] + a2[3]);
	for (size_t k = 4 * n4; k < n; k++) {
		s[k] = (float)(xt[k] - x[k]);
		y[k] = (float)(gt[k] - g[k]);
		sy += (double)s[k] * (double)y[k];
		y2 += (double)y[k] * (double)y[k];
		g2 += gt[k] * gt[k];
	}
	*yy = y2;
	*gg = g2;
	return sy;
}

/* Minimiser of the cubic through (a, fa, da) and (b, fb, db), kept inside the interval
 * shrunk by 10% at each end; bisection when the cubic is useless. */
static double cubic_step(double a, double fa, double da, double b, double fb, double db)
{
	double lo = a < b ? a : b, hi = a < b ? b : a;
	double d1 = da + db - 3.0 * (fa - fb) / (a - b);
	double disc = d1 * d1 - da * db;
	double t = 0.5 * (a + b);
	if (disc >= 0.0) {
		double d2 = (b > a ? 1.0 : -1.0) * sqrt(disc);
		double den = db - da + 2.0 * d2;
		if (den != 0.0) {
			double c = b - (b - a) * (db + d2 - d1) / den;
			if (isfinite(c))
				t = c;
		}
	}
	double margin = 0.1 * (hi - lo);
	if (!(t >= lo + margin && t <= hi - margin))
		t = 0.5 * (a + b);
	return t;
}

/* ---- the minimiser as a state machine (reverse communication) --------------------------
 * lbfgs_tell() receives f at w->xe (its gradient already in w->ge) and either asks for the
 * next evaluation (returns 1, w->xe and w->ge set) or finishes (returns 0).  The phases:
 * RC_INIT (the starting point), RC_BRACKET (line search, extrapolating: Nocedal & Wright 3.5),
 * RC_ZOOM (3.6), RC_RETRY (the line search failed: its best decreasing point re-evaluated). */
enum { RC_INIT, RC_BRACKET, RC_ZOOM, RC_RETRY, RC_DONE };

/* Ask for an evaluation at x + a d (into xt, gt). */
static int rc_eval_at(lbfgs_work *w, double a, int phase)
{
	axpyf(w->xt, w->x, a, w->d, w->n);
	w->xe = w->xt;
	w->ge = w->gt;
	w->rc.a = a;
	w->rc.phase = phase;
	return 1;
}

static int rc_done(lbfgs_work *w)
{
	w->rc.phase = RC_DONE;
	w->xe = w->ge = NULL;
	return 0;
}

/* Sufficient decrease at step a: Armijo, or, once f is too flat for its rounding errors to
 * show a decrease, Hager and Zhang's approximate Wolfe condition (f no higher than phi0
 * plus a relative slack and the slope cut by the factor 1 - 2 c1), which rests on the
 * gradient, computed more accurately than differences of f. */
static int decrease_ok(double f, double da, double a, double phi0, double dphi0)
{
	if (!isfinite(f))
		return 0;
	if (f <= phi0 + LS_C1 * a * dphi0)
		return 1;
	return f <= phi0 + LS_EPS_F * fabs(phi0) && da <= (2.0 * LS_C1 - 1.0) * dphi0;
}

/* The norm of the convergence test: sqrt(sum_k nw_k g_k^2), or the Euclidean norm. */
static double conv_norm(const lbfgs_work *w, const double *g, double plain)
{
	if (w->nw == NULL)
		return plain;
	double s = 0.0;
	for (size_t k = 0; k < w->n; k++)
		s += w->nw[k] * g[k] * g[k];
	return sqrt(s);
}

/* Either convergence test after iteration c->k (f = c->f): the gradient's norm, or the
 * relative decrease of f over the last fwin iterations,
 *     f_{k - fwin} - f_k <= ftol |f_k|,
 * which measures the progress L-BFGS still makes on the objective itself, in its own units:
 * when the penalty is weak, the gradient keeps a norm above an absolute tolerance for many
 * iterations that no longer move f (or what is computed from the parameters). */
static int converged(lbfgs_work *w)
{
	struct lbfgs_rc *c = &w->rc;
	int done = c->cnorm <= c->tol;
	if (w->ftol > 0.0) {
		double *old = &c->fh[c->k % w->fwin]; /* f_{k - fwin} when k >= fwin */
		if (c->k >= w->fwin && *old - c->f <= w->ftol * fabs(c->f))
			done = 1;
		*old = c->f;
	}
	return done;
}

/* The next iteration: the direction d = -H g by the two-loop recursion and the first trial
 * step of its line search; or the end (converged or out of iterations). */
static int rc_iterate(lbfgs_work *w)
{
	struct lbfgs_rc *c = &w->rc;
	const size_t n = w->n, m = w->m;
	if (c->status == LBFGS_CONVERGED || c->k >= c->max_iter)
		return rc_done(w);
	/* each step of the recursion fused with the next dot product (history pair r = 0 is the
	 * newest) */
#define PAIR(r) ((c->head + m - 1 - (r)) % m)
	double dd = negf(w->d, w->g, c->nhist > 0 ? w->s + PAIR(0) * n : NULL, n); /* d = -g */
	double dg = 0.0; /* set by the last step of the two-loop recursion (gcc -O1 with ASan cannot see it) */
	if (c->nhist > 0) {
		size_t newest = PAIR(0), oldest = PAIR(c->nhist - 1);
		double gamma = 1.0 / (w->rho[newest] * w->yy[newest]);
		for (size_t r = 0; r < c->nhist; r++) {
			size_t idx = PAIR(r);
			double al = w->rho[idx] * dd;
			w->alpha[idx] = al;
			const float *next = r + 1 < c->nhist ? w->s + PAIR(r + 1) * n : w->y + oldest * n;
			dd = updf(w->d, 1.f, (float)-al, w->y + idx * n, next, n);
		}
		/* dd = y_oldest . d; the scaling by gamma is folded into the first step, and the
		 * last step returns g . d */
		double scale = gamma;
		dd *= gamma;
		for (size_t r = c->nhist; r-- > 0;) {
			size_t idx = PAIR(r);
			double be = w->rho[idx] * dd;
			float a = (float)scale, b = (float)(w->alpha[idx] - be);
			if (r > 0)
				dd = updf(w->d, a, b, w->s + idx * n, w->y + PAIR(r - 1) * n, n);
			else
				dg = updg(w->d, a, b, w->s + idx * n, w->g, n);
			scale = 1.0;
		}
	} else
		dg = dotdf(w->g, w->d, n);
#undef PAIR
	if (!(dg < 0.0)) { /* not a descent direction: restart from steepest descent */
		c->nhist = 0;
		negf(w->d, w->g, NULL, n);
		dg = dotdf(w->g, w->d, n);
	}
	/* the line search from x along d */
	c->phi0 = c->f;
	c->dphi0 = dg;
	c->slack = LS_EPS_F * fabs(c->phi0);
	c->a_prev = 0.0, c->f_prev = c->phi0, c->d_prev = dg;
	c->ls_it = 0;
	c->ls_start = c->evals;
	return rc_eval_at(w, c->nhist == 0 ? fmin(1.0, 1.0 / c->gnorm) : 1.0, RC_BRACKET);
}

/* The line search found the step (xt, gt, f): update the history with s = xt - x,
 * y = gt - g, move, test convergence and go on. */
static int rc_accept(lbfgs_work *w, double fnew)
{
	struct lbfgs_rc *c = &w->rc;
	const size_t n = w->n, m = w->m;
	float *sv = w->s + c->head * n, *yv = w->y + c->head * n;
	double yy, gg;
	double sy = newpair(sv, yv, w->xt, w->x, w->gt, w->g, n, &yy, &gg);
	if (!(sy > 0.0) && c->nhist == m)
		c->nhist--; /* the pair is dropped, but it overwrote the oldest one's slot */
	if (sy > 0.0) {
		w->rho[c->head] = 1.0 / sy;
		w->yy[c->head] = yy;
		c->head = (c->head + 1) % m;
		if (c->nhist < m)
			c->nhist++;
	}
	double *tp = w->x; w->x = w->xt; w->xt = tp;
	tp = w->g; w->g = w->gt; w->gt = tp;
	c->f = fnew;
	c->gnorm = sqrt(gg);
	c->cnorm = conv_norm(w, w->g, c->gnorm);
	c->k++;
	if (converged(w))
		c->status = LBFGS_CONVERGED;
	return rc_iterate(w);
}

/* No step satisfies the conditions: re-evaluate the best point that decreased f (Armijo
 * holds there), if any, and take it; else stop where we are. */
static int rc_ls_fail(lbfgs_work *w)
{
	struct lbfgs_rc *c = &w->rc;
	if (c->alo > 0.0 && c->flo < c->phi0)
		return rc_eval_at(w, c->alo, RC_RETRY);
	c->status = LBFGS_LINESEARCH;
	return rc_done(w);
}

/* The zoom's next trial inside [alo, ahi] (alo satisfies sufficient decrease and has the
 * lower value), or the failure when the interval or the evaluations are exhausted. */
static int rc_zoom(lbfgs_work *w)
{
	struct lbfgs_rc *c = &w->rc;
	if (c->evals - c->ls_start >= LS_MAX_EVALS)
		return rc_ls_fail(w);
	double t;
	if (!isfinite(c->fhi))
		t = 0.5 * (c->alo + c->ahi);
	else if (fabs(c->fhi - c->flo) <= c->slack && c->dlo != c->dhi) {
		/* f is flat to rounding: secant on the slope, kept inside the interval */
		double lo = fmin(c->alo, c->ahi), hi = fmax(c->alo, c->ahi), mg = 0.1 * (hi - lo);
		t = c->alo - c->dlo * (c->ahi - c->alo) / (c->dhi - c->dlo);
		if (!(t >= lo + mg && t <= hi - mg))
			t = 0.5 * (c->alo + c->ahi);
	} else
		t = cubic_step(c->alo, c->flo, c->dlo, c->ahi, c->fhi, c->dhi);
	if (fabs(c->ahi - c->alo) <= 1e-12 * fabs(c->alo) || t == c->alo || t == c->ahi)
		return rc_ls_fail(w);
	return rc_eval_at(w, t, RC_ZOOM);
}

/* Strong-Wolfe line search, one evaluation (f at step c->a) at a time. */
static int rc_bracket(lbfgs_work *w, double f, double da)
{
	struct lbfgs_rc *c = &w->rc;
	const double a = c->a;
	if (!decrease_ok(f, da, a, c->phi0, c->dphi0) || (c->ls_it > 0 && f > c->f_prev + c->slack)) {
		c->alo = c->a_prev, c->flo = c->f_prev, c->dlo = c->d_prev;
		c->ahi = a, c->fhi = isfinite(f) ? f : INFINITY, c->dhi = isfinite(da) ? da : 0.0;
		return rc_zoom(w);
	}
	if (fabs(da) <= -LS_C2 * c->dphi0)
		return rc_accept(w, f);
	if (da >= 0.0) {
		c->alo = a, c->flo = f, c->dlo = da;
		c->ahi = c->a_prev, c->fhi = c->f_prev, c->dhi = c->d_prev;
		return rc_zoom(w);
	}
	if (c->evals - c->ls_start >= LS_MAX_EVALS) {
		c->alo = a, c->flo = f;
		return rc_ls_fail(w);
	}
	c->a_prev = a, c->f_prev = f, c->d_prev = da;
	c->ls_it++;
	return rc_eval_at(w, a * 4.0, RC_BRACKET); /* extrapolate */
}

static int rc_zoom_eval(lbfgs_work *w, double f, double da)
{
	struct lbfgs_rc *c = &w->rc;
	const double t = c->a;
	if (!decrease_ok(f, da, t, c->phi0, c->dphi0) || f > c->flo + c->slack) {
		c->ahi = t, c->fhi = isfinite(f) ? f : INFINITY, c->dhi = isfinite(da) ? da : 0.0;
	} else {
		if (fabs(da) <= -LS_C2 * c->dphi0)
			return rc_accept(w, f);
		if (da * (c->ahi - c->alo) >= 0.0)
			c->ahi = c->alo, c->fhi = c->flo, c->dhi = c->dlo;
		c->alo = t, c->flo = f, c->dlo = da;
	}
	return rc_zoom(w);
}

void lbfgs_begin(lbfgs_work *w, const double *x, double tol, size_t max_iter)
{
	memset(&w->rc, 0, sizeof w->rc);
	w->rc.tol = tol;
	w->rc.max_iter = max_iter;
	w->rc.phase = RC_INIT;
	memcpy(w->x, x, w->n * sizeof *x);
	w->xe = w->x;
	w->ge = w->g;
}

int lbfgs_tell(lbfgs_work *w, double f)
{
	struct lbfgs_rc *c = &w->rc;
	c->evals++;
	switch (c->phase) {
	case RC_INIT:
		c->f = f;
		c->gnorm = sqrt(dot(w->g, w->g, w->n));
		c->cnorm = conv_norm(w, w->g, c->gnorm);
		c->status = converged(w) ? LBFGS_CONVERGED : LBFGS_MAX_ITER;
		return rc_iterate(w);
	case RC_BRACKET:
		return rc_bracket(w, f, dotdf(w->gt, w->d, w->n));
	case RC_ZOOM:
		return rc_zoom_eval(w, f, dotdf(w->gt, w->d, w->n));
	case RC_RETRY:
		return rc_accept(w, f);
	default:
		return rc_done(w);
	}
}

void lbfgs_end(const lbfgs_work *w, double *x, lbfgs_result *res)
{
	const struct lbfgs_rc *c = &w->rc;
	memcpy(x, w->x, w->n * sizeof *x);
	res->status = c->status;
	res->iters = c->k;
	res->evals = c->evals;
	res->f = c->f;
	res->gnorm = c->cnorm;
}

void lbfgs_minimize(double *x, lbfgs_eval_fn fn, void *ctx, double tol, size_t max_iter,
                    lbfgs_work *w, lbfgs_result *res)
{
	lbfgs_begin(w, x, tol, max_iter);
	while (lbfgs_tell(w, fn(ctx, w->xe, w->ge)))
		;
	lbfgs_end(w, x, res);
}
