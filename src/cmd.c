/* cmd: option tables -> getopt_long, usage text, strict number parsing, messages.
 * Used only by the subcommands; prints, never exits. */
#include "config.h"
#include "cmd.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "util.h"

void cmd_usage(const cmd_spec *spec, FILE *fp)
{
	fprintf(fp, "Usage: plmem %s %s\n%s\n\nOptions:\n", spec->name, spec->synopsis, spec->summary);
	for (const cmd_opt *o = spec->opts; o->lname != NULL; o++) {
		char left[96];
		int n;
		if (o->key < CMD_LONG)
			n = snprintf(left, sizeof left, "  -%c, --%s", o->key, o->lname);
		else
			n = snprintf(left, sizeof left, "      --%s", o->lname);
		if (o->arg != NULL && n > 0 && (size_t)n < sizeof left)
			snprintf(left + n, sizeof left - (size_t)n, " %s", o->arg);
		if (strlen(left) > 28)
			fprintf(fp, "%s\n%30s", left, "");
		else
			fprintf(fp, "%-30s", left);
		fprintf(fp, "%s", o->help);
		if (o->def != NULL)
			fprintf(fp, " [%s]", o->def);
		fputc('\n', fp);
	}
	if (spec->details != NULL)
		fprintf(fp, "\n%s\n", spec->details);
	fprintf(fp, "\nSee man plmem-%s for details.\n", spec->name);
}

void cmd_parser_init(cmd_parser *p, const cmd_spec *spec)
{
	memset(p, 0, sizeof *p);
	p->spec = spec;
	size_t n = 0, s = 0;
	p->sopts[s++] = ':';
	for (const cmd_opt *o = spec->opts; o->lname != NULL && n < CMD_MAX_OPTS; o++, n++) {
		p->lopts[n].name = o->lname;
		p->lopts[n].has_arg = o->arg ? required_argument : no_argument;
		p->lopts[n].flag = NULL;
		p->lopts[n].val = o->key;
		if (o->key < CMD_LONG) {
			p->sopts[s++] = (char)o->key;
			if (o->arg)
				p->sopts[s++] = ':';
		}
	}
	p->sopts[s] = '\0';
	optind = 1;
	opterr = 0;
}

int cmd_next(cmd_parser *p, int argc, char **argv)
{
	int prev = optind;
	int c = getopt_long(argc, argv, p->sopts, p->lopts, NULL);
	if (c == '?' || c == ':') {
		const char *what = (prev < argc) ? argv[prev] : "";
		if (c == ':')
			cmd_usage_error(p->spec, "option '%s' needs an argument", what);
		else if (optopt != 0 && optopt < CMD_LONG && strncmp(what, "--", 2) != 0)
			cmd_usage_error(p->spec, "unknown option '-%c'", optopt);
		else
			cmd_usage_error(p->spec, "unknown option '%s'", what);
		return '?';
	}
	return c;
}

int cmd_common_option(const cmd_spec *spec, int key, const char *arg, int *threads)
{
	switch (key) {
	case 'h':
		cmd_usage(spec, stdout);
		return CMD_EXIT_OK;
	case 't':
		if (threads != NULL)
			return cmd_parse_threads(spec, arg, threads) ? CMD_EXIT_USAGE : CMD_NEXT;
		break;
	case '?':
		return CMD_EXIT_USAGE;
	}
	cmd_error(spec, "internal error: option %d is not handled", key);
	return CMD_EXIT_USAGE;
}

char **cmd_operands(const cmd_spec *spec, int argc, char **argv, int want, const char *what)
{
	int n = argc - optind;
	if (n == want)
		return argv + optind;
	if (n == 0)
		cmd_usage_error(spec, "missing %s", what);
	else if (n < want)
		cmd_usage_error(spec, "expected %s (got %d argument%s)", what, n, n == 1 ? "" : "s");
	else
		cmd_usage_error(spec, "expected only %s, got '%s' too", what, argv[optind + want]);
	return NULL;
}

void cmd_error(const cmd_spec *spec, const char *fmt, ...)
{
	va_list ap;
	fflush(stdout);
	fprintf(stderr, "plmem %s: ", spec->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cmd_usage_error(const cmd_spec *spec, const char *fmt, ...)
{
	va_list ap;
	fflush(stdout);
	fprintf(stderr, "plmem %s: ", spec->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'plmem %s -h'.\n", spec->name);
	return CMD_EXIT_USAGE;
}

int cmd_status(const cmd_spec *spec, int rc, const plm_err *err)
{
	if (rc == PLM_OK)
		return CMD_EXIT_OK;
	cmd_error(spec, "%s", err->msg);
	return CMD_EXIT_FAIL;
}

plm_model *cmd_load_model(const cmd_spec *spec, const char *path)
{
	plm_model *m = NULL;
	plm_err err = { 0 };
	if (model_read(path, &m, &err) != PLM_OK) {
		cmd_error(spec, "%s", err.msg);
		return NULL;
	}
	return m;
}

int cmd_parse_double(const cmd_spec *spec, const char *opt, const char *s, double lo, double hi, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || !isfinite(v)) {
		cmd_usage_error(spec, "--%s: '%s' is not a number", opt, s);
		return -1;
	}
	if (v < lo || v > hi) {
		cmd_usage_error(spec, "--%s: %s is outside [%g, %g]", opt, s, lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

int cmd_parse_long(const cmd_spec *spec, const char *opt, const char *s, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0) {
		cmd_usage_error(spec, "--%s: '%s' is not an integer", opt, s);
		return -1;
	}
	if (v < lo || v > hi) {
		cmd_usage_error(spec, "--%s: %s is outside [%ld, %ld]", opt, s, lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

int cmd_parse_size(const cmd_spec *spec, const char *opt, const char *s, size_t lo, size_t hi, size_t *out)
{
	unsigned long long v;
	if (cmd_parse_u64(spec, opt, s, &v) != 0)
		return -1;
	if (v < lo || v > hi) {
		cmd_usage_error(spec, "--%s: %s is outside [%zu, %zu]", opt, s, lo, hi);
		return -1;
	}
	*out = (size_t)v;
	return 0;
}

int cmd_parse_u64(const cmd_spec *spec, const char *opt, const char *s, unsigned long long *out)
{
	char *end;
	errno = 0;
	unsigned long long v = s[0] == '-' ? 0 : strtoull(s, &end, 10);
	if (s[0] == '-' || end == s || *end != '\0' || errno != 0) {
		cmd_usage_error(spec, "--%s: '%s' is not a non-negative integer", opt, s);
		return -1;
	}
	*out = v;
	return 0;
}

int cmd_parse_threads(const cmd_spec *spec, const char *s, int *threads)
{
	long v;
	if (cmd_parse_long(spec, "threads", s, 0, 4096, &v) != 0)
		return -1;
	*threads = (int)v;
	return 0;
}

char *cmd_join_argv(int argc, char **argv)
{
	size_t n = 1;
	for (int k = 0; k < argc; k++)
		n += strlen(argv[k]) + 1;
	char *s = malloc(n);
	if (s == NULL)
		return NULL;
	s[0] = '\0';
	for (int k = 0; k < argc; k++) {
		if (k)
			strcat(s, " ");
		strcat(s, argv[k]);
	}
	return s;
}

/* ---- the shared alignment options -------------------------------------------------- */

void cmd_input_default(cmd_input *in)
{
	memset(in, 0, sizeof *in);
	msa_opts_default(&in->msa);
	in->theta = WEIGHTS_DEFAULT_THETA;
	in->no_weights = 0;
	in->weights_file = NULL;
}

int cmd_input_option(const cmd_spec *spec, int key, const char *arg, cmd_input *in, int *threads)
{
	switch (key) {
	case CMD_INPUT_FORMAT:
		if (msa_format_parse(arg, &in->msa.format) != 0)
			return cmd_usage_error(spec, "--format: unknown format '%s' (fasta, a2m, a3m, stockholm, lines, numbers or auto)", arg);
		return CMD_NEXT;
	case CMD_INPUT_ALPHABET: {
		plm_alphabet a;
		plm_err err = { 0 };
		if (alphabet_init(&a, arg, &err) != PLM_OK)
			return cmd_usage_error(spec, "--alphabet: %s", err.msg);
		in->msa.alphabet = arg;
		return CMD_NEXT;
	}
	case CMD_INPUT_UNKNOWN:
		if (msa_unknown_parse(arg, &in->msa.unknown) != 0)
			return cmd_usage_error(spec, "--unknown: '%s' is not gap, drop or reject", arg);
		return CMD_NEXT;
	case CMD_INPUT_FOCUS:
		if (arg[0] == '\0')
			return cmd_usage_error(spec, "--focus: empty sequence name");
		in->msa.focus = arg;
		return CMD_NEXT;
	case CMD_INPUT_MAX_GAP_SEQ:
		return cmd_parse_double(spec, "max-gap-seq", arg, 0, 1, &in->msa.max_gap_seq) ? CMD_EXIT_USAGE : CMD_NEXT;
	case CMD_INPUT_MAX_GAP_COL:
		return cmd_parse_double(spec, "max-gap-col", arg, 0, 1, &in->msa.max_gap_col) ? CMD_EXIT_USAGE : CMD_NEXT;
	case CMD_INPUT_THETA:
		return cmd_parse_double(spec, "theta", arg, 0, 1, &in->theta) ? CMD_EXIT_USAGE : CMD_NEXT;
	case CMD_INPUT_NO_WEIGHTS:
		in->no_weights = 1;
		return CMD_NEXT;
	case CMD_INPUT_WEIGHTS:
		in->weights_file = arg;
		return CMD_NEXT;
	}
	return cmd_common_option(spec, key, arg, threads);
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
	fprintf(fp, "%s%s: %s, alphabet %s (q = %zu)\n", prefix, m->path, msa_format_name(m->format),
	        m->abc.name, m->abc.q);
	fprintf(fp, "%ssequences: %zu read, %zu kept, %zu dropped for ambiguous or unknown letters, "
	            "%zu for gaps\n", prefix, m->nin, m->n, unk, gaps);
	fprintf(fp, "%scolumns: %zu kept of %zu", prefix, m->L, m->ncol_in);
	if (m->focus != NULL && m->resnum != NULL && m->L > 0)
		fprintf(fp, " (focus %s, residues %ld-%ld)", m->focus, m->resnum[0], m->resnum[m->L - 1]);
	fputc('\n', fp);
	if (in->weights_file != NULL)
		fprintf(fp, "%sM_eff = %.4f (weights from %s)\n", prefix, meff, in->weights_file);
	else if (in->no_weights || in->theta <= 0)
		fprintf(fp, "%sM_eff = %.4f (no weights)\n", prefix, meff);
	else
		fprintf(fp, "%sM_eff = %.4f (theta %g: neighbours at identity >= %g)\n", prefix, meff, in->theta,
		        1 - in->theta);
}

/* ---- sequences read onto a model's positions --------------------------------------------- */

int cmd_read_onto_model(const cmd_spec *spec, const plm_model *m, const char *path, msa_format fmt,
                        msa **sp, uint8_t **seqs)
{
	plm_err err;
	msa_opts mo;
	msa_opts_default(&mo);
	mo.format = fmt;
	mo.alphabet = m->abc.name;
	mo.unknown = MSA_UNKNOWN_DROP;
	mo.max_gap_seq = 1.0;
	mo.max_gap_col = 1.0;
	*sp = NULL;
	*seqs = NULL;
	msa *s = NULL;
	if (msa_read(path, &mo, &s, &err) != PLM_OK) {
		cmd_error(spec, "%s", err.msg);
		return -1;
	}
	size_t L = m->L;
	int by_col = m->col != NULL && m->ncol_in > 0 && s->ncol_in == m->ncol_in;
	if (!by_col && s->ncol_in != L) {
		cmd_error(spec, "%s: %zu columns, but the model takes %zu (its training alignment's "
		          "columns) or %zu (its positions)", s->path, s->ncol_in, m->ncol_in, L);
		msa_destroy(s);
		return -1;
	}
	uint8_t *a = plm_calloc(s->n ? s->n : 1, L, "sequences", &err);
	if (a == NULL) {
		cmd_error(spec, "%s", err.msg);
		msa_destroy(s);
		return -1;
	}
	for (size_t k = 0; k < s->n; k++)
		for (size_t i = 0; i < L; i++)
			a[k * L + i] = s->seq[k * s->L + (by_col ? m->col[i] : i)];
	*sp = s;
	*seqs = a;
	return 0;
}
