/* contacts: symmetrisation, zero-sum gauge, Frobenius norm, APC and ranking.  Pure
 * computation on a model in memory: no files, no printing. */
#include "config.h"
#include "contacts.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int contacts_parse_gauge(const char *s, contacts_gauge *g)
{
	if (strcmp(s, "zero-sum") == 0)
		*g = CONTACTS_ZERO_SUM;
	else if (strcmp(s, "stored") == 0)
		*g = CONTACTS_STORED;
	else if (strcmp(s, "mean") == 0)
		*g = CONTACTS_MEAN;
	else
		return -1;
	return 0;
}

double contacts_block_score(const float *jij, const float *jji, size_t q, int skip, contacts_gauge g)
{
	double s[ALPHABET_MAXQ * ALPHABET_MAXQ], row[ALPHABET_MAXQ], col[ALPHABET_MAXQ], all = 0.0;
	for (size_t a = 0; a < q; a++)
		row[a] = col[a] = 0.0;
	for (size_t a = 0; a < q; a++)
		for (size_t b = 0; b < q; b++) {
			double v = 0.5 * ((double)jij[a * q + b] + (double)jji[b * q + a]);
			s[a * q + b] = v;
			row[a] += v;
			col[b] += v;
			all += v;
		}
	double inv = 1.0 / (double)q;
	all *= inv * inv;
	/* zero-sum: S(a,b) - r(a)/q - c(b)/q + m;  mean: S(a,b) - m;  stored: S(a,b)
	 * (r, c: row and column sums, m: the overall mean) */
	double rw = g == CONTACTS_ZERO_SUM ? inv : 0.0;
	double ad = g == CONTACTS_ZERO_SUM ? all : g == CONTACTS_MEAN ? -all : 0.0;
	double sum = 0.0;
	for (size_t a = 0; a < q; a++) {
		if ((int)a == skip)
			continue;
		for (size_t b = 0; b < q; b++) {
			if ((int)b == skip)
				continue;
			double c = s[a * q + b] - row[a] * rw - col[b] * rw + ad;
			sum += c * c;
		}
	}
	return sqrt(sum);
}

int contacts_frobenius(const plm_model *m, int include_gap, contacts_gauge g, double *F, plm_err *err)
{
	size_t L = m->L, q = m->q;
	if (q > ALPHABET_MAXQ)
		return plm_fail(err, PLM_EINVAL, "contacts: q = %zu is too large", q);
	int skip = include_gap ? -1 : m->abc.gap;
	long n = (long)L;
	#pragma omp parallel for schedule(dynamic, 4)
	for (long ii = 0; ii < n; ii++) {
		size_t i = (size_t)ii;
		F[i * L + i] = 0.0;
		for (size_t j = i + 1; j < L; j++) {
			double v = contacts_block_score(model_J(m, i, j), model_J(m, j, i), q, skip, g);
			F[i * L + j] = v;
			F[j * L + i] = v;
		}
	}
	return PLM_OK;
}

int contacts_apc(double *F, size_t L, plm_err *err)
{
	if (L < 3)
		return PLM_OK;
	double *mean = plm_calloc(L, sizeof *mean, "APC", err);
	if (mean == NULL)
		return PLM_ENOMEM;
	double total = 0.0;
	for (size_t i = 0; i < L; i++) {
		double s = 0.0;
		for (size_t j = 0; j < L; j++)
			if (j != i)
				s += F[i * L + j];
		mean[i] = s / (double)(L - 1);
		total += s;
	}
	total /= (double)L * (double)(L - 1);
	if (total != 0.0)
		for (size_t i = 0; i < L; i++)
			for (size_t j = 0; j < L; j++)
				if (j != i)
					F[i * L + j] -= mean[i] * mean[j] / total;
	free(mean);
	return PLM_OK;
}

int contacts_apc_ccmpred(double *F, size_t L, plm_err *err)
{
	double *mean = plm_calloc(L, sizeof *mean, "APC", err);
	if (mean == NULL)
		return PLM_ENOMEM;
	double total = 0.0;
	for (size_t i = 0; i < L; i++) {
		F[i * L + i] = 0.0;
		for (size_t j = 0; j < L; j++)
			mean[i] += F[i * L + j];
		total += mean[i];
		mean[i] /= (double)L;
	}
	total /= (double)L * (double)L;
	double least = INFINITY;
	for (size_t i = 0; i < L; i++)
		for (size_t j = 0; j < L; j++) {
			if (total != 0.0)
				F[i * L + j] -= mean[i] * mean[j] / total;
			if (j > i && F[i * L + j] < least)
				least = F[i * L + j];
		}
	for (size_t i = 0; i < L; i++)
		for (size_t j = 0; j < L; j++)
			F[i * L + j] = j == i ? 0.0 : F[i * L + j] - (L > 1 ? least : 0.0);
	free(mean);
	return PLM_OK;
}

static int cmp_pair(const void *pa, const void *pb)
{
	const contacts_pair *a = pa, *b = pb;
	/* best first; a NaN score ranks after every number (NaN != NaN: without this the
	 * comparison is not an ordering and qsort's result is undefined) */
	int na = isnan(a->score), nb = isnan(b->score);
	if (na != nb)
		return na - nb;
	if (!na && a->score != b->score)
		return a->score > b->score ? -1 : 1;
	if (a->i != b->i)
		return a->i < b->i ? -1 : 1;
	return (a->j > b->j) - (a->j < b->j);
}

int contacts_rank(const plm_model *m, const double *S, long min_sep, contacts_pair **out, size_t *n,
                  plm_err *err)
{
	size_t L = m->L, cap = L * (L - 1) / 2, k = 0;
	*out = NULL;
	*n = 0;
	contacts_pair *p = plm_calloc(cap ? cap : 1, sizeof *p, "contact pairs", err);
	if (p == NULL)
		return PLM_ENOMEM;
	for (size_t i = 0; i < L; i++)
		for (size_t j = i + 1; j < L; j++) {
			long d = model_user_index(m, j) - model_user_index(m, i);
			if (labs(d) < min_sep)
				continue;
			p[k].i = i;
			p[k].j = j;
			p[k].score = S[i * L + j];
			k++;
		}
	qsort(p, k, sizeof *p, cmp_pair);
	*out = p;
	*n = k;
	return PLM_OK;
}
