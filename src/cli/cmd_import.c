/* cmd_import: `plmem import FILE -o MODEL`: reads another tool's model file (plmc's binary
 * parameters, CCMpred's raw text) and writes a plmem model.  Glue only: the import module
 * reads and converts, the model module writes. */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "import.h"
#include "model.h"

#define DEF_FORMAT auto

typedef struct import_args {
	cmd_common com;
	const char *output;
	import_format format;
} import_args;

static int call_format(const char *arg, void *field, char *msg, size_t len)
{
	if (import_parse_format(arg, field) == 0)
		return 0;
	snprintf(msg, len, "'%s' is not plmc, ccmpred or auto", arg);
	return -1;
}

static const cmd_row rows[] = {
	{ "output", 'o', CMD_STRING, "MODEL", NULL, offsetof(import_args, output),
	  "write the plmem model to MODEL (required; NAME.gz: compressed)" },
	{ "format", 0, CMD_CALL, "FMT", PLM_STR(DEF_FORMAT), offsetof(import_args, format),
	  "plmc (binary parameter file, -o of plmc), ccmpred (raw text, -r of CCMpred) or auto", .call = call_format },
	CMD_ROW_END
};

static const cmd_group groups[] = { CMD_OWN(rows), CMD_GROUP_END };

const cmd_spec cmd_import_spec = {
	.name = "import",
	.synopsis = "[options] -o MODEL FILE",
	.summary = "Read a plmc parameter file or CCMpred raw couplings into a plmem model.",
	.details =
	"FILE may be gzip-compressed.  auto tells plmc's binary file (NUL bytes in its header)\n"
	"from CCMpred's text.  The couplings of both tools are symmetric: the model gets\n"
	"J_ij(a,b) = J_ji(b,a) = e_ij(a,b) and the fields as stored, so relax and contacts\n"
	"work on it.  plmc: any alphabet (its letters are stored in the file), the focus\n"
	"sequence and numbering when it has one, float32 (or float64, told by the size of an\n"
	"uncompressed file).  CCMpred: states reordered from ARNDCQEGHILKMFPSTWYV- to\n"
	"plmem's -ACDEFGHIKLMNPQRSTVWY; the gap's field, which CCMpred does not fit, is 0.\n"
	"To reproduce each tool's contact scores, see plmem-contacts(1).",
	.groups = groups,
	.common = offsetof(import_args, com),
	.nops = 1,
	.operands = "the file to import FILE",
	.serial = "reads one file and runs on one thread",
};

static const char *format_name(const char *rule)
{
	return strcmp(rule, MODEL_RULE_PLMC) == 0 ? "plmc parameter file" : "CCMpred raw couplings";
}

int cmd_import_main(int argc, char **argv)
{
	const cmd_spec *spec = &cmd_import_spec;
	import_args a = { 0 };
	import_parse_format(PLM_STR(DEF_FORMAT), &a.format);
	cmd_ops ops;
	int r = cmd_parse(spec, argc, argv, &a, &ops);
	if (r != CMD_PARSED)
		return r;
	const char *output = a.output, *const *arg = ops.v;
	import_format fmt = a.format;
	int quiet = a.com.quiet;
	if (output == NULL || output[0] == '\0')
		return cmd_usage_error(spec, "missing -o MODEL (the plmem model to write)");
	if (strcmp(output, "-") == 0)
		return cmd_usage_error(spec, "-o: a model is a binary file; give a file name, not '-'");
	if (cmd_check_model_name(spec, "-o", output) != 0)
		return CMD_EXIT_USAGE;
	if (cmd_parse_only)
		return CMD_EXIT_OK;
	const char *path = arg[0];
	char *joined = cmd_join_argv(argc, argv), *cmdline = NULL;
	if (joined != NULL && (cmdline = malloc(strlen(joined) + 7)) != NULL)
		sprintf(cmdline, "plmem %s", joined);
	free(joined);
	plm_err err;
	plm_model *m = NULL;
	int rc = import_read(path, fmt, cmdline, &m, &err);
	free(cmdline);
	if (rc == PLM_OK)
		rc = model_write(m, output, &err);
	if (rc == PLM_OK && !quiet) {
		fprintf(stderr, "%s: %s, L %zu, q %zu (alphabet %s)", path, format_name(m->rule), m->L, m->q, m->abc.name);
		if (m->refseq != NULL)
			fprintf(stderr, ", focus residues %ld-%ld", m->resnum[0], m->resnum[m->L - 1]);
		fprintf(stderr, " -> %s\n", output);
	}
	model_destroy(m);
	return cmd_status(spec, rc, &err);
}
