/* score: what a Potts model says about given sequences (pseudo-log-likelihood, energy with
 * the symmetrised couplings, unstable sites, per-site margins) and about mutants of a
 * reference (parsed from `A24C:K50R` in the user's numbering).  Computes on the dynamics'
 * local fields; never reads files or prints. */
#ifndef PLMEM_SCORE_H
#define PLMEM_SCORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dynamics.h"
#include "err.h"
#include "model.h"
#include "msa.h"

/* The quantities of one sequence a, from the fields f_i(b) = h_i(b) + sum_{j != i} J_ij(b, a_j)
 * of the dynamics model D (asymmetric as fitted, or symmetrised):
 *   pll      = sum_i [f_i(a_i) - log sum_b exp f_i(b)] = sum_i log P(a_i | rest)
 *   energy   = -sum_i h_i(a_i) - sum_{i<j} (J_ij(a_i, a_j) + J_ji(a_j, a_i)) / 2
 *              (the Potts energy for a symmetric model; for an asymmetric one, the energy of
 *              its symmetrised couplings, which do not define the asymmetric conditionals)
 *   unstable = sites that the zero-temperature rule (dynamics.h) would change
 *   margin_i = f_i(a_i) - max_{b != a_i} f_i(b)  (negative: a_i is not the best state)
 * For a mutant, the differences mutant - reference, and
 *   logodds  = sum over its substitutions i: a -> b of f_i(b) - f_i(a) in the reference's
 *              context: the conditional log-odds log P(b | ref) / P(a | ref) of site i's own
 *              row of couplings, summed (additive over sites). */
typedef struct score_values {
	double pll, energy, unstable, logodds;
} score_values;

/* Score N sequences (N x L states): VALUES (N) and, when MARGINS is not NULL, the per-site
 * margins (N x L).  Parallel over sequences with OpenMP. */
int score_sequences(const dyn_model *d, const uint8_t *seqs, size_t n, score_values *values,
                    double *margins, plm_err *err);

/* ---- mutants ---------------------------------------------------------------------------- */

/* The map from the user's residue numbers to model positions (model_user_index). */
typedef struct score_numbering {
	long lo, hi;
	size_t *pos;          /* hi - lo + 1 entries: position, or SIZE_MAX */
} score_numbering;

int score_numbering_init(score_numbering *nb, const plm_model *m, plm_err *err);
void score_numbering_free(score_numbering *nb);

/* Parse TEXT ("A24C", or several joined by ':', ',' or ';' such as "A24C:K50R" or
 * "A24C, K50R"; letters of M's alphabet, numbers in NB's numbering)
 * against the reference REF (L states): at most MAX substitutions into POS/TO (*NSUB).
 * Returns 0, or -1 with a one-line reason in REASON (malformed text, a position outside the
 * model, a letter outside the alphabet, a wild-type letter that is not the reference's, a
 * position given twice, more than MAX substitutions). */
int score_parse_mutant(const char *text, const plm_model *m, const score_numbering *nb,
                       const uint8_t *ref, size_t *pos, uint8_t *to, size_t max, size_t *nsub,
                       char *reason, size_t rlen);

/* Write mutant text for one substitution (e.g. "A24C") into BUF. */
void score_mutant_name(const plm_model *m, size_t pos, uint8_t from, uint8_t to, char *buf, size_t len);

/* Score a batch of mutants of REF: mutant k has NSUB[k] substitutions POS/TO starting at
 * FIRST[k]; DELTA[k] gets mutant minus reference (and logodds).  Mutants with NSUB[k] =
 * SIZE_MAX are skipped (their DELTA is NAN).  Parallel over mutants; the same numbers for any
 * thread count. */
int score_mutants(const dyn_model *d, const uint8_t *ref, size_t n, const size_t *first,
                  const size_t *nsub, const size_t *pos, const uint8_t *to, score_values *delta,
                  plm_err *err);

/* ---- mutant lists ------------------------------------------------------------------------ */

struct mutlist;

/* Score every row of the list LIST (mutlist.h) as a mutant of REF (L states) in M's
 * numbering, on the dynamics model D: VAL[k] mutant minus reference, all NAN when row k cannot
 * be scored, and WHY[k] NULL or the reason (malloc'd; the caller frees each).  A row is never
 * skipped or truncated.  The same numbers for any thread count. */
int score_mutlist(const dyn_model *d, const plm_model *m, const uint8_t *ref, const struct mutlist *list,
                  score_values *val, char **why, plm_err *err);

/* Every single substitution of REF to another non-gap state, in position then state order,
 * as a mutant list (written as score_mutant_name writes them). */
int score_all_substitutions(const plm_model *m, const uint8_t *ref, struct mutlist **out, plm_err *err);

/* The mutants' table: a header "mutant delta_pll delta_energy delta_unstable logodds note",
 * plus the list's score column (e.g. DMS_score) copied as written when it has one; one row per
 * list row with the mutant as written, NA for a number that does not exist (and for a missing
 * copied value), the reason or '-' in note.  Returns the number of rows without a score. */
size_t score_write_mutants(FILE *fp, const struct mutlist *list, const score_values *val, char *const *why);

/* A score as the tables write it: TAB then %.6f, or TAB then NA for NAN. */
void score_put_num(FILE *fp, double x);

/* ---- the reference and the sequence table of `plmem score` ------------------------------- */

/* The reference of the mutants: sequence REFNAME of S (NULL: S's first kept sequence), with
 * SEQS its kept sequences on M's positions; without S, M's reference sequence (letters outside
 * the alphabet read as the gap, or state 0).  REF gets M->L states.  PLM_EINVAL, naming the
 * file or the model path MODEL_PATH, when there is none. */
int score_reference(const plm_model *m, const char *model_path, const msa *s, const uint8_t *seqs,
                    const char *refname, uint8_t *ref, plm_err *err);

/* The sequence scores' table (name pll energy unstable note) to OUT, every input sequence of S
 * in input order (VAL: one per kept sequence; a dropped one gets NA and the reason), and, with
 * STAB (and MARGINS, S->n x L), each kept sequence's site margins (name residue letter margin).
 * Returns the rows with NA. */
size_t score_write_sequences(FILE *out, FILE *stab, const plm_model *m, const msa *s, const uint8_t *seqs,
                             const score_values *val, const double *margins);

#endif
