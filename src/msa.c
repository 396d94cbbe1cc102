/* msa: reads an alignment (FASTA, A2M, A3M, Stockholm, lines, numbers; gzip or stdin),
 * detects its format, encodes it and applies the focus, unknown-letter and gap filters.
 * It parses and filters only: no statistics (see weights), no printing. */
#include "config.h"
#include "msa.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "util.h"

#define MSA_STR_(x) #x
#define MSA_STR(x) MSA_STR_(x)

void msa_opts_default(msa_opts *o)
{
	memset(o, 0, sizeof *o);
	o->format = MSA_FORMAT_AUTO;
	o->alphabet = NULL;
	o->focus = NULL;
	o->unknown = MSA_UNKNOWN_DROP;
	msa_unknown_parse(MSA_STR(MSA_DEFAULT_UNKNOWN), &o->unknown);
	o->max_gap_seq = MSA_DEFAULT_MAX_GAP_SEQ;
	o->max_gap_col = MSA_DEFAULT_MAX_GAP_COL;
}

static const char *const format_names[] = {
	"auto", "fasta", "a2m", "a3m", "stockholm", "lines", "numbers"
};

const char *msa_format_name(msa_format f)
{
	if ((size_t)f < sizeof format_names / sizeof format_names[0])
		return format_names[f];
	return "?";
}

int msa_format_parse(const char *name, msa_format *f)
{
	for (size_t k = 0; k < sizeof format_names / sizeof format_names[0]; k++)
		if (strcmp(name, format_names[k]) == 0) {
			*f = (msa_format)k;
			return 0;
		}
	if (strcmp(name, "aln") == 0 || strcmp(name, "psicov") == 0) {
		*f = MSA_FORMAT_LINES;
		return 0;
	}
	if (strcmp(name, "sto") == 0) {
		*f = MSA_FORMAT_STOCKHOLM;
		return 0;
	}
	return -1;
}

const char *msa_unknown_name(msa_unknown_policy p)
{
	switch (p) {
	case MSA_UNKNOWN_GAP: return "gap";
	case MSA_UNKNOWN_DROP: return "drop";
	case MSA_UNKNOWN_REJECT: return "reject";
	}
	return "?";
}

int msa_unknown_parse(const char *name, msa_unknown_policy *p)
{
	if (strcmp(name, "gap") == 0)
		*p = MSA_UNKNOWN_GAP;
	else if (strcmp(name, "drop") == 0)
		*p = MSA_UNKNOWN_DROP;
	else if (strcmp(name, "reject") == 0)
		*p = MSA_UNKNOWN_REJECT;
	else
		return -1;
	return 0;
}

const char *msa_status_name(int status)
{
	switch (status) {
	case MSA_KEPT: return "kept";
	case MSA_DROP_UNKNOWN: return "dropped:unknown-letter";
	case MSA_DROP_GAPS: return "dropped:gaps";
	}
	return "dropped";
}

/* ---- reading the whole input ------------------------------------------- */

/* The decompressed content of PATH, NUL-terminated. */
static int slurp(const char *path, char **out, size_t *outlen, plm_err *err)
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

/* Where a line's sequence characters start: raw index within the record, file line, byte
 * offset in the input buffer.  Used to name the line and column of a letter later. */
typedef struct seg {
	size_t raw, line, off;
} seg;

typedef struct rec {
	char *name;
	size_t line;  /* line of the header (or of the sequence for lines/numbers) */
	char *s;      /* raw characters, whitespace removed */
	size_t len, cap;
	seg *segs;
	size_t nseg, segcap;
	size_t blk, blkraw, blkline; /* Stockholm: last block (1-based) with a line of this name */
} rec;

typedef struct reader {
	const char *path;
	const char *buf;
	size_t len;
	const plm_alphabet *abc;
	rec *r;
	size_t n, cap;
	size_t *ht, htcap; /* Stockholm: name -> record index + 1, open addressing */
	plm_err *err;
} reader;

static void recs_free(reader *rd)
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

static size_t name_hash(const char *p, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t k = 0; k < n; k++) {
		h ^= (unsigned char)p[k];
		h *= 1099511628211ULL;
	}
	return (size_t)(h ^ (h >> 31));
}

/* Index of the record named P[0..N), or SIZE_MAX. */
static size_t name_find(const reader *rd, const char *p, size_t n)
{
	if (rd->htcap == 0)
		return SIZE_MAX;
	for (size_t h = name_hash(p, n) & (rd->htcap - 1);; h = (h + 1) & (rd->htcap - 1)) {
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
	size_t h = name_hash(nm, strlen(nm)) & (cap - 1);
	while (ht[h] != 0)
		h = (h + 1) & (cap - 1);
	ht[h] = idx + 1;
}

static int name_add(reader *rd, size_t idx)
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

static rec *rec_new(reader *rd, const char *name, size_t namelen, size_t line)
{
	if (rd->n == rd->cap) {
		size_t nc = rd->cap ? rd->cap * 2 : 256;
		rec *nr = realloc(rd->r, nc * sizeof *nr);
		if (nr == NULL) {
			plm_fail(rd->err, PLM_ENOMEM, "%s: out of memory", rd->path);
			return NULL;
		}
		rd->r = nr;
		rd->cap = nc;
	}
	rec *r = &rd->r[rd->n];
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

static int rec_push(reader *rd, rec *r, char c)
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

static int rec_seg(reader *rd, rec *r, size_t line, size_t off)
{
	if (r->nseg == r->segcap) {
		size_t nc = r->segcap ? r->segcap * 2 : 4;
		seg *ns = realloc(r->segs, nc * sizeof *ns);
		if (ns == NULL)
			return plm_fail(rd->err, PLM_ENOMEM, "%s: out of memory", rd->path);
		r->segs = ns;
		r->segcap = nc;
	}
	r->segs[r->nseg++] = (seg){ r->len, line, off };
	return PLM_OK;
}

/* Line LINE's 1-based byte column of buffer offset OFF. */
static size_t column_of(const reader *rd, size_t off)
{
	size_t b = off;
	while (b > 0 && rd->buf[b - 1] != '\n')
		b--;
	return off - b + 1;
}

/* Locate raw character K of record R: file line and byte column. */
static void locate(const reader *rd, const rec *r, size_t k, size_t *line, size_t *col)
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

static const char *letter_repr(unsigned char c, char *tmp, size_t n)
{
	if (isgraph(c))
		snprintf(tmp, n, "'%c'", c);
	else
		snprintf(tmp, n, "byte 0x%02x", c);
	return tmp;
}

/* Append the sequence characters of [p, e) (one line) to R, checking each letter. */
static int add_chars(reader *rd, rec *r, size_t line, const char *p, const char *e)
{
	int started = 0;
	for (const char *q = p; q < e; q++) {
		unsigned char c = (unsigned char)*q;
		if (c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f')
			continue;
		if (c != '.' && alphabet_state(rd->abc, c) == ALPHABET_INVALID) {
			char tmp[16];
			return plm_fail(rd->err, PLM_EFORMAT,
			                "%s:%zu:%zu: letter %s is not in the %s alphabet (sequence '%s')",
			                rd->path, line, column_of(rd, (size_t)(q - rd->buf)),
			                letter_repr(c, tmp, sizeof tmp), rd->abc->name, r->name);
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
static const char *line_end(const reader *rd, const char *p)
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

static int blank(const char *p, const char *e)
{
	for (; p < e; p++)
		if (!isspace((unsigned char)*p))
			return 0;
	return 1;
}

static const char *skip_ws(const char *p, const char *e)
{
	while (p < e && isspace((unsigned char)*p))
		p++;
	return p;
}

static const char *skip_word(const char *p, const char *e)
{
	while (p < e && !isspace((unsigned char)*p))
		p++;
	return p;
}

static int parse_fasta(reader *rd)
{
	size_t line = 1;
	rec *cur = NULL;
	FOR_LINES(rd, p, e, line) {
		if (*p == '>') {
			const char *n0 = skip_ws(p + 1, e);
			const char *n1 = skip_word(n0, e);
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
		if (blank(p, e))
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
static int parse_stockholm(reader *rd)
{
	size_t line = 1, header = 0, ended = 0, nblock = 0, inblock = 0;
	FOR_LINES(rd, p, e, line) {
		if (ended) {
			if (blank(p, e))
				continue;
			if (e - p >= 15 && strncmp(p, "# STOCKHOLM 1.", 14) == 0)
				return plm_fail(rd->err, PLM_EFORMAT,
				                "%s:%zu: a second Stockholm alignment in the same file is not supported",
				                rd->path, line);
			return plm_fail(rd->err, PLM_EFORMAT, "%s:%zu: text after the '//' that ends the alignment",
			                rd->path, line);
		}
		if (!header) {
			if (blank(p, e))
				continue;
			if (!(e - p >= 11 && strncmp(p, "# STOCKHOLM", 11) == 0))
				return plm_fail(rd->err, PLM_EFORMAT,
				                "%s:%zu: not a Stockholm file (expected '# STOCKHOLM 1.0')", rd->path, line);
			header = line;
			continue;
		}
		if (blank(p, e)) {
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
			if (e - p >= 4 && strncmp(p, "#=G", 3) == 0) {
				char t = p[3];
				if (t != 'F' && t != 'S' && t != 'C' && t != 'R')
					return plm_fail(rd->err, PLM_EFORMAT,
					                "%s:%zu: malformed Stockholm annotation '%.4s' (expected #=GF, #=GS, #=GC or #=GR)",
					                rd->path, line, p);
				/* #=GS NAME TAG TEXT, #=GR NAME TAG DATA, #=GC TAG DATA, #=GF TAG TEXT */
				const char *q = skip_ws(skip_word(p, e), e);
				size_t need = (t == 'S' || t == 'R') ? 3 : 1, have = 0;
				while (q < e) {
					have++;
					q = skip_ws(skip_word(q, e), e);
				}
				if (have < need)
					return plm_fail(rd->err, PLM_EFORMAT,
					                "%s:%zu: malformed Stockholm line: #=G%c needs %s", rd->path, line, t,
					                need == 3 ? "a sequence name, a tag and a value" : "a tag");
			}
			continue;
		}
		if (isspace((unsigned char)*p))
			return plm_fail(rd->err, PLM_EFORMAT,
			                "%s:%zu: malformed Stockholm line: a sequence line starts with its name, not with a space",
			                rd->path, line);
		const char *n1 = skip_word(p, e);
		const char *s0 = skip_ws(n1, e);
		if (s0 == e)
			return plm_fail(rd->err, PLM_EFORMAT,
			                "%s:%zu: malformed Stockholm line: expected 'NAME SEQUENCE', found only '%.*s'",
			                rd->path, line, (int)(n1 - p > 60 ? 60 : n1 - p), p);
		const char *s1 = skip_word(s0, e);
		if (skip_ws(s1, e) != e)
			return plm_fail(rd->err, PLM_EFORMAT,
			                "%s:%zu: malformed Stockholm line: more than two fields (expected 'NAME SEQUENCE')",
			                rd->path, line);
		size_t nlen = (size_t)(n1 - p);
		inblock = 1;
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
		rec *r = &rd->r[idx];
		if (r->blk == nblock + 1) {
			/* the name already has a line in this block: a repeated identical line is
			 * ignored; a different one is an error */
			size_t have = r->len - r->blkraw, k = 0;
			const char *q = s0;
			for (; q < s1 && k < have; q++, k++)
				if (*q != r->s[r->blkraw + k])
					break;
			if (q == s1 && k == have)
				continue;
			return plm_fail(rd->err, PLM_EFORMAT,
			                "%s:%zu: sequence '%s' appears twice in one block (first on line %zu) with "
			                "different letters; Stockholm names must be unique",
			                rd->path, line, r->name, r->blkline);
		}
		r->blk = nblock + 1;
		r->blkraw = r->len;
		r->blkline = line;
		int rc = add_chars(rd, r, line, s0, s1);
		if (rc)
			return rc;
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
static rec *rec_numbered(reader *rd, size_t line)
{
	char name[32];
	int n = snprintf(name, sizeof name, "%zu", rd->n + 1);
	return rec_new(rd, name, (size_t)n, line);
}

static int parse_lines(reader *rd)
{
	size_t line = 1;
	FOR_LINES(rd, p, e, line) {
		if (blank(p, e) || *p == '#')
			continue;
		rec *r = rec_numbered(rd, line);
		if (r == NULL)
			return PLM_ENOMEM;
		/* a line is one sequence: internal spaces are not allowed */
		const char *s0 = skip_ws(p, e), *s1 = skip_word(s0, e);
		if (skip_ws(s1, e) != e)
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

static int parse_numbers(reader *rd)
{
	size_t line = 1;
	if (rd->abc->q != 2)
		return plm_fail(rd->err, PLM_EINVAL,
		                "%s: the numbers format holds binary patterns; the %s alphabet has %zu states",
		                rd->path, rd->abc->name, rd->abc->q);
	FOR_LINES(rd, p, e, line) {
		if (blank(p, e) || *p == '#')
			continue;
		rec *r = rec_numbered(rd, line);
		if (r == NULL)
			return PLM_ENOMEM;
		size_t field = 0;
		for (const char *q = skip_ws(p, e); q < e; q = skip_ws(q, e)) {
			const char *t1 = skip_word(q, e);
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

/* ---- detection ----------------------------------------------------------- */

static const char *first_content(const char *buf, size_t len, size_t *line)
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
static msa_format detect_plain(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;
	while (p < end) {
		const char *e = memchr(p, '\n', (size_t)(end - p));
		if (e == NULL)
			e = end;
		if (!blank(p, e) && *p != '#') {
			const char *s0 = skip_ws(p, e), *s1 = skip_word(s0, e);
			return skip_ws(s1, e) != e ? MSA_FORMAT_NUMBERS : MSA_FORMAT_LINES;
		}
		p = e + 1;
	}
	return MSA_FORMAT_LINES;
}

/* 1 when every non-comment character is one of 0 1 + - and at least one is 0, 1 or +. */
static int looks_binary(const char *buf, size_t len)
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

/* An insert state of A2M/A3M/Stockholm: '.' or a lowercase letter of an alphabet that does
 * not tell the cases apart. */
static int is_insert(const plm_alphabet *a, unsigned char c)
{
	if (c == '.') /* unless a custom alphabet makes it a letter */
		return a->map['.'] == ALPHABET_INVALID || a->map['.'] == a->gap;
	return islower(c) && a->map[c] == a->map[toupper(c)];
}

static size_t stripped_len(const plm_alphabet *a, const rec *r)
{
	size_t n = 0;
	for (size_t k = 0; k < r->len; k++)
		n += !is_insert(a, (unsigned char)r->s[k]);
	return n;
}

/* ---- the reader ---------------------------------------------------------- */

static int rows_unequal(reader *rd, size_t k, size_t got, size_t want, const char *what)
{
	return plm_fail(rd->err, PLM_EFORMAT,
	                "%s:%zu: sequence '%s' has %zu %s; the first sequence ('%s') has %zu",
	                rd->path, rd->r[k].line, rd->r[k].name, got, what, rd->r[0].name, want);
}

/* Is NAME the focus name F?  Either equal, or equal up to a '/' (plmc: "DYR_ECOLI" matches
 * "DYR_ECOLI/1-159"). */
static int focus_match(const char *name, const char *f)
{
	size_t n = strlen(f);
	return strncmp(name, f, n) == 0 && (name[n] == '\0' || name[n] == '/');
}

/* Start residue number from "NAME/START-END" (1 without a range). */
static long focus_start(const char *name)
{
	const char *sl = strrchr(name, '/');
	if (sl == NULL || !isdigit((unsigned char)sl[1]))
		return 1;
	char *end;
	errno = 0;
	long v = strtol(sl + 1, &end, 10);
	if (errno != 0 || *end != '-' || !isdigit((unsigned char)end[1]))
		return 1;
	return v;
}

void msa_destroy(msa *m)
{
	if (m == NULL)
		return;
	if (m->in_names != NULL)
		for (size_t k = 0; k < m->nin; k++)
			free(m->in_names[k]);
	free(m->in_names);
	free(m->in_status);
	free(m->seq);
	free(m->in_index);
	free(m->col);
	free(m->resnum);
	free(m->focus);
	free(m->path);
	free(m);
}

int msa_read(const char *path, const msa_opts *opts, msa **out, plm_err *err)
{
	msa_opts defaults;
	if (opts == NULL) {
		msa_opts_default(&defaults);
		opts = &defaults;
	}
	*out = NULL;
	if (!(opts->max_gap_seq >= 0 && opts->max_gap_seq <= 1) || !(opts->max_gap_col >= 0 && opts->max_gap_col <= 1))
		return plm_fail(err, PLM_EINVAL, "gap fractions must lie in [0, 1]");

	char *buf = NULL;
	size_t len = 0;
	int rc = slurp(path, &buf, &len, err);
	if (rc)
		return rc;

	msa *m = NULL;
	uint8_t *colkeep = NULL;
	size_t *cols = NULL;
	long *resall = NULL;
	reader rd = { .path = path, .buf = buf, .len = len, .err = err };
	plm_alphabet abc;

	/* binary junk: NUL and control bytes never occur in a text alignment */
	{
		size_t line = 1;
		for (size_t k = 0; k < len; k++) {
			unsigned char c = (unsigned char)buf[k];
			if (c == '\n')
				line++;
			else if ((c < 0x20 && c != '\t' && c != '\r' && c != '\v' && c != '\f') || c == 0x7f) {
				rc = plm_fail(err, PLM_EFORMAT,
				              "%s:%zu: binary data (byte 0x%02x), not a text alignment", path, line, c);
				goto fail;
			}
		}
	}
	/* a UTF-8 byte-order mark */
	if (len >= 3 && (unsigned char)buf[0] == 0xef && (unsigned char)buf[1] == 0xbb && (unsigned char)buf[2] == 0xbf) {
		rd.buf += 3;
		rd.len -= 3;
	}

	size_t line0;
	const char *first = first_content(rd.buf, rd.len, &line0);
	if (first == NULL) {
		rc = plm_fail(err, PLM_EFORMAT, "%s:%zu: empty file (no sequences)", path, line0);
		goto fail;
	}

	msa_format fmt = opts->format, family;
	const char *data = first; /* the first line that does not start with '#' */
	while (data != NULL && *data == '#') {
		const char *nl = memchr(data, '\n', (size_t)(rd.buf + rd.len - data));
		size_t ignored;
		data = nl ? first_content(nl + 1, (size_t)(rd.buf + rd.len - nl - 1), &ignored) : NULL;
	}
	if (strncmp(first, "# STOCKHOLM", 11) == 0)
		family = MSA_FORMAT_STOCKHOLM;
	else if (data != NULL && *data == '>')
		family = MSA_FORMAT_FASTA;
	else
		family = detect_plain(rd.buf, rd.len);
	if (fmt == MSA_FORMAT_A2M || fmt == MSA_FORMAT_A3M)
		family = MSA_FORMAT_FASTA;
	else if (fmt != MSA_FORMAT_AUTO)
		family = fmt;

	const char *spec = opts->alphabet;
	if (spec == NULL && (family == MSA_FORMAT_NUMBERS ||
	                     (family == MSA_FORMAT_LINES && looks_binary(rd.buf, rd.len))))
		spec = "binary";
	rc = alphabet_init(&abc, spec, err);
	if (rc)
		goto fail;
	rd.abc = &abc;

	switch (family) {
	case MSA_FORMAT_STOCKHOLM: rc = parse_stockholm(&rd); break;
	case MSA_FORMAT_LINES: rc = parse_lines(&rd); break;
	case MSA_FORMAT_NUMBERS: rc = parse_numbers(&rd); break;
	default: rc = parse_fasta(&rd); break;
	}
	if (rc)
		goto fail;
	if (rd.n == 0) {
		rc = plm_fail(err, PLM_EFORMAT, "%s:%zu: no sequences in the file", path, line0);
		goto fail;
	}

	/* insert states: decide whether lowercase letters and '.' are removed */
	int strip = 0;
	if (family == MSA_FORMAT_FASTA || family == MSA_FORMAT_STOCKHOLM) {
		int raw_eq = 1, str_eq = 1, any_insert = 0;
		size_t l0 = rd.r[0].len, s0 = stripped_len(&abc, &rd.r[0]);
		for (size_t k = 0; k < rd.n; k++) {
			size_t sl = stripped_len(&abc, &rd.r[k]);
			if (rd.r[k].len != l0)
				raw_eq = 0;
			if (sl != s0)
				str_eq = 0;
			if (sl != rd.r[k].len)
				any_insert = 1;
		}
		if (fmt == MSA_FORMAT_A2M || fmt == MSA_FORMAT_A3M)
			strip = 1;
		else if (fmt == MSA_FORMAT_FASTA)
			strip = 0;
		else /* detected: inserts present and removing them leaves equal, non-empty rows */
			strip = any_insert && str_eq && s0 > 0;
		if (family == MSA_FORMAT_FASTA) {
			if (fmt == MSA_FORMAT_AUTO)
				fmt = strip ? (raw_eq ? MSA_FORMAT_A2M : MSA_FORMAT_A3M) : MSA_FORMAT_FASTA;
		} else {
			fmt = MSA_FORMAT_STOCKHOLM;
		}
	} else {
		fmt = family;
	}

	/* aligned rows: all of equal length */
	size_t ncol = strip ? stripped_len(&abc, &rd.r[0]) : rd.r[0].len;
	for (size_t k = 1; k < rd.n; k++) {
		size_t l = strip ? stripped_len(&abc, &rd.r[k]) : rd.r[k].len;
		if (l != ncol) {
			rc = rows_unequal(&rd, k, l, ncol,
			                  family == MSA_FORMAT_NUMBERS ? "numbers"
			                  : strip ? "match columns (uppercase letters and '-')" : "columns");
			goto fail;
		}
	}
	if (ncol == 0) {
		rc = plm_fail(err, PLM_EFORMAT, "%s:%zu: the sequences have no aligned columns", path, rd.r[0].line);
		goto fail;
	}
	/* the raw rows stay in rd, to name the line and column of a letter later */

	m = calloc(1, sizeof *m);
	if (m == NULL) {
		rc = plm_fail(err, PLM_ENOMEM, "out of memory");
		goto fail;
	}
	m->abc = abc;
	m->format = fmt;
	m->nin = rd.n;
	m->ncol_in = ncol;
	m->path = plm_strdup(path, err);
	m->in_names = plm_calloc(rd.n, sizeof *m->in_names, "sequence names", err);
	m->in_status = plm_calloc(rd.n, 1, "sequence status", err);
	colkeep = plm_calloc(ncol, 1, "column map", err);
	resall = plm_calloc(ncol, sizeof *resall, "residue numbers", err);
	if (m->path == NULL || m->in_names == NULL || m->in_status == NULL || colkeep == NULL || resall == NULL) {
		rc = PLM_ENOMEM;
		goto fail;
	}
	for (size_t k = 0; k < rd.n; k++) {
		m->in_names[k] = rd.r[k].name;
		rd.r[k].name = NULL;
	}
	/* names moved: messages below use m->in_names */

	/* aligned row k: strip inserts in place, keeping raw rows in rd for locating letters */
	char **row = plm_calloc(rd.n, sizeof *row, "rows", err);
	if (row == NULL) {
		rc = PLM_ENOMEM;
		goto fail;
	}
	for (size_t k = 0; k < rd.n && rc == PLM_OK; k++) {
		if (!strip) {
			row[k] = rd.r[k].s;
			continue;
		}
		row[k] = malloc(ncol + 1);
		if (row[k] == NULL) {
			rc = plm_fail(err, PLM_ENOMEM, "out of memory");
			break;
		}
		size_t j = 0;
		for (size_t t = 0; t < rd.r[k].len; t++)
			if (!is_insert(&abc, (unsigned char)rd.r[k].s[t]))
				row[k][j++] = rd.r[k].s[t];
	}
	if (rc)
		goto fail_rows;

	/* focus: keep the columns where the focus sequence holds a residue in a match state */
	memset(colkeep, 1, ncol);
	size_t focus = SIZE_MAX;
	if (opts->focus != NULL) {
		for (size_t k = 0; k < rd.n && focus == SIZE_MAX; k++)
			if (strcmp(m->in_names[k], opts->focus) == 0)
				focus = k;
		for (size_t k = 0; k < rd.n && focus == SIZE_MAX; k++)
			if (focus_match(m->in_names[k], opts->focus))
				focus = k;
		if (focus == SIZE_MAX) {
			rc = plm_fail(err, PLM_EINVAL, "%s: focus sequence '%s' is not in the alignment", path, opts->focus);
			goto fail_rows;
		}
		m->focus = plm_strdup(m->in_names[focus], err);
		if (m->focus == NULL) {
			rc = PLM_ENOMEM;
			goto fail_rows;
		}
		const rec *fr = &rd.r[focus];
		long num = focus_start(m->in_names[focus]);
		size_t j = 0;
		for (size_t t = 0; t < fr->len; t++) {
			unsigned char c = (unsigned char)fr->s[t];
			int residue = c != '.' && !(abc.gap >= 0 && abc.map[c] == abc.gap);
			if (strip && is_insert(&abc, c)) {
				num += residue;
				continue;
			}
			/* j: aligned column of raw character t */
			int upper = !(islower(c) && abc.map[c] == abc.map[toupper(c)]);
			colkeep[j] = (unsigned char)(residue && upper);
			resall[j] = residue ? num : 0;
			num += residue;
			j++;
		}
	}

	/* encode the candidate columns; unknown letters by policy */
	size_t ncand = 0;
	for (size_t j = 0; j < ncol; j++)
		ncand += colkeep[j];
	if (ncand == 0) {
		rc = plm_fail(err, PLM_EFORMAT, "%s: the focus sequence '%s' has no residue in a match column",
		              path, m->focus ? m->focus : "?");
		goto fail_rows;
	}
	cols = plm_calloc(ncand, sizeof *cols, "column map", err);
	uint8_t *enc = NULL;
	size_t encsz;
	if (cols == NULL || size_mul(rd.n, ncand, &encsz) != 0 ||
	    (enc = plm_calloc(encsz, 1, "alignment", err)) == NULL) {
		if (cols != NULL)
			plm_fail(err, PLM_ENOMEM, "%s: alignment too large (%zu x %zu)", path, rd.n, ncand);
		rc = PLM_ENOMEM;
		goto fail_rows;
	}
	for (size_t j = 0, i = 0; j < ncol; j++)
		if (colkeep[j])
			cols[i++] = j;
	size_t nunk = 0, ngaps = 0;
	for (size_t k = 0; k < rd.n && rc == PLM_OK; k++) {
		uint8_t *e = enc + k * ncand;
		size_t gaps = 0;
		for (size_t i = 0; i < ncand; i++) {
			unsigned char c = (unsigned char)row[k][cols[i]];
			int st = alphabet_state(&abc, c);
			if (st == ALPHABET_INVALID) /* only '.', in an alphabet that does not map it */
				st = abc.gap >= 0 ? abc.gap : ALPHABET_UNKNOWN;
			if (st == ALPHABET_UNKNOWN) {
				if (opts->unknown == MSA_UNKNOWN_REJECT) {
					/* find the raw index of aligned column cols[i] */
					size_t t = cols[i];
					if (strip) {
						size_t j = 0;
						for (t = 0; t < rd.r[k].len; t++) {
							if (is_insert(&abc, (unsigned char)rd.r[k].s[t]))
								continue;
							if (j == cols[i])
								break;
							j++;
						}
					}
					size_t ln, cn;
					char tmp[16];
					locate(&rd, &rd.r[k], t, &ln, &cn);
					rc = plm_fail(err, PLM_EFORMAT,
					              "%s:%zu:%zu: ambiguous or unknown letter %s in sequence '%s' "
					              "(--unknown reject; use --unknown gap or drop to accept it)",
					              path, ln, cn, letter_repr(c, tmp, sizeof tmp), m->in_names[k]);
					break;
				}
				if (opts->unknown == MSA_UNKNOWN_DROP || abc.gap < 0) {
					m->in_status[k] = MSA_DROP_UNKNOWN;
					st = 0;
				} else {
					st = abc.gap;
				}
			}
			if (st == abc.gap)
				gaps++;
			e[i] = (uint8_t)st;
		}
		if (m->in_status[k] == MSA_DROP_UNKNOWN)
			nunk++;
		else if (opts->max_gap_seq < 1 && (double)gaps > opts->max_gap_seq * (double)ncand) {
			m->in_status[k] = MSA_DROP_GAPS;
			ngaps++;
		}
	}
	if (rc) {
		free(enc);
		goto fail_rows;
	}
	size_t n = rd.n - nunk - ngaps;
	if (n == 0) {
		free(enc);
		rc = plm_fail(err, PLM_EFORMAT,
		              "%s: no sequences left after filtering (%zu read; %zu dropped for ambiguous or "
		              "unknown letters, %zu for a gap fraction above %g)%s",
		              path, rd.n, nunk, ngaps, opts->max_gap_seq,
		              nunk > 0 ? "; --unknown gap reads ambiguous letters (X, B, *...) as gaps instead" : "");
		goto fail_rows;
	}
	/* column gap filter over the kept sequences */
	size_t L = ncand;
	if (opts->max_gap_col < 1 && abc.gap >= 0) {
		size_t *gc = plm_calloc(ncand, sizeof *gc, "gap counts", err);
		if (gc == NULL) {
			free(enc);
			rc = PLM_ENOMEM;
			goto fail_rows;
		}
		for (size_t k = 0; k < rd.n; k++)
			if (m->in_status[k] == MSA_KEPT)
				for (size_t i = 0; i < ncand; i++)
					gc[i] += enc[k * ncand + i] == (uint8_t)abc.gap;
		L = 0;
		for (size_t i = 0; i < ncand; i++) {
			colkeep[i] = !((double)gc[i] > opts->max_gap_col * (double)n);
			L += colkeep[i];
		}
		free(gc);
		if (L == 0) {
			free(enc);
			rc = plm_fail(err, PLM_EFORMAT,
			              "%s: no columns left after filtering (every column has more than %g gaps)",
			              path, opts->max_gap_col);
			goto fail_rows;
		}
	} else {
		memset(colkeep, 1, ncand);
	}
	size_t seqsz;
	if (size_mul(n, L, &seqsz) != 0) {
		free(enc);
		rc = plm_fail(err, PLM_ENOMEM, "alignment too large");
		goto fail_rows;
	}
	m->n = n;
	m->L = L;
	m->seq = plm_calloc(seqsz, 1, "alignment", err);
	m->in_index = plm_calloc(n, sizeof *m->in_index, "sequence map", err);
	m->col = plm_calloc(L, sizeof *m->col, "column map", err);
	if (m->focus != NULL)
		m->resnum = plm_calloc(L, sizeof *m->resnum, "residue numbers", err);
	if (m->seq == NULL || m->in_index == NULL || m->col == NULL || (m->focus != NULL && m->resnum == NULL)) {
		free(enc);
		rc = PLM_ENOMEM;
		goto fail_rows;
	}
	for (size_t i = 0, p = 0; i < ncand; i++)
		if (colkeep[i]) {
			m->col[p] = cols[i];
			if (m->resnum != NULL)
				m->resnum[p] = resall[cols[i]];
			p++;
		}
	for (size_t k = 0, s = 0; k < rd.n; k++) {
		if (m->in_status[k] != MSA_KEPT)
			continue;
		m->in_index[s] = k;
		uint8_t *dst = m->seq + s * L;
		const uint8_t *src = enc + k * ncand;
		if (L == ncand)
			memcpy(dst, src, L);
		else
			for (size_t i = 0, p = 0; i < ncand; i++)
				if (colkeep[i])
					dst[p++] = src[i];
		s++;
	}
	free(enc);

fail_rows:
	if (strip)
		for (size_t k = 0; k < rd.n; k++)
			free(row[k]);
	free(row);
fail:
	free(colkeep);
	free(cols);
	free(resall);
	recs_free(&rd);
	free(buf);
	if (rc) {
		msa_destroy(m);
		return rc;
	}
	*out = m;
	return PLM_OK;
}
