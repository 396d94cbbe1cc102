/* modelstats: what a model records of its training data (plmem-model(5), the statistics
 * section): the per-sequence weights, the weighted single-site and pair frequencies, under
 * the size rules below.  Computes from a read alignment; never prints, never reads files. */
#ifndef PLMEM_MODELSTATS_H
#define PLMEM_MODELSTATS_H

#include <stddef.h>

#include "err.h"
#include "model.h"
#include "msa.h"

/* The per-sequence weights (8 bytes each) are kept when they take at most this many bytes,
 * or no more than the couplings J do: a list smaller than the model costs nothing worth
 * saving.  Beyond, the model keeps only their counts and sum (nseq_in, nseq, meff). */
#define MODELSTATS_WEIGHTS_MIN_BYTES ((size_t)1 << 20)
/* The pair frequencies (L (L - 1) / 2 q^2 floats, half the size of J) are kept by default
 * when they take at most this many bytes: L <= 1,103 at q = 21, every binary model up to
 * L = 11,585. */
#define MODELSTATS_FIJ_MAX_BYTES ((size_t)1 << 30)

/* Which pair frequencies to keep: by the size rule, always, never. */
typedef enum modelstats_fij { MODELSTATS_FIJ_AUTO = 0, MODELSTATS_FIJ_YES, MODELSTATS_FIJ_NO } modelstats_fij;

/* 1 when the weight list of NSEQ_IN sequences is kept for a model of L positions and Q states. */
int modelstats_keep_weights(size_t nseq_in, size_t L, size_t q);
/* 1 when the pair frequencies of a model of L positions and Q states are kept under RULE. */
int modelstats_keep_fij(size_t L, size_t q, modelstats_fij rule);
/* The bytes modelstats_record allocates beyond the model's own (for memory estimates). */
size_t modelstats_bytes(size_t nseq_in, size_t L, size_t q, modelstats_fij rule);

/* Record in MOD (made for M: model_create(M->L, M->abc.q)) the statistics of the kept
 * sequences of M with weights W (one per kept sequence, NULL: all 1), as plmc computes them:
 *   weights[k] = w_s for the input sequence k kept as s, 0 for a dropped one;
 *   f_i(a)     = sum_s w_s [a_s,i = a] / M_eff,
 *   f_ij(a, b) = sum_s w_s [a_s,i = a] [a_s,j = b] / M_eff   (i < j),
 * M_eff = sum_s w_s, the gap a state like the others, no pseudocount, sums in double in the
 * order of the sequences (bit-identical for any number of threads), stored as float.
 * The lists that the size rules leave out stay NULL.  Nothing is recorded when M_eff <= 0. */
int modelstats_record(plm_model *mod, const msa *m, const double *w, modelstats_fij rule, plm_err *err);

#endif
