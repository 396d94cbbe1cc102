/* cmd_sweep: `plmem sweep MSA`: options, resuming from the table, progress, the output files
 * (rows, summary, gnuplot script) and running gnuplot when it is installed.  Glue only: the
 * sweep itself lives in sweep.c (draw in split.c, fit in fit.c, dynamics in dynamics.c). */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "cmdinput.h"
#include "plot.h"
#include "split.h"
#include "sweep.h"
#include "util.h"
#include "version.h"

enum {
	OPT_LAMBDA_H = 400,
	OPT_LAMBDA_J,
	OPT_MAX_ITER,
	OPT_TOL,
	OPT_NO_FIELDS,
	OPT_SYMMETRIC,
	OPT_SIZES,
	OPT_ALPHAS,
	OPT_POINTS,
	OPT_MAX_SIZE,
	OPT_REPS,
	OPT_STARTS,
	OPT_SEED,
	OPT_KINDS,
	OPT_COUPLINGS,
	OPT_TEST,
	OPT_UPDATE,
	OPT_ORDER,
	OPT_MAX_SWEEPS,
	OPT_NO_PLOT,
	OPT_NO_RUN,
	OPT_QUIET
};

#define DEF_KINDS "train,test,random"
#define DEF_COUPLINGS "asymmetric,symmetrized"

static const cmd_opt opts[] = {
	{ "output", 'o', "PREFIX", "NAME.sweep for MSA NAME.EXT",
	  "write PREFIX.tsv (rows), PREFIX.summary.tsv, PREFIX.meta.txt (version, command, settings), "
	  "PREFIX.gp and PREFIX.png" },
	{ "sizes", OPT_SIZES, "LIST", NULL, "training sizes P, comma-separated" },
	{ "alphas", OPT_ALPHAS, "LIST", NULL, "training sizes as alpha = P / L, comma-separated" },
	{ "points", OPT_POINTS, "N", PLM_STR(SWEEP_DEFAULT_POINTS),
	  "without --sizes/--alphas: N sizes log-spaced from 1 to --max-size" },
	{ "max-size", OPT_MAX_SIZE, "P", "M_eff",
	  "largest size of --points (at most 4/5 of the kept sequences without --test)" },
	{ "reps", OPT_REPS, "R", PLM_STR(SWEEP_DEFAULT_REPS),
	  "training sets per size (split seeds S..S+R-1), or A-B: repetitions A to B only" },
	{ "starts", OPT_STARTS, "S", PLM_STR(SWEEP_DEFAULT_STARTS), "starts drawn per kind and point" },
	{ "seed", OPT_SEED, "S", PLM_STR(SWEEP_DEFAULT_SEED), "random seed" },
	{ "kinds", OPT_KINDS, "LIST", DEF_KINDS, "start kinds: train, test, random" },
	{ "couplings", OPT_COUPLINGS, "LIST", DEF_COUPLINGS,
	  "couplings: asymmetric (as fitted), symmetrized ((J_ij + J_ji^T)/2)" },
	{ "test", OPT_TEST, "FILE", NULL,
	  "draw the test starts from FILE instead of the sequences not drawn" },
	{ "update", OPT_UPDATE, "MODE", PLM_STR(DYN_DEFAULT_UPDATE),
	  "dynamics: sequential (one site at a time) or parallel (all at once)" },
	{ "order", OPT_ORDER, "ORDER", PLM_STR(DYN_DEFAULT_ORDER),
	  "site order of a sequential sweep: ascending or random" },
	{ "max-sweeps", OPT_MAX_SWEEPS, "N", PLM_STR(DYN_MAX_SWEEPS_DEFAULT), "stop a run after N sweeps" },
	CMD_INPUT_READ_OPTS,
	CMD_INPUT_FILTER_OPTS,
	{ "lambda-h", OPT_LAMBDA_H, "X", PLM_STR(FIT_DEFAULT_LAMBDA_H), "fit: L2 penalty on the fields" },
	{ "lambda-j", OPT_LAMBDA_J, "X", "auto", "fit: L2 penalty on the couplings, or auto (as fit)" },
	{ "max-iter", OPT_MAX_ITER, "N", PLM_STR(FIT_DEFAULT_MAX_ITER), "fit: L-BFGS iterations per site" },
	{ "tol", OPT_TOL, "X", PLM_STR(FIT_DEFAULT_TOL), "fit: gradient-norm tolerance per site" },
	{ "no-fields", OPT_NO_FIELDS, NULL, NULL, "fit: fix the fields h at 0" },
	{ "symmetric", OPT_SYMMETRIC, NULL, NULL, "fit: then fit the symmetric model jointly" },
	{ "no-plot", OPT_NO_PLOT, NULL, NULL, "write no gnuplot script and no PNG" },
	{ "no-run", OPT_NO_RUN, NULL, NULL,
	  "compute nothing: summarise and plot the rows already in PREFIX.tsv (a merged table)" },
	CMD_OPT_THREADS,
	{ "quiet", OPT_QUIET, NULL, NULL, "print neither progress nor summary" },
	CMD_OPT_HELP,
	CMD_OPT_END
};

const cmd_spec cmd_sweep_spec = {
	"sweep",
	"[options] MSA",
	"Memorization to generalization: fit training sets of growing size, relax from their sequences.",
	"For each training size P and repetition r, draws P sequences as plmem split --seed S+r-1\n"
	"does (by weight, without replacement; the sets of one repetition are nested), fits them\n"
	"as plmem fit does (weights recomputed on the training set), and runs the zero-temperature\n"
	"dynamics from --starts draws (with repetition) of the training set, of the test set and of\n"
	"uniformly random sequences, with the asymmetric and the symmetrized couplings.  Each batch\n"
	"is one row of PREFIX.tsv: mean final overlap q(start, end), fraction of starts that are\n"
	"fixed points, fractions ending fixed, in a cycle or at --max-sweeps, times.  An existing\n"
	"PREFIX.tsv with the same settings is resumed: its finished points are kept.  The PNG needs\n"
	"gnuplot; without it the script PREFIX.gp is still written.",
	opts
};

typedef struct prog {
	const char *tsv, *header;
	size_t L;
	double start;
	size_t first_done; /* points already done when this run started */
	int show, shown;
	double last;
} prog;

/* Rewrite the rows table after each point (temporary file + rename), and show progress. */
static int on_point(void *ctx, const sweep_table *t, size_t done, size_t total, plm_err *err)
{
	prog *p = ctx;
	plm_outfile f;
	int rc = outfile_open(&f, p->tsv, err);
	if (rc == PLM_OK)
		rc = sweep_write_rows(f.fp, t, p->L);
	if (rc == PLM_OK)
		rc = outfile_commit(&f, err);
	else
		outfile_abort(&f);
	if (rc != PLM_OK)
		return rc;
	double now = plm_now();
	if (p->show && (now - p->last > 0.25 || done == total)) {
		double el = now - p->start;
		size_t mine = done - p->first_done;
		double left = mine > 0 ? el * (double)(total - done) / (double)mine : 0.0;
		fprintf(stderr, "\rplmem sweep: points %zu/%zu, %.0f s elapsed, about %.0f s left   ", done, total, el,
		        left);
		fflush(stderr);
		p->shown = 1;
		p->last = now;
	}
	return PLM_OK;
}

/* A comma-separated list: each item a kind/coupling name, into a bit mask. */
static int parse_names(const cmd_spec *spec, const char *opt, const char *s, int (*parse)(const char *, size_t),
                       unsigned *mask)
{
	*mask = 0;
	for (const char *p = s;;) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		int k = parse(p, n);
		if (k < 0) {
			cmd_usage_error(spec, "--%s: unknown name '%.*s'", opt, (int)n, p);
			return -1;
		}
		*mask |= 1u << k;
		if (e == NULL)
			return 0;
		p = e + 1;
	}
}

/* A comma-separated list of positive numbers. */
static int parse_list(const cmd_spec *spec, const char *opt, const char *s, double **out, size_t *n)
{
	size_t cap = 1;
	for (const char *p = s; *p; p++)
		cap += *p == ',';
	double *v = malloc(cap * sizeof *v);
	if (v == NULL) {
		cmd_error(spec, "out of memory");
		return -1;
	}
	size_t k = 0;
	for (const char *p = s;;) {
		char *end;
		errno = 0;
		double x = strtod(p, &end);
		if (end == p || errno || !(x > 0) || (*end != ',' && *end != '\0')) {
			free(v);
			cmd_usage_error(spec, "--%s: expected positive numbers separated by commas, got '%s'", opt, s);
			return -1;
		}
		v[k++] = x;
		if (*end == '\0')
			break;
		p = end + 1;
	}
	*out = v;
	*n = k;
	return 0;
}

/* --reps R (1..R) or A-B (A..B). */
static int parse_reps(const cmd_spec *spec, const char *s, size_t *first, size_t *last)
{
	char buf[64];
	const char *dash = strchr(s, '-');
	if (dash == NULL) {
		*first = 1;
		return cmd_parse_size(spec, "reps", s, 1, 1000000, last);
	}
	if ((size_t)(dash - s) >= sizeof buf)
		return cmd_usage_error(spec, "--reps: '%s' is not R or A-B", s), -1;
	memcpy(buf, s, (size_t)(dash - s));
	buf[dash - s] = '\0';
	if (cmd_parse_size(spec, "reps", buf, 1, 1000000, first) || cmd_parse_size(spec, "reps", dash + 1, 1, 1000000, last))
		return -1;
	if (*first > *last)
		return cmd_usage_error(spec, "--reps: %zu-%zu is an empty range", *first, *last), -1;
	return 0;
}

static char *concat(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 1;
	char *s = malloc(n);
	if (s != NULL)
		snprintf(s, n, "%s%s", a, b);
	return s;
}

int cmd_sweep_main(int argc, char **argv)
{
	const cmd_spec *spec = &cmd_sweep_spec;
	cmd_input in;
	cmd_input_default(&in);
	sweep_opts so;
	sweep_opts_default(&so);
	const char *prefix = NULL, *sizes_s = NULL, *alphas_s = NULL, *test_path = NULL;
	size_t npoints = SWEEP_DEFAULT_POINTS, max_size = 0;
	unsigned long long u;
	int threads = 0, quiet = 0, no_plot = 0, no_run = 0, order_set = 0;

	cmd_parser p;
	cmd_parser_init(&p, spec);
	int c, r, choice;
	while ((c = cmd_next(&p, argc, argv)) != -1) {
		switch (c) {
		case 'o': prefix = optarg; break;
		case OPT_SIZES: sizes_s = optarg; break;
		case OPT_ALPHAS: alphas_s = optarg; break;
		case OPT_POINTS:
			if (cmd_parse_size(spec, "points", optarg, 1, 10000, &npoints))
				return CMD_EXIT_USAGE;
			break;
		case OPT_MAX_SIZE:
			if (cmd_parse_size(spec, "max-size", optarg, 1, SIZE_MAX / 2, &max_size))
				return CMD_EXIT_USAGE;
			break;
		case OPT_REPS:
			if (parse_reps(spec, optarg, &so.first_rep, &so.reps))
				return CMD_EXIT_USAGE;
			break;
		case OPT_STARTS:
			if (cmd_parse_size(spec, "starts", optarg, 1, 100000000, &so.starts))
				return CMD_EXIT_USAGE;
			break;
		case OPT_SEED:
			if (cmd_parse_u64(spec, "seed", optarg, &u))
				return CMD_EXIT_USAGE;
			so.seed = u;
			break;
		case OPT_KINDS:
			if (parse_names(spec, "kinds", optarg, sweep_kind_parse, &so.kinds))
				return CMD_EXIT_USAGE;
			break;
		case OPT_COUPLINGS:
			if (parse_names(spec, "couplings", optarg, sweep_coup_parse, &so.coups))
				return CMD_EXIT_USAGE;
			break;
		case OPT_TEST: test_path = optarg; break;
		case OPT_UPDATE:
			if (cmd_parse_choice(spec, "update", optarg, dyn_update_names, &choice))
				return CMD_EXIT_USAGE;
			so.dyn.update = (dyn_update)choice;
			break;
		case OPT_ORDER:
			if (cmd_parse_choice(spec, "order", optarg, dyn_order_names, &choice))
				return CMD_EXIT_USAGE;
			so.dyn.order = (dyn_order)choice;
			order_set = 1;
			break;
		case OPT_MAX_SWEEPS:
			if (cmd_parse_size(spec, "max-sweeps", optarg, 0, SIZE_MAX / 2, &so.dyn.max_sweeps))
				return CMD_EXIT_USAGE;
			break;
		case OPT_LAMBDA_H:
			if (cmd_parse_double(spec, "lambda-h", optarg, 0.0, 1e6, &so.fit.lambda_h))
				return CMD_EXIT_USAGE;
			break;
		case OPT_LAMBDA_J:
			if (strcmp(optarg, "auto") == 0)
				so.fit.lambda_j = FIT_LAMBDA_J_AUTO;
			else if (cmd_parse_double(spec, "lambda-j", optarg, 0.0, 1e6, &so.fit.lambda_j))
				return CMD_EXIT_USAGE;
			break;
		case OPT_MAX_ITER:
			if (cmd_parse_u64(spec, "max-iter", optarg, &u))
				return CMD_EXIT_USAGE;
			so.fit.max_iter = (size_t)u;
			break;
		case OPT_TOL:
			if (cmd_parse_double(spec, "tol", optarg, 0.0, 1e6, &so.fit.tol))
				return CMD_EXIT_USAGE;
			break;
		case OPT_NO_FIELDS: so.fit.no_fields = 1; break;
		case OPT_SYMMETRIC: so.fit.symmetric = 1; break;
		case OPT_NO_PLOT: no_plot = 1; break;
		case OPT_NO_RUN: no_run = 1; break;
		case OPT_QUIET: quiet = 1; break;
		default:
			if ((r = cmd_input_option(spec, c, optarg, &in, &threads)) != CMD_NEXT)
				return r;
		}
	}
	char **arg = cmd_operands(spec, argc, argv, 1, "the alignment file MSA");
	if (arg == NULL)
		return CMD_EXIT_USAGE;
	const char *path = arg[0];
	if (sizes_s && alphas_s)
		return cmd_usage_error(spec, "--sizes and --alphas exclude each other");
	if (order_set && cmd_check_order(spec, so.dyn.order, so.dyn.update))
		return CMD_EXIT_USAGE;
	if (prefix == NULL && strcmp(path, "-") == 0)
		return cmd_usage_error(spec, "reading standard input: name the outputs with -o PREFIX");
	double *list = NULL;
	size_t nlist = 0;
	if ((sizes_s && parse_list(spec, "sizes", sizes_s, &list, &nlist)) ||
	    (alphas_s && parse_list(spec, "alphas", alphas_s, &list, &nlist)))
		return CMD_EXIT_USAGE;
	if (sizes_s)
		for (size_t k = 0; k < nlist; k++)
			if (list[k] != floor(list[k])) {
				double x = list[k];
				free(list);
				return cmd_usage_error(spec, "--sizes: %g is not a whole number (use --alphas for P / L)", x);
			}
	if (cmd_parse_only) {
		free(list);
		return CMD_EXIT_OK;
	}
	int nthreads = plm_set_threads(threads);
	double t_start = plm_now();

	msa *m = NULL, *tm = NULL;
	double *w = NULL, meff = 0;
	size_t *sizes = NULL, nsizes = 0;
	uint8_t *test = NULL;
	char *pbuf = NULL, *tsv = NULL, *sum = NULL, *gp = NULL, *png = NULL, *header = NULL, *settings = NULL,
	     *joined = NULL, *meta = NULL;
	sweep_table tab = { 0 };
	plm_err err = { 0 };
	plm_outfile f = { 0 };
	int rc = CMD_EXIT_FAIL;

	if (prefix == NULL) {
		if ((pbuf = cmd_default_name(path, ".sweep")) == NULL)
			goto oom;
		prefix = pbuf;
	}
	if ((tsv = concat(prefix, ".tsv")) == NULL || (sum = concat(prefix, ".summary.tsv")) == NULL ||
	    (gp = concat(prefix, ".gp")) == NULL || (png = concat(prefix, ".png")) == NULL ||
	    (meta = concat(prefix, ".meta.txt")) == NULL)
		goto oom;

	if ((rc = cmd_input_load(spec, path, &in, &m, &w, &meff)) != CMD_EXIT_OK)
		goto done;
	rc = CMD_EXIT_FAIL;
	if (!quiet)
		cmd_input_report(stderr, "plmem sweep: ", m, &in, meff);
	so.train_weights = in.weights_file ? SWEEP_W_GIVEN : SWEEP_W_RECOMPUTE;
	so.theta = in.no_weights ? 0.0 : in.theta;
	so.force = split_focus_row(m);
	size_t L = m->L;

	if (test_path != NULL) {
		msa_opts mo;
		msa_opts_default(&mo);
		mo.format = in.msa.format;
		mo.alphabet = m->abc.name;
		mo.unknown = in.msa.unknown;
		if (msa_read(test_path, &mo, &tm, &err) != PLM_OK ||
		    split_map_columns(m, tm, &test, &err) != PLM_OK) {
			cmd_error(spec, "%s", err.msg);
			goto done;
		}
		so.test = test;
		so.ntest = tm->n;
	}

	sweep_size_opts sz = { list, nlist, alphas_s != NULL, npoints, max_size, test_path != NULL };
	int found = 0;
	if (sweep_sizes(&sz, m->n, L, meff, &sizes, &nsizes, &err) != PLM_OK) {
		cmd_error(spec, "%s: %s", path, err.msg);
		goto done;
	}
	so.sizes = sizes;
	so.nsizes = nsizes;
	if (sweep_settings_key(&so, m, &in.msa, in.weights_file, test_path, &settings, &err) != PLM_OK ||
	    (no_run && access(tsv, F_OK) != 0 &&
	     plm_fail(&err, PLM_EINVAL, "--no-run: %s: no table to summarise", tsv) != PLM_OK) ||
	    sweep_resume(tsv, meta, settings, &tab, &found, &err) != PLM_OK) {
		cmd_error(spec, "%s", err.msg);
		goto done;
	}
	double nat_u, nat_w;
	sweep_natural_overlap(m, w, &nat_u, &nat_w);
	joined = cmd_join_argv(argc, argv);
	header = malloc(8192);
	if (joined == NULL || header == NULL)
		goto oom;
	snprintf(header, 8192,
	         "plmem %s sweep of %s: %zu sequences kept, L = %zu, q = %zu, M_eff = %.2f\n"
	         "command: plmem %s\n"
	         "natural sequences: mean overlap %.6f over all pairs (unweighted), %.6f weighted by w_s w_t\n"
	         "settings: %s",
	         plm_version(), path, m->n, L, m->abc.q, meff, joined, nat_u, nat_w, settings);

	if (outfile_open(&f, meta, &err) != PLM_OK || sweep_write_meta(f.fp, header) != PLM_OK ||
	    outfile_commit(&f, &err) != PLM_OK) {
		cmd_error(spec, "%s", err.msg);
		goto done;
	}
	size_t already = sweep_points_done(&tab, &so), npoints_all = nsizes * (so.reps - so.first_rep + 1);
	prog pr = { tsv, header, L, plm_now(), already, !quiet && isatty(STDERR_FILENO), 0, 0.0 };
	if (!quiet) {
		fprintf(stderr, "plmem sweep: %zu sizes (P = %zu..%zu) x %zu repetitions (%zu..%zu), %zu starts per kind; "
		        "%d threads", nsizes, sizes[0], sizes[nsizes - 1], so.reps - so.first_rep + 1, so.first_rep, so.reps,
		        so.starts, nthreads);
		if (already)
			fprintf(stderr, "; resuming %s: %zu of %zu points done", tsv, already, npoints_all);
		fputc('\n', stderr);
	}
	/* the table is written first, so an unwritable folder fails before any work (--no-run
	 * leaves it as it is) */
	if (!no_run && on_point(&pr, &tab, already, npoints_all, &err) != PLM_OK) {
		cmd_error(spec, "%s", err.msg);
		goto done;
	}
	so.point = on_point;
	so.point_ctx = &pr;
	int st = no_run ? PLM_OK : sweep_run(m, w, &so, &tab, &err);
	if (pr.shown)
		fputc('\n', stderr);
	if (st != PLM_OK) {
		cmd_error(spec, "%s: %s", path, err.msg);
		goto done;
	}

	if (outfile_open(&f, sum, &err) != PLM_OK || sweep_write_summary(f.fp, &tab, &so, L) != PLM_OK ||
	    outfile_commit(&f, &err) != PLM_OK) {
		cmd_error(spec, "%s", err.msg);
		goto done;
	}
	char plot_msg[1024] = "no plot (--no-plot)";
	if (!no_plot) {
		char title[512];
		snprintf(title, sizeof title, "%s: L = %zu, M_eff = %.0f, %zu repetitions", path, L, meff,
		         so.reps - so.first_rep + 1);
		if (outfile_open(&f, gp, &err) != PLM_OK ||
		    sweep_write_gnuplot(f.fp, sum, png, title, so.kinds, so.coups, nat_u) != PLM_OK ||
		    outfile_commit(&f, &err) != PLM_OK) {
			cmd_error(spec, "%s", err.msg);
			goto done;
		}
		plot_describe(plot_run(gp), png, gp, plot_msg, sizeof plot_msg);
	}
	if (!quiet) {
		/* the one-line summary: train and test overlaps at the smallest and largest size */
		const size_t ends[2] = { sizes[0], sizes[nsizes - 1] };
		fprintf(stderr, "plmem sweep: asymmetric couplings, mean final overlap at P = %zu -> %zu:", ends[0], ends[1]);
		for (int k = 0; k < SWEEP_NKINDS; k++)
			if ((so.kinds & (1u << k)) && (so.coups & 1u))
				fprintf(stderr, " %s %.3f -> %.3f;", sweep_kind_name(k),
				        sweep_mean_overlap(&tab, &so, ends[0], k, SWEEP_ASYM),
				        sweep_mean_overlap(&tab, &so, ends[1], k, SWEEP_ASYM));
		fprintf(stderr, " natural sequences %.3f; %.1f s\n", nat_u, plm_now() - t_start);
		fprintf(stderr, "plmem sweep: wrote %s and %s; %s\n", tsv, sum, plot_msg);
	}
	rc = CMD_EXIT_OK;
	goto done;
oom:
	cmd_error(spec, "out of memory");
done:
	outfile_abort(&f);
	sweep_table_free(&tab);
	free(list);
	free(sizes);
	free(test);
	free(pbuf);
	free(tsv);
	free(sum);
	free(gp);
	free(png);
	free(meta);
	free(header);
	free(settings);
	free(joined);
	free(w);
	msa_destroy(tm);
	msa_destroy(m);
	return rc;
}
