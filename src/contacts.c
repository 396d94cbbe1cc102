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

int contacts_apc_block(double *F, size_t L, size_t a0, size_t a1, size_t b0, size_t b1, plm_err *err)
{
	if (!(a0 < a1 && a1 <= L && b0 < b1 && b1 <= L) || (a0 < b1 && b0 < a1))
		return plm_fail(err, PLM_EINVAL, "APC block [%zu, %zu) x [%zu, %zu): two disjoint, non-empty ranges "
		                "of the %zu positions needed", a0, a1, b0, b1, L);
	size_t na = a1 - a0, nb = b1 - b0;
	double *row = plm_calloc(na + nb, sizeof *row, "APC means", err), *col = row ? row + na : NULL, all = 0.0;
	if (row == NULL)
		return PLM_ENOMEM;
	for (size_t i = a0; i < a1; i++)
		for (size_t j = b0; j < b1; j++) {
			double f = F[i * L + j];
			row[i - a0] += f;
			col[j - b0] += f;
			all += f;
		}
	for (size_t k = 0; k < na; k++)
		row[k] /= (double)nb;
	for (size_t k = 0; k < nb; k++)
		col[k] /= (double)na;
	all /= (double)(na * nb);
	if (all != 0.0)
		for (size_t i = a0; i < a1; i++)
			for (size_t j = b0; j < b1; j++)
				F[i * L + j] = F[j * L + i] = F[i * L + j] - row[i - a0] * col[j - b0] / all;
	free(row);
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

int contacts_segments(const plm_model *m, long boundary, size_t *na, plm_err *err)
{
	size_t L = m->L, k = 0;
	long first = L ? model_user_index(m, 0) : 0, last = L ? model_user_index(m, L - 1) : 0;
	for (size_t i = 1; i < L; i++)
		if (model_user_index(m, i) <= model_user_index(m, i - 1))
			return plm_fail(err, PLM_EINVAL, "--segments: the model's numbering does not increase along its "
			                "positions (a focus numbered backwards?)");
	while (k < L && model_user_index(m, k) < boundary)
		k++;
	if (k == 0 || k == L)
		return plm_fail(err, PLM_EINVAL, "--segments %ld: the boundary is outside the model (positions %ld-%ld): "
		                "give the first position of the second protein, %ld to %ld", boundary, first, last,
		                first + 1, last);
	*na = k;
	return PLM_OK;
}

void contacts_keep_inter(contacts_pair *p, size_t *n, size_t na)
{
	size_t k = 0;
	for (size_t r = 0; r < *n; r++)
		if ((p[r].i < na) != (p[r].j < na))
			p[k++] = p[r];
	*n = k;
}
