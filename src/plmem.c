/* plmem: the command-line entry point.  It dispatches to the subcommands and does nothing
 * else: every subcommand lives in its own src/cmd_<name>.c. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cluster.h"
#include "cmd.h"
#include "version.h"

/* Each subcommand defines its spec and entry point in src/cmd_<name>.c. */
#define CMD_DECLARE(name) \
	extern const cmd_spec cmd_##name##_spec; \
	int cmd_##name##_main(int argc, char **argv);
/* (subcommand declarations: keep in the order of the table below) */
CMD_DECLARE(weights)
CMD_DECLARE(fit)
CMD_DECLARE(info)
CMD_DECLARE(export)
CMD_DECLARE(relax)
CMD_DECLARE(sample)
CMD_DECLARE(score)
CMD_DECLARE(contacts)
CMD_DECLARE(generate)
CMD_DECLARE(import)
CMD_DECLARE(split)
CMD_DECLARE(sweep)
/* (end of declarations) */

static const cmd_entry commands[] = {
/* (subcommand table entries) */
	{ &cmd_weights_spec, cmd_weights_main },
	{ &cmd_fit_spec, cmd_fit_main },
	{ &cmd_info_spec, cmd_info_main },
	{ &cmd_export_spec, cmd_export_main },
	{ &cmd_relax_spec, cmd_relax_main },
	{ &cmd_sample_spec, cmd_sample_main },
	{ &cmd_score_spec, cmd_score_main },
	{ &cmd_contacts_spec, cmd_contacts_main },
	{ &cmd_generate_spec, cmd_generate_main },
	{ &cmd_import_spec, cmd_import_main },
	{ &cmd_split_spec, cmd_split_main },
	{ &cmd_sweep_spec, cmd_sweep_main },
	{ NULL, NULL }
};

static void usage(FILE *fp)
{
	fprintf(fp,
	        "plmem %s: pseudo-likelihood Potts models of sequence families, and their\n"
	        "zero-temperature dynamics as associative memories.\n\n"
	        "Usage: plmem SUBCOMMAND [options] ARGS...\n"
	        "       plmem help SUBCOMMAND | plmem SUBCOMMAND -h\n"
	        "       plmem --version\n\nSubcommands:\n",
	        plm_version());
	for (const cmd_entry *c = commands; c->spec != NULL; c++)
		fprintf(fp, "  %-10s %s\n", c->spec->name, c->spec->summary);
	fprintf(fp, "\nEvery subcommand takes -h.  See man plmem and man plmem-SUBCOMMAND.\n"
	            "Cite: D'Amico et al. 2025, arXiv:2507.05147.\n");
}

static const cmd_entry *find(const char *name)
{
	for (const cmd_entry *c = commands; c->spec != NULL; c++)
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
