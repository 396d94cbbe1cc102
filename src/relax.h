/* relax: zero-temperature runs (dynamics.h) from the sequences of a file and from noisy copies
 * of them, written as they finish: the end states (FASTA with the run's figures, or one per
 * line) and one TSV row per run, with the counts of the summary.  `plmem relax` is this module
 * plus options and files; it never prints to the terminal. */
#ifndef PLMEM_RELAX_H
#define PLMEM_RELAX_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dynamics.h"
#include "err.h"
#include "model.h"
#include "msa.h"

#define RELAX_DEFAULT_NOISE 0
#define RELAX_DEFAULT_REPEATS 1
#define RELAX_DEFAULT_SEED 1
/* Runs per batch handed to the dynamics (bounds the memory of the end states). */
#define RELAX_BATCH_RUNS 4096

typedef struct relax_opts {
	dyn_opts dyn;
	double noise;      /* replace round(noise L) random sites of each start */
	size_t repeats;    /* noisy starts per sequence, < 2^32 */
	uint64_t seed;     /* noise and random site orders */
	int lines;         /* end states one per line (no header) instead of FASTA */
} relax_opts;

void relax_opts_default(relax_opts *o);

/* Read PATH (format FMT; MSA_FORMAT_AUTO detects it) in M's alphabet, with no filters, onto M's
 * positions: *S the alignment, *STARTS its kept sequences' states (n x L).  Ambiguous or unknown
 * letters follow UNKNOWN (msa.h); the sequences it drops are counted in *NBAD. */
int relax_read(const plm_model *m, const char *path, msa_format fmt, msa_unknown_policy unknown, msa **s,
               uint8_t **starts, size_t *nbad, plm_err *err);

/* What the runs came to: runs per dyn_status, all runs, and the sum of the final overlaps with
 * the input sequences. */
typedef struct relax_counts {
	size_t status[3];
	size_t runs;
	double sum_overlap;
} relax_counts;

/* The column names of the TSV rows. */
extern const char relax_tsv_header[];

/* Run the dynamics D of model M from kept sequences LO..HI-1 of S (STARTS: all of S's kept
 * sequences, n x L), O->repeats times each, in batches of at most RELAX_BATCH_RUNS runs; end
 * states to OUT, rows to TSV (NULL: none), in input order; counts added to *C.  The results
 * depend neither on the thread count nor on LO and HI (the noise of sequence k comes from
 * stream k). */
int relax_run(const dyn_model *d, const plm_model *m, const msa *s, const uint8_t *starts, size_t lo,
              size_t hi, const relax_opts *o, FILE *out, FILE *tsv, relax_counts *c, plm_err *err);

#endif
