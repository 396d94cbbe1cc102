/* cmd_fit: `plmem fit MSA`: options, progress and summary on stderr, and the model file for
 * the pseudo-likelihood fit (or the Hebbian baseline).  Glue only: fitting lives in fit,
 * reading in msa/weights (through the shared input options of cmd), the file format in model. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cluster.h"
#include "cmd.h"
#include "cmdinput.h"
#include "fit.h"
#include "hebb.h"
#include "model.h"
#include "util.h"

enum {
	OPT_LAMBDA_H = 400,
	OPT_LAMBDA_J,
	OPT_MAX_ITER,
	OPT_LBFGS_M,
	OPT_TOL,
	OPT_NO_FIELDS,
	OPT_SYMMETRIC,
	OPT_RULE,
	OPT_MAX_MEMORY,
	OPT_QUIET
};

#define DEF_RULE MODEL_RULE_PLM

static const cmd_opt opts[] = {
	CMD_INPUT_READ_OPTS,
	CMD_INPUT_FILTER_OPTS,
	{ "output", 'o', "MODEL", "NAME.plm for MSA NAME.EXT...",
	  "write the model to MODEL (in the current folder by default)" },
	{ "lambda-h", OPT_LAMBDA_H, "X", PLM_STR(FIT_DEFAULT_LAMBDA_H), "L2 penalty on the fields" },
	{ "lambda-j", OPT_LAMBDA_J, "X", "auto", "L2 penalty on the couplings, or auto (below)" },
	{ "max-iter", OPT_MAX_ITER, "N", PLM_STR(FIT_DEFAULT_MAX_ITER), "L-BFGS iterations per site" },
	{ "lbfgs-m", OPT_LBFGS_M, "N", "auto",
	  "L-BFGS history length (auto: " PLM_STR(FIT_LBFGS_M_SITES) " per site on alignments with >= "
	  PLM_STR(FIT_LBFGS_M_ENTRIES) " entries per column off the column's most frequent state, else "
	  PLM_STR(FIT_DEFAULT_LBFGS_M) ")" },
	{ "tol", OPT_TOL, "X", PLM_STR(FIT_DEFAULT_TOL),
	  "stop a site when the Euclidean norm of its gradient is <= X" },
	{ "no-fields", OPT_NO_FIELDS, NULL, NULL, "fix the fields h at 0" },
	{ "symmetric", OPT_SYMMETRIC, NULL, NULL,
	  "then fit the symmetric model (J_ji = J_ij^T) jointly, as plmc does" },
	{ "rule", OPT_RULE, "R", DEF_RULE,
	  "plm (pseudo-likelihood) or hebb (Hebbian baseline, binary data only)" },
	CMD_OPT_THREADS,
	{ "max-memory", OPT_MAX_MEMORY, "SIZE", "physical memory",
	  "refuse a fit (--rule plm) whose memory estimate exceeds SIZE (bytes, or e.g. 512M, 8G)" },
	{ "quiet", OPT_QUIET, NULL, NULL, "print neither progress nor summary" },
	CMD_OPT_HELP,
	CMD_OPT_END
};

const cmd_spec cmd_fit_spec = {
	"fit",
	"[options] MSA",
	"Learn a Potts model by pseudo-likelihood (asymmetric couplings, L-BFGS per site).",
	"For each site i, minimises over h_i and J_ij (j != i), with weights w_s / M_eff:\n"
	"  f_i = -sum_s w_s log P(a_i^s | rest of s) + lambda_h |h_i|^2 + lambda_j sum_j |J_ij|^2\n"
	"Identical sequences are merged (weights summed) first.  --lambda-j auto is\n"
	PLM_STR(FIT_LAMBDA_J_PRIOR) " / M_eff (plmc's prior) for alignments (alphabets with a gap) and "
	PLM_STR(FIT_LAMBDA_J_PATTERNS) " for gap-less\n"
	"alphabets (binary patterns).  The tolerance applies to the Euclidean (L2) norm of the\n"
	"gradient of f_i over all of site i's parameters.\n"
	"Progress goes to standard error when it is a terminal; a summary at the end.",
	opts
};

typedef struct progress_state {
	double start, last;
	int shown;
} progress_state;

static void progress(void *ctx, size_t done, size_t total)
{
	progress_state *p = ctx;
	double now = plm_now();
	if (done < total && now - p->last < 0.25)
		return;
	p->last = now;
	double el = now - p->start;
	double left = done > 0 ? el * (double)(total - done) / (double)done : 0.0;
	fprintf(stderr, "\rplmem fit: sites %zu/%zu, %.0f s elapsed, about %.0f s left   ", done, total, el,
	        left);
	fflush(stderr);
	p->shown = 1;
}

int cmd_fit_main(int argc, char **argv)
{
	const cmd_spec *spec = &cmd_fit_spec;
	cmd_input in;
	cmd_input_default(&in);
	fit_opts fo;
	fit_opts_default(&fo);
	const char *output = NULL, *rule = DEF_RULE;
	int threads = 0, quiet = 0;
	unsigned long long u;

	cmd_parser p;
	cmd_parser_init(&p, spec);
	int c, r;
	while ((c = cmd_next(&p, argc, argv)) != -1) {
		switch (c) {
		case 'o':
			output = optarg;
			break;
		case OPT_LAMBDA_H:
			if (cmd_parse_double(spec, "lambda-h", optarg, 0.0, 1e6, &fo.lambda_h))
				return CMD_EXIT_USAGE;
			break;
		case OPT_LAMBDA_J:
			if (strcmp(optarg, "auto") == 0)
				fo.lambda_j = FIT_LAMBDA_J_AUTO;
			else if (cmd_parse_double(spec, "lambda-j", optarg, 0.0, 1e6, &fo.lambda_j))
				return CMD_EXIT_USAGE;
			break;
		case OPT_MAX_ITER:
			if (cmd_parse_u64(spec, "max-iter", optarg, &u))
				return CMD_EXIT_USAGE;
			fo.max_iter = (size_t)u;
			break;
		case OPT_LBFGS_M:
			if (strcmp(optarg, "auto") == 0)
				fo.lbfgs_m = 0;
			else if (cmd_parse_u64(spec, "lbfgs-m", optarg, &u))
				return CMD_EXIT_USAGE;
			else if (u < 1 || u > 1000)
				return cmd_usage_error(spec, "--lbfgs-m: expected auto or 1 to 1000, got '%s'", optarg);
			else
				fo.lbfgs_m = (size_t)u;
			break;
		case OPT_TOL:
			if (cmd_parse_double(spec, "tol", optarg, 0.0, 1e6, &fo.tol))
				return CMD_EXIT_USAGE;
			break;
		case OPT_NO_FIELDS:
			fo.no_fields = 1;
			break;
		case OPT_SYMMETRIC:
			fo.symmetric = 1;
			break;
		case OPT_RULE:
			if (strcmp(optarg, MODEL_RULE_PLM) != 0 && strcmp(optarg, MODEL_RULE_HEBB) != 0)
				return cmd_usage_error(spec, "--rule: expected plm or hebb, got '%s'", optarg);
			rule = optarg;
			break;
		case OPT_MAX_MEMORY:
			if (cmd_parse_bytes(spec, "max-memory", optarg, &fo.max_memory))
				return CMD_EXIT_USAGE;
			break;
		case OPT_QUIET:
			quiet = 1;
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
	if (output == NULL && strcmp(path, "-") == 0)
		return cmd_usage_error(spec, "reading standard input: name the model with -o MODEL");
	int hebb = strcmp(rule, MODEL_RULE_HEBB) == 0;
	if (hebb && fo.symmetric)
		return cmd_usage_error(spec, "--symmetric applies to --rule plm (Hebbian couplings are symmetric)");
	if (cmd_parse_only)
		return CMD_EXIT_OK;
	char *outbuf = output ? NULL : cmd_default_name(path, ".plm");
	if (output == NULL && outbuf == NULL) {
		cmd_error(spec, "out of memory");
		return CMD_EXIT_FAIL;
	}
	if (output == NULL)
		output = outbuf;
	int nthreads = plm_set_threads(threads);
	/* an MPI run (cluster.h): every rank reads the alignment and computes the weights, then
	 * fits its share of the sites; rank 0 reports and writes the model */
	size_t nranks = cluster_size();
	if (cluster_rank() != 0)
		quiet = 1;

	msa *m = NULL;
	double *w = NULL, meff = 0;
	int rc = cmd_input_load(spec, path, &in, &m, &w, &meff);
	if (cluster_agree(rc != CMD_EXIT_OK ? PLM_EINVAL : PLM_OK, NULL) != PLM_OK) { /* the rank that failed said why */
		msa_destroy(m);
		free(w);
		free(outbuf);
		return rc != CMD_EXIT_OK ? rc : CMD_EXIT_FAIL;
	}
	char prefix[64];
	snprintf(prefix, sizeof prefix, "plmem %s: ", spec->name);
	if (!quiet)
		cmd_input_report(stderr, prefix, m, &in, meff);

	plm_err err = { 0 };
	plm_model *mod = NULL;
	progress_state ps = { plm_now(), 0.0, 0 };
	if (!quiet && isatty(STDERR_FILENO)) {
		fo.progress = progress;
		fo.progress_ctx = &ps;
	}
	double t0 = plm_now();
	int st = hebb ? cluster_agree(hebb_build(m, w, &mod, &err), &err) : cluster_fit(m, w, &fo, &mod, &err);
	double elapsed = plm_now() - t0;
	if (ps.shown)
		fputc('\n', stderr);
	rc = CMD_EXIT_FAIL;
	if (st != PLM_OK) {
		cmd_error(spec, "%s: %s", path, err.msg);
		goto done;
	}
	/* provenance the library cannot know */
	mod->theta = in.weights_file || in.no_weights ? 0.0 : in.theta;
	char *joined = cmd_join_argv(argc, argv);
	if (joined != NULL) {
		free(mod->cmdline);
		mod->cmdline = malloc(strlen(joined) + 7);
		if (mod->cmdline)
			sprintf(mod->cmdline, "plmem %s", joined);
		free(joined);
	}
	if (cluster_write_model(mod, output, &err) != PLM_OK) {
		cmd_error(spec, "%s", err.msg);
		goto done;
	}
	rc = CMD_EXIT_OK;
	if (!quiet) {
		char par[64];
		if (nranks > 1)
			snprintf(par, sizeof par, "%zu ranks x %d threads", nranks, nthreads);
		else
			snprintf(par, sizeof par, "%d threads", nthreads);
		fprintf(stderr, "%s%zu sequences (%llu distinct), M_eff %.1f, L %zu, q %zu, rule %s\n", prefix,
		        m->n, (unsigned long long)mod->nunique, meff, mod->L, mod->q, mod->rule);
		model_conv conv;
		int have = !hebb && model_conv_summary(mod, &conv, &err) == PLM_OK && conv.have;
		if (have && fo.symmetric) {
			double g2 = 0.0;
			for (size_t i = 0; i < mod->L; i++)
				g2 += mod->gnorm[i] * mod->gnorm[i];
			fprintf(stderr,
			        "%sper-site fit, then the symmetric model jointly, in %.2f s (%d threads): joint fit "
			        "%s after %u L-BFGS iterations (%u evaluations); objective %.6f; gradient norm %.3g "
			        "(tolerance %.3g = tol x sqrt(L))\n",
			        prefix, elapsed, nthreads,
			        conv.nstatus[SITE_CONVERGED] ? "converged"
			        : conv.nstatus[SITE_MAX_ITER] ? "stopped by --max-iter"
			                                      : "stopped by the line search",
			        conv.iters[1], conv.evals[1], conv.total_fx, sqrt(g2), fo.tol * sqrt((double)mod->L));
		} else if (have) {
			unsigned long long evals = 0;
			for (size_t i = 0; i < mod->L; i++)
				evals += mod->evals[i];
			fprintf(stderr,
			        "%s%zu sites in %.2f s (%s); %zu converged, %zu hit --max-iter, %zu stopped "
			        "by the line search; iterations median %u, max %u; evaluations median %u, total %llu\n",
			        prefix, mod->L, elapsed, par, conv.nstatus[SITE_CONVERGED],
			        conv.nstatus[SITE_MAX_ITER], conv.nstatus[SITE_LINESEARCH], conv.iters[1],
			        conv.iters[2], conv.evals[1], evals);
			fprintf(stderr,
			        "%stotal pseudo-likelihood objective (sum over sites of f_i) %.6f; largest gradient "
			        "norm %.3g (site %zu)\n",
			        prefix, conv.total_fx, conv.max_gnorm, conv.max_gnorm_site + 1);
		} else {
			fprintf(stderr, "%sbuilt in %.2f s\n", prefix, elapsed);
		}
		fprintf(stderr, "%swrote %s\n", prefix, output);
	}
done:
	model_destroy(mod);
	msa_destroy(m);
	free(w);
	free(outbuf);
	return rc;
}
