/* ceval: residue distances on a model's positions (from a structure or a list of true pairs)
 * and the precision of a ranked pair list per separation range.  Computation and one small
 * text reader; no printing. */
#include "config.h"
#include "ceval.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "msa_reader.h"
#include "util.h"

const long ceval_range_lo[CEVAL_NRANGE] = { 6, 6, 12, 24 };
const long ceval_range_hi[CEVAL_NRANGE] = { -1, 11, 23, -1 };
const size_t ceval_frac_div[CEVAL_NFRAC] = { 10, 5, 2, 1 };

const char *ceval_range_name(int r)
{
	static const char *names[CEVAL_NRANGE] = { "all (>= 6)", "short-range (6-11)", "medium-range (12-23)",
	                                           "long-range (>= 24)" };
	return r >= 0 && r < CEVAL_NRANGE ? names[r] : "?";
}

int ceval_parse_def(const char *s, ceval_def *d)
{
	if (strcmp(s, "cb") == 0)
		*d = CEVAL_CB;
	else if (strcmp(s, "ca") == 0)
		*d = CEVAL_CA;
	else if (strcmp(s, "heavy") == 0)
		*d = CEVAL_HEAVY;
	else
		return -1;
	return 0;
}

const char *ceval_def_name(ceval_def d)
{
	return d == CEVAL_CB ? "cb" : d == CEVAL_CA ? "ca" : "heavy";
}

int ceval_check_alignment(const align_stats *st, const char *what, plm_err *err)
{
	size_t need = CEVAL_MIN_ALIGNED;
	if (st->query_letters < 2 * need)
		need = (st->query_letters + 1) / 2;
	if (st->aligned >= need && st->aligned > 0 && st->identity >= CEVAL_MIN_IDENTITY)
		return PLM_OK;
	return plm_fail(err, PLM_EINVAL,
	                "%s does not align to the model's reference sequence: %zu of %zu residues aligned at %.0f%% "
	                "identity (needs %zu residues at %.0f%% or more); check --chain and the model's focus",
	                what, st->aligned, st->query_letters, 100.0 * st->identity, need, 100.0 * CEVAL_MIN_IDENTITY);
}

static double atom_dist(const pdb_atom *a, const pdb_atom *b)
{
	double dx = a->x - b->x, dy = a->y - b->y, dz = a->z - b->z;
	return sqrt(dx * dx + dy * dy + dz * dz);
}

/* The atom that stands for residue R under DEF (CB, CA), or NULL. */
static const pdb_atom *rep_atom(const pdb_chain *c, const pdb_residue *r, ceval_def def)
{
	const pdb_atom *a = def == CEVAL_CB ? pdb_find_atom(c, r, "CB") : NULL;
	return a ? a : pdb_find_atom(c, r, "CA");
}

/* Distance between residue R of chain C and residue S of chain D (the same chain or another). */
static double residue_dist(const pdb_chain *c, const pdb_residue *r, const pdb_chain *d, const pdb_residue *s,
                           ceval_def def)
{
	if (def != CEVAL_HEAVY) {
		const pdb_atom *a = rep_atom(c, r, def), *b = rep_atom(d, s, def);
		return a && b ? atom_dist(a, b) : NAN;
	}
	double best = NAN;
	for (size_t k = 0; k < r->natom; k++)
		for (size_t l = 0; l < s->natom; l++) {
			double x = atom_dist(&c->atoms[r->atom0 + k], &d->atoms[s->atom0 + l]);
			if (isnan(best) || x < best)
				best = x;
		}
	return best;
}

int ceval_distances(const pdb_chain *c, const long *map, size_t L, ceval_def def, double *D, plm_err *err)
{
	const pdb_chain *ch[2] = { c, c };
	return ceval_distances2(ch, map, L, L, def, D, err);
}

int ceval_distances2(const pdb_chain *const ch[2], const long *map, size_t L, size_t na, ceval_def def, double *D,
                     plm_err *err)
{
	for (size_t i = 0; i < L; i++) {
		const pdb_chain *ci = ch[i >= na];
		if (map[i] >= (long)ci->nres)
			return plm_fail(err, PLM_EINVAL, "position %zu mapped to residue %ld of %zu", i + 1, map[i], ci->nres);
		D[i * L + i] = 0.0;
		for (size_t j = i + 1; j < L; j++) {
			const pdb_chain *cj = ch[j >= na];
			double d = NAN;
			if (map[i] >= 0 && map[j] >= 0)
				d = residue_dist(ci, &ci->res[map[i]], cj, &cj->res[map[j]], def);
			D[i * L + j] = D[j * L + i] = d;
		}
	}
	return PLM_OK;
}

/* One chain read and the reference positions [P0, P1) aligned to it: MAP[P0..P1), INFO;
 * PROTEIN (1 or 2, 0 for a single protein) names it in a refusal. */
static int read_and_align(const char *path, const char *chain, const char *refseq, size_t p0, size_t p1, int protein,
                          long *map, pdb_chain **c, ceval_info *info, plm_err *err)
{
	memset(info, 0, sizeof *info);
	int rc = pdb_read_chain(path, chain, c, err);
	if (rc != PLM_OK)
		return rc;
	memcpy(info->chain, (*c)->id, sizeof info->chain);
	info->nres = (*c)->nres;
	info->counts = (*c)->counts;
	rc = align_map(refseq + p0, p1 - p0, (*c)->seq, (*c)->nres, map + p0, &info->st, err);
	if (rc == PLM_OK) {
		char what[1100];
		int k = snprintf(what, sizeof what, "%s chain %s", path, (*c)->id);
		if (protein && k > 0 && (size_t)k < sizeof what)
			snprintf(what + k, sizeof what - (size_t)k, " (protein %d)", protein);
		rc = ceval_check_alignment(&info->st, what, err);
	}
	return rc;
}

int ceval_structure(const char *path, const char *chain, const char *refseq, size_t L, ceval_def def, double *D,
                    ceval_info *info, plm_err *err)
{
	pdb_chain *c = NULL;
	long *map = plm_calloc(L ? L : 1, sizeof *map, "residue map", err);
	int rc = map ? read_and_align(path, chain, refseq, 0, L, 0, map, &c, info, err) : PLM_ENOMEM;
	if (rc == PLM_OK)
		rc = ceval_distances(c, map, L, def, D, err);
	free(map);
	pdb_chain_destroy(c);
	return rc;
}

int ceval_structure2(const char *path, const char *const chain[2], const char *refseq, size_t L, size_t na,
                     ceval_def def, double *D, ceval_info info[2], plm_err *err)
{
	pdb_chain *c[2] = { NULL, NULL };
	long *map = plm_calloc(L ? L : 1, sizeof *map, "residue map", err);
	int rc = map ? PLM_OK : PLM_ENOMEM;
	if (rc == PLM_OK && (na == 0 || na >= L))
		rc = plm_fail(err, PLM_EINVAL, "the first protein's %zu positions leave none of the %zu for the second", na, L);
	if (rc == PLM_OK)
		rc = read_and_align(path, chain[0], refseq, 0, na, 1, map, &c[0], &info[0], err);
	if (rc == PLM_OK)
		rc = read_and_align(path, chain[1], refseq, na, L, 2, map, &c[1], &info[1], err);
	if (rc == PLM_OK) {
		const pdb_chain *ch[2] = { c[0], c[1] };
		rc = ceval_distances2(ch, map, L, na, def, D, err);
	}
	free(map);
	pdb_chain_destroy(c[0]);
	pdb_chain_destroy(c[1]);
	return rc;
}

/* Positions sorted by user index, for user_pos. */
typedef struct upos {
	long user;
	size_t pos;
} upos;

static int cmp_upos(const void *a, const void *b)
{
	const upos *x = a, *y = b;
	return x->user < y->user ? -1 : x->user > y->user ? 1 : (x->pos > y->pos) - (x->pos < y->pos);
}

/* The position whose user index is U (IX: L entries sorted by cmp_upos), or -1. */
static long user_pos(const upos *ix, size_t L, long u)
{
	size_t lo = 0, hi = L;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ix[mid].user < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < L && ix[lo].user == u ? (long)ix[lo].pos : -1;
}

/* One line of a pairs file: 'i j [distance ...]'; *NCOL gets 2 or 3. */
static int pairs_line(const char *path, size_t lineno, char *line, long *i, long *j, double *d, int *ncol,
                      plm_err *err)
{
	char *end, *tok[3];
	size_t n = 0;
	char *save = NULL;
	for (char *s = strtok_r(line, " \t\r", &save); s && n < 3; s = strtok_r(NULL, " \t\r", &save))
		tok[n++] = s;
	if (n < 2)
		return plm_fail(err, PLM_EFORMAT, "%s:%zu: expected 'i j' or 'i j distance', found %zu field%s", path,
		                lineno, n, n == 1 ? "" : "s");
	errno = 0;
	*i = strtol(tok[0], &end, 10);
	if (*end != '\0' || errno)
		return plm_fail(err, PLM_EFORMAT, "%s:%zu: position '%s' is not an integer", path, lineno, tok[0]);
	*j = strtol(tok[1], &end, 10);
	if (*end != '\0' || errno)
		return plm_fail(err, PLM_EFORMAT, "%s:%zu: position '%s' is not an integer", path, lineno, tok[1]);
	*ncol = n == 3 ? 3 : 2;
	*d = 0.0;
	if (n == 3) {
		*d = strtod(tok[2], &end);
		if (*end != '\0' || !(*d >= 0.0) || isinf(*d))
			return plm_fail(err, PLM_EFORMAT, "%s:%zu: distance '%s' is not a number >= 0", path, lineno, tok[2]);
	}
	return PLM_OK;
}

int ceval_read_pairs(const char *path, const long *user, size_t L, double *D, size_t *skipped, plm_err *err)
{
	char *text;
	size_t len, lineno = 0;
	upos *ix = plm_calloc(L ? L : 1, sizeof *ix, "position index", err);
	if (ix == NULL)
		return PLM_ENOMEM;
	for (size_t k = 0; k < L; k++)
		ix[k].user = user[k], ix[k].pos = k;
	qsort(ix, L, sizeof *ix, cmp_upos);
	int rc = msa_reader_slurp(path, &text, &len, err), mode = 0;
	if (rc != PLM_OK) {
		free(ix);
		return rc;
	}
	*skipped = 0;
	for (char *line = text, *nl; rc == PLM_OK && line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		if (nl)
			*nl = '\0';
		lineno++;
		if (line[strspn(line, " \t\r")] == '\0' || line[0] == '#')
			continue;
		long i = 0, j = 0;
		double d = 0.0;
		int ncol = 0;
		rc = pairs_line(path, lineno, line, &i, &j, &d, &ncol, err);
		if (rc == PLM_OK && mode == 0) { /* the first pair sets the meaning of unlisted pairs */
			mode = ncol;
			for (size_t k = 0; k < L * L; k++)
				D[k] = mode == 2 ? INFINITY : NAN;
			for (size_t k = 0; k < L; k++)
				D[k * L + k] = 0.0;
		}
		if (rc == PLM_OK && ncol != mode)
			rc = plm_fail(err, PLM_EFORMAT, "%s:%zu: %d columns, but the first pair had %d ('i j' lists contacts, "
			              "'i j distance' gives distances)", path, lineno, ncol, mode);
		if (rc != PLM_OK)
			break;
		long a = user_pos(ix, L, i), b = user_pos(ix, L, j);
		if (a < 0 || b < 0 || a == b) {
			++*skipped;
			continue;
		}
		D[a * (long)L + b] = D[b * (long)L + a] = d;
	}
	free(text);
	free(ix);
	if (rc == PLM_OK && mode == 0)
		rc = plm_fail(err, PLM_EFORMAT, "%s: no pairs ('i j' or 'i j distance' lines)", path);
	return rc;
}

void ceval_precision(const contacts_pair *p, size_t n, const long *user, size_t L, const double *D, double cutoff,
                     ceval_table *t)
{
	memset(t, 0, sizeof *t);
	for (int f = 0; f < CEVAL_NFRAC; f++) {
		t->top[f] = L / ceval_frac_div[f];
		if (t->top[f] == 0)
			t->top[f] = 1;
	}
	for (size_t k = 0; k < n; k++) {
		double d = D[p[k].i * L + p[k].j];
		if (isnan(d))
			continue;
		long sep = labs(user[p[k].j] - user[p[k].i]);
		for (int r = 0; r < CEVAL_NRANGE; r++) {
			if (sep < ceval_range_lo[r] || (ceval_range_hi[r] >= 0 && sep > ceval_range_hi[r]))
				continue;
			for (int f = 0; f < CEVAL_NFRAC; f++)
				if (t->n[r][f] < t->top[f]) {
					t->n[r][f]++;
					t->correct[r][f] += d < cutoff;
				}
		}
	}
	for (int r = 0; r < CEVAL_NRANGE; r++)
		for (int f = 0; f < CEVAL_NFRAC; f++)
			t->precision[r][f] = t->n[r][f] ? (double)t->correct[r][f] / (double)t->n[r][f] : NAN;
}

void ceval_precision_top(const contacts_pair *p, size_t n, size_t L, const double *D, double cutoff,
                         const size_t *top, int ntop, size_t *nout, size_t *correct)
{
	for (int t = 0; t < ntop; t++)
		nout[t] = correct[t] = 0;
	for (size_t k = 0; k < n; k++) {
		double d = D[p[k].i * L + p[k].j];
		if (isnan(d))
			continue;
		for (int t = 0; t < ntop; t++)
			if (nout[t] < top[t]) {
				nout[t]++;
				correct[t] += d < cutoff;
			}
	}
}
