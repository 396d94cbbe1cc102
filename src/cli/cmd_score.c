/* cmd_score: `plmem score MODEL [SEQS]`: options, reading the sequences and the mutant list,
 * the TSV outputs and the summary.  Glue only: the score module computes every number. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cmdinput.h"
#include "dynamics.h"
#include "model.h"
#include "msa.h"
#include "mutlist.h"
#include "score.h"
#include "util.h"

enum { OPT_MUTATIONS = 400, OPT_REF, OPT_STABILITIES, OPT_SYMMETRIZE, OPT_QUIET };

#define DEF_OUTPUT "-"

static const cmd_opt opts[] = {
	{ "output", 'o', "FILE", DEF_OUTPUT, "TSV of the scores ('-': standard output)" },
	{ "mutations", OPT_MUTATIONS, "FILE|all", NULL,
	  "score mutants of the reference (A24C; A24C:K50R, A24C,K50R or A24C;K50R; one per line, "
	  "or a CSV/TSV with a 'mutant' column) or every single substitution (all)" },
	{ "ref", OPT_REF, "NAME", NULL,
	  "--mutations: the reference is sequence NAME of SEQS (default: SEQS' first, or the "
	  "model's focus without SEQS)" },
	{ "stabilities", OPT_STABILITIES, "FILE", NULL,
	  "also write each site's margin Delta_i (name, residue, letter, margin) to FILE" },
	{ "symmetrize", OPT_SYMMETRIZE, NULL, NULL,
	  "compute the fields with (J_ij + J_ji^T)/2 (pll, unstable, margins, logodds)" },
	CMD_INPUT_FORMAT_OPT,
	CMD_INPUT_UNKNOWN_OPT,
	CMD_OPT_THREADS,
	{ "quiet", OPT_QUIET, NULL, NULL, "no summary on standard error" },
	CMD_OPT_HELP,
	CMD_OPT_END
};

const cmd_spec cmd_score_spec = {
	"score",
	"[options] MODEL [SEQS]",
	"Score sequences, or mutants of a reference, with a model.",
	"Per sequence (TSV: name pll energy unstable note): pll = sum_i log P(a_i | rest);\n"
	"energy = -sum_i h_i(a_i) - sum_{i<j} J^S_ij(a_i, a_j) with J^S = (J_ij + J_ji^T)/2 (the\n"
	"energy of a symmetric model; for an asymmetric one, that of its symmetrised couplings);\n"
	"unstable = sites the zero-temperature dynamics (relax) would change.  --stabilities:\n"
	"Delta_i = field_i(a_i) - max_{b != a_i} field_i(b), field_i(b) = h_i(b) + sum_j J_ij(b, a_j).\n"
	"--mutations (TSV: mutant delta_pll delta_energy delta_unstable logodds note, and the\n"
	"list's DMS_score/score/fitness/effect column as written when it has one): mutant\n"
	"minus reference; delta_energy < 0 and delta_pll > 0 favour the mutant; logodds = sum\n"
	"over the substituted sites of field_i(mutant) - field_i(wild type) in the reference's\n"
	"context.  Residue numbers are the model's (focus residue numbers, else 1-based columns\n"
	"of the training alignment).  A mutant that cannot be scored (position outside the model,\n"
	"wild-type letter unlike the reference, bad text) gets NA and the reason in 'note'; a\n"
	"sequence dropped for an ambiguous letter (--unknown drop) likewise.  SEQS ('-': standard input, gzip\n"
	"accepted) has the training alignment's columns or exactly the model's L positions.",
	opts
};


int cmd_score_main(int argc, char **argv)
{
	const cmd_spec *spec = &cmd_score_spec;
	const char *output = DEF_OUTPUT, *mutations = NULL, *refname = NULL, *stab_path = NULL;
	int symmetrize = 0, quiet = 0, threads = 0;
	cmd_input in;
	cmd_input_default(&in);

	cmd_parser p;
	cmd_parser_init(&p, spec);
	int c, r;
	while ((c = cmd_next(&p, argc, argv)) != -1) {
		switch (c) {
		case 'o': output = optarg; break;
		case OPT_MUTATIONS: mutations = optarg; break;
		case OPT_REF: refname = optarg; break;
		case OPT_STABILITIES: stab_path = optarg; break;
		case OPT_SYMMETRIZE: symmetrize = 1; break;
		case OPT_QUIET: quiet = 1; break;
		default:
			if ((r = cmd_input_option(spec, c, optarg, &in, &threads)) != CMD_NEXT)
				return r;
		}
	}
	int nop = argc - optind;
	if (nop < 1 || nop > 2 || (mutations == NULL && nop != 2)) {
		if (cmd_operands(spec, argc, argv, mutations ? 1 : 2,
		                 mutations ? "the model file MODEL (and SEQS)" :
		                             "the model file MODEL and the sequence file SEQS") == NULL)
			return CMD_EXIT_USAGE;
	}
	const char *model_path = argv[optind], *seqs_path = nop == 2 ? argv[optind + 1] : NULL;
	if (refname != NULL && mutations == NULL)
		return cmd_usage_error(spec, "--ref applies to --mutations");
	if (refname != NULL && seqs_path == NULL)
		return cmd_usage_error(spec, "--ref NAME needs SEQS (the file holding sequence NAME)");
	if (stab_path != NULL && mutations != NULL)
		return cmd_usage_error(spec, "--stabilities applies to sequences, not --mutations");
	if (stab_path != NULL && strcmp(stab_path, output) == 0)
		return cmd_usage_error(spec, strcmp(output, "-") == 0 ? "only one output can be standard output"
		                                                      : "--output and --stabilities name the same file '%s'", output);
	if (strcmp(model_path, "-") == 0)
		return cmd_usage_error(spec, "MODEL must be a file (standard input is for SEQS)");
	if (mutations != NULL && seqs_path != NULL && strcmp(mutations, "-") == 0 && strcmp(seqs_path, "-") == 0)
		return cmd_usage_error(spec, "--mutations and SEQS cannot both be standard input");
	if (cmd_parse_only)
		return CMD_EXIT_OK;
	plm_set_threads(threads);
	double t0 = plm_now();

	plm_err err;
	plm_model *m = NULL;
	msa *s = NULL;
	dyn_model *d = NULL;
	uint8_t *seqs = NULL, *ref = NULL;
	score_values *val = NULL;
	double *margins = NULL;
	mutlist *list = NULL;
	char **why = NULL;
	plm_outfile out = { 0 }, st = { 0 };
	int status = CMD_EXIT_FAIL;

	if ((m = cmd_load_model(spec, model_path)) == NULL)
		goto done;
	size_t L = m->L;
	if (seqs_path != NULL) {
		if (cmd_read_onto_model(spec, m, seqs_path, in.msa.format, in.msa.unknown, &s, &seqs) != 0)
			goto done;
	}
	/* the dynamics take the model's couplings (one copy of J) */
	if (dyn_model_take(m, symmetrize, &d, &err) != PLM_OK) {
		cmd_error(spec, "%s: %s", model_path, err.msg);
		goto done;
	}
	if (outfile_open(&out, output, &err) != PLM_OK) {
		cmd_error(spec, "%s", err.msg);
		goto done;
	}

	size_t nrows = 0, nfail = 0;
	if (mutations == NULL) {
		size_t n = s->n;
		val = plm_calloc(n ? n : 1, sizeof *val, "scores", &err);
		margins = val && stab_path ? plm_calloc(n ? n : 1, L * sizeof(double), "margins", &err) : NULL;
		if (val == NULL || (stab_path && margins == NULL)) {
			cmd_error(spec, "%s", err.msg);
			goto done;
		}
		if (score_sequences(d, seqs, n, val, margins, &err) != PLM_OK) {
			cmd_error(spec, "%s", err.msg);
			goto done;
		}
		if (stab_path != NULL && outfile_open(&st, stab_path, &err) != PLM_OK) {
			cmd_error(spec, "%s", err.msg);
			goto done;
		}
		nfail = score_write_sequences(out.fp, st.fp, m, s, seqs, val, margins);
		nrows = s->nin;
	} else {
		/* the reference */
		ref = plm_calloc(L, 1, "reference", &err);
		if (ref == NULL) {
			cmd_error(spec, "%s", err.msg);
			goto done;
		}
		if (score_reference(m, model_path, s, seqs, refname, ref, &err) != PLM_OK) {
			cmd_error(spec, "%s", err.msg);
			goto done;
		}
		int rc = strcmp(mutations, "all") == 0 ? score_all_substitutions(m, ref, &list, &err)
		                                         : mutlist_read(mutations, &list, &err);
		if (rc == PLM_OK && (val = plm_calloc(list->n ? list->n : 1, sizeof *val, "scores", &err)) == NULL)
			rc = PLM_ENOMEM;
		if (rc == PLM_OK && (why = plm_calloc(list->n ? list->n : 1, sizeof *why, "notes", &err)) == NULL)
			rc = PLM_ENOMEM;
		if (rc == PLM_OK)
			rc = score_mutlist(d, m, ref, list, val, why, &err);
		if (rc != PLM_OK) {
			cmd_error(spec, "%s", err.msg);
			goto done;
		}
		nfail = score_write_mutants(out.fp, list, val, why);
		nrows = list->n;
	}
	if (st.fp != NULL && outfile_commit(&st, &err) != PLM_OK) {
		cmd_error(spec, "%s", err.msg);
		goto done;
	}
	if (outfile_commit(&out, &err) != PLM_OK) {
		cmd_error(spec, "%s", err.msg);
		goto done;
	}
	if (!quiet)
		fprintf(stderr, "plmem score: %zu %s scored, %zu not (NA, reason in 'note'); %.2f s\n",
		        nrows - nfail, mutations ? "mutants" : "sequences", nfail, plm_now() - t0);
	status = CMD_EXIT_OK;
done:
	outfile_abort(&st);
	outfile_abort(&out);
	for (size_t k = 0; why != NULL && k < list->n; k++)
		free(why[k]);
	free(why);
	mutlist_destroy(list);
	free(val);
	free(margins);
	free(ref);
	free(seqs);
	dyn_model_destroy(d);
	msa_destroy(s);
	model_destroy(m);
	return status;
}
