/* msa: reads an alignment through the parsers of msa_reader.c (FASTA, A2M, A3M, Stockholm,
 * lines, numbers; gzip or stdin), detects its format, encodes it and applies the focus,
 * unknown-letter and gap filters.  No statistics (see weights), no printing. */
#include "config.h"
#include "msa.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
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
	int rc = msa_reader_slurp(path, &buf, &len, err);
	if (rc)
		return rc;

	msa *m = NULL;
	uint8_t *colkeep = NULL;
	size_t *cols = NULL;
	long *resall = NULL;
	msa_reader rd = { .path = path, .buf = buf, .len = len, .err = err };
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
	const char *first = msa_reader_first_content(rd.buf, rd.len, &line0);
	if (first == NULL) {
		rc = plm_fail(err, PLM_EFORMAT, "%s:%zu: empty file (no sequences)", path, line0);
		goto fail;
	}

	msa_format fmt = opts->format, family;
	const char *data = first; /* the first line that does not start with '#' */
	while (data != NULL && *data == '#') {
		const char *nl = memchr(data, '\n', (size_t)(rd.buf + rd.len - data));
		size_t ignored;
		data = nl ? msa_reader_first_content(nl + 1, (size_t)(rd.buf + rd.len - nl - 1), &ignored) : NULL;
	}
	if (strncmp(first, "# STOCKHOLM", 11) == 0)
		family = MSA_FORMAT_STOCKHOLM;
	else if (data != NULL && *data == '>')
		family = MSA_FORMAT_FASTA;
	else
		family = msa_reader_detect_plain(rd.buf, rd.len);
	if (fmt == MSA_FORMAT_A2M || fmt == MSA_FORMAT_A3M)
		family = MSA_FORMAT_FASTA;
	else if (fmt != MSA_FORMAT_AUTO)
		family = fmt;

	const char *spec = opts->alphabet;
	if (spec == NULL && (family == MSA_FORMAT_NUMBERS ||
	                     (family == MSA_FORMAT_LINES && msa_reader_looks_binary(rd.buf, rd.len))))
		spec = "binary";
	rc = alphabet_init(&abc, spec, err);
	if (rc)
		goto fail;
	rd.abc = &abc;

	switch (family) {
	case MSA_FORMAT_STOCKHOLM: rc = msa_reader_parse_stockholm(&rd); break;
	case MSA_FORMAT_LINES: rc = msa_reader_parse_lines(&rd); break;
	case MSA_FORMAT_NUMBERS: rc = msa_reader_parse_numbers(&rd); break;
	default: rc = msa_reader_parse_fasta(&rd); break;
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
		const msa_rec *fr = &rd.r[focus];
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
					msa_reader_locate(&rd, &rd.r[k], t, &ln, &cn);
					rc = plm_fail(err, PLM_EFORMAT,
					              "%s:%zu:%zu: ambiguous or unknown letter %s in sequence '%s' "
					              "(--unknown reject; use --unknown gap or drop to accept it)",
					              path, ln, cn, msa_reader_letter(c, tmp, sizeof tmp), m->in_names[k]);
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
	msa_reader_clear(&rd);
	free(buf);
	if (rc) {
		msa_destroy(m);
		return rc;
	}
	*out = m;
	return PLM_OK;
}
