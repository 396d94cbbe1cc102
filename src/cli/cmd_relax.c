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
#define DEF_NOISE 0
#define DEF_REPEATS 1
#define DEF_SEED 1
#define DEF_ORDER ascending
#define DEF_UPDATE sequential
#define DEF_OUT_FORMAT fasta
/* Runs per batch handed to the dynamics (bounds the memory of the end states). */
#define RELAX_BATCH_RUNS 4096

static const cmd_opt opts[] = {
	{ "output", 'o', "FILE", DEF_OUTPUT, "end states ('-': standard output)" },
	{ "out-format", OPT_OUT_FORMAT, "FMT", PLM_STR(DEF_OUT_FORMAT),
	  "end states as fasta (headers: overlap, sweeps, status) or lines (one per line, as .aln or 0/1 patterns)" },
	{ "tsv", OPT_TSV, "FILE", NULL, "also write one TSV row per run to FILE" },
	{ "noise", OPT_NOISE, "F", PLM_STR(DEF_NOISE),
	  "replace round(F*L) random sites of each start" },
	{ "repeats", OPT_REPEATS, "K", PLM_STR(DEF_REPEATS), "noisy starts per input sequence" },
	{ "seed", OPT_SEED, "S", PLM_STR(DEF_SEED), "random seed (noise, random order)" },
	{ "max-sweeps", OPT_MAX_SWEEPS, "N", PLM_STR(DYN_MAX_SWEEPS_DEFAULT),
	  "stop a run after N sweeps (status max-sweeps)" },
	{ "order", OPT_ORDER, "ORDER", PLM_STR(DEF_ORDER),
	  "site order of a sweep: ascending (1..L) or random (new each sweep)" },
	{ "update", OPT_UPDATE, "MODE", PLM_STR(DEF_UPDATE),
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


static void print_num(FILE *fp, double x)
{
	if (isnan(x))
		fputs("NA", fp);
	else
		fprintf(fp, "%.6f", x);
}

static void write_fasta(FILE *fp, const plm_model *m, const char *name, size_t rep, size_t nrep,
                        const uint8_t *orig, const uint8_t *end, const dyn_result *r)
{
	size_t L = m->L;
	fprintf(fp, ">%s", name);
	if (nrep > 1)
		fprintf(fp, " repeat=%zu", rep + 1);
	fprintf(fp, " overlap=%.4f sweeps=%zu flips=%zu status=%s", dyn_overlap(end, orig, L), r->sweeps,
	        r->flips, dyn_status_name(r->status));
	if (r->status == DYN_CYCLE)
		fprintf(fp, " cycle=%zu", r->cycle);
	if (!isnan(r->energy))
		fprintf(fp, " energy=%.6f", r->energy);
	fputc('\n', fp);
	char buf[4096];
	for (size_t i = 0; i < L;) {
		size_t n = 0;
		for (; i < L && n < sizeof buf; i++)
			buf[n++] = alphabet_letter(&m->abc, end[i]);
		fwrite(buf, 1, n, fp);
	}
	fputc('\n', fp);
}

/* --out-format lines: the end state alone, one per line (PSICOV/.aln, or 0/1 patterns). */
static void write_line(FILE *fp, const plm_model *m, const uint8_t *end)
{
	for (size_t i = 0; i < m->L; i++)
		fputc(alphabet_letter(&m->abc, end[i]), fp);
	fputc('\n', fp);
}

static void write_tsv(FILE *fp, const char *name, size_t rep, size_t L, const uint8_t *orig,
                      const uint8_t *noisy, const uint8_t *end, const dyn_result *r)
{
	fprintf(fp, "%s\t%zu\t%.6f\t%.6f\t%.6f\t%zu\t%zu\t%s\t%zu\t", name, rep + 1,
	        dyn_overlap(noisy, orig, L), dyn_overlap(end, orig, L), dyn_overlap(end, noisy, L),
	        r->sweeps, r->flips, dyn_status_name(r->status), r->cycle);
	print_num(fp, r->energy);
	fputc('\n', fp);
}

int cmd_relax_main(int argc, char **argv)
{
	const cmd_spec *spec = &cmd_relax_spec;
	const char *output = DEF_OUTPUT, *tsv = NULL;
	double noise = DEF_NOISE;
	size_t repeats = DEF_REPEATS;
	unsigned long long seed = DEF_SEED;
	dyn_opts dopt;
	dyn_opts_default(&dopt);
	int symmetrize = 0, skip_bad = 0, quiet = 0, threads = 0, order_set = 0, lines_out = 0;
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
			if (cmd_parse_double(spec, "noise", optarg, 0.0, 1.0, &noise))
				return CMD_EXIT_USAGE;
			break;
		case OPT_REPEATS:
			if (cmd_parse_size(spec, "repeats", optarg, 1, (size_t)UINT32_MAX, &repeats))
				return CMD_EXIT_USAGE;
			break;
		case OPT_SEED:
			if (cmd_parse_u64(spec, "seed", optarg, &seed))
				return CMD_EXIT_USAGE;
			break;
		case OPT_MAX_SWEEPS:
			if (cmd_parse_size(spec, "max-sweeps", optarg, 0, SIZE_MAX / 2, &dopt.max_sweeps))
				return CMD_EXIT_USAGE;
			break;
		case OPT_ORDER:
			if (cmd_parse_choice(spec, "order", optarg, dyn_order_names, &choice))
				return CMD_EXIT_USAGE;
			dopt.order = (dyn_order)choice;
			order_set = 1;
			break;
		case OPT_UPDATE:
			if (cmd_parse_choice(spec, "update", optarg, dyn_update_names, &choice))
				return CMD_EXIT_USAGE;
			dopt.update = (dyn_update)choice;
			break;
		case OPT_SYMMETRIZE: symmetrize = 1; break;
		case OPT_SKIP_BAD: skip_bad = 1; break;
		case OPT_OUT_FORMAT:
			if (cmd_parse_choice(spec, "out-format", optarg, cmd_seq_formats, &lines_out))
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
	if (order_set && cmd_check_order(spec, dopt.order, dopt.update))
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
	 * the starts; rank 0 writes its own output, then the other ranks' (formatted in memory), in
	 * rank order, so the files are those of one process */
	const int root = cluster_rank() == 0;
	if (!root)
		quiet = 1;
	char *part[2] = { NULL, NULL }; /* ranks > 0: their end states and TSV rows */
	size_t part_len[2] = { 0, 0 };
	FILE *part_fp[2] = { NULL, NULL };

	plm_err err;
	plm_model *m = NULL;
	msa *s = NULL;
	dyn_model *d = NULL;
	uint8_t *starts = NULL, *noisy = NULL, *ends = NULL;
	dyn_result *res = NULL;
	plm_outfile fa = { 0 }, ts = { 0 };
	int status = CMD_EXIT_FAIL;
	size_t nbad = 0, L = 0, n = 0, rchunk = 1, per = 1; /* set before any rank goes past setup */

	if ((m = cmd_load_model(spec, model_path)) == NULL)
		goto setup;
	msa_opts mo;
	msa_opts_default(&mo);
	mo.format = in.msa.format;
	mo.alphabet = m->abc.name;
	mo.unknown = skip_bad ? MSA_UNKNOWN_DROP : in.msa.unknown;
	mo.max_gap_seq = 1.0;
	mo.max_gap_col = 1.0;
	if (msa_read(seqs_path, &mo, &s, &err) != PLM_OK) {
		cmd_error(spec, "%s", err.msg);
		goto setup;
	}
	for (size_t k = 0; k < s->nin; k++) {
		if (s->in_status[k] == MSA_KEPT)
			continue;
		nbad++; /* --unknown drop: an ambiguous or unknown letter */
	}
	if (model_map_sequences(m, s, &starts, &err) != PLM_OK) {
		cmd_error(spec, "%s", err.msg);
		goto setup;
	}
	/* the dynamics take the model's couplings (rearranged in place: one copy of J) */
	if (dyn_model_take(m, symmetrize, &d, &err) != PLM_OK) {
		cmd_error(spec, "%s: %s", model_path, err.msg);
		goto setup;
	}

	/* batches of at most RELAX_BATCH_RUNS runs: several starts with all their repeats, or
	 * one start and part of its repeats */
	L = m->L;
	n = s->n;
	rchunk = repeats < RELAX_BATCH_RUNS ? repeats : RELAX_BATCH_RUNS;
	per = rchunk == repeats ? RELAX_BATCH_RUNS / repeats : 1;
	if (per > n)
		per = n ? n : 1;
	size_t cap = per * rchunk;
	noisy = plm_calloc(cap, L, "noisy starts", &err);
	ends = noisy ? plm_calloc(cap, L, "end states", &err) : NULL;
	res = ends ? plm_calloc(cap, sizeof *res, "results", &err) : NULL;
	if (res == NULL) {
		cmd_error(spec, "%s", err.msg);
		goto setup;
	}
	if (root && outfile_open(&fa, output, &err) != PLM_OK) {
		cmd_error(spec, "%s", err.msg);
		goto setup;
	}
	if (root && tsv != NULL) {
		if (outfile_open(&ts, tsv, &err) != PLM_OK) {
			cmd_error(spec, "%s", err.msg);
			goto setup;
		}
		fprintf(ts.fp, "name\trepeat\toverlap_start\toverlap_end\toverlap_end_start\tsweeps\t"
		                    "flips\tstatus\tcycle\tenergy\n");
	}
	for (int f = 0; !root && f < 2; f++)
		if ((part_fp[f] = open_memstream(&part[f], &part_len[f])) == NULL) {
			cmd_error(spec, "out of memory");
			goto setup;
		}
	status = CMD_EXIT_OK;
setup: /* every rank's setup done: all go on, or all stop (the rank that failed said why) */
	if (cluster_agree(status == CMD_EXIT_OK ? PLM_OK : PLM_EINVAL, NULL) != PLM_OK) {
		status = CMD_EXIT_FAIL;
		goto done;
	}
	status = CMD_EXIT_FAIL;
	FILE *out_fp = root ? fa.fp : part_fp[0], *tsv_fp = root ? ts.fp : part_fp[1];
	size_t lo, hi; /* this rank's starts */
	cluster_share(n, &lo, &hi);

	size_t count[4] = { 0, 0, 0, 0 }; /* runs per status, then runs */
	double sum_overlap = 0.0;
	int st = PLM_OK;
	for (size_t first = lo; first < hi && st == PLM_OK; first += per)
	for (size_t r0 = 0; r0 < repeats && st == PLM_OK; r0 += rchunk) {
		dyn_batch b = { .n = hi - first < per ? hi - first : per, .first_index = first,
		                .repeats = repeats - r0 < rchunk ? repeats - r0 : rchunk, .first_repeat = r0,
		                .noise = noise, .seed = seed, .starts = starts + first * L, .noisy = noisy,
		                .ends = ends, .res = res };
		if ((st = dyn_run_batch(d, &dopt, &b, &err)) != PLM_OK)
			break;
		for (size_t k = 0; k < b.n * b.repeats; k++) {
			size_t sk = first + k / b.repeats, rep = r0 + k % b.repeats;
			const char *name = s->in_names[s->in_index[sk]];
			const uint8_t *orig = starts + sk * L;
			if (lines_out)
				write_line(out_fp, m, ends + k * L);
			else
				write_fasta(out_fp, m, name, rep, repeats, orig, ends + k * L, &res[k]);
			if (tsv != NULL)
				write_tsv(tsv_fp, name, rep, L, orig, noisy + k * L, ends + k * L, &res[k]);
			sum_overlap += dyn_overlap(ends + k * L, orig, L);
			count[res[k].status]++;
			count[3]++;
		}
	}
	for (int f = 0; !root && f < 2; f++) {
		if (fclose(part_fp[f]) != 0 && st == PLM_OK)
			st = plm_fail(&err, PLM_ENOMEM, "out of memory for this rank's output");
		part_fp[f] = NULL;
	}
	/* the other ranks' outputs after rank 0's, then the files in place */
	if ((st = cluster_agree(st, &err)) == PLM_OK)
		st = cluster_append(out_fp, part[0], part_len[0], &err);
	if (st == PLM_OK && tsv != NULL)
		st = cluster_append(tsv_fp, part[1], part_len[1], &err);
	if (st == PLM_OK && root && ts.fp != NULL)
		st = outfile_commit(&ts, &err);
	if (st == PLM_OK && root && fa.fp != NULL)
		st = outfile_commit(&fa, &err);
	if ((st = cluster_agree(st, &err)) == PLM_OK)
		st = cluster_sum_sizes(count, 4, &err);
	if (st == PLM_OK)
		st = cluster_sum(&sum_overlap, 1, &err);
	if ((st = cluster_agree(st, &err)) != PLM_OK) {
		if (root)
			cmd_error(spec, "%s", err.msg);
		goto done;
	}
	size_t runs = count[3];
	if (!quiet) {
		double dr = runs ? (double)runs : 1.0;
		fprintf(stderr, "plmem relax: %zu runs (%zu sequences x %zu), mean final overlap %.4f; "
		        "fixed %.4f, cycle %.4f, max-sweeps %.4f; %.2f s\n", runs, n, repeats,
		        sum_overlap / dr, count[DYN_FIXED] / dr, count[DYN_CYCLE] / dr,
		        count[DYN_MAX_SWEEPS] / dr, plm_now() - t0);
		if (nbad)
			fprintf(stderr, "plmem relax: %zu sequence%s dropped for ambiguous or unknown letters "
			        "(--unknown drop)\n", nbad, nbad == 1 ? "" : "s");
	}
	status = CMD_EXIT_OK;
done:
	outfile_abort(&ts);
	outfile_abort(&fa);
	for (int f = 0; f < 2; f++) {
		if (part_fp[f] != NULL)
			fclose(part_fp[f]);
		free(part[f]);
	}
	free(starts);
	free(noisy);
	free(ends);
	free(res);
	dyn_model_destroy(d);
	msa_destroy(s);
	model_destroy(m);
	return status;
}
