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

/* Long-only keys 300..349 (subcommands use 400 and up). */
enum {
	CMD_INPUT_FORMAT = 300, CMD_INPUT_ALPHABET, CMD_INPUT_UNKNOWN,
	CMD_INPUT_FOCUS = 310, CMD_INPUT_MAX_GAP_SEQ, CMD_INPUT_MAX_GAP_COL, CMD_INPUT_THETA,
	CMD_INPUT_NO_WEIGHTS, CMD_INPUT_WEIGHTS
};

/* The input format (relax, which takes the alphabet from its model, uses only this one). */
#define CMD_INPUT_FORMAT_OPT \
	{ "format", CMD_INPUT_FORMAT, "FMT", "detected", \
	  "input format: fasta, a2m, a3m, stockholm, clustal, lines or numbers" }

/* The one unknown-letter policy of every subcommand that reads sequences (fit, weights, split,
 * sweep through CMD_INPUT_READ_OPTS; relax, sample, score beside CMD_INPUT_FORMAT_OPT). */
#define CMD_INPUT_UNKNOWN_OPT \
	{ "unknown", CMD_INPUT_UNKNOWN, "P", PLM_STR(MSA_DEFAULT_UNKNOWN), \
	  "ambiguous letters (X, B...): gap, drop (the sequence, counted) or reject" }

/* How the input is read. */
#define CMD_INPUT_READ_OPTS \
	CMD_INPUT_FORMAT_OPT, \
	{ "alphabet", CMD_INPUT_ALPHABET, "A", "guessed", \
	  "protein, rna, dna, binary or custom letters (default: guessed from the letters)" }, \
	CMD_INPUT_UNKNOWN_OPT

/* Which sequences and columns are kept, and their weights. */
#define CMD_INPUT_FILTER_OPTS \
	{ "focus", CMD_INPUT_FOCUS, "NAME", NULL, \
	  "keep the columns where sequence NAME is uppercase" }, \
	{ "max-gap-seq", CMD_INPUT_MAX_GAP_SEQ, "F", PLM_STR(MSA_DEFAULT_MAX_GAP_SEQ), \
	  "drop sequences with a gap fraction above F" }, \
	{ "max-gap-col", CMD_INPUT_MAX_GAP_COL, "F", PLM_STR(MSA_DEFAULT_MAX_GAP_COL), \
	  "drop columns with a gap fraction above F" }, \
	{ "theta", CMD_INPUT_THETA, "T", PLM_STR(WEIGHTS_DEFAULT_THETA), \
	  "neighbours share >= 1-T of the columns (0: no weights)" }, \
	{ "no-weights", CMD_INPUT_NO_WEIGHTS, NULL, NULL, "give every sequence weight 1" }, \
	{ "weights", CMD_INPUT_WEIGHTS, "FILE", NULL, \
	  "read the weights from FILE (one per input sequence)" }

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

/* The default branch of the option loops of weights and fit: an input option is stored in
 * IN, any other key goes to cmd_common_option.  Returns CMD_NEXT or an exit status (a bad
 * value gives CMD_EXIT_USAGE after a usage message). */
int cmd_input_option(const cmd_spec *spec, int key, const char *arg, cmd_input *in, int *threads);

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
