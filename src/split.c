/* split: the weighted draw without replacement of a training set, the subset as an msa, and
 * the train/test files written in the input's own format (records copied byte for byte).
 * It never prints, and it computes no weights (the caller passes them). */
#include "config.h"
#include "split.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "msa_reader.h" /* msa_reader_slurp: the same gzip/plain reading as msa_read */
#include "rng.h"
#include "util.h"

/* ---- the draw ------------------------------------------------------------ */

typedef struct keyed {
	double key;
	size_t idx;
} keyed;

static int keyed_cmp(const void *a, const void *b)
{
	const keyed *x = a, *y = b;
	if (x->key < y->key)
		return -1;
	if (x->key > y->key)
		return 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

int split_draw(const double *w, size_t n, size_t p, uint64_t seed, size_t force, size_t *order,
               unsigned char *chosen, plm_err *err)
{
	size_t npos = 0;
	double total = 0.0;
	for (size_t k = 0; k < n; k++) {
		if (!isfinite(w[k]) || w[k] < 0)
			return plm_fail(err, PLM_EINVAL, "sequence %zu has weight %g (weights must be finite and >= 0)",
			                k + 1, w[k]);
		total += w[k];
		npos += w[k] > 0 || k == force;
	}
	if (n == 0 || total <= 0)
		return plm_fail(err, PLM_EINVAL, "the total weight of the %zu sequences is 0: nothing to draw from", n);
	if (p > n)
		return plm_fail(err, PLM_EINVAL, "cannot draw %zu training sequences from an alignment of %zu", p, n);
	if (p > npos)
		return plm_fail(err, PLM_EINVAL,
		                "cannot draw %zu training sequences: only %zu of the %zu have a non-zero weight "
		                "(the draw is without replacement and never takes a sequence of weight 0)",
		                p, npos, n);
	keyed *kv = plm_calloc(n, sizeof *kv, "split keys", err);
	if (kv == NULL)
		return PLM_ENOMEM;
	for (size_t k = 0; k < n; k++) {
		plm_rng r;
		rng_seed(&r, seed, k);
		/* E ~ Exp(1) from u in (0, 1]; the smallest E / w wins: P(k first) = w_k / sum w */
		double e = -log(1.0 - rng_uniform(&r));
		kv[k].idx = k;
		kv[k].key = k == force ? -INFINITY : w[k] > 0 ? e / w[k] : INFINITY;
	}
	qsort(kv, n, sizeof *kv, keyed_cmp);
	for (size_t k = 0; k < n; k++) {
		order[k] = kv[k].idx;
		if (chosen != NULL)
			chosen[kv[k].idx] = k < p;
	}
	free(kv);
	return PLM_OK;
}

int split_parse_size(const char *spec, size_t n, size_t *p)
{
	char *end;
	errno = 0;
	double x = strtod(spec, &end);
	if (end == spec || *end != '\0' || errno != 0 || !(x > 0))
		return -1;
	if (x < 1.0) {
		double r = floor(x * (double)n + 0.5);
		*p = r < 1 ? 1 : (size_t)r;
		return 0;
	}
	if (x != floor(x) || x > 1e15)
		return -1;
	*p = (size_t)x;
	return 0;
}

/* ---- the subset in memory -------------------------------------------------- */

static void *dup_array(const void *src, size_t n, size_t size, const char *what, plm_err *err)
{
	void *d = plm_calloc(n ? n : 1, size, what, err);
	if (d != NULL && n)
		memcpy(d, src, n * size);
	return d;
}

int split_subset(const msa *m, const size_t *rows, size_t n, msa **out, plm_err *err)
{
	*out = NULL;
	msa *s = calloc(1, sizeof *s);
	if (s == NULL)
		return plm_fail(err, PLM_ENOMEM, "out of memory (subset)");
	s->abc = m->abc;
	s->format = m->format;
	s->nin = s->n = n;
	s->L = m->L;
	s->ncol_in = m->ncol_in;
	int rc = PLM_ENOMEM;
	if ((s->path = plm_strdup(m->path, err)) == NULL ||
	    (s->in_names = plm_calloc(n ? n : 1, sizeof *s->in_names, "subset names", err)) == NULL ||
	    (s->in_status = plm_calloc(n ? n : 1, 1, "subset status", err)) == NULL ||
	    (s->in_index = plm_calloc(n ? n : 1, sizeof *s->in_index, "subset index", err)) == NULL ||
	    (s->seq = plm_calloc(n ? n : 1, m->L ? m->L : 1, "subset sequences", err)) == NULL ||
	    (s->col = dup_array(m->col, m->L, sizeof *m->col, "column map", err)) == NULL)
		goto fail;
	if (m->resnum != NULL &&
	    (s->resnum = dup_array(m->resnum, m->L, sizeof *m->resnum, "residue numbers", err)) == NULL)
		goto fail;
	if (m->focus != NULL && (s->focus = plm_strdup(m->focus, err)) == NULL)
		goto fail;
	for (size_t k = 0; k < n; k++) {
		size_t r = rows[k];
		if (r >= m->n) {
			rc = plm_fail(err, PLM_EINVAL, "subset row %zu out of range (%zu sequences)", r, m->n);
			goto fail;
		}
		if ((s->in_names[k] = plm_strdup(m->in_names[m->in_index[r]], err)) == NULL)
			goto fail;
		s->in_index[k] = k;
		memcpy(s->seq + k * m->L, m->seq + r * m->L, m->L);
	}
	*out = s;
	return PLM_OK;
fail:
	msa_destroy(s);
	return rc;
}

size_t split_focus_row(const msa *m)
{
	if (m->focus == NULL)
		return SIZE_MAX;
	for (size_t s = 0; s < m->n; s++)
		if (strcmp(m->in_names[m->in_index[s]], m->focus) == 0)
			return s;
	return SIZE_MAX;
}

int split_map_columns(const msa *ref, const msa *s, uint8_t **out, plm_err *err)
{
	size_t L = ref->L;
	int by_col;
	*out = NULL;
	if (!alphabet_equal(&ref->abc, &s->abc))
		return plm_fail(err, PLM_EINVAL, "%s: read in the %s alphabet, not the alignment's %s", s->path,
		                s->abc.name, ref->abc.name);
	if (s->L != s->ncol_in)
		return plm_fail(err, PLM_EINVAL, "%s: columns were filtered (%zu of %zu)", s->path, s->L, s->ncol_in);
	if (s->ncol_in == ref->ncol_in)
		by_col = 1;
	else if (s->ncol_in == L)
		by_col = 0;
	else
		return plm_fail(err, PLM_EINVAL, "%s: %zu columns, but the alignment has %zu (or %zu kept)", s->path,
		                s->ncol_in, ref->ncol_in, L);
	uint8_t *a = plm_calloc(s->n ? s->n : 1, L ? L : 1, "mapped sequences", err);
	if (a == NULL)
		return PLM_ENOMEM;
	for (size_t k = 0; k < s->n; k++)
		for (size_t i = 0; i < L; i++)
			a[k * L + i] = s->seq[k * s->L + (by_col ? ref->col[i] : i)];
	*out = a;
	return PLM_OK;
}

/* ---- the files ----------------------------------------------------------- */

const char *split_extension(const char *path, msa_format format, size_t *len)
{
	if (strcmp(path, "-") != 0) {
		const char *base = strrchr(path, '/');
		base = base ? base + 1 : path;
		size_t n = strlen(base);
		if (n > 3 && strcmp(base + n - 3, ".gz") == 0)
			n -= 3;
		const char *dot = NULL;
		for (size_t k = 1; k < n; k++) /* the last dot before N, not a leading one */
			if (base[k] == '.')
				dot = base + k;
		if (dot != NULL && dot + 1 < base + n) {
			*len = (size_t)(base + n - dot - 1);
			return dot + 1;
		}
	}
	static const char *const ext[] = { "fasta", "fasta", "a2m", "a3m", "sto", "aln", "txt" };
	const char *e = (size_t)format < sizeof ext / sizeof ext[0] ? ext[format] : "txt";
	*len = strlen(e);
	return e;
}

/* Input names sorted, for the Stockholm lookup by name. */
typedef struct name_ix {
	const char *name;
	size_t idx;
} name_ix;

static int name_cmp(const void *a, const void *b)
{
	const name_ix *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : (x->idx < y->idx ? -1 : x->idx > y->idx);
}

/* The input index of the sequence named P[0..n), or SIZE_MAX. */
static size_t name_lookup(const name_ix *tab, size_t nt, const char *p, size_t n)
{
	size_t lo = 0, hi = nt;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strncmp(tab[mid].name, p, n);
		if (c == 0 && tab[mid].name[n] != '\0')
			c = 1;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < nt && strncmp(tab[lo].name, p, n) == 0 && tab[lo].name[n] == '\0')
		return tab[lo].idx;
	return SIZE_MAX;
}

/* Which file a line goes to: 0 train, 1 test, 2 both. */
enum { TO_TRAIN = 0, TO_TEST = 1, TO_BOTH = 2 };

/* Where each line of the input file goes, read line by line. */
typedef struct line_router {
	const msa *m;
	const unsigned char *train_in;
	const name_ix *tab;   /* Stockholm: the input names sorted */
	int fasta, sto;
	size_t rec;           /* records seen so far (FASTA, lines, numbers) */
	int dest;             /* FASTA: where the current record's lines go */
	int sto_ended;
} line_router;

/* FASTA: a header starts the next record, which must be the one read; its lines follow it. */
static int route_fasta(line_router *r, const char *p, const char *e, size_t lineno, plm_err *err)
{
	if (*p == '>') {
		const msa *m = r->m;
		const char *n0 = msa_reader_skip_ws(p + 1, e), *n1 = msa_reader_skip_word(n0, e);
		if (r->rec >= m->nin || strlen(m->in_names[r->rec]) != (size_t)(n1 - n0) ||
		    strncmp(m->in_names[r->rec], n0, (size_t)(n1 - n0)) != 0)
			return plm_fail(err, PLM_EFORMAT, "%s:%zu: the file changed since it was read (record %zu)",
			                m->path, lineno, r->rec + 1);
		r->dest = r->train_in[r->rec++] ? TO_TRAIN : TO_TEST;
	}
	return PLM_OK;
}

/* Stockholm: a sequence line, or a #=GS / #=GR annotation, goes with its sequence's name;
 * everything else (headers, #=GC, blank lines, the end) to both files. */
static int route_sto(line_router *r, const char *p, const char *e, size_t lineno, int *to, plm_err *err)
{
	const msa *m = r->m;
	if (!r->sto_ended && !msa_reader_blank(p, e) && *p != '#' && !(e - p >= 2 && p[0] == '/' && p[1] == '/')) {
		const char *n1 = msa_reader_skip_word(p, e);
		size_t k = name_lookup(r->tab, m->nin, p, (size_t)(n1 - p));
		if (k == SIZE_MAX)
			return plm_fail(err, PLM_EFORMAT, "%s:%zu: the file changed since it was read", m->path, lineno);
		*to = r->train_in[k] ? TO_TRAIN : TO_TEST;
	} else if (e - p >= 5 && (strncmp(p, "#=GS", 4) == 0 || strncmp(p, "#=GR", 4) == 0)) {
		const char *n0 = msa_reader_skip_ws(p + 4, e), *n1 = msa_reader_skip_word(n0, e);
		size_t k = name_lookup(r->tab, m->nin, n0, (size_t)(n1 - n0));
		if (k != SIZE_MAX) /* annotation of an unknown name goes to both */
			*to = r->train_in[k] ? TO_TRAIN : TO_TEST;
	} else if (e - p >= 2 && p[0] == '/' && p[1] == '/')
		r->sto_ended = 1;
	return PLM_OK;
}

/* The file of the line P..E (TO_TRAIN, TO_TEST or TO_BOTH) into *TO. */
static int route_line(line_router *r, const char *p, const char *e, size_t lineno, int *to, plm_err *err)
{
	*to = TO_BOTH;
	int rc = PLM_OK;
	if (r->fasta) {
		rc = route_fasta(r, p, e, lineno, err);
		*to = r->dest;
	} else if (r->sto) {
		rc = route_sto(r, p, e, lineno, to, err);
	} else if (!msa_reader_blank(p, e) && *p != '#') { /* lines, numbers: one record a line */
		if (r->rec >= r->m->nin)
			return plm_fail(err, PLM_EFORMAT, "%s:%zu: the file changed since it was read", r->m->path, lineno);
		*to = r->train_in[r->rec++] ? TO_TRAIN : TO_TEST;
	}
	return rc;
}

/* Every line of BUF (LEN bytes) to the train or the test file, or both. */
static int route_all(line_router *r, const char *buf, size_t len, plm_outfile *out, plm_err *err)
{
	size_t lineno = 1;
	for (const char *p = buf, *end = buf + len; p < end; lineno++) {
		const char *e = memchr(p, '\n', (size_t)(end - p));
		const char *next = e ? e + 1 : end;
		if (e == NULL)
			e = end;
		int to, rc = route_line(r, p, e, lineno, &to, err);
		if (rc != PLM_OK)
			return rc;
		for (int f = 0; f < 2; f++)
			if (to == TO_BOTH || to == f) {
				fwrite(p, 1, (size_t)(next - p), out[f].fp);
				if (next == end && e == end && p < e) /* a last line without its newline */
					fputc('\n', out[f].fp);
			}
		p = next;
	}
	if (!r->sto && r->rec != r->m->nin)
		return plm_fail(err, PLM_EFORMAT, "%s: the file changed since it was read (%zu sequences, now %zu)",
		                r->m->path, r->m->nin, r->rec);
	return PLM_OK;
}

int split_write(const msa *m, const unsigned char *train_in, const char *train_path,
                const char *test_path, plm_err *err)
{
	if (strcmp(m->path, "-") == 0)
		return plm_fail(err, PLM_EINVAL, "the split reads the alignment twice: give a file, not standard input");
	if (strcmp(train_path, test_path) == 0)
		return plm_fail(err, PLM_EINVAL, "the training and test files have the same name '%s'", train_path);
	if (m->format == MSA_FORMAT_CLUSTAL)
		return plm_fail(err, PLM_EINVAL,
		                "%s: split copies records of FASTA, Stockholm or one-per-line files, not Clustal "
		                "blocks; convert the alignment to FASTA first", m->path);
	char *buf = NULL;
	size_t len = 0;
	int rc = msa_reader_slurp(m->path, &buf, &len, err);
	if (rc != PLM_OK)
		return rc;
	name_ix *tab = NULL;
	plm_outfile out[2] = { { 0 }, { 0 } };
	line_router r = { m, train_in, NULL, 0, 0, 0, TO_BOTH, 0 };
	r.fasta = m->format == MSA_FORMAT_FASTA || m->format == MSA_FORMAT_A2M || m->format == MSA_FORMAT_A3M;
	r.sto = m->format == MSA_FORMAT_STOCKHOLM;
	if (r.sto) {
		tab = plm_calloc(m->nin ? m->nin : 1, sizeof *tab, "name table", err);
		if (tab == NULL) {
			rc = PLM_ENOMEM;
			goto done;
		}
		for (size_t k = 0; k < m->nin; k++)
			tab[k] = (name_ix){ m->in_names[k], k };
		qsort(tab, m->nin, sizeof *tab, name_cmp);
		r.tab = tab;
	}
	if ((rc = outfile_open(&out[0], train_path, err)) != PLM_OK ||
	    (rc = outfile_open(&out[1], test_path, err)) != PLM_OK ||
	    (rc = route_all(&r, buf, len, out, err)) != PLM_OK)
		goto done;
	int renamed = out[0].tmp != NULL; /* a regular file, not stdout or /dev/null */
	if ((rc = outfile_commit(&out[0], err)) != PLM_OK)
		goto done;
	if ((rc = outfile_commit(&out[1], err)) != PLM_OK) {
		if (renamed)
			unlink(train_path); /* no half of a split left behind */
		goto done;
	}
done:
	outfile_abort(&out[0]);
	outfile_abort(&out[1]);
	free(tab);
	free(buf);
	return rc;
}
