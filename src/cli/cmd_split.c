/* cmd_split: `plmem split MSA --train P`: options, the summary on stderr and the two files.
 * Glue only: the draw and the writing live in split.c, reading and weights in msa/weights. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cmdinput.h"
#include "split.h"
#include "util.h"

enum { OPT_TRAIN = 400, OPT_SEED, OPT_QUIET };

#define DEF_SEED 1

static const cmd_opt opts[] = {
	{ "train", OPT_TRAIN, "P", NULL,
	  "training sequences: a count (>= 1) or a fraction of the kept sequences (0 < P < 1)" },
	{ "seed", OPT_SEED, "S", PLM_STR(DEF_SEED), "random seed of the draw" },
	{ "output", 'o', "PREFIX", "NAME for MSA NAME.EXT",
	  "write PREFIX.train.EXT and PREFIX.test.EXT" },
	CMD_INPUT_READ_OPTS,
	CMD_INPUT_FILTER_OPTS,
	CMD_OPT_THREADS,
	{ "quiet", OPT_QUIET, NULL, NULL, "no summary on standard error" },
	CMD_OPT_HELP,
	CMD_OPT_END
};

const cmd_spec cmd_split_spec = {
	"split",
	"[options] --train P MSA",
	"Split an alignment into a training set drawn by weight and a test set (the rest).",
	"P kept sequences are drawn without replacement, each next one with probability\n"
	"proportional to its weight among those left (weights as plmem weights computes them,\n"
	"with the same options); a sequence of weight 0 is never drawn, so P may not exceed\n"
	"the sequences of non-zero weight.  With --focus, the focus sequence is always in the\n"
	"training set (it counts in P), so that fit --focus reads it.  The test set is every\n"
	"other input sequence, those the filters dropped included.  Both files keep the input's\n"
	"records byte for byte (names, order, format, inserts); gzip input is written plain.\n"
	"Sets drawn with the same seed are nested: the first P of a larger draw.",
	opts
};

int cmd_split_main(int argc, char **argv)
{
	const cmd_spec *spec = &cmd_split_spec;
	cmd_input in;
	cmd_input_default(&in);
	const char *train = NULL, *prefix = NULL;
	unsigned long long seed = DEF_SEED;
	int threads = 0, quiet = 0;

	cmd_parser p;
	cmd_parser_init(&p, spec);
	int c, r;
	while ((c = cmd_next(&p, argc, argv)) != -1) {
		switch (c) {
		case OPT_TRAIN: train = optarg; break;
		case OPT_SEED:
			if (cmd_parse_u64(spec, "seed", optarg, &seed))
				return CMD_EXIT_USAGE;
			break;
		case 'o': prefix = optarg; break;
		case OPT_QUIET: quiet = 1; break;
		default:
			if ((r = cmd_input_option(spec, c, optarg, &in, &threads)) != CMD_NEXT)
				return r;
		}
	}
	char **arg = cmd_operands(spec, argc, argv, 1, "the alignment file MSA");
	if (arg == NULL)
		return CMD_EXIT_USAGE;
	const char *path = arg[0];
	if (train == NULL)
		return cmd_usage_error(spec, "--train P is required");
	if (strcmp(path, "-") == 0)
		return cmd_usage_error(spec, "MSA must be a file (split reads it twice)");
	size_t P;
	if (split_parse_size(train, 1, &P) != 0)
		return cmd_usage_error(spec, "--train: '%s' is neither a count >= 1 nor a fraction in (0, 1)", train);
	if (cmd_parse_only)
		return CMD_EXIT_OK;
	plm_set_threads(threads);

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
	split_parse_size(train, m->n, &P);
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
