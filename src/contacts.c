/* contacts: symmetrisation, zero-sum gauge, Frobenius norm, APC and ranking.  Pure
 * computation on a model in memory: no files, no printing. */
#include "config.h"
#include "contacts.h"

#include <math.h>
#include <stdlib.h>

#include "util.h"

double contacts_block_score(const float *jij, const float *jji, size_t q, int skip)
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
	double sum = 0.0;
	for (size_t a = 0; a < q; a++) {
		if ((int)a == skip)
			continue;
		for (size_t b = 0; b < q; b++) {
			if ((int)b == skip)
				continue;
			double c = s[a * q + b] - row[a] * inv - col[b] * inv + all;
			sum += c * c;
		}
	}
	return sqrt(sum);
}

int contacts_frobenius(const plm_model *m, int include_gap, double *F, plm_err *err)
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
			double v = contacts_block_score(model_J(m, i, j), model_J(m, j, i), q, skip);
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

static int cmp_pair(const void *pa, const void *pb)
{
	const contacts_pair *a = pa, *b = pb;
	if (a->score != b->score)
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
