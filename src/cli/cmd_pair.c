/* cmd_pair: `plmem pair A B`: options and the summary on stderr.  Glue only: the pairing
 * by species lives in pair.c. */
#include "config.h"

#include <stddef.h>
#include <stdio.h>

#include "cmd.h"
#include "pair.h"
#include "util.h"

#define DEF_OUTPUT "-"

typedef struct pair_args {
	cmd_common com;
	pair_key key;
	const char *output;
} pair_args;

static int call_key(const char *arg, void *field, char *msg, size_t len)
{
	if (pair_parse_key(arg, field) == 0)
		return 0;
	snprintf(msg, len, "'%s' is not auto, ox, os or name", arg);
	return -1;
}

static const cmd_row rows[] = {
	{ "key", 'k', CMD_CALL, "KEY", PLM_STR(PAIR_DEFAULT_KEY), offsetof(pair_args, key),
	  "species from the header's OX= (ox), OS= (os), the name's _SPECIES (name), or auto", .call = call_key },
	{ "output", 'o', CMD_STRING, "FILE", DEF_OUTPUT, offsetof(pair_args, output),
	  "the concatenated alignment, FASTA ('-': standard output)" },
	CMD_ROW_END
};

static const cmd_group groups[] = { CMD_OWN(rows), CMD_GROUP_END };

const cmd_spec cmd_pair_spec = {
	.name = "pair",
	.synopsis = "[options] A B",
	.summary = "Pair two alignments by species into one concatenated alignment (two interacting proteins).",
	.details =
	"The first sequence of each alignment is its focus.  In each alignment, per species, the\n"
	"sequence most identical to the focus is kept (ties: the first in the file); species in\n"
	"both alignments give one row, A's sequence then B's.  The first row is the two focus\n"
	"sequences joined, so that a model fitted on the output has the pair as its reference.\n"
	"Columns: those where the focus has a residue.  The summary gives --segments B for\n"
	"plmem contacts (also written in the first row's header as segments=B) and counts every\n"
	"sequence not written: no species key, not the best hit of its species, species absent\n"
	"from the other alignment.",
	.groups = groups,
	.common = offsetof(pair_args, com),
	.nops = 2,
	.operands = "the two alignment files A and B",
	.serial = "reads two files and runs on one thread",
};

static void report_side(const char *path, const pair_side *c)
{
	fprintf(stderr, "plmem pair: %s: %zu sequences, focus %s (%zu of %zu columns: its residues); %zu paired", path,
	        c->nin, c->focus_name, c->cols, c->cols_in, c->paired);
	fprintf(stderr, "; dropped: %zu without a species key, %zu not the best hit of their species, "
	        "%zu of a species absent from the other alignment, %zu of the focus's species\n", c->no_key, c->lost,
	        c->unpaired, c->focus_species);
	if (c->unknown_gap)
		fprintf(stderr, "plmem pair: %s: %zu ambiguous or unknown letters (X, B, Z...) written as gaps\n", path,
		        c->unknown_gap);
}

int cmd_pair_main(int argc, char **argv)
{
	const cmd_spec *spec = &cmd_pair_spec;
	pair_args a = { .output = DEF_OUTPUT };
	pair_parse_key(PLM_STR(PAIR_DEFAULT_KEY), &a.key);
	cmd_ops ops;
	int r = cmd_parse(spec, argc, argv, &a, &ops);
	if (r != CMD_PARSED)
		return r;
	if (cmd_parse_only)
		return CMD_EXIT_OK;
	pair_result res;
	plm_err err;
	int rc = pair_build(ops.v[0], ops.v[1], a.key, a.output, &res, &err);
	if (rc != PLM_OK)
		return cmd_status(spec, rc, &err);
	if (!a.com.quiet) {
		fprintf(stderr, "plmem pair: species key: %s%s\n", pair_key_name(res.key),
		        a.key == PAIR_KEY_AUTO ? " (auto: ox, else os, else name, the first that keys half of each alignment)" : "");
		for (int x = 0; x < 2; x++)
			report_side(ops.v[x], &res.side[x]);
		fprintf(stderr, "plmem pair: wrote %s: %zu rows (the focus pair and %zu species) of %zu + %zu = %zu "
		        "columns; protein B starts at position %zu: plmem contacts --segments %zu\n",
		        a.output, res.rows, res.rows - 1, res.side[0].cols, res.side[1].cols,
		        res.side[0].cols + res.side[1].cols, res.boundary, res.boundary);
	}
	return CMD_EXIT_OK;
}
