/* cmd: the option tables, usage text, value parsing, messages, the option-loop, operand and
 * model-reading steps, and the alignment input options shared by the subcommands.
 * Only cmd_*.c and plmem.c use it; it prints to stdout/stderr but never calls exit(). */
#ifndef PLMEM_CMD_H
#define PLMEM_CMD_H

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>

#include "err.h"
#include "msa.h"
#include "util.h" /* PLM_STR: the defaults shown in -h */
#include "weights.h"

struct plm_model;

/* Exit statuses of every subcommand. */
enum { CMD_EXIT_OK = 0, CMD_EXIT_FAIL = 1, CMD_EXIT_USAGE = 2 };

/* One option.  KEY is the short letter, or a value >= CMD_LONG for a long-only option.
 * ARG names the argument (NULL for a flag); DEF is the default shown by -h (NULL: none).
 * Each default is defined once, as a macro, and its text reaches -h through PLM_STR (util.h). */
typedef struct cmd_opt {
	const char *lname;
	int key;
	const char *arg;
	const char *def;
	const char *help;
} cmd_opt;

#define CMD_LONG 256

/* Options every subcommand shares, and the entry that ends every table. */
#define CMD_OPT_HELP { "help", 'h', NULL, NULL, "print this help and exit" }
#define CMD_OPT_THREADS { "threads", 't', "N", "all cores", "number of threads" }
#define CMD_OPT_END { NULL, 0, NULL, NULL, NULL }

typedef struct cmd_spec {
	const char *name;     /* subcommand name */
	const char *synopsis; /* arguments after the options, e.g. "[options] MSA" */
	const char *summary;  /* one line for plmem -h */
	const char *details;  /* optional paragraph printed after the options, or NULL */
	const cmd_opt *opts;  /* terminated by an entry whose lname is NULL */
} cmd_spec;

#define CMD_MAX_OPTS 96

typedef struct cmd_parser {
	const cmd_spec *spec;
	struct option lopts[CMD_MAX_OPTS + 1];
	char sopts[3 * CMD_MAX_OPTS + 2];
} cmd_parser;

void cmd_usage(const cmd_spec *spec, FILE *fp);
void cmd_parser_init(cmd_parser *p, const cmd_spec *spec);
/* Next option: its key (optarg holds the argument), -1 at the end of the options,
 * or '?' after printing "plmem SUB: ..." for an unknown option or a missing argument. */
int cmd_next(cmd_parser *p, int argc, char **argv);

/* What an option handler tells the option loop: CMD_NEXT, go on to the next option; any
 * other value is the exit status to return at once (CMD_EXIT_OK after -h). */
#define CMD_NEXT (-1)

/* The default branch of every option loop: -h prints the usage on stdout (CMD_EXIT_OK);
 * -t N stores N in *threads (CMD_NEXT; NULL threads: the subcommand has no -t); a bad -t
 * value, '?' from cmd_next (already reported) or a key of the table the subcommand forgot
 * (an internal error, reported) give CMD_EXIT_USAGE. */
int cmd_common_option(const cmd_spec *spec, int key, const char *arg, int *threads);

/* The operands after the options: exactly WANT of them, named WHAT in the messages ("the
 * alignment file MSA").  Returns argv + optind, or NULL after a usage message: "missing
 * WHAT", "expected WHAT (got N arguments)" or "expected only WHAT, got 'X' too". */
char **cmd_operands(const cmd_spec *spec, int argc, char **argv, int want, const char *what);

/* "plmem SUB: message" on stderr. */
void cmd_error(const cmd_spec *spec, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "plmem SUB: message\nTry 'plmem SUB -h'." on stderr; returns CMD_EXIT_USAGE. */
int cmd_usage_error(const cmd_spec *spec, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The exit status for library status RC: CMD_EXIT_OK for PLM_OK, else CMD_EXIT_FAIL after
 * "plmem SUB: message" (err->msg) on stderr. */
int cmd_status(const cmd_spec *spec, int rc, const plm_err *err);

/* Read the model file PATH; NULL after "plmem SUB: PATH: problem" on stderr. */
struct plm_model *cmd_load_model(const cmd_spec *spec, const char *path);

/* Strict value parsers for option OPT (long name): print a usage error and return -1
 * when S is not a number in [lo, hi]. */
int cmd_parse_double(const cmd_spec *spec, const char *opt, const char *s, double lo, double hi, double *out);
int cmd_parse_long(const cmd_spec *spec, const char *opt, const char *s, long lo, long hi, long *out);
int cmd_parse_size(const cmd_spec *spec, const char *opt, const char *s, size_t lo, size_t hi, size_t *out);
int cmd_parse_u64(const cmd_spec *spec, const char *opt, const char *s, unsigned long long *out);
/* -t N: N >= 1, or 0 for all cores.  Stores the count in *threads. */
int cmd_parse_threads(const cmd_spec *spec, const char *s, int *threads);

/* The command line joined with spaces, for provenance (caller frees). */
char *cmd_join_argv(int argc, char **argv);

/* Every subcommand's entry point and spec (see plmem.c for the table). */
typedef struct cmd_entry {
	const cmd_spec *spec;
	int (*run)(int argc, char **argv);
} cmd_entry;


/* ---- the alignment options shared by weights and fit ---------------------------------
 * Format, alphabet, unknown letters, focus, gap filters and weights, and the glue that reads,
 * filters and weighs an alignment with messages on stderr.  No algorithm lives here. */

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
	  "input format: fasta, a2m, a3m, stockholm, lines or numbers" }

/* How the input is read. */
#define CMD_INPUT_READ_OPTS \
	CMD_INPUT_FORMAT_OPT, \
	{ "alphabet", CMD_INPUT_ALPHABET, "A", "protein", \
	  "protein, rna, dna, binary or custom letters (0/1 input: binary)" }, \
	{ "unknown", CMD_INPUT_UNKNOWN, "P", PLM_STR(MSA_DEFAULT_UNKNOWN), \
	  "ambiguous letters (X, B...): gap, drop (the sequence) or reject" }

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

#endif

/* ---- sequences read onto a model's positions (score, sample) -------------------------- */

/* Read PATH in M's alphabet (format FMT, letters outside it drop the sequence, no filters)
 * and map its kept sequences onto M's positions: *S gets the alignment, *SEQS its n x L
 * states.  PATH has the training alignment's columns or exactly M's L positions.  Prints
 * "plmem SUB: ..." and returns -1 on failure. */
int cmd_read_onto_model(const cmd_spec *spec, const struct plm_model *m, const char *path,
                        msa_format fmt, msa **s, uint8_t **seqs);
