/* cmd_fit: `plmem fit MSA`: options, progress and summary on stderr, and the model file for
 * the pseudo-likelihood fit (or the Hebbian baseline).  Glue only: fitting lives in fit,
 * reading in msa/weights (through the shared input options of cmd), the file format in model. */
#include "config.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"
#include "cmd.h"
#include "cmdinput.h"
#include "fit.h"
#include "hebb.h"
#include "model.h"
#include "modelstats.h"
#include "util.h"

typedef struct fit_args {
	cmd_common com;
	cmd_input in;
	fit_opts fo;
	const char *output;
	int rule; /* index in rules[] */
} fit_args;

static const char *const rules[] = { MODEL_RULE_PLM, MODEL_RULE_HEBB, NULL };
#define DEF_RULE MODEL_RULE_PLM
/* in the order of modelstats_fij: auto, yes, no */
static const char *const fij_rules[] = { "auto", "yes", "no", NULL };
#define DEF_FIJ "auto"
_Static_assert(sizeof(modelstats_fij) == sizeof(int), "CMD_CHOICE stores an int");

static const cmd_row rows[] = {
	{ "output", 'o', CMD_STRING, "MODEL", "NAME.plm for MSA NAME.EXT", offsetof(fit_args, output),
	  "write the model to MODEL (in the current folder by default; NAME.gz: compressed; '-': standard output)" },
	{ "rule", 0, CMD_CHOICE, "R", DEF_RULE, offsetof(fit_args, rule),
	  "plm (pseudo-likelihood) or hebb (Hebbian baseline, binary data only)", .choices = rules },
	{ "pair-frequencies", 0, CMD_CHOICE, "WHEN", DEF_FIJ, offsetof(fit_args, fo.pair_freqs),
	  "keep the weighted pair frequencies f_ij in the model: auto (when they take at most 1 GiB), yes or no",
	  .choices = fij_rules },
	CMD_ROW_END
};

static const cmd_group groups[] = {
	CMD_GROUP(cmd_input_read_rows, fit_args, in),
	CMD_GROUP(cmd_input_filter_rows, fit_args, in),
	CMD_OWN(rows),
	CMD_GROUP(cmd_fit_rows, fit_args, fo),
	CMD_GROUP_END
};

const cmd_spec cmd_fit_spec = {
	.name = "fit",
	.synopsis = "[options] MSA",
	.summary = "Learn a Potts model by pseudo-likelihood (asymmetric couplings, L-BFGS per site).",
	.details = "For each site i, minimises over h_i and J_ij (j != i), with weights w_s / M_eff:\n"
	"  f_i = -sum_s w_s log P(a_i^s | rest of s) + lambda_h |h_i|^2 + lambda_j sum_j |J_ij|^2\n"
	"Identical sequences are merged (weights summed) first.  --lambda-j auto is\n"
	PLM_STR(FIT_LAMBDA_J_PRIOR) " / M_eff (plmc's prior) for alignments (alphabets with a gap) and "
	PLM_STR(FIT_LAMBDA_J_PATTERNS) " for gap-less\n"
	"alphabets (binary patterns).  The tolerance applies to the Euclidean (L2) norm of the\n"
	"gradient of f_i over all of site i's parameters.  --max-memory applies to --rule plm.\n"
	"Progress goes to standard error when it is a terminal; a summary at the end.",
	.groups = groups,
	.common = offsetof(fit_args, com),
	.nops = 1,
	.operands = "the alignment file MSA",
};

/* The summary of a finished fit on stderr. */
static void report(const cmd_spec *spec, const fit_args *a, const msa *m, const plm_model *mod, double meff,
                   double elapsed, int nthreads)
{
	char prefix[64], th[64], par[96];
	plm_err err;
	cmd_prefix(spec, prefix, sizeof prefix);
	cmd_count(th, sizeof th, (unsigned long long)nthreads, "thread", NULL);
	if (cluster_size() > 1)
		snprintf(par, sizeof par, "%zu ranks x %s", cluster_size(), th);
	else
		snprintf(par, sizeof par, "%s", th);
	fprintf(stderr, "%s%zu sequences (%llu distinct), M_eff %.1f, L %zu, q %zu, rule %s\n", prefix, m->n,
	        (unsigned long long)mod->nunique, meff, mod->L, mod->q, mod->rule);
	model_conv conv;
	int have = a->rule == 0 && model_conv_summary(mod, &conv, &err) == PLM_OK && conv.have;
	if (have && a->fo.symmetric) {
		double g2 = 0.0;
		for (size_t i = 0; i < mod->L; i++)
			g2 += mod->gnorm[i] * mod->gnorm[i];
		fprintf(stderr,
		        "%sper-site fit, then the symmetric model jointly, in %.2f s (%s): joint fit "
		        "%s after %u L-BFGS iterations (%u evaluations); objective %.6f; gradient norm %.3g "
		        "(tolerance %.3g = tol x sqrt(L))\n",
		        prefix, elapsed, th,
		        conv.nstatus[SITE_CONVERGED] ? "converged"
		        : conv.nstatus[SITE_MAX_ITER] ? "stopped by --max-iter"
		                                      : "stopped by the line search",
		        conv.iters[1], conv.evals[1], conv.total_fx, sqrt(g2), a->fo.tol * sqrt((double)mod->L));
	} else if (have) {
		unsigned long long evals = 0;
		for (size_t i = 0; i < mod->L; i++)
			evals += mod->evals[i];
		fprintf(stderr,
		        "%s%zu sites in %.2f s (%s); %zu converged, %zu hit --max-iter, %zu stopped "
		        "by the line search; iterations median %u, max %u; evaluations median %u, total %llu\n",
		        prefix, mod->L, elapsed, par, conv.nstatus[SITE_CONVERGED], conv.nstatus[SITE_MAX_ITER],
		        conv.nstatus[SITE_LINESEARCH], conv.iters[1], conv.iters[2], conv.evals[1], evals);
		fprintf(stderr,
		        "%stotal pseudo-likelihood objective (sum over sites of f_i) %.6f; largest gradient "
		        "norm %.3g (site %zu)\n",
		        prefix, conv.total_fx, conv.max_gnorm, conv.max_gnorm_site + 1);
	} else {
		fprintf(stderr, "%sbuilt in %.2f s\n", prefix, elapsed);
	}
	fprintf(stderr, "%swrote %s\n", prefix, a->output);
}

/* Provenance the library cannot know: the weights' theta and the command line. */
static void record(plm_model *mod, const fit_args *a, int argc, char **argv)
{
	mod->theta = a->in.weights_file || a->in.no_weights ? 0.0 : a->in.theta;
	char *joined = cmd_join_argv(argc, argv);
	if (joined != NULL) {
		free(mod->cmdline);
		mod->cmdline = malloc(strlen(joined) + 7);
		if (mod->cmdline)
			sprintf(mod->cmdline, "plmem %s", joined);
		free(joined);
	}
}

/* Read, fit (or build the Hebbian couplings), write; CMD_EXIT_* */
static int run(const cmd_spec *spec, fit_args *a, const char *path, int argc, char **argv)
{
	int nthreads = plm_set_threads(a->com.threads);
	/* an MPI run (cluster.h): every rank reads the alignment and computes the weights, then
	 * fits its share of the sites; rank 0 reports and writes the model */
	if (cluster_rank() != 0)
		a->com.quiet = 1, a->com.progress = CMD_PROGRESS_NEVER;
	msa *m = NULL;
	double *w = NULL, meff = 0;
	int rc = cmd_input_load(spec, path, &a->in, &m, &w, &meff);
	if (cluster_agree(rc != CMD_EXIT_OK ? PLM_EINVAL : PLM_OK, NULL) != PLM_OK) { /* the rank that failed said why */
		msa_destroy(m);
		free(w);
		return rc != CMD_EXIT_OK ? rc : CMD_EXIT_FAIL;
	}
	char prefix[64];
	if (!a->com.quiet)
		cmd_input_report(stderr, cmd_prefix(spec, prefix, sizeof prefix), m, &a->in, meff);
	plm_err err = { 0 };
	plm_model *mod = NULL;
	cmd_progress pr;
	cmd_progress_init(&pr, spec, &a->com, "sites");
	if (pr.on) {
		a->fo.progress = cmd_progress_update;
		a->fo.progress_ctx = &pr;
	}
	double t0 = plm_now();
	int st = a->rule == 1 ? cluster_agree(hebb_build(m, w, &mod, &err), &err) : cluster_fit(m, w, &a->fo, &mod, &err);
	double elapsed = plm_now() - t0;
	cmd_progress_end(&pr);
	rc = CMD_EXIT_FAIL;
	if (st != PLM_OK) {
		cmd_error(spec, "%s: %s", path, err.msg);
	} else {
		record(mod, a, argc, argv);
		if (cluster_write_model(mod, a->output, &err) != PLM_OK)
			cmd_error(spec, "%s", err.msg);
		else
			rc = CMD_EXIT_OK;
	}
	if (rc == CMD_EXIT_OK && !a->com.quiet)
		report(spec, a, m, mod, meff, elapsed, nthreads);
	model_destroy(mod);
	msa_destroy(m);
	free(w);
	return rc;
}

int cmd_fit_main(int argc, char **argv)
{
	const cmd_spec *spec = &cmd_fit_spec;
	fit_args a = { 0 };
	cmd_input_default(&a.in);
	fit_opts_default(&a.fo);
	cmd_ops ops;
	int r = cmd_parse(spec, argc, argv, &a, &ops);
	if (r != CMD_PARSED)
		return r;
	const char *path = ops.v[0];
	if (a.output == NULL && strcmp(path, "-") == 0)
		return cmd_usage_error(spec, "reading standard input: name the model with -o MODEL");
	if (cmd_check_model_name(spec, "-o", a.output) != 0)
		return CMD_EXIT_USAGE;
	if (a.rule == 1 && a.fo.symmetric)
		return cmd_usage_error(spec, "--symmetric applies to --rule plm (Hebbian couplings are symmetric)");
	if (cmd_parse_only)
		return CMD_EXIT_OK;
	char *outbuf = a.output ? NULL : cmd_default_name(path, ".plm");
	if (a.output == NULL && outbuf == NULL) {
		cmd_error(spec, "out of memory");
		return CMD_EXIT_FAIL;
	}
	if (a.output == NULL)
		a.output = outbuf;
	int rc = run(spec, &a, path, argc, argv);
	free(outbuf);
	return rc;
}
