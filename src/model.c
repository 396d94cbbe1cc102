/* model: create/destroy the in-memory Potts model and read/write its binary file format
 * (plmem-model(5)): explicit little-endian encoding, sizes checked before any large
 * allocation, CRC32 over the content.  Never prints; never dumps raw structs. */
#include "config.h"
#include "model.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "util.h"
#include "version.h"

#define MODEL_MAGIC "PLMEMMOD"
#define MODEL_HEADER_LEN 64u
#define MODEL_ALIGN 64u
#define MODEL_NULL_STR 0xFFFFFFFFu
#define MODEL_MAX_STR (1u << 26) /* 64 MiB: no string of a model is longer */
#define MODEL_CHUNK ((size_t)1 << 20) /* floats per I/O chunk (4 MiB) */

/* ---- create / destroy ------------------------------------------------------------ */

const char *model_site_status_name(unsigned s)
{
	static const char *const names[] = { "converged", "max-iter", "line-search", "not-fitted" };
	return s <= SITE_NOT_FITTED ? names[s] : "unknown";
}

int model_j_bytes(size_t L, size_t q, size_t *out)
{
	size_t a, b;
	if (size_mul(L, L, &a) || size_mul(q, q, &b) || size_mul(a, b, &a) || size_mul(a, sizeof(float), out))
		return -1;
	return 0;
}

int model_create(size_t L, size_t q, plm_model **out, plm_err *err)
{
	return model_create_rows(L, q, 0, L, out, err);
}

int model_create_rows(size_t L, size_t q, size_t row0, size_t nrows, plm_model **out, plm_err *err)
{
	*out = NULL;
	if (L == 0 || q < 2 || q > ALPHABET_MAXQ || row0 > L || nrows > L - row0)
		return plm_fail(err, PLM_EINVAL, "model: invalid size L = %zu, q = %zu (rows %zu + %zu)", L, q,
		                row0, nrows);
	size_t jb, mem = plm_phys_memory();
	if (model_j_bytes(L, q, &jb) != 0)
		return plm_fail(err, PLM_ERANGE,
		                "model: L = %zu, q = %zu: the couplings (L*L*q*q floats) overflow this machine's sizes",
		                L, q);
	jb = jb / L * nrows; /* the rows held (jb is a multiple of L) */
	if (jb > mem)
		return plm_fail(err, PLM_ERANGE,
		                "model: L = %zu, q = %zu needs %zu bytes (%.1f GiB) for the couplings J, more than "
		                "this machine's %zu bytes (%.1f GiB) of memory",
		                L, q, jb, (double)jb / 1073741824.0, mem, (double)mem / 1073741824.0);
	plm_model *m = calloc(1, sizeof *m);
	if (m == NULL)
		return plm_fail(err, PLM_ENOMEM, "out of memory");
	m->L = L;
	m->q = q;
	m->row0 = row0;
	m->nrows = nrows;
	strcpy(m->rule, MODEL_RULE_PLM);
	m->h = plm_calloc_aligned(L * q, sizeof(float), "fields h", err);
	m->J = m->h ? plm_calloc_aligned(jb ? jb / sizeof(float) : 1, sizeof(float), "couplings J", err)
	            : NULL;
	m->col = m->J ? plm_calloc(L, sizeof *m->col, "column map", err) : NULL;
	m->iters = m->col ? plm_calloc(L, sizeof *m->iters, "convergence", err) : NULL;
	m->evals = m->iters ? plm_calloc(L, sizeof *m->evals, "convergence", err) : NULL;
	m->status = m->evals ? plm_calloc(L, sizeof *m->status, "convergence", err) : NULL;
	m->gnorm = m->status ? plm_calloc(L, sizeof *m->gnorm, "convergence", err) : NULL;
	m->fx = m->gnorm ? plm_calloc(L, sizeof *m->fx, "convergence", err) : NULL;
	if (m->fx == NULL) {
		model_destroy(m);
		return PLM_ENOMEM;
	}
	for (size_t i = 0; i < L; i++)
		m->col[i] = i;
	m->ncol_in = L;
	*out = m;
	return PLM_OK;
}

void model_destroy(plm_model *m)
{
	if (m == NULL)
		return;
	free(m->h);
	free(m->J);
	free(m->col);
	free(m->resnum);
	free(m->focus);
	free(m->refseq);
	free(m->source);
	free(m->cmdline);
	free(m->version);
	free(m->iters);
	free(m->evals);
	free(m->status);
	free(m->gnorm);
	free(m->fx);
	model_drop_stats(m);
	free(m);
}

void model_drop_stats(plm_model *m)
{
	free(m->weights);
	free(m->fi);
	free(m->fij);
	m->weights = NULL;
	m->fi = NULL;
	m->fij = NULL;
	m->nweights = 0;
}

size_t model_npairs(size_t L)
{
	return L < 2 ? 0 : (L % 2 ? (L - 1) / 2 * L : L / 2 * (L - 1));
}

size_t model_fij_floats(size_t L, size_t q)
{
	size_t n;
	return size_mul(model_npairs(L), q * q, &n) ? 0 : n;
}

long model_user_index(const plm_model *m, size_t i)
{
	if (m->resnum != NULL)
		return m->resnum[i];
	return (long)m->col[i] + 1;
}

void model_drop_convergence(plm_model *m)
{
	free(m->iters);
	free(m->evals);
	free(m->status);
	free(m->gnorm);
	free(m->fx);
	m->iters = NULL;
	m->evals = NULL;
	m->status = NULL;
	m->gnorm = NULL;
	m->fx = NULL;
}

int model_map_sequences(const plm_model *m, const msa *s, uint8_t **out, plm_err *err)
{
	const size_t L = m->L;
	int by_col;
	*out = NULL;
	if (m->col != NULL && m->ncol_in > 0 && s->ncol_in == m->ncol_in)
		by_col = 1;
	else if (s->ncol_in == L)
		by_col = 0;
	else if (m->ncol_in != L)
		return plm_fail(err, PLM_EINVAL,
		                "%s: %zu columns, but the model takes %zu (its training alignment's columns) or %zu "
		                "(its positions)", s->path, s->ncol_in, m->ncol_in, L);
	else
		return plm_fail(err, PLM_EINVAL, "%s: %zu columns, but the model has %zu positions", s->path,
		                s->ncol_in, L);
	if (s->L != s->ncol_in)
		return plm_fail(err, PLM_EINVAL, "%s: internal error: columns were filtered (%zu of %zu)", s->path,
		                s->L, s->ncol_in);
	for (size_t i = 0; by_col && i < L; i++)
		if (m->col[i] >= s->L)
			return plm_fail(err, PLM_EINVAL, "%s: the model's column map is out of range", s->path);
	uint8_t *a = plm_calloc(s->n ? s->n : 1, L, "sequences on the model's positions", err);
	if (a == NULL)
		return PLM_ENOMEM;
	for (size_t k = 0; k < s->n; k++)
		for (size_t i = 0; i < L; i++)
			a[k * L + i] = s->seq[k * s->L + (by_col ? m->col[i] : i)];
	*out = a;
	return PLM_OK;
}

int model_read_sequences(const plm_model *m, const char *path, msa_format fmt, msa_unknown_policy unknown,
                         msa **sp, uint8_t **seqs, plm_err *err)
{
	msa_opts mo;
	msa_opts_default(&mo);
	mo.format = fmt;
	mo.alphabet = m->abc.name;
	mo.unknown = unknown;
	mo.max_gap_seq = 1.0;
	mo.max_gap_col = 1.0;
	*sp = NULL;
	*seqs = NULL;
	msa *s = NULL;
	int rc = msa_read(path, &mo, &s, err);
	if (rc != PLM_OK)
		return rc;
	if ((rc = model_map_sequences(m, s, seqs, err)) != PLM_OK) {
		msa_destroy(s);
		return rc;
	}
	*sp = s;
	return PLM_OK;
}

int model_copy_alignment(plm_model *mod, const msa *m, plm_err *err)
{
	size_t L = m->L;
	mod->abc = m->abc;
	mod->nseq_in = m->nin;
	mod->nseq = m->n;
	mod->ncol_in = m->ncol_in ? m->ncol_in : L;
	mod->max_gap_seq = m->max_gap_seq;
	mod->max_gap_col = m->max_gap_col;
	for (size_t i = 0; i < L; i++)
		mod->col[i] = m->col ? m->col[i] : i;
	if (m->resnum != NULL) {
		mod->resnum = plm_calloc(L, sizeof *mod->resnum, "residue numbers", err);
		if (mod->resnum == NULL)
			return PLM_ENOMEM;
		memcpy(mod->resnum, m->resnum, L * sizeof *mod->resnum);
	}
	if (m->focus != NULL && (mod->focus = plm_strdup(m->focus, err)) == NULL)
		return PLM_ENOMEM;
	if (m->path != NULL && (mod->source = plm_strdup(m->path, err)) == NULL)
		return PLM_ENOMEM;
	if ((mod->version = plm_strdup(plm_version(), err)) == NULL)
		return PLM_ENOMEM;
	if (m->n == 0)
		return PLM_OK;
	size_t ref = 0;
	if (m->focus != NULL && m->in_names != NULL && m->in_index != NULL)
		for (size_t s = 0; s < m->n; s++) {
			const char *name = m->in_names[m->in_index[s]];
			if (name != NULL && strcmp(name, m->focus) == 0) {
				ref = s;
				break;
			}
		}
	mod->refseq = plm_calloc(L + 1, 1, "reference sequence", err);
	if (mod->refseq == NULL)
		return PLM_ENOMEM;
	for (size_t i = 0; i < L; i++)
		mod->refseq[i] = alphabet_letter(&m->abc, m->seq[ref * L + i]);
	return PLM_OK;
}

/* ---- little-endian encoding -------------------------------------------------------- */

static void put_u32(uint8_t *p, uint32_t v)
{
	for (int k = 0; k < 4; k++)
		p[k] = (uint8_t)(v >> (8 * k));
}

static void put_u64(uint8_t *p, uint64_t v)
{
	for (int k = 0; k < 8; k++)
		p[k] = (uint8_t)(v >> (8 * k));
}

static uint32_t get_u32(const uint8_t *p)
{
	uint32_t v = 0;
	for (int k = 3; k >= 0; k--)
		v = (v << 8) | p[k];
	return v;
}

static uint64_t get_u64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int k = 7; k >= 0; k--)
		v = (v << 8) | p[k];
	return v;
}

static float bits_f32(uint32_t u)
{
	float f;
	memcpy(&f, &u, 4);
	return f;
}

static uint64_t f64_bits(double d)
{
	uint64_t u;
	memcpy(&u, &d, 8);
	return u;
}

static double bits_f64(uint64_t u)
{
	double d;
	memcpy(&d, &u, 8);
	return d;
}

/* A growable byte buffer for the metadata section. */
typedef struct wbuf {
	uint8_t *p;
	size_t n, cap;
	int oom;
} wbuf;

static uint8_t *wb_grow(wbuf *b, size_t k)
{
	if (b->oom)
		return NULL;
	if (b->n + k > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->n + k)
			cap *= 2;
		uint8_t *np = realloc(b->p, cap);
		if (np == NULL) {
			b->oom = 1;
			return NULL;
		}
		b->p = np;
		b->cap = cap;
	}
	uint8_t *q = b->p + b->n;
	b->n += k;
	return q;
}

static void wb_u8(wbuf *b, uint8_t v)
{
	uint8_t *p = wb_grow(b, 1);
	if (p)
		*p = v;
}

static void wb_u32(wbuf *b, uint32_t v)
{
	uint8_t *p = wb_grow(b, 4);
	if (p)
		put_u32(p, v);
}

static void wb_u64(wbuf *b, uint64_t v)
{
	uint8_t *p = wb_grow(b, 8);
	if (p)
		put_u64(p, v);
}

static void wb_f64(wbuf *b, double v)
{
	wb_u64(b, f64_bits(v));
}

static void wb_str(wbuf *b, const char *s)
{
	if (s == NULL) {
		wb_u32(b, MODEL_NULL_STR);
		return;
	}
	size_t n = strlen(s);
	if (n >= MODEL_MAX_STR)
		n = MODEL_MAX_STR - 1;
	wb_u32(b, (uint32_t)n);
	uint8_t *p = wb_grow(b, n);
	if (p)
		memcpy(p, s, n);
}

/* A bounds-checked reader of the metadata section. */
typedef struct rbuf {
	const uint8_t *p;
	size_t n, off;
	int bad;
} rbuf;

static const uint8_t *rb_take(rbuf *b, size_t k)
{
	if (b->bad || k > b->n - b->off) {
		b->bad = 1;
		return NULL;
	}
	const uint8_t *q = b->p + b->off;
	b->off += k;
	return q;
}

static uint8_t rb_u8(rbuf *b)
{
	const uint8_t *p = rb_take(b, 1);
	return p ? *p : 0;
}

static uint32_t rb_u32(rbuf *b)
{
	const uint8_t *p = rb_take(b, 4);
	return p ? get_u32(p) : 0;
}

/* A yes/no field of N bytes (1 or 4): 0 or 1, anything else marks the buffer bad (the writer
 * writes 0 and 1 only, so that a file read is written back the same). */
static int rb_flag(rbuf *b, int n)
{
	uint32_t v = n == 1 ? rb_u8(b) : rb_u32(b);
	if (v > 1)
		b->bad = 1;
	return v == 1;
}

static uint64_t rb_u64(rbuf *b)
{
	const uint8_t *p = rb_take(b, 8);
	return p ? get_u64(p) : 0;
}

static double rb_f64(rbuf *b)
{
	return bits_f64(rb_u64(b));
}

/* A new string (NULL for the null string); sets b->bad on a malformed or unallocatable one. */
static char *rb_str(rbuf *b)
{
	uint32_t n = rb_u32(b);
	if (b->bad || n == MODEL_NULL_STR)
		return NULL;
	const uint8_t *p = rb_take(b, n);
	if (p == NULL)
		return NULL;
	if (memchr(p, '\0', n) != NULL) {
		b->bad = 1;
		return NULL;
	}
	char *s = malloc((size_t)n + 1);
	if (s == NULL) {
		b->bad = 1;
		return NULL;
	}
	memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

/* ---- layout --------------------------------------------------------------------------- */

/* Offsets of the data section and of the whole file for L, q, a metadata length and a
 * statistics section length (0 in version 1).  Returns -1 when they overflow 64 bits. */
static int layout(uint64_t L, uint64_t q, uint64_t meta_len, uint64_t stats_len, uint64_t *data_off,
                  uint64_t *file_len)
{
	const uint64_t max = UINT64_MAX / 8;
	if (L == 0 || q == 0 || L > max || q > max || meta_len > max || stats_len > max)
		return -1;
	uint64_t off = MODEL_HEADER_LEN + meta_len;
	off = (off + MODEL_ALIGN - 1) / MODEL_ALIGN * MODEL_ALIGN;
	if (L > UINT32_MAX || q > UINT32_MAX)
		return -1;
	uint64_t lq = L * q; /* < 2^64 since both < 2^32 */
	if (lq != 0 && lq > max / lq)
		return -1;
	uint64_t floats = lq + lq * lq;
	if (floats > (max - off) / 4 || stats_len > max - off - 4 * floats)
		return -1;
	*data_off = off;
	*file_len = off + 4 * floats + stats_len + 4;
	return 0;
}

/* ---- the statistics section (version 2) ------------------------------------------------- */

/* u64 nweights, u32 has_fi, u32 has_fij, f64 lambda_group, then the arrays (plmem-model(5)). */
#define MODEL_STATS_FIXED 24u

static int mul_u64(uint64_t a, uint64_t b, uint64_t *out)
{
	if (a != 0 && b > UINT64_MAX / a)
		return -1;
	*out = a * b;
	return 0;
}

/* Bytes of a statistics section with NW weights, f_i when HAS_FI and f_ij when HAS_FIJ, for
 * L < 2^32 and q < 2^32 (layout's bounds); -1 on overflow of 64 bits. */
static int stats_bytes(uint64_t L, uint64_t q, uint64_t nw, int has_fi, int has_fij, uint64_t *out)
{
	uint64_t pairs = L % 2 ? (L - 1) / 2 * L : L / 2 * (L - 1), wb, fb = 0, pb = 0, n;
	if (mul_u64(nw, 8, &wb) || (has_fi && mul_u64(L * q, 4, &fb)) ||
	    (has_fij && (mul_u64(pairs, q * q, &pb) || mul_u64(pb, 4, &pb))))
		return -1;
	n = MODEL_STATS_FIXED;
	if (wb > UINT64_MAX - n || fb > UINT64_MAX - n - wb || pb > UINT64_MAX - n - wb - fb)
		return -1;
	*out = n + wb + fb + pb;
	return 0;
}

static int model_stats_bytes(const plm_model *m, uint64_t *out)
{
	return stats_bytes(m->L, m->q, m->weights ? m->nweights : 0, m->fi != NULL, m->fij != NULL, out);
}

static void encode_meta(const plm_model *m, wbuf *b)
{
	size_t L = m->L;
	wb_str(b, m->abc.name);
	wb_str(b, m->abc.letters);
	wb_u64(b, m->ncol_in);
	for (size_t i = 0; i < L; i++)
		wb_u64(b, m->col[i]);
	wb_u8(b, m->resnum != NULL);
	if (m->resnum != NULL)
		for (size_t i = 0; i < L; i++)
			wb_u64(b, (uint64_t)(int64_t)m->resnum[i]);
	wb_str(b, m->focus);
	wb_str(b, m->refseq);
	char rule[sizeof m->rule + 1];
	memcpy(rule, m->rule, sizeof m->rule);
	rule[sizeof m->rule] = '\0';
	wb_str(b, rule);
	wb_f64(b, m->lambda_h);
	wb_f64(b, m->lambda_j);
	wb_f64(b, m->theta);
	wb_f64(b, m->max_gap_seq);
	wb_f64(b, m->max_gap_col);
	wb_f64(b, m->tol);
	wb_u32(b, (uint32_t)(m->no_fields != 0));
	wb_u64(b, m->max_iter);
	wb_u64(b, m->nseq_in);
	wb_u64(b, m->nseq);
	wb_u64(b, m->nunique);
	wb_f64(b, m->meff);
	wb_str(b, m->source);
	wb_str(b, m->cmdline);
	wb_str(b, m->version);
	int conv = m->iters && m->evals && m->status && m->gnorm && m->fx;
	wb_u8(b, (uint8_t)conv);
	if (conv) {
		for (size_t i = 0; i < L; i++)
			wb_u32(b, m->iters[i]);
		for (size_t i = 0; i < L; i++)
			wb_u32(b, m->evals[i]);
		for (size_t i = 0; i < L; i++)
			wb_u8(b, m->status[i]);
		for (size_t i = 0; i < L; i++)
			wb_f64(b, m->gnorm[i]);
		for (size_t i = 0; i < L; i++)
			wb_f64(b, m->fx[i]);
	}
}

/* ---- write ----------------------------------------------------------------------------- */

/* Write n bytes and fold them into the CRC (CRC NULL: write only). */
static int put_bytes(FILE *fp, const uint8_t *p, size_t n, uLong *crc)
{
	while (n > 0) {
		size_t k = n > (1u << 30) ? (1u << 30) : n;
		if (crc)
			*crc = crc32(*crc, p, (uInt)k);
		if (fwrite(p, 1, k, fp) != k)
			return -1;
		p += k;
		n -= k;
	}
	return 0;
}

static int put_floats(FILE *fp, const float *x, size_t n, uint8_t *buf, uLong *crc)
{
	while (n > 0) {
		size_t k = n < MODEL_CHUNK ? n : MODEL_CHUNK;
		put_f32le(buf, x, k);
		if (put_bytes(fp, buf, 4 * k, crc) != 0)
			return -1;
		x += k;
		n -= k;
	}
	return 0;
}

struct model_out {
	plm_outfile f;
	uint8_t *buf;     /* MODEL_CHUNK floats, little-endian */
	uLong crc;        /* of everything written so far */
	size_t rowlen;    /* floats per row of J: L q^2 */
	size_t rows_left; /* rows of J still to come */
	const char *path;
	const plm_model *m; /* its statistics are written last, by model_out_close */
};

/* The statistics section of O's model (plmem-model(5)), folded into the CRC. */
static int put_stats(model_out *o)
{
	const plm_model *m = o->m;
	size_t nw = m->weights ? m->nweights : 0;
	uint8_t fixed[MODEL_STATS_FIXED];
	put_u64(fixed, nw);
	put_u32(fixed + 8, m->fi != NULL);
	put_u32(fixed + 12, m->fij != NULL);
	put_u64(fixed + 16, f64_bits(m->lambda_group));
	if (put_bytes(o->f.fp, fixed, sizeof fixed, &o->crc) != 0)
		return -1;
	for (size_t s = 0; s < nw; s += MODEL_CHUNK / 2) {
		size_t k = nw - s < MODEL_CHUNK / 2 ? nw - s : MODEL_CHUNK / 2;
		for (size_t t = 0; t < k; t++)
			put_u64(o->buf + 8 * t, f64_bits(m->weights[s + t]));
		if (put_bytes(o->f.fp, o->buf, 8 * k, &o->crc) != 0)
			return -1;
	}
	if (m->fi != NULL && put_floats(o->f.fp, m->fi, m->L * m->q, o->buf, &o->crc) != 0)
		return -1;
	if (m->fij != NULL && put_floats(o->f.fp, m->fij, model_fij_floats(m->L, m->q), o->buf, &o->crc) != 0)
		return -1;
	return 0;
}

void model_out_abort(model_out *o)
{
	if (o == NULL)
		return;
	outfile_abort(&o->f);
	free(o->buf);
	free(o);
}

int model_out_open(const plm_model *m, const char *path, model_out **out, plm_err *err)
{
	*out = NULL;
	if (m == NULL || m->h == NULL || m->col == NULL)
		return plm_fail(err, PLM_EINVAL, "%s: model_write: incomplete model", path);
	if (m->refseq != NULL && strlen(m->refseq) != m->L)
		return plm_fail(err, PLM_EINVAL, "%s: model_write: refseq has %zu letters, not L = %zu", path,
		                strlen(m->refseq), m->L);
	if (m->weights == NULL ? m->nweights != 0 : m->nweights == 0)
		return plm_fail(err, PLM_EINVAL, "%s: model_write: %zu weights but %s list", path, m->nweights,
		                m->weights ? "a" : "no");
	wbuf meta = { 0 };
	encode_meta(m, &meta);
	uint64_t data_off, file_len, slen;
	if (meta.oom || model_stats_bytes(m, &slen) != 0 || layout(m->L, m->q, meta.n, slen, &data_off, &file_len) != 0) {
		free(meta.p);
		return plm_fail(err, meta.oom ? PLM_ENOMEM : PLM_ERANGE, "%s: model too large to write", path);
	}
	uint8_t head[MODEL_HEADER_LEN] = { 0 };
	memcpy(head, MODEL_MAGIC, 8);
	put_u32(head + 8, MODEL_FORMAT_VERSION);
	put_u32(head + 12, MODEL_HEADER_LEN);
	put_u64(head + 16, file_len);
	put_u64(head + 24, m->L);
	put_u64(head + 32, m->q);
	put_u64(head + 40, meta.n);
	put_u64(head + 48, data_off);
	put_u64(head + 56, slen);

	model_out *o = calloc(1, sizeof *o);
	if (o == NULL || (o->buf = malloc(4 * MODEL_CHUNK)) == NULL) {
		free(o);
		free(meta.p);
		return plm_fail(err, PLM_ENOMEM, "out of memory");
	}
	int rc = outfile_open(&o->f, path, err);
	if (rc != PLM_OK) {
		free(o->buf);
		free(o);
		free(meta.p);
		return rc;
	}
	o->path = o->f.path;
	o->m = m;
	o->rowlen = m->L * m->q * m->q;
	o->rows_left = m->L;
	o->crc = crc32(0L, Z_NULL, 0);
	static const uint8_t zeros[MODEL_ALIGN] = { 0 };
	size_t pad = (size_t)(data_off - MODEL_HEADER_LEN - meta.n);
	int bad = put_bytes(o->f.fp, head, sizeof head, &o->crc) || put_bytes(o->f.fp, meta.p, meta.n, &o->crc) ||
	          put_bytes(o->f.fp, zeros, pad, &o->crc) ||
	          put_floats(o->f.fp, m->h, m->L * m->q, o->buf, &o->crc);
	free(meta.p);
	if (bad) {
		plm_fail_errno(err, PLM_EIO, "%s: write error", path);
		model_out_abort(o);
		return PLM_EIO;
	}
	*out = o;
	return PLM_OK;
}

uint32_t model_rows_crc(const plm_model *m, const float *rows, size_t nrows)
{
	uint8_t buf[4 * 4096];
	uLong crc = crc32(0L, Z_NULL, 0);
	for (size_t n = nrows * m->L * m->q * m->q; n > 0;) {
		size_t k = n < 4096 ? n : 4096;
		put_f32le(buf, rows, k);
		crc = crc32(crc, buf, (uInt)(4 * k));
		rows += k;
		n -= k;
	}
	return (uint32_t)crc;
}

int model_out_rows(model_out *o, const float *rows, size_t nrows, const uint32_t *crc, plm_err *err)
{
	if (nrows > o->rows_left)
		return plm_fail(err, PLM_EINVAL, "%s: model_write: more than L rows of couplings", o->path);
	o->rows_left -= nrows;
	size_t n = nrows * o->rowlen;
	if (put_floats(o->f.fp, rows, n, o->buf, crc ? NULL : &o->crc) != 0)
		return plm_fail_errno(err, PLM_EIO, "%s: write error", o->path);
	if (crc)
		o->crc = crc32_combine(o->crc, *crc, (z_off_t)(4 * n));
	return PLM_OK;
}

int model_out_close(model_out *o, plm_err *err)
{
	int rc = PLM_OK;
	if (o->rows_left != 0)
		rc = plm_fail(err, PLM_EINVAL, "%s: model_write: %zu rows of couplings missing", o->path, o->rows_left);
	if (rc == PLM_OK && put_stats(o) != 0)
		rc = plm_fail_errno(err, PLM_EIO, "%s: write error", o->path);
	if (rc == PLM_OK) {
		uint8_t tail[4];
		put_u32(tail, (uint32_t)o->crc);
		if (fwrite(tail, 1, 4, o->f.fp) != 4)
			rc = plm_fail_errno(err, PLM_EIO, "%s: write error", o->path);
	}
	if (rc == PLM_OK)
		rc = outfile_commit(&o->f, err);
	model_out_abort(o); /* after a commit: frees only */
	return rc;
}

int model_write(const plm_model *m, const char *path, plm_err *err)
{
	if (m != NULL && (m->J == NULL || m->row0 != 0 || m->nrows != m->L))
		return plm_fail(err, PLM_EINVAL, "%s: model_write: %s", path,
		                m->J == NULL ? "incomplete model" : "the model holds part of its couplings only");
	model_out *o;
	int rc = model_out_open(m, path, &o, err);
	if (rc == PLM_OK && (rc = model_out_rows(o, m->J, m->L, NULL, err)) != PLM_OK)
		model_out_abort(o);
	return rc == PLM_OK ? model_out_close(o, err) : rc;
}

/* ---- read ------------------------------------------------------------------------------ */

static int get_floats(FILE *fp, float *x, size_t n, uint8_t *buf, uLong *crc)
{
	while (n > 0) {
		size_t k = n < MODEL_CHUNK ? n : MODEL_CHUNK;
		if (fread(buf, 1, 4 * k, fp) != 4 * k)
			return -1;
		*crc = crc32(*crc, buf, (uInt)(4 * k));
		for (size_t t = 0; t < k; t++)
			x[t] = bits_f32(get_u32(buf + 4 * t));
		x += k;
		n -= k;
	}
	return 0;
}

/* Fill m's metadata from the (checksummed) metadata section. */
static int decode_meta(plm_model *m, const uint8_t *p, size_t n, const char *path, plm_err *err)
{
	rbuf b = { p, n, 0, 0 };
	size_t L = m->L;
	char *aname = rb_str(&b), *aletters = rb_str(&b);
	int rc = PLM_OK;
	if (b.bad || aname == NULL || aletters == NULL) {
		rc = plm_fail(err, PLM_EFORMAT, "%s: malformed metadata (alphabet)", path);
	} else {
		plm_err e2;
		if (alphabet_init(&m->abc, aname, &e2) != PLM_OK || strcmp(m->abc.letters, aletters) != 0)
			rc = plm_fail(err, PLM_EFORMAT, "%s: unknown alphabet '%s' (letters %s)", path, aname, aletters);
		else if (m->abc.q != m->q)
			rc = plm_fail(err, PLM_EFORMAT, "%s: alphabet '%s' has %zu states, the model q = %zu", path,
			              aname, m->abc.q, m->q);
	}
	free(aname);
	free(aletters);
	if (rc != PLM_OK)
		return rc;
	m->ncol_in = rb_u64(&b);
	for (size_t i = 0; i < L; i++)
		m->col[i] = rb_u64(&b);
	if (rb_flag(&b, 1)) {
		m->resnum = plm_calloc(L, sizeof *m->resnum, "residue numbers", err);
		if (m->resnum == NULL)
			return PLM_ENOMEM;
		for (size_t i = 0; i < L; i++)
			m->resnum[i] = (long)(int64_t)rb_u64(&b);
	}
	m->focus = rb_str(&b);
	m->refseq = rb_str(&b);
	char *rule = rb_str(&b);
	if (rule != NULL && strlen(rule) < sizeof m->rule)
		strcpy(m->rule, rule);
	else
		b.bad = 1;
	free(rule);
	m->lambda_h = rb_f64(&b);
	m->lambda_j = rb_f64(&b);
	m->theta = rb_f64(&b);
	m->max_gap_seq = rb_f64(&b);
	m->max_gap_col = rb_f64(&b);
	m->tol = rb_f64(&b);
	m->no_fields = rb_flag(&b, 4);
	m->max_iter = rb_u64(&b);
	m->nseq_in = rb_u64(&b);
	m->nseq = rb_u64(&b);
	m->nunique = rb_u64(&b);
	m->meff = rb_f64(&b);
	m->source = rb_str(&b);
	m->cmdline = rb_str(&b);
	m->version = rb_str(&b);
	if (rb_flag(&b, 1)) {
		for (size_t i = 0; i < L; i++)
			m->iters[i] = rb_u32(&b);
		for (size_t i = 0; i < L; i++)
			m->evals[i] = rb_u32(&b);
		for (size_t i = 0; i < L; i++)
			m->status[i] = rb_u8(&b);
		for (size_t i = 0; i < L; i++)
			m->gnorm[i] = rb_f64(&b);
		for (size_t i = 0; i < L; i++)
			m->fx[i] = rb_f64(&b);
	} else {
		model_drop_convergence(m);
	}
	if (b.bad || b.off != b.n)
		return plm_fail(err, PLM_EFORMAT, "%s: malformed metadata section", path);
	for (size_t i = 0; i < L; i++)
		if (m->col[i] >= m->ncol_in)
			return plm_fail(err, PLM_EFORMAT, "%s: position %zu maps to column %zu of %zu", path, i + 1,
			                m->col[i] + 1, m->ncol_in);
	if (m->refseq != NULL && strlen(m->refseq) != L)
		return plm_fail(err, PLM_EFORMAT, "%s: reference sequence has %zu letters, not L = %zu", path,
		                strlen(m->refseq), L);
	if (m->status != NULL)
		for (size_t i = 0; i < L; i++)
			if (m->status[i] > SITE_NOT_FITTED)
				return plm_fail(err, PLM_EFORMAT, "%s: site %zu has an unknown status %u", path, i + 1,
				                (unsigned)m->status[i]);
	return PLM_OK;
}

/* The header's fields, checked against one another and the file's size. */
typedef struct model_head {
	uint8_t raw[MODEL_HEADER_LEN];
	uint32_t version;
	uint64_t file_len, L, q, meta_len, data_off, stats_len;
} model_head;

/* Read and check the header of FP (SIZE bytes long): magic, version, sizes. */
static int read_header(FILE *fp, const char *path, uint64_t size, model_head *h, plm_err *err)
{
	uint8_t *head = h->raw;
	size_t got = fread(head, 1, MODEL_HEADER_LEN, fp);
	if (got < 8 && memcmp(head, MODEL_MAGIC, got) == 0)
		return got == 0 ? plm_fail(err, PLM_EFORMAT, "%s: not a plmem model (empty file)", path)
		                : plm_fail(err, PLM_EFORMAT, "%s: truncated: expected at least %u bytes, found %zu",
		                           path, MODEL_HEADER_LEN, got);
	if (memcmp(head, MODEL_MAGIC, 8) != 0)
		return plm_fail(err, PLM_EFORMAT, "%s: not a plmem model (bad magic)", path);
	if (got < MODEL_HEADER_LEN)
		return plm_fail(err, PLM_EFORMAT, "%s: truncated: expected at least %u bytes, found %zu", path,
		                MODEL_HEADER_LEN, got);
	h->version = get_u32(head + 8);
	h->file_len = get_u64(head + 16);
	h->L = get_u64(head + 24);
	h->q = get_u64(head + 32);
	h->meta_len = get_u64(head + 40);
	h->data_off = get_u64(head + 48);
	/* version 1: bytes 56-63 reserved, zero (the writer wrote zeros; the padding is checked too) */
	h->stats_len = h->version >= 2 ? get_u64(head + 56) : 0;
	uint64_t want_off, want_len;
	if (h->version == 0 || h->version > MODEL_FORMAT_VERSION)
		return plm_fail(err, PLM_EFORMAT,
		                "%s: model format version %u is not supported (this plmem reads versions 1 to %u%s)",
		                path, h->version, MODEL_FORMAT_VERSION,
		                h->version > MODEL_FORMAT_VERSION ? "; upgrade plmem" : "");
	if (get_u32(head + 12) != MODEL_HEADER_LEN || h->q < 2 || h->q > ALPHABET_MAXQ ||
	    (h->version >= 2 && h->stats_len < MODEL_STATS_FIXED) ||
	    layout(h->L, h->q, h->meta_len, h->stats_len, &want_off, &want_len) != 0 || want_off != h->data_off ||
	    want_len != h->file_len)
		return plm_fail(err, PLM_EFORMAT, "%s: damaged header (the sizes do not agree)", path);
	if (h->version == 1 && get_u64(head + 56) != 0)
		return plm_fail(err, PLM_EFORMAT, "%s: damaged header (reserved bytes 56-63 are not zero)", path);
	if (size < h->file_len)
		return plm_fail(err, PLM_EFORMAT, "%s: truncated: expected %llu bytes, found %llu", path,
		                (unsigned long long)h->file_len, (unsigned long long)size);
	if (size > h->file_len)
		return plm_fail(err, PLM_EFORMAT,
		                "%s: %llu unexpected bytes after the end of the model (expected %llu bytes, found %llu)",
		                path, (unsigned long long)(size - h->file_len), (unsigned long long)h->file_len,
		                (unsigned long long)size);
	return PLM_OK;
}

/* N bytes of FP into P, folded into the CRC. */
static int get_bytes(FILE *fp, uint8_t *p, size_t n, uLong *crc)
{
	if (fread(p, 1, n, fp) != n)
		return -1;
	for (size_t k = 0; k < n; k += (size_t)1 << 30)
		*crc = crc32(*crc, p + k, (uInt)(n - k < ((size_t)1 << 30) ? n - k : ((size_t)1 << 30)));
	return 0;
}

/* 1 when the N values are all finite. */
static int all_finite_f(const float *x, size_t n)
{
	for (size_t k = 0; k < n; k++)
		if (!isfinite(x[k]))
			return 0;
	return 1;
}

/* The statistics section (H->stats_len bytes, version 2) into M; the sizes it announces must
 * add up to the section's length (which the file's length bounds) before anything is allocated. */
static int read_stats(FILE *fp, const model_head *h, plm_model *m, uint8_t *buf, uLong *crc, const char *path,
                      plm_err *err)
{
	uint8_t fixed[MODEL_STATS_FIXED];
	if (get_bytes(fp, fixed, sizeof fixed, crc) != 0)
		return plm_fail_errno(err, PLM_EIO, "%s: read error", path);
	uint64_t nw = get_u64(fixed), want;
	uint32_t has_fi = get_u32(fixed + 8), has_fij = get_u32(fixed + 12);
	m->lambda_group = bits_f64(get_u64(fixed + 16));
	if (has_fi > 1 || has_fij > 1 || stats_bytes(m->L, m->q, nw, (int)has_fi, (int)has_fij, &want) != 0 ||
	    want != h->stats_len)
		return plm_fail(err, PLM_EFORMAT, "%s: malformed statistics section (its sizes do not agree)", path);
	if ((nw > 0 && (m->weights = plm_calloc((size_t)nw, sizeof *m->weights, "sequence weights", err)) == NULL) ||
	    (has_fi && (m->fi = plm_calloc(m->L * m->q, sizeof *m->fi, "frequencies", err)) == NULL) ||
	    (has_fij && (m->fij = plm_calloc(model_fij_floats(m->L, m->q), sizeof *m->fij, "pair frequencies", err)) == NULL))
		return PLM_ENOMEM;
	m->nweights = (size_t)nw;
	for (size_t s = 0; s < m->nweights; s += MODEL_CHUNK / 2) {
		size_t k = m->nweights - s < MODEL_CHUNK / 2 ? m->nweights - s : MODEL_CHUNK / 2;
		if (get_bytes(fp, buf, 8 * k, crc) != 0)
			return plm_fail_errno(err, PLM_EIO, "%s: read error", path);
		for (size_t t = 0; t < k; t++)
			m->weights[s + t] = bits_f64(get_u64(buf + 8 * t));
	}
	if ((m->fi != NULL && get_floats(fp, m->fi, m->L * m->q, buf, crc) != 0) ||
	    (m->fij != NULL && get_floats(fp, m->fij, model_fij_floats(m->L, m->q), buf, crc) != 0))
		return plm_fail_errno(err, PLM_EIO, "%s: read error", path);
	return PLM_OK;
}

/* The checks of the statistics that need the metadata (after the CRC matched). */
static int check_stats(const plm_model *m, const char *path, plm_err *err)
{
	if (m->weights != NULL && m->nweights != m->nseq_in)
		return plm_fail(err, PLM_EFORMAT, "%s: statistics section: %zu sequence weights for %llu sequences read",
		                path, m->nweights, (unsigned long long)m->nseq_in);
	for (size_t s = 0; s < m->nweights; s++)
		if (!isfinite(m->weights[s]))
			return plm_fail(err, PLM_EFORMAT, "%s: statistics section: weight %zu is not a finite number", path,
			                s + 1);
	if ((m->fi != NULL && !all_finite_f(m->fi, m->L * m->q)) ||
	    (m->fij != NULL && !all_finite_f(m->fij, model_fij_floats(m->L, m->q))))
		return plm_fail(err, PLM_EFORMAT, "%s: statistics section: a frequency is not a finite number", path);
	return PLM_OK;
}

/* Everything after the header: metadata, h, J, the statistics, the CRC; then the decoding. */
static int read_body(FILE *fp, const model_head *h, plm_model **out, const char *path, plm_err *err)
{
	uLong crc = crc32(0L, Z_NULL, 0);
	crc = crc32(crc, h->raw, MODEL_HEADER_LEN);
	/* the file length agrees with the header: the allocations below are bounded by it */
	size_t rest = (size_t)(h->data_off - MODEL_HEADER_LEN);
	uint8_t *meta = malloc(rest ? rest : 1), *buf = malloc(4 * MODEL_CHUNK), tail[4];
	plm_model *m = NULL;
	int rc = meta == NULL || buf == NULL ? plm_fail(err, PLM_ENOMEM, "out of memory") : PLM_OK;
	if (rc == PLM_OK && get_bytes(fp, meta, rest, &crc) != 0)
		rc = plm_fail_errno(err, PLM_EIO, "%s: read error", path);
	if (rc == PLM_OK)
		rc = model_create((size_t)h->L, (size_t)h->q, &m, err);
	if (rc == PLM_OK && (get_floats(fp, m->h, m->L * m->q, buf, &crc) != 0 ||
	                     get_floats(fp, m->J, m->L * m->L * m->q * m->q, buf, &crc) != 0))
		rc = plm_fail_errno(err, PLM_EIO, "%s: read error", path);
	if (rc == PLM_OK && h->version >= 2)
		rc = read_stats(fp, h, m, buf, &crc, path, err);
	if (rc == PLM_OK && fread(tail, 1, 4, fp) != 4)
		rc = plm_fail_errno(err, PLM_EIO, "%s: read error", path);
	if (rc == PLM_OK && get_u32(tail) != (uint32_t)crc)
		rc = plm_fail(err, PLM_EFORMAT, "%s: checksum mismatch: the file is damaged", path);
	for (size_t k = (size_t)h->meta_len; rc == PLM_OK && k < rest; k++)
		if (meta[k] != 0)
			rc = plm_fail(err, PLM_EFORMAT, "%s: malformed metadata section (padding)", path);
	if (rc == PLM_OK)
		rc = decode_meta(m, meta, (size_t)h->meta_len, path, err);
	if (rc == PLM_OK)
		rc = check_stats(m, path, err);
	if (rc == PLM_OK)
		m->file_version = h->version;
	free(meta);
	free(buf);
	if (rc != PLM_OK) {
		model_destroy(m);
		return rc;
	}
	*out = m;
	return PLM_OK;
}

int model_read(const char *path, plm_model **out, plm_err *err)
{
	*out = NULL;
	FILE *fp;
	uint64_t size;
	/* '-' (standard input), gzip and pipes arrive as a regular temporary file */
	int rc = plm_open_regular(path, &fp, &size, err);
	if (rc != PLM_OK)
		return rc;
	model_head h;
	rc = read_header(fp, path, size, &h, err);
	if (rc == PLM_OK)
		rc = read_body(fp, &h, out, path, err);
	fclose(fp);
	return rc;
}

/* ---- gauge ---------------------------------------------------------------------------- */

void model_gauge_zero_sum(plm_model *m)
{
	size_t L = m->L, q = m->q;
	long n = (long)L;
	/* each site i touches only h_i and the blocks J_ij: parallel over i, no shared writes */
	#pragma omp parallel for schedule(dynamic, 4)
	for (long ii = 0; ii < n; ii++) {
		size_t i = (size_t)ii;
		double hs[ALPHABET_MAXQ], r[ALPHABET_MAXQ], c[ALPHABET_MAXQ];
		for (size_t a = 0; a < q; a++)
			hs[a] = m->h[i * q + a];
		for (size_t j = 0; j < L; j++) {
			if (j == i)
				continue;
			float *J = model_J(m, i, j);
			double all = 0.0;
			for (size_t a = 0; a < q; a++)
				r[a] = c[a] = 0.0;
			for (size_t a = 0; a < q; a++)
				for (size_t b = 0; b < q; b++) {
					r[a] += J[a * q + b];
					c[b] += J[a * q + b];
					all += J[a * q + b];
				}
			all /= (double)(q * q);
			for (size_t a = 0; a < q; a++) {
				r[a] /= (double)q;
				c[a] /= (double)q;
			}
			for (size_t a = 0; a < q; a++) {
				hs[a] += r[a] - all;
				for (size_t b = 0; b < q; b++)
					J[a * q + b] = (float)((double)J[a * q + b] - r[a] - c[b] + all);
			}
		}
		double mean = 0.0;
		for (size_t a = 0; a < q; a++)
			mean += hs[a];
		mean /= (double)q;
		for (size_t a = 0; a < q; a++)
			m->h[i * q + a] = (float)(hs[a] - mean);
	}
}

/* ---- convergence summary ------------------------------------------------------------- */

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

static void min_med_max(const uint32_t *v, size_t L, uint32_t *tmp, uint32_t out[3])
{
	memcpy(tmp, v, L * sizeof *tmp);
	qsort(tmp, L, sizeof *tmp, cmp_u32);
	out[0] = tmp[0];
	out[1] = (L % 2) ? tmp[L / 2] : (uint32_t)(((uint64_t)tmp[L / 2 - 1] + tmp[L / 2]) / 2);
	out[2] = tmp[L - 1];
}

int model_conv_summary(const plm_model *m, model_conv *s, plm_err *err)
{
	memset(s, 0, sizeof *s);
	if (m->iters == NULL)
		return PLM_OK;
	s->have = 1;
	uint32_t *tmp = plm_calloc(m->L, sizeof *tmp, "convergence summary", err);
	if (tmp == NULL)
		return PLM_ENOMEM;
	for (size_t i = 0; i < m->L; i++) {
		if (m->status[i] <= SITE_NOT_FITTED)
			s->nstatus[m->status[i]]++;
		if (m->gnorm[i] > s->max_gnorm || i == 0) {
			s->max_gnorm = m->gnorm[i];
			s->max_gnorm_site = i;
		}
		s->total_fx += m->fx[i];
	}
	min_med_max(m->iters, m->L, tmp, s->iters);
	min_med_max(m->evals, m->L, tmp, s->evals);
	free(tmp);
	return PLM_OK;
}
