/* cmd_relax: `plmem relax MODEL SEQS`: options, the model and the sequences, the outputs
 * across MPI ranks, and the summary.  Glue only: the runs and their outputs live in relax.c,
 * the dynamics in dynamics.c. */
#include "config.h"

#include <math.h>
#include <stddef.h>
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

typedef struct relax_args {
	cmd_common com;
	cmd_input in;
	relax_opts ro;
	unsigned long long seed;
	const char *output, *tsv;
	int symmetrize, skip_bad;
} relax_args;

#define DEF_OUTPUT "-"
#define DEF_OUT_FORMAT fasta
#define RA(f) offsetof(relax_args, f)

static const cmd_row rows[] = {
	{ "output", 'o', CMD_STRING, "FILE", DEF_OUTPUT, RA(output), "end states ('-': standard output)" },
	{ "out-format", 0, CMD_CHOICE, "FMT", PLM_STR(DEF_OUT_FORMAT), RA(ro.lines),
	  "end states as fasta (headers: overlap, sweeps, status) or lines (one per line, as .aln or 0/1 patterns)",
	  .choices = cmd_seq_formats },
	{ "tsv", 0, CMD_STRING, "FILE", NULL, RA(tsv), "also write one TSV row per run to FILE" },
	{ "noise", 0, CMD_DOUBLE, "F", PLM_STR(RELAX_DEFAULT_NOISE), RA(ro.noise),
	  "replace round(F*L) random sites of each start", .lo = 0, .hi = 1 },
	{ "repeats", 0, CMD_SIZE, "K", PLM_STR(RELAX_DEFAULT_REPEATS), RA(ro.repeats),
	  "noisy starts per input sequence", .lo = 1, .hi = (double)UINT32_MAX },
	{ "seed", 0, CMD_U64, "S", PLM_STR(RELAX_DEFAULT_SEED), RA(seed), "random seed (noise, random order)" },
	{ "symmetrize", 0, CMD_FLAG, NULL, NULL, RA(symmetrize), "run with (J_ij + J_ji^T)/2" },
	{ "skip-bad", 0, CMD_FLAG, NULL, NULL, RA(skip_bad), "the same as --unknown drop (the default)" },
	CMD_ROW_END
};

static const cmd_group groups[] = {
	CMD_OWN(rows),
	CMD_GROUP(cmd_dyn_rows, relax_args, ro.dyn),
	CMD_GROUP(cmd_input_model_rows, relax_args, in),
	CMD_GROUP_END
};

const cmd_spec cmd_relax_spec = {
	.name = "relax",
	.synopsis = "[options] MODEL SEQS",
	.summary = "Run the zero-temperature dynamics from sequences or noisy copies of them.",
	.details = "Each site in turn takes the state of largest local field h_i(a) + sum_j J_ij(a, a_j); a\n"
	"site in a tie keeps its state.  A run stops at a fixed point (a sweep that changes\n"
	"nothing), at a cycle (a state at a sweep boundary seen before) or after --max-sweeps.\n"
	"SEQS ('-': standard input, gzip accepted) is read in the model's alphabet; it has either\n"
	"the training alignment's columns or exactly the model's L positions (relax's own output).\n"
	"FASTA headers: overlap (end vs input), sweeps, flips, status, cycle, energy (symmetric J).",
	.groups = groups,
	.common = offsetof(relax_args, com),
	.nops = 2,
	.operands = "the model file MODEL and the sequence file SEQS",
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

/* The summary on stderr. */
static void report(const relax_job *j, const relax_counts *c, size_t repeats, double seconds)
{
	double dr = c->runs ? (double)c->runs : 1.0;
	fprintf(stderr, "plmem relax: %zu runs (%zu sequences x %zu), mean final overlap %.4f; "
	        "fixed %.4f, cycle %.4f, max-sweeps %.4f; %.2f s\n", c->runs, j->s->n, repeats,
	        c->sum_overlap / dr, c->status[DYN_FIXED] / dr, c->status[DYN_CYCLE] / dr,
	        c->status[DYN_MAX_SWEEPS] / dr, seconds);
	if (j->nbad)
		fprintf(stderr, "plmem relax: %zu sequence%s dropped for ambiguous or unknown letters (--unknown drop)\n",
		        j->nbad, j->nbad == 1 ? "" : "s");
}

int cmd_relax_main(int argc, char **argv)
{
	const cmd_spec *spec = &cmd_relax_spec;
	relax_args a = { .output = DEF_OUTPUT, .seed = RELAX_DEFAULT_SEED };
	cmd_input_default(&a.in);
	relax_opts_default(&a.ro);
	cmd_ops ops;
	int r = cmd_parse(spec, argc, argv, &a, &ops);
	if (r != CMD_PARSED)
		return r;
	const char *model_path = ops.v[0], *seqs_path = ops.v[1];
	if (cmd_check_order(spec, a.ro.dyn.order, a.ro.dyn.update))
		return CMD_EXIT_USAGE;
	if (a.tsv != NULL && strcmp(a.tsv, a.output) == 0)
		return cmd_usage_error(spec, strcmp(a.tsv, "-") == 0 ? "only one output can be standard output"
		                                                     : "--output and --tsv name the same file '%s'", a.tsv);
	if (strcmp(model_path, "-") == 0 && strcmp(seqs_path, "-") == 0)
		return cmd_usage_error(spec, "MODEL and SEQS cannot both be standard input");
	if (cmd_parse_only)
		return CMD_EXIT_OK;
	a.ro.seed = a.seed;
	plm_set_threads(a.com.threads);
	double t0 = plm_now();
	/* an MPI run (cluster.h): every rank loads the model and the sequences and runs its share */
	const int root = cluster_rank() == 0;
	relax_job j = { 0 };
	relax_counts cnt = { { 0 }, 0, 0.0 };
	plm_err err;
	int status = CMD_EXIT_FAIL;
	int ok = job_setup(spec, &j, model_path, seqs_path, a.in.msa.format,
	                   a.skip_bad ? MSA_UNKNOWN_DROP : a.in.msa.unknown, a.symmetrize, a.output, a.tsv) == 0;
	/* every rank's setup done: all go on, or all stop (the rank that failed said why) */
	if (cluster_agree(ok ? PLM_OK : PLM_EINVAL, NULL) != PLM_OK)
		goto done;
	size_t lo, hi; /* this rank's starts */
	cluster_share(j.s->n, &lo, &hi);
	int st = relax_run(j.d, j.m, j.s, j.starts, lo, hi, &a.ro, j.out, j.tsv, &cnt, &err);
	if (job_finish(&j, st, &cnt, &err) != PLM_OK) {
		if (root)
			cmd_error(spec, "%s", err.msg);
		goto done;
	}
	if (root && !a.com.quiet)
		report(&j, &cnt, a.ro.repeats, plm_now() - t0);
	status = CMD_EXIT_OK;
done:
	job_free(&j);
	return status;
}
