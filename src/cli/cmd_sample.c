/* cmd_sample: `plmem sample MODEL`: options, start sequences, the sample output, the
 * per-sweep comparison with an alignment (--stats) and its plot.  Glue only: the chains and
 * the statistics live in sample.c. */
#include "config.h"

#include <math.h>
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

enum {
	OPT_BETA = 400, OPT_CHAINS, OPT_SWEEPS, OPT_BURN_IN, OPT_EVERY, OPT_SEED, OPT_START,
	OPT_ORDER, OPT_UPDATE, OPT_SYMMETRIZE, OPT_OUT_FORMAT, OPT_STATS, OPT_STATS_TSV, OPT_PLOT,
	OPT_THETA, OPT_QUIET
};

#define DEF_OUTPUT "-"
#define DEF_BETA 1
#define DEF_CHAINS 10
#define DEF_SWEEPS 1000
#define DEF_BURN_IN 100
#define DEF_EVERY 10
#define DEF_SEED 1
#define DEF_OUT_FORMAT fasta

static const cmd_opt opts[] = {
	{ "output", 'o', "FILE", DEF_OUTPUT, "samples ('-': standard output)" },
	{ "out-format", OPT_OUT_FORMAT, "FMT", PLM_STR(DEF_OUT_FORMAT),
	  "fasta (headers: chain, sweep, energy) or lines (one sequence per line)" },
	{ "beta", OPT_BETA, "B", PLM_STR(DEF_BETA), "inverse temperature (> 0; inf: relax's zero-temperature dynamics)" },
	{ "chains", OPT_CHAINS, "N", PLM_STR(DEF_CHAINS) ", or one per --start sequence", "independent chains" },
	{ "sweeps", OPT_SWEEPS, "N", PLM_STR(DEF_SWEEPS), "sweeps per chain (burn-in included)" },
	{ "burn-in", OPT_BURN_IN, "N", PLM_STR(DEF_BURN_IN), "write no sample before sweep N + 1" },
	{ "every", OPT_EVERY, "K", PLM_STR(DEF_EVERY), "a sample (and a --stats row) every K sweeps" },
	{ "seed", OPT_SEED, "S", PLM_STR(DEF_SEED), "random seed (chain c uses stream c)" },
	{ "start", OPT_START, "SEQS", NULL,
	  "start chain c from sequence c mod n of SEQS (default: uniformly random sequences)" },
	{ "order", OPT_ORDER, "ORDER", PLM_STR(DYN_DEFAULT_ORDER),
	  "site order of a sweep: ascending (1..L) or random (new each sweep)" },
	{ "update", OPT_UPDATE, "MODE", PLM_STR(DYN_DEFAULT_UPDATE),
	  "sequential (one site at a time) or parallel (all sites from the previous state)" },
	{ "symmetrize", OPT_SYMMETRIZE, NULL, NULL, "sample with (J_ij + J_ji^T)/2" },
	{ "stats", OPT_STATS, "MSA", NULL,
	  "compare the chains with alignment MSA every K sweeps (frequency correlations, overlaps)" },
	{ "stats-tsv", OPT_STATS_TSV, "FILE", NULL, "write the --stats rows to FILE as TSV" },
	{ "plot", OPT_PLOT, "PNG", NULL,
	  "plot the --stats rows against sweeps with gnuplot (script PNG.gp kept; needs --stats-tsv)" },
	{ "theta", OPT_THETA, "T", PLM_STR(WEIGHTS_DEFAULT_THETA),
	  "--stats: weights of the alignment as fit computes them (0: none)" },
	CMD_INPUT_FORMAT_OPT,
	CMD_INPUT_UNKNOWN_OPT,
	CMD_OPT_THREADS,
	{ "quiet", OPT_QUIET, NULL, NULL, "no summary and no --stats rows on standard error" },
	CMD_OPT_HELP,
	CMD_OPT_END
};

const cmd_spec cmd_sample_spec = {
	"sample",
	"[options] MODEL",
	"Draw sequences from a model by heat-bath (Gibbs) sampling.",
	"Site i takes state a with probability exp(beta field_i(a)) / sum_b exp(beta field_i(b)),\n"
	"field_i(a) = h_i(a) + sum_j J_ij(a, a_j).  With symmetric couplings (a symmetric fit, or\n"
	"--symmetrize) sequential updates sample the Boltzmann distribution exp(-beta E); with the\n"
	"asymmetric couplings of a plain fit the chain has a stationary distribution but no energy\n"
	"(the energy shown is that of the symmetrised couplings).  Parallel updates are not\n"
	"Boltzmann even for symmetric J.  --beta inf is relax's dynamics (argmax, ties stay).\n"
	"Samples at sweeps K, 2K, ... after the burn-in; FASTA header: >chainC_sweepT chain=C\n"
	"sweep=T energy=E.  --stats rows (sweep 0 = the starts, then every K sweeps, and 'all'\n"
	"pooling every written sample): Pearson r of the one-site frequencies, of the two-site\n"
	"frequencies and of the connected correlations C_ij(a,b) = f_ij(a,b) - f_i(a) f_j(b), and\n"
	"the overlap of each chain with its nearest MSA sequence (mean, min, max).",
	opts
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

int cmd_sample_main(int argc, char **argv)
{
	const cmd_spec *spec = &cmd_sample_spec;
	const char *output = DEF_OUTPUT, *start_path = NULL, *stats_path = NULL, *stats_tsv = NULL,
	           *png = NULL;
	size_t chains = 0, sweeps = DEF_SWEEPS, burn_in = DEF_BURN_IN, every = DEF_EVERY;
	unsigned long long seed = DEF_SEED;
	double theta = WEIGHTS_DEFAULT_THETA;
	sample_opts so;
	sample_opts_default(&so);
	so.beta = DEF_BETA;
	int symmetrize = 0, quiet = 0, threads = 0, order_set = 0, lines_out = 0;
	cmd_input in;
	cmd_input_default(&in);

	cmd_parser p;
	cmd_parser_init(&p, spec);
	int c, r, choice;
	while ((c = cmd_next(&p, argc, argv)) != -1) {
		switch (c) {
		case 'o': output = optarg; break;
		case OPT_BETA:
			if (strcmp(optarg, "inf") == 0)
				so.beta = INFINITY;
			else if (cmd_parse_double(spec, "beta", optarg, 1e-300, 1e300, &so.beta))
				return CMD_EXIT_USAGE;
			break;
		case OPT_CHAINS:
			if (cmd_parse_size(spec, "chains", optarg, 1, (size_t)1 << 32, &chains))
				return CMD_EXIT_USAGE;
			break;
		case OPT_SWEEPS:
			if (cmd_parse_size(spec, "sweeps", optarg, 0, SIZE_MAX / 2, &sweeps))
				return CMD_EXIT_USAGE;
			break;
		case OPT_BURN_IN:
			if (cmd_parse_size(spec, "burn-in", optarg, 0, SIZE_MAX / 2, &burn_in))
				return CMD_EXIT_USAGE;
			break;
		case OPT_EVERY:
			if (cmd_parse_size(spec, "every", optarg, 1, SIZE_MAX / 2, &every))
				return CMD_EXIT_USAGE;
			break;
		case OPT_SEED:
			if (cmd_parse_u64(spec, "seed", optarg, &seed))
				return CMD_EXIT_USAGE;
			break;
		case OPT_START: start_path = optarg; break;
		case OPT_ORDER:
			if (cmd_parse_choice(spec, "order", optarg, dyn_order_names, &choice))
				return CMD_EXIT_USAGE;
			so.order = (dyn_order)choice;
			order_set = 1;
			break;
		case OPT_UPDATE:
			if (cmd_parse_choice(spec, "update", optarg, dyn_update_names, &choice))
				return CMD_EXIT_USAGE;
			so.update = (dyn_update)choice;
			break;
		case OPT_SYMMETRIZE: symmetrize = 1; break;
		case OPT_OUT_FORMAT:
			if (cmd_parse_choice(spec, "out-format", optarg, cmd_seq_formats, &lines_out))
				return CMD_EXIT_USAGE;
			break;
		case OPT_STATS: stats_path = optarg; break;
		case OPT_STATS_TSV: stats_tsv = optarg; break;
		case OPT_PLOT: png = optarg; break;
		case OPT_THETA:
			if (cmd_parse_double(spec, "theta", optarg, 0.0, 1.0, &theta))
				return CMD_EXIT_USAGE;
			break;
		case OPT_QUIET: quiet = 1; break;
		default:
			if ((r = cmd_input_option(spec, c, optarg, &in, &threads)) != CMD_NEXT)
				return r;
		}
	}
	char **arg = cmd_operands(spec, argc, argv, 1, "the model file MODEL");
	if (arg == NULL)
		return CMD_EXIT_USAGE;
	if (order_set && cmd_check_order(spec, so.order, so.update))
		return CMD_EXIT_USAGE;
	if (stats_tsv != NULL && stats_path == NULL)
		return cmd_usage_error(spec, "--stats-tsv needs --stats MSA");
	if (png != NULL && stats_tsv == NULL)
		return cmd_usage_error(spec, "--plot needs --stats-tsv FILE (the data it draws)");
	if (png != NULL && strcmp(stats_tsv, "-") == 0)
		return cmd_usage_error(spec, "--plot needs --stats-tsv to name a file (gnuplot reads it), not standard output");
	if (stats_tsv != NULL && strcmp(stats_tsv, output) == 0)
		return cmd_usage_error(spec, strcmp(output, "-") == 0 ? "only one output can be standard output"
		                                                      : "--output and --stats-tsv name the same file '%s'", output);
	if (start_path != NULL && stats_path != NULL && strcmp(start_path, "-") == 0 && strcmp(stats_path, "-") == 0)
		return cmd_usage_error(spec, "--start and --stats cannot both be standard input");
	if (sweeps / every <= burn_in / every && stats_path == NULL)
		return cmd_usage_error(spec, "no sample to write: no multiple of --every %zu above --burn-in %zu and up to --sweeps %zu", every, burn_in, sweeps);
	if (cmd_parse_only)
		return CMD_EXIT_OK;
	const char *model_path = arg[0];
	so.seed = seed;
	plm_set_threads(threads);
	double t0 = plm_now();

	plm_err err;
	plm_model *m = NULL;
	msa *ss = NULL, *rs = NULL;
	uint8_t *starts = NULL, *refseqs = NULL;
	dyn_model *d = NULL;
	sample_chains *ch = NULL;
	sample_ref *ref = NULL;
	plm_outfile out = { 0 }, ts = { 0 };
	int status = CMD_EXIT_FAIL;

	if ((m = cmd_load_model(spec, model_path)) == NULL)
		goto done;
	size_t L = m->L, nstart = 0;
	if (start_path != NULL) {
		if (cmd_read_onto_model(spec, m, start_path, in.msa.format, in.msa.unknown, &ss, &starts) != 0)
			goto done;
		nstart = ss->n;
		if (nstart == 0) {
			cmd_error(spec, "%s: no sequence that the model's alphabet reads", start_path);
			goto done;
		}
	}
	if (chains == 0)
		chains = nstart ? nstart : DEF_CHAINS;
	if (stats_path != NULL) {
		if (cmd_read_onto_model(spec, m, stats_path, in.msa.format, in.msa.unknown, &rs, &refseqs) != 0)
			goto done;
		if (rs->n == 0) {
			cmd_error(spec, "%s: no sequence that the model's alphabet reads", stats_path);
			goto done;
		}
		if (sample_ref_weighted(rs, refseqs, theta, L, m->q, &ref, &err) != PLM_OK) {
			cmd_error(spec, "%s: %s", stats_path, err.msg);
			goto done;
		}
	}
	/* the dynamics take the model's couplings (one copy of J) */
	if (dyn_model_take(m, symmetrize, &d, &err) != PLM_OK ||
	    sample_chains_create(d, &so, chains, starts, nstart, &ch, &err) != PLM_OK) {
		cmd_error(spec, "%s: %s", model_path, err.msg);
		goto done;
	}
	if (outfile_open(&out, output, &err) != PLM_OK ||
	    (stats_tsv != NULL && outfile_open(&ts, stats_tsv, &err) != PLM_OK)) {
		cmd_error(spec, "%s", err.msg);
		goto done;
	}
	if (ts.fp != NULL)
		fputs(sample_stats_header, ts.fp);
	if (ref != NULL && !quiet)
		fprintf(stderr, "plmem sample: %s", sample_stats_header);
	stats_out sto = { ts.fp, quiet };
	sample_run_opts ro = { sweeps, burn_in, every, lines_out, ref, SAMPLE_POOL_BYTES, on_stats, &sto };
	double trun = 0.0;
	int rc = sample_run(ch, &m->abc, &ro, out.fp, &trun, &err);
	if (rc != PLM_OK) {
		if (rc == PLM_EIO)
			cmd_error(spec, "%s: write error", output);
		else
			cmd_error(spec, "%s", err.msg);
		goto done;
	}
	if (ts.fp != NULL && outfile_commit(&ts, &err) != PLM_OK) {
		cmd_error(spec, "%s", err.msg);
		goto done;
	}
	if (outfile_commit(&out, &err) != PLM_OK) {
		cmd_error(spec, "%s", err.msg);
		goto done;
	}
	if (png != NULL && plot(spec, stats_tsv, png, quiet) != 0)
		goto done;
	if (!quiet) {
		size_t done_sweeps = sample_chains_sweeps(ch);
		fprintf(stderr, "plmem sample: %zu chains x %zu sweeps (L = %zu, beta = %g, %s%s); "
		        "%.0f sweeps/s; %.2f s\n", chains, done_sweeps, L, so.beta,
		        dyn_update_names[so.update],
		        d->symmetric ? ", symmetric" : ", asymmetric",
		        trun > 0.0 ? (double)(chains * done_sweeps) / trun : 0.0, plm_now() - t0);
	}
	status = CMD_EXIT_OK;
done:
	outfile_abort(&ts);
	outfile_abort(&out);
	sample_chains_destroy(ch);
	sample_ref_destroy(ref);
	dyn_model_destroy(d);
	free(starts);
	free(refseqs);
	msa_destroy(ss);
	msa_destroy(rs);
	model_destroy(m);
	return status;
}
