/* hebb: the Hebbian (Hopfield) couplings of binary patterns, written in the q = 2 Potts layout
 * so that plmem's zero-temperature dynamics are exactly the Hopfield sign dynamics.
 * It builds a model from an alignment in memory; it reads no files and prints nothing.
 *
 * The choice of layout.  A spin s_i = +-1 is state 1 (+1) or state 0 (-1): s(a) = 2a - 1.
 * The Hopfield couplings are K_ij = (1/N) sum_mu w_mu xi_i^mu xi_j^mu (w_mu = 1 without
 * weights), K_ii = 0, no fields.  We store
 *     J_ij(a, b) = s(a) s(b) K_ij / 2,
 * i.e. J_ij(0,0) = J_ij(1,1) = K_ij / 2 and J_ij(0,1) = J_ij(1,0) = -K_ij / 2.  The Potts local
 * field of state a at site i is H_i(a) = sum_j J_ij(a, x_j), so
 *     H_i(1) - H_i(0) = sum_j (s(1) - s(0)) s(x_j) K_ij / 2 = sum_j K_ij s_j,
 * the Hopfield local field: "take the state of largest H_i" is "s_i = sign(sum_j K_ij s_j)"
 * (a tie, sum = 0, is broken by the dynamics' own rule).  This is also the Ising energy
 * -1/2 sum_ij K_ij s_i s_j written as a Potts energy, and it is in the zero-sum gauge. */
#include "hebb.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "weights.h"

/* Settings and provenance of a Hebbian model: the alignment's numbering (model module), no
 * optimisation, no fields, M_eff and the number of distinct patterns. */
static int copy_provenance(const msa *m, const double *w, plm_model *mod, plm_err *err)
{
	int rc = model_copy_alignment(mod, m, err);
	if (rc != PLM_OK)
		return rc;
	snprintf(mod->rule, sizeof mod->rule, "%s", MODEL_RULE_HEBB);
	mod->lambda_h = 0.0;
	mod->lambda_j = 0.0;
	mod->theta = 0.0;
	mod->tol = 0.0;
	mod->no_fields = 1;
	mod->max_iter = 0;
	uint8_t *useq = NULL;
	double *uw = NULL;
	size_t nu = 0;
	rc = weights_unique(m, w, &useq, &uw, &nu, err);
	if (rc != PLM_OK)
		return rc;
	free(useq);
	free(uw);
	mod->nunique = nu;
	double meff = 0.0;
	for (size_t s = 0; s < m->n; s++)
		meff += w ? w[s] : 1.0;
	mod->meff = meff;
	/* no optimisation: no per-site convergence records */
	model_drop_convergence(mod);
	return PLM_OK;
}

int hebb_build(const msa *m, const double *w, plm_model **out, plm_err *err)
{
	*out = NULL;
	if (m == NULL || m->abc.q != 2)
		return plm_fail(err, PLM_EINVAL,
		                "the Hebbian rule needs binary data (q = 2), not the %s alphabet (q = %zu)",
		                m ? m->abc.name : "?", m ? m->abc.q : (size_t)0);
	if (m->n == 0)
		return plm_fail(err, PLM_EINVAL, "%s: no sequences left to build a Hebbian model from",
		                m->path ? m->path : "alignment");
	if (w != NULL)
		for (size_t s = 0; s < m->n; s++)
			if (!(w[s] >= 0.0))
				return plm_fail(err, PLM_EINVAL, "Hebbian rule: weight %zu is negative or NaN", s + 1);
	size_t L = m->L, n = m->n, nL;
	if (size_mul(n, L, &nL) != 0)
		return plm_fail(err, PLM_ERANGE, "Hebbian rule: %zu x %zu patterns overflow", n, L);

	plm_model *mod = NULL;
	int rc = model_create(L, 2, &mod, err);
	if (rc != PLM_OK)
		return rc;
	rc = copy_provenance(m, w, mod, err);
	if (rc != PLM_OK) {
		model_destroy(mod);
		return rc;
	}

	/* spins as doubles, pattern-major: x[s * L + i] = +-1 */
	double *x = plm_calloc(nL ? nL : 1, sizeof *x, "Hebbian spins", err);
	if (x == NULL) {
		model_destroy(mod);
		return PLM_ENOMEM;
	}
	for (size_t k = 0; k < nL; k++)
		x[k] = m->seq[k] ? 1.0 : -1.0;

	/* Row i of K: (1/N) sum_s w_s x_si x_s.  Rows are independent, each summed in pattern
	 * order by one thread: the result does not depend on the thread count. */
	const double scale = 1.0 / (double)L;
	int fail = 0;
#pragma omp parallel
	{
		double *acc = malloc((L ? L : 1) * sizeof *acc);
		if (acc == NULL) {
#pragma omp atomic write
			fail = 1;
		}
#pragma omp for schedule(dynamic, 8)
		for (size_t i = 0; i < L; i++) {
			if (acc == NULL)
				continue;
			memset(acc, 0, L * sizeof *acc);
			for (size_t s = 0; s < n; s++) {
				double c = (w ? w[s] : 1.0) * x[s * L + i];
				const double *xs = x + s * L;
				for (size_t j = 0; j < L; j++)
					acc[j] += c * xs[j];
			}
			for (size_t j = 0; j < L; j++) {
				if (j == i)
					continue; /* J_ii = 0, as model_create left it */
				float k = (float)(0.5 * scale * acc[j]);
				float *Jij = model_J(mod, i, j);
				Jij[0] = k;  /* (0,0): (-1)(-1) */
				Jij[1] = -k; /* (0,1) */
				Jij[2] = -k; /* (1,0) */
				Jij[3] = k;  /* (1,1) */
			}
		}
		free(acc);
	}
	free(x);
	if (fail) {
		model_destroy(mod);
		return plm_fail(err, PLM_ENOMEM, "out of memory (Hebbian rule workspace)");
	}
	*out = mod;
	return PLM_OK;
}
