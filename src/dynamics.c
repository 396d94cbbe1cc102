/* dynamics: zero-temperature dynamics with incrementally updated local fields, noise,
 * and cycle detection at sweep boundaries; a batch runner parallel over starts.
 * Works on states in memory only: no files, no printing. */
#include "dynamics.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const dyn_update_names[] = {"sequential", "parallel", NULL};
const char *const dyn_order_names[] = {"ascending", "random", NULL};

#ifdef _OPENMP
#include <omp.h>
#endif

#include "util.h"

#include <cblas.h>

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
	size_t ring_bytes; /* budget of the ring (DYN_RING_BYTES; less for the slots of a batch) */
	/* batches: the fields of the last noise-free start, reused by its noisy repeats */
	double *base_f;
	size_t base_id;
};

/* The index of NAME in NAMES (NULL-terminated); 0 when absent (check_dynamics checks that the
 * default names are present). */
static int name_index(const char *const *names, const char *name)
{
	for (int k = 0; names[k] != NULL; k++)
		if (strcmp(names[k], name) == 0)
			return k;
	return 0;
}

void dyn_opts_default(dyn_opts *o)
{
	o->update = (dyn_update)name_index(dyn_update_names, PLM_STR(DYN_DEFAULT_UPDATE));
	o->order = (dyn_order)name_index(dyn_order_names, PLM_STR(DYN_DEFAULT_ORDER));
	o->max_sweeps = DYN_MAX_SWEEPS_DEFAULT;
	o->one_by_one = 0;
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
	w->ring_bytes = DYN_RING_BYTES;
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
	size_t want = w->ring_bytes / (w->L ? w->L : 1);
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

/* Run K of batch B: its rng stream, and its noisy start written to B->noisy. */
static void batch_start(const dyn_model *d, const dyn_batch *b, size_t k, plm_rng *rng)
{
	size_t s = k / b->repeats, r = k % b->repeats, L = d->L;
	rng_seed(rng, b->seed, ((uint64_t)(b->first_index + s) << 32) | (uint64_t)(b->first_repeat + r));
	uint8_t *noisy = b->noisy + k * L;
	memcpy(noisy, b->starts + s * L, L);
	dyn_noise(noisy, L, d->q, b->noise, rng);
}

/* One run at a time per thread, fields kept up to date by flips (the general path). */
static int batch_runs(const dyn_model *d, const dyn_opts *o, dyn_batch *b, size_t runs, plm_err *err)
{
	size_t L = d->L;
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
				size_t s = k / b->repeats;
				plm_rng rng;
				batch_start(d, b, k, &rng);
				const uint8_t *start = b->starts + s * L, *noisy = b->noisy + k * L;
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

/* ---- batches of binary models under parallel updates: fields by matrix products --------- */

/* With q = 2 only d_i = field_i(1) - field_i(0) matters, and with a_j in {0, 1}
 *     d_i = c_i + sum_j a_j K_ij,   K_ij = J_ij(1,1) - J_ij(1,0) - J_ij(0,1) + J_ij(0,0),
 *     c_i = h_i(1) - h_i(0) + sum_j (J_ij(1,0) - J_ij(0,0)).
 * The rule of dynamics.h becomes: state 0 moves to 1 iff d_i > tie_i; state 1 moves to 0 iff
 * d_i < -tie_i.  A parallel step of S runs is one product G = A K^T (S x N by N x N, floats:
 * sgemm).  Float sums are not exact, so each decision is certified: sgemm's result g differs
 * from the exact sum by at most  err_i = (gamma_N (1 + u) + u) sum_j |K_ij|  (u = 2^-24, gamma_N =
 * N u / (1 - N u): rounding K to float, then any order of N float additions), and a site whose
 * c_i + g lies within err_i of its threshold is decided again from the sum in double (rare:
 * a few per thousand).  Every decision is therefore that of exact arithmetic, up to double
 * rounding (relative 1e-13), as in the one-run path: the ends do not depend on the rounding
 * of sgemm, on how the runs are grouped, nor on the thread count. */
typedef struct dyn_bin {
	size_t N;
	float *K;     /* N x N, K[i N + j] = K_ij rounded to float */
	double *Kd;   /* N x N, K_ij in double (exact: four floats) */
	double *c;    /* N */
	double *err;  /* N: the bound above, with a margin for the double sums */
} dyn_bin;

/* Rows of the product per thread in one step: enough for sgemm to run near its peak. */
#define DYN_BIN_ROWS 128
/* The ring of full states of each run in a batch (cycles confirmed by memcmp up to this). */
#define DYN_BATCH_RING_BYTES ((size_t)64 << 10)

static void bin_destroy(dyn_bin *B)
{
	free(B->K);
	free(B->Kd);
	free(B->c);
	free(B->err);
}

static int bin_create(const dyn_model *d, dyn_bin *B, plm_err *err)
{
	size_t N = d->L, NN;
	memset(B, 0, sizeof *B);
	B->N = N;
	if (size_mul(N, N, &NN) != 0)
		return plm_fail(err, PLM_ERANGE, "model too large for this machine (L = %zu)", N);
	B->K = plm_calloc_aligned(NN, sizeof(float), "couplings as a matrix", err);
	B->Kd = B->K ? plm_calloc_aligned(NN, sizeof(double), "couplings as a matrix", err) : NULL;
	B->c = B->Kd ? plm_calloc(N, sizeof(double), "fields", err) : NULL;
	B->err = B->c ? plm_calloc(N, sizeof(double), "fields", err) : NULL;
	if (B->err == NULL) {
		bin_destroy(B);
		return err ? err->code : PLM_ENOMEM;
	}
	const double u = 0x1p-24, nu = (double)N * u, gamma = nu / (1.0 - nu);
	#pragma omp parallel for schedule(static)
	for (size_t i = 0; i < N; i++) {
		/* J_ij(a, b) = JT[((j 2 + b) N + i) 2 + a] */
		double c = (double)d->h[2 * i + 1] - (double)d->h[2 * i], sabs = 0.0;
		for (size_t j = 0; j < N; j++) {
			const float *b0 = d->JT + ((2 * j) * N + i) * 2, *b1 = d->JT + ((2 * j + 1) * N + i) * 2;
			double k = ((double)b1[1] - (double)b1[0]) - ((double)b0[1] - (double)b0[0]);
			c += (double)b0[1] - (double)b0[0];
			B->Kd[i * N + j] = k;
			B->K[i * N + j] = (float)k;
			sabs += fabs(k);
		}
		B->c[i] = c;
		B->err[i] = (gamma * (1.0 + u) + u) * sabs * 1.01 + 1e-12 * (fabs(c) + sabs);
	}
	return PLM_OK;
}

/* The new state of site I of the state A (0/1) whose product row gives G, from CUR. */
static inline uint8_t bin_rule(const dyn_bin *B, size_t i, float g, uint8_t cur, double tol,
                               const uint8_t *a)
{
	double thr = cur ? -tol : tol, dd = B->c[i] + (double)g, e = B->err[i];
	if (dd - thr > e)
		return 1;
	if (thr - dd > e)
		return 0;
	const double *k = B->Kd + i * B->N;
	double d = B->c[i];
	for (size_t j = 0; j < B->N; j++)
		if (a[j])
			d += k[j];
	return cur ? d >= thr : d > thr;
}

/* The runs of a batch in flight: slot r holds run k[r], its state in w[r] and as floats in
 * row r of A (0/1). */
typedef struct bin_slots {
	size_t S, n;      /* slots, slots in use (the first n) */
	size_t *k;
	dyn_work **w;
	dyn_result *res;  /* the result being built, per slot */
	float *A, *G;     /* S x N */
} bin_slots;

/* Put run K in slot R: its noisy start, its first visited state. */
static void bin_load(const dyn_model *d, const dyn_opts *o, dyn_batch *b, bin_slots *sl,
                     size_t r, size_t k)
{
	size_t N = d->L;
	plm_rng rng;
	batch_start(d, b, k, &rng);
	dyn_work *w = sl->w[r];
	memcpy(w->a, b->noisy + k * N, N);
	for (size_t j = 0; j < N; j++)
		sl->A[r * N + j] = (float)w->a[j];
	sl->k[r] = k;
	dyn_result *res = &sl->res[r];
	res->status = DYN_MAX_SWEEPS;
	res->sweeps = res->flips = res->cycle = 0;
	visits_reset(w, o->max_sweeps);
	size_t prev;
	visits_check(w, 0, &prev);
}

/* One parallel step of slot R, whose products are in row R of G (the loop of dyn_run_loaded).
 * Returns 1 when its run has ended. */
static int bin_step(const dyn_model *d, const dyn_opts *o, const dyn_bin *B, bin_slots *sl, size_t r)
{
	size_t N = d->L, ch = 0;
	dyn_work *w = sl->w[r];
	dyn_result *res = &sl->res[r];
	const float *g = sl->G + r * N;
	for (size_t i = 0; i < N; i++) {
		w->next[i] = bin_rule(B, i, g[i], w->a[i], d->tie[i], w->a);
		ch += w->next[i] != w->a[i];
	}
	if (res->sweeps >= o->max_sweeps) {
		res->status = ch == 0 ? DYN_FIXED : DYN_MAX_SWEEPS;
		return 1;
	}
	if (ch == 0) {
		res->status = DYN_FIXED;
		return 1;
	}
	memcpy(w->a, w->next, N);
	for (size_t j = 0; j < N; j++)
		sl->A[r * N + j] = (float)w->a[j];
	res->flips += ch;
	res->sweeps++;
	size_t prev;
	if (visits_check(w, res->sweeps, &prev)) {
		res->status = DYN_CYCLE;
		res->cycle = res->sweeps - prev;
		return 1;
	}
	return 0;
}

/* The end of the run in slot R: its state, its energy (fields from scratch). */
static void bin_finish(const dyn_model *d, dyn_batch *b, bin_slots *sl, size_t r)
{
	size_t k = sl->k[r];
	dyn_work *w = sl->w[r];
	memcpy(b->ends + k * d->L, w->a, d->L);
	b->res[k] = sl->res[r];
	if (d->symmetric) {
		dyn_fields(d, w->a, w->f);
		b->res[k].energy = dyn_work_energy(d, w);
	} else {
		b->res[k].energy = NAN;
	}
}

static void bin_slots_free(bin_slots *sl)
{
	for (size_t r = 0; sl->w && r < sl->S; r++)
		dyn_work_destroy(sl->w[r]);
	free(sl->w);
	free(sl->k);
	free(sl->res);
	free(sl->A);
	free(sl->G);
}

static int bin_slots_alloc(const dyn_model *d, size_t S, bin_slots *sl, plm_err *err)
{
	memset(sl, 0, sizeof *sl);
	sl->S = S;
	sl->w = plm_calloc(S, sizeof *sl->w, "runs in flight", err);
	sl->k = plm_calloc(S, sizeof *sl->k, "runs in flight", err);
	sl->res = plm_calloc(S, sizeof *sl->res, "runs in flight", err);
	sl->A = plm_calloc_aligned(S * d->L, sizeof(float), "states as a matrix", err);
	sl->G = plm_calloc_aligned(S * d->L, sizeof(float), "fields as a matrix", err);
	int rc = sl->w && sl->k && sl->res && sl->A && sl->G ? PLM_OK : (err ? err->code : PLM_ENOMEM);
	for (size_t r = 0; r < S && rc == PLM_OK; r++)
		if ((rc = dyn_work_create(d, &sl->w[r], err)) == PLM_OK)
			sl->w[r]->ring_bytes = DYN_BATCH_RING_BYTES;
	return rc;
}

/* After a step: the ended runs leave (written to B), the next runs take their slots, and the
 * slots in use are packed to the front.  DONE[r] = 1 for the slots whose run ended. */
static void bin_refill(const dyn_model *d, const dyn_opts *o, dyn_batch *b, bin_slots *sl,
                       uint8_t *done, size_t *next, size_t runs)
{
	size_t N = d->L;
	for (size_t r = 0; r < sl->n; r++) {
		if (!done[r])
			continue;
		bin_finish(d, b, sl, r);
		done[r] = 0;
		if (*next < runs) {
			bin_load(d, o, b, sl, r, (*next)++);
			continue;
		}
		/* no run left: the last slot in use moves here */
		size_t last = --sl->n;
		while (last > r && done[last]) { /* ended too: finish it first */
			bin_finish(d, b, sl, last);
			done[last] = 0;
			last = --sl->n;
		}
		if (last == r)
			break;
		dyn_work *t = sl->w[r];
		sl->w[r] = sl->w[last];
		sl->w[last] = t;
		sl->k[r] = sl->k[last];
		sl->res[r] = sl->res[last];
		memcpy(sl->A + r * N, sl->A + last * N, N * sizeof(float));
	}
}

static int batch_bin_parallel(const dyn_model *d, const dyn_opts *o, dyn_batch *b, size_t runs,
                              plm_err *err)
{
	size_t N = d->L, nt = plm_max_threads(), S = DYN_BIN_ROWS * nt;
	if (S > runs)
		S = runs;
	dyn_bin B;
	bin_slots sl;
	uint8_t *done = NULL;
	int rc = bin_create(d, &B, err);
	if (rc == PLM_OK)
		rc = bin_slots_alloc(d, S, &sl, err);
	else
		memset(&sl, 0, sizeof sl);
	if (rc == PLM_OK && (done = plm_calloc(S, 1, "runs in flight", err)) == NULL)
		rc = err ? err->code : PLM_ENOMEM;
	size_t next = 0;
	for (; rc == PLM_OK && next < S; next++)
		bin_load(d, o, b, &sl, next, next);
	sl.n = next;
	while (rc == PLM_OK && sl.n > 0) {
		const size_t n = sl.n;
		#pragma omp parallel
		{
			size_t t = plm_thread_num(), T = plm_team_size(), per = (n + T - 1) / T;
			size_t lo = t * per < n ? t * per : n, hi = lo + per < n ? lo + per : n;
			if (hi > lo) /* G = A K^T on this thread's rows (OpenBLAS single-threaded here) */
				cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)(hi - lo), (int)N, (int)N,
				            1.0f, sl.A + lo * N, (int)N, B.K, (int)N, 0.0f, sl.G + lo * N, (int)N);
			for (size_t r = lo; r < hi; r++)
				done[r] = (uint8_t)bin_step(d, o, &B, &sl, r);
		}
		bin_refill(d, o, b, &sl, done, &next, runs);
	}
	free(done);
	bin_slots_free(&sl);
	bin_destroy(&B);
	return rc;
}

int dyn_run_batch(const dyn_model *d, const dyn_opts *o, dyn_batch *b, plm_err *err)
{
	size_t runs;
	if (size_mul(b->n, b->repeats, &runs) != 0)
		return plm_fail(err, PLM_ERANGE, "too many runs");
	if (runs == 0)
		return PLM_OK;
	/* the products need K twice (float and double: 12 N^2 bytes) beside the model's J (16 N^2):
	 * only where that takes at most a quarter of the memory */
	if (d->q == 2 && o->update == DYN_UPDATE_PARALLEL && d->L <= INT_MAX && !o->one_by_one &&
	    d->L <= plm_phys_memory() / 48 / d->L)
		return batch_bin_parallel(d, o, b, runs, err);
	return batch_runs(d, o, b, runs, err);
}
