/* plm: the per-site pseudo-likelihood objective and gradient.  The hot loops visit, sequence
 * by sequence, only the entries that differ from their column's most frequent state: gather
 * the local field from float rows of Q (= q padded) states, softmax, scatter the weighted
 * residuals; binary data take a dense path through BLAS.  No threads, no optimizer, no
 * printing. */
#include "config.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cblas.h>

#include "pl.h"
#include "seqtree.h"
#include "util.h"

/* Eight floats: GCC lowers it to two SSE registers on plain x86-64 and to one AVX register
 * in the avx2 clone of the kernel; element-wise operations only, so every clone gives the
 * same bits. */
typedef float v8sf __attribute__((vector_size(32)));
/* Vectors never cross a call boundary (the helpers are always inlined). */
#pragma GCC diagnostic ignored "-Wpsabi"
typedef int v8si __attribute__((vector_size(32)));
typedef float v4sf __attribute__((vector_size(16)));
typedef double v4df __attribute__((vector_size(32), aligned(8))); /* g need not be aligned */
typedef double v8df __attribute__((vector_size(64), aligned(8)));

#define PL_BLOCK 256   /* sequences per block: their fields and residuals stay in L1 */
#define PL_FLUSH 16    /* blocks summed in float before the gradient is added to doubles */

int pl_data_init(pl_data *d, const uint8_t *seq, const double *w, size_t n, size_t L, size_t q,
                  plm_err *err)
{
	memset(d, 0, sizeof *d);
	if (n == 0 || L == 0)
		return plm_fail(err, PLM_EINVAL, "no sequences or no positions to fit");
	if (q < 2 || q > ALPHABET_MAXQ)
		return plm_fail(err, PLM_EINVAL, "alphabet size %zu out of range (2 to %d)", q, ALPHABET_MAXQ);
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
	/* the sparse entries hold byte offsets (j * q + state) * Q * 4 in 32 bits: checked
	 * before anything is allocated */
	size_t Q = (q + 7) / 8 * 8, rowbytes;
	if (size_mul(L, q * Q * sizeof(float), &rowbytes) != 0 || rowbytes > UINT32_MAX)
		return plm_fail(err, PLM_ERANGE, "too many positions (%zu) for q = %zu", L, q);
	d->n = n;
	d->L = L;
	d->q = q;
	d->Q = Q;
	d->nblk = (n + PL_BLOCK - 1) / PL_BLOCK;
	d->seqT = plm_calloc_aligned(nl, 1, "transposed alignment", err);
	d->w = plm_calloc(n, sizeof *d->w, "weights", err);
	d->mode = plm_calloc(L, 1, "column modes", err);
	if (!d->seqT || !d->w || !d->mode) {
		pl_data_free(d);
		return PLM_ENOMEM;
	}
	for (size_t s = 0; s < n; s++) {
		d->w[s] = (w ? w[s] : 1.0) / tot;
		for (size_t j = 0; j < L; j++) {
			uint8_t a = seq[s * L + j];
			if (a >= q) {
				pl_data_free(d);
				return plm_fail(err, PLM_EINVAL, "sequence %zu, position %zu: state %u >= q = %zu",
				                s + 1, j + 1, (unsigned)a, q);
			}
			d->seqT[j * n + s] = a;
		}
	}
	/* each column's most frequent state (lowest on ties) */
	for (size_t j = 0; j < L; j++) {
		size_t cnt[256] = { 0 }, best = 0;
		for (size_t s = 0; s < n; s++)
			cnt[d->seqT[j * n + s]]++;
		for (size_t b = 1; b < q; b++)
			if (cnt[b] > cnt[best])
				best = b;
		d->mode[j] = (uint8_t)best;
	}
	size_t pos = 0;
	for (size_t j = 0; j < L; j++)
		for (size_t s = 0; s < n; s++)
			pos += d->seqT[j * n + s] != d->mode[j];
	d->nnz = pos;
	int st = pl_data_set_path(d, PL_PATH_AUTO, err);
	if (st != PLM_OK)
		pl_data_free(d);
	return st;
}

/* The mode path's lists: each sequence's entries that differ from their column's mode, as row
 * offsets (j * q + state) * Q * 4 (for the gather). */
static int mode_lists_build(pl_data *d, plm_err *err)
{
	const size_t n = d->n, L = d->L, q = d->q;
	d->sptr = plm_calloc(n + 1, sizeof *d->sptr, "sparse alignment", err);
	d->soff = plm_calloc(d->nnz ? d->nnz : 1, sizeof *d->soff, "sparse alignment", err);
	if (d->sptr == NULL || d->soff == NULL)
		return PLM_ENOMEM;
	size_t t = 0;
	for (size_t s = 0; s < n; s++) {
		d->sptr[s] = t;
		for (size_t j = 0; j < L; j++) {
			uint8_t a = d->seqT[j * n + s];
			if (a != d->mode[j])
				d->soff[t++] = (uint32_t)((j * q + a) * d->Q * sizeof(float));
		}
	}
	d->sptr[n] = t;
	return PLM_OK;
}

/* Node k's entries against its parent (the all-mode sequence at the root): for each site j
 * where parent state a and child state b differ, one of
 *   + pair row p, or - pair row p, when PIDX[(j q + lo) q + hi] = p + 1 (lo, hi = a, b
 *     sorted; its row is J_j(hi) - J_j(lo), so + when a = lo),
 *   else +row (j, b) unless b is the mode, and -row (j, a) unless a is the mode.
 * The + entries first.  OFF NULL: only counted; CNT not NULL: CNT[(j q + lo) q + hi] counts
 * the sites where neither state is the mode.  Returns the entries; *NPLUS the + ones. */
static size_t tree_node_entries(const pl_data *d, size_t k, const uint32_t *pidx, uint32_t *cnt,
                                uint32_t *off, uint32_t *nplus)
{
	const size_t n = d->n, L = d->L, q = d->q, rb = d->Q * sizeof(float), lq = L * q;
	const size_t v = d->tord[k], p = d->tpar[k] == SEQTREE_ROOT ? SIZE_MAX : d->tord[d->tpar[k]];
	size_t np = 0, nm = 0;
	for (int minus = 0; minus < 2; minus++)
		for (size_t j = 0; j < L; j++) {
			const uint8_t m = d->mode[j], b = d->seqT[j * n + v];
			const uint8_t a = p == SIZE_MAX ? m : d->seqT[j * n + p];
			if (a == b)
				continue;
			const size_t lo = a < b ? a : b, key = (j * q + lo) * q + (a ^ b ^ lo);
			const int both = a != m && b != m;
			size_t row;
			if (both && cnt && !minus)
				cnt[key]++;
			if (both && pidx && pidx[key]) {
				if ((a > b) != minus)
					continue;
				row = lq + pidx[key] - 1;
			} else if (minus ? a == m : b == m)
				continue;
			else
				row = j * q + (minus ? a : b);
			if (off)
				off[np + nm] = (uint32_t)(row * rb);
			*(minus ? &nm : &np) += 1;
		}
	*nplus = (uint32_t)np;
	return np + nm;
}

/* The pairs (j, lo, hi) of states, neither the mode, that at least PL_PAIR_MIN edge sites
 * use get a difference row: CNT (their counts) becomes the index + 1 (0: no row), in order of
 * (j, lo, hi); d->pair[p] = (j q + lo) q + hi. */
static int tree_pairs(pl_data *d, uint32_t *cnt, plm_err *err)
{
	const size_t L = d->L, q = d->q, nkey = L * q * q;
	size_t np = 0;
	for (size_t key = 0; key < nkey; key++)
		np += cnt[key] >= PL_PAIR_MIN;
	/* every row offset, pair rows included, in 32 bits */
	if ((L * q + np) * d->Q * sizeof(float) > UINT32_MAX)
		np = 0;
	d->pair = plm_calloc(np ? np : 1, sizeof *d->pair, "sequence tree", err);
	if (d->pair == NULL)
		return PLM_ENOMEM;
	d->npair = np;
	size_t p = 0;
	for (size_t key = 0; key < nkey; key++)
		if (np && cnt[key] >= PL_PAIR_MIN) {
			d->pair[p] = (uint32_t)key;
			cnt[key] = (uint32_t)++p;
		} else
			cnt[key] = 0;
	return PLM_OK;
}

/* The tree path's lists (seqtree.h), in preorder. */
static int tree_lists_build(pl_data *d, const seqtree *t, plm_err *err)
{
	const size_t n = d->n;
	d->tord = t->ord;
	d->tpar = t->par;
	d->tptr = plm_calloc(n + 1, sizeof *d->tptr, "sequence tree", err);
	d->tnplus = plm_calloc(n ? n : 1, sizeof *d->tnplus, "sequence tree", err);
	d->tw = plm_calloc(n ? n : 1, sizeof *d->tw, "sequence tree", err);
	uint32_t *cnt = plm_calloc(d->L * d->q * d->q, sizeof *cnt, "sequence tree", err);
	if (d->tptr == NULL || d->tnplus == NULL || d->tw == NULL || cnt == NULL) {
		free(cnt);
		return PLM_ENOMEM;
	}
	for (size_t k = 0; k < n; k++) {
		tree_node_entries(d, k, NULL, cnt, NULL, d->tnplus + k);
		d->tw[k] = d->w[d->tord[k]];
	}
	int st = tree_pairs(d, cnt, err);
	size_t tot = 0;
	for (size_t k = 0; st == PLM_OK && k < n; k++) {
		d->tptr[k] = tot;
		tot += tree_node_entries(d, k, cnt, NULL, NULL, d->tnplus + k);
	}
	d->tptr[n] = tot;
	d->ntree = tot;
	if (st == PLM_OK && (d->toff = plm_calloc(tot ? tot : 1, sizeof *d->toff, "sequence tree", err)) == NULL)
		st = PLM_ENOMEM;
	for (size_t k = 0; st == PLM_OK && k < n; k++)
		tree_node_entries(d, k, cnt, NULL, d->toff + d->tptr[k], d->tnplus + k);
	free(cnt);
	return st;
}

static void mode_lists_free(pl_data *d)
{
	free(d->sptr);
	free(d->soff);
	d->sptr = NULL;
	d->soff = NULL;
}

static void tree_lists_free(pl_data *d)
{
	free(d->tord);
	free(d->tpar);
	free(d->tptr);
	free(d->tnplus);
	free(d->toff);
	free(d->tw);
	free(d->pair);
	d->pair = NULL;
	d->npair = 0;
	d->tord = d->tpar = d->tnplus = d->toff = NULL;
	d->tptr = NULL;
	d->tw = NULL;
	d->tree = 0;
	d->ntree = 0;
}

int pl_data_set_path(pl_data *d, enum pl_path path, plm_err *err)
{
	int st = PLM_OK;
	if (path == PL_PATH_MODE)
		tree_lists_free(d);
	const int worth = d->q > 2 && (double)d->n * (double)d->n <= PL_TREE_BUILD * (double)d->nnz;
	if (path != PL_PATH_MODE && (path == PL_PATH_TREE || worth) && !d->tree) {
		seqtree t;
		st = seqtree_build(&t, d->seqT, d->n, d->L, d->mode, PL_TREE_MAXDEPTH, err);
		if (st == PLM_ERANGE && path == PL_PATH_AUTO)
			st = PLM_OK; /* too large for a tree: the mode path */
		else if (st == PLM_OK) {
			st = tree_lists_build(d, &t, err);
			d->tree = st == PLM_OK;
			double rows = (double)d->ntree + PL_TREE_NODE_COST * (double)d->n + PL_PAIR_COST * (double)d->npair;
			if (st == PLM_OK && path == PL_PATH_AUTO && rows > PL_TREE_SHARE * (double)d->nnz)
				tree_lists_free(d);
		}
	}
	if (st != PLM_OK) {
		tree_lists_free(d);
		return st;
	}
	if (d->tree)
		mode_lists_free(d);
	else {
		tree_lists_free(d);
		if (d->soff == NULL)
			st = mode_lists_build(d, err);
	}
	return st;
}

void pl_data_free(pl_data *d)
{
	if (d == NULL)
		return;
	free(d->seqT);
	free(d->w);
	free(d->mode);
	mode_lists_free(d);
	tree_lists_free(d);
	memset(d, 0, sizeof *d);
}

size_t pl_data_bytes(size_t n, size_t L, size_t q)
{
	return 5 * n * L + n * sizeof(double) + (n + 1) * sizeof(size_t) + L + q;
}

size_t pl_work_bytes(size_t L, size_t q)
{
	size_t Q = (q + 7) / 8 * 8;
	return 2 * L * q * Q * sizeof(float) + (size_t)PL_BLOCK * Q * sizeof(float) +
	       Q * (sizeof(float) + 2 * sizeof(double)) + 6 * 64;
}

int pl_work_init(pl_work *ws, const pl_data *d, plm_err *err)
{
	memset(ws, 0, sizeof *ws);
	size_t lqq = (d->L * d->q + (d->tree ? d->npair : 0)) * d->Q; /* + the pairs' rows */
	ws->nvar = pl_nvar(d);
	ws->dw = plm_calloc_aligned(lqq, sizeof(float), "site couplings", err);
	ws->gf = plm_calloc_aligned(lqq, sizeof(float), "site gradient", err);
	ws->e = plm_calloc_aligned((size_t)PL_BLOCK * d->Q, sizeof(float), "local fields", err);
	ws->base = plm_calloc_aligned(d->Q, sizeof(float), "local fields", err);
	ws->gh = plm_calloc_aligned(d->Q, sizeof(double), "field gradient", err);
	ws->dsum = plm_calloc_aligned(d->Q, sizeof(double), "field gradient", err);
	if (d->tree) {
		ws->ntf = d->n;
		ws->tf = plm_calloc_aligned(d->n * d->Q, sizeof(float), "local fields", err);
	}
	if (!ws->dw || !ws->gf || !ws->e || !ws->base || !ws->gh || !ws->dsum || (d->tree && !ws->tf)) {
		pl_work_free(ws);
		return PLM_ENOMEM;
	}
	return PLM_OK;
}

void pl_work_free(pl_work *ws)
{
	if (ws == NULL)
		return;
	free(ws->dw);
	free(ws->gf);
	free(ws->e);
	free(ws->base);
	free(ws->gh);
	free(ws->dsum);
	free(ws->tf);
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

/* log(z) for z >= 1 (finite) on eight lanes (Cephes logf: z = 2^e m, m in [sqrt(1/2),
 * sqrt(2)), a degree-9 polynomial in m - 1).  Relative error about 1e-7. */
static inline __attribute__((always_inline)) v8sf vlog(v8sf z)
{
	v8si bits;
	memcpy(&bits, &z, sizeof bits);
	v8si e = ((bits >> 23) & 0xff) - 126;
	bits = (bits & 0x007fffff) | 0x3f000000; /* m in [0.5, 1) */
	v8sf m;
	memcpy(&m, &bits, sizeof m);
	v8si small = m < 0.707106781186547524f;
	e = e + small; /* small is -1 where true */
	v8sf x = m - 1.0f + (v8sf)(small & (v8si)m); /* 2m - 1 where small, else m - 1 */
	v8sf ef = __builtin_convertvector(e, v8sf);
	v8sf x2 = x * x;
	v8sf y = x * 7.0376836292e-2f - 1.1514610310e-1f;
	y = y * x + 1.1676998740e-1f;
	y = y * x - 1.2420140846e-1f;
	y = y * x + 1.4249322787e-1f;
	y = y * x - 1.6668057665e-1f;
	y = y * x + 2.0000714765e-1f;
	y = y * x - 2.4999993993e-1f;
	y = y * x + 3.3333331174e-1f;
	y = y * x * x2;
	y = y + ef * -2.12194440e-4f;
	y = y - 0.5f * x2;
	return x + y + ef * 0.693359375f;
}

/* Softmax of each row of E in place -> weighted residuals w_s (p_s - e_{a_i^s}); returns the
 * block's sum of w_s (-log P); the residuals summed over the block go to gh and dsum. */
static inline __attribute__((always_inline)) double softmax(size_t nv, size_t q, size_t nb,
                                                            const uint8_t *ci, const double *w,
                                                            v8sf *E, double *gh, double *dsum)
{
	const size_t Q = nv * 8;
	v8sf padneg[8], keep[8], acc[8];
	for (size_t v = 0; v < nv; v++)
		for (size_t l = 0; l < 8; l++) {
			int real = v * 8 + l < q;
			padneg[v][l] = real ? 0.f : -1e30f;
			keep[v][l] = real ? 1.f : 0.f;
			acc[v][l] = 0.f;
		}
	double f = 0.0;
	float zs[PL_BLOCK] __attribute__((aligned(32))), ts[PL_BLOCK];
	for (size_t s = 0; s < nb; s++) {
		v8sf *ev = E + s * nv;
		float *es = (float *)ev;
		v8sf m = ev[0] + padneg[0];
#pragma GCC unroll 8
		for (size_t v = 1; v < nv; v++) {
			v8sf t = ev[v] + padneg[v];
			v8si gt = t > m;
			m = (v8sf)((gt & (v8si)t) | (~gt & (v8si)m));
		}
		float mx = m[0];
		for (size_t l = 1; l < 8; l++)
			mx = m[l] > mx ? m[l] : mx;
		size_t ai = ci[s];
		float tai = es[ai] - mx;
		v8sf zv = { 0 };
#pragma GCC unroll 8
		for (size_t v = 0; v < nv; v++) {
			ev[v] = vexp(ev[v] + padneg[v] - mx) * keep[v];
			zv += ev[v];
		}
		float z = ((zv[0] + zv[1]) + (zv[2] + zv[3])) + ((zv[4] + zv[5]) + (zv[6] + zv[7]));
		zs[s] = z;
		ts[s] = tai;
		double wsd = w[s];
		float scale = (float)wsd / z;
#pragma GCC unroll 8
		for (size_t v = 0; v < nv; v++)
			ev[v] *= scale;
		es[ai] -= (float)wsd;
#pragma GCC unroll 8
		for (size_t v = 0; v < nv; v++)
			acc[v] += ev[v];
	}
	for (size_t a = 0; a < Q; a++) {
		float t = ((float *)acc)[a];
		gh[a] += t;
		dsum[a] += t;
	}
	/* log P(a_i^s) = tai - log z (z >= 1: the largest term is 1), eight sequences at a time */
	for (size_t s = nb; s % 8; s++)
		zs[s] = 1.f;
	for (size_t s = 0; s < nb; s += 8) {
		v8sf zl, lz;
		memcpy(&zl, zs + s, sizeof zl);
		lz = vlog(zl);
		for (size_t l = 0; l < 8 && s + l < nb; l++)
			f -= w[s + l] * (double)(ts[s + l] - lz[l]);
	}
	return f;
}

/* The kernel's steps, each inlined into kernel_body (one copy per NV, as before the split):
 * prepare, then per block of sequences gather, softmax, scatter and, every PL_FLUSH blocks,
 * flush. */

/* base = h + sum_j J_ij(., mode_j); dw_j[b] = J_ij(., b) - J_ij(., mode_j), from the
 * parameters XD rounded to float (h read as 0 when NO_FIELDS). */
static inline __attribute__((always_inline)) void kernel_prepare(size_t nv, const pl_data *d, size_t i,
                                                                 pl_work *ws, const double *xd,
                                                                 int no_fields)
{
	const size_t L = d->L, q = d->q;
	const v8df *x = (const v8df *)xd;
	v8sf *dw = (v8sf *)ws->dw, *base = (v8sf *)ws->base;
	for (size_t v = 0; v < nv; v++)
		base[v] = no_fields ? (v8sf){ 0 } : __builtin_convertvector(x[v], v8sf);
	memset(dw + i * q * nv, 0, q * nv * sizeof *dw); /* column i's entries add nothing */
	for (size_t j = 0; j < L; j++) {
		if (j == i)
			continue;
		const v8df *Jj = x + nv + j * q * nv, *Jmd = Jj + (size_t)d->mode[j] * nv;
		v8sf *Dj = dw + j * q * nv, Jm[8] = { 0 };
#pragma GCC unroll 8
		for (size_t v = 0; v < nv; v++) {
			Jm[v] = __builtin_convertvector(Jmd[v], v8sf);
			base[v] += Jm[v];
		}
		for (size_t b = 0; b < q; b++)
#pragma GCC unroll 8
			for (size_t v = 0; v < nv; v++)
				Dj[b * nv + v] = __builtin_convertvector(Jj[b * nv + v], v8sf) - Jm[v];
	}
}

/* gather: E[s] = base + sum over the non-mode entries of sequence s0 + s, s < NB. */
static inline __attribute__((always_inline)) void kernel_gather(size_t nv, const pl_data *d, size_t s0,
                                                                size_t nb, pl_work *ws)
{
	const v8sf *dw = (const v8sf *)ws->dw, *base = (const v8sf *)ws->base;
	v8sf *E = (v8sf *)ws->e;
	for (size_t s = 0; s < nb; s++) {
		v8sf acc[8] = { 0 };
#pragma GCC unroll 8
		for (size_t v = 0; v < nv; v++)
			acc[v] = base[v];
		const uint32_t *off = d->soff + d->sptr[s0 + s], *end = d->soff + d->sptr[s0 + s + 1];
		for (; off < end; off++) {
			const v8sf *r = (const v8sf *)((const char *)dw + *off);
#pragma GCC unroll 8
			for (size_t v = 0; v < nv; v++)
				acc[v] += r[v];
		}
#pragma GCC unroll 8
		for (size_t v = 0; v < nv; v++)
			E[s * nv + v] = acc[v];
	}
}

/* scatter: gf_j[state] += residual of s, over the non-mode entries of sequence s0 + s. */
static inline __attribute__((always_inline)) void kernel_scatter(size_t nv, const pl_data *d, size_t s0,
                                                                 size_t nb, pl_work *ws)
{
	const v8sf *E = (const v8sf *)ws->e;
	v8sf *gf = (v8sf *)ws->gf;
	for (size_t s = 0; s < nb; s++) {
		v8sf e[8] = { 0 };
#pragma GCC unroll 8
		for (size_t v = 0; v < nv; v++)
			e[v] = E[s * nv + v];
		const uint32_t *off = d->soff + d->sptr[s0 + s], *end = d->soff + d->sptr[s0 + s + 1];
		for (; off < end; off++) {
			v8sf *r = (v8sf *)((char *)gf + *off);
#pragma GCC unroll 8
			for (size_t v = 0; v < nv; v++)
				r[v] += e[v];
		}
	}
}

/* flush the float sums gf into the doubles of G; the mode's row is the block total (dsum)
 * minus the other rows.  FIRST writes G, LAST adds the penalty's gradient LJ2 J and adds
 * |J|^2 to *R0. */
static inline __attribute__((always_inline)) void kernel_flush(size_t nv, const pl_data *d, size_t i,
                                                               pl_work *ws, const double *xd, double lj2,
                                                               double *g, int first, int last, v4df *r0)
{
	const size_t L = d->L, q = d->q, Q = d->Q;
	v8sf *gf = (v8sf *)ws->gf;
	double *dsum = ws->dsum;
	for (size_t j = 0; j < L; j++) {
		if (j == i)
			continue;
		size_t m = d->mode[j];
		v4df *gj = (v4df *)(g + Q + j * q * Q);
		const v4df *xj = (const v4df *)(xd + Q + j * q * Q);
		v4sf *fj = (v4sf *)(gf + j * q * nv);
		v4df rest[16] = { 0 };
		const v4sf zero = { 0 };
		for (size_t b = 0; b < q; b++) {
			if (b == m)
				continue;
			for (size_t u = 0; u < 2 * nv; u++) {
				size_t k4 = b * 2 * nv + u;
				v4df t = __builtin_convertvector(fj[k4], v4df);
				v4df gn = first ? t : gj[k4] + t;
				if (last) {
					gn = gn + lj2 * xj[k4];
					*r0 += xj[k4] * xj[k4];
				}
				gj[k4] = gn;
				rest[u] += t;
				fj[k4] = zero;
			}
		}
		for (size_t u = 0; u < 2 * nv; u++) {
			size_t k4 = m * 2 * nv + u;
			v4df ds;
			memcpy(&ds, dsum + 4 * u, sizeof ds);
			v4df gn = first ? ds - rest[u] : gj[k4] + (ds - rest[u]);
			if (last) {
				gn = gn + lj2 * xj[k4];
				*r0 += xj[k4] * xj[k4];
			}
			gj[k4] = gn;
		}
	}
	for (size_t a = 0; a < q; a++)
		dsum[a] = 0.0;
}

/* The kernel proper: XD the double parameters (h read as 0 when NO_FIELDS); writes the data
 * term's gradient plus LJ2 J to G's coupling blocks (G's field part and column i untouched)
 * and sets *RJ = |J|^2; returns the data term. */
static inline __attribute__((always_inline)) double kernel_body(size_t nv, const pl_data *d,
                                                                size_t i, pl_work *ws, const double *xd,
                                                                int no_fields, double lj2, double *g,
                                                                double *rj)
{
	const size_t n = d->n, q = d->q;
	kernel_prepare(nv, d, i, ws, xd, no_fields);
	double f = 0.0;
	size_t since_flush = 0;
	int first = 1;
	v4df r0 = { 0 };
	for (size_t k = 0; k < d->nblk; k++) {
		size_t s0 = k * PL_BLOCK, nb = n - s0 < PL_BLOCK ? n - s0 : PL_BLOCK;
		kernel_gather(nv, d, s0, nb, ws);
		f += softmax(nv, q, nb, d->seqT + i * n + s0, d->w + s0, (v8sf *)ws->e, ws->gh, ws->dsum);
		kernel_scatter(nv, d, s0, nb, ws);
		int last = k + 1 == d->nblk;
		if (++since_flush == PL_FLUSH || last) {
			since_flush = 0;
			kernel_flush(nv, d, i, ws, xd, lj2, g, first, last, &r0);
			first = 0;
		}
	}
	*rj = (r0[0] + r0[1]) + (r0[2] + r0[3]);
	memset((v8sf *)ws->gf + i * q * nv, 0, q * nv * sizeof(v8sf)); /* column i's entries, unused */
	return f;
}

/* ---- the tree path: the same sums, each sequence from its parent ------------------------ */

/* forward, in preorder: F[k] = F[parent] (base at the root) + its + rows - its - rows. */
static inline __attribute__((always_inline)) void tree_gather(size_t nv, const pl_data *d, pl_work *ws)
{
	const v8sf *dw = (const v8sf *)ws->dw, *base = (const v8sf *)ws->base;
	v8sf *F = (v8sf *)ws->tf;
	for (size_t k = 0; k < d->n; k++) {
		const v8sf *from = d->tpar[k] == SEQTREE_ROOT ? base : F + (size_t)d->tpar[k] * nv;
		v8sf acc[8] = { 0 };
#pragma GCC unroll 8
		for (size_t v = 0; v < nv; v++)
			acc[v] = from[v];
		const uint32_t *off = d->toff + d->tptr[k], *mid = off + d->tnplus[k],
		               *end = d->toff + d->tptr[k + 1];
		for (; off < mid; off++) {
			const v8sf *r = (const v8sf *)((const char *)dw + *off);
#pragma GCC unroll 8
			for (size_t v = 0; v < nv; v++)
				acc[v] += r[v];
		}
		for (; off < end; off++) {
			const v8sf *r = (const v8sf *)((const char *)dw + *off);
#pragma GCC unroll 8
			for (size_t v = 0; v < nv; v++)
				acc[v] -= r[v];
		}
#pragma GCC unroll 8
		for (size_t v = 0; v < nv; v++)
			F[k * nv + v] = acc[v];
	}
}

/* The pairs' difference rows: dw[L q + p] = dw_j(hi) - dw_j(lo) (zero for j = i). */
static inline __attribute__((always_inline)) void tree_pairs_prepare(size_t nv, const pl_data *d,
                                                                     pl_work *ws)
{
	const size_t q = d->q;
	v8sf *dw = (v8sf *)ws->dw, *P = dw + d->L * q * nv;
	for (size_t p = 0; p < d->npair; p++) {
		size_t key = d->pair[p], hi = key % q, jlo = key / q;
		const v8sf *h = dw + ((jlo - jlo % q) + hi) * nv, *l = dw + jlo * nv;
#pragma GCC unroll 8
		for (size_t v = 0; v < nv; v++)
			P[p * nv + v] = h[v] - l[v];
	}
}

/* The pairs' gradient sums go to their two rows: +S to (j, hi), -S to (j, lo). */
static inline __attribute__((always_inline)) void tree_pairs_spread(size_t nv, const pl_data *d,
                                                                    pl_work *ws)
{
	const size_t q = d->q;
	v8sf *gf = (v8sf *)ws->gf, *P = gf + d->L * q * nv;
	for (size_t p = 0; p < d->npair; p++) {
		size_t key = d->pair[p], hi = key % q, jlo = key / q;
		v8sf *h = gf + ((jlo - jlo % q) + hi) * nv, *l = gf + jlo * nv;
#pragma GCC unroll 8
		for (size_t v = 0; v < nv; v++) {
			h[v] += P[p * nv + v];
			l[v] -= P[p * nv + v];
			P[p * nv + v] = (v8sf){ 0 };
		}
	}
}

/* backward, in reverse preorder: F[k] holds k's subtree sum T_k of residuals (its children,
 * later in preorder, were added to it); the count of sequences at state b of column j is the
 * root's plus, over every edge, +1 where the child enters b and -1 where it leaves it, so
 * gf_j[b] gets +T_k on k's + rows and -T_k on its - rows; then T_k goes to its parent.  The
 * float sums are flushed every PL_BLOCK * PL_FLUSH sequences (the flush is linear: the mode
 * rows come out right from dsum, summed once by the softmax, whatever the schedule). */
static inline __attribute__((always_inline)) void tree_scatter(size_t nv, const pl_data *d, size_t i,
                                                               pl_work *ws, const double *xd,
                                                               double lj2, double *g, v4df *r0)
{
	v8sf *F = (v8sf *)ws->tf, *gf = (v8sf *)ws->gf;
	int first = 1;
	size_t since = 0;
	for (size_t k = d->n; k-- > 0;) {
		v8sf e[8] = { 0 };
#pragma GCC unroll 8
		for (size_t v = 0; v < nv; v++)
			e[v] = F[k * nv + v];
		const uint32_t *off = d->toff + d->tptr[k], *mid = off + d->tnplus[k],
		               *end = d->toff + d->tptr[k + 1];
		for (; off < mid; off++) {
			v8sf *r = (v8sf *)((char *)gf + *off);
#pragma GCC unroll 8
			for (size_t v = 0; v < nv; v++)
				r[v] += e[v];
		}
		for (; off < end; off++) {
			v8sf *r = (v8sf *)((char *)gf + *off);
#pragma GCC unroll 8
			for (size_t v = 0; v < nv; v++)
				r[v] -= e[v];
		}
		if (d->tpar[k] != SEQTREE_ROOT) {
			v8sf *p = F + (size_t)d->tpar[k] * nv;
#pragma GCC unroll 8
			for (size_t v = 0; v < nv; v++)
				p[v] += e[v];
		}
		if (++since == (size_t)PL_BLOCK * PL_FLUSH || k == 0) {
			since = 0;
			if (k == 0)
				tree_pairs_spread(nv, d, ws);
			kernel_flush(nv, d, i, ws, xd, lj2, g, first, k == 0, r0);
			first = 0;
		}
	}
}

static inline __attribute__((always_inline)) double tree_body(size_t nv, const pl_data *d, size_t i,
                                                              pl_work *ws, const double *xd,
                                                              int no_fields, double lj2, double *g,
                                                              double *rj)
{
	const size_t n = d->n, q = d->q;
	kernel_prepare(nv, d, i, ws, xd, no_fields);
	tree_pairs_prepare(nv, d, ws);
	tree_gather(nv, d, ws);
	double f = 0.0;
	const uint8_t *col = d->seqT + i * n;
	for (size_t s0 = 0; s0 < n; s0 += PL_BLOCK) {
		size_t nb = n - s0 < PL_BLOCK ? n - s0 : PL_BLOCK;
		uint8_t ci[PL_BLOCK];
		for (size_t s = 0; s < nb; s++)
			ci[s] = col[d->tord[s0 + s]];
		f += softmax(nv, q, nb, ci, d->tw + s0, (v8sf *)ws->tf + s0 * nv, ws->gh, ws->dsum);
	}
	v4df r0 = { 0 };
	tree_scatter(nv, d, i, ws, xd, lj2, g, &r0);
	*rj = (r0[0] + r0[1]) + (r0[2] + r0[3]);
	memset((v8sf *)ws->gf + i * q * nv, 0, q * nv * sizeof(v8sf)); /* column i's entries, unused */
	return f;
}

/* The data term on the path D takes, one copy per NV. */
static inline __attribute__((always_inline)) double body(size_t nv, const pl_data *d, size_t i,
                                                         pl_work *ws, const double *xd, int no_fields,
                                                         double lj2, double *g, double *rj)
{
	if (d->tree)
		return tree_body(nv, d, i, ws, xd, no_fields, lj2, g, rj);
	return kernel_body(nv, d, i, ws, xd, no_fields, lj2, g, rj);
}

PLM_CLONES
static double kernel(const pl_data *d, size_t i, const pl_site_opts *o, const double *x, double *g,
                     pl_work *ws)
{
	const size_t Q = d->Q, q = d->q;
	const v4df *xv = (const v4df *)x;
	memset(g, 0, Q * sizeof *g);
	memset(g + Q + i * q * Q, 0, q * Q * sizeof *g); /* column i: unused */
	memset(ws->gh, 0, Q * sizeof *ws->gh);
	memset(ws->dsum, 0, Q * sizeof *ws->dsum);
	const double lj2 = 2.0 * o->lambda_j;
	double f, rj;
	switch (Q / 8) {
	case 1:
		f = body(1, d, i, ws, x, o->no_fields, lj2, g, &rj);
		break;
	case 3:
		f = body(3, d, i, ws, x, o->no_fields, lj2, g, &rj);
		break;
	default:
		f = body(Q / 8, d, i, ws, x, o->no_fields, lj2, g, &rj);
		break;
	}
	/* the fields' penalty in double on the double parameters (unused entries are 0); the
	 * couplings' is added by the last flush */
	v4df *gv = (v4df *)g;
	v4df r0 = { 0 };
	const double lh2 = 2.0 * o->lambda_h;
	if (!o->no_fields)
		for (size_t k = 0; k < Q / 4; k++) {
			r0 += xv[k] * xv[k];
			v4df ghv;
			memcpy(&ghv, ws->gh + 4 * k, sizeof ghv);
			gv[k] = ghv + lh2 * xv[k];
		}
	double rh = (r0[0] + r0[1]) + (r0[2] + r0[3]);
	return f + o->lambda_h * rh + o->lambda_j * rj;
}

double pl_site_eval(const pl_data *d, size_t i, const pl_site_opts *o, const double *x, double *g,
                     pl_work *ws)
{
	return kernel(d, i, o, x, g, ws);
}

double pl_site_eval_ref(const pl_data *d, size_t i, const pl_site_opts *o, const double *x,
                         double *g)
{
	const size_t n = d->n, L = d->L, q = d->q, Q = d->Q, nvar = pl_nvar(d);
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

/* ---- binary data: the dense path ------------------------------------------------------ */

int pl_bin_view(pl_bin *b, const pl_data *d, plm_err *err)
{
	memset(b, 0, sizeof *b);
	if (d->q != 2)
		return plm_fail(err, PLM_EINVAL, "the dense path needs q = 2");
	if (d->n > INT_MAX || d->L > INT_MAX)
		return plm_fail(err, PLM_ERANGE, "%zu x %zu patterns exceed BLAS's int sizes", d->n, d->L);
	b->n = d->n;
	b->L = d->L;
	b->d = d;
	return PLM_OK;
}

int pl_bin_init(pl_bin *b, const pl_data *d, plm_err *err)
{
	int st = pl_bin_view(b, d, err);
	if (st != PLM_OK)
		return st;
	b->spin = plm_calloc_aligned(d->n * d->L, sizeof(float), "spin matrix", err);
	if (b->spin == NULL)
		return PLM_ENOMEM;
	for (size_t j = 0; j < d->L; j++)
		for (size_t s = 0; s < d->n; s++)
			b->spin[s * d->L + j] = d->seqT[j * d->n + s] ? 1.f : -1.f;
	return PLM_OK;
}

void pl_bin_free(pl_bin *b)
{
	if (b == NULL)
		return;
	free(b->spin);
	memset(b, 0, sizeof *b);
}

size_t pl_bin_nvar(const pl_bin *b)
{
	return b->L + 1;
}

size_t pl_bin_work_bytes(size_t n, size_t L)
{
	return (2 * L + n) * sizeof(float) + 3 * 64;
}

int pl_bin_work_init(pl_bin_work *ws, const pl_bin *b, plm_err *err)
{
	memset(ws, 0, sizeof *ws);
	ws->k = plm_calloc_aligned(b->L, sizeof(float), "site couplings", err);
	ws->gk = plm_calloc_aligned(b->L, sizeof(float), "site gradient", err);
	ws->delta = plm_calloc_aligned(b->n, sizeof(float), "local fields", err);
	if (!ws->k || !ws->gk || !ws->delta) {
		pl_bin_work_free(ws);
		return PLM_ENOMEM;
	}
	return PLM_OK;
}

void pl_bin_work_free(pl_bin_work *ws)
{
	if (ws == NULL)
		return;
	free(ws->k);
	free(ws->gk);
	free(ws->delta);
	memset(ws, 0, sizeof *ws);
}

/* lambda_B (with a single position B is the field difference alone) */
static double bin_bias(const pl_bin *b, const pl_site_opts *o)
{
	if (b->L == 1)
		return o->no_fields ? 0.0 : o->lambda_h / 2.0;
	double L1 = (double)(b->L - 1);
	if (o->no_fields)
		return o->lambda_j / L1;
	double den = L1 * o->lambda_h + 2.0 * o->lambda_j;
	return den > 0.0 ? o->lambda_h * o->lambda_j / den : 0.0;
}

double pl_bin_norm_weight(const pl_bin *b, const pl_site_opts *o)
{
	if (b->L == 1)
		return o->no_fields ? 0.0 : 2.0;
	return o->no_fields ? (double)(b->L - 1) : (double)b->L + 1.0;
}

double pl_bin_finish(const pl_bin *b, size_t i, const pl_site_opts *o, const double *x,
                      double f, double gB, double *g)
{
	const size_t L = b->L;
	const int fixed = o->no_fields && L == 1; /* no parameter at all */
	double lb = bin_bias(b, o), B = fixed ? 0.0 : x[0];
	double rk = 0.0;
	for (size_t j = 0; j < L; j++) {
		if (j == i) {
			g[1 + j] = 0.0;
			continue;
		}
		rk += x[1 + j] * x[1 + j];
		g[1 + j] += 2.0 * o->lambda_j * x[1 + j];
	}
	g[0] = fixed ? 0.0 : gB + 2.0 * lb * B;
	return f + lb * B * B + o->lambda_j * rk;
}

double pl_bin_eval(const pl_bin *b, size_t i, const pl_site_opts *o, const double *x, double *g,
                    pl_bin_work *ws)
{
	const size_t n = b->n, L = b->L;
	const double *w = b->d->w;
	const uint8_t *ci = b->d->seqT + i * n;
	double B = o->no_fields && L == 1 ? 0.0 : x[0];
	for (size_t j = 0; j < L; j++)
		ws->k[j] = j == i ? 0.f : (float)x[1 + j];
	/* D = S k (the bias is added below, in double) */
	cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)n, (int)L, 1.f, b->spin, (int)L, ws->k, 1, 0.f,
	            ws->delta, 1);
	double f = 0.0, gB = 0.0;
	for (size_t s = 0; s < n; s++) {
		double y = ci[s] ? 1.0 : 0.0, p;
		f += w[s] * pl_bin_loss(B + (double)ws->delta[s], y, &p);
		double r = w[s] * (p - y);
		gB += r;
		ws->delta[s] = (float)r;
	}
	/* g_k = S^T r */
	cblas_sgemv(CblasRowMajor, CblasTrans, (int)n, (int)L, 1.f, b->spin, (int)L, ws->delta, 1, 0.f,
	            ws->gk, 1);
	for (size_t j = 0; j < L; j++)
		g[1 + j] = (double)ws->gk[j];
	return pl_bin_finish(b, i, o, x, f, gB, g);
}

void pl_bin_store(const pl_bin *b, size_t i, const pl_site_opts *o, const double *x, float *h,
                   float *J)
{
	const size_t L = b->L;
	double B = x[0], L1 = (double)(L > 1 ? L - 1 : 1), delta;
	if (o->no_fields)
		delta = 0.0;
	else if (L == 1)
		delta = B;
	else {
		double den = L1 * o->lambda_h + 2.0 * o->lambda_j;
		delta = den > 0.0 ? B * 2.0 * o->lambda_j / den : B;
	}
	double c = L > 1 ? (B - delta) / L1 : 0.0;
	h[0] = (float)(-delta / 2.0);
	h[1] = (float)(delta / 2.0);
	for (size_t j = 0; j < L; j++) {
		float *Jj = J + j * 4;
		if (j == i) {
			memset(Jj, 0, 4 * sizeof *Jj);
			continue;
		}
		double k = x[1 + j];
		double u0 = c - k, u1 = c + k; /* J(1,b) - J(0,b) for b = 0, 1 */
		Jj[0 * 2 + 0] = (float)(-u0 / 2.0);
		Jj[0 * 2 + 1] = (float)(-u1 / 2.0);
		Jj[1 * 2 + 0] = (float)(u0 / 2.0);
		Jj[1 * 2 + 1] = (float)(u1 / 2.0);
	}
}
