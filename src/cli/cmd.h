/* cmd: the typed option table and its parser (cmdparse.c), the shared groups (cmdgroups.c),
 * hints (cmdhint.c), usage text, messages, exit statuses and model loading (cmd.c).
 * Only cmd_*.c and plmem.c use it; it prints to stdout/stderr but never calls exit(). */
#ifndef PLMEM_CMD_H
#define PLMEM_CMD_H

#include <stddef.h>
#include <stdio.h>

#include "dynamics.h"
#include "err.h"
#include "msa.h"
#include "util.h" /* PLM_STR: the defaults shown in -h */

struct plm_model;

/* Exit statuses of every subcommand. */
enum { CMD_EXIT_OK = 0, CMD_EXIT_FAIL = 1, CMD_EXIT_USAGE = 2 };


/* ---- the typed option table ------------------------------------------------------------
 * A subcommand declares one struct holding every setting it takes (its "args"), with a
 * cmd_common member, and a list of groups of rows: its own rows and the shared groups it
 * includes (cmd_common_rows is added by the parser).  Each row says where its value goes
 * (offsetof into the group's struct) and how it is checked; cmd_parse does the rest.  See
 * docs/hacking.md, "Adding an option". */

typedef enum cmd_type {
	CMD_FLAG,   /* int: set to .ival (1 when .ival is 0) */
	CMD_INT,    /* int in [lo, hi] */
	CMD_SIZE,   /* size_t in [lo, hi] (non-negative integer) */
	CMD_U64,    /* unsigned long long (seeds) in [lo, hi] */
	CMD_DOUBLE, /* finite double in [lo, hi] */
	CMD_BYTES,  /* size_t: a memory size, 512M, 1.5G, 8GiB... */
	CMD_STRING, /* const char *: the argument itself (argv outlives the args) */
	CMD_CHOICE, /* int: the index of the argument in .choices */
	CMD_LIST,   /* unsigned: bit k set for each choice k of a comma-separated list */
	CMD_CALL,   /* .call parses the argument into the field */
	CMD_COUNT,  /* int: incremented each time the option is given (-v -v) */
	CMD_HELP,   /* no field: print the usage, exit 0 */
	CMD_VERSION /* no field: print the version, exit 0 */
} cmd_type;

/* CMD_CALL's parser: 0, or -1 with a message in MSG (printed as "--NAME: MSG"). */
typedef int (*cmd_call_fn)(const char *arg, void *field, char *msg, size_t msglen);

typedef struct cmd_row {
	const char *lname;   /* long name, without "--" (NULL ends a group) */
	int key;             /* short letter, or 0 */
	cmd_type type;
	const char *arg;     /* the argument's name in -h ("N", "FILE"); NULL for a flag */
	const char *def;     /* the default shown by -h (from the macro that defines it), or NULL */
	size_t off;          /* offsetof(group struct, field) */
	const char *help;
	/* optional, by designated initialiser: */
	double lo, hi;       /* INT, SIZE, U64, DOUBLE: the range (both 0: any value of the type) */
	const char *const *choices; /* CHOICE, LIST: NULL-terminated names */
	const char *word;    /* a word taken besides a number ("auto"), stored as word_val */
	double word_val;
	cmd_call_fn call;    /* CALL */
	const char *excludes; /* long names, space-separated, that may not be given with this one */
	const char *needs;   /* a long name that must be given with this one */
	int ival;            /* FLAG: the value stored (0 means 1) */
} cmd_row;

/* A group of rows and where its struct lives in the subcommand's args (offsetof). */
typedef struct cmd_group {
	const cmd_row *rows; /* ended by a row whose lname is NULL */
	size_t base;
} cmd_group;
#define CMD_GROUP(rows, type, member) { rows, offsetof(type, member) }
/* The subcommand's own rows: offsets into its args struct itself. */
#define CMD_OWN(rows) { rows, 0 }
#define CMD_GROUP_END { NULL, 0 }
#define CMD_ROW_END { NULL, 0, CMD_FLAG, NULL, NULL, 0, NULL }

/* --progress: auto (on a terminal), always (lines to a log when not a terminal), never. */
enum { CMD_PROGRESS_AUTO = 0, CMD_PROGRESS_ALWAYS, CMD_PROGRESS_NEVER };
extern const char *const cmd_progress_names[];

/* The options every subcommand takes, before or after its name (cmd_common_rows). */
typedef struct cmd_common {
	int threads;  /* -t N: 0 (the default) for all cores */
	int quiet;    /* -q: no summary, no progress */
	int verbose;  /* -v: more detail (given twice: 2) */
	int progress; /* CMD_PROGRESS_* */
} cmd_common;
extern const cmd_row cmd_common_rows[];

/* Shared groups (cmdgroups.c): the fit settings over a fit_opts (--lambda-h --lambda-j
 * --max-iter --lbfgs-m --tol --no-fields --symmetric --max-memory) and the dynamics settings
 * over a dyn_opts (--update --order --max-sweeps).  Fill the struct with fit_opts_default or
 * dyn_opts_default before cmd_parse. */
extern const cmd_row cmd_fit_rows[];
extern const cmd_row cmd_dyn_rows[];

/* The operands after the options (up to CMD_MAX_OPERANDS are kept; n counts them all), and
 * the long names of the options given (each once, in the order of the table). */
#define CMD_MAX_OPERANDS 8
#define CMD_MAX_ROWS 160
typedef struct cmd_ops {
	int n;
	const char *v[CMD_MAX_OPERANDS];
	int ngiven;
	const char *given[CMD_MAX_ROWS];
} cmd_ops;

/* The first of the space-separated long NAMES ("side temps") that was given, or NULL. */
const char *cmd_given(const cmd_ops *ops, const char *names);

typedef struct cmd_spec {
	const char *name;     /* subcommand name */
	const char *synopsis; /* arguments after the options, e.g. "[options] MSA" */
	const char *summary;  /* one line for plmem -h */
	const char *details;  /* optional paragraph printed after the options, or NULL */
	const cmd_group *groups; /* own rows and shared groups, in -h order; ends with CMD_GROUP_END */
	size_t common;           /* offsetof(args, the cmd_common member) */
	int nops;                /* operands wanted: exactly nops (-1: any number, the command checks) */
	const char *operands;    /* their name in messages: "the model file MODEL" */
	const char *serial;      /* non-NULL: nothing runs in parallel; -h says this after -t */
} cmd_spec;

/* CMD_PARSED: go on; otherwise the exit status to return at once (CMD_EXIT_OK after -h or
 * --version, CMD_EXIT_USAGE after a usage message on stderr). */
#define CMD_PARSED (-1)

/* Parse ARGV[1..ARGC) (ARGV[0] is the subcommand's name) into ARGS by SPEC's groups, then
 * check ranges, exclusions and the operand count.  The fields keep the values they had where
 * no option sets them: fill the defaults first.  argv is not reordered.  Unknown long options
 * get a "did you mean"; plmc's and CCMpred's flags get their plmem equivalent. */
int cmd_parse(const cmd_spec *spec, int argc, char **argv, void *args, cmd_ops *ops);

/* The common settings of ARGS (at spec->common). */
cmd_common *cmd_common_of(const cmd_spec *spec, void *args);

/* Edit distance (insertions, deletions, substitutions, adjacent transpositions) of A and B. */
size_t cmd_edit_distance(const char *a, const char *b);

/* The plmc/CCMpred equivalent of the single-dash flag that starts TOKEN ("-le", "-theta"...),
 * or NULL when TOKEN is none of theirs. */
const char *cmd_foreign_hint(const char *token);

/* A model written to PATH: a usage error when PATH ends in ".params" (plmc's name), telling
 * how to get plmc's format; 0 otherwise. */
int cmd_check_model_name(const cmd_spec *spec, const char *opt, const char *path);

/* "plmem SUB: " in BUF, for summaries. */
const char *cmd_prefix(const cmd_spec *spec, char *buf, size_t len);

/* Progress of a long computation: on standard error, redrawn in place on a terminal, one line
 * every CMD_PROGRESS_LOG_S seconds in a log (--progress always); nothing with -q or never. */
#define CMD_PROGRESS_LOG_S 10
typedef struct cmd_progress {
	const cmd_spec *spec;
	const char *what; /* "sites" */
	double start, last;
	int on, tty, shown;
} cmd_progress;
void cmd_progress_init(cmd_progress *p, const cmd_spec *spec, const cmd_common *com, const char *what);
/* DONE of TOTAL (a callback for the library: CTX is the cmd_progress) */
void cmd_progress_update(void *ctx, size_t done, size_t total);
/* End the line (if a line is open). */
void cmd_progress_end(cmd_progress *p);

/* "N thing" or "N things": the plural of THING is THING + "s" (PLURAL overrides when not NULL). */
const char *cmd_count(char *buf, size_t len, unsigned long long n, const char *thing, const char *plural);

/* Common options before the subcommand name (plmem -t 2 fit ...): the index in ARGV of the
 * first argument that is not one of them (with its value), or -1 after a usage message. */
int cmd_leading_common(int argc, char **argv);

/* -h: the usage, options and details of SPEC. */
void cmd_usage(const cmd_spec *spec, FILE *fp);
/* (cmd_usage of a typed table) */
void cmd_usage_table(const cmd_spec *spec, FILE *fp);


/* Shared groups (cmdgroups.c): the fit settings over a fit_opts (--lambda-h --lambda-j
 * --max-iter --lbfgs-m --tol --no-fields --symmetric --max-memory) and the dynamics settings
 * over a dyn_opts (--update --order --max-sweeps).  Fill the struct with fit_opts_default or
 * dyn_opts_default before cmd_parse. */
extern const cmd_row cmd_fit_rows[];
extern const cmd_row cmd_dyn_rows[];

/* "plmem SUB: message" on stderr. */
void cmd_error(const cmd_spec *spec, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "plmem SUB: message\nTry 'plmem SUB -h'." on stderr; returns CMD_EXIT_USAGE. */
int cmd_usage_error(const cmd_spec *spec, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The exit status for library status RC: CMD_EXIT_OK for PLM_OK, else CMD_EXIT_FAIL after
 * "plmem SUB: message" (err->msg) on stderr. */
int cmd_status(const cmd_spec *spec, int rc, const plm_err *err);

/* Read the model file PATH; NULL after "plmem SUB: PATH: problem" on stderr. */
struct plm_model *cmd_load_model(const cmd_spec *spec, const char *path);

/* --out-format of the sequence writers: index 0 FASTA, 1 one sequence per line. */
extern const char *const cmd_seq_formats[];
/* An explicit --order ORDER with --update UPDATE: -1 after the usage error when it is
 * "random" with parallel updates (an order means nothing there), else 0. */
int cmd_check_order(const cmd_spec *spec, dyn_order order, dyn_update update);

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
