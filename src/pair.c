/* pair: two alignments -> one concatenated alignment of interacting pairs, by species (best
 * hit to the focus per species in each, species present in both).  See pair.h. */
#include "config.h"
#include "pair.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msa.h"
#include "msa_reader.h" /* msa_reader_slurp: the headers' descriptions, read as msa_read reads the file */
#include "util.h"

int pair_parse_key(const char *s, pair_key *k)
{
	static const char *names[] = { "auto", "ox", "os", "name" };
	for (int i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0) {
			*k = (pair_key)i;
			return 0;
		}
	return -1;
}

const char *pair_key_name(pair_key k)
{
	return k == PAIR_KEY_OX ? "ox" : k == PAIR_KEY_OS ? "os" : k == PAIR_KEY_NAME ? "name" : "auto";
}

/* The value of field TAG ("OX=") in DESC: a pointer just after it, or NULL.  The tag must start
 * the description or follow a blank. */
static const char *field(const char *desc, const char *tag)
{
	size_t n = strlen(tag);
	for (const char *p = strstr(desc, tag); p; p = strstr(p + 1, tag))
		if (p == desc || isspace((unsigned char)p[-1]))
			return p + n;
	return NULL;
}

/* The end of an OS= value: the next ' XX=' (two or more capitals or letters then '=', as
 * UniProt's OX=, GN=, PE=, SV= and UniRef's TaxID=, RepID=) or the end. */
static const char *value_end(const char *v)
{
	for (const char *p = v; *p; p++) {
		if (!isspace((unsigned char)*p))
			continue;
		const char *q = p + 1;
		while (isalpha((unsigned char)*q))
			q++;
		if (*q == '=' && q - p > 2)
			return p;
	}
	return v + strlen(v);
}

static int species_ox(const char *desc, char *buf, size_t n)
{
	const char *v = field(desc, "OX=");
	v = v ? v : field(desc, "TaxID=");
	if (v == NULL)
		return 0;
	size_t len = strspn(v, "0123456789");
	if (len == 0 || (v[len] && !isspace((unsigned char)v[len]))) {
		snprintf(buf, n, "the taxon id '%.*s' is not a number", (int)strcspn(v, " \t\r"), v);
		return -1;
	}
	snprintf(buf, n, "%.*s", (int)len, v);
	return 1;
}

static int species_os(const char *desc, char *buf, size_t n)
{
	const char *v = field(desc, "OS=");
	v = v ? v : field(desc, "Tax=");
	if (v == NULL)
		return 0;
	const char *e = value_end(v);
	while (e > v && isspace((unsigned char)e[-1]))
		e--;
	if (e == v) {
		snprintf(buf, n, "the organism name after OS= is empty");
		return -1;
	}
	snprintf(buf, n, "%.*s", (int)(e - v), v);
	return 1;
}

/* NAME_SPECIES: 'tr|P0A877|TRPA_ECOLI/1-200' -> ECOLI. */
static int species_name(const char *name, char *buf, size_t n)
{
	const char *s = strrchr(name, '|');
	s = s ? s + 1 : name;
	size_t len = strcspn(s, "/");
	const char *u = NULL;
	for (size_t k = 0; k < len; k++)
		if (s[k] == '_')
			u = s + k;
	if (u == NULL || u == s || u + 1 == s + len)
		return 0;
	snprintf(buf, n, "%.*s", (int)(s + len - u - 1), u + 1);
	return 1;
}

int pair_species(const char *name, const char *desc, pair_key k, char *buf, size_t n)
{
	if (k == PAIR_KEY_OX)
		return species_ox(desc, buf, n);
	if (k == PAIR_KEY_OS)
		return species_os(desc, buf, n);
	return species_name(name, buf, n);
}

/* ---- one alignment ------------------------------------------------------------------ */

typedef struct side {
	const char *path;
	msa *m;
	char **desc;      /* nin: the header text after the name ("" when none; not owned when "") */
	size_t *line;     /* nin: the line of that text, 0 when unknown */
	char *text;       /* the file's content, which desc points into */
	char **key;       /* n (kept rows): species, or NULL */
	double *ident;    /* n: identity to the focus over the focus's residue columns */
	unsigned char *keep; /* L: the focus has a residue */
	size_t *win;      /* the best hit of each species, sorted by key */
	size_t nwin;
} side;

static void side_free(side *s)
{
	if (s->key && s->m)
		for (size_t r = 0; r < s->m->n; r++)
			free(s->key[r]);
	free(s->key);
	free(s->desc);
	free(s->line);
	free(s->text);
	free(s->ident);
	free(s->keep);
	free(s->win);
	msa_destroy(s->m);
}

/* Cut the line at P (in place) and return the next one. */
static char *cut_line(char *p)
{
	char *nl = strchr(p, '\n');
	if (nl == NULL)
		return p + strlen(p);
	*nl = '\0';
	if (nl > p && nl[-1] == '\r')
		nl[-1] = '\0';
	return nl + 1;
}

/* FASTA family: the k-th '>' line is the k-th sequence's header. */
static int desc_fasta(side *s, plm_err *err)
{
	size_t k = 0, lineno = 0;
	for (char *p = s->text, *next; *p; p = next) {
		next = cut_line(p);
		lineno++;
		if (*p != '>')
			continue;
		if (k >= s->m->nin)
			return plm_fail(err, PLM_EFORMAT, "%s:%zu: more headers than sequences read", s->path, lineno);
		char *d = p + 1 + strspn(p + 1, " \t");
		d += strcspn(d, " \t");
		s->desc[k] = d + strspn(d, " \t");
		s->line[k++] = lineno;
	}
	if (k != s->m->nin)
		return plm_fail(err, PLM_EFORMAT, "%s: %zu headers for %zu sequences (the file changed while read?)",
		                s->path, k, s->m->nin);
	return PLM_OK;
}

/* Stockholm: '#=GS NAME DE text' lines give NAME's description (the first such line). */
static int desc_stockholm(side *s, plm_err *err)
{
	size_t nin = s->m->nin, lineno = 0;
	char **names = s->m->in_names;
	for (char *p = s->text, *next; *p; p = next) {
		next = cut_line(p);
		lineno++;
		if (strncmp(p, "#=GS", 4) != 0 || !isspace((unsigned char)p[4]))
			continue;
		char *nm = p + 4 + strspn(p + 4, " \t"), *tag = nm + strcspn(nm, " \t");
		if (*tag == '\0')
			continue;
		*tag++ = '\0';
		tag += strspn(tag, " \t");
		if (strncmp(tag, "DE", 2) != 0 || !isspace((unsigned char)tag[2]))
			continue;
		for (size_t k = 0; k < nin; k++) /* linear: DE lines are few, or the alignment small */
			if (s->desc[k][0] == '\0' && strcmp(names[k], nm) == 0) {
				s->desc[k] = tag + 3 + strspn(tag + 3, " \t");
				s->line[k] = lineno;
				break;
			}
	}
	(void)err;
	return PLM_OK;
}

/* Read the alignment and its headers' descriptions. */
static int side_read(side *s, const char *path, plm_err *err)
{
	msa_opts o;
	msa_opts_default(&o);
	o.alphabet = "protein";
	o.unknown = MSA_UNKNOWN_GAP;
	s->path = path;
	if (strcmp(path, "-") == 0)
		return plm_fail(err, PLM_EINVAL, "standard input cannot be paired: the alignments must be files (each is "
		                "read twice: sequences, then headers)");
	int rc = msa_read(path, &o, &s->m, err);
	if (rc != PLM_OK)
		return rc;
	size_t nin = s->m->nin, len;
	if (s->m->n == 0 || s->m->L == 0)
		return plm_fail(err, PLM_EFORMAT, "%s: no sequence to pair", path);
	s->desc = plm_calloc(nin, sizeof *s->desc, "descriptions", err);
	s->line = plm_calloc(nin, sizeof *s->line, "header lines", err);
	if (s->desc == NULL || s->line == NULL)
		return PLM_ENOMEM;
	for (size_t k = 0; k < nin; k++)
		s->desc[k] = "";
	if (s->m->format == MSA_FORMAT_LINES || s->m->format == MSA_FORMAT_CLUSTAL)
		return PLM_OK; /* names only (Clustal) or none */
	if ((rc = msa_reader_slurp(path, &s->text, &len, err)) != PLM_OK)
		return rc;
	return s->m->format == MSA_FORMAT_STOCKHOLM ? desc_stockholm(s, err) : desc_fasta(s, err);
}

/* The species of every kept row by key K; *NKEY gets how many have one.  A malformed field
 * fails when FAIL, else counts as no key. */
static int side_keys(side *s, pair_key k, int fail, size_t *nkey, plm_err *err)
{
	const msa *m = s->m;
	*nkey = 0;
	for (size_t r = 0; r < m->n; r++) {
		size_t in = m->in_index[r];
		char buf[256];
		free(s->key[r]);
		s->key[r] = NULL;
		int got = pair_species(m->in_names[in], s->desc[in], k, buf, sizeof buf);
		if (got < 0 && fail) {
			if (s->line[in])
				return plm_fail(err, PLM_EFORMAT, "%s:%zu: sequence '%s': %s", s->path, s->line[in],
				                m->in_names[in], buf);
			return plm_fail(err, PLM_EFORMAT, "%s: sequence '%s': %s", s->path, m->in_names[in], buf);
		}
		if (got > 0 && (s->key[r] = plm_strdup(buf, err)) == NULL)
			return PLM_ENOMEM;
		*nkey += got > 0;
	}
	return PLM_OK;
}

/* Focus columns and every row's identity to the focus (row 0). */
static int side_identity(side *s, pair_side *c, plm_err *err)
{
	const msa *m = s->m;
	size_t L = m->L, n = m->n;
	s->keep = plm_calloc(L, 1, "focus columns", err);
	s->ident = plm_calloc(n, sizeof *s->ident, "identities", err);
	s->key = plm_calloc(n, sizeof *s->key, "species", err);
	if (s->keep == NULL || s->ident == NULL || s->key == NULL)
		return PLM_ENOMEM;
	const uint8_t *f = m->seq;
	c->cols = 0;
	for (size_t i = 0; i < L; i++)
		c->cols += s->keep[i] = (int)f[i] != m->abc.gap;
	if (c->cols == 0)
		return plm_fail(err, PLM_EFORMAT, "%s: the first (focus) sequence '%s' has no residue", s->path,
		                m->in_names[m->in_index[0]]);
	for (size_t r = 0; r < n; r++) {
		size_t same = 0;
		for (size_t i = 0; i < L; i++)
			same += s->keep[i] && m->seq[r * L + i] == f[i];
		s->ident[r] = (double)same / (double)c->cols;
	}
	c->nin = m->nin;
	c->cols_in = m->ncol_in;
	c->unknown_gap = m->nunknown_gap;
	c->focus = 1;
	c->no_key = m->nin - m->n; /* rows the reader dropped (none with these options) */
	snprintf(c->focus_name, sizeof c->focus_name, "%s", m->in_names[m->in_index[0]]);
	return PLM_OK;
}

/* ---- the best hit per species ------------------------------------------------------- */

typedef struct rowkey {
	const char *key;
	double ident;
	size_t row;
} rowkey;

/* by species, then identity (highest first), then row (first first) */
static int cmp_rowkey(const void *a, const void *b)
{
	const rowkey *x = a, *y = b;
	int c = strcmp(x->key, y->key);
	if (c)
		return c;
	if (x->ident != y->ident)
		return x->ident > y->ident ? -1 : 1;
	return (x->row > y->row) - (x->row < y->row);
}

/* S->win: the best hit of each species, sorted by species; C->no_key and C->lost counted. */
static int side_best(side *s, pair_side *c, plm_err *err)
{
	size_t n = s->m->n, k = 0;
	rowkey *rk = plm_calloc(n, sizeof *rk, "species index", err);
	s->win = rk ? plm_calloc(n, sizeof *s->win, "best hits", err) : NULL;
	if (s->win == NULL) {
		free(rk);
		return PLM_ENOMEM;
	}
	for (size_t r = 0; r < n; r++) {
		if (s->key[r] == NULL) {
			c->no_key += r > 0; /* the focus is the first row whatever its key */
			continue;
		}
		rk[k].key = s->key[r];
		rk[k].ident = s->ident[r];
		rk[k++].row = r;
	}
	qsort(rk, k, sizeof *rk, cmp_rowkey);
	s->nwin = 0;
	for (size_t t = 0; t < k; t++) {
		if (t > 0 && strcmp(rk[t].key, rk[t - 1].key) == 0) {
			c->lost++; /* the focus (identity 1, first row) never loses */
			continue;
		}
		s->win[s->nwin++] = rk[t].row;
	}
	free(rk);
	return PLM_OK;
}

/* ---- pairing and writing ------------------------------------------------------------ */

typedef struct match {
	size_t a, b; /* rows of A and B */
} match;

static int cmp_match(const void *x, const void *y)
{
	const match *p = x, *q = y;
	return (p->a > q->a) - (p->a < q->a);
}

/* Merge the two sorted lists of best hits: species in both are paired (a pair holding exactly
 * one focus is not written: the focus row stands for its species), the rest counted. */
static int pair_species_lists(side *s, pair_result *res, match **out, size_t *nout, plm_err *err)
{
	size_t ia = 0, ib = 0, k = 0;
	match *mt = plm_calloc(s[0].nwin + 1, sizeof *mt, "pairs", err);
	if (mt == NULL)
		return PLM_ENOMEM;
	while (ia < s[0].nwin || ib < s[1].nwin) {
		size_t ra = ia < s[0].nwin ? s[0].win[ia] : 0, rb = ib < s[1].nwin ? s[1].win[ib] : 0;
		int c = ia == s[0].nwin ? 1 : ib == s[1].nwin ? -1 : strcmp(s[0].key[ra], s[1].key[rb]);
		if (c < 0) {
			res->side[0].unpaired += ra > 0, ia++;
			continue;
		}
		if (c > 0) {
			res->side[1].unpaired += rb > 0, ib++;
			continue;
		}
		ia++, ib++;
		if (ra == 0 || rb == 0) { /* the focus row stands for this species */
			res->side[0].focus_species += ra > 0;
			res->side[1].focus_species += rb > 0;
			continue;
		}
		mt[k].a = ra;
		mt[k++].b = rb;
	}
	qsort(mt, k, sizeof *mt, cmp_match); /* in the order of A's file */
	res->side[0].paired = res->side[1].paired = k;
	*out = mt;
	*nout = k;
	return PLM_OK;
}

/* NAME without its '/range'. */
static void put_base_name(FILE *fp, const char *name)
{
	fprintf(fp, "%.*s", (int)strcspn(name, "/"), name);
}

static void put_row(FILE *fp, const side *s, size_t r)
{
	const msa *m = s->m;
	for (size_t i = 0; i < m->L; i++)
		if (s->keep[i])
			fputc(alphabet_letter(&m->abc, m->seq[r * m->L + i]), fp);
}

static const char *key_tag(pair_key k)
{
	return k == PAIR_KEY_OX ? "OX" : k == PAIR_KEY_OS ? "OS" : "species";
}

static int write_pairs(const char *out, side *s, const pair_result *res, const match *mt, size_t n, plm_err *err)
{
	plm_outfile o;
	int rc = outfile_open(&o, out, err);
	if (rc != PLM_OK)
		return rc;
	const msa *a = s[0].m, *b = s[1].m;
	fputc('>', o.fp);
	put_base_name(o.fp, a->in_names[a->in_index[0]]);
	fputc('+', o.fp);
	put_base_name(o.fp, b->in_names[b->in_index[0]]);
	fprintf(o.fp, " segments=%zu key=%s\n", res->boundary, pair_key_name(res->key));
	put_row(o.fp, &s[0], 0);
	put_row(o.fp, &s[1], 0);
	fputc('\n', o.fp);
	for (size_t k = 0; k < n; k++) {
		fprintf(o.fp, ">%s+%s %s=%s\n", a->in_names[a->in_index[mt[k].a]], b->in_names[b->in_index[mt[k].b]],
		        key_tag(res->key), s[0].key[mt[k].a]);
		put_row(o.fp, &s[0], mt[k].a);
		put_row(o.fp, &s[1], mt[k].b);
		fputc('\n', o.fp);
	}
	return outfile_commit(&o, err);
}

/* AUTO: OX when it keys at least half of the sequences of each alignment, else OS by the same
 * rule, else NAME (a name's _SPECIES is the least reliable key: any underscore makes one). */
static int choose_key(side *s, pair_key *k, plm_err *err)
{
	for (int t = PAIR_KEY_OX; t < PAIR_KEY_NAME; t++) {
		int enough = 1;
		for (int x = 0; x < 2; x++) {
			size_t got;
			int rc = side_keys(&s[x], (pair_key)t, 0, &got, err);
			if (rc != PLM_OK)
				return rc;
			enough &= 2 * got >= s[x].m->n;
		}
		if (enough) {
			*k = (pair_key)t;
			return PLM_OK;
		}
	}
	*k = PAIR_KEY_NAME;
	return PLM_OK;
}

/* An example key of each side, for the message when nothing pairs. */
static const char *some_key(const side *s)
{
	for (size_t r = 0; r < s->m->n; r++)
		if (s->key[r])
			return s->key[r];
	return "(none)";
}

int pair_build(const char *a, const char *b, pair_key k, const char *out, pair_result *res, plm_err *err)
{
	side s[2];
	memset(s, 0, sizeof s);
	memset(res, 0, sizeof *res);
	match *mt = NULL;
	size_t n = 0, got;
	int rc = side_read(&s[0], a, err);
	rc = rc == PLM_OK ? side_read(&s[1], b, err) : rc;
	for (int x = 0; x < 2 && rc == PLM_OK; x++)
		rc = side_identity(&s[x], &res->side[x], err);
	if (rc == PLM_OK && k == PAIR_KEY_AUTO)
		rc = choose_key(s, &k, err);
	res->key = k;
	for (int x = 0; x < 2 && rc == PLM_OK; x++)
		rc = side_keys(&s[x], k, 1, &got, err);
	for (int x = 0; x < 2 && rc == PLM_OK; x++)
		rc = side_best(&s[x], &res->side[x], err);
	if (rc == PLM_OK)
		rc = pair_species_lists(s, res, &mt, &n, err);
	res->rows = n + 1;
	res->boundary = res->side[0].cols + 1;
	if (rc == PLM_OK && n == 0)
		rc = plm_fail(err, PLM_EINVAL, "%s and %s have no species in common by the %s key (e.g. '%s' and '%s'): "
		              "nothing to pair (try another --key)", a, b, pair_key_name(k), some_key(&s[0]),
		              some_key(&s[1]));
	if (rc == PLM_OK)
		rc = write_pairs(out, s, res, mt, n, err);
	free(mt);
	side_free(&s[0]);
	side_free(&s[1]);
	return rc;
}
