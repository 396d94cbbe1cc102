/* cmd_input: the alignment-input options of the subcommands, and reading an alignment (or
 * sequences onto a model's positions) with messages.  Prints, never exits; no algorithm. */
#include "config.h"
#include "cmdinput.h"

#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "util.h"

/* ---- the shared alignment options -------------------------------------------------- */

static int call_format(const char *arg, void *field, char *msg, size_t len)
{
	if (msa_format_parse(arg, field) == 0)
		return 0;
	snprintf(msg, len, "unknown format '%s' (fasta, a2m, a3m, stockholm, clustal, lines, numbers or auto)", arg);
	return -1;
}

static int call_alphabet(const char *arg, void *field, char *msg, size_t len)
{
	plm_alphabet a;
	plm_err err = { 0 };
	if (alphabet_init(&a, arg, &err) != PLM_OK) {
		snprintf(msg, len, "%s", err.msg);
		return -1;
	}
	*(const char **)field = arg;
	return 0;
}

static int call_unknown(const char *arg, void *field, char *msg, size_t len)
{
	if (msa_unknown_parse(arg, field) == 0)
		return 0;
	snprintf(msg, len, "'%s' is not gap, drop or reject", arg);
	return -1;
}

static int call_focus(const char *arg, void *field, char *msg, size_t len)
{
	if (arg[0] == '\0') {
		snprintf(msg, len, "empty sequence name");
		return -1;
	}
	*(const char **)field = arg;
	return 0;
}

#define IN(f) offsetof(cmd_input, f)
#define FORMAT_ROW \
	{ "format", 0, CMD_CALL, "FMT", "detected", IN(msa.format), \
	  "input format: fasta, a2m, a3m, stockholm, clustal, lines or numbers", .call = call_format }

const cmd_row cmd_input_format_rows[] = { FORMAT_ROW, CMD_ROW_END };

const cmd_row cmd_input_read_rows[] = {
	FORMAT_ROW,
	{ "alphabet", 0, CMD_CALL, "A", "guessed", IN(msa.alphabet),
	  "protein, rna, dna, binary or custom letters (default: guessed from the letters' composition)",
	  .call = call_alphabet },
	{ "unknown", 0, CMD_CALL, "P", PLM_STR(MSA_DEFAULT_UNKNOWN), IN(msa.unknown),
	  "ambiguous letters (X, B...): gap, drop (the sequence, counted) or reject", .call = call_unknown },
	CMD_ROW_END
};

/* Sequences read onto a model's positions (relax, sample, score): the alphabet is the model's. */
const cmd_row cmd_input_model_rows[] = {
	FORMAT_ROW,
	{ "unknown", 0, CMD_CALL, "P", PLM_STR(MSA_DEFAULT_UNKNOWN), IN(msa.unknown),
	  "ambiguous letters (X, B...): gap, drop (the sequence) or reject", .call = call_unknown },
	CMD_ROW_END
};

const cmd_row cmd_input_filter_rows[] = {
	{ "focus", 0, CMD_CALL, "NAME", NULL, IN(msa.focus), "keep the columns where sequence NAME is uppercase",
	  .call = call_focus },
	{ "max-gap-seq", 0, CMD_DOUBLE, "F", PLM_STR(MSA_DEFAULT_MAX_GAP_SEQ), IN(msa.max_gap_seq),
	  "drop sequences with a gap fraction above F", .lo = 0, .hi = 1 },
	{ "max-gap-col", 0, CMD_DOUBLE, "F", PLM_STR(MSA_DEFAULT_MAX_GAP_COL), IN(msa.max_gap_col),
	  "drop columns with a gap fraction above F", .lo = 0, .hi = 1 },
	{ "theta", 0, CMD_DOUBLE, "T", PLM_STR(WEIGHTS_DEFAULT_THETA), IN(theta),
	  "neighbours share >= 1-T of the columns (0: no weights)", .lo = 0, .hi = 1 },
	{ "no-weights", 0, CMD_FLAG, NULL, NULL, IN(no_weights), "give every sequence weight 1" },
	{ "weights", 0, CMD_STRING, "FILE", NULL, IN(weights_file), "read the weights from FILE (one per input sequence)",
	  .excludes = "no-weights" },
	CMD_ROW_END
};

void cmd_input_default(cmd_input *in)
{
	memset(in, 0, sizeof *in);
	msa_opts_default(&in->msa);
	in->theta = WEIGHTS_DEFAULT_THETA;
	in->no_weights = 0;
	in->weights_file = NULL;
}


int cmd_input_load(const cmd_spec *spec, const char *path, const cmd_input *in, msa **mp, double **wp,
                   double *meff)
{
	plm_err err = { 0 };
	*mp = NULL;
	if (wp != NULL)
		*wp = NULL;
	if (in->weights_file != NULL && in->no_weights)
		return cmd_usage_error(spec, "--weights and --no-weights exclude each other");
	if (in->weights_file != NULL && strcmp(in->weights_file, "-") == 0 && strcmp(path, "-") == 0)
		return cmd_usage_error(spec, "the alignment and --weights cannot both be standard input");
	msa *m = NULL;
	if (msa_read(path, &in->msa, &m, &err) != PLM_OK) {
		cmd_error(spec, "%s", err.msg);
		return CMD_EXIT_FAIL;
	}
	double *w = NULL;
	if (wp != NULL) {
		w = plm_calloc(m->n, sizeof *w, "weights", &err);
		int rc = w == NULL ? PLM_ENOMEM : PLM_OK;
		if (rc == PLM_OK) {
			if (in->weights_file != NULL)
				rc = weights_read(in->weights_file, m, w, &err);
			else
				rc = weights_compute(m, in->no_weights ? 0.0 : in->theta, w, &err);
		}
		if (rc != PLM_OK) {
			cmd_error(spec, "%s", err.msg);
			free(w);
			msa_destroy(m);
			return CMD_EXIT_FAIL;
		}
		*meff = weights_meff(w, m->n);
		*wp = w;
	} else if (meff != NULL) {
		*meff = (double)m->n;
	}
	*mp = m;
	return CMD_EXIT_OK;
}

void cmd_input_report(FILE *fp, const char *prefix, const msa *m, const cmd_input *in, double meff)
{
	size_t unk = 0, gaps = 0;
	for (size_t k = 0; k < m->nin; k++) {
		unk += m->in_status[k] == MSA_DROP_UNKNOWN;
		gaps += m->in_status[k] == MSA_DROP_GAPS;
	}
	fprintf(fp, "%s%s: %s, alphabet %s (q = %zu, %s)\n", prefix, m->path, msa_format_name(m->format),
	        m->abc.name, m->abc.q, m->abc_why);
	fprintf(fp, "%ssequences: %zu read, %zu kept, %zu dropped for ambiguous or unknown letters, "
	            "%zu for gaps\n", prefix, m->nin, m->n, unk, gaps);
	fprintf(fp, "%scolumns: %zu kept of %zu", prefix, m->L, m->ncol_in);
	if (m->focus != NULL && m->resnum != NULL && m->L > 0)
		fprintf(fp, " (focus %s, residues %ld-%ld)", m->focus, m->resnum[0], m->resnum[m->L - 1]);
	fputc('\n', fp);
	char notes[1024];
	msa_notes(m, notes, sizeof notes);
	for (char *line = notes, *nl; (nl = strchr(line, '\n')) != NULL; line = nl + 1)
		fprintf(fp, "%s%.*s\n", prefix, (int)(nl - line), line);
	if (in->weights_file != NULL)
		fprintf(fp, "%sM_eff = %.4f (weights from %s)\n", prefix, meff, in->weights_file);
	else if (in->no_weights || in->theta <= 0)
		fprintf(fp, "%sM_eff = %.4f (no weights)\n", prefix, meff);
	else
		fprintf(fp, "%sM_eff = %.4f (theta %g: neighbours at identity >= %g)\n", prefix, meff, in->theta,
		        1 - in->theta);
	char caution[256];
	if (weights_low_depth(meff, m->L, caution, sizeof caution))
		fprintf(fp, "%s%s\n", prefix, caution);
}

/* ---- sequences read onto a model's positions --------------------------------------------- */

int cmd_read_onto_model(const cmd_spec *spec, const plm_model *m, const char *path, msa_format fmt,
                        msa_unknown_policy unknown, msa **sp, uint8_t **seqs)
{
	plm_err err;
	if (model_read_sequences(m, path, fmt, unknown, sp, seqs, &err) != PLM_OK) {
		cmd_error(spec, "%s", err.msg);
		return -1;
	}
	return 0;
}
