/* cmd_sample: `plmem sample MODEL`: options, start sequences, the sample output, the
 * per-sweep comparison with an alignment (--stats) and its plot.  Glue only: the chains, the
 * run and the statistics live in sample.c, the plotting in plot.c. */
#include "config.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cmdinput.h"
#include "dynamics.h"
#include "model.h"
#include "msa.h"
#include "plot.h"
#include "sample.h"
#include "util.h"
#include "weights.h"

typedef struct sample_args {
	cmd_common com;
	cmd_input in;
	sample_opts so;
	sample_run_opts ro;
	unsigned long long seed;
	size_t chains;
	double theta;
	const char *output, *start, *stats, *stats_tsv, *png;
	int symmetrize;
} sample_args;

#define DEF_OUTPUT "-"
#define DEF_CHAINS 10
#define DEF_SWEEPS 1000
#define DEF_BURN_IN 100
#define DEF_EVERY 10
#define DEF_OUT_FORMAT fasta
#define SA(f) offsetof(sample_args, f)

static const cmd_row rows[] = {
	{ "output", 'o', CMD_STRING, "FILE", DEF_OUTPUT, SA(output), "samples ('-': standard output)" },
	{ "out-format", 0, CMD_CHOICE, "FMT", PLM_STR(DEF_OUT_FORMAT), SA(ro.lines),
	  "fasta (headers: chain, sweep, energy) or lines (one sequence per line)", .choices = cmd_seq_formats },
	{ "beta", 0, CMD_DOUBLE, "B", PLM_STR(SAMPLE_DEFAULT_BETA), SA(so.beta),
	  "inverse temperature (> 0; inf: relax's zero-temperature dynamics)", .lo = 1e-300, .hi = 1e300,
	  .word = "inf", .word_val = INFINITY },
	{ "chains", 0, CMD_SIZE, "N", PLM_STR(DEF_CHAINS) ", or one per --start sequence", SA(chains),
	  "independent chains", .lo = 1, .hi = 4294967296.0 },
	{ "sweeps", 0, CMD_SIZE, "N", PLM_STR(DEF_SWEEPS), SA(ro.sweeps), "sweeps per chain (burn-in included)" },
	{ "burn-in", 0, CMD_SIZE, "N", PLM_STR(DEF_BURN_IN), SA(ro.burn_in), "write no sample before sweep N + 1" },
	{ "every", 0, CMD_SIZE, "K", PLM_STR(DEF_EVERY), SA(ro.every),
	  "a sample (and a --stats row) every K sweeps", .lo = 1, .hi = (double)(SIZE_MAX / 2) },
	{ "seed", 0, CMD_U64, "S", PLM_STR(SAMPLE_DEFAULT_SEED), SA(seed), "random seed (chain c uses stream c)" },
	{ "start", 0, CMD_STRING, "SEQS", NULL, SA(start),
	  "start chain c from sequence c mod n of SEQS (default: uniformly random sequences)" },
	{ "order", 0, CMD_CHOICE, "ORDER", PLM_STR(DYN_DEFAULT_ORDER), SA(so.order),
	  "site order of a sweep: ascending (1..L) or random (new each sweep)", .choices = dyn_order_names },
	{ "update", 0, CMD_CHOICE, "MODE", PLM_STR(DYN_DEFAULT_UPDATE), SA(so.update),
	  "sequential (one site at a time) or parallel (all sites from the previous state)",
	  .choices = dyn_update_names },
	{ "symmetrize", 0, CMD_FLAG, NULL, NULL, SA(symmetrize), "sample with (J_ij + J_ji^T)/2" },
	{ "stats", 0, CMD_STRING, "MSA", NULL, SA(stats),
	  "compare the chains with alignment MSA every K sweeps (frequency correlations, overlaps)" },
	{ "stats-tsv", 0, CMD_STRING, "FILE", NULL, SA(stats_tsv), "write the --stats rows to FILE as TSV",
	  .needs = "stats" },
	{ "plot", 0, CMD_STRING, "PNG", NULL, SA(png),
	  "plot the --stats rows against sweeps with gnuplot (script PNG.gp kept; needs --stats-tsv)",
	  .needs = "stats-tsv" },
	{ "theta", 0, CMD_DOUBLE, "T", PLM_STR(WEIGHTS_DEFAULT_THETA), SA(theta),
	  "--stats: weights of the alignment as fit computes them (0: none)", .lo = 0, .hi = 1 },
	CMD_ROW_END
};

static const cmd_group groups[] = {
	CMD_OWN(rows),
	CMD_GROUP(cmd_input_model_rows, sample_args, in),
	CMD_GROUP_END
};

const cmd_spec cmd_sample_spec = {
	.name = "sample",
	.synopsis = "[options] MODEL",
	.summary = "Draw sequences from a model by heat-bath (Gibbs) sampling.",
	.details =
	"Site i takes state a with probability exp(beta field_i(a)) / sum_b exp(beta field_i(b)),\n"
	"field_i(a) = h_i(a) + sum_j J_ij(a, a_j).  With symmetric couplings (a symmetric fit, or\n"
	"--symmetrize) sequential updates sample the Boltzmann distribution exp(-beta E); with the\n"
	"asymmetric couplings of a plain fit the chain has a stationary distribution but no energy\n"
	"(the energy shown is that of the symmetrised couplings).  Parallel updates are not\n"
	"Boltzmann even for symmetric J.  --beta inf is relax's dynamics (argmax, ties stay).\n"
	"Samples at sweeps K, 2K, ... after the burn-in; FASTA header: >chainC_sweepT chain=C\n"
	"sweep=T energy=E.  --stats rows (sweep 0 = the starts, then every K sweeps, and a row\n"
	"pooling every written sample: sweep NA, pooled 1): Pearson r of the one-site frequencies, of the two-site\n"
	"frequencies and of the connected correlations C_ij(a,b) = f_ij(a,b) - f_i(a) f_j(b), and\n"
	"the overlap of each chain with its nearest MSA sequence (mean, min, max).",
	.groups = groups,
	.common = offsetof(sample_args, com),
	.nops = 1,
	.operands = "the model file MODEL",
};

/* The comparisons, on stderr (unless --quiet) and in the --stats-tsv file. */
typedef struct stats_out {
	FILE *tsv;
	int quiet;
} stats_out;

static void on_stats(void *ctx, size_t sweep, int pooled, size_t n, const sample_stats *st)
{
	const stats_out *so = ctx;
	if (!so->quiet) {
		fputs("plmem sample: ", stderr);
		sample_write_stats(stderr, sweep, pooled, n, st);
	}
	if (so->tsv != NULL)
		sample_write_stats(so->tsv, sweep, pooled, n, st);
}

/* The script PNG.gp (sample_write_gnuplot) and gnuplot on it; without gnuplot, or when it
 * fails, the script stays and the message says so (as sweep does). */
static int plot(const cmd_spec *spec, const char *tsv, const char *png, int quiet)
{
	plm_err err;
	plm_outfile f = { 0 };
	char *gp = plot_script_name(png);
	if (gp == NULL) {
		cmd_error(spec, "out of memory");
		return -1;
	}
	int rc = outfile_open(&f, gp, &err);
	if (rc == PLM_OK && (rc = sample_write_gnuplot(f.fp, tsv, png)) != PLM_OK)
		plm_fail(&err, rc, "%s: write error", gp);
	if (rc == PLM_OK)
		rc = outfile_commit(&f, &err);
	outfile_abort(&f);
	if (rc != PLM_OK) {
		cmd_error(spec, "%s", err.msg);
		free(gp);
		return -1;
	}
	plot_result r = plot_run(gp);
	if (r != PLOT_DRAWN || !quiet) {
		char msg[1024];
		plot_describe(r, png, gp, msg, sizeof msg);
		fprintf(stderr, "plmem sample: %s\n", msg);
	}
	free(gp);
	return 0;
}

/* What a run holds: the model, the starts, the reference, the chains and the outputs. */
typedef struct sample_job {
	plm_model *m;
	msa *ss, *rs;
	uint8_t *starts, *refseqs;
	dyn_model *d;
	sample_chains *ch;
	sample_ref *ref;
	plm_outfile out, ts;
} sample_job;

static void job_free(sample_job *j)
{
	outfile_abort(&j->ts);
	outfile_abort(&j->out);
	sample_chains_destroy(j->ch);
	sample_ref_destroy(j->ref);
	dyn_model_destroy(j->d);
	free(j->starts);
	free(j->refseqs);
	msa_destroy(j->ss);
	msa_destroy(j->rs);
	model_destroy(j->m);
}

/* Sequences of PATH onto the model's positions; at least one.  0, or -1 after the message. */
static int read_seqs(const cmd_spec *spec, const plm_model *m, const char *path, const cmd_input *in, msa **s,
                     uint8_t **seqs)
{
	if (cmd_read_onto_model(spec, m, path, in->msa.format, in->msa.unknown, s, seqs) != 0)
		return -1;
	if ((*s)->n == 0) {
		cmd_error(spec, "%s: no sequence that the model's alphabet reads", path);
		return -1;
	}
	return 0;
}

/* The model, the starts, the reference, the chains and the open outputs; 0, or -1 after the
 * message. */
static int job_setup(const cmd_spec *spec, sample_job *j, sample_args *a, const char *model_path)
{
	plm_err err;
	if ((j->m = cmd_load_model(spec, model_path)) == NULL ||
	    (a->start != NULL && read_seqs(spec, j->m, a->start, &a->in, &j->ss, &j->starts) != 0) ||
	    (a->stats != NULL && read_seqs(spec, j->m, a->stats, &a->in, &j->rs, &j->refseqs) != 0))
		return -1;
	size_t nstart = j->ss ? j->ss->n : 0;
	if (a->chains == 0)
		a->chains = nstart ? nstart : DEF_CHAINS;
	if (a->stats != NULL &&
	    sample_ref_weighted(j->rs, j->refseqs, a->theta, j->m->L, j->m->q, &j->ref, &err) != PLM_OK) {
		cmd_error(spec, "%s: %s", a->stats, err.msg);
		return -1;
	}
	/* the dynamics take the model's couplings (one copy of J) */
	if (dyn_model_take(j->m, a->symmetrize, &j->d, &err) != PLM_OK ||
	    sample_chains_create(j->d, &a->so, a->chains, j->starts, nstart, &j->ch, &err) != PLM_OK) {
		cmd_error(spec, "%s: %s", model_path, err.msg);
		return -1;
	}
	if (outfile_open(&j->out, a->output, &err) != PLM_OK ||
	    (a->stats_tsv != NULL && outfile_open(&j->ts, a->stats_tsv, &err) != PLM_OK)) {
		cmd_error(spec, "%s", err.msg);
		return -1;
	}
	return 0;
}

/* Usage errors the table cannot express; 0 or CMD_EXIT_USAGE. */
static int check(const cmd_spec *spec, const sample_args *a)
{
	const sample_run_opts *r = &a->ro;
	if (cmd_check_order(spec, a->so.order, a->so.update))
		return CMD_EXIT_USAGE;
	if (a->png != NULL && strcmp(a->stats_tsv, "-") == 0)
		return cmd_usage_error(spec, "--plot needs --stats-tsv to name a file (gnuplot reads it), not standard output");
	if (a->stats_tsv != NULL && strcmp(a->stats_tsv, a->output) == 0)
		return cmd_usage_error(spec, strcmp(a->output, "-") == 0 ? "only one output can be standard output"
		                       : "--output and --stats-tsv name the same file '%s'", a->output);
	if (a->start != NULL && a->stats != NULL && strcmp(a->start, "-") == 0 && strcmp(a->stats, "-") == 0)
		return cmd_usage_error(spec, "--start and --stats cannot both be standard input");
	if (r->sweeps / r->every <= r->burn_in / r->every && a->stats == NULL)
		return cmd_usage_error(spec, "no sample to write: no multiple of --every %zu above --burn-in %zu and "
		                       "up to --sweeps %zu", r->every, r->burn_in, r->sweeps);
	return 0;
}

int cmd_sample_main(int argc, char **argv)
{
	const cmd_spec *spec = &cmd_sample_spec;
	sample_args a = { .output = DEF_OUTPUT, .seed = SAMPLE_DEFAULT_SEED, .theta = WEIGHTS_DEFAULT_THETA,
	                  .ro = { DEF_SWEEPS, DEF_BURN_IN, DEF_EVERY, 0, NULL, SAMPLE_POOL_BYTES, on_stats, NULL } };
	cmd_input_default(&a.in);
	sample_opts_default(&a.so);
	cmd_ops ops;
	int r = cmd_parse(spec, argc, argv, &a, &ops);
	if (r != CMD_PARSED || (r = check(spec, &a)) != 0)
		return r == CMD_PARSED ? CMD_EXIT_OK : r;
	if (cmd_parse_only)
		return CMD_EXIT_OK;
	a.so.seed = a.seed;
	plm_set_threads(a.com.threads);
	double t0 = plm_now(), trun = 0.0;
	plm_err err;
	sample_job j = { 0 };
	int status = CMD_EXIT_FAIL, quiet = a.com.quiet;
	if (job_setup(spec, &j, &a, ops.v[0]) != 0)
		goto done;
	if (j.ts.fp != NULL)
		fputs(sample_stats_header, j.ts.fp);
	if (j.ref != NULL && !quiet)
		fprintf(stderr, "plmem sample: %s", sample_stats_header);
	stats_out sto = { j.ts.fp, quiet };
	a.ro.ref = j.ref;
	a.ro.stats_ctx = &sto;
	int rc = sample_run(j.ch, &j.m->abc, &a.ro, j.out.fp, &trun, &err);
	int write_error = rc == PLM_EIO; /* sample_run's message names no file */
	if (rc == PLM_OK && j.ts.fp != NULL)
		rc = outfile_commit(&j.ts, &err);
	if (rc == PLM_OK)
		rc = outfile_commit(&j.out, &err);
	if (rc != PLM_OK) {
		if (write_error)
			cmd_error(spec, "%s: write error", a.output);
		else
			cmd_error(spec, "%s", err.msg);
		goto done;
	}
	if (a.png != NULL && plot(spec, a.stats_tsv, a.png, quiet) != 0)
		goto done;
	if (!quiet) {
		size_t n = a.chains, t = sample_chains_sweeps(j.ch);
		fprintf(stderr, "plmem sample: %zu chains x %zu sweeps (L = %zu, beta = %g, %s%s); %.0f sweeps/s; %.2f s\n",
		        n, t, j.m->L, a.so.beta, dyn_update_names[a.so.update],
		        j.d->symmetric ? ", symmetric" : ", asymmetric", trun > 0.0 ? (double)(n * t) / trun : 0.0,
		        plm_now() - t0);
	}
	status = CMD_EXIT_OK;
done:
	job_free(&j);
	return status;
}
