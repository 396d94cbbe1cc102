/* cmd_generate: `plmem generate random|features`: options, output files and messages for the
 * synthetic binary data sets of the generate module.  Glue only: no drawing happens here. */
#include "config.h"

#include <string.h>

#include "cmd.h"
#include "generate.h"
#include "util.h"

enum {
	OPT_LF = 400,
	OPT_TEST,
	OPT_TEST_OUT,
	OPT_FEATURES,
	OPT_COEFFICIENTS
};

#define DEF_OUTPUT "-"
#define DEF_FORMAT lines

static const cmd_opt opts[] = {
	{ "spins", 'N', "N", PLM_STR(GEN_DEF_N), "spins per pattern (sites, the model's L)" },
	{ "patterns", 'P', "P", PLM_STR(GEN_DEF_P), "training patterns (load alpha = P/N)" },
	{ "nfeatures", 'D', "D", PLM_STR(GEN_DEF_D), "features: number of random features" },
	{ "lf", OPT_LF, "K", PLM_STR(GEN_DEF_LF),
	  "features: non-zero coefficients per pattern (odd K: no ties)" },
	{ "seed", 's', "S", PLM_STR(GEN_DEF_SEED), "random seed" },
	{ "output", 'o', "FILE", DEF_OUTPUT, "training patterns ('-': standard output)" },
	{ "format", 'f', "FMT", PLM_STR(DEF_FORMAT), "pattern files: lines (0/1), fasta or numbers (+1/-1)" },
	{ "test", OPT_TEST, "N", "0", "also draw N test patterns (needs --test-out)" },
	{ "test-out", OPT_TEST_OUT, "FILE", NULL, "write the test patterns to FILE" },
	{ "features", OPT_FEATURES, "FILE", NULL, "features: write the D features to FILE" },
	{ "coefficients", OPT_COEFFICIENTS, "FILE", NULL,
	  "features: write the coefficients to FILE (TSV: set pattern feature coef)" },
	CMD_OPT_HELP,
	CMD_OPT_END
};

const cmd_spec cmd_generate_spec = {
	"generate",
	"[options] random|features",
	"Write synthetic binary data sets: random patterns or the random-features model.",
	"Spin +1 is written 1 (or +1), spin -1 is written 0 (or -1); plmem fit (binary alphabet)\n"
	"and plmem relax read every format.  random: independent, equiprobable spins.\n"
	"features: D random +-1 features f_k; each pattern is sign(sum_k c_k f_k) with exactly\n"
	"K coefficients c_k = +-1 at random features (even K: a zero sum gets a random sign).\n"
	"The same seed gives the same files; training pattern mu does not depend on --test.",
	opts
};

/* One output file: its path and the atomic writer. */
typedef struct gen_out {
	const char *path;
	plm_outfile f;
	int open;
} gen_out;

int cmd_generate_main(int argc, char **argv)
{
	const cmd_spec *spec = &cmd_generate_spec;
	gen_opts o;
	gen_opts_default(&o);
	gen_format fmt;
	gen_format_parse(PLM_STR(DEF_FORMAT), &fmt);
	const char *output = DEF_OUTPUT, *test_out = NULL, *feat_out = NULL, *coef_out = NULL;
	int have_test = 0;
	unsigned long long seed;

	cmd_parser p;
	cmd_parser_init(&p, spec);
	int c, r;
	while ((c = cmd_next(&p, argc, argv)) != -1) {
		switch (c) {
		case 'N':
			if (cmd_parse_size(spec, "spins", optarg, 1, (size_t)1 << 31, &o.N))
				return CMD_EXIT_USAGE;
			break;
		case 'P':
			if (cmd_parse_size(spec, "patterns", optarg, 1, (size_t)1 << 31, &o.P))
				return CMD_EXIT_USAGE;
			break;
		case 'D':
			if (cmd_parse_size(spec, "nfeatures", optarg, 1, (size_t)1 << 31, &o.D))
				return CMD_EXIT_USAGE;
			break;
		case OPT_LF:
			if (cmd_parse_size(spec, "lf", optarg, 1, (size_t)1 << 31, &o.Lf))
				return CMD_EXIT_USAGE;
			break;
		case 's':
			if (cmd_parse_u64(spec, "seed", optarg, &seed))
				return CMD_EXIT_USAGE;
			o.seed = seed;
			break;
		case 'o':
			output = optarg;
			break;
		case 'f':
			if (gen_format_parse(optarg, &fmt) != 0)
				return cmd_usage_error(spec, "--format: '%s' is not lines, fasta or numbers", optarg);
			break;
		case OPT_TEST:
			if (cmd_parse_size(spec, "test", optarg, 0, (size_t)1 << 31, &o.P_test))
				return CMD_EXIT_USAGE;
			have_test = 1;
			break;
		case OPT_TEST_OUT:
			test_out = optarg;
			break;
		case OPT_FEATURES:
			feat_out = optarg;
			break;
		case OPT_COEFFICIENTS:
			coef_out = optarg;
			break;
		default:
			if ((r = cmd_common_option(spec, c, optarg, NULL)) != CMD_NEXT)
				return r;
		}
	}
	char **arg = cmd_operands(spec, argc, argv, 1, "the model name (random or features)");
	if (arg == NULL)
		return CMD_EXIT_USAGE;
	if (gen_kind_parse(arg[0], &o.kind) != 0)
		return cmd_usage_error(spec, "unknown model '%s' (random or features)", arg[0]);
	if (o.kind == GEN_RANDOM && (feat_out != NULL || coef_out != NULL))
		return cmd_usage_error(spec, "--features and --coefficients need the features model");
	if (o.P_test > 0 && test_out == NULL)
		return cmd_usage_error(spec, "--test %zu needs --test-out FILE", o.P_test);
	if (test_out != NULL && (!have_test || o.P_test == 0))
		return cmd_usage_error(spec, "--test-out needs --test N with N >= 1");
	if (o.kind == GEN_FEATURES && o.Lf > o.D)
		return cmd_usage_error(spec, "--lf %zu is larger than the number of features (%zu)", o.Lf, o.D);

	gen_out outs[4] = { { output, { 0 }, 0 }, { test_out, { 0 }, 0 },
	                    { feat_out, { 0 }, 0 }, { coef_out, { 0 }, 0 } };
	int nstdout = 0;
	for (size_t k = 0; k < 4; k++) {
		if (outs[k].path == NULL)
			continue;
		if (strcmp(outs[k].path, "-") == 0)
			nstdout++;
		for (size_t l = 0; l < k; l++)
			if (outs[l].path != NULL && strcmp(outs[l].path, "-") != 0 &&
			    strcmp(outs[l].path, outs[k].path) == 0)
				return cmd_usage_error(spec, "two outputs go to the same file '%s'", outs[k].path);
	}
	if (nstdout > 1)
		return cmd_usage_error(spec, "only one output can be standard output");

	plm_err err;
	gen_set *g = NULL;
	if (gen_run(&o, &g, &err) != PLM_OK) {
		cmd_error(spec, "%s", err.msg);
		return CMD_EXIT_FAIL;
	}
	int rc = PLM_OK;
	const char *failed = NULL;
	for (size_t k = 0; k < 4 && rc == PLM_OK; k++) {
		if (outs[k].path == NULL)
			continue;
		failed = outs[k].path;
		rc = outfile_open(&outs[k].f, outs[k].path, &err);
		if (rc != PLM_OK)
			break;
		outs[k].open = 1;
		FILE *fp = outs[k].f.fp;
		switch (k) {
		case 0:
			rc = gen_write_spins(fp, g->train, o.P, o.N, fmt, "p", &err);
			break;
		case 1:
			rc = gen_write_spins(fp, g->test, o.P_test, o.N, fmt, "t", &err);
			break;
		case 2:
			rc = gen_write_spins(fp, g->features, o.D, o.N, fmt, "f", &err);
			break;
		default:
			rc = gen_write_coefficients(fp, g, &err);
			break;
		}
	}
	/* all written: rename them into place; on any failure, none is left half-written */
	for (size_t k = 0; k < 4 && rc == PLM_OK; k++) {
		if (!outs[k].open)
			continue;
		failed = outs[k].path;
		outs[k].open = 0;
		rc = outfile_commit(&outs[k].f, &err);
	}
	for (size_t k = 0; k < 4; k++)
		if (outs[k].open)
			outfile_abort(&outs[k].f);
	gen_destroy(g);
	if (rc != PLM_OK) {
		if (strstr(err.msg, failed) != NULL)
			cmd_error(spec, "%s", err.msg);
		else
			cmd_error(spec, "%s: %s", failed, err.msg);
		return CMD_EXIT_FAIL;
	}
	return CMD_EXIT_OK;
}
