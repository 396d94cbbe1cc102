/* calib: the probability that a ranked pair is a contact, without a structure: a logistic model
 * on the pair's rank per position and the family's M_eff / L, with coefficients fitted across
 * benchmark families (bench/calibrate.c, leave-one-protein-out); and the fitter.
 * Computation only: no files, no printing. */
#ifndef PLMEM_CALIB_H
#define PLMEM_CALIB_H

#include <stddef.h>

#include "contacts.h"
#include "err.h"

/* The features of the pair ranked k (1 = the best score among the pairs at separation >= 6):
 *   f = (1, x, r, x r),  x = log10(M_eff / L) (clamped to [CALIB_X_MIN, CALIB_X_MAX], the range
 *   the coefficients were fitted on), r = log10(k / L);
 * p = 1 / (1 + exp(-beta . f)).  The score itself enters through the rank only: a robust
 * z-score of the score (median, MAD) as a further feature made the held-out calibration worse
 * (bench/RESULTS.md). */
#define CALIB_NFEAT 4
#define CALIB_X_MIN (-1.0)
#define CALIB_X_MAX 2.0

typedef struct calib_model {
	double beta[CALIB_NFEAT];
} calib_model;

/* The coefficients plmem ships: fitted on every pair at separation >= 6 with a known distance
 * in the shared benchmark families (five alignments of four proteins, each also subsampled to
 * every 10th and 40th sequence: M_eff / L from 0.15 to 83), each alignment weighted equally. */
extern const calib_model calib_default;

/* The feature vector of the pair ranked RANK (1 = best) in a family with M_EFF and L positions. */
void calib_features(size_t rank, double meff, size_t L, double f[CALIB_NFEAT]);

/* PROB[k] for every pair P[k] of a ranked list (N pairs, best first, as contacts_rank gives
 * them with no separation limit): the probability of model C at the pair's rank among the
 * pairs at separation >= 6 (USER: position -> user index); a pair closer than that takes the
 * rank the next pair at separation >= 6 would take.  MEFF and L: the family's. */
void calib_ranked(const calib_model *c, const contacts_pair *p, size_t n, const long *user, size_t L, double meff,
                  double *prob);

/* The probability of model C for features F. */
double calib_prob(const calib_model *c, const double f[CALIB_NFEAT]);

/* Weighted logistic regression with a ridge penalty RIDGE/2 |beta|^2 (the intercept free):
 * X is N x CALIB_NFEAT, Y in {0, 1}, W > 0 (NULL: all 1).  Newton's method (iteratively
 * reweighted least squares) until the step is below 1e-10 or 100 iterations.  *OUT gets beta.
 * PLM_EINVAL when N = 0 or a system is singular. */
int calib_fit(const double *X, const unsigned char *y, const double *w, size_t n, double ridge, calib_model *out,
              plm_err *err);

#endif
