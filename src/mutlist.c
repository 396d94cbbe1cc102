/* mutlist: mutant lists (one mutant per line, or a CSV/TSV table with a header) parsed into
 * one row per input row.  mutlist.h states the rules.  No models, no printing, no exit. */
#include "config.h"
#include "mutlist.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "msa_reader.h"
#include "util.h"

/* One field of a line: [b, e) of the raw text, quoted when it started with '"'. */
typedef struct field {
	const char *b, *e;
	int quoted, bad; /* bad: an unterminated quote, or text after the closing quote */
} field;

/* The field that starts at P in [p, end) for separator SEP (mutlist.h); *NEXT gets where the
 * next field starts, or NULL after the last one. */
static field next_field(const char *p, const char *end, char sep, const char **next)
{
	field f = { p, p, 0, 0 };
	if (sep == ' ' || sep == 0 || sep == '\t' || sep == ',' || sep == ';')
		while (p < end && (*p == ' ' || (sep != '\t' && *p == '\t')))
			p++;
	f.b = f.e = p;
	*next = NULL;
	if (p < end && *p == '"') {
		f.quoted = 1;
		f.b = ++p;
		for (;;) {
			if (p >= end) {
				f.bad = 1;
				f.e = end;
				return f;
			}
			if (*p == '"' && p + 1 < end && p[1] == '"') {
				p += 2;
				continue;
			}
			if (*p == '"')
				break;
			p++;
		}
		f.e = p++;
		while (p < end && (*p == ' ' || (sep != '\t' && *p == '\t')))
			p++;
		if (p < end && (sep == 0 || (sep != ' ' && *p != sep)))
			f.bad = 1;
	} else {
		while (p < end && !(sep == ' ' ? isspace((unsigned char)*p) : sep != 0 && *p == sep))
			p++;
		f.e = p;
		while (f.e > f.b && isspace((unsigned char)f.e[-1]))
			f.e--;
		if (sep == ' ')
			while (p < end && isspace((unsigned char)*p))
				p++;
	}
	if (p < end) { /* at a separator (a trailing one gives one more, empty, field) */
		if (sep != ' ' && sep != 0)
			p++;
		*next = p;
	}
	return f;
}

/* Field K of line [p, end) (*F), or 0 when the line has fewer fields; the count in *N. */
static int get_field(const char *p, const char *end, char sep, size_t k, field *f, size_t *n)
{
	int found = 0;
	*n = 0;
	for (const char *q = p; q != NULL;) {
		field g = next_field(q, end, sep, &q);
		if (*n == k) {
			*f = g;
			found = 1;
		}
		(*n)++;
		if (sep == ' ' && q == end)
			break;
	}
	return found;
}

/* The text of F, quotes undone ("" -> "), NUL-terminated; NULL when out of memory. */
static char *field_text(const field *f)
{
	size_t n = (size_t)(f->e - f->b);
	char *s = malloc(n + 1), *o = s;
	if (s == NULL)
		return NULL;
	for (const char *p = f->b; p < f->e; p++) {
		*o++ = *p;
		if (f->quoted && *p == '"' && p + 1 < f->e && p[1] == '"')
			p++;
	}
	*o = '\0';
	return s;
}

/* The line [p, e) as an output can show it: tabs made spaces. */
static char *line_text(const char *p, const char *e)
{
	field f = { p, e, 0, 0 };
	char *s = field_text(&f);
	if (s != NULL)
		for (char *c = s; *c; c++)
			if (*c == '\t')
				*c = ' ';
	return s;
}

static int is_mutant_name(const char *s)
{
	static const char *const names[] = { "mutant", "mutants", "mutation", "mutations", "variant", "variants" };
	for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
		if (strcasecmp(s, names[k]) == 0)
			return 1;
	return 0;
}

static int is_value_name(const char *s)
{
	static const char *const names[] = { "DMS_score", "score", "fitness", "effect" };
	for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
		if (strcasecmp(s, names[k]) == 0)
			return 1;
	return 0;
}

/* Find the mutant column of the header line [p, e) for separator SEP: its index in *MCOL,
 * the score column's in *VCOL (SIZE_MAX: none) and name in L->value_name.  Returns 1 when
 * the line is such a header, 0 when not, -1 when out of memory. */
static int header_columns(mutlist *l, const char *p, const char *e, char sep, size_t *mcol, size_t *vcol)
{
	size_t nf = 0, k = 0, named = SIZE_MAX;
	*mcol = *vcol = SIZE_MAX;
	for (const char *q = p; q != NULL; k++) {
		field f = next_field(q, e, sep, &q);
		char *s = field_text(&f);
		if (s == NULL)
			return -1;
		if (*mcol == SIZE_MAX && is_mutant_name(s))
			*mcol = k;
		else if (named == SIZE_MAX && is_value_name(s))
			named = k;
		free(s);
		if (sep == ' ' && q == e)
			q = NULL;
	}
	nf = k;
	if (*mcol == SIZE_MAX)
		return 0;
	/* the score column: a known name, else the other column of a two-column header */
	*vcol = named != SIZE_MAX ? named : nf == 2 ? 1 - *mcol : SIZE_MAX;
	if (*vcol != SIZE_MAX) {
		field f;
		size_t n;
		get_field(p, e, sep, *vcol, &f, &n);
		if ((l->value_name = field_text(&f)) == NULL)
			return -1;
	}
	return 1;
}

/* The header's separator: the first of tab, ',', ';' that splits [p, e) into several fields
 * with a mutant column among them, else whitespace, else one field (0). */
static char header_sep(const char *p, const char *e)
{
	static const char seps[] = { '\t', ',', ';', ' ' };
	mutlist probe = { 0 };
	for (size_t k = 0; k < sizeof seps; k++) {
		size_t mcol, vcol, n;
		field f;
		int h = header_columns(&probe, p, e, seps[k], &mcol, &vcol);
		free(probe.value_name);
		probe.value_name = NULL;
		if (h == 1 && get_field(p, e, seps[k], 1, &f, &n) && n > 1)
			return seps[k];
	}
	return 0;
}

static int add_row(mutlist *l, size_t *cap, plm_err *err)
{
	if (l->n == *cap) {
		size_t nc = *cap ? 2 * *cap : 64;
		mutlist_row *r = realloc(l->rows, nc * sizeof *r);
		if (r == NULL)
			return plm_fail(err, PLM_ENOMEM, "out of memory for the mutant list");
		l->rows = r;
		*cap = nc;
	}
	memset(&l->rows[l->n++], 0, sizeof l->rows[0]);
	return PLM_OK;
}

/* The row of line [p, e) (number LINE) with the mutant in column MCOL, the value in VCOL. */
static int parse_row(mutlist *l, const char *p, const char *e, size_t line, size_t mcol, size_t vcol,
                     size_t *cap, plm_err *err)
{
	if (add_row(l, cap, err) != PLM_OK)
		return PLM_ENOMEM;
	mutlist_row *r = &l->rows[l->n - 1];
	r->line = line;
	field f;
	size_t nf;
	if (!get_field(p, e, l->sep, mcol, &f, &nf))
		r->why = "no mutant field (fewer fields than the header)";
	else if (f.bad)
		r->why = "unterminated quote or text after a closing quote";
	else if (f.e == f.b)
		r->why = "empty mutant field";
	if (r->why != NULL)
		r->mutant = line_text(p, e);
	else
		r->mutant = field_text(&f);
	if (r->mutant == NULL)
		return plm_fail(err, PLM_ENOMEM, "out of memory for the mutant list");
	if (r->why == NULL) /* a quoted field may hold a tab or a line end: not in an output row */
		for (char *c = r->mutant; *c; c++)
			if (*c == '\t')
				*c = ' ';
	if (vcol != SIZE_MAX && get_field(p, e, l->sep, vcol, &f, &nf) && !f.bad &&
	    (r->value = field_text(&f)) == NULL)
		return plm_fail(err, PLM_ENOMEM, "out of memory for the mutant list");
	if (r->value != NULL)
		for (char *c = r->value; *c; c++)
			if (*c == '\t')
				*c = ' ';
	return PLM_OK;
}

int mutlist_parse(const char *buf, size_t len, const char *name, mutlist **out, plm_err *err)
{
	*out = NULL;
	const char *nul = memchr(buf, '\0', len);
	if (nul != NULL) {
		size_t line = 1;
		for (const char *p = buf; p < nul; p++)
			line += *p == '\n';
		return plm_fail(err, PLM_EFORMAT, "%s:%zu: binary data (a NUL byte), not a mutant list", name, line);
	}
	mutlist *l = calloc(1, sizeof *l);
	if (l == NULL)
		return plm_fail(err, PLM_ENOMEM, "out of memory for the mutant list");
	size_t cap = 0, line = 0, mcol = 0, vcol = SIZE_MAX;
	int first = 1, rc = PLM_OK;
	l->sep = ' ';
	for (const char *p = buf, *end = buf + len; p < end && rc == PLM_OK;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *e = nl ? nl : end;
		const char *next = nl ? nl + 1 : end;
		line++;
		if (e > p && e[-1] == '\r')
			e--;
		if (msa_reader_blank(p, e) || *p == '#') {
			p = next;
			continue;
		}
		if (first) {
			first = 0;
			char sep = header_sep(p, e);
			int h = header_columns(l, p, e, sep, &mcol, &vcol);
			if (h < 0) {
				rc = plm_fail(err, PLM_ENOMEM, "out of memory for the mutant list");
				break;
			}
			if (h == 1) {
				l->header = 1;
				l->sep = sep;
				p = next;
				continue;
			}
			mcol = 0;
			vcol = SIZE_MAX;
		}
		rc = parse_row(l, p, e, line, mcol, vcol, &cap, err);
		p = next;
	}
	if (rc != PLM_OK) {
		mutlist_destroy(l);
		return rc;
	}
	*out = l;
	return PLM_OK;
}

int mutlist_read(const char *path, mutlist **out, plm_err *err)
{
	char *buf = NULL;
	size_t len = 0;
	*out = NULL;
	int rc = msa_reader_slurp(path, &buf, &len, err);
	if (rc != PLM_OK)
		return rc;
	rc = mutlist_parse(buf, len, strcmp(path, "-") == 0 ? "standard input" : path, out, err);
	free(buf);
	return rc;
}

void mutlist_destroy(mutlist *l)
{
	if (l == NULL)
		return;
	for (size_t k = 0; k < l->n; k++) {
		free(l->rows[k].mutant);
		free(l->rows[k].value);
	}
	free(l->rows);
	free(l->value_name);
	free(l);
}
