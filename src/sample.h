/* sample: finite-temperature (heat-bath, Gibbs) sampling of a Potts model on the dynamics'
 * incrementally updated local fields, and the statistics that compare samples with an
 * alignment.  It computes on states in memory; it never reads files or prints. */
#ifndef PLMEM_SAMPLE_H
#define PLMEM_SAMPLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "alphabet.h"
#include "dynamics.h"
#include "err.h"
#include "msa.h"

/* The heat bath at inverse temperature beta: site i takes state a with probability
 *   P(a_i = a | rest) = exp(beta field_i(a)) / sum_b exp(beta field_i(b)),
 *   field_i(a) = h_i(a) + sum_{j != i} J_ij(a, a_j)
 * (the fields of dynamics.h).  Sequential updates (sites in ascending order, or a new random
 * order each sweep) with symmetric J leave the Boltzmann distribution
 * P(a) ~ exp(-beta E(a)) invariant; with asymmetric J the chain still has a stationary
 * distribution (it is irreducible for finite beta) but it is not exp(-beta E) for any energy.
 * Parallel updates draw every site from the fields of the previous state (synchronous
 * dynamics; its stationary distribution is not the Boltzmann one even for symmetric J).
 * beta = INFINITY is the zero-temperature rule of dynamics.h itself (dyn_sweep): the same
 * run as `relax` from the same start. */
typedef struct sample_opts {
	double beta;          /* inverse temperature, > 0, or INFINITY */
	dyn_update update;    /* sequential (DYN_DEFAULT_UPDATE) or parallel */
	dyn_order order;      /* sequential: ascending, or random each sweep */
	uint64_t seed;
} sample_opts;

#define SAMPLE_DEFAULT_BETA 1
#define SAMPLE_DEFAULT_SEED 1

void sample_opts_default(sample_opts *o);

/* N chains.  Chain c uses rng stream c of the seed for everything it draws, and starts from
 * starts[(c mod nstarts) * L] (nstarts > 0), or, when starts is NULL, from a sequence drawn
 * uniformly (every site, every state) from that stream: results depend on neither the thread
 * count nor the number of sweeps per sample_chains_run call. */
typedef struct sample_chains sample_chains;

int sample_chains_create(const dyn_model *d, const sample_opts *o, size_t n, const uint8_t *starts,
                         size_t nstarts, sample_chains **out, plm_err *err);
void sample_chains_destroy(sample_chains *s);
/* Advance every chain by SWEEPS sweeps (in parallel over chains with OpenMP). */
int sample_chains_run(sample_chains *s, size_t sweeps, plm_err *err);
size_t sample_chains_count(const sample_chains *s);
/* Sweeps run so far; the states (n x L); the energy of chain C with the symmetrised couplings
 * (dyn_work_energy: the energy when the model is symmetric). */
size_t sample_chains_sweeps(const sample_chains *s);
const uint8_t *sample_chains_states(const sample_chains *s);
double sample_chains_energy(const sample_chains *s, size_t c);

/* ---- comparison with an alignment ------------------------------------------------------ */

/* The one- and two-site frequencies of a weighted alignment (N x L states < Q, weights W or
 * NULL for 1 each), kept for sample_ref_compare, with its distinct sequences for the overlaps. */
typedef struct sample_ref sample_ref;

int sample_ref_create(const uint8_t *seqs, const double *w, size_t n, size_t L, size_t q,
                      sample_ref **out, plm_err *err);
void sample_ref_destroy(sample_ref *r);
/* The reference of alignment S, its kept sequences SEQS on the model's L positions (S->n x L),
 * weighted as fit weighs them (weights.h, threshold THETA; 0: every weight 1). */
int sample_ref_weighted(const msa *s, const uint8_t *seqs, double theta, size_t L, size_t q,
                        sample_ref **out, plm_err *err);

typedef struct sample_stats {
	double r_f1;      /* Pearson r of the one-site frequencies f_i(a), all i, a */
	double r_c2;      /* Pearson r of the connected correlations
	                     C_ij(a, b) = f_ij(a, b) - f_i(a) f_j(b), all i < j, a, b */
	double r_f2;      /* Pearson r of the two-site frequencies f_ij(a, b), i < j */
	double overlap;   /* mean over the samples of the largest fraction of identical sites
	                     with any sequence of the alignment */
	double overlap_min, overlap_max;
} sample_stats;

/* Compare N samples (N x L, equal weights) with the alignment.  Parallel over positions and
 * samples; the same numbers for any thread count. */
int sample_ref_compare(const sample_ref *r, const uint8_t *samples, size_t n, sample_stats *st,
                       plm_err *err);

/* The statistics' TSV: the header line, and one row of N samples: at sweep SWEEP, or, when
 * POOLED, of the samples pooled over the sweeps after the burn-in (sweep NA, pooled 1): every
 * column holds one type. */
extern const char sample_stats_header[];
void sample_write_stats(FILE *fp, size_t sweep, int pooled, size_t n, const sample_stats *st);

/* ---- the run of `plmem sample` ---------------------------------------------------------- */

/* Called with each comparison: at sweep SWEEP (0: the starts), or POOLED over every written
 * sample; N the samples compared. */
typedef void (*sample_stats_fn)(void *ctx, size_t sweep, int pooled, size_t n, const sample_stats *st);

typedef struct sample_run_opts {
	size_t sweeps;        /* sweeps per chain, burn-in included */
	size_t burn_in;       /* no sample written at or before this sweep */
	size_t every;         /* a sample (and a comparison) every EVERY sweeps, >= 1 */
	int lines;            /* samples one per line instead of FASTA (chain, sweep, energy) */
	const sample_ref *ref; /* compare with this alignment, or NULL */
	size_t pool_bytes;    /* the pooled comparison only while the written samples fit */
	sample_stats_fn stats;
	void *stats_ctx;
} sample_run_opts;

#define SAMPLE_POOL_BYTES ((size_t)256 << 20)

/* Advance CH by O->every sweeps at a time while the total stays <= O->sweeps, writing every
 * chain's state after the burn-in to OUT in ABC's letters, and, with O->ref, the comparisons at
 * sweep 0, at each step and over the pooled samples (when they fit in O->pool_bytes) through
 * O->stats.  *RUN_S: the seconds spent in the chains. */
int sample_run(sample_chains *ch, const plm_alphabet *abc, const sample_run_opts *o, FILE *out,
               double *run_s, plm_err *err);

/* A gnuplot script drawing the correlations and the mean overlap of the statistics' TSV
 * TSV_PATH against the sweeps, to PNG_PATH (plot.h runs it). */
int sample_write_gnuplot(FILE *fp, const char *tsv_path, const char *png_path);

#endif
