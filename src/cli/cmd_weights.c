/* cmd_weights: `plmem weights MSA`: reads and filters an alignment, prints one weight per input
 * sequence (name, weight, and why a sequence was dropped) and a summary.  Glue only: reading
 * is in msa, the weights in weights. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cmdinput.h"
#include "util.h"

enum { OPT_STATS = 400 };

#define DEF_OUTPUT "-"

static const cmd_opt opts[] = {
	CMD_INPUT_READ_OPTS,
	CMD_INPUT_FILTER_OPTS,
	{ "output", 'o', "FILE", DEF_OUTPUT, "write the weights (or the --stats summary) to FILE" },
	{ "stats", OPT_STATS, NULL, NULL, "print only the summary, on standard output (or -o FILE)" },
	CMD_OPT_THREADS,
	CMD_OPT_HELP,
	CMD_OPT_END
};

const cmd_spec cmd_weights_spec = {
	"weights",
	"[options] MSA",
	"Read an alignment and print sequence weights and M_eff.",
	"MSA: FASTA, A2M, A3M, Stockholm, one sequence per line, or 0/1 numbers; gzip is read\n"
	"transparently; '-' is standard input.  Output: one line per input sequence, in input\n"
	"order: NAME<TAB>WEIGHT, or NAME<TAB>0<TAB>dropped:REASON for a sequence the filters removed.\n"
	"w_s = 1/n_s, n_s = number of kept sequences (s included) identical to s at >= (1-T)*L\n"
	"of the L kept columns (a gap matching a gap counts).  The summary goes to standard error.",
	opts
};

int cmd_weights_main(int argc, char **argv)
{
	const cmd_spec *spec = &cmd_weights_spec;
	cmd_input in;
	cmd_input_default(&in);
	const char *output = DEF_OUTPUT;
	int stats = 0, threads = 0;

	cmd_parser p;
	cmd_parser_init(&p, spec);
	int c, r;
	while ((c = cmd_next(&p, argc, argv)) != -1) {
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case OPT_STATS:
			stats = 1;
			break;
		default:
			if ((r = cmd_input_option(spec, c, optarg, &in, &threads)) != CMD_NEXT)
				return r;
		}
	}
	char **arg = cmd_operands(spec, argc, argv, 1, "the alignment file MSA");
	if (arg == NULL)
		return CMD_EXIT_USAGE;
	const char *path = arg[0];
	if (cmd_parse_only)
		return CMD_EXIT_OK;
	plm_set_threads(threads);

	msa *m = NULL;
	double *w = NULL, meff = 0;
	int rc = cmd_input_load(spec, path, &in, &m, &w, &meff);
	if (rc != CMD_EXIT_OK)
		return rc;

	plm_err err = { 0 };
	plm_outfile of;
	rc = outfile_open(&of, output, &err);
	if (rc == PLM_OK) {
		if (stats) {
			cmd_input_report(of.fp, "", m, &in, meff);
		} else {
			for (size_t k = 0, s = 0; k < m->nin; k++) {
				if (m->in_status[k] == MSA_KEPT)
					fprintf(of.fp, "%s\t%.17g\n", m->in_names[k], w[s++]);
				else
					fprintf(of.fp, "%s\t0\t%s\n", m->in_names[k], msa_status_name(m->in_status[k]));
			}
		}
		rc = outfile_commit(&of, &err);
	}
	if (rc == PLM_OK && !stats) {
		char prefix[64];
		snprintf(prefix, sizeof prefix, "plmem %s: ", spec->name);
		fflush(stdout);
		cmd_input_report(stderr, prefix, m, &in, meff);
	}
	msa_destroy(m);
	free(w);
	return cmd_status(spec, rc, &err);
}
