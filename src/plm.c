/* plm: the per-site pseudo-likelihood objective and gradient.  The hot loops work on blocks
 * of sequences: gather the local fields from float rows of Q (= q padded) states, softmax,
 * scatter the weighted residuals.  No threads, no optimizer, no printing. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "plm.h"
#include "util.h"

/* Eight floats: GCC lowers it to two SSE registers on plain x86-64 and to one AVX register
 * in the avx2 clone of the kernel; element-wise operations only, so every clone gives the
 * same bits. */
typedef float v8sf __attribute__((vector_size(32)));
/* Vectors never cross a call boundary (the helpers are always inlined). */
#pragma GCC diagnostic ignored "-Wpsabi"
typedef int v8si __attribute__((vector_size(32)));

#define PLM_BLOCK 128   /* sequences per block: fields and residuals stay in L1 */
#define PLM_FLUSH 8     /* blocks summed in float before the gradient is added to doubles */

int plm_data_init(plm_data *d, const uint8_t *seq, const double *w, size_t n, size_t L, size_t q,
                  plm_err *err)
{
	memset(d, 0, sizeof *d);
	if (n == 0 || L == 0)
		return plm_fail(err, PLM_EINVAL, "no sequences or no positions to fit");
	if (q < 2 || q > 255)
		return plm_fail(err, PLM_EINVAL, "alphabet size %zu out of range (2 to 255)", q);
	size_t nl;
	if (size_mul(n, L, &nl) != 0)
		return plm_fail(err, PLM_ENOMEM, "alignment too large (%zu x %zu)", n, L);
	double tot = 0.0;
	for (size_t s = 0; s < n; s++) {
		double ws = w ? w[s] : 1.0;
		if (!(ws >= 0.0) || !isfinite(ws))
			return plm_fail(err, PLM_EINVAL, "weight %zu is negative or not finite", s + 1);
		tot += ws;
	}
	if (!(tot > 0.0))
		return plm_fail(err, PLM_EINVAL, "the sequence weights sum to zero");
	d->n = n;
	d->L = L;
	d->q = q;
	d->Q = (q + 7) / 8 * 8;
	d->seqT = plm_calloc_aligned(nl, 1, "transposed alignment", err);
	d->w = plm_calloc(n, sizeof *d->w, "weights", err);
	if (d->seqT == NULL || d->w == NULL) {
		plm_data_free(d);
		return PLM_ENOMEM;
	}
	for (size_t s = 0; s < n; s++) {
		d->w[s] = (w ? w[s] : 1.0) / tot;
		for (size_t j = 0; j < L; j++) {
			uint8_t a = seq[s * L + j];
			if (a >= q) {
				plm_data_free(d);
				return plm_fail(err, PLM_EINVAL, "sequence %zu, position %zu: state %u >= q = %zu",
				                s + 1, j + 1, (unsigned)a, q);
			}
			d->seqT[j * n + s] = a;
		}
	}
	return PLM_OK;
}

void plm_data_free(plm_data *d)
{
	if (d == NULL)
		return;
	free(d->seqT);
	free(d->w);
	memset(d, 0, sizeof *d);
}

size_t plm_work_bytes(size_t L, size_t q)
{
	size_t Q = (q + 7) / 8 * 8;
	size_t nvar = Q + L * q * Q;
	return nvar * sizeof(float) + L * q * Q * sizeof(float) + (size_t)PLM_BLOCK * Q * sizeof(float) +
	       Q * sizeof(double) + 4 * 64;
}

int plm_work_init(plm_work *ws, const plm_data *d, plm_err *err)
{
	memset(ws, 0, sizeof *ws);
	ws->nvar = plm_nvar(d);
	ws->x = plm_calloc_aligned(ws->nvar, sizeof(float), "site parameters", err);
	ws->gf = plm_calloc_aligned(d->L * d->q * d->Q, sizeof(float), "site gradient", err);
	ws->e = plm_calloc_aligned((size_t)PLM_BLOCK * d->Q, sizeof(float), "local fields", err);
	ws->gh = plm_calloc_aligned(d->Q, sizeof(double), "field gradient", err);
	if (!ws->x || !ws->gf || !ws->e || !ws->gh) {
		plm_work_free(ws);
		return PLM_ENOMEM;
	}
	return PLM_OK;
}

void plm_work_free(plm_work *ws)
{
	if (ws == NULL)
		return;
	free(ws->x);
	free(ws->gf);
	free(ws->e);
	free(ws->gh);
	memset(ws, 0, sizeof *ws);
}

/* exp(t) for t <= 0 on eight lanes (Cephes-style: 2^k times a degree-7 polynomial), with
 * t clamped at -87 so that 2^k stays a normal float.  Relative error about 2e-7. */
static inline __attribute__((always_inline)) v8sf vexp(v8sf t)
{
	const v8sf lo = { -87.f, -87.f, -87.f, -87.f, -87.f, -87.f, -87.f, -87.f };
	v8si below = t < lo;
	t = (v8sf)((below & (v8si)lo) | (~below & (v8si)t));
	v8sf kf = t * 1.44269504088896341f - 0.5f;
	v8si k = __builtin_convertvector(kf, v8si); /* truncation: round(t log2 e) within 1 */
	kf = __builtin_convertvector(k, v8sf);
	v8sf r = t - kf * 0.693359375f;
	r = r - kf * -2.12194440e-4f;
	v8sf p = r * 1.9875691500e-4f + 1.3981999507e-3f;
	p = p * r + 8.3334519073e-3f;
	p = p * r + 4.1665795894e-2f;
	p = p * r + 1.6666665459e-1f;
	p = p * r + 5.0000001201e-1f;
	p = p * (r * r) + r + 1.0f;
	v8si bits = (k + 127) << 23;
	v8sf two_k;
	memcpy(&two_k, &bits, sizeof two_k);
	return p * two_k;
}

/* One block: fields of nb sequences starting at s0 into E (nb x nv vectors). */
static inline __attribute__((always_inline)) void gather(size_t nv, size_t n, size_t L, size_t q,
                                                         size_t i, size_t s0, size_t nb,
                                                         const uint8_t *seqT, const v8sf *h,
                                                         const v8sf *J, v8sf *E)
{
	for (size_t s = 0; s < nb; s++)
		for (size_t v = 0; v < nv; v++)
			E[s * nv + v] = h[v];
	for (size_t j = 0; j < L; j++) {
		if (j == i)
			continue;
		const uint8_t *c = seqT + j * n + s0;
		const v8sf *Jj = J + j * q * nv;
		for (size_t s = 0; s < nb; s++) {
			const v8sf *r = Jj + (size_t)c[s] * nv;
			v8sf *es = E + s * nv;
			for (size_t v = 0; v < nv; v++)
				es[v] += r[v];
		}
	}
}

static inline __attribute__((always_inline)) void scatter(size_t nv, size_t n, size_t L, size_t q,
                                                          size_t i, size_t s0, size_t nb,
                                                          const uint8_t *seqT, const v8sf *E,
                                                          v8sf *G)
{
	for (size_t j = 0; j < L; j++) {
		if (j == i)
			continue;
		const uint8_t *c = seqT + j * n + s0;
		v8sf *Gj = G + j * q * nv;
		for (size_t s = 0; s < nb; s++) {
			v8sf *r = Gj + (size_t)c[s] * nv;
			const v8sf *es = E + s * nv;
			for (size_t v = 0; v < nv; v++)
				r[v] += es[v];
		}
	}
}

/* Softmax of each row of E in place -> weighted residuals w_s (p_s - e_{a_i^s}); returns the
 * block's sum of w_s (-log P).  Field gradient added to gh. */
static inline __attribute__((always_inline)) double softmax(size_t nv, size_t q, size_t nb,
                                                            const uint8_t *ci, const double *w,
                                                            v8sf *E, double *gh)
{
	const size_t Q = nv * 8;
	double f = 0.0;
	for (size_t s = 0; s < nb; s++) {
		float *es = (float *)(E + s * nv);
		float mx = es[0];
		for (size_t a = 1; a < q; a++)
			mx = es[a] > mx ? es[a] : mx;
		for (size_t a = q; a < Q; a++)
			es[a] = mx - 100.f; /* padding: finite, overwritten below */
		size_t ai = ci[s];
		float tai = es[ai] - mx;
		v8sf *ev = E + s * nv;
		for (size_t v = 0; v < nv; v++)
			ev[v] = vexp(ev[v] - mx);
		float z = 0.f;
		for (size_t a = 0; a < q; a++)
			z += es[a];
		float lp = tai - logf(z); /* log P(a_i^s) */
		double wsd = w[s];
		f -= wsd * (double)lp;
		float scale = (float)wsd / z;
		for (size_t a = 0; a < q; a++)
			es[a] *= scale;
		es[ai] -= (float)wsd;
		for (size_t a = q; a < Q; a++)
			es[a] = 0.f;
		for (size_t a = 0; a < q; a++)
			gh[a] += es[a];
	}
	return f;
}

static inline __attribute__((always_inline)) double kernel_body(size_t nv, const plm_data *d,
                                                                size_t i, const float *x, float *gf,
                                                                float *e, double *g, double *gh)
{
	const size_t n = d->n, L = d->L, q = d->q, Q = d->Q;
	const v8sf *h = (const v8sf *)x;
	const v8sf *J = (const v8sf *)(x + Q);
	v8sf *E = (v8sf *)e;
	v8sf *G = (v8sf *)gf;
	double f = 0.0;
	size_t since_flush = 0;
	for (size_t s0 = 0; s0 < n; s0 += PLM_BLOCK) {
		size_t nb = n - s0 < PLM_BLOCK ? n - s0 : PLM_BLOCK;
		gather(nv, n, L, q, i, s0, nb, d->seqT, h, J, E);
		f += softmax(nv, q, nb, d->seqT + i * n + s0, d->w + s0, E, gh);
		scatter(nv, n, L, q, i, s0, nb, d->seqT, E, G);
		if (++since_flush == PLM_FLUSH || s0 + nb == n) {
			since_flush = 0;
			for (size_t j = 0; j < L; j++) {
				if (j == i)
					continue;
				float *gj = gf + j * q * Q;
				double *dj = g + Q + j * q * Q;
				for (size_t k = 0; k < q * Q; k++) {
					dj[k] += gj[k];
					gj[k] = 0.f;
				}
			}
		}
	}
	return f;
}

__attribute__((target_clones("avx2", "default")))
static double kernel(const plm_data *d, size_t i, const float *x, float *gf, float *e, double *g,
                     double *gh)
{
	switch (d->Q / 8) {
	case 1:
		return kernel_body(1, d, i, x, gf, e, g, gh);
	case 3:
		return kernel_body(3, d, i, x, gf, e, g, gh);
	default:
		return kernel_body(d->Q / 8, d, i, x, gf, e, g, gh);
	}
}

double plm_site_eval(const plm_data *d, size_t i, const plm_site_opts *o, const double *x, double *g,
                     plm_work *ws)
{
	const size_t q = d->q, Q = d->Q, nvar = plm_nvar(d);
	for (size_t k = 0; k < nvar; k++)
		ws->x[k] = (float)x[k];
	if (o->no_fields)
		memset(ws->x, 0, Q * sizeof *ws->x);
	memset(g, 0, nvar * sizeof *g);
	memset(ws->gh, 0, Q * sizeof *ws->gh);
	double f = kernel(d, i, ws->x, ws->gf, ws->e, g, ws->gh);
	/* regularisation, in double on the double parameters */
	double rh = 0.0, rj = 0.0;
	if (!o->no_fields) {
		for (size_t a = 0; a < q; a++) {
			rh += x[a] * x[a];
			g[a] = ws->gh[a] + 2.0 * o->lambda_h * x[a];
		}
	}
	for (size_t j = 0; j < d->L; j++) {
		if (j == i)
			continue;
		const double *xj = x + Q + j * q * Q;
		double *gj = g + Q + j * q * Q;
		for (size_t b = 0; b < q; b++)
			for (size_t a = 0; a < q; a++) {
				rj += xj[b * Q + a] * xj[b * Q + a];
				gj[b * Q + a] += 2.0 * o->lambda_j * xj[b * Q + a];
			}
	}
	return f + o->lambda_h * rh + o->lambda_j * rj;
}

double plm_site_eval_ref(const plm_data *d, size_t i, const plm_site_opts *o, const double *x,
                         double *g)
{
	const size_t n = d->n, L = d->L, q = d->q, Q = d->Q, nvar = plm_nvar(d);
	double e[256] = { 0 }, p[256] = { 0 };
	double f = 0.0;
	memset(g, 0, nvar * sizeof *g);
	for (size_t s = 0; s < n; s++) {
		for (size_t a = 0; a < q; a++) {
			e[a] = o->no_fields ? 0.0 : x[a];
			for (size_t j = 0; j < L; j++)
				if (j != i)
					e[a] += x[Q + (j * q + d->seqT[j * n + s]) * Q + a];
		}
		double mx = e[0];
		for (size_t a = 1; a < q; a++)
			mx = fmax(mx, e[a]);
		double z = 0.0;
		for (size_t a = 0; a < q; a++)
			z += exp(e[a] - mx);
		size_t ai = d->seqT[i * n + s];
		f -= d->w[s] * (e[ai] - mx - log(z));
		for (size_t a = 0; a < q; a++) {
			p[a] = d->w[s] * (exp(e[a] - mx) / z - (a == ai ? 1.0 : 0.0));
			if (!o->no_fields)
				g[a] += p[a];
			for (size_t j = 0; j < L; j++)
				if (j != i)
					g[Q + (j * q + d->seqT[j * n + s]) * Q + a] += p[a];
		}
	}
	if (!o->no_fields)
		for (size_t a = 0; a < q; a++) {
			f += o->lambda_h * x[a] * x[a];
			g[a] += 2.0 * o->lambda_h * x[a];
		}
	for (size_t j = 0; j < L; j++)
		if (j != i)
			for (size_t b = 0; b < q; b++)
				for (size_t a = 0; a < q; a++) {
					double v = x[Q + (j * q + b) * Q + a];
					f += o->lambda_j * v * v;
					g[Q + (j * q + b) * Q + a] += 2.0 * o->lambda_j * v;
				}
	return f;
}
