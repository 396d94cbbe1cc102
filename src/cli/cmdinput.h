/* cmd_input: the alignment-input options shared by the subcommands that read alignments
 * (format, alphabet, unknown letters, focus, gap filters, weights) and the glue that reads,
 * filters and weighs an alignment, or reads sequences onto a model's positions, with
 * messages on stderr.  Subcommand glue: no algorithm lives here.  (The file is not named
 * cmd_input.c: src/cmd_<name>.c is always a subcommand.) */
#ifndef PLMEM_CMD_INPUT_H
#define PLMEM_CMD_INPUT_H

#include <stdint.h>
#include <stdio.h>

#include "cmd.h"
#include "msa.h"
#include "weights.h"

typedef struct cmd_input {
	msa_opts msa;
	double theta;
	int no_weights;
	const char *weights_file;
} cmd_input;

/* The typed groups (cmd.h) over a cmd_input: include them with
 * CMD_GROUP(cmd_input_read_rows, my_args, in).  read: --format --alphabet --unknown;
 * format: --format alone (for commands that take the alphabet from a model); filter:
 * --focus --max-gap-seq --max-gap-col --theta --no-weights --weights. */
extern const cmd_row cmd_input_read_rows[];
extern const cmd_row cmd_input_format_rows[];
/* model: --format --unknown, for sequences read onto a model's positions (relax, sample, score). */
extern const cmd_row cmd_input_model_rows[];
extern const cmd_row cmd_input_filter_rows[];

void cmd_input_default(cmd_input *in);


/* Read PATH, filter it and compute (or read) the weights: *m, *w (m->n weights, kept order;
 * pass w = NULL to skip the weights) and *meff.  Prints "plmem SUB: ..." on failure and
 * returns a CMD_EXIT_* status. */
int cmd_input_load(const cmd_spec *spec, const char *path, const cmd_input *in, msa **m, double **w,
                   double *meff);

/* The summary of a loaded alignment, lines prefixed with PREFIX (e.g. "plmem fit: "):
 * sequences read and kept, columns kept, M_eff. */
void cmd_input_report(FILE *fp, const char *prefix, const msa *m, const cmd_input *in, double meff);

/* ---- sequences read onto a model's positions (score, sample) -------------------------- */

/* Read PATH in M's alphabet (format FMT; ambiguous letters by the policy UNKNOWN, a dropped
 * sequence keeps MSA_DROP_UNKNOWN in s->in_status; no filters) and map its kept sequences
 * onto M's positions: *S gets the alignment, *SEQS its n x L states.  PATH has the training
 * alignment's columns or exactly M's L positions.  Prints "plmem SUB: ..." and returns -1 on
 * failure. */
int cmd_read_onto_model(const cmd_spec *spec, const struct plm_model *m, const char *path,
                        msa_format fmt, msa_unknown_policy unknown, msa **s, uint8_t **seqs);

#endif
