/* cmd_sweep: `plmem sweep MSA`: options, resuming from the table, progress, the output files
 * (rows, summary, gnuplot script) and the plot.  Glue only: the sweep, its sizes, resume key
 * and files live in sweep.c (draw in split.c, fit in fit.c, dynamics in dynamics.c), the
 * plotting in plot.c. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "cmdinput.h"
#include "model.h"
#include "plot.h"
#include "split.h"
#include "sweep.h"
#include "util.h"
#include "version.h"

typedef struct sweep_args {
	cmd_common com;
	cmd_input in;
	sweep_opts so;
	unsigned long long seed;
	struct rep_range { size_t first, last; } reps;
	const char *prefix, *sizes, *alphas, *test, *reference;
	size_t npoints, max_size;
	int no_plot, no_run;
} sweep_args;

#define DEF_KINDS "train,test,random"
#define DEF_COUPLINGS "asymmetric,symmetrized"
#define SW(f) offsetof(sweep_args, f)

/* --reps R (1..R) or A-B (A..B), 1 <= A <= B <= 10^6. */
static int parse_reps(const char *arg, void *field, char *msg, size_t msglen)
{
	struct rep_range *r = field;
	unsigned long long a, b;
	char *end;
	errno = 0;
	a = strtoull(arg, &end, 10);
	b = a;
	if (end != arg && *end == '-' && errno == 0) {
		const char *p = end + 1;
		b = strtoull(p, &end, 10);
		if (end == p)
			end = (char *)arg;
	} else {
		a = 1;
	}
	if (end == arg || *end != '\0' || errno != 0 || arg[0] == '-' || arg[0] == '+' || a < 1 || b > 1000000 || b < 1) {
		snprintf(msg, msglen, "'%s' is not R or A-B (1 to 1000000)", arg);
		return -1;
	}
	if (a > b) {
		snprintf(msg, msglen, "%llu-%llu is an empty range", a, b);
		return -1;
	}
	r->first = (size_t)a;
	r->last = (size_t)b;
	return 0;
}

static const cmd_row rows[] = {
	{ "output", 'o', CMD_STRING, "PREFIX", "NAME.sweep for MSA NAME.EXT", SW(prefix),
	  "write PREFIX.tsv (rows), PREFIX.summary.tsv, PREFIX.meta.txt (version, command, settings), "
	  "PREFIX.gp and PREFIX.png" },
	{ "sizes", 0, CMD_STRING, "LIST", NULL, SW(sizes), "training sizes P, comma-separated" },
	{ "alphas", 0, CMD_STRING, "LIST", NULL, SW(alphas), "training sizes as alpha = P / L, comma-separated",
	  .excludes = "sizes" },
	{ "points", 0, CMD_SIZE, "N", PLM_STR(SWEEP_DEFAULT_POINTS), SW(npoints),
	  "without --sizes/--alphas: N sizes log-spaced from 1 to --max-size", .lo = 1, .hi = 10000 },
	{ "max-size", 0, CMD_SIZE, "P", "M_eff", SW(max_size),
	  "largest size of --points (at most 4/5 of the kept sequences without --test)", .lo = 1,
	  .hi = (double)(SIZE_MAX / 2) },
	{ "reps", 0, CMD_CALL, "R", PLM_STR(SWEEP_DEFAULT_REPS), SW(reps),
	  "training sets per size (split seeds S..S+R-1), or A-B: repetitions A to B only", .call = parse_reps },
	{ "starts", 0, CMD_SIZE, "S", PLM_STR(SWEEP_DEFAULT_STARTS), SW(so.starts), "starts drawn per kind and point",
	  .lo = 1, .hi = 100000000 },
	{ "seed", 0, CMD_U64, "S", PLM_STR(SWEEP_DEFAULT_SEED), SW(seed), "random seed" },
	{ "kinds", 0, CMD_LIST, "LIST", DEF_KINDS, SW(so.kinds), "start kinds: train, test, random",
	  .choices = sweep_kind_names },
	{ "couplings", 0, CMD_LIST, "LIST", DEF_COUPLINGS, SW(so.coups),
	  "couplings: asymmetric (as fitted), symmetrized ((J_ij + J_ji^T)/2)", .choices = sweep_coup_names },
	{ "test", 0, CMD_STRING, "FILE", NULL, SW(test), "draw the test starts from FILE instead of the sequences not drawn" },
	{ "reference", 0, CMD_STRING, "MODEL", NULL, SW(reference),
	  "also relax from the three kinds of starts with MODEL as given (true couplings, a fit on all "
	  "data): rows P = 0, a dotted line per kind in the plot" },
	{ "cycle-end", 0, CMD_CHOICE, "WHEN", "detected", SW(so.cycle_end),
	  "overlap of a run caught in a cycle: at the sweep the cycle is detected, or at max-sweeps "
	  "(the cycle followed to exactly --max-sweeps sweeps)", .choices = sweep_cycle_end_names },
	{ "examples", 0, CMD_SIZE, "N", "0", SW(so.examples),
	  "write the starts and end states of the first N draws of each batch computed to PREFIX.examples.tsv",
	  .lo = 0, .hi = 1000000 },
	{ "no-plot", 0, CMD_FLAG, NULL, NULL, SW(no_plot), "write no gnuplot script and no PNG" },
	{ "no-run", 0, CMD_FLAG, NULL, NULL, SW(no_run),
	  "compute nothing: summarise and plot the rows already in PREFIX.tsv (a merged table)" },
	CMD_ROW_END
};

static const cmd_group groups[] = {
	CMD_OWN(rows),
	CMD_GROUP(cmd_dyn_rows, sweep_args, so.dyn),
	CMD_GROUP(cmd_input_read_rows, sweep_args, in),
	CMD_GROUP(cmd_input_filter_rows, sweep_args, in),
	CMD_GROUP(cmd_fit_rows, sweep_args, so.fit),
	CMD_GROUP_END
};

const cmd_spec cmd_sweep_spec = {
	.name = "sweep",
	.synopsis = "[options] MSA",
	.summary = "Memorization to generalization: fit training sets of growing size, relax from their sequences.",
	.details =
	"For each training size P and repetition r, draws P sequences as plmem split --seed S+r-1\n"
	"does (by weight, without replacement; the sets of one repetition are nested), fits them\n"
	"as plmem fit does (weights recomputed on the training set), and runs the zero-temperature\n"
	"dynamics from --starts draws (with repetition) of the training set, of the test set and of\n"
	"uniformly random sequences, with the asymmetric and the symmetrized couplings.  Each batch\n"
	"is one row of PREFIX.tsv: mean final overlap q(start, end), fraction of starts that are\n"
	"fixed points, fractions ending fixed, in a cycle or at --max-sweeps, times.  An existing\n"
	"PREFIX.tsv with the same settings is resumed: its finished points are kept.  The PNG needs\n"
	"gnuplot; without it the script PREFIX.gp is still written.",
	.groups = groups,
	.common = offsetof(sweep_args, com),
	.nops = 1,
	.operands = "the alignment file MSA",
};

/* ---- one sweep: its inputs, table and outputs ----------------------------------------- */

typedef struct sweep_job {
	const cmd_spec *spec;
	const char *path;                  /* the alignment */
	char *pbuf, *tsv, *sum, *gp, *png, *meta, *ex; /* the output names */
	plm_outfile exf;                   /* PREFIX.examples.tsv (--examples) */
	msa *m, *tm;
	plm_model *ref;
	double *w, meff, nat_u, nat_w;
	double *list;                      /* --sizes or --alphas */
	size_t nlist, *sizes, nsizes;
	uint8_t *test;
	char *settings, *header;
	sweep_table tab;
	/* progress (the table is rewritten after each point) */
	double start, last;
	size_t first_done;
	int show, tty, shown;
} sweep_job;

static void job_free(sweep_job *j)
{
	sweep_table_free(&j->tab);
	free(j->list);
	free(j->sizes);
	free(j->test);
	free(j->pbuf);
	free(j->tsv);
	free(j->sum);
	free(j->gp);
	free(j->png);
	free(j->meta);
	free(j->ex);
	outfile_abort(&j->exf);
	free(j->header);
	free(j->settings);
	free(j->w);
	msa_destroy(j->tm);
	msa_destroy(j->m);
	model_destroy(j->ref);
}

/* The file name of PATH without its folders (plot titles name the input, not a path). */
static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s != NULL && s[1] != '\0' ? s + 1 : path;
}

static char *concat(const char *a, const char *b)
{
	size_t n = strlen(a) + strlen(b) + 1;
	char *s = malloc(n);
	if (s != NULL)
		snprintf(s, n, "%s%s", a, b);
	return s;
}

/* One line of PREFIX.examples.tsv: the batch, the draw, its start and end state as letters. */
static int on_example(void *ctx, const sweep_row *row, size_t index, const uint8_t *start, const uint8_t *end,
                      plm_err *err)
{
	sweep_job *j = ctx;
	FILE *fp = j->exf.fp;
	const char *abc = j->m->abc.letters;
	fprintf(fp, "%zu\t%zu\t%s\t%s\t%zu\t", row->P, row->rep, sweep_kind_name(row->kind), sweep_coup_name(row->coup),
	        index + 1);
	for (size_t i = 0; i < j->m->L; i++)
		fputc(abc[start[i]], fp);
	fputc('\t', fp);
	for (size_t i = 0; i < j->m->L; i++)
		fputc(abc[end[i]], fp);
	fputc('\n', fp);
	return ferror(fp) ? plm_fail(err, PLM_EIO, "%s: write error", j->ex) : PLM_OK;
}

/* Rewrite the rows table after each point (temporary file + rename), and show progress. */
static int on_point(void *ctx, const sweep_table *t, size_t done, size_t total, plm_err *err)
{
	sweep_job *j = ctx;
	plm_outfile f;
	int rc = outfile_open(&f, j->tsv, err);
	if (rc == PLM_OK)
		rc = sweep_write_rows(f.fp, t, j->m->L);
	if (rc == PLM_OK)
		rc = outfile_commit(&f, err);
	else
		outfile_abort(&f);
	if (rc != PLM_OK)
		return rc;
	double now = plm_now();
	if (j->show && (now - j->last > (j->tty ? 0.25 : CMD_PROGRESS_LOG_S) || done == total)) {
		double el = now - j->start;
		size_t mine = done - j->first_done;
		double left = mine > 0 ? el * (double)(total - done) / (double)mine : 0.0;
		fprintf(stderr, "%splmem sweep: points %zu/%zu, %.0f s elapsed, about %.0f s left%s", j->tty ? "\r" : "",
		        done, total, el, left, j->tty ? "   " : "\n");
		fflush(stderr);
		j->shown = j->tty;
		j->last = now;
	}
	return PLM_OK;
}

/* The output names, the alignment and its weights, the test set.  0, or an exit status after
 * the message. */
static int job_load(sweep_job *j, sweep_args *a)
{
	const cmd_spec *spec = j->spec;
	plm_err err;
	const char *prefix = a->prefix ? a->prefix : (j->pbuf = cmd_default_name(j->path, ".sweep"));
	if (prefix == NULL || (j->tsv = concat(prefix, ".tsv")) == NULL ||
	    (j->sum = concat(prefix, ".summary.tsv")) == NULL || (j->gp = concat(prefix, ".gp")) == NULL ||
	    (j->png = concat(prefix, ".png")) == NULL || (j->meta = concat(prefix, ".meta.txt")) == NULL ||
	    (j->ex = concat(prefix, ".examples.tsv")) == NULL) {
		cmd_error(spec, "out of memory");
		return CMD_EXIT_FAIL;
	}
	int rc = cmd_input_load(spec, j->path, &a->in, &j->m, &j->w, &j->meff);
	if (rc != CMD_EXIT_OK)
		return rc;
	if (!a->com.quiet)
		cmd_input_report(stderr, "plmem sweep: ", j->m, &a->in, j->meff);
	a->so.train_weights = a->in.weights_file ? SWEEP_W_GIVEN : SWEEP_W_RECOMPUTE;
	a->so.theta = a->in.no_weights ? 0.0 : a->in.theta;
	a->so.force = split_focus_row(j->m);
	if (a->test != NULL) {
		msa_opts mo;
		msa_opts_default(&mo);
		mo.format = a->in.msa.format;
		mo.alphabet = j->m->abc.name;
		mo.unknown = a->in.msa.unknown;
		if (msa_read(a->test, &mo, &j->tm, &err) != PLM_OK ||
		    split_map_columns(j->m, j->tm, &j->test, &err) != PLM_OK) {
			cmd_error(spec, "%s", err.msg);
			return CMD_EXIT_FAIL;
		}
		a->so.test = j->test;
		a->so.ntest = j->tm->n;
	}
	if (a->reference != NULL) {
		if (model_read(a->reference, &j->ref, &err) != PLM_OK) {
			cmd_error(spec, "%s", err.msg);
			return CMD_EXIT_FAIL;
		}
		if (j->ref->L != j->m->L || j->ref->q != j->m->abc.q) {
			cmd_error(spec, "--reference %s: a model of L = %zu, q = %zu; %s has L = %zu, q = %zu", a->reference,
			          j->ref->L, j->ref->q, j->path, j->m->L, j->m->abc.q);
			return CMD_EXIT_FAIL;
		}
		a->so.reference = j->ref;
	}
	return CMD_EXIT_OK;
}

/* The sizes, the resume key and the rows already done, the header of the tables.  0, or an
 * exit status after the message. */
static int job_plan(sweep_job *j, sweep_args *a, int argc, char **argv)
{
	const cmd_spec *spec = j->spec;
	plm_err err;
	int found;
	sweep_size_opts sz = { j->list, j->nlist, a->alphas != NULL, a->npoints, a->max_size, a->test != NULL };
	if (sweep_sizes(&sz, j->m->n, j->m->L, j->meff, &j->sizes, &j->nsizes, &err) != PLM_OK) {
		cmd_error(spec, "%s: %s", j->path, err.msg);
		return CMD_EXIT_FAIL;
	}
	a->so.sizes = j->sizes;
	a->so.nsizes = j->nsizes;
	if (sweep_settings_key(&a->so, j->m, &a->in.msa, a->in.weights_file, a->test, a->reference, &j->settings, &err) != PLM_OK ||
	    (a->no_run && access(j->tsv, F_OK) != 0 &&
	     plm_fail(&err, PLM_EINVAL, "--no-run: %s: no table to summarise", j->tsv) != PLM_OK) ||
	    sweep_resume(j->tsv, j->meta, j->settings, &j->tab, &found, &err) != PLM_OK) {
		cmd_error(spec, "%s", err.msg);
		return CMD_EXIT_FAIL;
	}
	sweep_natural_overlap(j->m, j->w, &j->nat_u, &j->nat_w);
	char *joined = cmd_join_argv(argc, argv);
	j->header = joined ? malloc(strlen(joined) + strlen(j->path) + strlen(j->settings) + 512) : NULL;
	if (j->header == NULL) {
		free(joined);
		cmd_error(spec, "out of memory");
		return CMD_EXIT_FAIL;
	}
	sprintf(j->header,
	        "plmem %s sweep of %s: %zu sequences kept, L = %zu, q = %zu, M_eff = %.2f\n"
	        "command: plmem %s\n"
	        "natural sequences: mean overlap %.6f over all pairs (unweighted), %.6f weighted by w_s w_t\n"
	        "settings: %s",
	        plm_version(), j->path, j->m->n, j->m->L, j->m->abc.q, j->meff, joined, j->nat_u, j->nat_w,
	        j->settings);
	free(joined);
	plm_outfile f = { 0 };
	int rc = outfile_open(&f, j->meta, &err);
	if (rc == PLM_OK && (rc = sweep_write_meta(f.fp, j->header)) != PLM_OK)
		plm_fail(&err, rc, "%s: write error", j->meta);
	if (rc == PLM_OK)
		rc = outfile_commit(&f, &err);
	outfile_abort(&f);
	if (rc != PLM_OK) {
		cmd_error(spec, "%s", err.msg);
		return CMD_EXIT_FAIL;
	}
	return CMD_EXIT_OK;
}

/* Compute the points not done yet (none with --no-run), the table rewritten after each. */
static int job_run(sweep_job *j, sweep_args *a, int nthreads)
{
	plm_err err;
	const sweep_opts *so = &a->so;
	size_t reps = so->reps - so->first_rep + 1, total = j->nsizes * reps;
	j->first_done = sweep_points_done(&j->tab, so);
	j->start = plm_now();
	j->tty = isatty(STDERR_FILENO);
	j->show = !a->com.quiet && (a->com.progress == CMD_PROGRESS_ALWAYS ||
	                            (a->com.progress == CMD_PROGRESS_AUTO && j->tty));
	if (!a->com.quiet) {
		fprintf(stderr, "plmem sweep: %zu sizes (P = %zu..%zu) x %zu repetitions (%zu..%zu), %zu starts per "
		        "kind; %d thread%s", j->nsizes, j->sizes[0], j->sizes[j->nsizes - 1], reps, so->first_rep,
		        so->reps, so->starts, nthreads, nthreads == 1 ? "" : "s");
		if (j->first_done)
			fprintf(stderr, "; resuming %s: %zu of %zu points done", j->tsv, j->first_done, total);
		fputc('\n', stderr);
	}
	if (a->no_run)
		return CMD_EXIT_OK;
	/* the table is written first, so an unwritable folder fails before any work */
	if (on_point(j, &j->tab, j->first_done, total, &err) != PLM_OK) {
		cmd_error(j->spec, "%s", err.msg);
		return CMD_EXIT_FAIL;
	}
	a->so.point = on_point;
	a->so.point_ctx = j;
	if (a->so.examples > 0) {
		if (outfile_open(&j->exf, j->ex, &err) != PLM_OK) {
			cmd_error(j->spec, "%s", err.msg);
			return CMD_EXIT_FAIL;
		}
		fputs("P\trep\tkind\tcouplings\tdraw\tstart\tend\n", j->exf.fp);
		a->so.example = on_example;
		a->so.example_ctx = j;
	}
	int st = sweep_run(j->m, j->w, &a->so, &j->tab, &err);
	if (j->shown)
		fputc('\n', stderr);
	if (st == PLM_OK && j->exf.fp != NULL && (st = outfile_commit(&j->exf, &err)) != PLM_OK) {
		cmd_error(j->spec, "%s", err.msg);
		return CMD_EXIT_FAIL;
	}
	if (st != PLM_OK) {
		cmd_error(j->spec, "%s: %s", j->path, err.msg);
		return CMD_EXIT_FAIL;
	}
	return CMD_EXIT_OK;
}

/* The summary, the script and the plot; PLOT_MSG says what came of the plot. */
static int job_outputs(sweep_job *j, const sweep_args *a, char *plot_msg, size_t len)
{
	plm_err err;
	plm_outfile f = { 0 };
	const sweep_opts *so = &a->so;
	int rc = outfile_open(&f, j->sum, &err);
	if (rc == PLM_OK && (rc = sweep_write_summary(f.fp, &j->tab, so, j->m->L)) != PLM_OK)
		plm_fail(&err, rc, "%s: write error", j->sum);
	if (rc == PLM_OK)
		rc = outfile_commit(&f, &err);
	snprintf(plot_msg, len, "no plot (--no-plot)");
	if (rc == PLM_OK && !a->no_plot) {
		char title[512];
		double refov[SWEEP_NKINDS];
		sweep_reference_overlaps(&j->tab, refov);
		size_t lo, hi;
		char reps[64];
		sweep_reps_range(&j->tab, so, &lo, &hi);
		if (lo == hi)
			snprintf(reps, sizeof reps, "%zu repetition%s", lo, lo == 1 ? "" : "s");
		else
			snprintf(reps, sizeof reps, "%zu to %zu repetitions per size", lo, hi);
		snprintf(title, sizeof title, "%s: L = %zu, M_eff = %.0f, %s", base_name(j->path), j->m->L, j->meff, reps);
		if ((rc = outfile_open(&f, j->gp, &err)) == PLM_OK &&
		    (rc = sweep_write_gnuplot(f.fp, j->sum, j->png, title, so->kinds, so->coups, j->nat_u, refov,
		                              a->reference ? base_name(a->reference) : NULL)) != PLM_OK)
			plm_fail(&err, rc, "%s: write error", j->gp);
		if (rc == PLM_OK && (rc = outfile_commit(&f, &err)) == PLM_OK)
			plot_describe(plot_run(j->gp), j->png, j->gp, plot_msg, len);
	}
	outfile_abort(&f);
	if (rc != PLM_OK) {
		cmd_error(j->spec, "%s", err.msg);
		return CMD_EXIT_FAIL;
	}
	return CMD_EXIT_OK;
}

/* The one-line summary: the overlaps at the smallest and largest size, and the files. */
static void report(const sweep_job *j, const sweep_opts *so, const char *plot_msg)
{
	const size_t ends[2] = { j->sizes[0], j->sizes[j->nsizes - 1] };
	fprintf(stderr, "plmem sweep: asymmetric couplings, mean final overlap at P = %zu -> %zu:", ends[0], ends[1]);
	for (int k = 0; k < SWEEP_NKINDS; k++)
		if ((so->kinds & (1u << k)) && (so->coups & 1u))
			fprintf(stderr, " %s %.3f -> %.3f;", sweep_kind_name(k),
			        sweep_mean_overlap(&j->tab, so, ends[0], k, SWEEP_ASYM),
			        sweep_mean_overlap(&j->tab, so, ends[1], k, SWEEP_ASYM));
	fprintf(stderr, " natural sequences %.3f; %.1f s\n", j->nat_u, plm_now() - j->start);
	fprintf(stderr, "plmem sweep: wrote %s and %s; %s\n", j->tsv, j->sum, plot_msg);
}

int cmd_sweep_main(int argc, char **argv)
{
	const cmd_spec *spec = &cmd_sweep_spec;
	sweep_args a = { .seed = SWEEP_DEFAULT_SEED, .npoints = SWEEP_DEFAULT_POINTS, .reps = { 1, SWEEP_DEFAULT_REPS } };
	cmd_input_default(&a.in);
	sweep_opts_default(&a.so);
	cmd_ops ops;
	int r = cmd_parse(spec, argc, argv, &a, &ops);
	if (r != CMD_PARSED)
		return r;
	sweep_job j = { .spec = spec, .path = ops.v[0] };
	plm_err err;
	if (cmd_check_order(spec, a.so.dyn.order, a.so.dyn.update))
		return CMD_EXIT_USAGE;
	if (a.so.cycle_end == SWEEP_CYCLE_MAX_SWEEPS && a.so.dyn.update == DYN_UPDATE_SEQUENTIAL &&
	    a.so.dyn.order == DYN_ORDER_RANDOM)
		return cmd_usage_error(spec, "--cycle-end max-sweeps needs deterministic dynamics: not with --order random");
	if (a.prefix == NULL && strcmp(j.path, "-") == 0)
		return cmd_usage_error(spec, "reading standard input: name the outputs with -o PREFIX");
	const char *ls = a.sizes ? a.sizes : a.alphas;
	if (ls != NULL && sweep_parse_list(ls, a.sizes != NULL, &j.list, &j.nlist, &err) != PLM_OK)
		return cmd_usage_error(spec, "--%s: %s", a.sizes ? "sizes" : "alphas", err.msg);
	a.so.seed = a.seed;
	a.so.first_rep = a.reps.first;
	a.so.reps = a.reps.last;
	int nthreads = cmd_parse_only ? 0 : plm_set_threads(a.com.threads);
	char plot_msg[1024];
	if (cmd_parse_only)
		r = CMD_EXIT_OK;
	else if ((r = job_load(&j, &a)) == CMD_EXIT_OK && (r = job_plan(&j, &a, argc, argv)) == CMD_EXIT_OK &&
	         (r = job_run(&j, &a, nthreads)) == CMD_EXIT_OK && (r = job_outputs(&j, &a, plot_msg, sizeof plot_msg)) == CMD_EXIT_OK &&
	         !a.com.quiet)
		report(&j, &a.so, plot_msg);
	job_free(&j);
	return r;
}
