/* dynamics: zero-temperature dynamics with incrementally updated local fields, noise,
 * and cycle detection at sweep boundaries; a batch runner parallel over starts.
 * Works on states in memory only: no files, no printing. */
#include "dynamics.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const dyn_update_names[] = {"sequential", "parallel", NULL};
const char *const dyn_order_names[] = {"ascending", "random", NULL};

#ifdef _OPENMP
#include <omp.h>
#endif

#include "util.h"

/* The two hot loops get an AVX2 clone chosen at run time (PLM_CLONES); each element is
 * computed the same way in both, so results do not depend on the machine's vector width. */

/* Full states kept (per workspace) to confirm a revisit found by hash. */
#define DYN_RING_BYTES ((size_t)4 << 20)
#define DYN_SLOT_EMPTY ((size_t)-1)

struct dyn_work {
	size_t L, q;
	uint8_t *a;       /* current state */
	uint8_t *next;    /* parallel updates: the new states */
	double *f;        /* local fields, L x q */
	size_t *order;    /* sequential updates: the order of a sweep */
	/* visited states: open-addressing table hash -> sweep, and a ring of the latest states */
	uint64_t *key;
	size_t *val;
	size_t cap, count;
	uint8_t *ring;
	size_t ring_n;    /* states the ring holds (0: confirm by hash only) */
	size_t ring_alloc;
	/* batches: the fields of the last noise-free start, reused by its noisy repeats */
	double *base_f;
	size_t base_id;
};

void dyn_opts_default(dyn_opts *o)
{
	o->update = DYN_UPDATE_SEQUENTIAL;
	o->order = DYN_ORDER_ASCENDING;
	o->max_sweeps = DYN_MAX_SWEEPS_DEFAULT;
}

const char *dyn_status_name(dyn_status s)
{
	switch (s) {
	case DYN_FIXED: return "fixed";
	case DYN_CYCLE: return "cycle";
	case DYN_MAX_SWEEPS: return "max-sweeps";
	}
	return "?";
}

/* ---- the model -------------------------------------------------------------------- */

/* Rearrange the couplings J (L x L x q x q, J[((i L + j) q + a) q + b] = J_ij(a, b)) in place
 * into the dynamics' layout JT[((j q + b) L + i) q + a] = J_ij(a, b), or (J_ij(a, b) + J_ji(b, a)) / 2
 * with SYMMETRIZE; J_ii = 0.  Two passes, no second copy of J:
 *  1. for each pair i < j, the element J_ij(a, b) and its partner J_ji(b, a) swap places (each
 *     pair of elements is a cycle of two): afterwards the block at (j, i) holds, at (b, a), the
 *     value for J_ij(a, b), i.e. element ((j L + i) q + b) q + a;
 *  2. in each row block j (L q q floats, laid out (i, b, a)) the order becomes (b, i, a), through
 *     a buffer of one row block per thread (BUF: threads x L q q floats).
 * *MAXABS and *MAXDIFF get the largest |J_ij(a, b)| and |J_ij(a, b) - J_ji(b, a)| over i != j. */
static void dyn_rearrange(float *J, size_t L, size_t q, int symmetrize, float *buf, float *maxabs,
                          float *maxdiff)
{
	const size_t qq = q * q, row = L * qq;
	float mabs = 0.0f, mdiff = 0.0f;
	#pragma omp parallel for schedule(dynamic, 1) reduction(max : mabs, mdiff)
	for (size_t i = 0; i < L; i++) {
		memset(J + (i * L + i) * qq, 0, qq * sizeof(float)); /* J_ii = 0 whatever the file says */
		for (size_t j = i + 1; j < L; j++) {
			float *X = J + (i * L + j) * qq; /* J_ij(a, b) at a q + b */
			float *Y = J + (j * L + i) * qq; /* J_ji(b, a) at b q + a */
			for (size_t a = 0; a < q; a++) {
				for (size_t b = 0; b < q; b++) {
					float x = X[a * q + b], y = Y[b * q + a];
					float ax = fabsf(x), ay = fabsf(y), dxy = fabsf(x - y);
					if (ax > mabs)
						mabs = ax;
					if (ay > mabs)
						mabs = ay;
					if (dxy > mdiff)
						mdiff = dxy;
					/* the value for J_ij(a, b) goes to (j, i, b, a), the one for J_ji(b, a) to (i, j, a, b) */
					Y[b * q + a] = symmetrize ? 0.5f * (x + y) : x;
					X[a * q + b] = symmetrize ? 0.5f * (y + x) : y;
				}
			}
		}
	}
	#pragma omp parallel
	{
		float *tmp = buf + plm_thread_num() * row;
		#pragma omp for schedule(static)
		for (size_t j = 0; j < L; j++) {
			float *blk = J + j * row;
			memcpy(tmp, blk, row * sizeof(float));
			for (size_t i = 0; i < L; i++)
				for (size_t b = 0; b < q; b++)
					memcpy(blk + (b * L + i) * q, tmp + (i * q + b) * q, q * sizeof(float));
		}
	}
	*maxabs = mabs;
	*maxdiff = mdiff;
}

/* Build the dynamics' model around the couplings J (L x L x q x q as in plm_model), which it
 * rearranges in place and then owns; h is copied from M.  On failure J is untouched and not
 * taken. */
static int dyn_model_build(const plm_model *m, float *J, int symmetrize, dyn_model **out, plm_err *err)
{
	*out = NULL;
	size_t L = m->L, q = m->q, lq = L * q; /* L q q fits: J is allocated */
	size_t nt = plm_max_threads();
	dyn_model *d = calloc(1, sizeof *d);
	if (d == NULL)
		return plm_fail(err, PLM_ENOMEM, "out of memory");
	d->L = L;
	d->q = q;
	d->h = plm_calloc_aligned(lq, sizeof(float), "fields", err);
	d->tie = plm_calloc(L, sizeof(double), "tie tolerances", err);
	/* one row block of J per thread, for the second pass of the rearrangement */
	float *buf = d->h && d->tie ? plm_calloc(nt, lq * q * sizeof(float),
	                                         "rearranging the couplings", err) : NULL;
	if (buf == NULL) {
		dyn_model_destroy(d);
		return err ? err->code : PLM_ENOMEM;
	}
	memcpy(d->h, m->h, lq * sizeof(float));
	float maxabs, maxdiff;
	dyn_rearrange(J, L, q, symmetrize, buf, &maxabs, &maxdiff);
	free(buf);
	d->JT = J;
	d->symmetric = symmetrize || maxdiff <= 1e-6f * maxabs;
	/* the tie tolerance of site i: DYN_TIE_REL times the largest sum of magnitudes its field can
	 * add up, i.e. a few float roundings of the stored parameters */
	#pragma omp parallel for schedule(static)
	for (size_t i = 0; i < L; i++) {
		double sum = 0.0, mh = 0.0;
		for (size_t a = 0; a < q; a++)
			if (fabs((double)d->h[i * q + a]) > mh)
				mh = fabs((double)d->h[i * q + a]);
		for (size_t j = 0; j < L; j++) {
			double mj = 0.0;
			for (size_t b = 0; b < q; b++) {
				const float *row = d->JT + ((j * q + b) * L + i) * q;
				for (size_t a = 0; a < q; a++)
					if (fabs((double)row[a]) > mj)
						mj = fabs((double)row[a]);
			}
			sum += mj;
		}
		d->tie[i] = DYN_TIE_REL * (mh + sum);
	}
	*out = d;
	return PLM_OK;
}

/* The checks both constructors share; *N gets the number of couplings L q L q. */
static int dyn_model_check(const plm_model *m, size_t *n, plm_err *err)
{
	if (m == NULL || m->h == NULL || m->J == NULL || m->L == 0 || m->q == 0)
		return plm_fail(err, PLM_EINVAL, "the model has no fields or couplings");
	if (m->q > 255)
		return plm_fail(err, PLM_EINVAL, "the dynamics handles at most 255 states (model has %zu)", m->q);
	if (m->row0 != 0 || m->nrows != m->L)
		return plm_fail(err, PLM_EINVAL, "the model holds part of its couplings only");
	size_t lq;
	if (size_mul(m->L, m->q, &lq) != 0 || size_mul(lq, lq, n) != 0)
		return plm_fail(err, PLM_ERANGE, "model too large for this machine (L = %zu, q = %zu)", m->L, m->q);
	return PLM_OK;
}

int dyn_model_create(const plm_model *m, int symmetrize, dyn_model **out, plm_err *err)
{
	*out = NULL;
	size_t n;
	int rc = dyn_model_check(m, &n, err);
	if (rc != PLM_OK)
		return rc;
	float *J = plm_calloc_aligned(n, sizeof(float), "couplings for the dynamics", err);
	if (J == NULL)
		return err ? err->code : PLM_ENOMEM;
	memcpy(J, m->J, n * sizeof(float));
	if ((rc = dyn_model_build(m, J, symmetrize, out, err)) != PLM_OK)
		free(J);
	return rc;
}

int dyn_model_take(plm_model *m, int symmetrize, dyn_model **out, plm_err *err)
{
	*out = NULL;
	size_t n;
	int rc = dyn_model_check(m, &n, err);
	if (rc == PLM_OK && (rc = dyn_model_build(m, m->J, symmetrize, out, err)) == PLM_OK)
		m->J = NULL;
	return rc;
}

void dyn_model_destroy(dyn_model *d)
{
	if (d == NULL)
		return;
	free(d->h);
	free(d->tie);
	free(d->JT);
	free(d);
}

static inline const float *block(const dyn_model *d, size_t j, size_t b)
{
	return d->JT + (j * d->q + b) * d->L * d->q;
}

PLM_CLONES
void dyn_fields(const dyn_model *d, const uint8_t *a, double *restrict f)
{
	size_t lq = d->L * d->q, L = d->L, j = 0;
	for (size_t k = 0; k < lq; k++)
		f[k] = d->h[k];
	/* four blocks per pass: a quarter of the passes over f */
	for (; j + 4 <= L; j += 4) {
		const float *restrict b0 = block(d, j, a[j]), *restrict b1 = block(d, j + 1, a[j + 1]);
		const float *restrict b2 = block(d, j + 2, a[j + 2]), *restrict b3 = block(d, j + 3, a[j + 3]);
		#pragma omp simd
		for (size_t k = 0; k < lq; k++)
			f[k] += ((double)b0[k] + (double)b1[k]) + ((double)b2[k] + (double)b3[k]);
	}
	for (; j < L; j++) {
		const float *restrict blk = block(d, j, a[j]);
		#pragma omp simd
		for (size_t k = 0; k < lq; k++)
			f[k] += blk[k];
	}
}

/* The update rule (see dynamics.h). */
static inline uint8_t pick(const double *f, size_t q, uint8_t cur, double tol)
{
	size_t bm = 0;
	double m = f[0];
	for (size_t b = 1; b < q; b++)
		if (f[b] > m) {
			m = f[b];
			bm = b;
		}
	if (f[cur] >= m - tol)
		return cur;
	return (uint8_t)bm;
}

int dyn_is_fixed(const dyn_model *d, const uint8_t *a, int *fixed)
{
	*fixed = 0;
	double *f = malloc(d->L * d->q * sizeof *f);
	if (f == NULL)
		return PLM_ENOMEM;
	dyn_fields(d, a, f);
	int fx = 1;
	for (size_t i = 0; i < d->L && fx; i++)
		if (pick(f + i * d->q, d->q, a[i], d->tie[i]) != a[i])
			fx = 0;
	free(f);
	*fixed = fx;
	return PLM_OK;
}

double dyn_energy(const dyn_model *d, const uint8_t *a)
{
	size_t L = d->L, q = d->q;
	double e = 0.0;
	for (size_t i = 0; i < L; i++) {
		e -= d->h[i * q + a[i]];
		for (size_t j = i + 1; j < L; j++)
			e -= block(d, j, a[j])[i * q + a[i]];
	}
	return e;
}

/* ---- noise and overlaps ------------------------------------------------------------ */

size_t dyn_noise(uint8_t *a, size_t L, size_t q, double frac, plm_rng *rng)
{
	if (q < 2 || L == 0 || !(frac > 0.0))
		return 0;
	if (frac > 1.0)
		frac = 1.0;
	size_t k = (size_t)floor(frac * (double)L + 0.5);
	if (k > L)
		k = L;
	/* selection sampling: a uniform k-subset in one pass, no workspace */
	size_t need = k;
	for (size_t i = 0; i < L && need > 0; i++) {
		if (rng_below(rng, (uint64_t)(L - i)) < need) {
			uint64_t c = rng_below(rng, (uint64_t)(q - 1));
			if (c >= a[i])
				c++;
			a[i] = (uint8_t)c;
			need--;
		}
	}
	return k;
}

double dyn_overlap(const uint8_t *a, const uint8_t *b, size_t L)
{
	if (L == 0)
		return 1.0;
	size_t same = 0;
	for (size_t i = 0; i < L; i++)
		same += a[i] == b[i];
	return (double)same / (double)L;
}

/* ---- workspace ----------------------------------------------------------------------- */

int dyn_work_create(const dyn_model *d, dyn_work **out, plm_err *err)
{
	*out = NULL;
	dyn_work *w = calloc(1, sizeof *w);
	if (w == NULL)
		return plm_fail(err, PLM_ENOMEM, "out of memory");
	w->L = d->L;
	w->q = d->q;
	w->a = plm_calloc(d->L, 1, "dynamics state", err);
	w->next = plm_calloc(d->L, 1, "dynamics state", err);
	w->f = plm_calloc_aligned(d->L * d->q, sizeof(double), "local fields", err);
	w->order = plm_calloc(d->L, sizeof(size_t), "update order", err);
	w->base_f = plm_calloc_aligned(d->L * d->q, sizeof(double), "local fields", err);
	w->base_id = SIZE_MAX;
	w->cap = 1024;
	w->key = plm_calloc(w->cap, sizeof(uint64_t), "visited states", err);
	w->val = plm_calloc(w->cap, sizeof(size_t), "visited states", err);
	if (!w->a || !w->next || !w->f || !w->order || !w->key || !w->val || !w->base_f) {
		dyn_work_destroy(w);
		return err ? err->code : PLM_ENOMEM;
	}
	*out = w;
	return PLM_OK;
}

void dyn_work_destroy(dyn_work *w)
{
	if (w == NULL)
		return;
	free(w->a);
	free(w->next);
	free(w->f);
	free(w->order);
	free(w->key);
	free(w->val);
	free(w->ring);
	free(w->base_f);
	free(w);
}

void dyn_work_set(const dyn_model *d, dyn_work *w, const uint8_t *a)
{
	memcpy(w->a, a, d->L);
	dyn_fields(d, w->a, w->f);
}

void dyn_work_copy(const dyn_model *d, dyn_work *dst, const dyn_work *src)
{
	memcpy(dst->a, src->a, d->L);
	memcpy(dst->f, src->f, d->L * d->q * sizeof *dst->f);
}

PLM_CLONES
void dyn_work_flip(const dyn_model *d, dyn_work *w, size_t j, uint8_t b)
{
	uint8_t old = w->a[j];
	if (old == b)
		return;
	const float *restrict jn = block(d, j, b);
	const float *restrict jo = block(d, j, old);
	double *restrict f = w->f;
	size_t lq = d->L * d->q;
	#pragma omp simd
	for (size_t k = 0; k < lq; k++)
		f[k] += (double)jn[k] - (double)jo[k];
	w->a[j] = b;
}

const uint8_t *dyn_work_state(const dyn_work *w)
{
	return w->a;
}

const double *dyn_work_fields(const dyn_work *w)
{
	return w->f;
}

/* ---- visited states -------------------------------------------------------------------- */

static inline uint64_t mix64(uint64_t z)
{
	z = (z ^ (z >> 33)) * 0xff51afd7ed558ccdULL;
	z = (z ^ (z >> 33)) * 0xc4ceb9fe1a85ec53ULL;
	return z ^ (z >> 33);
}

static uint64_t state_hash(const uint8_t *a, size_t L)
{
	uint64_t h = mix64(L + 0x9e3779b97f4a7c15ULL);
	size_t i = 0;
	for (; i + 8 <= L; i += 8) {
		uint64_t x;
		memcpy(&x, a + i, 8);
		h = mix64(h ^ x) + i;
	}
	if (i < L) {
		uint64_t x = 0;
		memcpy(&x, a + i, L - i);
		h = mix64(h ^ x) + i;
	}
	return mix64(h);
}

static void visits_reset(dyn_work *w, size_t max_sweeps)
{
	for (size_t k = 0; k < w->cap; k++)
		w->val[k] = DYN_SLOT_EMPTY;
	w->count = 0;
	size_t want = DYN_RING_BYTES / (w->L ? w->L : 1);
	if (want < 2)
		want = 2;
	if (max_sweeps < want - 1)
		want = max_sweeps + 1;
	if (want > w->ring_alloc) {
		uint8_t *r = realloc(w->ring, want * w->L);
		if (r != NULL) {
			w->ring = r;
			w->ring_alloc = want;
		}
	}
	w->ring_n = want <= w->ring_alloc ? want : w->ring_alloc;
}

static void visits_grow(dyn_work *w)
{
	size_t ncap = 2 * w->cap;
	uint64_t *nk = malloc(ncap * sizeof *nk);
	size_t *nv = malloc(ncap * sizeof *nv);
	if (nk == NULL || nv == NULL) {
		free(nk);
		free(nv);
		return; /* keep the old table; it only fills more */
	}
	for (size_t k = 0; k < ncap; k++)
		nv[k] = DYN_SLOT_EMPTY;
	for (size_t k = 0; k < w->cap; k++) {
		if (w->val[k] == DYN_SLOT_EMPTY)
			continue;
		size_t p = (size_t)w->key[k] & (ncap - 1);
		while (nv[p] != DYN_SLOT_EMPTY)
			p = (p + 1) & (ncap - 1);
		nk[p] = w->key[k];
		nv[p] = w->val[k];
	}
	free(w->key);
	free(w->val);
	w->key = nk;
	w->val = nv;
	w->cap = ncap;
}

/* Record the current state as that of sweep S.  Returns 1 and sets *prev when it was seen at
 * an earlier sweep boundary. */
static int visits_check(dyn_work *w, size_t s, size_t *prev)
{
	uint64_t h = state_hash(w->a, w->L);
	size_t p = (size_t)h & (w->cap - 1);
	while (w->val[p] != DYN_SLOT_EMPTY) {
		if (w->key[p] == h) {
			size_t t = w->val[p];
			if (w->ring_n == 0 || s - t > w->ring_n ||
			    memcmp(w->ring + (t % w->ring_n) * w->L, w->a, w->L) == 0) {
				*prev = t;
				return 1;
			}
		}
		p = (p + 1) & (w->cap - 1);
	}
	if (w->ring_n > 0)
		memcpy(w->ring + (s % w->ring_n) * w->L, w->a, w->L);
	if (2 * (w->count + 1) > w->cap)
		visits_grow(w);
	if (2 * (w->count + 1) > w->cap && w->count + 1 >= w->cap)
		return 0; /* table full (no memory to grow): stop recording */
	p = (size_t)h & (w->cap - 1);
	while (w->val[p] != DYN_SLOT_EMPTY)
		p = (p + 1) & (w->cap - 1);
	w->key[p] = h;
	w->val[p] = s;
	w->count++;
	return 0;
}

/* ---- the dynamics --------------------------------------------------------------------- */

const size_t *dyn_sweep_order(dyn_work *w, dyn_order order, plm_rng *rng)
{
	size_t L = w->L;
	for (size_t k = 0; k < L; k++)
		w->order[k] = k;
	if (order == DYN_ORDER_RANDOM && rng != NULL)
		for (size_t k = L; k > 1; k--) {
			size_t r = (size_t)rng_below(rng, (uint64_t)k);
			size_t t = w->order[k - 1];
			w->order[k - 1] = w->order[r];
			w->order[r] = t;
		}
	return w->order;
}

uint8_t dyn_site_rule(const dyn_model *d, size_t i, const double *f, uint8_t cur)
{
	return pick(f, d->q, cur, d->tie[i]);
}

static size_t sweep_sequential(const dyn_model *d, const dyn_opts *o, dyn_work *w, plm_rng *rng)
{
	size_t L = d->L, q = d->q, changed = 0;
	const size_t *order = dyn_sweep_order(w, o->order, rng);
	for (size_t k = 0; k < L; k++) {
		size_t i = order[k];
		uint8_t b = pick(w->f + i * q, q, w->a[i], d->tie[i]);
		if (b != w->a[i]) {
			dyn_work_flip(d, w, i, b);
			changed++;
		}
	}
	return changed;
}

static size_t sweep_parallel(const dyn_model *d, dyn_work *w)
{
	size_t L = d->L, q = d->q, changed = 0;
	for (size_t i = 0; i < L; i++)
		w->next[i] = pick(w->f + i * q, q, w->a[i], d->tie[i]);
	for (size_t i = 0; i < L; i++)
		if (w->next[i] != w->a[i]) {
			dyn_work_flip(d, w, i, w->next[i]);
			changed++;
		}
	return changed;
}

static int fixed_now(const dyn_model *d, const dyn_work *w)
{
	for (size_t i = 0; i < d->L; i++)
		if (pick(w->f + i * d->q, d->q, w->a[i], d->tie[i]) != w->a[i])
			return 0;
	return 1;
}

size_t dyn_sweep(const dyn_model *d, const dyn_opts *o, dyn_work *w, plm_rng *rng)
{
	return o->update == DYN_UPDATE_PARALLEL ? sweep_parallel(d, w) : sweep_sequential(d, o, w, rng);
}

double dyn_work_energy(const dyn_model *d, const dyn_work *w)
{
	/* sum_{i<j} (J_ij + J_ji^T)(a_i, a_j) / 2 = (1/2) sum_i sum_{j != i} J_ij(a_i, a_j) */
	double e = 0.0;
	for (size_t i = 0; i < d->L; i++) {
		size_t k = i * d->q + w->a[i];
		e -= 0.5 * ((double)d->h[k] + w->f[k]);
	}
	return e;
}

void dyn_run_loaded(const dyn_model *d, const dyn_opts *o, dyn_work *w, plm_rng *rng, dyn_result *res)
{
	visits_reset(w, o->max_sweeps);
	res->status = DYN_MAX_SWEEPS;
	res->sweeps = res->flips = res->cycle = 0;
	size_t prev;
	visits_check(w, 0, &prev);
	for (;;) {
		if (res->sweeps >= o->max_sweeps) {
			res->status = fixed_now(d, w) ? DYN_FIXED : DYN_MAX_SWEEPS;
			break;
		}
		size_t ch = o->update == DYN_UPDATE_PARALLEL ? sweep_parallel(d, w)
		                                              : sweep_sequential(d, o, w, rng);
		if (ch == 0) {
			res->status = DYN_FIXED;
			break;
		}
		res->flips += ch;
		res->sweeps++;
		if (visits_check(w, res->sweeps, &prev)) {
			res->status = DYN_CYCLE;
			res->cycle = res->sweeps - prev;
			break;
		}
	}
	res->energy = d->symmetric ? dyn_work_energy(d, w) : NAN;
}

void dyn_run(const dyn_model *d, const dyn_opts *o, dyn_work *w, uint8_t *a, plm_rng *rng,
             dyn_result *res)
{
	dyn_work_set(d, w, a);
	dyn_run_loaded(d, o, w, rng, res);
	memcpy(a, w->a, d->L);
}

/* ---- batches ----------------------------------------------------------------------------- */

int dyn_run_batch(const dyn_model *d, const dyn_opts *o, dyn_batch *b, plm_err *err)
{
	size_t L = d->L, runs;
	if (size_mul(b->n, b->repeats, &runs) != 0)
		return plm_fail(err, PLM_ERANGE, "too many runs");
	if (runs == 0)
		return PLM_OK;
	int nt = 1;
#ifdef _OPENMP
	nt = omp_get_max_threads();
#endif
	if ((size_t)nt > runs)
		nt = (int)runs;
	dyn_work **ws = calloc((size_t)nt, sizeof *ws);
	if (ws == NULL)
		return plm_fail(err, PLM_ENOMEM, "out of memory");
	int rc = PLM_OK;
	for (int t = 0; t < nt && rc == PLM_OK; t++)
		rc = dyn_work_create(d, &ws[t], err);
	/* chunks of repeats of one start, so that its fields are computed once per chunk: all its
	 * repeats when there are starts enough to keep the threads busy */
	size_t chunk = b->n >= 4 * (size_t)nt ? b->repeats : (b->repeats + (size_t)nt - 1) / (size_t)nt;
	if (chunk < 1)
		chunk = 1;
	if (rc == PLM_OK) {
		#pragma omp parallel num_threads(nt)
		{
			int tid = 0;
#ifdef _OPENMP
			tid = omp_get_thread_num();
#endif
			dyn_work *w = ws[tid];
			#pragma omp for schedule(dynamic, chunk)
			for (size_t k = 0; k < runs; k++) {
				size_t s = k / b->repeats, r = k % b->repeats;
				plm_rng rng;
				rng_seed(&rng, b->seed, ((uint64_t)(b->first_index + s) << 32) | (uint64_t)(b->first_repeat + r));
				const uint8_t *start = b->starts + s * L;
				uint8_t *noisy = b->noisy + k * L;
				memcpy(noisy, start, L);
				dyn_noise(noisy, L, d->q, b->noise, &rng);
				/* the fields of the start, once per start and thread, then the noise as
				 * changes: the same numbers whichever thread computed them */
				if (w->base_id != s) {
					dyn_work_set(d, w, start);
					memcpy(w->base_f, w->f, L * d->q * sizeof(double));
					w->base_id = s;
				} else {
					memcpy(w->a, start, L);
					memcpy(w->f, w->base_f, L * d->q * sizeof(double));
				}
				for (size_t i = 0; i < L; i++)
					if (noisy[i] != start[i])
						dyn_work_flip(d, w, i, noisy[i]);
				dyn_run_loaded(d, o, w, &rng, &b->res[k]);
				memcpy(b->ends + k * L, w->a, L);
			}
		}
	}
	for (int t = 0; t < nt; t++)
		dyn_work_destroy(ws[t]);
	free(ws);
	return rc;
}
