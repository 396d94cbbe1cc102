/* cmd: the option tables, usage text, value parsing, messages, the option-loop, operand and
 * model-reading steps, and the alignment input options shared by the subcommands.
 * Only cmd_*.c and plmem.c use it; it prints to stdout/stderr but never calls exit(). */
#ifndef PLMEM_CMD_H
#define PLMEM_CMD_H

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>

#include "dynamics.h"
#include "err.h"
#include "msa.h"
#include "util.h" /* PLM_STR: the defaults shown in -h */

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
/* A memory size: a number > 0 with an optional suffix K, M, G or T (powers of 1024; lower case
 * too, a B after it allowed), e.g. 512M, 1.5G, 8GiB; plain bytes without a suffix. */
int cmd_parse_bytes(const cmd_spec *spec, const char *opt, const char *s, size_t *out);
/* A choice among NAMES (NULL-terminated): *out = the index of S in NAMES, or -1 after the
 * usage error "--OPT: 'S' is not A or B" ("A, B or C" for three). */
int cmd_parse_choice(const cmd_spec *spec, const char *opt, const char *s, const char *const *names,
                     int *out);
/* --out-format of the sequence writers: index 0 FASTA, 1 one sequence per line. */
extern const char *const cmd_seq_formats[];
/* An explicit --order ORDER with --update UPDATE: -1 after the usage error when it is
 * "random" with parallel updates (an order means nothing there), else 0. */
int cmd_check_order(const cmd_spec *spec, dyn_order order, dyn_update update);
/* -t N: N >= 1, or 0 for all cores.  Stores the count in *threads. */
int cmd_parse_threads(const cmd_spec *spec, const char *s, int *threads);

/* PATH's file name without its folder and from its first dot on ("a/b.fa.gz" -> "b"), plus
 * SUFFIX: the default output name of fit, split and sweep (caller frees; NULL: no memory). */
char *cmd_default_name(const char *path, const char *suffix);

/* The command line joined with spaces, for provenance (caller frees). */
char *cmd_join_argv(int argc, char **argv);

/* Every subcommand's entry point and spec: the table cmd_commands (src/cmdtable.c), ended by
 * an entry whose spec is NULL. */
typedef struct cmd_entry {
	const cmd_spec *spec;
	int (*run)(int argc, char **argv);
} cmd_entry;
extern const cmd_entry cmd_commands[];

/* Parse only (0 by default; the option-parser fuzz target tests/fuzz/options.c sets it): every
 * subcommand returns CMD_EXIT_OK once its options and operands are parsed and checked, before
 * it reads a file, allocates or writes anything.  Usage errors are reported as usual. */
extern int cmd_parse_only;

#endif
