/* fitbin: the batched q = 2 fit.  All unfinished sites run in lockstep: each round, every one
 * of them asks its L-BFGS for one evaluation, and the data terms of all of them are computed
 * together, chunk by chunk of patterns, as two sgemm per fixed block of sites.  It neither
 * prints nor parses; BLAS must be single-threaded (it is called inside the OpenMP region).
 *
 * With S the n x L spin matrix (+-1), K the L x A matrix whose column a holds active site
 * i_a's couplings k (row i_a zero) and B_a its bias, one round computes
 *   D = S K + 1 B^T,   R_sa = w_s (sigma(D_sa) - y_s,i_a),   G = S^T R,
 * f_a = sum_s w_s (log(1 + e^D_sa) - y D_sa) and gB_a = sum_s R_sa, which is what
 * pl_bin_eval computes for each site with two sgemv.  The spins stay bytes (pl_data's
 * transposed seqT) and are converted to floats one chunk of FITBIN_CHUNK patterns at a time.
 *
 * Thread invariance: the work is cut into pieces fixed by the problem and the number of
 * active sites only, never by the thread count: a chunk of patterns (fixed boundaries) times
 * a block of sites (nblocks() of A).  Within a chunk each block is one thread's two sgemm
 * calls (single-threaded BLAS: the same call gives the same bits on any thread); G
 * accumulates over chunks in chunk order (sgemm's beta = 1), and f, gB in pattern order
 * (the same order as pl_bin_eval).  OpenMP only decides which thread runs a block. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "fitbin.h"
#include "util.h"

#define BLOCK_MAX 128 /* sites per block at most */

/* Blocks of sites for A active ones: a multiple of 4 blocks of at most BLOCK_MAX sites
 * when there are many (balanced over 1, 2 or 4 threads), blocks of 16 sites when few. */
static size_t nblocks(size_t A)
{
	if (A >= 64)
		return 4 * ((A + 4 * BLOCK_MAX - 1) / (4 * BLOCK_MAX));
	return (A + 15) / 16;
}

static size_t max_threads(void)
{
#ifdef _OPENMP
	return (size_t)omp_get_max_threads();
#else
	return 1;
#endif
}

static size_t thread_id(void)
{
#ifdef _OPENMP
	return (size_t)omp_get_thread_num();
#else
	return 0;
#endif
}

/* Sites fitted at once: all of them, unless their L-BFGS histories would exceed
 * WINDOW_BYTES; then a window of W sites, a finished site's place taken by the next one. */
#define WINDOW_BYTES ((size_t)1 << 30)
#define WINDOW_MIN 256

static size_t window(size_t L, size_t lbfgs_m, size_t want)
{
	if (want > 0)
		return want < L ? want : L;
	size_t per = lbfgs_work_bytes(L + 1, lbfgs_m ? lbfgs_m : 1) + sizeof(lbfgs_work);
	size_t W = WINDOW_BYTES / per;
	W = W < WINDOW_MIN ? WINDOW_MIN : W;
	return W < L ? W : L;
}

size_t fitbin_memory_bytes(size_t n, size_t L, size_t lbfgs_m, size_t nthreads)
{
	(void)n; /* the chunking makes the buffers independent of the number of patterns */
	size_t W = window(L, lbfgs_m, 0);
	size_t per_site = lbfgs_work_bytes(L + 1, lbfgs_m ? lbfgs_m : 1) + sizeof(lbfgs_work) +
	                  3 * sizeof(double) + 2 * sizeof(size_t) + 1;
	size_t shared = (2 * W + FITBIN_CHUNK) * L * sizeof(float) + (L + 1) * sizeof(double);
	size_t per_thread = FITBIN_CHUNK * BLOCK_MAX * sizeof(float) + (L + 1) * sizeof(double);
	return W * per_site + shared + nthreads * per_thread + 64 * 16;
}

/* Everything the rounds share. */
typedef struct fb_state {
	const pl_bin *b;
	const fitbin_opts *o;
	size_t W;          /* sites at once (window()) */
	size_t A;          /* active sites */
	size_t next;       /* the next site to start */
	size_t *act;       /* A active sites, in the order they started */
	size_t *slot;      /* A: each active site's run in lw */
	size_t *freeq, nfree; /* the runs not in use */
	lbfgs_work *lw;    /* W runs */
	float *K, *G;      /* L x A (leading dimension A): couplings, data gradients */
	float *S;          /* L x FITBIN_CHUNK: the chunk's spins (row j = site j) */
	float *D;          /* per thread: FITBIN_CHUNK x BLOCK_MAX local fields, then residuals */
	double *xo;        /* per thread: L + 1, a finished site's solution */
	double *B, *f, *gB; /* A: bias, data objective and bias gradient of each active site */
	unsigned char *fin; /* A: the site finished this round */
	double *nw;        /* L + 1 norm weights (pl_bin_norm_weight for B, 1 for k) */
} fb_state;

static void fb_free(fb_state *s)
{
	if (s->lw)
		for (size_t k = 0; k < s->W; k++)
			lbfgs_work_free(&s->lw[k]);
	free(s->lw);
	free(s->act);
	free(s->slot);
	free(s->freeq);
	free(s->K);
	free(s->G);
	free(s->S);
	free(s->D);
	free(s->xo);
	free(s->B);
	free(s->f);
	free(s->gB);
	free(s->fin);
	free(s->nw);
}

/* Sites start from 0 into the free runs, in site order, while both last. */
static void fb_admit(fb_state *s)
{
	const double *x0 = s->nw + s->b->L + 1; /* L + 1 zeros */
	while (s->nfree > 0 && s->next < s->b->L) {
		size_t k = s->freeq[--s->nfree];
		lbfgs_begin(&s->lw[k], x0, s->o->tol, s->o->max_iter);
		s->act[s->A] = s->next++;
		s->slot[s->A++] = k;
	}
}

static int fb_alloc(fb_state *s, size_t nt, plm_err *err)
{
	const size_t L = s->b->L, m = s->o->lbfgs_m ? s->o->lbfgs_m : 1, W = window(L, m, s->o->window);
	s->W = W;
	s->lw = plm_calloc(W, sizeof *s->lw, "site runs", err);
	s->act = plm_calloc(W, sizeof *s->act, "active sites", err);
	s->slot = plm_calloc(W, sizeof *s->slot, "active sites", err);
	s->freeq = plm_calloc(W, sizeof *s->freeq, "active sites", err);
	s->K = plm_calloc_aligned(L * W, sizeof *s->K, "coupling block", err);
	s->G = plm_calloc_aligned(L * W, sizeof *s->G, "gradient block", err);
	s->S = plm_calloc_aligned(L * FITBIN_CHUNK, sizeof *s->S, "spin chunk", err);
	s->D = plm_calloc_aligned(nt * FITBIN_CHUNK * BLOCK_MAX, sizeof *s->D, "local fields", err);
	s->xo = plm_calloc(nt * (L + 1), sizeof *s->xo, "site solution", err);
	s->B = plm_calloc(W, sizeof *s->B, "site sums", err);
	s->f = plm_calloc(W, sizeof *s->f, "site sums", err);
	s->gB = plm_calloc(W, sizeof *s->gB, "site sums", err);
	s->fin = plm_calloc(W, 1, "site flags", err);
	s->nw = plm_calloc(2 * (L + 1), sizeof *s->nw, "norm weights", err); /* + L + 1 zeros */
	if (!s->lw || !s->act || !s->slot || !s->freeq || !s->K || !s->G || !s->S || !s->D || !s->xo || !s->B || !s->f ||
	    !s->gB || !s->fin || !s->nw)
		return PLM_ENOMEM;
	for (size_t k = 1; k <= L; k++)
		s->nw[k] = 1.0;
	s->nw[0] = pl_bin_norm_weight(s->b, &s->o->so);
	for (size_t k = 0; k < W; k++) {
		int st = lbfgs_work_init(&s->lw[k], L + 1, m, err);
		if (st != PLM_OK)
			return st;
		s->lw[k].nw = s->nw;
		s->freeq[k] = W - 1 - k; /* taken from the end: runs 0, 1, ... */
	}
	s->nfree = W;
	fb_admit(s);
	return PLM_OK;
}

/* ---- the pattern terms, eight patterns at a time ----------------------------------------
 * For spin s = +-1 of the site (y = (s + 1) / 2) and local field D, with u = -s D and
 * e = e^-|D|:  log(1 + e^D) - y D = log(1 + e^u) = max(u, 0) + log1p(e)  and
 * sigma(D) - y = -s sigma(u),  sigma(u) = (u > 0 ? 1 : e) / (1 + e).
 * D = B + (S k) and max(u, 0) are kept in double (B's resolution); e, log1p(e) and sigma(u)
 * are computed in float by polynomials (relative error a few 1e-8: below that of S k, a float
 * sum over the sites), and the objective is summed in double.  Plain vector arithmetic with
 * no fused multiply-add: every build clone gives the same bits. */
#if defined(__x86_64__) && defined(__GNUC__)
#define CLONES __attribute__((target_clones("avx2", "default")))
#else
#define CLONES
#endif

typedef double v4d __attribute__((vector_size(32)));
typedef float v4f __attribute__((vector_size(16)));
typedef float v8f __attribute__((vector_size(32)));
typedef int v8i __attribute__((vector_size(32)));
typedef long long v4l __attribute__((vector_size(32)));
#define SPLAT8(c) ((v8f){ (c), (c), (c), (c), (c), (c), (c), (c) })

/* e^x for x <= 0 (below -87 taken as -87: e^-87 ~ 1.6e-38, still normal): x = k ln2 + r,
 * |r| <= ln2 / 2 (ln 2 in two parts, k ln2_hi exact), e^r by its Taylor series to r^7
 * (truncation 5e-9), times 2^k built in the exponent bits. */
static inline __attribute__((always_inline)) void vexpf_neg(v8f *px)
{
	const v8f lo = SPLAT8(-87.f);
	const float shifter = 0x1.8p23f; /* adding it rounds to an integer, kept in the low bits */
	v8i small = *px < lo;
	v8f x = (v8f)((small & (v8i)lo) | (~small & (v8i)*px));
	v8f t = x * 1.44269504f + shifter;
	v8f k = t - shifter;
	v8f r = (x - k * 0.693359375f) - k * -2.12194440e-4f;
	v8f p = SPLAT8(1.f / 5040.f);
	p = p * r + 1.f / 720.f;
	p = p * r + 1.f / 120.f;
	p = p * r + 1.f / 24.f;
	p = p * r + 1.f / 6.f;
	p = p * r + 0.5f;
	p = p * r + 1.f;
	p = p * r + 1.f;
	v8i scale = ((v8i)t - (v8i)SPLAT8(shifter) + 127) << 23;
	*px = p * (v8f)scale;
}

/* Eight patterns from T: spins SP, weights W, local fields DT (float, bias B added here);
 * adds w (log(1 + e^D) - y D) to F (two double halves) and the residuals
 * r = w (sigma(D) - y) to GB; returns r in DT. */
static inline __attribute__((always_inline)) void pattern_terms8(const v8f *sp, const double *w,
                                                                 double B, v8f *dt, v4d *f, v4d *gB)
{
	const v4d zero = { 0.0, 0.0, 0.0, 0.0 };
	v4f d0 = { (*dt)[0], (*dt)[1], (*dt)[2], (*dt)[3] }, d1 = { (*dt)[4], (*dt)[5], (*dt)[6], (*dt)[7] };
	v4f s0 = { (*sp)[0], (*sp)[1], (*sp)[2], (*sp)[3] }, s1 = { (*sp)[4], (*sp)[5], (*sp)[6], (*sp)[7] };
	v4d D0 = B + __builtin_convertvector(d0, v4d), D1 = B + __builtin_convertvector(d1, v4d);
	v4d u0 = -__builtin_convertvector(s0, v4d) * D0, u1 = -__builtin_convertvector(s1, v4d) * D1;
	v4l p0 = (v4l)(u0 > zero), p1 = (v4l)(u1 > zero);
	/* -|D| in float */
	v4f a0 = __builtin_convertvector((v4d)((v4l)D0 | (v4l)(v4d){ -0.0, -0.0, -0.0, -0.0 }), v4f);
	v4f a1 = __builtin_convertvector((v4d)((v4l)D1 | (v4l)(v4d){ -0.0, -0.0, -0.0, -0.0 }), v4f);
	v8f e = { a0[0], a0[1], a0[2], a0[3], a1[0], a1[1], a1[2], a1[3] };
	vexpf_neg(&e);
	/* log1p(e) = 2 atanh(z), z = e / (2 + e) <= 1/3, its series to z^15 (truncation 2e-9), and
	 * sigma(u) = (u > 0 ? 1 : e) / (1 + e), with one division */
	v8f inv = 1.f / ((2.f + e) * (1.f + e));
	v8f z = e * (1.f + e) * inv, z2 = z * z;
	v8f l = SPLAT8(1.f / 15.f);
	l = l * z2 + 1.f / 13.f;
	l = l * z2 + 1.f / 11.f;
	l = l * z2 + 1.f / 9.f;
	l = l * z2 + 1.f / 7.f;
	l = l * z2 + 1.f / 5.f;
	l = l * z2 + 1.f / 3.f;
	l = l * z2 + 1.f;
	l = 2.f * z * l;
	v8i pos = { (int)p0[0], (int)p0[1], (int)p0[2], (int)p0[3], (int)p1[0], (int)p1[1], (int)p1[2], (int)p1[3] };
	v8f num = (v8f)((pos & (v8i)SPLAT8(1.f)) | (~pos & (v8i)e));
	v8f wf = { (float)w[0], (float)w[1], (float)w[2], (float)w[3],
	           (float)w[4], (float)w[5], (float)w[6], (float)w[7] };
	v8f r = -*sp * (wf * (num * (2.f + e) * inv));
	*dt = r;
	v4d w0 = { w[0], w[1], w[2], w[3] }, w1 = { w[4], w[5], w[6], w[7] };
	v4f l0 = { l[0], l[1], l[2], l[3] }, l1 = { l[4], l[5], l[6], l[7] };
	f[0] += w0 * ((v4d)(p0 & (v4l)u0) + __builtin_convertvector(l0, v4d));
	f[1] += w1 * ((v4d)(p1 & (v4l)u1) + __builtin_convertvector(l1, v4d));
	v4f r0 = { r[0], r[1], r[2], r[3] }, r1 = { r[4], r[5], r[6], r[7] };
	gB[0] += __builtin_convertvector(r0, v4d);
	gB[1] += __builtin_convertvector(r1, v4d);
}

/* One site over NC patterns: spins SP, weights W, bias B, local fields DT (overwritten with
 * the residuals, in float); adds the data objective to *F and the bias gradient to *GB. */
CLONES
static void site_terms(const float *sp, const double *w, double B, float *dt, size_t nc, double *f,
                       double *gB)
{
	v4d fa[2] = { { 0.0, 0.0, 0.0, 0.0 }, { 0.0, 0.0, 0.0, 0.0 } }, ga[2] = { fa[0], fa[0] };
	for (size_t t = 0; t < nc; t += 8) {
		v8f s8 = SPLAT8(1.f), d8 = SPLAT8(0.f);
		double w8[8] = { 0 };
		size_t k = nc - t < 8 ? nc - t : 8; /* the last lanes of a short tail: weight 0 */
		memcpy(&s8, sp + t, k * sizeof(float));
		memcpy(&d8, dt + t, k * sizeof(float));
		memcpy(w8, w + t, k * sizeof(double));
		pattern_terms8(&s8, w8, B, &d8, fa, ga);
		memcpy(dt + t, &d8, k * sizeof(float));
	}
	v4d fs = fa[0] + fa[1], gs = ga[0] + ga[1];
	*f += (fs[0] + fs[1]) + (fs[2] + fs[3]);
	*gB += (gs[0] + gs[1]) + (gs[2] + gs[3]);
}

/* DST[t] = +1 for state 1, -1 for state 0 (SRC[t] is 0 or 1), sixteen at a time. */
typedef unsigned char v16u __attribute__((vector_size(16)));
typedef float v16f __attribute__((vector_size(64)));

CLONES
static void to_spins(float *dst, const uint8_t *src, size_t n)
{
	size_t t = 0;
	for (; t + 16 <= n; t += 16) {
		v16u c;
		memcpy(&c, src + t, sizeof c);
		v16f v = __builtin_convertvector(c + c, v16f) - 1.f;
		memcpy(dst + t, &v, sizeof v);
	}
	for (; t < n; t++)
		dst[t] = (float)(2 * src[t]) - 1.f;
}

/* One block of sites [a0, a0 + wb) on the chunk of NC patterns from C0: D^T = K^T S (wb x nc),
 * the residuals and sums, G (+)= S R.  DT: this thread's buffer. */
static void fb_block(fb_state *s, size_t A, size_t c0, size_t nc, size_t a0, size_t wb, float *Dt)
{
	const size_t L = s->b->L;
	cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)wb, (int)nc, (int)L, 1.f, s->K + a0,
	            (int)A, s->S, FITBIN_CHUNK, 0.f, Dt, (int)nc);
	for (size_t u = 0; u < wb; u++) {
		const size_t a = a0 + u;
		site_terms(s->S + s->act[a] * FITBIN_CHUNK, s->b->d->w + c0, s->B[a], Dt + u * nc, nc,
		           &s->f[a], &s->gB[a]);
	}
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)L, (int)wb, (int)nc, 1.f, s->S,
	            FITBIN_CHUNK, Dt, (int)nc, c0 == 0 ? 0.f : 1.f, s->G + a0, (int)A);
}

/* One round, run by every thread of the team: the data terms of the A active sites at their
 * requested points, then each site's L-BFGS step.  Marks the sites that finished. */
static void fb_round(fb_state *s, size_t A, float *Dt, double *xo, float *h, float *J,
                     lbfgs_result *res)
{
	const pl_bin *b = s->b;
	const size_t L = b->L, n = b->n;
	const int fixed = s->o->so.no_fields && L == 1;
#pragma omp for schedule(static)
	for (size_t j = 0; j < L; j++)
		for (size_t a = 0; a < A; a++)
			s->K[j * A + a] = s->act[a] == j ? 0.f : (float)s->lw[s->slot[a]].xe[1 + j];
#pragma omp for schedule(static)
	for (size_t a = 0; a < A; a++) {
		s->B[a] = fixed ? 0.0 : s->lw[s->slot[a]].xe[0];
		s->f[a] = s->gB[a] = 0.0;
	}
	const size_t nb = nblocks(A), cb = (A + nb - 1) / nb;
	for (size_t c0 = 0; c0 < n; c0 += FITBIN_CHUNK) {
		const size_t nc = n - c0 < FITBIN_CHUNK ? n - c0 : FITBIN_CHUNK;
#pragma omp for schedule(static)
		for (size_t j = 0; j < L; j++)
			to_spins(s->S + j * FITBIN_CHUNK, b->d->seqT + j * n + c0, nc);
#pragma omp for schedule(dynamic, 1)
		for (size_t k = 0; k < nb; k++) {
			size_t a0 = k * cb;
			if (a0 < A)
				fb_block(s, A, c0, nc, a0, A - a0 < cb ? A - a0 : cb, Dt);
		}
	}
#pragma omp for schedule(dynamic, 4)
	for (size_t a = 0; a < A; a++) {
		const size_t i = s->act[a];
		lbfgs_work *w = &s->lw[s->slot[a]];
		double *g = w->ge;
		for (size_t j = 0; j < L; j++)
			g[1 + j] = (double)s->G[j * A + a];
		double f = pl_bin_finish(b, i, &s->o->so, w->xe, s->f[a], s->gB[a], g);
		s->fin[a] = !lbfgs_tell(w, f);
		if (s->fin[a]) {
			lbfgs_end(w, xo, &res[i]);
			pl_bin_store(b, i, &s->o->so, xo, h + i * 2, J + i * L * 4);
		}
	}
}

/* After a round: the finished sites leave (progress reported in site order of the active
 * list), the others keep their order, and new sites take the freed runs. */
static void fb_compact(fb_state *s, size_t A, size_t *done)
{
	const fitbin_opts *o = s->o;
	size_t k = 0;
	for (size_t a = 0; a < A; a++) {
		if (!s->fin[a]) {
			s->act[k] = s->act[a];
			s->slot[k++] = s->slot[a];
			continue;
		}
		s->freeq[s->nfree++] = s->slot[a];
		(*done)++;
		if (o->progress)
			o->progress(o->progress_ctx, *done, s->b->L);
	}
	s->A = k;
	fb_admit(s);
}

int fitbin_run(const pl_bin *b, const fitbin_opts *o, float *h, float *J, lbfgs_result *res,
               plm_err *err)
{
	const size_t L = b->L, nt = max_threads();
	fb_state s;
	memset(&s, 0, sizeof s);
	s.b = b;
	s.o = o;
	int st = fb_alloc(&s, nt, err);
	if (st != PLM_OK) {
		fb_free(&s);
		return st;
	}
	size_t done = 0;
#pragma omp parallel
	{
		const size_t tid = thread_id();
		float *Dt = s.D + tid * FITBIN_CHUNK * BLOCK_MAX;
		double *xo = s.xo + tid * (L + 1);
		while (s.A > 0) {
			const size_t A = s.A; /* read by all after the barrier that ended the last round */
			fb_round(&s, A, Dt, xo, h, J, res);
#pragma omp single
			fb_compact(&s, A, &done);
		}
	}
	fb_free(&s);
	return PLM_OK;
}
