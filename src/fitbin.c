/* fitbin: the batched q = 2 fit.  All unfinished sites run in lockstep: each round, every one
 * of them asks its L-BFGS for one evaluation, and the data terms of all of them are computed
 * together, chunk by chunk of patterns, as two sgemm per fixed block of sites.  It neither
 * prints nor parses; BLAS must be single-threaded (it is called inside the OpenMP region).
 *
 * With S the n x L spin matrix (+-1), K the L x A matrix whose column a holds active site
 * i_a's couplings k (row i_a zero) and B_a its bias, one round computes
 *   D = S K + 1 B^T,   R_sa = w_s (sigma(D_sa) - y_s,i_a),   G = S^T R,
 * f_a = sum_s w_s (log(1 + e^D_sa) - y D_sa) and gB_a = sum_s R_sa, what pl_bin_eval
 * computes for each site with two sgemv.  The spins stay bytes (pl_data's transposed seqT),
 * converted to floats one chunk of FITBIN_CHUNK patterns at a time: each thread converts a
 * chunk once per round and works all its blocks on it (converting it once per block cost 19%
 * of a fit of 1,024 sites with 8 blocks).
 *
 * Thread invariance: the work is cut into pieces fixed by the problem and the number of
 * active sites only, never by the thread count: blocks of sites (nblocks() of A) and chunks
 * of patterns (fixed boundaries), two sgemm calls per block and chunk (single-threaded BLAS:
 * the same call gives the same bits on any thread).  Each thread works a contiguous share of
 * the blocks, chunk by chunk in order; G accumulates over the chunks in order (sgemm's
 * beta = 1), f and gB in a fixed order within a chunk (8 lanes, site_terms) and over chunks
 * in order.  The thread count only decides which thread works a block; a round has four
 * barriers, none per chunk. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "fitbin.h"
#include "util.h"

#define BLOCK_MAX 256 /* sites per block at most (128: 8% more CPU at 1,024 sites) */

/* Blocks of sites for A active ones: a multiple of 4 blocks of at most BLOCK_MAX sites
 * when there are many (balanced over 1, 2 or 4 threads), blocks of 16 sites when few. */
static size_t nblocks(size_t A)
{
	if (A >= 64)
		return 4 * ((A + 4 * BLOCK_MAX - 1) / (4 * BLOCK_MAX));
	return (A + 15) / 16;
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
	size_t W = window(L, lbfgs_m, 0);
	size_t per_site = lbfgs_work_bytes(L + 1, lbfgs_m ? lbfgs_m : 1) + sizeof(lbfgs_work) +
	                  3 * sizeof(double) + 2 * sizeof(size_t) + 1;
	size_t shared = 2 * W * L * sizeof(float) + (n + 8) * sizeof(float) + 2 * (L + 1) * sizeof(double);
	size_t per_thread = (L + BLOCK_MAX) * FITBIN_CHUNK * sizeof(float) + (L + 1) * sizeof(double);
	return W * per_site + shared + nthreads * per_thread + 64 * 16;
}

/* Everything the rounds share. */
typedef struct fb_state {
	const pl_bin *b;
	const fitbin_opts *o;
	size_t W;          /* sites at once (window()) */
	size_t A;          /* active sites */
	size_t next;       /* the next site to start */
	size_t lo, hi;     /* the sites to fit: lo .. hi - 1 */
	size_t *act;       /* A active sites, in the order they started */
	size_t *slot;      /* A: each active site's run in lw */
	size_t *freeq, nfree; /* the runs not in use */
	lbfgs_work *lw;    /* W runs */
	float *K, *G;      /* L x A (leading dimension A): couplings, data gradients */
	float *S;          /* per thread: L x FITBIN_CHUNK, a chunk's spins (row j = site j) */
	float *D;          /* per thread: FITBIN_CHUNK x BLOCK_MAX local fields, then residuals */
	float *w;          /* n + 8 pattern weights in float, 0 past n */
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
	free(s->w);
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
	while (s->nfree > 0 && s->next < s->hi) {
		size_t k = s->freeq[--s->nfree];
		lbfgs_begin(&s->lw[k], x0, s->o->tol, s->o->max_iter);
		s->act[s->A] = s->next++;
		s->slot[s->A++] = k;
	}
}

static int fb_alloc(fb_state *s, size_t nt, plm_err *err)
{
	const size_t L = s->b->L, m = s->o->lbfgs_m ? s->o->lbfgs_m : 1;
	s->lo = s->next = s->o->hi ? s->o->lo : 0;
	s->hi = s->o->hi ? s->o->hi : L;
	size_t W = window(L, m, s->o->window);
	W = W < s->hi - s->lo ? W : s->hi - s->lo;
	W = W ? W : 1;
	s->W = W;
	s->lw = plm_calloc(W, sizeof *s->lw, "site runs", err);
	s->act = plm_calloc(W, sizeof *s->act, "active sites", err);
	s->slot = plm_calloc(W, sizeof *s->slot, "active sites", err);
	s->freeq = plm_calloc(W, sizeof *s->freeq, "active sites", err);
	s->K = plm_calloc_aligned(L * W, sizeof *s->K, "coupling block", err);
	s->G = plm_calloc_aligned(L * W, sizeof *s->G, "gradient block", err);
	s->S = plm_calloc_aligned(nt * L * FITBIN_CHUNK, sizeof *s->S, "spin chunks", err);
	s->D = plm_calloc_aligned(nt * FITBIN_CHUNK * BLOCK_MAX, sizeof *s->D, "local fields", err);
	s->w = plm_calloc_aligned(s->b->n + 8, sizeof *s->w, "pattern weights", err);
	s->xo = plm_calloc(nt * (L + 1), sizeof *s->xo, "site solution", err);
	s->B = plm_calloc(W, sizeof *s->B, "site sums", err);
	s->f = plm_calloc(W, sizeof *s->f, "site sums", err);
	s->gB = plm_calloc(W, sizeof *s->gB, "site sums", err);
	s->fin = plm_calloc(W, 1, "site flags", err);
	s->nw = plm_calloc(2 * (L + 1), sizeof *s->nw, "norm weights", err); /* + L + 1 zeros */
	if (!s->lw || !s->act || !s->slot || !s->freeq || !s->K || !s->G || !s->S || !s->D || !s->w || !s->xo || !s->B || !s->f ||
	    !s->gB || !s->fin || !s->nw)
		return PLM_ENOMEM;
	for (size_t t = 0; t < s->b->n; t++)
		s->w[t] = (float)s->b->d->w[t];
	for (size_t k = 1; k <= L; k++)
		s->nw[k] = 1.0;
	s->nw[0] = pl_bin_norm_weight(s->b, &s->o->so);
	for (size_t k = 0; k < W; k++) {
		int st = lbfgs_work_init(&s->lw[k], L + 1, m, err);
		if (st != PLM_OK)
			return st;
		s->lw[k].nw = s->nw;
		lbfgs_work_set_ftol(&s->lw[k], s->o->ftol, s->o->fwin);
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
 * All in float, e and log1p(e) by polynomials (relative error a few 1e-8, the size of the
 * rounding of S k itself, a float sum over the sites); the weighted terms are summed over
 * the patterns in double.  Plain vector arithmetic with no fused multiply-add: every build
 * clone gives the same bits. */
typedef double v4d __attribute__((vector_size(32)));
typedef float v8f __attribute__((vector_size(32)));
typedef int v8i __attribute__((vector_size(32)));
#define SPLAT8(c) ((v8f){ (c), (c), (c), (c), (c), (c), (c), (c) })
#define LO4(v) __builtin_convertvector(__builtin_shufflevector((v), (v), 0, 1, 2, 3), v4d)
#define HI4(v) __builtin_convertvector(__builtin_shufflevector((v), (v), 4, 5, 6, 7), v4d)

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

/* One site over NC patterns (a multiple of 8; the weights of patterns past the data are 0):
 * spins SP, weights W, bias B, local fields DT (overwritten with the residuals
 * r = w (sigma(D) - y)); adds sum_t w (log(1 + e^D) - y D) to *F and sum_t r to *GB. */
PLM_CLONES
static void site_terms(const float *sp, const float *w, float B, float *dt, size_t nc, double *f,
                       double *gB)
{
	const v8f zero = SPLAT8(0.f), one = SPLAT8(1.f), two = SPLAT8(2.f);
	const v8i sign = (v8i)SPLAT8(-0.f);
	v4d f0 = { 0.0, 0.0, 0.0, 0.0 }, f1 = f0, g0 = f0, g1 = f0;
	for (size_t t = 0; t < nc; t += 8) {
		v8f s, D, wt;
		memcpy(&s, sp + t, sizeof s);
		memcpy(&D, dt + t, sizeof D);
		memcpy(&wt, w + t, sizeof wt);
		D += B;
		v8f u = -s * D;
		v8i pos = u > zero;
		v8f e = (v8f)((v8i)D | sign); /* -|D|, then e^-|D| */
		vexpf_neg(&e);
		/* log1p(e) = 2 atanh(z), z = e / (2 + e) <= 1/3, its series to z^15 (truncation
		 * 2e-9); z and sigma(u) with one division */
		v8f inv = one / ((two + e) * (one + e));
		v8f z = e * (one + e) * inv, z2 = z * z;
		v8f l = SPLAT8(1.f / 15.f);
		l = l * z2 + 1.f / 13.f;
		l = l * z2 + 1.f / 11.f;
		l = l * z2 + 1.f / 9.f;
		l = l * z2 + 1.f / 7.f;
		l = l * z2 + 1.f / 5.f;
		l = l * z2 + 1.f / 3.f;
		l = l * z2 + 1.f;
		v8f wl = wt * ((v8f)(pos & (v8i)u) + two * z * l);
		v8f num = (v8f)((pos & (v8i)one) | (~pos & (v8i)e));
		v8f r = -s * (wt * (num * (two + e) * inv));
		memcpy(dt + t, &r, sizeof r);
		f0 += LO4(wl);
		f1 += HI4(wl);
		g0 += LO4(r);
		g1 += HI4(r);
	}
	v4d fs = f0 + f1, gs = g0 + g1;
	*f += (fs[0] + fs[1]) + (fs[2] + fs[3]);
	*gB += (gs[0] + gs[1]) + (gs[2] + gs[3]);
}

/* DST[t] = +1 for state 1, -1 for state 0 (SRC[t] is 0 or 1), sixteen at a time. */
typedef unsigned char v16u __attribute__((vector_size(16)));
typedef float v16f __attribute__((vector_size(64)));

PLM_CLONES
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

/* One block of sites [a0, a0 + wb) over one chunk of patterns c0 .. c0 + nc - 1 (spins in S):
 * D^T = K^T S (wb x nc, rows padded to a multiple of 8 in DT, this thread's; the padding
 * keeps finite values), the residuals and sums, and G (+)= S R (= at the first chunk). */
static void fb_block(fb_state *s, size_t A, size_t a0, size_t wb, size_t c0, size_t nc, const float *S,
                     float *Dt)
{
	const size_t L = s->b->L, ncp = (nc + 7) / 8 * 8;
	cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, (int)wb, (int)nc, (int)L, 1.f, s->K + a0, (int)A,
	            S, FITBIN_CHUNK, 0.f, Dt, (int)ncp);
	for (size_t u = 0; u < wb; u++) {
		const size_t a = a0 + u;
		site_terms(S + s->act[a] * FITBIN_CHUNK, s->w + c0, (float)s->B[a], Dt + u * ncp, ncp, &s->f[a],
		           &s->gB[a]);
	}
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)L, (int)wb, (int)nc, 1.f, S, FITBIN_CHUNK, Dt,
	            (int)ncp, c0 == 0 ? 0.f : 1.f, s->G + a0, (int)A);
}

/* One round, run by every thread of the team: the data terms of the A active sites at their
 * requested points, then each site's L-BFGS step.  Marks the sites that finished. */
static void fb_round(fb_state *s, size_t A, float *S, float *Dt, double *xo, float *h, float *J,
                     lbfgs_result *res)
{
	const pl_bin *b = s->b;
	const size_t L = b->L;
	const int fixed = s->o->so.no_fields && L == 1;
#pragma omp for schedule(static) nowait
	for (size_t j = 0; j < L; j++)
		for (size_t a = 0; a < A; a++)
			s->K[j * A + a] = s->act[a] == j ? 0.f : (float)s->lw[s->slot[a]].xe[1 + j];
#pragma omp for schedule(static)
	for (size_t a = 0; a < A; a++) {
		s->B[a] = fixed ? 0.0 : s->lw[s->slot[a]].xe[0];
		s->f[a] = s->gB[a] = 0.0;
	}
	/* this thread's blocks: a contiguous share (which thread works a block changes no bit) */
	const size_t nb = nblocks(A), cb = (A + nb - 1) / nb, n = b->n, nt = plm_team_size(), tid = plm_thread_num();
	const size_t k0 = nb * tid / nt, k1 = nb * (tid + 1) / nt;
	for (size_t c0 = 0; k0 < k1 && c0 < n; c0 += FITBIN_CHUNK) {
		const size_t nc = n - c0 < FITBIN_CHUNK ? n - c0 : FITBIN_CHUNK;
		for (size_t j = 0; j < L; j++)
			to_spins(S + j * FITBIN_CHUNK, b->d->seqT + j * n + c0, nc);
		for (size_t k = k0; k < k1; k++) {
			size_t a0 = k * cb;
			if (a0 < A)
				fb_block(s, A, a0, A - a0 < cb ? A - a0 : cb, c0, nc, S, Dt);
		}
	}
#pragma omp barrier
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
			pl_bin_store(b, i, &s->o->so, xo, h + i * 2, J + (i - s->lo) * L * 4);
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
			o->progress(o->progress_ctx, *done, s->hi - s->lo);
	}
	s->A = k;
	fb_admit(s);
}

int fitbin_run(const pl_bin *b, const fitbin_opts *o, float *h, float *J, lbfgs_result *res,
               plm_err *err)
{
	const size_t L = b->L, nt = plm_max_threads();
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
		const size_t tid = plm_thread_num();
		float *S = s.S + tid * L * FITBIN_CHUNK, *Dt = s.D + tid * FITBIN_CHUNK * BLOCK_MAX;
		double *xo = s.xo + tid * (L + 1);
		while (s.A > 0) {
			const size_t A = s.A; /* read by all after the barrier that ended the last round */
			fb_round(&s, A, S, Dt, xo, h, J, res);
#pragma omp single
			fb_compact(&s, A, &done);
		}
	}
	fb_free(&s);
	return PLM_OK;
}
