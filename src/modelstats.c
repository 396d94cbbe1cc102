/* modelstats: the training data's weights and frequencies, recorded in a model under the
 * size rules of modelstats.h.  Sums in double in sequence order, in parallel over the first
 * position of a pair only (each thread owns its rows): the same bits for any thread count. */
#include "config.h"
#include "modelstats.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

int modelstats_keep_weights(size_t nseq_in, size_t L, size_t q)
{
	size_t jb, wb;
	if (size_mul(nseq_in, sizeof(double), &wb) != 0)
		return 0;
	if (wb <= MODELSTATS_WEIGHTS_MIN_BYTES)
		return 1;
	return model_j_bytes(L, q, &jb) != 0 || wb <= jb;
}

int modelstats_keep_fij(size_t L, size_t q, modelstats_fij rule)
{
	size_t n = model_fij_floats(L, q);
	if (rule == MODELSTATS_FIJ_NO || L < 2 || n == 0)
		return 0;
	return rule == MODELSTATS_FIJ_YES || n <= MODELSTATS_FIJ_MAX_BYTES / sizeof(float);
}

size_t modelstats_bytes(size_t nseq_in, size_t L, size_t q, modelstats_fij rule)
{
	size_t b = size_sat_mul(L * q, sizeof(float));
	if (modelstats_keep_weights(nseq_in, L, q))
		b = size_sat_add(b, size_sat_mul(nseq_in, sizeof(double)));
	if (modelstats_keep_fij(L, q, rule))
		b = size_sat_add(b, size_sat_mul(model_fij_floats(L, q), sizeof(float)));
	return b;
}

static int record_weights(plm_model *mod, const msa *m, const double *w, plm_err *err)
{
	if (!modelstats_keep_weights(m->nin, m->L, m->abc.q) || m->nin == 0)
		return PLM_OK;
	mod->weights = plm_calloc(m->nin, sizeof *mod->weights, "sequence weights", err);
	if (mod->weights == NULL)
		return PLM_ENOMEM;
	mod->nweights = m->nin;
	for (size_t s = 0; s < m->n; s++)
		mod->weights[m->in_index ? m->in_index[s] : s] = w ? w[s] : 1.0;
	return PLM_OK;
}

static int record_fi(plm_model *mod, const msa *m, const double *w, double zinv, plm_err *err)
{
	size_t L = m->L, q = m->abc.q;
	double *f = plm_calloc(L * q, sizeof *f, "frequencies", err);
	mod->fi = f ? plm_calloc(L * q, sizeof *mod->fi, "frequencies", err) : NULL;
	if (mod->fi == NULL) {
		free(f);
		return PLM_ENOMEM;
	}
	for (size_t s = 0; s < m->n; s++) {
		double ws = (w ? w[s] : 1.0) * zinv;
		for (size_t i = 0; i < L; i++)
			f[i * q + m->seq[s * L + i]] += ws;
	}
	for (size_t k = 0; k < L * q; k++)
		mod->fi[k] = (float)f[k];
	free(f);
	return PLM_OK;
}

/* f_ij for the pairs (i, j > i) of one row i, summed in ACC ((L - 1 - i) q^2 doubles). */
static void fij_row(plm_model *mod, const msa *m, const double *w, double zinv, size_t i, double *acc)
{
	size_t L = m->L, q = m->abc.q, qq = q * q, n = (L - 1 - i) * qq;
	memset(acc, 0, n * sizeof *acc);
	for (size_t s = 0; s < m->n; s++) {
		const uint8_t *a = m->seq + s * L;
		double ws = (w ? w[s] : 1.0) * zinv;
		double *r = acc + (size_t)a[i] * q;
		for (size_t j = i + 1; j < L; j++)
			r[(j - i - 1) * qq + a[j]] += ws;
	}
	float *out = model_fij(mod, i, i + 1);
	for (size_t k = 0; k < n; k++)
		out[k] = (float)acc[k];
}

static int record_fij(plm_model *mod, const msa *m, const double *w, double zinv, plm_err *err)
{
	size_t L = m->L, q = m->abc.q;
	mod->fij = plm_calloc(model_fij_floats(L, q), sizeof *mod->fij, "pair frequencies", err);
	if (mod->fij == NULL)
		return PLM_ENOMEM;
	int oom = 0;
	#pragma omp parallel reduction(| : oom)
	{
		double *acc = malloc((L - 1) * q * q * sizeof *acc);
		oom = acc == NULL;
		#pragma omp for schedule(dynamic, 1)
		for (long ii = 0; ii < (long)L - 1; ii++)
			if (acc != NULL)
				fij_row(mod, m, w, zinv, (size_t)ii, acc);
		free(acc);
	}
	if (oom) {
		free(mod->fij);
		mod->fij = NULL;
		return plm_fail(err, PLM_ENOMEM, "out of memory (pair frequencies)");
	}
	return PLM_OK;
}

int modelstats_record(plm_model *mod, const msa *m, const double *w, modelstats_fij rule, plm_err *err)
{
	double meff = 0.0;
	for (size_t s = 0; s < m->n; s++)
		meff += w ? w[s] : 1.0;
	if (!(meff > 0.0) || m->L != mod->L || m->abc.q != mod->q)
		return PLM_OK;
	double zinv = 1.0 / meff;
	int rc = record_weights(mod, m, w, err);
	if (rc == PLM_OK)
		rc = record_fi(mod, m, w, zinv, err);
	if (rc == PLM_OK && modelstats_keep_fij(m->L, m->abc.q, rule))
		rc = record_fij(mod, m, w, zinv, err);
	if (rc != PLM_OK)
		model_drop_stats(mod);
	return rc;
}
