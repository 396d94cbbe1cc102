/* plmem: the command-line entry point.  It dispatches to the subcommands and does nothing
 * else: every subcommand lives in its own src/cli/cmd_<name>.c, listed in src/cli/cmdtable.c. */
#include "config.h"

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

/* Flush and close stdout, so that a full disk or a closed pipe is an error, not silence. */
static int close_stdout(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout) || fclose(stdout) != 0) {
		perror("plmem: standard output");
		return status ? status : CMD_EXIT_FAIL;
	}
	return status;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return CMD_EXIT_USAGE;
	}
	const char *sub = argv[1];
	if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0) {
		usage(stdout);
		return close_stdout(CMD_EXIT_OK);
	}
	if (strcmp(sub, "--version") == 0 || strcmp(sub, "-V") == 0) {
		char feat[1024];
		plm_build_features(feat, sizeof feat);
		printf("plmem %s\n%s", plm_version(), feat);
		return close_stdout(CMD_EXIT_OK);
	}
	if (strcmp(sub, "help") == 0) {
		if (argc < 3) {
			usage(stdout);
			return close_stdout(CMD_EXIT_OK);
		}
		const cmd_entry *c = find(argv[2]);
		if (c == NULL) {
			fprintf(stderr, "plmem: unknown subcommand '%s'\nTry 'plmem -h'.\n", argv[2]);
			return CMD_EXIT_USAGE;
		}
		cmd_usage(c->spec, stdout);
		return close_stdout(CMD_EXIT_OK);
	}
	const cmd_entry *c = find(sub);
	if (c == NULL) {
		if (sub[0] == '-')
			fprintf(stderr, "plmem: unknown option '%s'\nTry 'plmem -h'.\n", sub);
		else
			fprintf(stderr, "plmem: unknown subcommand '%s'\nTry 'plmem -h'.\n", sub);
		return CMD_EXIT_USAGE;
	}
	/* an MPI build starts MPI here (one rank outside mpirun); the plain build does nothing */
	if (cluster_init(&argc, &argv) != 0) {
		fprintf(stderr, "plmem: MPI could not start\n");
		return CMD_EXIT_FAIL;
	}
	int rc = close_stdout(c->run(argc - 1, argv + 1));
	cluster_finalize();
	return rc;
}
