/* score: pseudo-log-likelihood, symmetrised energy, unstable sites and margins of sequences
 * and of mutants of a reference, on the dynamics' local fields (dyn_work_set/flip/copy).
 * Per-thread workspaces; no files, no printing. */
#include "score.h"

#include "mutlist.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "util.h"

/* The values of the state loaded in W (and its margins when MARGIN is not NULL). */
static void values(const dyn_model *d, const dyn_work *w, score_values *v, double *margin)
{
	size_t L = d->L, q = d->q;
	const double *f = dyn_work_fields(w);
	const uint8_t *a = dyn_work_state(w);
	double pll = 0.0;
	size_t unstable = 0;
	for (size_t i = 0; i < L; i++) {
		const double *fi = f + i * q;
		double m = fi[0], other = -INFINITY;
		for (size_t b = 1; b < q; b++)
			m = fi[b] > m ? fi[b] : m;
		double z = 0.0;
		for (size_t b = 0; b < q; b++) {
			z += exp(fi[b] - m);
			if (b != a[i] && fi[b] > other)
				other = fi[b];
		}
		pll += fi[a[i]] - m - log(z);
		unstable += dyn_site_rule(d, i, fi, a[i]) != a[i];
		if (margin != NULL)
			margin[i] = fi[a[i]] - other;
	}
	v->pll = pll;
	v->energy = dyn_work_energy(d, w);
	v->unstable = (double)unstable;
	v->logodds = NAN;
}

/* Per-thread workspaces: NW each. */
static int works_create(const dyn_model *d, int nt, int nw, dyn_work **ws, plm_err *err)
{
	for (int k = 0; k < nt * nw; k++)
		if (dyn_work_create(d, &ws[k], err) != PLM_OK)
			return err ? err->code : PLM_ENOMEM;
	return PLM_OK;
}

static int thread_count(size_t n)
{
	int nt = 1;
#ifdef _OPENMP
	nt = omp_get_max_threads();
#endif
	if ((size_t)nt > n)
		nt = (int)(n ? n : 1);
	return nt;
}

static int thread_id(void)
{
#ifdef _OPENMP
	return omp_get_thread_num();
#else
	return 0;
#endif
}

int score_sequences(const dyn_model *d, const uint8_t *seqs, size_t n, score_values *out,
                    double *margins, plm_err *err)
{
	int nt = thread_count(n);
	dyn_work **ws = calloc((size_t)nt, sizeof *ws);
	if (ws == NULL)
		return plm_fail(err, PLM_ENOMEM, "out of memory");
	int rc = works_create(d, nt, 1, ws, err);
	if (rc == PLM_OK) {
		#pragma omp parallel num_threads(nt)
		{
			dyn_work *w = ws[thread_id()];
			#pragma omp for schedule(dynamic, 16)
			for (size_t k = 0; k < n; k++) {
				dyn_work_set(d, w, seqs + k * d->L);
				values(d, w, &out[k], margins ? margins + k * d->L : NULL);
			}
		}
	}
	for (int t = 0; t < nt; t++)
		dyn_work_destroy(ws[t]);
	free(ws);
	return rc;
}

int score_mutants(const dyn_model *d, const uint8_t *ref, size_t n, const size_t *first,
                  const size_t *nsub, const size_t *pos, const uint8_t *to, score_values *delta,
                  plm_err *err)
{
	int nt = thread_count(n);
	dyn_work **ws = calloc(2 * (size_t)nt, sizeof *ws);
	if (ws == NULL)
		return plm_fail(err, PLM_ENOMEM, "out of memory");
	int rc = works_create(d, nt, 2, ws, err);
	if (rc == PLM_OK) {
		#pragma omp parallel num_threads(nt)
		{
			int tid = thread_id();
			dyn_work *base = ws[2 * tid], *w = ws[2 * tid + 1];
			/* every thread computes the reference's fields the same way */
			dyn_work_set(d, base, ref);
			score_values v0;
			values(d, base, &v0, NULL);
			const double *f0 = dyn_work_fields(base);
			#pragma omp for schedule(dynamic, 64)
			for (size_t k = 0; k < n; k++) {
				score_values *v = &delta[k];
				if (nsub[k] == SIZE_MAX) {
					v->pll = v->energy = v->unstable = v->logodds = NAN;
					continue;
				}
				dyn_work_copy(d, w, base);
				double lo = 0.0;
				for (size_t s = first[k]; s < first[k] + nsub[k]; s++) {
					const double *fi = f0 + pos[s] * d->q;
					lo += fi[to[s]] - fi[ref[pos[s]]];
					dyn_work_flip(d, w, pos[s], to[s]);
				}
				values(d, w, v, NULL);
				v->pll -= v0.pll;
				v->energy -= v0.energy;
				v->unstable -= v0.unstable;
				v->logodds = lo;
			}
		}
	}
	for (int t = 0; t < 2 * nt; t++)
		dyn_work_destroy(ws[t]);
	free(ws);
	return rc;
}

/* ---- mutants: numbering and parsing ------------------------------------------------------ */

int score_numbering_init(score_numbering *nb, const plm_model *m, plm_err *err)
{
	nb->pos = NULL;
	nb->lo = nb->hi = 0;
	if (m->L == 0)
		return plm_fail(err, PLM_EINVAL, "the model has no positions");
	long lo = model_user_index(m, 0), hi = lo;
	for (size_t i = 1; i < m->L; i++) {
		long u = model_user_index(m, i);
		lo = u < lo ? u : lo;
		hi = u > hi ? u : hi;
	}
	if ((unsigned long)(hi - lo) >= 16 * (unsigned long)m->L + (1ul << 20))
		return plm_fail(err, PLM_EFORMAT, "the model's residue numbers span %ld..%ld", lo, hi);
	size_t span = (size_t)(hi - lo) + 1;
	nb->pos = plm_calloc(span, sizeof(size_t), "residue numbering", err);
	if (nb->pos == NULL)
		return PLM_ENOMEM;
	for (size_t k = 0; k < span; k++)
		nb->pos[k] = SIZE_MAX;
	for (size_t i = 0; i < m->L; i++)
		nb->pos[model_user_index(m, i) - lo] = i;
	nb->lo = lo;
	nb->hi = hi;
	return PLM_OK;
}

void score_numbering_free(score_numbering *nb)
{
	free(nb->pos);
	nb->pos = NULL;
}

void score_mutant_name(const plm_model *m, size_t pos, uint8_t from, uint8_t to, char *buf, size_t len)
{
	snprintf(buf, len, "%c%ld%c", alphabet_letter(&m->abc, from), model_user_index(m, pos),
	         alphabet_letter(&m->abc, to));
}

/* The separators between the substitutions of a mutant: A24C:K50R, A24C,K50R, A24C;K50R. */
static int is_mutation_sep(char c)
{
	return c == ':' || c == ',' || c == ';';
}

/* One letter of the alphabet at *S (advanced); -1 with a reason when it is not one. */
static int parse_letter(const plm_model *m, const char **s, const char *what, char *reason, size_t rlen)
{
	unsigned char c = (unsigned char)**s;
	if (c == '\0' || is_mutation_sep((char)c) || isdigit(c)) {
		snprintf(reason, rlen, "missing the %s letter", what);
		return -1;
	}
	int st = alphabet_state(&m->abc, c);
	if (st < 0) {
		snprintf(reason, rlen, "'%c' is not a letter of the %s alphabet", isprint(c) ? c : '?', m->abc.name);
		return -1;
	}
	(*s)++;
	return st;
}

int score_parse_mutant(const char *text, const plm_model *m, const score_numbering *nb,
                       const uint8_t *ref, size_t *pos, uint8_t *to, size_t max, size_t *nsub,
                       char *reason, size_t rlen)
{
	const char *s = text;
	size_t k = 0;
	*nsub = 0;
	if (*s == '\0') {
		snprintf(reason, rlen, "empty mutant");
		return -1;
	}
	for (;;) {
		if (k > 0 && (isdigit((unsigned char)*s) || *s == '.' || *s == '-')) {
			snprintf(reason, rlen, "'%.20s' after '%c' is not a mutation (a table needs a header naming its "
			         "'mutant' column)", s, s[-1]);
			return -1;
		}
		int from = parse_letter(m, &s, "wild-type", reason, rlen);
		if (from < 0)
			return -1;
		if (!isdigit((unsigned char)*s) && *s != '-') {
			snprintf(reason, rlen, "expected a residue number after '%c'", alphabet_letter(&m->abc, from));
			return -1;
		}
		errno = 0;
		char *end;
		long num = strtol(s, &end, 10);
		if (end == s || errno != 0) {
			snprintf(reason, rlen, "bad residue number");
			return -1;
		}
		s = end;
		int mt = parse_letter(m, &s, "mutant", reason, rlen);
		if (mt < 0)
			return -1;
		if (*s != '\0' && !is_mutation_sep(*s)) {
			snprintf(reason, rlen, "unexpected '%c' after the mutant letter (write A24C or A24C:K50R)",
			         isprint((unsigned char)*s) ? *s : '?');
			return -1;
		}
		if (num < nb->lo || num > nb->hi || nb->pos[num - nb->lo] == SIZE_MAX) {
			snprintf(reason, rlen, "residue %ld is not a position of the model", num);
			return -1;
		}
		size_t p = nb->pos[num - nb->lo];
		if (ref[p] != from) {
			snprintf(reason, rlen, "the reference has %c at residue %ld, not %c",
			         alphabet_letter(&m->abc, ref[p]), num, alphabet_letter(&m->abc, from));
			return -1;
		}
		for (size_t t = 0; t < k; t++)
			if (pos[t] == p) {
				snprintf(reason, rlen, "residue %ld is mutated twice", num);
				return -1;
			}
		if (k == max) {
			snprintf(reason, rlen, "more than %zu substitutions", max);
			return -1;
		}
		pos[k] = p;
		to[k] = (uint8_t)mt;
		k++;
		if (*s == '\0')
			break;
		char sep = *s++;
		while (*s == ' ')
			s++;
		if (*s == '\0') {
			snprintf(reason, rlen, "nothing after '%c'", sep);
			return -1;
		}
	}
	*nsub = k;
	return 0;
}

/* ---- mutant lists ------------------------------------------------------------------------ */

int score_mutlist(const dyn_model *d, const plm_model *m, const uint8_t *ref, const mutlist *list,
                  score_values *val, char **why, plm_err *err)
{
	const size_t n = list->n, L = m->L;
	score_numbering nb;
	int rc = score_numbering_init(&nb, m, err);
	if (rc != PLM_OK)
		return rc;
	/* at most L substitutions each, kept in one flat array grown as needed */
	size_t used = 0, cap = n + L;
	size_t *first = plm_calloc(n ? n : 1, sizeof *first, "mutants", err);
	size_t *nsub = first ? plm_calloc(n ? n : 1, sizeof *nsub, "mutants", err) : NULL;
	size_t *pos = nsub ? plm_calloc(cap, sizeof *pos, "mutants", err) : NULL;
	uint8_t *to = pos ? plm_calloc(cap, 1, "mutants", err) : NULL;
	rc = to == NULL ? PLM_ENOMEM : PLM_OK;
	char reason[256];
	for (size_t k = 0; k < n && rc == PLM_OK; k++) {
		why[k] = NULL;
		if (cap - used < L) {
			size_t nc = 2 * cap + L;
			size_t *np = realloc(pos, nc * sizeof *pos);
			if (np != NULL)
				pos = np;
			uint8_t *nt = np ? realloc(to, nc) : NULL;
			if (nt == NULL) {
				rc = plm_fail(err, PLM_ENOMEM, "out of memory for %zu mutants", n);
				break;
			}
			to = nt;
			cap = nc;
		}
		first[k] = used;
		const char *bad = list->rows[k].why;
		if (bad == NULL && score_parse_mutant(list->rows[k].mutant, m, &nb, ref, pos + used, to + used, L,
		                                      &nsub[k], reason, sizeof reason) == 0) {
			used += nsub[k];
			continue;
		}
		nsub[k] = SIZE_MAX;
		if ((why[k] = plm_strdup(bad ? bad : reason, err)) == NULL)
			rc = PLM_ENOMEM;
	}
	if (rc == PLM_OK)
		rc = score_mutants(d, ref, n, first, nsub, pos, to, val, err);
	free(first);
	free(nsub);
	free(pos);
	free(to);
	score_numbering_free(&nb);
	return rc;
}

int score_all_substitutions(const plm_model *m, const uint8_t *ref, mutlist **out, plm_err *err)
{
	*out = NULL;
	mutlist *l = calloc(1, sizeof *l);
	size_t cap = m->L * m->q;
	if (l == NULL || (l->rows = calloc(cap ? cap : 1, sizeof *l->rows)) == NULL) {
		free(l);
		return plm_fail(err, PLM_ENOMEM, "out of memory for the substitutions");
	}
	for (size_t i = 0; i < m->L; i++)
		for (size_t b = 0; b < m->q; b++) {
			if ((int)b == m->abc.gap || b == ref[i])
				continue;
			char buf[64];
			score_mutant_name(m, i, ref[i], (uint8_t)b, buf, sizeof buf);
			mutlist_row *r = &l->rows[l->n];
			if ((r->mutant = plm_strdup(buf, err)) == NULL) {
				mutlist_destroy(l);
				return PLM_ENOMEM;
			}
			r->line = ++l->n;
		}
	*out = l;
	return PLM_OK;
}

void score_put_num(FILE *fp, double x)
{
	if (isnan(x))
		fputs("\tNA", fp);
	else
		fprintf(fp, "\t%.6f", x);
}

size_t score_write_mutants(FILE *fp, const mutlist *list, const score_values *val, char *const *why)
{
	size_t nfail = 0;
	fputs("mutant\tdelta_pll\tdelta_energy\tdelta_unstable\tlogodds\tnote", fp);
	if (list->value_name != NULL)
		fprintf(fp, "\t%s", list->value_name);
	fputc('\n', fp);
	for (size_t k = 0; k < list->n; k++) {
		fputs(list->rows[k].mutant, fp);
		score_put_num(fp, val[k].pll);
		score_put_num(fp, val[k].energy);
		score_put_num(fp, val[k].unstable);
		score_put_num(fp, val[k].logodds);
		fprintf(fp, "\t%s", why[k] ? why[k] : "-");
		if (list->value_name != NULL)
			fprintf(fp, "\t%s", list->rows[k].value && list->rows[k].value[0] ? list->rows[k].value : "NA");
		fputc('\n', fp);
		nfail += why[k] != NULL;
	}
	return nfail;
}

int score_reference(const plm_model *m, const char *model_path, const msa *s, const uint8_t *seqs,
                    const char *refname, uint8_t *ref, plm_err *err)
{
	size_t L = m->L;
	if (s != NULL) {
		size_t k = 0;
		if (refname != NULL) {
			for (k = 0; k < s->n && strcmp(s->in_names[s->in_index[k]], refname) != 0; k++)
				;
			if (k == s->n)
				return plm_fail(err, PLM_EINVAL, "%s: no sequence named '%s' (that the alphabet reads)",
				                s->path, refname);
		} else if (s->n == 0) {
			return plm_fail(err, PLM_EINVAL, "%s: no sequence that the model's alphabet reads", s->path);
		}
		memcpy(ref, seqs + k * L, L);
		return PLM_OK;
	}
	if (m->refseq == NULL)
		return plm_fail(err, PLM_EINVAL, "%s: the model has no reference sequence: give SEQS", model_path);
	for (size_t i = 0; i < L; i++) {
		int a = alphabet_state(&m->abc, (unsigned char)m->refseq[i]);
		ref[i] = (uint8_t)(a < 0 ? (m->abc.gap >= 0 ? m->abc.gap : 0) : a);
	}
	return PLM_OK;
}

size_t score_write_sequences(FILE *out, FILE *stab, const plm_model *m, const msa *s, const uint8_t *seqs,
                             const score_values *val, const double *margins)
{
	size_t L = m->L, k = 0, nfail = 0;
	fputs("name\tpll\tenergy\tunstable\tnote\n", out);
	if (stab != NULL)
		fputs("name\tresidue\tletter\tmargin\n", stab);
	for (size_t t = 0; t < s->nin; t++) {
		const char *name = s->in_names[t];
		if (s->in_status[t] != MSA_KEPT) {
			fprintf(out, "%s\tNA\tNA\tNA\tdropped: an ambiguous or unknown letter (--unknown drop; gap "
			        "reads it as a gap)\n", name);
			nfail++;
			continue;
		}
		fputs(name, out);
		score_put_num(out, val[k].pll);
		score_put_num(out, val[k].energy);
		fprintf(out, "\t%.0f\t-\n", val[k].unstable);
		for (size_t i = 0; stab != NULL && i < L; i++)
			fprintf(stab, "%s\t%ld\t%c\t%.6f\n", name, model_user_index(m, i),
			        alphabet_letter(&m->abc, seqs[k * L + i]), margins[k * L + i]);
		k++;
	}
	return nfail;
}
