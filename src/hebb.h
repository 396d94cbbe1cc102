/* hebb: the classical Hebbian rule J_ij = (1/N) sum_mu xi_i^mu xi_j^mu (no fields) for binary
 * (q = 2) patterns, as a baseline, stored in the same model format as a pseudo-likelihood
 * fit.  It builds a model; it neither reads files nor prints. */
#ifndef PLMEM_HEBB_H
#define PLMEM_HEBB_H

#include "err.h"
#include "model.h"
#include "msa.h"

/* Build the Hebbian model of the kept sequences of M (spins: state 0 -> -1, state 1 -> +1;
 * N = M->L).  Fails with PLM_EINVAL unless q = 2.  W (one weight per kept sequence) may be
 * NULL; when given, the sum over patterns is weighted.  *out gets a new model (rule "hebb"). */
int hebb_build(const msa *m, const double *w, plm_model **out, plm_err *err);

#endif
