/* dynamics: zero-temperature dynamics of a Potts model (sequential or parallel argmax updates
 * of the local fields, kept up to date incrementally), noisy starts, cycle detection.
 * It computes on states in memory; it never reads files or prints. */
#ifndef PLMEM_DYNAMICS_H
#define PLMEM_DYNAMICS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "model.h"
#include "rng.h"

/* The couplings arranged for the dynamics: for each site j and state b, the L x q block of
 * J_ij(a, b) over all (i, a) is contiguous, so that a change at j updates every local field
 * with one pass over L * q floats:  JT[((j * q + b) * L + i) * q + a] = J_ij(a, b). */
typedef struct dyn_model {
	size_t L, q;
	float *h;      /* L x q, h[i * q + a] */
	float *JT;     /* L * q * L * q, see above */
	int symmetric; /* 1 when J_ij(a, b) = J_ji(b, a) (symmetrized, or symmetric as given):
	                  the energy is then defined */
	double *tie;   /* L: tie tolerance of each site (see dyn_run) */
} dyn_model;

/* Build from M (which may be freed afterwards), with a copy of its couplings.
 * SYMMETRIZE: use (J_ij + J_ji^T) / 2.  M must hold all its rows of J.  Runs in parallel with
 * OpenMP over sites. */
int dyn_model_create(const plm_model *m, int symmetrize, dyn_model **out, plm_err *err);
/* The same, taking M's couplings instead of copying them: M->J is rearranged in place (no
 * second copy of J; a buffer of L q q floats per thread) and belongs to the dynamics model
 * afterwards, M->J = NULL (the rest of M stays usable).  On failure M is unchanged. */
int dyn_model_take(plm_model *m, int symmetrize, dyn_model **out, plm_err *err);
void dyn_model_destroy(dyn_model *d);

typedef enum dyn_update { DYN_UPDATE_SEQUENTIAL = 0, DYN_UPDATE_PARALLEL } dyn_update;
typedef enum dyn_order { DYN_ORDER_ASCENDING = 0, DYN_ORDER_RANDOM } dyn_order;
typedef enum dyn_status { DYN_FIXED = 0, DYN_CYCLE, DYN_MAX_SWEEPS } dyn_status;
/* The option names of the update and order enums, indexed by value, NULL-terminated. */
extern const char *const dyn_update_names[];
extern const char *const dyn_order_names[];

#define DYN_MAX_SWEEPS_DEFAULT 1000
/* The default update and order of every command that runs dynamics (relax, sample, sweep),
 * as names of dyn_update_names and dyn_order_names: dyn_opts_default and sample_opts_default
 * take their values from these, and -h shows them through PLM_STR (util.h). */
#define DYN_DEFAULT_UPDATE sequential
#define DYN_DEFAULT_ORDER ascending

typedef struct dyn_opts {
	dyn_update update;  /* sequential (default) or parallel (all sites from the previous state) */
	dyn_order order;    /* sequential updates: sites 1..L, or a new random permutation per sweep */
	size_t max_sweeps;  /* bound on the sweeps (parallel: steps) */
	int one_by_one;     /* dyn_run_batch: each run alone, fields kept by flips (the reference
	                       for the batched paths; same ends, see dyn_run_batch) */
} dyn_opts;

void dyn_opts_default(dyn_opts *o);
/* "fixed", "cycle", "max-sweeps". */
const char *dyn_status_name(dyn_status s);

typedef struct dyn_result {
	dyn_status status;
	size_t sweeps;   /* sweeps that changed the state (fixed), or sweeps run (cycle, max-sweeps) */
	size_t flips;    /* single-site changes in all */
	size_t cycle;    /* cycle length in sweeps (DYN_CYCLE), else 0 */
	double energy;   /* energy of the end state when d->symmetric, else NAN */
} dyn_result;

/* A workspace for one run at a time (one per thread): the state, the local fields, the
 * visited-state table. */
typedef struct dyn_work dyn_work;

int dyn_work_create(const dyn_model *d, dyn_work **out, plm_err *err);
void dyn_work_destroy(dyn_work *w);

/* Load state A (L states < q) and compute its local fields from scratch:
 * field_i(a) = h_i(a) + sum_{j != i} J_ij(a, a_j). */
void dyn_work_set(const dyn_model *d, dyn_work *w, const uint8_t *a);
/* Copy the state and fields of SRC into DST (workspaces of the same model). */
void dyn_work_copy(const dyn_model *d, dyn_work *dst, const dyn_work *src);
/* Set site J to state B and update every local field in O(L q). */
void dyn_work_flip(const dyn_model *d, dyn_work *w, size_t j, uint8_t b);
/* The current state (L) and local fields (L x q, doubles). */
const uint8_t *dyn_work_state(const dyn_work *w);
const double *dyn_work_fields(const dyn_work *w);

/* Run the dynamics from A (L states); A gets the end state.  RNG is used only with
 * DYN_ORDER_RANDOM (it may be NULL otherwise).
 *
 * The update rule: a site moves to the state of largest local field, except that it stays
 * when its current state's field is within tie_i of the largest: ties never move a site.
 * tie_i = DYN_TIE_REL * (max_a |h_i(a)| + sum_j max_ab |J_ij(a, b)|), a few float roundings
 * of the terms the field adds up, so that a tie in exact arithmetic (a Hebbian field of 0)
 * stays a tie with the couplings stored as floats.  Among several largest states, the
 * lowest wins.
 * Fixed point: a sweep that changes no site.  Cycle: the state at a sweep boundary equals the
 * state at an earlier sweep boundary; its length is the number of sweeps between the two.
 * (States are compared at sweep boundaries only.  With DYN_ORDER_RANDOM the sweeps are not a
 * fixed map, so a revisited state means the run keeps returning without settling, not a
 * strict period.)  Visited states are kept by 64-bit hash, and the latest ones in full to
 * confirm a match; beyond that window, a hash match is taken as a revisit. */
void dyn_run(const dyn_model *d, const dyn_opts *o, dyn_work *w, uint8_t *a, plm_rng *rng,
             dyn_result *res);

/* The same, from the state already in W (loaded by dyn_work_set and dyn_work_flip); the end
 * state stays in W (dyn_work_state). */
void dyn_run_loaded(const dyn_model *d, const dyn_opts *o, dyn_work *w, plm_rng *rng, dyn_result *res);

/* The pieces of a run, for other dynamics on the same fields (sample.c's heat bath):
 * one zero-temperature sweep of the state in W by the rule above (returns the sites changed);
 * the site order of a sequential sweep (0..L-1, or a new random permutation drawn from RNG),
 * kept in W until the next call; the new state of site I by the rule above, given its
 * fields F (q values); and -sum_i (h_i(a_i) + field_i(a_i)) / 2 of the state in W, which is
 * E = -sum_i h_i(a_i) - sum_{i<j} (J_ij(a_i, a_j) + J_ji(a_j, a_i)) / 2: the energy with the
 * symmetrised couplings, whether or not D is symmetric. */
size_t dyn_sweep(const dyn_model *d, const dyn_opts *o, dyn_work *w, plm_rng *rng);
const size_t *dyn_sweep_order(dyn_work *w, dyn_order order, plm_rng *rng);
uint8_t dyn_site_rule(const dyn_model *d, size_t i, const double *f, uint8_t cur);
double dyn_work_energy(const dyn_model *d, const dyn_work *w);

/* Relative tolerance of the tie rule above (about 8 float roundings). */
#define DYN_TIE_REL 1e-6

/* Local fields of A from scratch (L x q doubles). */
void dyn_fields(const dyn_model *d, const uint8_t *a, double *f);
/* *fixed = 1 when A is a fixed point (by the rule above, fields from scratch), else 0.
 * Returns PLM_OK, or PLM_ENOMEM (and *fixed = 0) when the field buffer cannot be allocated. */
int dyn_is_fixed(const dyn_model *d, const uint8_t *a, int *fixed);
/* E = -sum_i h_i(a_i) - sum_{i<j} J_ij(a_i, a_j) from scratch (meaningful for symmetric J;
 * with asymmetric J this uses J_ij for i < j). */
double dyn_energy(const dyn_model *d, const uint8_t *a);

/* Replace exactly round(FRAC * L) sites, chosen at random, by a different state drawn
 * uniformly among the q - 1 others.  Returns the number of sites changed. */
size_t dyn_noise(uint8_t *a, size_t L, size_t q, double frac, plm_rng *rng);
/* Fraction of identical sites. */
double dyn_overlap(const uint8_t *a, const uint8_t *b, size_t L);

/* A batch of independent runs, in parallel with OpenMP: for start s (0 <= s < n) and repeat
 * r (0 <= r < repeats), run k = s * repeats + r uses rng stream
 * (first_index + s) * 2^32 + first_repeat + r of SEED, so results do not depend on the thread
 * count nor on how the starts and repeats are split into batches.
 * Binary models (q = 2) under parallel updates run in blocks: a step of a block of runs is one
 * matrix product (sgemm, states x couplings), runs leave the block when they end and new ones
 * take their places (when the coupling matrix, 12 L^2 bytes, takes at most a quarter of
 * memory).  Its float sums are certified: a site whose float field lies within the
 * rounding bound of its tie threshold is decided again in double, so every decision is the
 * one exact arithmetic makes (as in the one-run path, up to double rounding, relative 1e-13
 * of the field's terms): the same ends, statuses, sweeps, flips and cycles; energies (of
 * symmetric models) are summed from scratch, equal to about 1e-12.  Cycles of more than
 * 64 KiB / L sweeps are confirmed by 64-bit hash only.  Other cases run one at a time per
 * thread (o->one_by_one forces this, for tests).
 * starts: n x L.  noisy, ends: (n * repeats) x L outputs; res: n * repeats results. */
typedef struct dyn_batch {
	size_t n, repeats;
	size_t first_index;  /* index of starts[0] in the whole input (for the rng streams) */
	size_t first_repeat; /* number of the first repeat (for the rng streams), < 2^32 */
	double noise;        /* fraction of sites replaced before the run */
	uint64_t seed;
	const uint8_t *starts;
	uint8_t *noisy;
	uint8_t *ends;
	dyn_result *res;
} dyn_batch;

int dyn_run_batch(const dyn_model *d, const dyn_opts *o, dyn_batch *b, plm_err *err);

#endif
