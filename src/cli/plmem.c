/* plmem: the command-line entry point.  It dispatches to the subcommands and does nothing
 * else: every subcommand lives in its own src/cli/cmd_<name>.c, listed in src/cli/cmdtable.c. */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cluster.h"
#include "cmd.h"
#include "version.h"

static void usage(FILE *fp)
{
	fprintf(fp,
	        "plmem %s: pseudo-likelihood Potts models of sequence families, and their\n"
	        "zero-temperature dynamics as associative memories.\n\n"
	        "Usage: plmem SUBCOMMAND [options] ARGS...\n"
	        "       plmem help SUBCOMMAND | plmem SUBCOMMAND -h\n"
	        "       plmem --version\n\nSubcommands:\n",
	        plm_version());
	for (const cmd_entry *c = cmd_commands; c->spec != NULL; c++)
		fprintf(fp, "  %-10s %s\n", c->spec->name, c->spec->summary);
	fprintf(fp, "\nEvery subcommand takes -h.  See man plmem and man plmem-SUBCOMMAND.\n"
	            "Cite: D'Amico et al. 2025, arXiv:2507.05147.\n");
}

static const cmd_entry *find(const char *name)
{
	for (const cmd_entry *c = cmd_commands; c->spec != NULL; c++)
		if (strcmp(c->spec->name, name) == 0)
			return c;
	return NULL;
}

/* "plmem: unknown subcommand 'X'" with the nearest names (edit distance) when some are near. */
static int unknown_subcommand(const char *name)
{
	size_t best = SIZE_MAX;
	for (const cmd_entry *c = cmd_commands; c->spec != NULL; c++) {
		size_t d = cmd_edit_distance(name, c->spec->name);
		best = d < best ? d : best;
	}
	fprintf(stderr, "plmem: unknown subcommand '%s'", name);
	if (best <= 2 && best < strlen(name)) {
		int first = 1;
		fprintf(stderr, " (did you mean");
		for (const cmd_entry *c = cmd_commands; c->spec != NULL; c++)
			if (cmd_edit_distance(name, c->spec->name) == best) {
				fprintf(stderr, "%s%s", first ? " " : " or ", c->spec->name);
				first = 0;
			}
		fprintf(stderr, "?)");
	}
	fprintf(stderr, "\nTry 'plmem -h'.\n");
	return CMD_EXIT_USAGE;
}

/* Flush and close stdout, so that a full disk or a closed pipe is an error, not silence. */
static int close_stdout(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
		perror("plmem: standard output");
		return status ? status : CMD_EXIT_FAIL;
	}
	return status;
}

static int version(void)
{
	char feat[1024];
	plm_build_features(feat, sizeof feat);
	printf("plmem %s\n%s", plm_version(), feat);
	return close_stdout(CMD_EXIT_OK);
}

/* plmem [common options] with no subcommand after them */
static int no_subcommand(int argc, char **argv)
{
	for (int k = 1; k < argc; k++) {
		if (strcmp(argv[k], "-h") == 0 || strcmp(argv[k], "--help") == 0) {
			usage(stdout);
			return close_stdout(CMD_EXIT_OK);
		}
		if (strcmp(argv[k], "--version") == 0 || strcmp(argv[k], "-V") == 0)
			return version();
	}
	usage(stderr);
	return CMD_EXIT_USAGE;
}

static int help(int argc, char **argv)
{
	if (argc < 3) {
		usage(stdout);
		return close_stdout(CMD_EXIT_OK);
	}
	const cmd_entry *c = find(argv[2]);
	if (c == NULL)
		return unknown_subcommand(argv[2]);
	cmd_usage(c->spec, stdout);
	return close_stdout(CMD_EXIT_OK);
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return no_subcommand(argc, argv);
	/* common options before the subcommand's name go after it: plmem -t 2 fit -> fit -t 2 */
	int first = cmd_leading_common(argc, argv);
	if (first >= argc || strcmp(argv[1], "-V") == 0)
		return no_subcommand(argc, argv);
	const char *sub = argv[first];
	if (strcmp(sub, "help") == 0 && first == 1)
		return help(argc, argv);
	const cmd_entry *c = find(sub);
	if (c == NULL && sub[0] == '-') {
		fprintf(stderr, "plmem: unknown option '%s'", sub);
		const char *hint = cmd_foreign_hint(sub);
		fprintf(stderr, "%s%s\nTry 'plmem -h'.\n", hint ? "\nplmem: " : "", hint ? hint : "");
		return CMD_EXIT_USAGE;
	}
	if (c == NULL)
		return unknown_subcommand(sub);
	char *name = argv[first];
	memmove(argv + 2, argv + 1, (size_t)(first - 1) * sizeof *argv);
	argv[1] = name;
	/* an MPI build starts MPI here (one rank outside mpirun); the plain build does nothing */
	if (cluster_init(&argc, &argv) != 0) {
		fprintf(stderr, "plmem: MPI could not start\n");
		return CMD_EXIT_FAIL;
	}
	int rc = close_stdout(c->run(argc - 1, argv + 1));
	cluster_finalize();
	return rc;
}
