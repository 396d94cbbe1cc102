/* contacts: contact scores from a Potts model: symmetrise the two directions of the
 * asymmetric couplings, move each block to the zero-sum gauge, take its Frobenius norm and
 * apply the average product correction (APC); rank the pairs.  Never prints or reads files. */
#ifndef PLMEM_CONTACTS_H
#define PLMEM_CONTACTS_H

#include <stddef.h>

#include "err.h"
#include "model.h"

/* Frobenius norm of the zero-sum-gauge form of the symmetrised block
 *   S(a, b) = (JIJ[a*q + b] + JJI[b*q + a]) / 2,
 * double-centred over all q x q states (row means and column means subtracted, overall
 * mean added); the norm then skips state SKIP (row and column) unless SKIP < 0. */
double contacts_block_score(const float *jij, const float *jji, size_t q, int skip);

/* F (L x L, row-major, symmetric, zero diagonal): contacts_block_score for every pair of
 * M, skipping the alphabet's gap unless INCLUDE_GAP (or the alphabet has no gap).
 * Parallel over pairs; the result does not depend on the thread count. */
int contacts_frobenius(const plm_model *m, int include_gap, double *F, plm_err *err);

/* Average product correction, in place on F (L x L):
 *   F_ij <- F_ij - F_i. F_.j / F_..
 * with F_i. the mean of F_ij over j != i and F_.. the mean over all i != j.  Needs L >= 3;
 * when F_.. = 0 it leaves F unchanged. */
int contacts_apc(double *F, size_t L, plm_err *err);

typedef struct contacts_pair {
	size_t i, j;  /* 0-based model positions, i < j */
	double score;
} contacts_pair;

/* The pairs i < j of M with |user(i) - user(j)| >= MIN_SEP (user numbering: see
 * model_user_index), ranked by decreasing S (ties: by i, then j).  *OUT (caller frees)
 * gets *N pairs. */
int contacts_rank(const plm_model *m, const double *S, long min_sep, contacts_pair **out, size_t *n,
                  plm_err *err);

#endif
