/* sweep: the memorization-to-generalization sweep (paper Fig. 6) in one process: for each
 * training size P and repetition, draw the training set (split.h), fit it (fit.h), run the
 * zero-temperature dynamics (dynamics.h) from training, test and random starts with the
 * asymmetric and the symmetrized couplings, and reduce each batch to one row.  Also the
 * rows' TSV (written, read back to resume), the summary over repetitions and a gnuplot
 * script.  It never prints to the terminal nor runs programs (cmd_sweep does). */
#ifndef PLMEM_SWEEP_H
#define PLMEM_SWEEP_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dynamics.h"
#include "err.h"
#include "fit.h"
#include "msa.h"

enum sweep_kind { SWEEP_TRAIN = 0, SWEEP_TEST, SWEEP_RANDOM, SWEEP_NKINDS };
enum sweep_coup { SWEEP_ASYM = 0, SWEEP_SYM, SWEEP_NCOUPS };

/* The names of the start kinds and couplings, indexed by value, NULL-terminated (the choices
 * of --kinds and --couplings). */
extern const char *const sweep_kind_names[];
extern const char *const sweep_coup_names[];

/* Where a run caught in a cycle ends (--cycle-end): at the sweep where the cycle is detected, or
 * followed to exactly max_sweeps sweeps (the paper's m_F after a fixed number of steps). */
enum sweep_cycle_end { SWEEP_CYCLE_DETECTED = 0, SWEEP_CYCLE_MAX_SWEEPS };
extern const char *const sweep_cycle_end_names[];

/* The row size of the reference model's rows (sweep_opts.reference): P = 0, repetition 1. */
#define SWEEP_REFERENCE_P 0

/* "train", "test", "random"; "asymmetric", "symmetrized".  Parse: -1 when unknown. */
const char *sweep_kind_name(int kind);
const char *sweep_coup_name(int coup);
int sweep_kind_parse(const char *s, size_t len);
int sweep_coup_parse(const char *s, size_t len);

/* One (P, repetition, start kind, couplings) batch reduced. */
typedef struct sweep_row {
	size_t P, rep;          /* rep is 1-based */
	int kind, coup;
	uint64_t split_seed;    /* plmem split --seed of this training set */
	size_t starts;          /* draws (0 when the pool is empty: the statistics are NaN) */
	size_t runs;            /* dynamics actually run (identical starts run once when the
	                           dynamics are deterministic) */
	double overlap, overlap_sd;  /* mean and standard deviation over the draws of q(start, end) */
	double fixed_start;     /* fraction of draws that are already fixed points */
	double fixed_end, cycle, max_sweeps; /* how the runs ended (fractions of the draws) */
	double sweeps;          /* mean sweeps */
	double meff;            /* M_eff of the training set */
	double lambda_j;        /* the couplings' penalty the fit used */
	double fit_s, relax_s;  /* wall seconds: the fit (same on every row of a point), this batch */
} sweep_row;

typedef struct sweep_table {
	sweep_row *rows;
	size_t n, cap;
} sweep_table;

void sweep_table_free(sweep_table *t);
/* The row of (P, rep, kind, coup), or NULL. */
const sweep_row *sweep_table_find(const sweep_table *t, size_t P, size_t rep, int kind, int coup);

/* Called after each point with the number of points done (skipped ones included) of TOTAL;
 * a non-zero return stops the sweep (with that status, err filled by the callback). */
typedef int (*sweep_point_fn)(void *ctx, const sweep_table *t, size_t done, size_t total, plm_err *err);

/* Called with the first sweep_opts.examples draws of each batch computed: ROW names the batch
 * (P, rep, kind, couplings; its statistics not yet filled), INDEX the draw (0-based), START and
 * END its L states; a non-zero return stops the sweep (err filled by the callback). */
typedef int (*sweep_example_fn)(void *ctx, const sweep_row *row, size_t index, const uint8_t *start,
                                const uint8_t *end, plm_err *err);

/* How the training set's weights are made. */
enum sweep_weights { SWEEP_W_RECOMPUTE = 0, /* weights_compute on the training set with theta */
                     SWEEP_W_GIVEN };       /* the input weights of the drawn sequences */

typedef struct sweep_opts {
	const size_t *sizes;  /* training sizes P, each 1..n */
	size_t nsizes;
	size_t first_rep;     /* repetitions first_rep..reps (default 1..reps, so that a sweep can be */
	size_t reps;          /* shared between processes); repetition r uses split seed seed + r - 1 */
	size_t starts;        /* draws per start kind */
	unsigned kinds;       /* bit (1 << kind) for each start kind to run */
	unsigned coups;       /* bit (1 << coup) for each coupling kind */
	uint64_t seed;
	enum sweep_weights train_weights;
	double theta;         /* SWEEP_W_RECOMPUTE: threshold (<= 0: every weight 1) */
	size_t force;         /* kept row always in the training set (the focus), or SIZE_MAX */
	fit_opts fit;
	dyn_opts dyn;
	const uint8_t *test;  /* explicit test starts (ntest x L), or NULL: the sequences not drawn */
	size_t ntest;
	int cycle_end;        /* enum sweep_cycle_end */
	const plm_model *reference; /* optional: a model given by the user (true couplings, a fit on
	                       all data) relaxed once, as given (rows P = 0, rep 1, couplings
	                       "asymmetric"), from starts drawn from all kept sequences (train), the
	                       test set or all kept sequences (test) and random sequences */
	size_t examples;      /* draws per batch passed to EXAMPLE (0: none) */
	sweep_example_fn example;
	void *example_ctx;
	sweep_point_fn point; /* optional */
	void *point_ctx;
} sweep_opts;

void sweep_opts_default(sweep_opts *o);

#define SWEEP_DEFAULT_REPS 20
#define SWEEP_DEFAULT_STARTS 2000
#define SWEEP_DEFAULT_POINTS 12
#define SWEEP_DEFAULT_SEED 1

/* Sizes from 1 to PMAX, NPOINTS of them spaced evenly in log P (rounded, duplicates
 * removed, so fewer when PMAX is small).  *OUT is malloc'd. */
int sweep_log_sizes(size_t pmax, size_t npoints, size_t **out, size_t *n, plm_err *err);

/* A comma-separated list of positive numbers (--sizes, --alphas) into *OUT (malloc'd, *N values);
 * WHOLE: each must be a whole number.  PLM_EINVAL with the reason otherwise. */
int sweep_parse_list(const char *s, int whole, double **out, size_t *n, plm_err *err);

/* Which training sizes a sweep runs. */
typedef struct sweep_size_opts {
	const double *list;   /* explicit sizes P (whole numbers), or alphas (P = round(alpha L), at */
	size_t nlist;         /* least 1) when ALPHAS is set; NULL: NPOINTS log-spaced sizes */
	int alphas;
	size_t npoints;       /* without a list: sizes from 1 to MAX_SIZE (0: M_eff rounded) */
	size_t max_size;
	int test_given;       /* an explicit test set: every kept sequence may be drawn (else a fifth
	                         of them, rounded up, stays out for the test starts) */
} sweep_size_opts;

/* The sorted, distinct training sizes for N kept sequences of length L with M_EFF (*OUT is
 * malloc'd).  A listed size above N, or N too small to keep a test set, is PLM_EINVAL; log-spaced
 * sizes stop at the largest size a test set allows. */
int sweep_sizes(const sweep_size_opts *so, size_t n, size_t L, double meff, size_t **out, size_t *nout,
                plm_err *err);

/* The settings that decide a sweep's rows, as one line (the resume key written after
 * "# settings: " in the rows TSV): how the alignment is read (M's detected format and
 * alphabet, READ's unknown-letter policy, focus and gap filters), O's weights (theta, or the
 * weights file WEIGHTS_FILE, NULL: none), fit, starts, seed, kinds, couplings, dynamics, and the
 * test file TEST_PATH (NULL: none).  Neither the sizes nor the repetitions: a resumed sweep may
 * add either.  Settings added after the first 22 fields (lbfgs-m) are written only when they
 * differ from their default, so that earlier tables keep their key.  *OUT is malloc'd. */
int sweep_settings_key(const sweep_opts *o, const msa *m, const msa_opts *read, const char *weights_file,
                       const char *test_path, const char *reference_path, char **out, plm_err *err);

/* Resume from the rows TSV PATH: when it exists, its rows go to T after its settings are
 * checked against KEY: the "settings: " line of the metadata file META, or the table's own
 * "# settings: " line (earlier versions); a different or missing one is PLM_EINVAL, the
 * message showing both.  *FOUND says whether PATH existed. */
int sweep_resume(const char *path, const char *meta, const char *key, sweep_table *t, int *found, plm_err *err);

/* Points (size, repetition) of O whose rows are all in T already. */
size_t sweep_points_done(const sweep_table *t, const sweep_opts *o);

/* The fewest and the most repetitions of O with rows in T at one of O's sizes (0 when none). */
void sweep_reps_range(const sweep_table *t, const sweep_opts *o, size_t *lo, size_t *hi);

/* The mean over O's repetitions of the mean final overlap at size P for KIND and COUP (rows with
 * no starts left out); NaN when there is none. */
double sweep_mean_overlap(const sweep_table *t, const sweep_opts *o, size_t P, int kind, int coup);

/* Run the sweep on the kept sequences of M with draw weights W (m->n values): every
 * (size, repetition) point whose rows are not all in T already is computed and its rows
 * appended to T, and first the reference rows when O has a reference model and T lacks them.
 * Deterministic for a seed, for any thread count (the times aside). */
int sweep_run(const msa *m, const double *w, const sweep_opts *o, sweep_table *t, plm_err *err);

/* The mean overlap between natural sequences, q(s, t) = fraction of identical positions over
 * all pairs s != t of the kept sequences, from column counts in O(n L q): unweighted
 * (every pair counts once) and weighted by w_s w_t (W may be NULL: only the unweighted). */
void sweep_natural_overlap(const msa *m, const double *w, double *unweighted, double *weighted);

/* The rows' TSV: the column names on the first line (no comment lines: pandas and R read it
 * with their defaults), then T's rows sorted by P, rep, kind, couplings; NA for a missing
 * number. */
int sweep_write_rows(FILE *fp, const sweep_table *t, size_t L);
/* The metadata beside the tables (PREFIX.meta.txt): HEADER's lines (version, command,
 * natural-sequence reference, and the line "settings: KEY" that resuming compares). */
int sweep_write_meta(FILE *fp, const char *header);
/* Read a rows TSV written by sweep_write_rows: rows into T; a comment line "# settings: "
 * (tables of earlier versions held their metadata so) into *SETTINGS (malloc'd, NULL when
 * absent); other '#' lines are skipped. */
int sweep_read_rows(const char *path, sweep_table *t, char **settings, plm_err *err);

/* The summary over repetitions: one line per (kind, couplings, P), in that order, with the mean and spread
 * (standard deviation over repetitions) of the mean overlap, and the means of the other
 * fractions and of the fit time; only the sizes and repetitions of O.  With a reference model,
 * then one line per kind of its rows: P = 0, couplings "reference", spread 0. */
int sweep_write_summary(FILE *fp, const sweep_table *t, const sweep_opts *o, size_t L);

/* A gnuplot script plotting SUMMARY_PATH (mean overlap against alpha = P / L, log x, one
 * curve per start kind and couplings, error bars = spread over repetitions) with the
 * natural-sequence mean REF as a dashed line (none when NaN), to PNG_PATH; only the curves of
 * the KINDS and COUPS bits; the legend beside the plot.  REFOV (NULL: none): the reference
 * model's mean overlap per start kind (NaN: none), dotted lines named REFNAME. */
int sweep_write_gnuplot(FILE *fp, const char *summary_path, const char *png_path, const char *title,
                        unsigned kinds, unsigned coups, double ref, const double *refov, const char *refname);
/* The reference rows' mean overlap per start kind into OV (SWEEP_NKINDS values, NaN where
 * there is no row). */
void sweep_reference_overlaps(const sweep_table *t, double *ov);

#endif
