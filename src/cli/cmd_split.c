/* cmd_split: `plmem split MSA --train P`: options, the summary on stderr and the two files.
 * Glue only: the draw and the writing live in split.c, reading and weights in msa/weights. */
#include "config.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cmdinput.h"
#include "split.h"
#include "util.h"

#define DEF_SEED 1

typedef struct split_args {
	cmd_common com;
	cmd_input in;
	const char *train, *prefix;
	unsigned long long seed;
} split_args;

static const cmd_row rows[] = {
	{ "train", 0, CMD_STRING, "P", NULL, offsetof(split_args, train),
	  "training sequences: a count (>= 1) or a fraction of the kept sequences (0 < P < 1)" },
	{ "seed", 0, CMD_U64, "S", PLM_STR(DEF_SEED), offsetof(split_args, seed), "random seed of the draw" },
	{ "output", 'o', CMD_STRING, "PREFIX", "NAME for MSA NAME.EXT", offsetof(split_args, prefix),
	  "write PREFIX.train.EXT and PREFIX.test.EXT" },
	CMD_ROW_END
};

static const cmd_group groups[] = {
	CMD_OWN(rows),
	CMD_GROUP(cmd_input_read_rows, split_args, in),
	CMD_GROUP(cmd_input_filter_rows, split_args, in),
	CMD_GROUP_END
};

const cmd_spec cmd_split_spec = {
	.name = "split",
	.synopsis = "[options] --train P MSA",
	.summary = "Split an alignment into a training set drawn by weight and a test set (the rest).",
	.details =
	"P kept sequences are drawn without replacement, each next one with probability\n"
	"proportional to its weight among those left (weights as plmem weights computes them,\n"
	"with the same options); a sequence of weight 0 is never drawn, so P may not exceed\n"
	"the sequences of non-zero weight.  With --focus, the focus sequence is always in the\n"
	"training set (it counts in P), so that fit --focus reads it.  The test set is every\n"
	"other input sequence, those the filters dropped included.  Both files keep the input's\n"
	"records byte for byte (names, order, format, inserts); gzip input is written plain.\n"
	"Sets drawn with the same seed are nested: the first P of a larger draw.",
	.groups = groups,
	.common = offsetof(split_args, com),
	.nops = 1,
	.operands = "the alignment file MSA",
};

/* Reads MSA, draws P (a count or fraction, already checked) and writes the two files. */
static int split_run(const cmd_spec *spec, const char *path, const split_args *a, size_t P)
{
	const cmd_input in = a->in;
	const char *prefix = a->prefix;
	unsigned long long seed = a->seed;
	int quiet = a->com.quiet;
	msa *m = NULL;
	double *w = NULL, meff = 0;
	char *pbuf = prefix ? NULL : cmd_default_name(path, ""), *tpath = NULL, *spath = NULL;
	size_t *order = NULL;
	unsigned char *chosen = NULL, *train_in = NULL;
	plm_err err = { 0 };
	int rc = CMD_EXIT_FAIL;
	if (prefix == NULL && pbuf == NULL) {
		cmd_error(spec, "out of memory");
		goto done;
	}
	if (prefix == NULL)
		prefix = pbuf;
	if ((rc = cmd_input_load(spec, path, &in, &m, &w, &meff)) != CMD_EXIT_OK)
		goto done;
	rc = CMD_EXIT_FAIL;
	split_parse_size(a->train, m->n, &P);
	size_t elen;
	const char *ext = split_extension(path, m->format, &elen);
	size_t plen = strlen(prefix) + elen + 16;
	tpath = malloc(plen);
	spath = malloc(plen);
	order = plm_calloc(m->n ? m->n : 1, sizeof *order, "draw order", &err);
	chosen = order ? plm_calloc(m->n ? m->n : 1, 1, "draw", &err) : NULL;
	train_in = chosen ? plm_calloc(m->nin ? m->nin : 1, 1, "draw", &err) : NULL;
	if (tpath == NULL || spath == NULL || train_in == NULL) {
		cmd_error(spec, "out of memory");
		goto done;
	}
	snprintf(tpath, plen, "%s.train.%.*s", prefix, (int)elen, ext);
	snprintf(spath, plen, "%s.test.%.*s", prefix, (int)elen, ext);
	size_t focus = split_focus_row(m);
	if (split_draw(w, m->n, P, seed, focus, order, chosen, &err) != PLM_OK) {
		cmd_error(spec, "%s: %s", path, err.msg);
		goto done;
	}
	double wsum = 0.0;
	for (size_t s = 0; s < m->n; s++)
		if (chosen[s]) {
			train_in[m->in_index[s]] = 1;
			wsum += w[s];
		}
	if (split_write(m, train_in, tpath, spath, &err) != PLM_OK) {
		cmd_error(spec, "%s", err.msg);
		goto done;
	}
	if (!quiet) {
		size_t dropped = m->nin - m->n;
		fprintf(stderr, "plmem split: %s: drew %zu of %zu kept sequences (weight %.2f of M_eff %.2f), seed %llu%s\n",
		        path, P, m->n, wsum, meff, seed, focus != SIZE_MAX ? "; the focus sequence is in the training set" : "");
		fprintf(stderr, "plmem split: wrote %s (%zu sequences) and %s (%zu", tpath, P, spath, m->nin - P);
		if (dropped)
			fprintf(stderr, ", %zu of them dropped by the filters", dropped);
		fputs(")\n", stderr);
	}
	rc = CMD_EXIT_OK;
done:
	free(order);
	free(chosen);
	free(train_in);
	free(tpath);
	free(spath);
	free(pbuf);
	free(w);
	msa_destroy(m);
	return rc;
}

int cmd_split_main(int argc, char **argv)
{
	const cmd_spec *spec = &cmd_split_spec;
	split_args a = { .seed = DEF_SEED };
	cmd_input_default(&a.in);
	cmd_ops ops;
	int r = cmd_parse(spec, argc, argv, &a, &ops);
	if (r != CMD_PARSED)
		return r;
	const char *path = ops.v[0];
	if (a.train == NULL)
		return cmd_usage_error(spec, "--train P is required");
	if (strcmp(path, "-") == 0)
		return cmd_usage_error(spec, "MSA must be a file (split reads it twice)");
	size_t P;
	if (split_parse_size(a.train, 1, &P) != 0)
		return cmd_usage_error(spec, "--train: '%s' is neither a count >= 1 nor a fraction in (0, 1)", a.train);
	if (cmd_parse_only)
		return CMD_EXIT_OK;
	plm_set_threads(a.com.threads);
	return split_run(spec, path, &a, P);
}
