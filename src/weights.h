/* weights: sequence weights by identity-threshold neighbourhoods (w_s = 1/n_s), M_eff, weights
 * read from a file, and merging identical rows.  Works on a read msa; no parsing of alignments,
 * no printing, no allocation per pair. */
#ifndef PLMEM_WEIGHTS_H
#define PLMEM_WEIGHTS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "msa.h"

/* Default divergence threshold: neighbours share at least 1 - theta of the kept columns. */
#define WEIGHTS_DEFAULT_THETA 0.2

/* w[s] = 1 / n_s for every kept sequence s (m->n values, kept order), where n_s counts the
 * kept sequences t (s included) whose identity with s, the number of kept columns where the
 * two rows hold the same state (a gap matching a gap counts), is at least (1 - theta) * L,
 * compared in double precision as plmc does.  theta <= 0: every weight is 1.  Runs with
 * OpenMP; the result does not depend on the number of threads. */
int weights_compute(const msa *m, double theta, double *w, plm_err *err);

/* Sum of the N weights (in order). */
double weights_meff(const double *w, size_t n);

/* The depth below which a fit's couplings, contacts and mutant scores are unreliable: M_eff
 * below WEIGHTS_LOW_DEPTH * L (fewer effective sequences than positions; EVcouplings flags
 * alignments by the same ratio).  fit and contacts print the caution; the model records M_eff
 * and L, so any reader can tell. */
#define WEIGHTS_LOW_DEPTH 1.0
/* 1 when MEFF < WEIGHTS_LOW_DEPTH * L, with the caution in MSG (N bytes); else 0, MSG "". */
int weights_low_depth(double meff, size_t L, char *msg, size_t n);

/* Read weights from PATH: one line per INPUT sequence (m->nin lines, input order), either a
 * number or "name<TAB>weight[<TAB>...]" as printed by plmem weights (the name must then match).
 * Lines starting with '#' are skipped.  Weights of the sequences the filters removed are
 * ignored.  W gets the m->n weights of the kept sequences, in kept order. */
int weights_read(const char *path, const msa *m, double *w, plm_err *err);

/* Merge identical kept rows, summing their weights: *useq (nu x L states), *uw (nu weights),
 * in the order of first occurrence.  Deterministic.  The caller frees *useq and *uw. */
int weights_unique(const msa *m, const double *w, uint8_t **useq, double **uw, size_t *nu, plm_err *err);

/* Tests and benchmarks only: force the pair-comparison kernel, "c", "sse2", "avx2" or "auto"
 * (the default: the fastest this processor runs).  Returns -1 when it is not available here.
 * Not thread-safe; every kernel gives the same weights. */
int weights_kernel(const char *name);

#endif
