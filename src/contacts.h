/* contacts: contact scores from a Potts model: symmetrise the two directions of the
 * asymmetric couplings, move each block to the zero-sum gauge, take its Frobenius norm and
 * apply the average product correction (APC); rank the pairs.  Never prints or reads files. */
#ifndef PLMEM_CONTACTS_H
#define PLMEM_CONTACTS_H

#include <stddef.h>

#include "err.h"
#include "model.h"

/* The gauge in which a block is scored:
 *   CONTACTS_ZERO_SUM  double-centred over all q x q states (row and column means subtracted,
 *                      overall mean added): the default, and the usual DCA score;
 *   CONTACTS_STORED    as stored: plmc's own scores (-c) use its couplings as fitted;
 *   CONTACTS_MEAN      only the block's overall mean (over all q x q) subtracted: CCMpred's. */
typedef enum contacts_gauge { CONTACTS_ZERO_SUM = 0, CONTACTS_STORED, CONTACTS_MEAN } contacts_gauge;

/* "zero-sum", "stored" or "mean" -> the gauge; -1 for anything else. */
int contacts_parse_gauge(const char *s, contacts_gauge *g);

/* Frobenius norm of the symmetrised block S(a, b) = (JIJ[a*q + b] + JJI[b*q + a]) / 2 in
 * gauge G; the norm skips state SKIP (row and column) unless SKIP < 0. */
double contacts_block_score(const float *jij, const float *jji, size_t q, int skip, contacts_gauge g);

/* F (L x L, row-major, symmetric, zero diagonal): contacts_block_score for every pair of
 * M in gauge G, skipping the alphabet's gap unless INCLUDE_GAP (or the alphabet has no gap).
 * Parallel over pairs; the result does not depend on the thread count. */
int contacts_frobenius(const plm_model *m, int include_gap, contacts_gauge g, double *F, plm_err *err);

/* Average product correction, in place on F (L x L):
 *   F_ij <- F_ij - F_i. F_.j / F_..
 * with F_i. the mean of F_ij over j != i and F_.. the mean over all i != j (as plmc and
 * PlmDCA).  Needs L >= 3; when F_.. = 0 it leaves F unchanged. */
int contacts_apc(double *F, size_t L, plm_err *err);

/* CCMpred's APC, in place on F (L x L): the means run over all L entries of a row and all
 * L^2 entries, the zero diagonal included, F_ij <- F_ij - m_i m_j / m (a correction (L-1)/L
 * times the one above), then every score is shifted so that the smallest off-diagonal one
 * is 0, and the diagonal set to 0.  When m = 0 it only shifts. */
int contacts_apc_ccmpred(double *F, size_t L, plm_err *err);

/* APC within one inter-protein block, in place on F (L x L, symmetric): for the pairs i in
 * [A0, A1), j in [B0, B1) (two disjoint position ranges, e.g. the two proteins of a
 * concatenated alignment)
 *   F_ij <- F_ij - F_iB F_Aj / F_AB
 * with F_iB the mean of F_ij over j in B, F_Aj the mean over i in A and F_AB the block's mean
 * (as EVcomplex corrects inter-protein scores apart from the intra-protein ones); F_ji gets the
 * same value; other entries are unchanged.  When F_AB = 0 it changes nothing. */
int contacts_apc_block(double *F, size_t L, size_t a0, size_t a1, size_t b0, size_t b1, plm_err *err);

typedef struct contacts_pair {
	size_t i, j;  /* 0-based model positions, i < j */
	double score;
} contacts_pair;

/* The pairs i < j of M with |user(i) - user(j)| >= MIN_SEP (user numbering: see
 * model_user_index), ranked by decreasing S (ties: by i, then j).  *OUT (caller frees)
 * gets *N pairs. */
int contacts_rank(const plm_model *m, const double *S, long min_sep, contacts_pair **out, size_t *n,
                  plm_err *err);

/* The list table (plmem contacts -f list): this header line, then one pair per row with
 * these columns for every model, NA where a value does not exist (res_i res_j without a
 * reference sequence).  Columns added later go after res_j. */
#define CONTACTS_LIST_HEADER "i j score res_i res_j probability distance"

/* The two proteins of a model fitted on a concatenated alignment: positions with a user index
 * (model_user_index) below BOUNDARY are the first, the others the second.  *NA gets the number
 * of positions of the first.  Refuses (PLM_EINVAL) a boundary that leaves either protein empty
 * (outside the model's numbering) and a model whose numbering does not increase. */
int contacts_segments(const plm_model *m, long boundary, size_t *na, plm_err *err);

/* Keep, in place and in order, the pairs of P (*N) between the first NA positions and the
 * others; *N gets their count. */
void contacts_keep_inter(contacts_pair *p, size_t *n, size_t na);

#endif
