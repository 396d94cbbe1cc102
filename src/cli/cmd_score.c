/* cmd_score: `plmem score MODEL [SEQS]`: options, reading the sequences and the mutant list,
 * the TSV outputs and the summary.  Glue only: the score module computes every number and
 * writes the sequence table. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stddef.h>
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

typedef struct score_args {
	cmd_common com;
	cmd_input in;
	const char *output, *mutations, *refname, *stab_path;
	int symmetrize;
} score_args;

#define DEF_OUTPUT "-"
#define SC(f) offsetof(score_args, f)

static const cmd_row rows[] = {
	{ "output", 'o', CMD_STRING, "FILE", DEF_OUTPUT, SC(output), "TSV of the scores ('-': standard output)" },
	{ "mutations", 0, CMD_STRING, "FILE|all", NULL, SC(mutations),
	  "score mutants of the reference (A24C; A24C:K50R, A24C,K50R or A24C;K50R; one per line, "
	  "or a CSV/TSV with a 'mutant' column) or every single substitution (all)" },
	{ "ref", 0, CMD_STRING, "NAME", NULL, SC(refname),
	  "--mutations: the reference is sequence NAME of SEQS (default: SEQS' first, or the "
	  "model's focus without SEQS)", .needs = "mutations" },
	{ "stabilities", 0, CMD_STRING, "FILE", NULL, SC(stab_path),
	  "also write each site's margin Delta_i (name, residue, letter, margin) to FILE",
	  .excludes = "mutations" },
	{ "symmetrize", 0, CMD_FLAG, NULL, NULL, SC(symmetrize),
	  "compute the fields with (J_ij + J_ji^T)/2 (pll, unstable, margins, logodds)" },
	CMD_ROW_END
};

static const cmd_group groups[] = {
	CMD_OWN(rows),
	CMD_GROUP(cmd_input_model_rows, score_args, in),
	CMD_GROUP_END
};

const cmd_spec cmd_score_spec = {
	.name = "score",
	.synopsis = "[options] MODEL [SEQS]",
	.summary = "Score sequences, or mutants of a reference, with a model.",
	.details =
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
	.groups = groups,
	.common = offsetof(score_args, com),
	.nops = -1,
	.operands = "the model file MODEL and the sequence file SEQS",
};

/* ---- mutants ------------------------------------------------------------------------ */

/* The mutants of --mutations (a list, or every substitution) scored against the reference, as
 * the table OUT; *NROWS, *NFAIL. */
static int score_mutant_table(const cmd_spec *spec, const score_args *a, const plm_model *m, const dyn_model *d,
                              const char *model_path, const msa *s, const uint8_t *seqs, FILE *out,
                              size_t *nrows, size_t *nfail)
{
	plm_err err;
	mutlist *list = NULL;
	score_values *val = NULL;
	char **why = NULL;
	uint8_t *ref = plm_calloc(m->L, 1, "reference", &err);
	int rc = ref == NULL ? PLM_ENOMEM : score_reference(m, model_path, s, seqs, a->refname, ref, &err);
	if (rc == PLM_OK)
		rc = strcmp(a->mutations, "all") == 0 ? score_all_substitutions(m, ref, &list, &err)
		                                      : mutlist_read(a->mutations, &list, &err);
	if (rc == PLM_OK && (val = plm_calloc(list->n ? list->n : 1, sizeof *val, "scores", &err)) == NULL)
		rc = PLM_ENOMEM;
	if (rc == PLM_OK && (why = plm_calloc(list->n ? list->n : 1, sizeof *why, "notes", &err)) == NULL)
		rc = PLM_ENOMEM;
	if (rc == PLM_OK)
		rc = score_mutlist(d, m, ref, list, val, why, &err);
	if (rc == PLM_OK) {
		*nfail = score_write_mutants(out, list, val, why);
		*nrows = list->n;
	} else {
		cmd_error(spec, "%s", err.msg);
	}
	for (size_t k = 0; why != NULL && k < list->n; k++)
		free(why[k]);
	free(why);
	mutlist_destroy(list);
	free(val);
	free(ref);
	return rc == PLM_OK ? 0 : -1;
}

/* ---- sequences ------------------------------------------------------------------------- */

/* The sequences of S scored, as the TSV OUT (and the margins to STAB when open). */
static int score_sequence_table(const cmd_spec *spec, const plm_model *m, const dyn_model *d, const msa *s,
                                const uint8_t *seqs, FILE *out, FILE *stab, size_t *nrows, size_t *nfail)
{
	plm_err err;
	size_t n = s->n;
	score_values *val = plm_calloc(n ? n : 1, sizeof *val, "scores", &err);
	double *margins = val && stab ? plm_calloc(n ? n : 1, m->L * sizeof(double), "margins", &err) : NULL;
	int rc = -1;
	if (val == NULL || (stab && margins == NULL) || score_sequences(d, seqs, n, val, margins, &err) != PLM_OK)
		cmd_error(spec, "%s", err.msg);
	else {
		*nfail = score_write_sequences(out, stab, m, s, seqs, val, margins);
		*nrows = s->nin;
		rc = 0;
	}
	free(val);
	free(margins);
	return rc;
}

/* Read, score, write; CMD_EXIT_*. */
static int run(const cmd_spec *spec, const score_args *a, const char *model_path, const char *seqs_path)
{
	plm_err err;
	plm_model *m = NULL;
	msa *s = NULL;
	uint8_t *seqs = NULL;
	dyn_model *d = NULL;
	plm_outfile out = { 0 }, st = { 0 };
	size_t nrows = 0, nfail = 0;
	int status = CMD_EXIT_FAIL, rc;
	double t0 = plm_now();
	if ((m = cmd_load_model(spec, model_path)) == NULL ||
	    (seqs_path != NULL && cmd_read_onto_model(spec, m, seqs_path, a->in.msa.format, a->in.msa.unknown, &s, &seqs) != 0))
		goto done;
	/* the dynamics take the model's couplings (one copy of J) */
	if (dyn_model_take(m, a->symmetrize, &d, &err) != PLM_OK) {
		cmd_error(spec, "%s: %s", model_path, err.msg);
		goto done;
	}
	if (outfile_open(&out, a->output, &err) != PLM_OK ||
	    (a->stab_path != NULL && outfile_open(&st, a->stab_path, &err) != PLM_OK)) {
		cmd_error(spec, "%s", err.msg);
		goto done;
	}
	rc = a->mutations ? score_mutant_table(spec, a, m, d, model_path, s, seqs, out.fp, &nrows, &nfail)
	                  : score_sequence_table(spec, m, d, s, seqs, out.fp, st.fp, &nrows, &nfail);
	if (rc != 0)
		goto done;
	if ((st.fp != NULL && outfile_commit(&st, &err) != PLM_OK) || outfile_commit(&out, &err) != PLM_OK) {
		cmd_error(spec, "%s", err.msg);
		goto done;
	}
	if (!a->com.quiet)
		fprintf(stderr, "plmem score: %zu %s scored, %zu not (NA, reason in 'note'); %.2f s\n", nrows - nfail,
		        a->mutations ? "mutants" : "sequences", nfail, plm_now() - t0);
	status = CMD_EXIT_OK;
done:
	outfile_abort(&st);
	outfile_abort(&out);
	free(seqs);
	dyn_model_destroy(d);
	msa_destroy(s);
	model_destroy(m);
	return status;
}

int cmd_score_main(int argc, char **argv)
{
	const cmd_spec *spec = &cmd_score_spec;
	score_args a = { .output = DEF_OUTPUT };
	cmd_input_default(&a.in);
	cmd_ops ops;
	int r = cmd_parse(spec, argc, argv, &a, &ops);
	if (r != CMD_PARSED)
		return r;
	int want = a.mutations ? 1 : 2;
	if (ops.n < want || ops.n > 2) {
		const char *what = a.mutations ? "the model file MODEL (and SEQS)"
		                               : "the model file MODEL and the sequence file SEQS";
		if (ops.n == 0)
			return cmd_usage_error(spec, "missing %s", what);
		if (ops.n > 2)
			return cmd_usage_error(spec, "expected only %s, got '%s' too", what, ops.v[2]);
		return cmd_usage_error(spec, "expected %s (got %d argument%s)", what, ops.n, ops.n == 1 ? "" : "s");
	}
	const char *model_path = ops.v[0], *seqs_path = ops.n == 2 ? ops.v[1] : NULL;
	int nstdin = !strcmp(model_path, "-") + (seqs_path && !strcmp(seqs_path, "-")) +
	             (a.mutations && !strcmp(a.mutations, "-"));
	if (a.refname != NULL && seqs_path == NULL)
		return cmd_usage_error(spec, "--ref NAME needs SEQS (the file holding sequence NAME)");
	if (a.stab_path != NULL && strcmp(a.stab_path, a.output) == 0)
		return cmd_usage_error(spec, strcmp(a.output, "-") == 0 ? "only one output can be standard output"
		                       : "--output and --stabilities name the same file '%s'", a.output);
	if (nstdin > 1)
		return cmd_usage_error(spec, "only one of MODEL, SEQS and --mutations can be standard input");
	if (cmd_parse_only)
		return CMD_EXIT_OK;
	plm_set_threads(a.com.threads);
	return run(spec, &a, model_path, seqs_path);
}
