/* msa_reader: the parsers behind msa_read: gzip/stdin slurp, the raw records with the line
 * and column of every letter, FASTA/A2M/A3M, Stockholm, lines and numbers, content sniffing.
 * Text in, raw records out: no encoding, no filters (see msa.c), no printing, no exit. */
#include "config.h"
#include "msa_reader.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "util.h"

/* ---- reading the whole input ------------------------------------------- */

/* The decompressed content of PATH, NUL-terminated. */
int msa_reader_slurp(const char *path, char **out, size_t *outlen, plm_err *err)
{
	gzFile gz;
	*out = NULL;
	if (strcmp(path, "-") == 0) {
		int fd = dup(STDIN_FILENO);
		if (fd < 0)
			return plm_fail_errno(err, PLM_EIO, "standard input");
		gz = gzdopen(fd, "rb");
		if (gz == NULL) {
			close(fd);
			return plm_fail(err, PLM_EIO, "standard input: cannot read");
		}
	} else {
		struct stat st;
		if (stat(path, &st) != 0)
			return plm_fail_errno(err, PLM_EIO, "%s: cannot open", path);
		if (S_ISDIR(st.st_mode))
			return plm_fail(err, PLM_EIO, "%s: is a directory, not an alignment file", path);
		errno = 0;
		gz = gzopen(path, "rb");
		if (gz == NULL) {
			if (errno)
				return plm_fail_errno(err, PLM_EIO, "%s: cannot open", path);
			return plm_fail(err, PLM_ENOMEM, "%s: cannot open (out of memory)", path);
		}
	}
	gzbuffer(gz, 1 << 17);
	size_t cap = 1 << 20, len = 0;
	char *buf = malloc(cap + 1);
	if (buf == NULL) {
		gzclose(gz);
		return plm_fail(err, PLM_ENOMEM, "%s: out of memory", path);
	}
	for (;;) {
		if (cap - len < (1 << 16)) {
			if (cap > SIZE_MAX / 2 - 1) {
				free(buf);
				gzclose(gz);
				return plm_fail(err, PLM_ENOMEM, "%s: input too large", path);
			}
			char *nb = realloc(buf, cap * 2 + 1);
			if (nb == NULL) {
				free(buf);
				gzclose(gz);
				return plm_fail(err, PLM_ENOMEM, "%s: out of memory reading the input", path);
			}
			buf = nb;
			cap *= 2;
		}
		size_t want = cap - len;
		if (want > (size_t)INT_MAX)
			want = (size_t)INT_MAX;
		int got = gzread(gz, buf + len, (unsigned)want);
		if (got < 0) {
			int zerr;
			const char *msg = gzerror(gz, &zerr);
			size_t line = 1;
			for (size_t k = 0; k < len; k++)
				line += buf[k] == '\n';
			int code = (zerr == Z_ERRNO) ? PLM_EIO : PLM_EFORMAT;
			plm_fail(err, code, "%s:%zu: %s (%s)", path, line,
			         zerr == Z_ERRNO ? "read error" : "truncated or corrupt gzip stream",
			         zerr == Z_ERRNO ? strerror(errno) : msg);
			free(buf);
			gzclose(gz);
			return code;
		}
		if (got == 0)
			break;
		len += (size_t)got;
	}
	int zerr = Z_OK;
	const char *msg = gzerror(gz, &zerr);
	if (zerr != Z_OK && zerr != Z_STREAM_END) {
		size_t line = 1;
		for (size_t k = 0; k < len; k++)
			line += buf[k] == '\n';
		plm_fail(err, PLM_EFORMAT, "%s:%zu: truncated or corrupt gzip stream (%s)", path, line, msg);
		free(buf);
		gzclose(gz);
		return PLM_EFORMAT;
	}
	gzclose(gz);
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return PLM_OK;
}

/* ---- records ------------------------------------------------------------- */

void msa_reader_release(msa_rec *r)
{
	free(r->s);
	free(r->segs);
	r->s = NULL;
	r->segs = NULL;
	r->len = r->cap = r->nseg = r->segcap = 0;
}

void msa_reader_clear(msa_reader *rd)
{
	for (size_t k = 0; k < rd->n; k++) {
		free(rd->r[k].name);
		free(rd->r[k].s);
		free(rd->r[k].segs);
	}
	free(rd->r);
	free(rd->ht);
	rd->r = NULL;
	rd->ht = NULL;
	rd->n = rd->cap = rd->htcap = 0;
}

/* Index of the record named P[0..N), or SIZE_MAX. */
static size_t name_find(const msa_reader *rd, const char *p, size_t n)
{
	if (rd->htcap == 0)
		return SIZE_MAX;
	for (size_t h = (size_t)plm_hash_bytes(p, n) & (rd->htcap - 1);; h = (h + 1) & (rd->htcap - 1)) {
		size_t v = rd->ht[h];
		if (v == 0)
			return SIZE_MAX;
		const char *nm = rd->r[v - 1].name;
		if (strncmp(nm, p, n) == 0 && nm[n] == '\0')
			return v - 1;
	}
}

static void name_put(size_t *ht, size_t cap, const char *nm, size_t idx)
{
	size_t h = (size_t)plm_hash_bytes(nm, strlen(nm)) & (cap - 1);
	while (ht[h] != 0)
		h = (h + 1) & (cap - 1);
	ht[h] = idx + 1;
}

static int name_add(msa_reader *rd, size_t idx)
{
	if (2 * (idx + 1) > rd->htcap) {
		size_t nc = rd->htcap ? rd->htcap * 2 : 1024;
		size_t *nt = calloc(nc, sizeof *nt);
		if (nt == NULL)
			return plm_fail(rd->err, PLM_ENOMEM, "%s: out of memory", rd->path);
		for (size_t k = 0; k < idx; k++)
			name_put(nt, nc, rd->r[k].name, k);
		free(rd->ht);
		rd->ht = nt;
		rd->htcap = nc;
	}
	name_put(rd->ht, rd->htcap, rd->r[idx].name, idx);
	return PLM_OK;
}

static msa_rec *rec_new(msa_reader *rd, const char *name, size_t namelen, size_t line)
{
	if (rd->n == rd->cap) {
		size_t nc = rd->cap ? rd->cap * 2 : 256;
		msa_rec *nr = realloc(rd->r, nc * sizeof *nr);
		if (nr == NULL) {
			plm_fail(rd->err, PLM_ENOMEM, "%s: out of memory", rd->path);
			return NULL;
		}
		rd->r = nr;
		rd->cap = nc;
	}
	msa_rec *r = &rd->r[rd->n];
	memset(r, 0, sizeof *r);
	r->name = malloc(namelen + 1);
	if (r->name == NULL) {
		plm_fail(rd->err, PLM_ENOMEM, "%s: out of memory", rd->path);
		return NULL;
	}
	memcpy(r->name, name, namelen);
	r->name[namelen] = '\0';
	r->line = line;
	rd->n++;
	return r;
}

static int rec_push(msa_reader *rd, msa_rec *r, char c)
{
	if (r->len == r->cap) {
		size_t nc = r->cap ? r->cap * 2 : 256;
		char *ns = realloc(r->s, nc + 1);
		if (ns == NULL)
			return plm_fail(rd->err, PLM_ENOMEM, "%s: out of memory", rd->path);
		r->s = ns;
		r->cap = nc;
	}
	r->s[r->len++] = c;
	return PLM_OK;
}

static int rec_seg(msa_reader *rd, msa_rec *r, size_t line, size_t off)
{
	if (r->nseg == r->segcap) {
		size_t nc = r->segcap ? r->segcap * 2 : 4;
		msa_seg *ns = realloc(r->segs, nc * sizeof *ns);
		if (ns == NULL)
			return plm_fail(rd->err, PLM_ENOMEM, "%s: out of memory", rd->path);
		r->segs = ns;
		r->segcap = nc;
	}
	r->segs[r->nseg++] = (msa_seg){ r->len, line, off };
	return PLM_OK;
}

/* Line LINE's 1-based byte column of buffer offset OFF. */
static size_t column_of(const msa_reader *rd, size_t off)
{
	size_t b = off;
	while (b > 0 && rd->buf[b - 1] != '\n')
		b--;
	return off - b + 1;
}

/* Locate raw character K of record R: file line and byte column. */
void msa_reader_locate(const msa_reader *rd, const msa_rec *r, size_t k, size_t *line, size_t *col)
{
	*line = r->line;
	*col = 0;
	if (r->nseg == 0)
		return;
	size_t g = 0;
	while (g + 1 < r->nseg && r->segs[g + 1].raw <= k)
		g++;
	size_t off = r->segs[g].off, left = k - r->segs[g].raw;
	for (;;) {
		unsigned char c = (unsigned char)rd->buf[off];
		if (c == '\0' || c == '\n')
			break;
		if (!isspace(c)) {
			if (left == 0)
				break;
			left--;
		}
		off++;
	}
	*line = r->segs[g].line;
	*col = column_of(rd, off);
}

const char *msa_reader_letter(unsigned char c, char *tmp, size_t n)
{
	if (isgraph(c))
		snprintf(tmp, n, "'%c'", c);
	else
		snprintf(tmp, n, "byte 0x%02x", c);
	return tmp;
}

/* Append the sequence characters of [p, e) (one line) to R, checking each letter. */
static int add_chars(msa_reader *rd, msa_rec *r, size_t line, const char *p, const char *e)
{
	int started = 0;
	for (const char *q = p; q < e; q++) {
		unsigned char c = (unsigned char)*q;
		if (c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f')
			continue;
		if (c != '.' && alphabet_state(rd->abc, c) == ALPHABET_INVALID) {
			char tmp[16];
			rd->bad_letter = 1;
			return plm_fail(rd->err, PLM_EFORMAT,
			                "%s:%zu:%zu: letter %s is not in the %s alphabet (sequence '%s')",
			                rd->path, line, column_of(rd, (size_t)(q - rd->buf)),
			                msa_reader_letter(c, tmp, sizeof tmp), rd->abc->name, r->name);
		}
		if (!started) {
			int rc = rec_seg(rd, r, line, (size_t)(q - rd->buf));
			if (rc)
				return rc;
			started = 1;
		}
		int rc = rec_push(rd, r, (char)c);
		if (rc)
			return rc;
	}
	return PLM_OK;
}

/* End of the line that starts at P (the '\n', or the end of the input). */
static const char *line_end(const msa_reader *rd, const char *p)
{
	const char *end = rd->buf + rd->len;
	if (p >= end)
		return end;
	const char *e = memchr(p, '\n', (size_t)(end - p));
	return e ? e : end;
}

/* Iterate the lines: P is the start and E the end (exclusive, no '\n') of line LINE. */
#define FOR_LINES(rd, p, e, line)                                                        \
	for (const char *p = (rd)->buf, *e = line_end((rd), (rd)->buf);                     \
	     p < (rd)->buf + (rd)->len; p = e + 1, e = line_end((rd), p), line++)

/* ---- parsers ------------------------------------------------------------- */

int msa_reader_parse_fasta(msa_reader *rd)
{
	size_t line = 1;
	msa_rec *cur = NULL;
	FOR_LINES(rd, p, e, line) {
		if (*p == '>') {
			const char *n0 = msa_reader_skip_ws(p + 1, e);
			const char *n1 = msa_reader_skip_word(n0, e);
			if (n1 == n0)
				return plm_fail(rd->err, PLM_EFORMAT, "%s:%zu: sequence header without a name",
				                rd->path, line);
			if (cur != NULL && cur->len == 0)
				return plm_fail(rd->err, PLM_EFORMAT, "%s:%zu: sequence '%s' is empty",
				                rd->path, cur->line, cur->name);
			cur = rec_new(rd, n0, (size_t)(n1 - n0), line);
			if (cur == NULL)
				return PLM_ENOMEM;
			continue;
		}
		if (msa_reader_blank(p, e))
			continue;
		if (cur == NULL && *p == '#') /* comment lines before the first record (A3M "#..." lines) */
			continue;
		if (cur == NULL) /* only when forced: auto-detection needs '>' first */
			return plm_fail(rd->err, PLM_EFORMAT,
			                "%s:%zu: not a FASTA file (expected a '>' header line)", rd->path, line);
		int rc = add_chars(rd, cur, line, p, e);
		if (rc)
			return rc;
	}
	if (cur != NULL && cur->len == 0)
		return plm_fail(rd->err, PLM_EFORMAT, "%s:%zu: sequence '%s' is empty", rd->path,
		                cur->line, cur->name);
	return PLM_OK;
}

/* Stockholm: blocks of "NAME SEQ" lines separated by blank lines; "#=GF/#=GS/#=GC/#=GR" and
 * other '#' lines are annotation; "//" ends the alignment.  A name's lines are concatenated
 * across blocks; a name that appears k times in one block names k different sequences. */
/* A '#' line of a Stockholm file: #=GF/#=GS/#=GC/#=GR annotations must have their fields;
 * other comments are ignored. */
static int sto_annotation(msa_reader *rd, const char *p, const char *e, size_t line)
{
	if (e - p >= 4 && strncmp(p, "#=G", 3) == 0) {
		char t = p[3];
		if (t != 'F' && t != 'S' && t != 'C' && t != 'R')
			return plm_fail(rd->err, PLM_EFORMAT,
			                "%s:%zu: malformed Stockholm annotation '%.4s' (expected #=GF, #=GS, #=GC or #=GR)",
			                rd->path, line, p);
		/* #=GS NAME TAG TEXT, #=GR NAME TAG DATA, #=GC TAG DATA, #=GF TAG TEXT */
		const char *q = msa_reader_skip_ws(msa_reader_skip_word(p, e), e);
		size_t need = (t == 'S' || t == 'R') ? 3 : 1, have = 0;
		while (q < e) {
			have++;
			q = msa_reader_skip_ws(msa_reader_skip_word(q, e), e);
		}
		if (have < need)
			return plm_fail(rd->err, PLM_EFORMAT,
			                "%s:%zu: malformed Stockholm line: #=G%c needs %s", rd->path, line, t,
			                need == 3 ? "a sequence name, a tag and a value" : "a tag");
	}
	return PLM_OK;
}

/* A sequence line 'NAME LETTERS' of block NBLOCK (0-based): a new name only in the first
 * block; a name twice in one block only as an identical repeat (ignored). */
static int sto_sequence(msa_reader *rd, const char *p, const char *e, size_t line, size_t nblock)
{
	if (isspace((unsigned char)*p))
		return plm_fail(rd->err, PLM_EFORMAT,
		                "%s:%zu: malformed Stockholm line: a sequence line starts with its name, not with a space",
		                rd->path, line);
	const char *n1 = msa_reader_skip_word(p, e);
	const char *s0 = msa_reader_skip_ws(n1, e);
	if (s0 == e)
		return plm_fail(rd->err, PLM_EFORMAT,
		                "%s:%zu: malformed Stockholm line: expected 'NAME SEQUENCE', found only '%.*s'",
		                rd->path, line, (int)(n1 - p > 60 ? 60 : n1 - p), p);
	const char *s1 = msa_reader_skip_word(s0, e);
	if (msa_reader_skip_ws(s1, e) != e)
		return plm_fail(rd->err, PLM_EFORMAT,
		                "%s:%zu: malformed Stockholm line: more than two fields (expected 'NAME SEQUENCE')",
		                rd->path, line);
	size_t nlen = (size_t)(n1 - p);
	size_t idx = name_find(rd, p, nlen);
	if (idx == SIZE_MAX) {
		if (nblock > 0)
			return plm_fail(rd->err, PLM_EFORMAT,
			                "%s:%zu: sequence '%.*s' is not in the first block of the alignment",
			                rd->path, line, (int)nlen, p);
		if (rec_new(rd, p, nlen, line) == NULL || name_add(rd, rd->n - 1) != PLM_OK)
			return PLM_ENOMEM;
		idx = rd->n - 1;
	}
	msa_rec *r = &rd->r[idx];
	if (r->blk == nblock + 1) {
		/* the name already has a line in this block: a repeated identical line is
		 * ignored; a different one is an error */
		size_t have = r->len - r->blkraw, k = 0;
		const char *q = s0;
		for (; q < s1 && k < have; q++, k++)
			if (*q != r->s[r->blkraw + k])
				break;
		if (q == s1 && k == have)
			return PLM_OK;
		return plm_fail(rd->err, PLM_EFORMAT,
		                "%s:%zu: sequence '%s' appears twice in one block (first on line %zu) with "
		                "different letters; Stockholm names must be unique",
		                rd->path, line, r->name, r->blkline);
	}
	r->blk = nblock + 1;
	r->blkraw = r->len;
	r->blkline = line;
	return add_chars(rd, r, line, s0, s1);
}

int msa_reader_parse_stockholm(msa_reader *rd)
{
	size_t line = 1, header = 0, ended = 0, nblock = 0, inblock = 0;
	FOR_LINES(rd, p, e, line) {
		if (ended) {
			if (msa_reader_blank(p, e))
				continue;
			if (e - p >= 15 && strncmp(p, "# STOCKHOLM 1.", 14) == 0)
				return plm_fail(rd->err, PLM_EFORMAT,
				                "%s:%zu: a second Stockholm alignment in the same file is not supported",
				                rd->path, line);
			return plm_fail(rd->err, PLM_EFORMAT, "%s:%zu: text after the '//' that ends the alignment",
			                rd->path, line);
		}
		if (!header) {
			if (msa_reader_blank(p, e))
				continue;
			if (!(e - p >= 11 && strncmp(p, "# STOCKHOLM", 11) == 0))
				return plm_fail(rd->err, PLM_EFORMAT,
				                "%s:%zu: not a Stockholm file (expected '# STOCKHOLM 1.0')", rd->path, line);
			header = line;
			continue;
		}
		if (msa_reader_blank(p, e)) {
			if (inblock) {
				inblock = 0;
				nblock++;
			}
			continue;
		}
		if (e - p >= 2 && p[0] == '/' && p[1] == '/') {
			ended = line;
			continue;
		}
		if (*p == '#') {
			int rc = sto_annotation(rd, p, e, line);
			if (rc)
				return rc;
			continue;
		}
		int rc = sto_sequence(rd, p, e, line, nblock);
		if (rc)
			return rc;
		inblock = 1;
	}
	if (!header)
		return plm_fail(rd->err, PLM_EFORMAT, "%s:%zu: empty file (no Stockholm header)", rd->path, line);
	if (!ended)
		return plm_fail(rd->err, PLM_EFORMAT,
		                "%s:%zu: missing '//' at the end of the Stockholm alignment", rd->path,
		                line > 1 ? line - 1 : 1);
	return PLM_OK;
}

/* Names of unnamed rows: the 1-based input index. */
static msa_rec *rec_numbered(msa_reader *rd, size_t line)
{
	char name[32];
	int n = snprintf(name, sizeof name, "%zu", rd->n + 1);
	return rec_new(rd, name, (size_t)n, line);
}

int msa_reader_parse_lines(msa_reader *rd)
{
	size_t line = 1;
	FOR_LINES(rd, p, e, line) {
		if (msa_reader_blank(p, e) || *p == '#')
			continue;
		msa_rec *r = rec_numbered(rd, line);
		if (r == NULL)
			return PLM_ENOMEM;
		/* a line is one sequence: internal spaces are not allowed */
		const char *s0 = msa_reader_skip_ws(p, e), *s1 = msa_reader_skip_word(s0, e);
		if (msa_reader_skip_ws(s1, e) != e)
			return plm_fail(rd->err, PLM_EFORMAT,
			                "%s:%zu:%zu: a space inside a sequence (one sequence per line expected; "
			                "use --format numbers for whitespace-separated numbers)",
			                rd->path, line, column_of(rd, (size_t)(s1 - rd->buf)));
		int rc = add_chars(rd, r, line, s0, s1);
		if (rc)
			return rc;
	}
	return PLM_OK;
}

int msa_reader_parse_numbers(msa_reader *rd)
{
	size_t line = 1;
	if (rd->abc->q != 2)
		return plm_fail(rd->err, PLM_EINVAL,
		                "%s: the numbers format holds binary patterns; the %s alphabet has %zu states",
		                rd->path, rd->abc->name, rd->abc->q);
	FOR_LINES(rd, p, e, line) {
		if (msa_reader_blank(p, e) || *p == '#')
			continue;
		msa_rec *r = rec_numbered(rd, line);
		if (r == NULL)
			return PLM_ENOMEM;
		size_t field = 0;
		for (const char *q = msa_reader_skip_ws(p, e); q < e; q = msa_reader_skip_ws(q, e)) {
			const char *t1 = msa_reader_skip_word(q, e);
			size_t tl = (size_t)(t1 - q);
			field++;
			int state = -1;
			if ((tl == 1 && *q == '1') || (tl == 2 && q[0] == '+' && q[1] == '1'))
				state = 1;
			else if ((tl == 1 && *q == '0') || (tl == 2 && q[0] == '-' && q[1] == '1'))
				state = 0;
			if (state < 0)
				return plm_fail(rd->err, PLM_EFORMAT,
				                "%s:%zu:%zu: field %zu: '%.*s' is not a binary value (0, 1, +1 or -1)",
				                rd->path, line, column_of(rd, (size_t)(q - rd->buf)), field,
				                (int)(tl > 20 ? 20 : tl), q);
			if (r->nseg == 0) {
				int rc = rec_seg(rd, r, line, (size_t)(q - rd->buf));
				if (rc)
					return rc;
			}
			int rc = rec_push(rd, r, rd->abc->letters[state]);
			if (rc)
				return rc;
			q = t1;
		}
	}
	return PLM_OK;
}

/* Clustal/ALN: a header line ("CLUSTAL W (1.83) multiple sequence alignment", MUSCLE's,
 * PROBCONS'), then blocks of "NAME SEQ [COUNT]" lines separated by blank lines; a line that
 * starts with a space is the conservation line (* : .).  A name's lines are concatenated
 * across blocks in the order of the first block. */
int msa_reader_parse_clustal(msa_reader *rd)
{
	size_t line = 1, header = 0, nblock = 0, inblock = 0;
	FOR_LINES(rd, p, e, line) {
		if (!header) {
			if (msa_reader_blank(p, e))
				continue;
			if (!msa_reader_is_clustal(p, e))
				return plm_fail(rd->err, PLM_EFORMAT,
				                "%s:%zu: not a Clustal file (expected a 'CLUSTAL' header line)", rd->path, line);
			header = line;
			continue;
		}
		if (msa_reader_blank(p, e)) {
			nblock += inblock;
			inblock = 0;
			continue;
		}
		if (isspace((unsigned char)*p)) /* the conservation line */
			continue;
		const char *n1 = msa_reader_skip_word(p, e), *s0 = msa_reader_skip_ws(n1, e);
		const char *s1 = msa_reader_skip_word(s0, e), *c0 = msa_reader_skip_ws(s1, e);
		const char *c1 = msa_reader_skip_word(c0, e);
		int count_ok = 1;
		for (const char *q = c0; q < c1; q++)
			count_ok &= isdigit((unsigned char)*q) != 0;
		if (s0 == e || !count_ok || msa_reader_skip_ws(c1, e) != e)
			return plm_fail(rd->err, PLM_EFORMAT,
			                "%s:%zu: malformed Clustal line (expected 'NAME SEQUENCE' and an optional residue count)",
			                rd->path, line);
		size_t nlen = (size_t)(n1 - p), idx = name_find(rd, p, nlen);
		inblock++;
		if (idx == SIZE_MAX) {
			if (nblock > 0)
				return plm_fail(rd->err, PLM_EFORMAT, "%s:%zu: sequence '%.*s' is not in the first block",
				                rd->path, line, (int)(nlen > 60 ? 60 : nlen), p);
			if (rec_new(rd, p, nlen, line) == NULL || name_add(rd, rd->n - 1) != PLM_OK)
				return PLM_ENOMEM;
			idx = rd->n - 1;
		}
		msa_rec *r = &rd->r[idx];
		if (r->blk == nblock + 1)
			return plm_fail(rd->err, PLM_EFORMAT,
			                "%s:%zu: sequence '%s' appears twice in one block (first on line %zu)", rd->path,
			                line, r->name, r->blkline);
		r->blk = nblock + 1;
		r->blkline = line;
		int rc = add_chars(rd, r, line, s0, s1);
		if (rc)
			return rc;
	}
	if (!header)
		return plm_fail(rd->err, PLM_EFORMAT, "%s:%zu: empty file (no Clustal header)", rd->path, line);
	return PLM_OK;
}

/* ---- detection ----------------------------------------------------------- */

int msa_reader_is_clustal(const char *p, const char *end)
{
	size_t n = (size_t)(end - p);
	return (n >= 7 && strncmp(p, "CLUSTAL", 7) == 0) || (n >= 8 && strncmp(p, "MUSCLE (", 8) == 0) ||
	       (n >= 8 && strncmp(p, "PROBCONS", 8) == 0);
}

/* Count the bytes of [p, e) that are not whitespace. */
static void count_span(const char *p, const char *e, size_t counts[256])
{
	for (; p < e; p++)
		if (!isspace((unsigned char)*p))
			counts[(unsigned char)*p]++;
}

void msa_reader_count_letters(const char *buf, size_t len, msa_format family, size_t counts[256])
{
	const char *end = buf + len;
	int seen_header = 0;
	for (const char *p = buf; p < end;) {
		const char *e = memchr(p, '\n', (size_t)(end - p));
		if (e == NULL)
			e = end;
		if (!msa_reader_blank(p, e)) {
			switch (family) {
			case MSA_FORMAT_STOCKHOLM: /* NAME SEQ; '#' lines and "//" are not sequence */
				if (*p != '#' && *p != '/' && !isspace((unsigned char)*p))
					count_span(msa_reader_skip_word(p, e), e, counts);
				break;
			case MSA_FORMAT_CLUSTAL: /* header line, then NAME SEQ [COUNT]; conservation lines */
				if (!seen_header)
					seen_header = 1;
				else if (!isspace((unsigned char)*p)) {
					const char *s0 = msa_reader_skip_ws(msa_reader_skip_word(p, e), e);
					count_span(s0, msa_reader_skip_word(s0, e), counts);
				}
				break;
			case MSA_FORMAT_LINES:
			case MSA_FORMAT_NUMBERS:
				if (*p != '#')
					count_span(p, e, counts);
				break;
			default: /* the FASTA family: '>' headers, '#' comment lines */
				if (*p != '>' && *p != '#')
					count_span(p, e, counts);
				break;
			}
		}
		p = e + 1;
	}
}

const char *msa_reader_first_content(const char *buf, size_t len, size_t *line)
{
	const char *p = buf, *end = buf + len;
	*line = 1;
	while (p < end) {
		if (*p == '\n')
			(*line)++;
		else if (!isspace((unsigned char)*p))
			return p;
		p++;
	}
	return NULL;
}

/* For a file that is neither FASTA nor Stockholm: numbers when the first data line holds
 * several whitespace-separated fields, else lines. */
msa_format msa_reader_detect_plain(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	while (p < end) {
		const char *e = memchr(p, '\n', (size_t)(end - p));
		if (e == NULL)
			e = end;
		if (!msa_reader_blank(p, e) && *p != '#') {
			const char *s0 = msa_reader_skip_ws(p, e), *s1 = msa_reader_skip_word(s0, e);
			return msa_reader_skip_ws(s1, e) != e ? MSA_FORMAT_NUMBERS : MSA_FORMAT_LINES;
		}
		p = e + 1;
	}
	return MSA_FORMAT_LINES;
}

/* 1 when every non-comment character is one of 0 1 + - and at least one is 0, 1 or +. */
int msa_reader_looks_binary(const char *buf, size_t len)
{
	int seen = 0, comment = 0, bol = 1;
	for (size_t k = 0; k < len; k++) {
		char c = buf[k];
		if (c == '\n') {
			bol = 1;
			comment = 0;
			continue;
		}
		if (bol && c == '#')
			comment = 1;
		bol = 0;
		if (comment || isspace((unsigned char)c))
			continue;
		if (c == '0' || c == '1' || c == '+')
			seen = 1;
		else if (c != '-')
			return 0;
	}
	return seen;
}
