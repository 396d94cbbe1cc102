/* msa: reads an alignment through the parsers of msa_reader.c (FASTA, A2M, A3M, Stockholm,
 * lines, numbers; gzip or stdin), detects its format, encodes it and applies the focus,
 * unknown-letter and gap filters.  No statistics (see weights), no printing. */
#include "config.h"
#include "msa.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msa_reader.h"
#include "util.h"

void msa_opts_default(msa_opts *o)
{
	memset(o, 0, sizeof *o);
	o->format = MSA_FORMAT_AUTO;
	o->alphabet = NULL;
	o->focus = NULL;
	o->unknown = MSA_UNKNOWN_DROP;
	msa_unknown_parse(PLM_STR(MSA_DEFAULT_UNKNOWN), &o->unknown);
	o->max_gap_seq = MSA_DEFAULT_MAX_GAP_SEQ;
	o->max_gap_col = MSA_DEFAULT_MAX_GAP_COL;
}

static const char *const format_names[] = {
	"auto", "fasta", "a2m", "a3m", "stockholm", "lines", "numbers", "clustal"
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
	/* the usual extensions; "aln" is PSICOV's lines unless the file opens with a Clustal
	 * header (step_detect_parse) */
	static const struct { const char *name; msa_format f; } alias[] = {
		{ "fa", MSA_FORMAT_FASTA }, { "fas", MSA_FORMAT_FASTA }, { "fna", MSA_FORMAT_FASTA },
		{ "faa", MSA_FORMAT_FASTA }, { "sto", MSA_FORMAT_STOCKHOLM }, { "stk", MSA_FORMAT_STOCKHOLM },
		{ "aln", MSA_FORMAT_LINES }, { "psicov", MSA_FORMAT_LINES },
	};
	for (size_t k = 0; k < sizeof alias / sizeof alias[0]; k++)
		if (strcmp(name, alias[k].name) == 0) {
			*f = alias[k].f;
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

/* ---- insert states ------------------------------------------------------- */

/* An insert state of A2M/A3M/Stockholm: '.' or a lowercase letter of an alphabet that does
 * not tell the cases apart. */
static int is_insert(const plm_alphabet *a, unsigned char c)
{
	if (c == '.') /* unless a custom alphabet makes it a letter */
		return a->map['.'] == ALPHABET_INVALID || a->map['.'] == a->gap;
	return islower(c) && a->map[c] == a->map[toupper(c)];
}

static size_t stripped_len(const plm_alphabet *a, const msa_rec *r)
{
	size_t n = 0;
	for (size_t k = 0; k < r->len; k++)
		n += !is_insert(a, (unsigned char)r->s[k]);
	return n;
}

/* ---- assembly: focus, encoding, filters ---------------------------------- */

static int rows_unequal(msa_reader *rd, size_t k, size_t got, size_t want, const char *what)
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

/* ---- the reading pipeline ---------------------------------------------------------------
 * msa_read runs these steps in order; each frees the copy it replaces as soon as the next
 * exists: the raw input (freed once the records are checked), the raw records (stripped of
 * insert states in place, each freed as soon as its row is encoded), and the encoded rows
 * (compacted in place into the kept sequences and columns, which become the alignment). */
typedef struct msa_build {
	const char *path;
	const msa_opts *opts;
	plm_err *err;
	char *buf;              /* the decompressed input (NULL once freed) */
	msa_reader rd;          /* the raw records */
	plm_alphabet abc;
	msa_format fmt;         /* as asked, then as read */
	msa_format family;      /* the parser used */
	char abc_why[192];      /* msa.abc_why */
	char fmt_why[96];       /* msa.fmt_why */
	size_t nlower, nlower_cols, ninsert_lower, ninsert_dot, nunknown_gap; /* as in msa */
	size_t line0;           /* line of the first content */
	int strip;              /* insert states are removed */
	size_t ncol;            /* aligned columns */
	unsigned char *colkeep; /* ncol: column kept by the focus; then ncand: kept by the gap filter */
	long *resall;           /* ncol: focus residue number of each column */
	size_t *cols;           /* ncand: aligned column of each candidate */
	size_t ncand;
	uint8_t *enc;           /* nin x ncand encoded rows, then n x L kept ones */
	size_t nkept;           /* sequences kept by the letter and gap filters */
	msa *m;
} msa_build;

/* The input, checked to be text (no NUL or control bytes), a UTF-8 byte-order mark skipped. */
static int step_slurp(msa_build *b)
{
	size_t len = 0;
	int rc = msa_reader_slurp(b->path, &b->buf, &len, b->err);
	if (rc)
		return rc;
	b->rd = (msa_reader){ .path = b->path, .buf = b->buf, .len = len, .err = b->err };
	size_t line = 1;
	for (size_t k = 0; k < len; k++) {
		unsigned char c = (unsigned char)b->buf[k];
		if (c == '\n')
			line++;
		else if ((c < 0x20 && c != '\t' && c != '\r' && c != '\v' && c != '\f') || c == 0x7f)
			return plm_fail(b->err, PLM_EFORMAT,
			                "%s:%zu: binary data (byte 0x%02x), not a text alignment", b->path, line, c);
	}
	if (len >= 3 && (unsigned char)b->buf[0] == 0xef && (unsigned char)b->buf[1] == 0xbb &&
	    (unsigned char)b->buf[2] == 0xbf) {
		b->rd.buf += 3;
		b->rd.len -= 3;
	}
	return PLM_OK;
}

static int parse_family(msa_reader *rd, msa_format family)
{
	switch (family) {
	case MSA_FORMAT_STOCKHOLM: return msa_reader_parse_stockholm(rd);
	case MSA_FORMAT_LINES: return msa_reader_parse_lines(rd);
	case MSA_FORMAT_NUMBERS: return msa_reader_parse_numbers(rd);
	case MSA_FORMAT_CLUSTAL: return msa_reader_parse_clustal(rd);
	default: return msa_reader_parse_fasta(rd);
	}
}

/* After a letter outside the alphabet: parse the file again accepting any printable letter,
 * and add to the message an alphabet that reads all of its letters (alphabet_suggest), if
 * there is one. */
static void hint_alphabet(msa_build *b)
{
	plm_alphabet any;
	alphabet_any(&any);
	plm_err e2;
	msa_reader rd = { .path = b->rd.path, .buf = b->rd.buf, .len = b->rd.len, .abc = &any, .err = &e2 };
	char seen[256] = { 0 }, letters[257];
	size_t n = 0;
	if (parse_family(&rd, b->family) == PLM_OK) {
		for (size_t k = 0; k < rd.n; k++)
			for (size_t i = 0; i < rd.r[k].len; i++) {
				unsigned char c = (unsigned char)rd.r[k].s[i];
				if (c != '.' && !seen[c]) {
					seen[c] = 1;
					letters[n++] = (char)c;
				}
			}
	}
	letters[n] = '\0';
	msa_reader_clear(&rd);
	char spec[ALPHABET_MAXQ + 1];
	int kind = n > 0 ? alphabet_suggest(letters, &b->abc, spec, sizeof spec) : 0;
	if (kind == 0 || (kind == 2 && strchr(spec, '\'') != NULL))
		return;
	size_t used = strlen(b->err->msg);
	snprintf(b->err->msg + used, sizeof b->err->msg - used, kind == 1 ? "; --alphabet %s reads this file"
	                                                                 : "; --alphabet '%s' reads this file", spec);
}

/* The alphabet: given, binary for the numbers format, else guessed from the letters. */
static int choose_alphabet(msa_build *b)
{
	char guess[16];
	const char *spec = b->opts->alphabet;
	if (spec != NULL) {
		snprintf(b->abc_why, sizeof b->abc_why, "--alphabet");
	} else if (b->family == MSA_FORMAT_NUMBERS) {
		spec = "binary";
		snprintf(b->abc_why, sizeof b->abc_why, "the numbers format is binary");
	} else {
		size_t counts[256] = { 0 };
		msa_reader_count_letters(b->rd.buf, b->rd.len, b->family, counts);
		if (!alphabet_guess(counts, guess, sizeof guess, b->abc_why, sizeof b->abc_why))
			return plm_fail(b->err, PLM_EFORMAT, "%s: %s", b->path, b->abc_why);
		spec = guess;
	}
	return alphabet_init(&b->abc, spec, b->err);
}

/* The format family (from the content unless forced), the alphabet, and the records. */
static int step_detect_parse(msa_build *b)
{
	msa_reader *rd = &b->rd;
	const char *first = msa_reader_first_content(rd->buf, rd->len, &b->line0);
	if (first == NULL)
		return plm_fail(b->err, PLM_EFORMAT, "%s:%zu: empty file (no sequences)", b->path, b->line0);
	msa_format fmt = b->opts->format, family;
	const char *data = first; /* the first line that does not start with '#' */
	while (data != NULL && *data == '#') {
		const char *nl = memchr(data, '\n', (size_t)(rd->buf + rd->len - data));
		size_t ignored;
		data = nl ? msa_reader_first_content(nl + 1, (size_t)(rd->buf + rd->len - nl - 1), &ignored) : NULL;
	}
	const char *first_end = memchr(first, '\n', (size_t)(rd->buf + rd->len - first));
	int clustal = msa_reader_is_clustal(first, first_end ? first_end : rd->buf + rd->len);
	if (strncmp(first, "# STOCKHOLM", 11) == 0)
		family = MSA_FORMAT_STOCKHOLM;
	else if (clustal)
		family = MSA_FORMAT_CLUSTAL;
	else if (data != NULL && *data == '>')
		family = MSA_FORMAT_FASTA;
	else
		family = msa_reader_detect_plain(rd->buf, rd->len);
	if (fmt == MSA_FORMAT_A2M || fmt == MSA_FORMAT_A3M)
		family = MSA_FORMAT_FASTA;
	else if (fmt == MSA_FORMAT_LINES && clustal) /* --format aln on a Clustal file */
		family = fmt = MSA_FORMAT_CLUSTAL;
	else if (fmt != MSA_FORMAT_AUTO)
		family = fmt;
	b->fmt = fmt;
	b->family = family;
	int rc = choose_alphabet(b);
	if (rc)
		return rc;
	rd->abc = &b->abc;
	if ((rc = parse_family(rd, family)) != PLM_OK) {
		if (rd->bad_letter && b->err != NULL)
			hint_alphabet(b);
		return rc;
	}
	if (rd->n == 0)
		return plm_fail(b->err, PLM_EFORMAT, "%s:%zu: no sequences in the file", b->path, b->line0);
	return PLM_OK;
}

/* 1 when PATH's name (less a ".gz") ends in ".a2m" or ".a3m". */
static int a2m_name(const char *path)
{
	size_t n = strlen(path);
	if (n > 3 && strcmp(path + n - 3, ".gz") == 0)
		n -= 3;
	return n > 4 && (strncmp(path + n - 4, ".a2m", 4) == 0 || strncmp(path + n - 4, ".a3m", 4) == 0);
}

/* Whether insert states (lowercase letters, '.') are removed, and why (msa.h states the rule):
 * RAW_EQ the raw rows have one length, STR_EQ removing the inserts leaves rows of one
 * non-zero length, ANY some row has one. */
static int insert_rule(msa_build *b, int raw_eq, int str_eq, int any)
{
	int dot = 0;
	for (size_t k = 0; k < b->rd.n && !dot; k++)
		dot = memchr(b->rd.r[k].s, '.', b->rd.r[k].len) != NULL && is_insert(&b->abc, '.');
	const char *why;
	int strip;
	if (b->fmt == MSA_FORMAT_A2M || b->fmt == MSA_FORMAT_A3M) {
		strip = 1;
		why = b->fmt == MSA_FORMAT_A2M ? "--format a2m" : "--format a3m";
	} else if (b->fmt == MSA_FORMAT_FASTA) {
		strip = 0;
		why = "--format fasta";
	} else if (!any) {
		strip = 0;
		why = "";
	} else if (!str_eq) {
		strip = 0;
		why = "removing them leaves rows of unequal length";
	} else if (b->family == MSA_FORMAT_STOCKHOLM) {
		strip = 1;
		why = "Stockholm insert states";
	} else if (!raw_eq) {
		strip = 1;
		why = "a3m: rows of equal length only without them";
	} else if (dot) {
		strip = 1;
		why = "a2m: '.' in the rows";
	} else if (a2m_name(b->path)) {
		strip = 1;
		why = "a2m: the file name";
	} else {
		strip = 0;
		why = "plain FASTA: no '.', rows of equal length; --format a2m removes them";
	}
	snprintf(b->fmt_why, sizeof b->fmt_why, "%s", why);
	return strip;
}

/* Lowercase letters kept as residues: how many, in how many aligned columns (rows of one
 * length NCOL). */
static int count_lowercase(msa_build *b, size_t ncol)
{
	if (b->strip)
		return PLM_OK;
	unsigned char *has = NULL;
	for (size_t k = 0; k < b->rd.n; k++) {
		const msa_rec *r = &b->rd.r[k];
		for (size_t t = 0; t < r->len; t++) {
			unsigned char c = (unsigned char)r->s[t];
			if (c == '.' || !is_insert(&b->abc, c))
				continue;
			if (has == NULL && (has = plm_calloc(ncol, 1, "column flags", b->err)) == NULL)
				return PLM_ENOMEM;
			b->nlower++;
			b->nlower_cols += !has[t];
			has[t] = 1;
		}
	}
	free(has);
	return PLM_OK;
}

/* Insert states: whether lowercase letters and '.' are removed (the format read follows),
 * and the aligned rows all of one non-zero length. */
static int step_inserts(msa_build *b)
{
	const msa_reader *rd = &b->rd;
	const plm_alphabet *abc = &b->abc;
	if (b->family == MSA_FORMAT_FASTA || b->family == MSA_FORMAT_STOCKHOLM) {
		int raw_eq = 1, str_eq = 1, any_insert = 0;
		size_t l0 = rd->r[0].len, s0 = stripped_len(abc, &rd->r[0]);
		for (size_t k = 0; k < rd->n; k++) {
			size_t sl = stripped_len(abc, &rd->r[k]);
			if (rd->r[k].len != l0)
				raw_eq = 0;
			if (sl != s0)
				str_eq = 0;
			if (sl != rd->r[k].len)
				any_insert = 1;
		}
		b->strip = insert_rule(b, raw_eq, str_eq && s0 > 0, any_insert);
		if (b->family == MSA_FORMAT_FASTA) {
			if (b->fmt == MSA_FORMAT_AUTO)
				b->fmt = b->strip ? (raw_eq ? MSA_FORMAT_A2M : MSA_FORMAT_A3M) : MSA_FORMAT_FASTA;
		} else {
			b->fmt = MSA_FORMAT_STOCKHOLM;
		}
	} else {
		b->fmt = b->family;
		snprintf(b->fmt_why, sizeof b->fmt_why, "%s format", msa_format_name(b->family));
	}
	size_t ncol = b->strip ? stripped_len(abc, &rd->r[0]) : rd->r[0].len;
	for (size_t k = 1; k < rd->n; k++) {
		size_t l = b->strip ? stripped_len(abc, &rd->r[k]) : rd->r[k].len;
		if (l != ncol)
			return rows_unequal((msa_reader *)rd, k, l, ncol,
			                    b->family == MSA_FORMAT_NUMBERS ? "numbers"
			                    : b->strip ? "match columns (uppercase letters and '-')" : "columns");
	}
	if (ncol == 0)
		return plm_fail(b->err, PLM_EFORMAT, "%s:%zu: the sequences have no aligned columns", b->path,
		                rd->r[0].line);
	b->ncol = ncol;
	return count_lowercase(b, ncol);
}

/* The alignment object: names moved from the records, the reading options recorded. */
static int step_create(msa_build *b)
{
	msa_reader *rd = &b->rd;
	msa *m = b->m = calloc(1, sizeof *m);
	if (m == NULL)
		return plm_fail(b->err, PLM_ENOMEM, "out of memory");
	m->abc = b->abc;
	m->format = b->fmt;
	m->nin = rd->n;
	m->ncol_in = b->ncol;
	m->unknown = b->opts->unknown;
	m->max_gap_seq = b->opts->max_gap_seq;
	m->max_gap_col = b->opts->max_gap_col;
	memcpy(m->abc_why, b->abc_why, sizeof m->abc_why);
	memcpy(m->fmt_why, b->fmt_why, sizeof m->fmt_why);
	m->nlower = b->nlower;
	m->nlower_cols = b->nlower_cols;
	m->path = plm_strdup(b->path, b->err);
	m->in_names = plm_calloc(rd->n, sizeof *m->in_names, "sequence names", b->err);
	m->in_status = plm_calloc(rd->n, 1, "sequence status", b->err);
	b->colkeep = plm_calloc(b->ncol, 1, "column map", b->err);
	b->resall = plm_calloc(b->ncol, sizeof *b->resall, "residue numbers", b->err);
	if (m->path == NULL || m->in_names == NULL || m->in_status == NULL || b->colkeep == NULL ||
	    b->resall == NULL)
		return PLM_ENOMEM;
	for (size_t k = 0; k < rd->n; k++) {
		m->in_names[k] = rd->r[k].name;
		rd->r[k].name = NULL;
	}
	return PLM_OK;
}

/* Focus: keep the columns where the focus sequence holds a residue in a match state, and
 * number them; then the candidate columns. */
static int step_focus(msa_build *b)
{
	const msa_reader *rd = &b->rd;
	const plm_alphabet *abc = &b->abc;
	msa *m = b->m;
	memset(b->colkeep, 1, b->ncol);
	if (b->opts->focus != NULL) {
		size_t focus = SIZE_MAX;
		for (size_t k = 0; k < rd->n && focus == SIZE_MAX; k++)
			if (strcmp(m->in_names[k], b->opts->focus) == 0)
				focus = k;
		for (size_t k = 0; k < rd->n && focus == SIZE_MAX; k++)
			if (focus_match(m->in_names[k], b->opts->focus))
				focus = k;
		if (focus == SIZE_MAX)
			return plm_fail(b->err, PLM_EINVAL, "%s: focus sequence '%s' is not in the alignment", b->path,
			                b->opts->focus);
		if ((m->focus = plm_strdup(m->in_names[focus], b->err)) == NULL)
			return PLM_ENOMEM;
		const msa_rec *fr = &rd->r[focus];
		long num = focus_start(m->in_names[focus]);
		size_t j = 0;
		for (size_t t = 0; t < fr->len; t++) {
			unsigned char c = (unsigned char)fr->s[t];
			int residue = c != '.' && !(abc->gap >= 0 && abc->map[c] == abc->gap);
			if (b->strip && is_insert(abc, c)) {
				num += residue;
				continue;
			}
			/* j: aligned column of raw character t */
			int upper = !(islower(c) && abc->map[c] == abc->map[toupper(c)]);
			b->colkeep[j] = (unsigned char)(residue && upper);
			b->resall[j] = residue ? num : 0;
			num += residue;
			j++;
		}
	}
	size_t ncand = 0;
	for (size_t j = 0; j < b->ncol; j++)
		ncand += b->colkeep[j];
	if (ncand == 0)
		return plm_fail(b->err, PLM_EFORMAT, "%s: the focus sequence '%s' has no residue in a match column",
		                b->path, m->focus ? m->focus : "?");
	if ((b->cols = plm_calloc(ncand, sizeof *b->cols, "column map", b->err)) == NULL)
		return PLM_ENOMEM;
	for (size_t j = 0, i = 0; j < b->ncol; j++)
		if (b->colkeep[j])
			b->cols[i++] = j;
	b->ncand = ncand;
	return PLM_OK;
}

/* The state of letter C in a candidate column: '.' in an alphabet that does not map it is a
 * gap, or unknown without a gap state. */
static int letter_state(const plm_alphabet *abc, unsigned char c)
{
	int st = alphabet_state(abc, c);
	if (st == ALPHABET_INVALID) /* only '.', in an alphabet that does not map it */
		st = abc->gap >= 0 ? abc->gap : ALPHABET_UNKNOWN;
	return st;
}

/* --unknown reject: the first ambiguous or unknown letter in a candidate column (sequences in
 * input order, columns left to right) fails with its line and column.  The only step that
 * needs the raw input; it is freed after it. */
static int step_reject(msa_build *b)
{
	msa_reader *rd = &b->rd;
	const plm_alphabet *abc = &b->abc;
	if (b->opts->unknown == MSA_UNKNOWN_REJECT)
		for (size_t k = 0; k < rd->n; k++) {
			const msa_rec *r = &rd->r[k];
			for (size_t t = 0, j = 0; t < r->len; t++) {
				unsigned char c = (unsigned char)r->s[t];
				if (b->strip && is_insert(abc, c))
					continue;
				if (b->colkeep[j++] && letter_state(abc, c) == ALPHABET_UNKNOWN) {
					size_t ln, cn;
					char tmp[16];
					msa_reader_locate(rd, r, t, &ln, &cn);
					return plm_fail(b->err, PLM_EFORMAT,
					                "%s:%zu:%zu: ambiguous or unknown letter %s in sequence '%s' "
					                "(--unknown reject; use --unknown gap or drop to accept it)",
					                b->path, ln, cn, msa_reader_letter(c, tmp, sizeof tmp),
					                b->m->in_names[k]);
				}
			}
		}
	free(b->buf);
	b->buf = NULL;
	rd->buf = NULL;
	rd->len = 0;
	return PLM_OK;
}

/* Insert states removed from every record, in place (a row only shrinks). */
static void step_strip(msa_build *b)
{
	if (!b->strip)
		return;
	for (size_t k = 0; k < b->rd.n; k++) {
		msa_rec *r = &b->rd.r[k];
		size_t j = 0;
		for (size_t t = 0; t < r->len; t++) {
			if (!is_insert(&b->abc, (unsigned char)r->s[t]))
				r->s[j++] = r->s[t];
			else if (r->s[t] == '.')
				b->m->ninsert_dot++;
			else
				b->m->ninsert_lower++;
		}
		r->len = j;
	}
}

/* Encode the candidate columns of every record (each record freed once encoded): unknown
 * letters by policy, then the sequence gap filter. */
static int step_encode(msa_build *b)
{
	msa_reader *rd = &b->rd;
	const plm_alphabet *abc = &b->abc;
	const msa_opts *o = b->opts;
	msa *m = b->m;
	const size_t ncand = b->ncand;
	size_t encsz;
	if (size_mul(rd->n, ncand, &encsz) != 0 || (b->enc = plm_calloc(encsz, 1, "alignment", b->err)) == NULL) {
		plm_fail(b->err, PLM_ENOMEM, "%s: alignment too large (%zu x %zu)", b->path, rd->n, ncand);
		return PLM_ENOMEM;
	}
	size_t nunk = 0, ngaps = 0;
	for (size_t k = 0; k < rd->n; k++) {
		uint8_t *e = b->enc + k * ncand;
		const char *row = rd->r[k].s;
		size_t gaps = 0;
		for (size_t i = 0; i < ncand; i++) {
			int st = letter_state(abc, (unsigned char)row[b->cols[i]]);
			if (st == ALPHABET_UNKNOWN) { /* not reject: step_reject found none */
				if (o->unknown == MSA_UNKNOWN_DROP || abc->gap < 0) {
					m->in_status[k] = MSA_DROP_UNKNOWN;
					st = 0;
				} else {
					st = abc->gap;
					m->nunknown_gap++;
				}
			}
			if (st == abc->gap)
				gaps++;
			e[i] = (uint8_t)st;
		}
		msa_reader_release(&rd->r[k]);
		if (m->in_status[k] == MSA_DROP_UNKNOWN)
			nunk++;
		else if (o->max_gap_seq < 1 && (double)gaps > o->max_gap_seq * (double)ncand) {
			m->in_status[k] = MSA_DROP_GAPS;
			ngaps++;
		}
	}
	b->nkept = rd->n - nunk - ngaps;
	if (b->nkept == 0)
		return plm_fail(b->err, PLM_EFORMAT,
		                "%s: no sequences left after filtering (%zu read; %zu dropped for ambiguous or "
		                "unknown letters, %zu for a gap fraction above %g)%s",
		                b->path, rd->n, nunk, ngaps, o->max_gap_seq,
		                nunk > 0 ? "; --unknown gap reads ambiguous letters (X, B, *...) as gaps instead" : "");
	return PLM_OK;
}

/* The column gap filter over the kept sequences: colkeep over the candidates; *L kept. */
static int step_filter_columns(msa_build *b, size_t *L)
{
	const size_t ncand = b->ncand, n = b->nkept;
	const msa *m = b->m;
	const int gap = b->abc.gap;
	*L = ncand;
	if (!(b->opts->max_gap_col < 1 && gap >= 0)) {
		memset(b->colkeep, 1, ncand);
		return PLM_OK;
	}
	size_t *gc = plm_calloc(ncand, sizeof *gc, "gap counts", b->err);
	if (gc == NULL)
		return PLM_ENOMEM;
	for (size_t k = 0; k < m->nin; k++)
		if (m->in_status[k] == MSA_KEPT)
			for (size_t i = 0; i < ncand; i++)
				gc[i] += b->enc[k * ncand + i] == (uint8_t)gap;
	*L = 0;
	for (size_t i = 0; i < ncand; i++) {
		b->colkeep[i] = !((double)gc[i] > b->opts->max_gap_col * (double)n);
		*L += b->colkeep[i];
	}
	free(gc);
	if (*L == 0)
		return plm_fail(b->err, PLM_EFORMAT,
		                "%s: no columns left after filtering (every column has more than %g gaps)", b->path,
		                b->opts->max_gap_col);
	return PLM_OK;
}

/* The kept sequences and columns, compacted in place in the encoded rows (a kept entry only
 * moves to a lower index), which become the alignment's. */
static int step_compact(msa_build *b, size_t L)
{
	msa *m = b->m;
	const size_t ncand = b->ncand, n = b->nkept;
	m->n = n;
	m->L = L;
	m->in_index = plm_calloc(n, sizeof *m->in_index, "sequence map", b->err);
	m->col = plm_calloc(L, sizeof *m->col, "column map", b->err);
	if (m->focus != NULL)
		m->resnum = plm_calloc(L, sizeof *m->resnum, "residue numbers", b->err);
	if (m->in_index == NULL || m->col == NULL || (m->focus != NULL && m->resnum == NULL))
		return PLM_ENOMEM;
	for (size_t i = 0, p = 0; i < ncand; i++)
		if (b->colkeep[i]) {
			m->col[p] = b->cols[i];
			if (m->resnum != NULL)
				m->resnum[p] = b->resall[b->cols[i]];
			p++;
		}
	for (size_t k = 0, s = 0; k < m->nin; k++) {
		if (m->in_status[k] != MSA_KEPT)
			continue;
		m->in_index[s] = k;
		uint8_t *dst = b->enc + s * L;
		const uint8_t *src = b->enc + k * ncand;
		if (L == ncand)
			memmove(dst, src, L);
		else
			for (size_t i = 0, p = 0; i < ncand; i++)
				if (b->colkeep[i])
					dst[p++] = src[i];
		s++;
	}
	/* n * L <= nin * ncand: shrink (a failed shrink keeps the larger block) */
	uint8_t *seq = realloc(b->enc, n * L);
	m->seq = seq != NULL ? seq : b->enc;
	b->enc = NULL;
	return PLM_OK;
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
	msa_build b = { .path = path, .opts = opts, .err = err };
	size_t L = 0;
	int rc = step_slurp(&b);
	if (rc == PLM_OK)
		rc = step_detect_parse(&b);
	if (rc == PLM_OK)
		rc = step_inserts(&b);
	if (rc == PLM_OK)
		rc = step_create(&b);
	if (rc == PLM_OK)
		rc = step_focus(&b);
	if (rc == PLM_OK)
		rc = step_reject(&b);
	if (rc == PLM_OK) {
		step_strip(&b);
		rc = step_encode(&b);
	}
	if (rc == PLM_OK)
		rc = step_filter_columns(&b, &L);
	if (rc == PLM_OK)
		rc = step_compact(&b, L);
	free(b.colkeep);
	free(b.cols);
	free(b.resall);
	free(b.enc);
	msa_reader_clear(&b.rd);
	free(b.buf);
	if (rc) {
		msa_destroy(b.m);
		return rc;
	}
	*out = b.m;
	return PLM_OK;
}

size_t msa_notes(const msa *m, char *buf, size_t n)
{
	size_t lines = 0, used = 0;
	buf[0] = '\0';
#define NOTE(...)                                                        \
	do {                                                                 \
		int w_ = snprintf(buf + used, n - used, __VA_ARGS__);            \
		used = w_ < 0 || (size_t)w_ >= n - used ? n - 1 : used + (size_t)w_; \
		lines++;                                                         \
	} while (0)
	if (m->nlower > 0)
		NOTE("lowercase: %zu letters in %zu columns read as residues (%s)\n", m->nlower, m->nlower_cols,
		     m->fmt_why);
	if (m->ninsert_lower + m->ninsert_dot > 0)
		NOTE("insert states: %zu lowercase letters and %zu '.' removed (%s)\n", m->ninsert_lower,
		     m->ninsert_dot, m->fmt_why);
	if (m->nunknown_gap > 0)
		NOTE("ambiguous or unknown letters: %zu read as gaps (--unknown gap)\n", m->nunknown_gap);
#undef NOTE
	return lines;
}
