/* cmd_weights: `plmem weights MSA`: reads and filters an alignment, prints one weight per input
 * sequence (name, weight, and why a sequence was dropped) and a summary.  Glue only: reading
 * is in msa, the weights in weights. */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cmdinput.h"
#include "util.h"

#define DEF_OUTPUT "-"

typedef struct weights_args {
	cmd_common com;
	cmd_input in;
	const char *output;
	int stats;
} weights_args;

static const cmd_row rows[] = {
	{ "output", 'o', CMD_STRING, "FILE", DEF_OUTPUT, offsetof(weights_args, output),
	  "write the weights (or the --stats summary) to FILE" },
	{ "stats", 0, CMD_FLAG, NULL, NULL, offsetof(weights_args, stats),
	  "print only the summary, on standard output (or -o FILE)" },
	CMD_ROW_END
};

static const cmd_group groups[] = {
	CMD_GROUP(cmd_input_read_rows, weights_args, in),
	CMD_GROUP(cmd_input_filter_rows, weights_args, in),
	CMD_OWN(rows),
	CMD_GROUP_END
};

const cmd_spec cmd_weights_spec = {
	.name = "weights",
	.synopsis = "[options] MSA",
	.summary = "Read an alignment and print sequence weights and M_eff.",
	.details =
	"MSA: FASTA, A2M, A3M, Stockholm, one sequence per line, or 0/1 numbers; gzip is read\n"
	"transparently; '-' is standard input.  Output: one line per input sequence, in input\n"
	"order: NAME<TAB>WEIGHT, or NAME<TAB>0<TAB>dropped:REASON for a sequence the filters removed.\n"
	"w_s = 1/n_s, n_s = number of kept sequences (s included) identical to s at >= (1-T)*L\n"
	"of the L kept columns (a gap matching a gap counts).  The summary goes to standard error.",
	.groups = groups,
	.common = offsetof(weights_args, com),
	.nops = 1,
	.operands = "the alignment file MSA",
};

int cmd_weights_main(int argc, char **argv)
{
	const cmd_spec *spec = &cmd_weights_spec;
	weights_args a = { .output = DEF_OUTPUT };
	cmd_input_default(&a.in);
	cmd_ops ops;
	int r = cmd_parse(spec, argc, argv, &a, &ops);
	if (r != CMD_PARSED)
		return r;
	const char *path = ops.v[0], *output = a.output;
	const cmd_input in = a.in;
	int stats = a.stats;
	if (cmd_parse_only)
		return CMD_EXIT_OK;
	plm_set_threads(a.com.threads);

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
	if (rc == PLM_OK && !stats && !a.com.quiet) {
		char prefix[64];
		snprintf(prefix, sizeof prefix, "plmem %s: ", spec->name);
		fflush(stdout);
		cmd_input_report(stderr, prefix, m, &in, meff);
	}
	msa_destroy(m);
	free(w);
	return cmd_status(spec, rc, &err);
}
