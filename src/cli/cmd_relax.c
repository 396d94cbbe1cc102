/* cmd_relax: `plmem relax MODEL SEQS`: options, mapping the sequences onto the model's
 * positions, output files and the summary.  Glue only: the dynamics live in dynamics.c. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"
#include "cmd.h"
#include "cmdinput.h"
#include "dynamics.h"
#include "model.h"
#include "msa.h"
#include "relax.h"
#include "util.h"

enum {
	OPT_TSV = 400,
	OPT_NOISE,
	OPT_REPEATS,
	OPT_SEED,
	OPT_MAX_SWEEPS,
	OPT_ORDER,
	OPT_UPDATE,
	OPT_SYMMETRIZE,
	OPT_SKIP_BAD,
	OPT_OUT_FORMAT,
	OPT_QUIET
};

#define DEF_OUTPUT "-"
#define DEF_OUT_FORMAT fasta

static const cmd_opt opts[] = {
	{ "output", 'o', "FILE", DEF_OUTPUT, "end states ('-': standard output)" },
	{ "out-format", OPT_OUT_FORMAT, "FMT", PLM_STR(DEF_OUT_FORMAT),
	  "end states as fasta (headers: overlap, sweeps, status) or lines (one per line, as .aln or 0/1 patterns)" },
	{ "tsv", OPT_TSV, "FILE", NULL, "also write one TSV row per run to FILE" },
	{ "noise", OPT_NOISE, "F", PLM_STR(RELAX_DEFAULT_NOISE),
	  "replace round(F*L) random sites of each start" },
	{ "repeats", OPT_REPEATS, "K", PLM_STR(RELAX_DEFAULT_REPEATS), "noisy starts per input sequence" },
	{ "seed", OPT_SEED, "S", PLM_STR(RELAX_DEFAULT_SEED), "random seed (noise, random order)" },
	{ "max-sweeps", OPT_MAX_SWEEPS, "N", PLM_STR(DYN_MAX_SWEEPS_DEFAULT),
	  "stop a run after N sweeps (status max-sweeps)" },
	{ "order", OPT_ORDER, "ORDER", PLM_STR(DYN_DEFAULT_ORDER),
	  "site order of a sweep: ascending (1..L) or random (new each sweep)" },
	{ "update", OPT_UPDATE, "MODE", PLM_STR(DYN_DEFAULT_UPDATE),
	  "sequential (one site at a time) or parallel (all at once)" },
	{ "symmetrize", OPT_SYMMETRIZE, NULL, NULL, "run with (J_ij + J_ji^T)/2" },
	{ "skip-bad", OPT_SKIP_BAD, NULL, NULL,
	  "the same as --unknown drop (the default)" },
	CMD_INPUT_FORMAT_OPT,
	CMD_INPUT_UNKNOWN_OPT,
	CMD_OPT_THREADS,
	{ "quiet", OPT_QUIET, NULL, NULL, "no summary on standard error" },
	CMD_OPT_HELP,
	CMD_OPT_END
};

const cmd_spec cmd_relax_spec = {
	"relax",
	"[options] MODEL SEQS",
	"Run the zero-temperature dynamics from sequences or noisy copies of them.",
	"Each site in turn takes the state of largest local field h_i(a) + sum_j J_ij(a, a_j); a\n"
	"site in a tie keeps its state.  A run stops at a fixed point (a sweep that changes\n"
	"nothing), at a cycle (a state at a sweep boundary seen before) or after --max-sweeps.\n"
	"SEQS ('-': standard input, gzip accepted) is read in the model's alphabet; it has either\n"
	"the training alignment's columns or exactly the model's L positions (relax's own output).\n"
	"FASTA headers: overlap (end vs input), sweeps, flips, status, cycle, energy (symmetric J).",
	opts
};


/* One run of relax on this rank: the model, the sequences, the dynamics and the outputs (rank 0
 * writes the files; the other ranks format theirs in memory, appended by rank 0 in rank order,
 * so that the files are those of one process). */
typedef struct relax_job {
	plm_model *m;
	msa *s;
	uint8_t *starts;
	dyn_model *d;
	size_t nbad;
	plm_outfile fa, ts;
	char *part[2];       /* ranks > 0: their end states and TSV rows */
	size_t part_len[2];
	FILE *part_fp[2];
	FILE *out, *tsv;     /* where this rank writes */
} relax_job;

static void job_free(relax_job *j)
{
	outfile_abort(&j->ts);
	outfile_abort(&j->fa);
	for (int f = 0; f < 2; f++) {
		if (j->part_fp[f] != NULL)
			fclose(j->part_fp[f]);
		free(j->part[f]);
	}
	free(j->starts);
	dyn_model_destroy(j->d);
	msa_destroy(j->s);
	model_destroy(j->m);
}

/* Read the model and the sequences, take the dynamics, open the outputs; 0, or -1 after the
 * message. */
static int job_setup(const cmd_spec *spec, relax_job *j, const char *model_path, const char *seqs_path,
                     msa_format fmt, msa_unknown_policy unknown, int symmetrize, const char *output,
                     const char *tsv)
{
	plm_err err;
	const int root = cluster_rank() == 0;
	if ((j->m = cmd_load_model(spec, model_path)) == NULL)
		return -1;
	if (relax_read(j->m, seqs_path, fmt, unknown, &j->s, &j->starts, &j->nbad, &err) != PLM_OK) {
		cmd_error(spec, "%s", err.msg);
		return -1;
	}
	/* the dynamics take the model's couplings (rearranged in place: one copy of J) */
	if (dyn_model_take(j->m, symmetrize, &j->d, &err) != PLM_OK) {
		cmd_error(spec, "%s: %s", model_path, err.msg);
		return -1;
	}
	if (root && (outfile_open(&j->fa, output, &err) != PLM_OK ||
	             (tsv != NULL && outfile_open(&j->ts, tsv, &err) != PLM_OK))) {
		cmd_error(spec, "%s", err.msg);
		return -1;
	}
	if (j->ts.fp != NULL)
		fputs(relax_tsv_header, j->ts.fp);
	for (int f = 0; !root && f < 2; f++)
		if ((j->part_fp[f] = open_memstream(&j->part[f], &j->part_len[f])) == NULL) {
			cmd_error(spec, "out of memory");
			return -1;
		}
	j->out = root ? j->fa.fp : j->part_fp[0];
	j->tsv = tsv == NULL ? NULL : root ? j->ts.fp : j->part_fp[1];
	return 0;
}

/* After the runs (status ST): the other ranks' outputs after rank 0's, the files in place, the
 * counts summed over the ranks.  Returns the status agreed by all ranks. */
static int job_finish(relax_job *j, int st, relax_counts *c, plm_err *err)
{
	const int root = cluster_rank() == 0;
	for (int f = 0; !root && f < 2; f++) {
		if (fclose(j->part_fp[f]) != 0 && st == PLM_OK)
			st = plm_fail(err, PLM_ENOMEM, "out of memory for this rank's output");
		j->part_fp[f] = NULL;
	}
	if ((st = cluster_agree(st, err)) == PLM_OK)
		st = cluster_append(j->out, j->part[0], j->part_len[0], err);
	if (st == PLM_OK && j->tsv != NULL)
		st = cluster_append(j->tsv, j->part[1], j->part_len[1], err);
	if (st == PLM_OK && root && j->ts.fp != NULL)
		st = outfile_commit(&j->ts, err);
	if (st == PLM_OK && root && j->fa.fp != NULL)
		st = outfile_commit(&j->fa, err);
	if ((st = cluster_agree(st, err)) == PLM_OK)
		st = cluster_sum_sizes(c->status, 3, err);
	if (st == PLM_OK)
		st = cluster_sum_sizes(&c->runs, 1, err);
	if (st == PLM_OK)
		st = cluster_sum(&c->sum_overlap, 1, err);
	return cluster_agree(st, err);
}

int cmd_relax_main(int argc, char **argv)
{
	const cmd_spec *spec = &cmd_relax_spec;
	const char *output = DEF_OUTPUT, *tsv = NULL;
	unsigned long long seed;
	relax_opts ro;
	relax_opts_default(&ro);
	int symmetrize = 0, skip_bad = 0, quiet = 0, threads = 0, order_set = 0;
	cmd_input in;
	cmd_input_default(&in);

	cmd_parser p;
	cmd_parser_init(&p, spec);
	int c, r, choice;
	while ((c = cmd_next(&p, argc, argv)) != -1) {
		switch (c) {
		case 'o': output = optarg; break;
		case OPT_TSV: tsv = optarg; break;
		case OPT_NOISE:
			if (cmd_parse_double(spec, "noise", optarg, 0.0, 1.0, &ro.noise))
				return CMD_EXIT_USAGE;
			break;
		case OPT_REPEATS:
			if (cmd_parse_size(spec, "repeats", optarg, 1, (size_t)UINT32_MAX, &ro.repeats))
				return CMD_EXIT_USAGE;
			break;
		case OPT_SEED:
			if (cmd_parse_u64(spec, "seed", optarg, &seed))
				return CMD_EXIT_USAGE;
			ro.seed = seed;
			break;
		case OPT_MAX_SWEEPS:
			if (cmd_parse_size(spec, "max-sweeps", optarg, 0, SIZE_MAX / 2, &ro.dyn.max_sweeps))
				return CMD_EXIT_USAGE;
			break;
		case OPT_ORDER:
			if (cmd_parse_choice(spec, "order", optarg, dyn_order_names, &choice))
				return CMD_EXIT_USAGE;
			ro.dyn.order = (dyn_order)choice;
			order_set = 1;
			break;
		case OPT_UPDATE:
			if (cmd_parse_choice(spec, "update", optarg, dyn_update_names, &choice))
				return CMD_EXIT_USAGE;
			ro.dyn.update = (dyn_update)choice;
			break;
		case OPT_SYMMETRIZE: symmetrize = 1; break;
		case OPT_SKIP_BAD: skip_bad = 1; break;
		case OPT_OUT_FORMAT:
			if (cmd_parse_choice(spec, "out-format", optarg, cmd_seq_formats, &ro.lines))
				return CMD_EXIT_USAGE;
			break;
		case OPT_QUIET: quiet = 1; break;
		default:
			if ((r = cmd_input_option(spec, c, optarg, &in, &threads)) != CMD_NEXT)
				return r;
		}
	}
	char **arg = cmd_operands(spec, argc, argv, 2, "the model file MODEL and the sequence file SEQS");
	if (arg == NULL)
		return CMD_EXIT_USAGE;
	if (order_set && cmd_check_order(spec, ro.dyn.order, ro.dyn.update))
		return CMD_EXIT_USAGE;
	if (tsv != NULL && strcmp(tsv, output) == 0)
		return cmd_usage_error(spec, strcmp(tsv, "-") == 0 ? "only one output can be standard output"
		                                                   : "--output and --tsv name the same file '%s'", tsv);
	const char *model_path = arg[0], *seqs_path = arg[1];
	if (strcmp(model_path, "-") == 0)
		return cmd_usage_error(spec, "MODEL must be a file (standard input is for SEQS)");
	if (cmd_parse_only)
		return CMD_EXIT_OK;
	plm_set_threads(threads);
	double t0 = plm_now();
	/* an MPI run (cluster.h): every rank loads the model and the sequences and runs its share of
	 * the starts */
	const int root = cluster_rank() == 0;
	if (!root)
		quiet = 1;
	relax_job j = { 0 };
	relax_counts cnt = { { 0 }, 0, 0.0 };
	plm_err err;
	int status = CMD_EXIT_FAIL;
	int ok = job_setup(spec, &j, model_path, seqs_path, in.msa.format,
	                   skip_bad ? MSA_UNKNOWN_DROP : in.msa.unknown, symmetrize, output, tsv) == 0;
	/* every rank's setup done: all go on, or all stop (the rank that failed said why) */
	if (cluster_agree(ok ? PLM_OK : PLM_EINVAL, NULL) != PLM_OK)
		goto done;
	size_t lo, hi; /* this rank's starts */
	cluster_share(j.s->n, &lo, &hi);
	int st = relax_run(j.d, j.m, j.s, j.starts, lo, hi, &ro, j.out, j.tsv, &cnt, &err);
	if (job_finish(&j, st, &cnt, &err) != PLM_OK) {
		if (root)
			cmd_error(spec, "%s", err.msg);
		goto done;
	}
	if (!quiet) {
		double dr = cnt.runs ? (double)cnt.runs : 1.0;
		fprintf(stderr, "plmem relax: %zu runs (%zu sequences x %zu), mean final overlap %.4f; "
		        "fixed %.4f, cycle %.4f, max-sweeps %.4f; %.2f s\n", cnt.runs, j.s->n, ro.repeats,
		        cnt.sum_overlap / dr, cnt.status[DYN_FIXED] / dr, cnt.status[DYN_CYCLE] / dr,
		        cnt.status[DYN_MAX_SWEEPS] / dr, plm_now() - t0);
		if (j.nbad)
			fprintf(stderr, "plmem relax: %zu sequence%s dropped for ambiguous or unknown letters "
			        "(--unknown drop)\n", j.nbad, j.nbad == 1 ? "" : "s");
	}
	status = CMD_EXIT_OK;
done:
	job_free(&j);
	return status;
}
