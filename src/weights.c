/* weights: identity-threshold sequence weights over the distinct rows (O(u^2 L) with an early
 * exit per pair and 64-byte block compares), weights files, and merging identical rows.
 * No printing; the counts are integers, so any OpenMP split gives the same weights. */
#include "config.h"
#include "weights.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "util.h"

#define BLOCK 64
#define TILE_U 32             /* rows u per tile */
#define TILE_BYTES (128 << 10) /* bytes of rows v per stripe (about half an L2 cache) */

/* Distinct rows of M: uid[s] = group of kept row s; rep[u] = first row of group u. */
typedef struct groups {
	size_t nu;
	size_t *uid;  /* m->n */
	size_t *rep;  /* nu */
} groups;

static void groups_free(groups *g)
{
	free(g->uid);
	free(g->rep);
	g->uid = g->rep = NULL;
}

static int groups_make(const msa *m, groups *g, plm_err *err)
{
	memset(g, 0, sizeof *g);
	size_t n = m->n, L = m->L, cap = 16;
	while (cap < 2 * n)
		cap *= 2;
	size_t *table = plm_calloc(cap, sizeof *table, "row hash table", err);
	g->uid = plm_calloc(n ? n : 1, sizeof *g->uid, "row groups", err);
	g->rep = plm_calloc(n ? n : 1, sizeof *g->rep, "row groups", err);
	if (table == NULL || g->uid == NULL || g->rep == NULL) {
		free(table);
		groups_free(g);
		return PLM_ENOMEM;
	}
	for (size_t s = 0; s < n; s++) {
		const uint8_t *r = m->seq + s * L;
		size_t h = (size_t)plm_hash_bytes(r, L) & (cap - 1);
		for (;;) {
			size_t slot = table[h];
			if (slot == 0) {
				table[h] = g->nu + 1;
				g->rep[g->nu] = s;
				g->uid[s] = g->nu++;
				break;
			}
			if (memcmp(m->seq + g->rep[slot - 1] * L, r, L) == 0) {
				g->uid[s] = slot - 1;
				break;
			}
			h = (h + 1) & (cap - 1);
		}
	}
	free(table);
	return PLM_OK;
}

/* The pair scan: row A against rows V0..NU-1 (padded to LP bytes, the padding equal in all
 * rows).  Mismatches are counted 64 bytes at a time and a pair is abandoned as soon as they
 * exceed MAXMIS, or accepted as soon as the columns left cannot push them over.  Returns the
 * sum of CNT[v] over the neighbours v and adds CU to MY[v - VBASE] for each.
 * One body, instantiated for plain C, SSE2 and AVX2 (chosen at run time). */
#define SCAN_BODY(MIS64)                                                                 \
	size_t nb = 0;                                                                       \
	for (size_t v = v0; v < nu; v++) {                                                   \
		const uint8_t *b = rows + v * Lp;                                                \
		size_t mis = 0;                                                                  \
		for (size_t k = 0; k < Lp; k += BLOCK) {                                         \
			mis += MIS64(a + k, b + k);                                                  \
			if (mis > maxmis)                                                            \
				break; /* cannot reach the threshold */                                  \
			if (k + BLOCK < L && mis + (L - k - BLOCK) <= maxmis)                        \
				break; /* reaches it whatever the rest holds */                          \
		}                                                                                \
		if (mis <= maxmis) {                                                             \
			nb += cnt[v];                                                                \
			my[v - vbase] += cu;                                                         \
		}                                                                                \
	}                                                                                    \
	return nb;

#define SCAN_ARGS const uint8_t *a, const uint8_t *rows, size_t v0, size_t nu, size_t L, size_t Lp, \
	size_t maxmis, const size_t *cnt, size_t cu, size_t *my, size_t vbase

static inline size_t mis64_c(const uint8_t *a, const uint8_t *b)
{
	unsigned d = 0;
	for (int k = 0; k < BLOCK; k++)
		d += a[k] != b[k];
	return d;
}

static size_t scan_c(SCAN_ARGS)
{
	SCAN_BODY(mis64_c)
}

#if defined(__SSE2__)
static inline size_t mis64_sse2(const uint8_t *a, const uint8_t *b)
{
	__m128i acc = _mm_setzero_si128();
	for (int k = 0; k < BLOCK; k += 16) {
		__m128i x = _mm_load_si128((const __m128i *)(const void *)(a + k));
		__m128i y = _mm_load_si128((const __m128i *)(const void *)(b + k));
		acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(x, y)); /* +1 per equal byte */
	}
	__m128i s = _mm_sad_epu8(acc, _mm_setzero_si128());
	size_t eq = (size_t)_mm_cvtsi128_si32(s) + (size_t)_mm_cvtsi128_si32(_mm_srli_si128(s, 8));
	return BLOCK - eq;
}

static size_t scan_sse2(SCAN_ARGS)
{
	SCAN_BODY(mis64_sse2)
}
#endif

#if defined(__GNUC__) && defined(__x86_64__) && !defined(__AVX2__)
#define WEIGHTS_AVX2 1
#include <immintrin.h>
__attribute__((target("avx2"))) static inline size_t mis64_avx2(const uint8_t *a, const uint8_t *b)
{
	__m256i x0 = _mm256_load_si256((const __m256i *)(const void *)a);
	__m256i y0 = _mm256_load_si256((const __m256i *)(const void *)b);
	__m256i x1 = _mm256_load_si256((const __m256i *)(const void *)(a + 32));
	__m256i y1 = _mm256_load_si256((const __m256i *)(const void *)(b + 32));
	__m256i acc = _mm256_sub_epi8(_mm256_setzero_si256(), _mm256_cmpeq_epi8(x0, y0));
	acc = _mm256_sub_epi8(acc, _mm256_cmpeq_epi8(x1, y1));
	__m256i s = _mm256_sad_epu8(acc, _mm256_setzero_si256());
	__m128i t = _mm_add_epi64(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
	size_t eq = (size_t)_mm_cvtsi128_si32(t) + (size_t)_mm_cvtsi128_si32(_mm_srli_si128(t, 8));
	return BLOCK - eq;
}

__attribute__((target("avx2"))) static size_t scan_avx2(SCAN_ARGS)
{
	SCAN_BODY(mis64_avx2)
}
#endif

typedef size_t (*scan_fn)(SCAN_ARGS);

static int forced_kernel; /* 0 auto, 1 c, 2 sse2, 3 avx2 (tests only, see weights_kernel) */

int weights_kernel(const char *name)
{
	int k;
	if (strcmp(name, "auto") == 0)
		k = 0;
	else if (strcmp(name, "c") == 0)
		k = 1;
	else if (strcmp(name, "sse2") == 0)
		k = 2;
	else if (strcmp(name, "avx2") == 0)
		k = 3;
	else
		return -1;
#if !defined(__SSE2__)
	if (k == 2)
		return -1;
#endif
	if (k == 3) {
#ifdef WEIGHTS_AVX2
		__builtin_cpu_init();
		if (!__builtin_cpu_supports("avx2"))
			return -1;
#else
		return -1;
#endif
	}
	forced_kernel = k;
	return 0;
}

static scan_fn pick_scan(void)
{
	switch (forced_kernel) {
	case 1: return scan_c;
#if defined(__SSE2__)
	case 2: return scan_sse2;
#endif
#ifdef WEIGHTS_AVX2
	case 3: return scan_avx2;
#endif
	default: break;
	}
#ifdef WEIGHTS_AVX2
	__builtin_cpu_init();
	if (__builtin_cpu_supports("avx2"))
		return scan_avx2;
#endif
#if defined(__SSE2__)
	return scan_sse2;
#else
	return scan_c;
#endif
}

/* near[u] = sum over the distinct rows v != u with at most MAXMIS mismatches of cnt[v], for
 * the NU rows ROWS (L columns, stride LP); PART: NT x VSTRIPE zeroed counters. */
static void count_neighbours(const uint8_t *rows, size_t nu, size_t L, size_t Lp, size_t maxmis,
                             const size_t *cnt, size_t *near, size_t *part, size_t vstripe, int nt,
                             scan_fn scan)
{
	/* n_u = cnt[u] + sum over distinct v != u within the threshold of cnt[v]; each pair once.
	 * The counts are integers, so the sums are exact in any order and for any thread count. */
#pragma omp parallel num_threads(nt)
	{
		int t = 0;
#ifdef _OPENMP
		t = omp_get_thread_num();
#endif
		size_t *my = part + (size_t)t * vstripe;
		/* tiles: TILE_U rows u against stripes of about TILE_BYTES of rows v > u, so that a
		 * stripe is read from memory once per tile rather than once per row */
#pragma omp for schedule(dynamic, 1)
		for (size_t ub = 0; ub < nu; ub += TILE_U) {
			size_t ue = ub + TILE_U < nu ? ub + TILE_U : nu;
			for (size_t vb = ub + 1; vb < nu; vb += vstripe) {
				size_t ve = vb + vstripe < nu ? vb + vstripe : nu;
				size_t found = 0;
				for (size_t u = ub; u < ue; u++) {
					size_t v0 = u + 1 > vb ? u + 1 : vb;
					if (v0 < ve) {
						size_t k = scan(rows + u * Lp, rows, v0, ve, L, Lp, maxmis, cnt, cnt[u], my, vb);
						if (k != 0) {
#pragma omp atomic
							near[u] += k;
							found = 1;
						}
					}
				}
				for (size_t v = vb; found && v < ve; v++) /* added, and cleared for the next stripe */
					if (my[v - vb] != 0) {
#pragma omp atomic
						near[v] += my[v - vb];
						my[v - vb] = 0;
					}
			}
		}
}
}

int weights_compute(const msa *m, double theta, double *w, plm_err *err)
{
	size_t n = m->n, L = m->L;
	if (!(theta <= 1))
		return plm_fail(err, PLM_EINVAL, "theta %g is outside [0, 1]", theta);
	if (theta <= 0 || n == 0) {
		for (size_t s = 0; s < n; s++)
			w[s] = 1.0;
		return PLM_OK;
	}
	/* plmc: neighbours when id >= (1 - theta) * L in double precision; for an integer id
	 * that is id >= ceil((1 - theta) * L). */
	double cut = (1.0 - theta) * (double)L;
	size_t min_id = cut <= 0 ? 0 : (size_t)ceil(cut);
	size_t maxmis = min_id >= L ? 0 : L - min_id;

	groups g;
	int rc = groups_make(m, &g, err);
	if (rc)
		return rc;
	size_t nu = g.nu;
	size_t Lp = (L + BLOCK - 1) / BLOCK * BLOCK;
	int nt = 1;
#ifdef _OPENMP
	nt = omp_get_max_threads();
	if (nt < 1)
		nt = 1;
#endif
	scan_fn scan = pick_scan();
	size_t vstripe = TILE_BYTES / Lp;
	if (vstripe < TILE_U)
		vstripe = TILE_U;
	/* cnt: the group sizes; near: the neighbours found, one shared counter per group; part: per
	 * thread, the counts of one stripe of rows v (zero between stripes), added to near once per
	 * tile and stripe */
	size_t *cnt = plm_calloc(nu, sizeof *cnt, "group sizes", err);
	size_t *near = cnt ? plm_calloc(nu, sizeof *near, "neighbour counts", err) : NULL;
	uint8_t *rows = NULL;
	size_t *part = NULL, rsz;
	if (near != NULL && size_mul(nu, Lp, &rsz) != 0)
		rc = plm_fail(err, PLM_ENOMEM, "weights: %zu rows of %zu columns: size overflow", nu, L);
	else if (near == NULL || (rows = plm_calloc_aligned(rsz, 1, "distinct rows", err)) == NULL ||
	         (part = plm_calloc((size_t)nt, vstripe * sizeof *part, "neighbour counts", err)) == NULL)
		rc = PLM_ENOMEM;
	if (rc) {
		free(cnt);
		free(near);
		free(rows);
		groups_free(&g);
		return rc;
	}
	for (size_t s = 0; s < n; s++)
		cnt[g.uid[s]]++;
	for (size_t u = 0; u < nu; u++)
		memcpy(rows + u * Lp, m->seq + g.rep[u] * L, L);

	count_neighbours(rows, nu, L, Lp, maxmis, cnt, near, part, vstripe, nt, scan);
	for (size_t u = 0; u < nu; u++)
		cnt[u] += near[u];
	for (size_t s = 0; s < n; s++)
		w[s] = 1.0 / (double)cnt[g.uid[s]];
	free(part);
	free(near);
	free(rows);
	free(cnt);
	groups_free(&g);
	return PLM_OK;
}

double weights_meff(const double *w, size_t n)
{
	double s = 0;
	for (size_t k = 0; k < n; k++)
		s += w[k];
	return s;
}

int weights_unique(const msa *m, const double *w, uint8_t **useq, double **uw, size_t *nu, plm_err *err)
{
	*useq = NULL;
	*uw = NULL;
	*nu = 0;
	groups g;
	int rc = groups_make(m, &g, err);
	if (rc)
		return rc;
	size_t sz;
	uint8_t *q = NULL;
	double *x = plm_calloc(g.nu ? g.nu : 1, sizeof *x, "merged weights", err);
	if (x == NULL || size_mul(g.nu, m->L, &sz) != 0 || (q = plm_calloc(sz ? sz : 1, 1, "merged rows", err)) == NULL) {
		free(x);
		groups_free(&g);
		return PLM_ENOMEM;
	}
	for (size_t u = 0; u < g.nu; u++)
		memcpy(q + u * m->L, m->seq + g.rep[u] * m->L, m->L);
	for (size_t s = 0; s < m->n; s++)
		x[g.uid[s]] += w ? w[s] : 1.0;
	*useq = q;
	*uw = x;
	*nu = g.nu;
	groups_free(&g);
	return PLM_OK;
}

int weights_read(const char *path, const msa *m, double *w, plm_err *err)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (fp == NULL)
		return plm_fail_errno(err, PLM_EIO, "%s: cannot open", path);
	char *line = NULL;
	size_t cap = 0, lineno = 0, k = 0, s = 0;
	int rc = PLM_OK;
	ssize_t got;
	while ((got = getline(&line, &cap, fp)) >= 0) {
		lineno++;
		while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r'))
			line[--got] = '\0';
		char *p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '#')
			continue;
		if (k >= m->nin) {
			rc = plm_fail(err, PLM_EFORMAT, "%s:%zu: more weights than the %zu sequences of %s", path,
			              lineno, m->nin, m->path ? m->path : "the alignment");
			break;
		}
		char *tab = strchr(line, '\t'), *num = p;
		if (tab != NULL) {
			*tab = '\0';
			if (strcmp(line, m->in_names[k]) != 0) {
				rc = plm_fail(err, PLM_EFORMAT, "%s:%zu: name '%s' is not input sequence %zu ('%s')",
				              path, lineno, line, k + 1, m->in_names[k]);
				break;
			}
			num = tab + 1;
			char *t2 = strchr(num, '\t');
			if (t2 != NULL)
				*t2 = '\0';
		}
		char *end;
		errno = 0;
		double v = strtod(num, &end);
		while (*end == ' ' || *end == '\t')
			end++;
		if (end == num || *end != '\0' || errno != 0 || !isfinite(v) || v < 0) {
			rc = plm_fail(err, PLM_EFORMAT, "%s:%zu: '%s' is not a weight (a finite number >= 0)", path,
			              lineno, num);
			break;
		}
		if (m->in_status[k] == MSA_KEPT) {
			if (s >= m->n || m->in_index[s] != k) {
				rc = plm_fail(err, PLM_EINVAL, "%s: inconsistent alignment", path);
				break;
			}
			w[s++] = v;
		}
		k++;
	}
	if (rc == PLM_OK && ferror(fp))
		rc = plm_fail_errno(err, PLM_EIO, "%s: read error", path);
	if (rc == PLM_OK && k != m->nin)
		rc = plm_fail(err, PLM_EFORMAT, "%s:%zu: %zu weights; %s has %zu sequences (one weight per input sequence)",
		              path, lineno, k, m->path ? m->path : "the alignment", m->nin);
	if (rc == PLM_OK && !(weights_meff(w, m->n) > 0))
		rc = plm_fail(err, PLM_EFORMAT, "%s: the weights of the kept sequences sum to 0", path);
	free(line);
	if (fp != stdin)
		fclose(fp);
	return rc;
}

int weights_low_depth(double meff, size_t L, char *msg, size_t n)
{
	msg[0] = '\0';
	if (L == 0 || !(meff < WEIGHTS_LOW_DEPTH * (double)L))
		return 0;
	snprintf(msg, n,
	         "caution: M_eff = %.1f is below %g x L = %g (M_eff/L = %.2f): too few effective sequences "
	         "for reliable couplings; contacts and mutation scores will be poor (a deeper alignment helps)",
	         meff, WEIGHTS_LOW_DEPTH, WEIGHTS_LOW_DEPTH * (double)L, meff / (double)L);
	return 1;
}
