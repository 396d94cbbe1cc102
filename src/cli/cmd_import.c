/* cmd_import: `plmem import FILE -o MODEL`: reads another tool's model file (plmc's binary
 * parameters, CCMpred's raw text) and writes a plmem model.  Glue only: the import module
 * reads and converts, the model module writes. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "import.h"
#include "model.h"

enum { OPT_FORMAT = CMD_LONG + 1, OPT_QUIET };

#define DEF_FORMAT auto

static const cmd_opt opts[] = {
	{ "output", 'o', "MODEL", NULL, "write the plmem model to MODEL (required)" },
	{ "format", OPT_FORMAT, "FMT", PLM_STR(DEF_FORMAT),
	  "plmc (binary parameter file, -o of plmc), ccmpred (raw text, -r of CCMpred) or auto" },
	{ "quiet", OPT_QUIET, NULL, NULL, "print nothing on success" },
	CMD_OPT_HELP,
	CMD_OPT_END
};

const cmd_spec cmd_import_spec = {
	"import",
	"[options] -o MODEL FILE",
	"Read a plmc parameter file or CCMpred raw couplings into a plmem model.",
	"FILE may be gzip-compressed.  auto tells plmc's binary file (NUL bytes in its header)\n"
	"from CCMpred's text.  The couplings of both tools are symmetric: the model gets\n"
	"J_ij(a,b) = J_ji(b,a) = e_ij(a,b) and the fields as stored, so relax and contacts\n"
	"work on it.  plmc: any alphabet (its letters are stored in the file), the focus\n"
	"sequence and numbering when it has one, float32 (or float64, told by the size of an\n"
	"uncompressed file).  CCMpred: states reordered from ARNDCQEGHILKMFPSTWYV- to\n"
	"plmem's -ACDEFGHIKLMNPQRSTVWY; the gap's field, which CCMpred does not fit, is 0.\n"
	"To reproduce each tool's contact scores, see plmem-contacts(1).",
	opts
};

static const char *format_name(const char *rule)
{
	return strcmp(rule, MODEL_RULE_PLMC) == 0 ? "plmc parameter file" : "CCMpred raw couplings";
}

int cmd_import_main(int argc, char **argv)
{
	const cmd_spec *spec = &cmd_import_spec;
	const char *output = NULL;
	import_format fmt;
	import_parse_format(PLM_STR(DEF_FORMAT), &fmt);
	int quiet = 0;
	cmd_parser p;
	cmd_parser_init(&p, spec);
	int c, r;
	while ((c = cmd_next(&p, argc, argv)) != -1) {
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case OPT_FORMAT:
			if (import_parse_format(optarg, &fmt) != 0)
				return cmd_usage_error(spec, "--format: '%s' is not plmc, ccmpred or auto", optarg);
			break;
		case OPT_QUIET:
			quiet = 1;
			break;
		default:
			if ((r = cmd_common_option(spec, c, optarg, NULL)) != CMD_NEXT)
				return r;
		}
	}
	char **arg = cmd_operands(spec, argc, argv, 1, "the file to import FILE");
	if (arg == NULL)
		return CMD_EXIT_USAGE;
	if (output == NULL || output[0] == '\0')
		return cmd_usage_error(spec, "missing -o MODEL (the plmem model to write)");
	if (strcmp(output, "-") == 0)
		return cmd_usage_error(spec, "-o: a model is a binary file; give a file name, not '-'");
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
