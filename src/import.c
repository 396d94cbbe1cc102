/* import: readers of plmc's binary parameter files and CCMpred's raw text into a plmem
 * model.  Streams the input (plain or gzip) once, checks every size and number, and names
 * the byte offset or line of the first problem; never prints and never keeps a half model. */
#include "config.h"
#include "import.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "util.h"
#include "version.h"

/* CCMpred's state order (its sequence.c): 20 amino acids, then the gap as state 20. */
#define CCMPRED_LETTERS "ARNDCQEGHILKMFPSTWYV-"
#define CCMPRED_Q 21
#define PLMC_HEAD_INTS 5
#define PLMC_HEAD_FLOATS 5
#define IMPORT_CHUNK 4096 /* values per read */

int import_parse_format(const char *s, import_format *f)
{
	if (strcmp(s, "auto") == 0)
		*f = IMPORT_AUTO;
	else if (strcmp(s, "plmc") == 0)
		*f = IMPORT_PLMC;
	else if (strcmp(s, "ccmpred") == 0)
		*f = IMPORT_CCMPRED;
	else
		return -1;
	return 0;
}

static int add_u64(uint64_t a, uint64_t b, uint64_t *out)
{
	if (a > UINT64_MAX - b)
		return -1;
	*out = a + b;
	return 0;
}

static int mul_u64(uint64_t a, uint64_t b, uint64_t *out)
{
	if (a != 0 && b > UINT64_MAX / a)
		return -1;
	*out = a * b;
	return 0;
}

int import_plmc_size(uint64_t L, uint64_t q, uint64_t nseq, unsigned prec, uint64_t *out)
{
	uint64_t pairs, lq, q2, blocks, floats, n, ints;
	if (L == 0 || mul_u64(L, L - 1, &pairs))
		return -1;
	pairs /= 2;
	if (mul_u64(L, q, &lq) || mul_u64(q, q, &q2) || mul_u64(pairs, q2, &blocks))
		return -1;
	/* floats: the header's 5, one per sequence, f_i and h_i, f_ij and e_ij */
	if (add_u64(PLMC_HEAD_FLOATS, nseq, &floats) || add_u64(floats, lq, &floats) || add_u64(floats, lq, &floats) ||
	    add_u64(floats, blocks, &floats) || add_u64(floats, blocks, &floats) || mul_u64(floats, prec, &n))
		return -1;
	/* bytes: the header's 5 int32, the alphabet, the focus letters and the L int32 numbering */
	if (mul_u64(L, 5, &ints) || add_u64(n, 4 * PLMC_HEAD_INTS, &n) || add_u64(n, q, &n) || add_u64(n, ints, &n))
		return -1;
	*out = n;
	return 0;
}

/* ---- the input stream: plain or gzip, with the offset and line reached ------------------ */

typedef struct src {
	gzFile gz;
	const char *path;
	uint64_t off;     /* bytes consumed (after decompression) */
	int direct;       /* 1: not compressed */
	uint64_t size;    /* file size when direct and regular, else 0 */
	uint64_t want;    /* plmc: the size the header implies, 0 until known */
	char *line;       /* text: the current line */
	size_t cap, lineno;
	plm_err *err;
} src;

static int src_open(src *s, const char *path, plm_err *err)
{
	memset(s, 0, sizeof *s);
	s->path = path;
	s->err = err;
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return plm_fail_errno(err, PLM_EIO, "%s: cannot open", path);
	struct stat st;
	if (fstat(fd, &st) != 0) {
		close(fd);
		return plm_fail_errno(err, PLM_EIO, "%s: cannot stat", path);
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return plm_fail(err, PLM_EIO, "%s: is a directory", path);
	}
	s->gz = gzdopen(fd, "rb");
	if (s->gz == NULL) {
		close(fd);
		return plm_fail(err, PLM_ENOMEM, "%s: out of memory opening the file", path);
	}
	gzbuffer(s->gz, 1 << 17);
	/* gzdirect() is only reliable once the first bytes are in: peek one and rewind */
	int c = gzgetc(s->gz);
	if (c != -1)
		gzungetc(c, s->gz);
	s->direct = gzdirect(s->gz);
	s->size = s->direct && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
	return PLM_OK;
}

static void src_close(src *s)
{
	if (s->gz != NULL)
		gzclose(s->gz);
	free(s->line);
	s->gz = NULL;
	s->line = NULL;
}

/* Read exactly N bytes (WHAT names them in the message). */
static int src_take(src *s, void *buf, size_t n, const char *what)
{
	size_t got = 0;
	while (got < n) {
		unsigned k = n - got > (1u << 30) ? (1u << 30) : (unsigned)(n - got);
		int r = gzread(s->gz, (char *)buf + got, k);
		if (r < 0) {
			int zerr;
			const char *msg = gzerror(s->gz, &zerr);
			return zerr == Z_ERRNO ? plm_fail_errno(s->err, PLM_EIO, "%s: read error", s->path)
			                       : plm_fail(s->err, PLM_EFORMAT, "%s: byte %llu: corrupt gzip stream (%s)",
			                                  s->path, (unsigned long long)(s->off + got), msg);
		}
		if (r == 0) {
			if (s->want > 0)
				return plm_fail(s->err, PLM_EFORMAT,
				                "%s: truncated: the file ends at byte %llu, inside %s; its header's sizes "
				                "need %llu bytes",
				                s->path, (unsigned long long)(s->off + got), what,
				                (unsigned long long)s->want);
			return plm_fail(s->err, PLM_EFORMAT, "%s: truncated: the file ends at byte %llu, inside %s",
			                s->path, (unsigned long long)(s->off + got), what);
		}
		got += (size_t)r;
	}
	s->off += n;
	return PLM_OK;
}

/* Read exactly N bytes into *BUF, a buffer this function allocates and grows as the bytes
 * arrive (64 KiB, then doubling: plm_grow_cap): a stream whose size is not known in advance (gzip, a pipe)
 * cannot make it allocate much more than twice what it really holds, whatever its header
 * announces.  *BUF is NULL on failure. */
static int src_take_grown(src *s, uint8_t **buf, size_t n, const char *what)
{
	size_t cap = 0, got = 0;
	uint8_t *b = NULL;
	int rc = PLM_OK;
	while (rc == PLM_OK && (got < n || b == NULL)) {
		size_t want = plm_grow_cap(cap, n, (size_t)1 << 16);
		uint8_t *t = realloc(b, want ? want : 1);
		if (t == NULL) {
			rc = plm_fail(s->err, PLM_ENOMEM, "%s: out of memory reading %s", s->path, what);
			break;
		}
		b = t;
		cap = want;
		rc = src_take(s, b + got, cap - got, what);
		got = cap;
	}
	if (rc != PLM_OK) {
		free(b);
		b = NULL;
	}
	*buf = b;
	return rc;
}

/* 1 when the stream has no more bytes; 0 when it has (or cannot be read further). */
static int src_at_end(src *s)
{
	return gzgetc(s->gz) == -1 && gzeof(s->gz);
}

/* The next line, without its newline, in s->line (NUL-terminated; blank lines included).
 * Returns 1, 0 at the end of the input, or a failure status (negated) on a read error. */
static int src_line(src *s)
{
	size_t len = 0;
	if (s->cap == 0) {
		s->cap = 4096;
		s->line = malloc(s->cap);
		if (s->line == NULL)
			return -plm_fail(s->err, PLM_ENOMEM, "out of memory");
	}
	for (;;) {
		if (gzgets(s->gz, s->line + len, (int)(s->cap - len)) == NULL) {
			int zerr;
			const char *msg = gzerror(s->gz, &zerr);
			if (zerr != Z_OK && zerr != Z_BUF_ERROR)
				return zerr == Z_ERRNO ? -plm_fail_errno(s->err, PLM_EIO, "%s: read error", s->path)
				                       : -plm_fail(s->err, PLM_EFORMAT, "%s:%zu: corrupt gzip stream (%s)",
				                                   s->path, s->lineno + 1, msg);
			if (len == 0)
				return 0;
			break;
		}
		len += strlen(s->line + len);
		if (len > 0 && s->line[len - 1] == '\n')
			break;
		if (len + 1 < s->cap) /* end of input without a final newline */
			break;
		if (s->cap > ((size_t)1 << 30))
			return -plm_fail(s->err, PLM_EFORMAT, "%s:%zu: line longer than 1 GiB", s->path, s->lineno + 1);
		char *p = realloc(s->line, 2 * s->cap);
		if (p == NULL)
			return -plm_fail(s->err, PLM_ENOMEM, "out of memory");
		s->line = p;
		s->cap *= 2;
	}
	while (len > 0 && (s->line[len - 1] == '\n' || s->line[len - 1] == '\r'))
		s->line[--len] = '\0';
	s->lineno++;
	return 1;
}

/* ---- shared provenance ------------------------------------------------------------------ */

static int finish_model(plm_model *m, const char *rule, const char *path, const char *cmdline, plm_err *err)
{
	snprintf(m->rule, sizeof m->rule, "%s", rule);
	model_drop_convergence(m);
	if ((m->source = plm_strdup(path, err)) == NULL || (m->version = plm_strdup(plm_version(), err)) == NULL)
		return PLM_ENOMEM;
	if (cmdline != NULL && (m->cmdline = plm_strdup(cmdline, err)) == NULL)
		return PLM_ENOMEM;
	return PLM_OK;
}

/* ---- plmc ------------------------------------------------------------------------------ */

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static double le_float(const uint8_t *p, unsigned prec)
{
	if (prec == 4) {
		uint32_t u = le32(p);
		float f;
		memcpy(&f, &u, 4);
		return f;
	}
	uint64_t u = (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
	double d;
	memcpy(&d, &u, 8);
	return d;
}

/* N floats of the file into DST, every one finite and within a float's range; WHAT names the
 * section in messages. */
static int plmc_floats(src *s, unsigned prec, float *dst, size_t n, const char *what)
{
	uint8_t buf[8 * IMPORT_CHUNK];
	for (size_t done = 0; done < n;) {
		size_t k = n - done < IMPORT_CHUNK ? n - done : IMPORT_CHUNK;
		uint64_t at = s->off;
		int rc = src_take(s, buf, k * prec, what);
		if (rc != PLM_OK)
			return rc;
		for (size_t t = 0; t < k; t++) {
			double v = le_float(buf + t * prec, prec);
			if (!isfinite(v) || fabs(v) > FLT_MAX)
				return plm_fail(s->err, PLM_EFORMAT, "%s: byte %llu: %s value %zu is %s", s->path,
				                (unsigned long long)(at + t * prec), what, done + t + 1,
				                isfinite(v) ? "too large for a 32-bit float" : "not a finite number");
			dst[done + t] = (float)v;
		}
		done += k;
	}
	return PLM_OK;
}

/* N floats of the file into *OUT, a float array grown as the bytes arrive (src_take_grown:
 * nothing is allocated at a size the stream has not shown).  Every value must be finite and
 * within a float's range, except that with UNKNOWN_OK a section of NaN only is plmem's mark of
 * values not known (plmem-export(1)): then *OUT is NULL.  *OUT is NULL too when N is 0. */
static int plmc_floats_grown(src *s, unsigned prec, size_t n, int unknown_ok, float **out, const char *what)
{
	*out = NULL;
	uint64_t at = s->off;
	uint8_t *b;
	int rc = src_take_grown(s, &b, n * prec, what);
	if (rc != PLM_OK)
		return rc;
	float *f = (float *)(void *)b; /* in place: value k's bytes are read before f[k] is written */
	size_t nan = 0, bad = n;
	for (size_t k = 0; k < n; k++) {
		double v = le_float(b + k * prec, prec);
		nan += isnan(v) != 0;
		if ((!isfinite(v) || fabs(v) > FLT_MAX) && bad == n && !(unknown_ok && isnan(v)))
			bad = k;
		f[k] = (float)v;
	}
	if (bad == n && nan > 0 && nan < n) /* NaN among numbers: the first NaN is the problem */
		for (bad = 0; !isnan(f[bad]); bad++)
			;
	if (bad < n) {
		double v = le_float(b + bad * prec, prec);
		rc = plm_fail(s->err, PLM_EFORMAT, "%s: byte %llu: %s value %zu is %s", s->path,
		              (unsigned long long)(at + bad * prec), what, bad + 1,
		              isfinite(v) ? "too large for a 32-bit float" : "not a finite number");
	}
	if (rc != PLM_OK || n == 0 || nan == n) {
		free(b);
		return rc;
	}
	float *t = realloc(b, n * sizeof *t); /* prec 8: half the bytes */
	*out = t ? t : f;
	return PLM_OK;
}

/* plmem's named alphabet with exactly these letters, else the custom alphabet LETTERS. */
static int alphabet_for_letters(const char *letters, plm_alphabet *a, plm_err *err)
{
	static const char *const named[] = { "protein", "rna", "dna", "binary" };
	for (size_t k = 0; k < sizeof named / sizeof *named; k++) {
		plm_alphabet t;
		if (alphabet_init(&t, named[k], err) == PLM_OK && strcmp(t.letters, letters) == 0) {
			*a = t;
			return PLM_OK;
		}
	}
	return alphabet_init(a, letters, err);
}

/* The focus letters and numbering: a focus when every letter is one of the alphabet's and
 * they are not all its first letter (plmc writes that without a focus); else the numbering
 * becomes the column map when it increases from 1, or the residue numbers otherwise. */
static int plmc_numbering(plm_model *m, const uint8_t *seq, const int32_t *idx, plm_err *err)
{
	size_t L = m->L;
	int focus = 0, letters = 1;
	for (size_t i = 0; i < L; i++) {
		if (seq[i] == 0 || strchr(m->abc.letters, seq[i]) == NULL)
			letters = 0;
		else if (seq[i] != (uint8_t)m->abc.letters[0])
			focus = 1;
	}
	focus = focus && letters;
	int increasing = idx[0] >= 1;
	for (size_t i = 1; i < L; i++)
		increasing = increasing && idx[i] > idx[i - 1];
	if (focus) {
		m->refseq = plm_calloc(L + 1, 1, "reference sequence", err);
		if (m->refseq == NULL)
			return PLM_ENOMEM;
		memcpy(m->refseq, seq, L);
	}
	if (focus || !increasing) {
		m->resnum = plm_calloc(L, sizeof *m->resnum, "residue numbers", err);
		if (m->resnum == NULL)
			return PLM_ENOMEM;
		for (size_t i = 0; i < L; i++)
			m->resnum[i] = idx[i];
		return PLM_OK;
	}
	for (size_t i = 0; i < L; i++)
		m->col[i] = (size_t)idx[i] - 1;
	m->ncol_in = (size_t)idx[L - 1];
	return PLM_OK;
}

/* A plmc file as read, before it becomes a model. */
typedef struct plmc_in {
	src *s;
	unsigned prec;          /* 4 or 8 bytes per float */
	size_t L, q, nseq;      /* nseq = N_valid + N_invalid */
	int32_t v[PLMC_HEAD_INTS];
	double theta, lh, lj, lg, neff;
	plm_alphabet abc;
	uint8_t *seq;           /* L focus letters */
	uint8_t *ib;            /* L int32 numbering, decoded in place: idx */
	int32_t *idx;
	float *nb, *fi, *h, *fij; /* neighbour counts, f_i, h_i, f_ij (NULL: not known) */
} plmc_in;

static void plmc_in_free(plmc_in *p)
{
	free(p->seq);
	free(p->ib);
	free(p->nb);
	free(p->fi);
	free(p->h);
	free(p->fij);
}

/* The 5 int32, the sizes against the file's, the 5 floats and the alphabet. */
static int plmc_header(plmc_in *p)
{
	src *s = p->s;
	plm_err *err = s->err;
	const char *path = s->path;
	uint8_t head[4 * PLMC_HEAD_INTS];
	int rc = src_take(s, head, sizeof head, "the header (5 int32: L, q, N_valid, N_invalid, iterations)");
	if (rc != PLM_OK)
		return rc;
	int32_t *v = p->v;
	for (int k = 0; k < PLMC_HEAD_INTS; k++)
		v[k] = (int32_t)le32(head + 4 * k);
	if (v[0] < 1)
		return plm_fail(err, PLM_EFORMAT, "%s: byte 0: L = %d: not a plmc parameter file", path, v[0]);
	if (v[1] < 2 || v[1] > ALPHABET_MAXQ)
		return plm_fail(err, PLM_EFORMAT, "%s: byte 4: q = %d: not a plmc parameter file, or more than %d states",
		                path, v[1], ALPHABET_MAXQ);
	for (int k = 2; k < 4; k++)
		if (v[k] < 0)
			return plm_fail(err, PLM_EFORMAT, "%s: byte %d: %s = %d: not a plmc parameter file", path, 4 * k,
			                k == 2 ? "N_valid" : "N_invalid", v[k]);
	p->L = (size_t)v[0];
	p->q = (size_t)v[1];
	p->nseq = (size_t)v[2] + (size_t)v[3];
	uint64_t size4, size8;
	if (import_plmc_size(p->L, p->q, p->nseq, 4, &size4) || import_plmc_size(p->L, p->q, p->nseq, 8, &size8))
		return plm_fail(err, PLM_EFORMAT, "%s: L = %zu, q = %zu: sizes overflow: not a plmc parameter file",
		                path, p->L, p->q);
	p->prec = 4;
	if (s->size > 0) {
		if (s->size == size8 && size8 != size4)
			p->prec = 8;
		else if (s->size != size4)
			return plm_fail(err, PLM_EFORMAT,
			                "%s: %llu bytes, but a plmc parameter file with L = %zu, q = %zu and %zu sequences "
			                "has %llu bytes (float32) or %llu (float64): truncated or not a plmc file",
			                path, (unsigned long long)s->size, p->L, p->q, p->nseq, (unsigned long long)size4,
			                (unsigned long long)size8);
	}
	s->want = p->prec == 4 ? size4 : size8;
	uint8_t hf[8 * PLMC_HEAD_FLOATS];
	if ((rc = src_take(s, hf, PLMC_HEAD_FLOATS * p->prec, "the header's floats")) != PLM_OK)
		return rc;
	p->theta = le_float(hf, p->prec);
	p->lh = le_float(hf + p->prec, p->prec);
	p->lj = le_float(hf + 2 * p->prec, p->prec);
	p->lg = le_float(hf + 3 * p->prec, p->prec);
	p->neff = le_float(hf + 4 * p->prec, p->prec);
	char letters[ALPHABET_MAXQ + 1] = { 0 };
	uint64_t abc_off = s->off;
	if ((rc = src_take(s, letters, p->q, "the alphabet")) != PLM_OK)
		return rc;
	plm_err e2;
	if (memchr(letters, '\0', p->q) != NULL)
		return plm_fail(err, PLM_EFORMAT, "%s: byte %llu: the alphabet holds a NUL byte: not a plmc parameter file",
		                path, (unsigned long long)abc_off);
	if (alphabet_for_letters(letters, &p->abc, &e2) != PLM_OK)
		return plm_fail(err, PLM_EFORMAT, "%s: byte %llu: %s", path, (unsigned long long)abc_off, e2.msg);
	return PLM_OK;
}

/* The sections before the couplings: neighbours, focus, numbering, f_i, h_i, f_ij.  Each goes
 * to a buffer grown as it arrives: the model (J: L L q q floats) is made only after the pair
 * frequencies (L (L - 1) / 2 q q values) have been read, so J is at most about twice what the
 * stream has shown (a gzip stream's size is not known in advance). */
static int plmc_sections(plmc_in *p)
{
	src *s = p->s;
	size_t L = p->L, q = p->q;
	int rc = plmc_floats_grown(s, p->prec, p->nseq, 1, &p->nb, "the sequence weights");
	if (rc == PLM_OK)
		rc = src_take_grown(s, &p->seq, L, "the focus sequence");
	if (rc == PLM_OK)
		rc = src_take_grown(s, &p->ib, 4 * L, "the position numbering");
	if (rc != PLM_OK)
		return rc;
	p->idx = (int32_t *)(void *)p->ib; /* in place: element i's 4 bytes are read before it is written */
	for (size_t i = 0; i < L; i++)
		p->idx[i] = (int32_t)le32(p->ib + 4 * i);
	if ((rc = plmc_floats_grown(s, p->prec, L * q, 1, &p->fi, "the frequencies f_i")) != PLM_OK ||
	    (rc = plmc_floats_grown(s, p->prec, L * q, 0, &p->h, "the fields h_i")) != PLM_OK)
		return rc;
	return plmc_floats_grown(s, p->prec, model_npairs(L) * q * q, 1, &p->fij, "the pair frequencies f_ij");
}

/* The couplings e_ij for i < j, the state at i the row: J_ij(a, b) = e_ij(a, b) = J_ji(b, a). */
static int plmc_couplings(src *s, unsigned prec, plm_model *m)
{
	size_t L = m->L, q = m->q;
	float blk[ALPHABET_MAXQ * ALPHABET_MAXQ];
	int rc = PLM_OK;
	for (size_t i = 0; i + 1 < L && rc == PLM_OK; i++)
		for (size_t j = i + 1; j < L && rc == PLM_OK; j++) {
			rc = plmc_floats(s, prec, blk, q * q, "the couplings e_ij");
			float *ij = model_J(m, i, j), *ji = model_J(m, j, i);
			for (size_t a = 0; rc == PLM_OK && a < q; a++)
				for (size_t b = 0; b < q; b++)
					ij[a * q + b] = ji[b * q + a] = blk[a * q + b];
		}
	if (rc == PLM_OK && !src_at_end(s))
		rc = plm_fail(s->err, PLM_EFORMAT,
		              "%s: byte %llu: unexpected data after the couplings (the header's sizes give %llu bytes)",
		              s->path, (unsigned long long)s->off, (unsigned long long)s->want);
	return rc;
}

/* What the file tells of its data into M: the settings, the counts, the weights (w_s = 1 / the
 * neighbour count, 0 for a skipped sequence) and the frequencies (moved: P's become NULL). */
static int plmc_record(plmc_in *p, plm_model *m, plm_err *err)
{
	m->theta = p->theta;
	m->lambda_h = p->lh;
	m->lambda_j = p->lj;
	m->lambda_group = p->lg;
	m->max_iter = p->v[4] > 0 ? (uint64_t)p->v[4] : 0;
	m->nseq = (uint64_t)p->v[2];
	m->nseq_in = (uint64_t)p->nseq;
	m->meff = isnan(p->neff) ? 0.0 : p->neff;
	memcpy(m->h, p->h, m->L * m->q * sizeof *m->h);
	m->fi = p->fi;
	m->fij = p->fij;
	p->fi = p->fij = NULL;
	if (p->nb != NULL) {
		m->weights = plm_calloc(p->nseq, sizeof *m->weights, "sequence weights", err);
		if (m->weights == NULL)
			return PLM_ENOMEM;
		m->nweights = p->nseq;
		for (size_t k = 0; k < p->nseq; k++)
			m->weights[k] = p->nb[k] == 0.0f ? 0.0 : 1.0 / (double)p->nb[k];
	}
	return PLM_OK;
}

static int read_plmc(src *s, const char *cmdline, plm_model **out)
{
	plmc_in p;
	memset(&p, 0, sizeof p);
	p.s = s;
	plm_model *m = NULL;
	int rc = plmc_header(&p);
	if (rc == PLM_OK)
		rc = plmc_sections(&p);
	if (rc == PLM_OK && (rc = model_create(p.L, p.q, &m, s->err)) == PLM_OK) {
		m->abc = p.abc;
		rc = plmc_numbering(m, p.seq, p.idx, s->err);
	}
	if (rc == PLM_OK)
		rc = plmc_couplings(s, p.prec, m);
	if (rc == PLM_OK)
		rc = plmc_record(&p, m, s->err);
	if (rc == PLM_OK)
		rc = finish_model(m, MODEL_RULE_PLMC, s->path, cmdline, s->err);
	plmc_in_free(&p);
	if (rc != PLM_OK) {
		model_destroy(m);
		return rc;
	}
	*out = m;
	return PLM_OK;
}

/* ---- CCMpred ----------------------------------------------------------------------------- */

/* Exactly N numbers of the current line into X, else a failure naming the line. */
static int parse_numbers(src *s, double *x, size_t n, const char *what)
{
	char *p = s->line;
	for (size_t k = 0;; k++) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0') {
			if (k == n)
				return PLM_OK;
			return plm_fail(s->err, PLM_EFORMAT, "%s:%zu: %s: expected %zu numbers, found %zu", s->path,
			                s->lineno, what, n, k);
		}
		if (k == n)
			return plm_fail(s->err, PLM_EFORMAT, "%s:%zu: %s: more than %zu numbers", s->path, s->lineno,
			                what, n);
		char *end;
		errno = 0;
		double v = strtod(p, &end);
		if (end == p || (*end != '\0' && *end != ' ' && *end != '\t')) {
			size_t w = strcspn(p, " \t");
			return plm_fail(s->err, PLM_EFORMAT, "%s:%zu: %s: field %zu ('%.*s') is not a number", s->path,
			                s->lineno, what, k + 1, (int)(w > 40 ? 40 : w), p);
		}
		if (!isfinite(v) || fabs(v) > FLT_MAX)
			return plm_fail(s->err, PLM_EFORMAT, "%s:%zu: %s: field %zu is %s", s->path, s->lineno, what,
			                k + 1, isfinite(v) ? "too large for a 32-bit float" : "not a finite number");
		x[k] = v;
		p = end;
	}
}

static int blank(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return *p == '\0';
}

/* The next line that is neither blank nor CCMpred's "#>META>" comment: 1, 0 at the end, or
 * a negated failure status. */
static int ccm_line(src *s)
{
	int r;
	while ((r = src_line(s)) == 1)
		if (!blank(s->line) && strncmp(s->line, "#>META>", 7) != 0)
			return 1;
	return r;
}

static int pair_header(const char *line, size_t i, size_t j)
{
	unsigned long a, b;
	int n = 0;
	return sscanf(line, "# %lu %lu%n", &a, &b, &n) == 2 && blank(line + n) && a == i && b == j;
}

static int read_ccmpred(src *s, const char *cmdline, plm_model **out)
{
	plm_err *err = s->err;
	double *fields = NULL, row[CCMPRED_Q];
	size_t L = 0, cap = 0;
	plm_model *m = NULL;
	int r, rc = PLM_OK;
	/* L lines of 20 fields, up to the first "# 0 1" */
	while ((r = ccm_line(s)) == 1 && s->line[0] != '#') {
		if (L == cap) {
			cap = cap ? 2 * cap : 256;
			double *p = realloc(fields, cap * (CCMPRED_Q - 1) * sizeof *p);
			if (p == NULL) {
				rc = plm_fail(err, PLM_ENOMEM, "out of memory");
				goto done;
			}
			fields = p;
		}
		if ((rc = parse_numbers(s, fields + L * (CCMPRED_Q - 1), CCMPRED_Q - 1,
		                        "a field line (CCMpred raw: 20 fields per position)")) != PLM_OK)
			goto done;
		L++;
	}
	if (r < 0) {
		rc = -r;
		goto done;
	}
	if (L == 0) {
		rc = plm_fail(err, PLM_EFORMAT, "%s:%zu: no field lines: not a CCMpred raw file (L lines of 20 fields, "
		              "then '# i j' and 21 lines of 21 couplings per pair)",
		              s->path, s->lineno);
		goto done;
	}
	if ((rc = model_create(L, CCMPRED_Q, &m, err)) != PLM_OK || (rc = alphabet_init(&m->abc, "protein", err)) != PLM_OK)
		goto done;
	int st[CCMPRED_Q];
	for (size_t k = 0; k < CCMPRED_Q; k++)
		st[k] = alphabet_state(&m->abc, (unsigned char)CCMPRED_LETTERS[k]);
	for (size_t i = 0; i < L; i++)
		for (size_t k = 0; k + 1 < CCMPRED_Q; k++)
			m->h[i * CCMPRED_Q + (size_t)st[k]] = (float)fields[i * (CCMPRED_Q - 1) + k];
	/* the gap's field stays 0: CCMpred does not fit it */
	for (size_t i = 0; i + 1 < L; i++)
		for (size_t j = i + 1; j < L; j++) {
			if (r == 0) {
				rc = plm_fail(err, PLM_EFORMAT,
				              "%s:%zu: truncated: the file ends before pair '# %zu %zu' (%zu positions need %zu pairs)",
				              s->path, s->lineno, i, j, L, L * (L - 1) / 2);
				goto done;
			}
			if (!pair_header(s->line, i, j)) {
				rc = plm_fail(err, PLM_EFORMAT, "%s:%zu: expected the pair header '# %zu %zu', found '%.40s'",
				              s->path, s->lineno, i, j, s->line);
				goto done;
			}
			float *ij = model_J(m, i, j), *ji = model_J(m, j, i);
			for (size_t a = 0; a < CCMPRED_Q; a++) {
				if ((r = ccm_line(s)) != 1) {
					rc = r < 0 ? -r
					           : plm_fail(err, PLM_EFORMAT,
					                      "%s:%zu: truncated: the file ends inside pair (%zu, %zu), after %zu "
					                      "of its 21 lines",
					                      s->path, s->lineno, i, j, a);
					goto done;
				}
				if ((rc = parse_numbers(s, row, CCMPRED_Q, "a coupling line (21 per line)")) != PLM_OK)
					goto done;
				for (size_t b = 0; b < CCMPRED_Q; b++)
					ij[(size_t)st[a] * CCMPRED_Q + (size_t)st[b]] = ji[(size_t)st[b] * CCMPRED_Q + (size_t)st[a]] =
						(float)row[b];
			}
			if ((r = ccm_line(s)) < 0) {
				rc = -r;
				goto done;
			}
		}
	if (r == 1) {
		rc = plm_fail(err, PLM_EFORMAT, "%s:%zu: unexpected '%.40s' after the last pair (%zu positions)", s->path,
		              s->lineno, s->line, L);
		goto done;
	}
	rc = finish_model(m, MODEL_RULE_CCMPRED, s->path, cmdline, err);
done:
	free(fields);
	if (rc != PLM_OK) {
		model_destroy(m);
		return rc;
	}
	*out = m;
	return PLM_OK;
}

/* ---- entry ----------------------------------------------------------------------------- */

/* plmc when the first 16 bytes hold a NUL (its int32 header), else CCMpred's text. */
static import_format sniff(src *s)
{
	unsigned char b[16];
	int n = gzread(s->gz, b, sizeof b);
	gzrewind(s->gz);
	for (int k = 0; k < n; k++)
		if (b[k] == 0)
			return IMPORT_PLMC;
	return IMPORT_CCMPRED;
}

int import_read(const char *path, import_format fmt, const char *cmdline, plm_model **out, plm_err *err)
{
	*out = NULL;
	src s;
	int rc = src_open(&s, path, err);
	if (rc != PLM_OK)
		return rc;
	int c = gzgetc(s.gz);
	if (c == -1) {
		src_close(&s);
		return plm_fail(err, PLM_EFORMAT, "%s: empty file: neither a plmc parameter file nor CCMpred raw couplings",
		                path);
	}
	gzungetc(c, s.gz);
	if (fmt == IMPORT_AUTO)
		fmt = sniff(&s);
	rc = fmt == IMPORT_PLMC ? read_plmc(&s, cmdline, out) : read_ccmpred(&s, cmdline, out);
	src_close(&s);
	return rc;
}
