/* cmd_export: `plmem export MODEL`: writes a model's h and J as text and/or NumPy .npy
 * files.  Glue only: the export module encodes; this file picks the outputs and reports. */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "colmap.h"
#include "export.h"
#include "model.h"
#include "util.h"

#define DEF_OUTPUT "-"
#define DEF_FORMAT text

typedef struct export_args {
	cmd_common com;
	const char *output, *npy;
	int format; /* index into formats */
	int zero_sum;
} export_args;

static const char *const formats[] = { "text", "plmc", NULL };
enum { FMT_TEXT, FMT_PLMC };

static const cmd_row rows[] = {
	{ "output", 'o', CMD_STRING, "FILE", DEF_OUTPUT " unless --npy", offsetof(export_args, output),
	  "write the text (or plmc) export to FILE ('-': standard output)" },
	{ "format", 0, CMD_CHOICE, "FMT", PLM_STR(DEF_FORMAT), offsetof(export_args, format),
	  "text, or plmc (plmc's binary parameter file, as EVcouplings reads it; needs -o FILE)", .choices = formats },
	{ "npy", 0, CMD_STRING, "PREFIX", NULL, offsetof(export_args, npy),
	  "write PREFIX_h.npy (float32, L x q), PREFIX_J.npy (float32, L x L x q x q) and PREFIX.map "
	  "(row position column residue ref)" },
	{ "zero-sum", 0, CMD_FLAG, NULL, NULL, offsetof(export_args, zero_sum),
	  "export in the zero-sum gauge (same conditional probabilities; default: as fitted)" },
	CMD_ROW_END
};

static const cmd_group groups[] = { CMD_OWN(rows), CMD_GROUP_END };

const cmd_spec cmd_export_spec = {
	.name = "export",
	.synopsis = "[options] MODEL",
	.summary = "Write a model's fields h and couplings J as text, NumPy .npy or plmc files.",
	.details =
	"Text: '#' comment lines, then one line 'h i h_i(a)...' per position and one line\n"
	"'J i j a J_ij(a,b)...' per ordered pair i != j and state a at i (values over b),\n"
	"tab-separated, positions in the user's numbering (focus residue numbers, else 1-based\n"
	"alignment columns), states in the alphabet's order.  With --npy only the .npy files and\n"
	"PREFIX.map (each row's position, training-alignment column, focus residue number and\n"
	"reference letter, NA where unknown) are written unless -o is also given.  J is asymmetric, as fitted: J[i,j,a,b] = J_ij(a,b).\n"
	"--zero-sum double-centres every block J_ij and moves what its rows lose into h_i (then\n"
	"centred), which leaves every P(a_i | rest) unchanged, as PlmDCA.jl reports its tensors.\n"
	"plmc: plmc's float32 layout, one symmetric block per pair i < j holding the average\n"
	"of the two directions, e_ij(a,b) = (J_ij(a,b) + J_ji(b,a))/2 (exact for a model fitted\n"
	"with fit --symmetric); fields as they are; the weights and frequencies the model\n"
	"keeps (NaN, and a line on standard error, for those it does not know).",
	.groups = groups,
	.common = offsetof(export_args, com),
	.nops = 1,
	.operands = "the model file MODEL",
};

/* What export_plmc wrote as NaN, on standard error (plmem-export(1)). */
static void report_unknown(const cmd_spec *spec, const char *path, const plm_model *m)
{
	static const char *const what[] = { "sequence weights", "frequencies f_i", "pair frequencies f_ij", "N_eff" };
	unsigned u = export_plmc_unknown(m);
	char list[128] = "";
	for (unsigned k = 0; k < 4; k++)
		if (u & (1u << k))
			snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", list[0] ? ", " : "", what[k]);
	if (u != 0)
		fprintf(stderr, "plmem %s: %s: %s not known (%s): written as NaN\n", spec->name, path, list,
		        strcmp(m->rule, MODEL_RULE_CCMPRED) == 0 ? "a CCMpred file holds none"
		        : m->fi == NULL ? "the model was written before plmem kept them, or by a rule that does not"
		                        : "left out by the size rules of plmem-model(5)");
}

int cmd_export_main(int argc, char **argv)
{
	const cmd_spec *spec = &cmd_export_spec;
	export_args a = { .format = FMT_TEXT };
	cmd_ops ops;
	int r = cmd_parse(spec, argc, argv, &a, &ops);
	if (r != CMD_PARSED)
		return r;
	const char *output = a.output, *npy = a.npy, *const *arg = ops.v;
	int zero_sum = a.zero_sum;
	if (npy != NULL && npy[0] == '\0')
		return cmd_usage_error(spec, "--npy: empty prefix");
	int plmc = a.format == FMT_PLMC;
	if (plmc && (output == NULL || strcmp(output, "-") == 0))
		return cmd_usage_error(spec, "--format plmc writes a binary file: give -o FILE");
	if (output == NULL && npy == NULL)
		output = DEF_OUTPUT;
	if (cmd_parse_only)
		return CMD_EXIT_OK;
	const char *path = arg[0];
	plm_model *m = cmd_load_model(spec, path);
	if (m == NULL)
		return CMD_EXIT_FAIL;
	plm_err err;
	int rc = PLM_OK;
	if (zero_sum)
		model_gauge_zero_sum(m);
	if (npy != NULL)
		rc = export_npy(m, npy, &err);
	if (rc == PLM_OK && npy != NULL) { /* the rows' map to the user's columns, PREFIX.map */
		char map[4096];
		int w = snprintf(map, sizeof map, "%s.map", npy);
		rc = w < 0 || (size_t)w >= sizeof map ? plm_fail(&err, PLM_EINVAL, "--npy: prefix too long") :
		                                        colmap_write(m, map, &err);
	}
	if (rc == PLM_OK && plmc && (rc = export_plmc(m, output, &err)) == PLM_OK)
		report_unknown(spec, path, m);
	else if (rc == PLM_OK && output != NULL) {
		plm_outfile o;
		rc = outfile_open(&o, output, &err);
		if (rc == PLM_OK) {
			rc = export_text(m, path, o.fp, &err);
			if (rc == PLM_OK)
				rc = outfile_commit(&o, &err);
			else
				outfile_abort(&o);
		}
	}
	model_destroy(m);
	return cmd_status(spec, rc, &err);
}
