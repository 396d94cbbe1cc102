/* cmd_contacts: `plmem contacts MODEL`: options, output formats (ranked list, L x L matrix,
 * CASP RR) and messages.  Glue only: the contacts module computes the scores. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "colmap.h"
#include "contacts.h"
#include "model.h"
#include "util.h"
#include "weights.h"

enum { OPT_MIN_SEP = CMD_LONG + 1, OPT_TOP, OPT_RAW, OPT_INCLUDE_GAP, OPT_GAUGE, OPT_APC };

#define DEF_MIN_SEP 6
#define DEF_TOP 0
#define DEF_FORMAT list
#define DEF_OUTPUT "-"
#define DEF_GAUGE zero-sum
#define DEF_APC pairs

static const cmd_opt opts[] = {
	{ "min-sep", OPT_MIN_SEP, "K", PLM_STR(DEF_MIN_SEP),
	  "list/rr: only pairs with |i - j| >= K in the user's numbering" },
	{ "top", OPT_TOP, "N", PLM_STR(DEF_TOP), "list/rr: print the N best pairs (0: all; refused with -f matrix)" },
	{ "format", 'f', "FMT", PLM_STR(DEF_FORMAT), "list (i j score), matrix (L x L) or rr (CASP RR)" },
	{ "raw", OPT_RAW, NULL, NULL, "scores before the average product correction (--apc none)" },
	{ "apc", OPT_APC, "MODE", PLM_STR(DEF_APC),
	  "pairs (means over j != i, as plmc), ccmpred (CCMpred's: diagonal in the means, least score 0) or none" },
	{ "gauge", OPT_GAUGE, "G", PLM_STR(DEF_GAUGE),
	  "score blocks in the zero-sum gauge, as stored (plmc's -c) or less their mean (CCMpred)" },
	{ "include-gap", OPT_INCLUDE_GAP, NULL, NULL, "include the gap state in the Frobenius norm" },
	{ "output", 'o', "FILE", DEF_OUTPUT, "output file ('-': standard output)" },
	CMD_OPT_THREADS,
	CMD_OPT_HELP,
	CMD_OPT_END
};

const cmd_spec cmd_contacts_spec = {
	"contacts",
	"[options] MODEL",
	"Score residue pairs for contact prediction (Frobenius norm with APC).",
	"Score of i, j: the couplings averaged over the two directions, (J_ij + J_ji^T)/2, moved\n"
	"to the zero-sum gauge (double-centred over all q states), Frobenius norm over every state\n"
	"but the gap, then APC: F_ij - F_i. F_.j / F_.. (means over j != i).\n"
	"list: a header line 'i j score res_i res_j', then one pair per line, best first, i < j\n"
	"in the user's numbering (focus residue numbers, else 1-based alignment columns); res_i\n"
	"res_j are the reference sequence's letters, NA when the model has none.  matrix: L lines\n"
	"of L scores in model-position order (like CCMpred's .mat), --min-sep does not apply and\n"
	"--top is refused; with -o FILE the map from its rows to the alignment's columns is\n"
	"written to FILE.map (row position column residue ref).  A model fitted on fewer\n"
	"effective sequences than positions (M_eff < L) gets a caution on standard error.\n"
	"Other tools' scores on their imported models (plmem import): plmc's -c scores are\n"
	"--gauge stored --include-gap; CCMpred's matrix is --gauge mean --apc ccmpred.",
	opts
};

enum fmt { FMT_LIST, FMT_MATRIX, FMT_RR };
enum apc { APC_PAIRS, APC_CCMPRED, APC_NONE };

static int parse_apc(const char *s, enum apc *a)
{
	if (strcmp(s, "pairs") == 0)
		*a = APC_PAIRS;
	else if (strcmp(s, "ccmpred") == 0)
		*a = APC_CCMPRED;
	else if (strcmp(s, "none") == 0)
		*a = APC_NONE;
	else
		return -1;
	return 0;
}

static const char *gauge_text(contacts_gauge g)
{
	return g == CONTACTS_ZERO_SUM ? "zero-sum gauge" : g == CONTACTS_STORED ? "couplings as stored" : "block mean removed";
}

static int parse_format(const char *s, enum fmt *f)
{
	if (strcmp(s, "list") == 0)
		*f = FMT_LIST;
	else if (strcmp(s, "matrix") == 0)
		*f = FMT_MATRIX;
	else if (strcmp(s, "rr") == 0)
		*f = FMT_RR;
	else
		return -1;
	return 0;
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static void write_pairs(FILE *fp, const plm_model *m, const contacts_pair *p, size_t n, enum fmt f)
{
	for (size_t k = 0; k < n; k++) {
		long ui = model_user_index(m, p[k].i), uj = model_user_index(m, p[k].j);
		if (ui > uj) { /* a focus numbered backwards: keep i < j */
			long t = ui;
			ui = uj;
			uj = t;
		}
		if (f == FMT_RR) {
			fprintf(fp, "%ld %ld 0 8 %.6f\n", ui, uj, p[k].score);
			continue;
		}
		fprintf(fp, "%ld %ld %.6f", ui, uj, p[k].score);
		if (m->refseq != NULL) {
			size_t a = p[k].i, b = p[k].j;
			if (model_user_index(m, a) > model_user_index(m, b)) {
				size_t t = a;
				a = b;
				b = t;
			}
			fprintf(fp, " %c %c", m->refseq[a], m->refseq[b]);
		} else {
			fputs(" NA NA", fp); /* the same columns whatever the model knows */
		}
		fputc('\n', fp);
	}
}

static void write_rr_header(FILE *fp, const plm_model *m, const char *path, enum apc apc, contacts_gauge g,
                            int gap)
{
	fprintf(fp, "PFRMAT RR\n");
	fprintf(fp, "TARGET %s\n", m->focus ? m->focus : base_name(path));
	fprintf(fp, "REMARK plmem contacts: %s Frobenius norm (%s), %s, model %s\n",
	        apc == APC_NONE ? "raw" : apc == APC_CCMPRED ? "APC-corrected (CCMpred's)" : "APC-corrected",
	        gap || m->abc.gap < 0 ? "every state" : "gap excluded", gauge_text(g), path);
	fprintf(fp, "REMARK the last column is that score, not a probability\n");
	fprintf(fp, "MODEL 1\n");
	if (m->refseq != NULL)
		for (size_t k = 0; k < m->L; k += 50)
			fprintf(fp, "%.*s\n", (int)(m->L - k < 50 ? m->L - k : 50), m->refseq + k);
}

int cmd_contacts_main(int argc, char **argv)
{
	const cmd_spec *spec = &cmd_contacts_spec;
	long min_sep = DEF_MIN_SEP;
	size_t top = DEF_TOP;
	enum fmt f;
	parse_format(PLM_STR(DEF_FORMAT), &f);
	int gap = 0, threads = 0;
	enum apc apc;
	parse_apc(PLM_STR(DEF_APC), &apc);
	contacts_gauge gauge;
	contacts_parse_gauge(PLM_STR(DEF_GAUGE), &gauge);
	const char *output = DEF_OUTPUT;
	cmd_parser p;
	cmd_parser_init(&p, spec);
	int c, r;
	while ((c = cmd_next(&p, argc, argv)) != -1) {
		switch (c) {
		case OPT_MIN_SEP:
			if (cmd_parse_long(spec, "min-sep", optarg, 0, 1000000000L, &min_sep))
				return CMD_EXIT_USAGE;
			break;
		case OPT_TOP:
			if (cmd_parse_size(spec, "top", optarg, 0, SIZE_MAX, &top))
				return CMD_EXIT_USAGE;
			break;
		case 'f':
			if (parse_format(optarg, &f) != 0)
				return cmd_usage_error(spec, "--format: '%s' is not list, matrix or rr", optarg);
			break;
		case OPT_RAW:
			apc = APC_NONE;
			break;
		case OPT_APC:
			if (parse_apc(optarg, &apc) != 0)
				return cmd_usage_error(spec, "--apc: '%s' is not pairs, ccmpred or none", optarg);
			break;
		case OPT_GAUGE:
			if (contacts_parse_gauge(optarg, &gauge) != 0)
				return cmd_usage_error(spec, "--gauge: '%s' is not zero-sum, stored or mean", optarg);
			break;
		case OPT_INCLUDE_GAP:
			gap = 1;
			break;
		case 'o':
			output = optarg;
			break;
		default:
			if ((r = cmd_common_option(spec, c, optarg, &threads)) != CMD_NEXT)
				return r;
		}
	}
	char **arg = cmd_operands(spec, argc, argv, 1, "the model file MODEL");
	if (arg == NULL)
		return CMD_EXIT_USAGE;
	const char *path = arg[0];
	if (cmd_parse_only)
		return CMD_EXIT_OK;
	plm_set_threads(threads);
	if (f == FMT_MATRIX && top > 0)
		return cmd_usage_error(spec, "--top applies to the list and rr formats; -f matrix writes every pair");
	plm_model *m = cmd_load_model(spec, path);
	if (m == NULL)
		return CMD_EXIT_FAIL;
	char caution[256];
	if (m->meff > 0 && weights_low_depth(m->meff, m->L, caution, sizeof caution))
		fprintf(stderr, "plmem contacts: %s: %s\n", path, caution);
	plm_err err;
	double *F = NULL;
	contacts_pair *pairs = NULL;
	size_t n = 0;
	int rc = PLM_OK;
	if (m->L < 2)
		rc = plm_fail(&err, PLM_EINVAL, "%s: a model of %zu position has no pairs", path, m->L);
	if (rc == PLM_OK) {
		F = plm_calloc(m->L * m->L, sizeof *F, "contact scores", &err);
		rc = F ? contacts_frobenius(m, gap, gauge, F, &err) : PLM_ENOMEM;
	}
	if (rc == PLM_OK && apc == APC_PAIRS)
		rc = contacts_apc(F, m->L, &err);
	else if (rc == PLM_OK && apc == APC_CCMPRED)
		rc = contacts_apc_ccmpred(F, m->L, &err);
	if (rc == PLM_OK && f != FMT_MATRIX)
		rc = contacts_rank(m, F, min_sep, &pairs, &n, &err);
	if (rc == PLM_OK) {
		if (top > 0 && top < n)
			n = top;
		plm_outfile o;
		rc = outfile_open(&o, output, &err);
		if (rc == PLM_OK) {
			if (f == FMT_MATRIX) {
				for (size_t i = 0; i < m->L; i++)
					for (size_t j = 0; j < m->L; j++)
						fprintf(o.fp, "%.6f%c", F[i * m->L + j], j + 1 < m->L ? '\t' : '\n');
			} else {
				if (f == FMT_RR)
					write_rr_header(o.fp, m, path, apc, gauge, gap);
				else
					fputs(CONTACTS_LIST_HEADER "\n", o.fp);
				write_pairs(o.fp, m, pairs, n, f);
				if (f == FMT_RR)
					fprintf(o.fp, "END\n");
			}
			rc = outfile_commit(&o, &err);
		}
		char map[4096];
		if (rc == PLM_OK && f == FMT_MATRIX && strcmp(output, "-") != 0) {
			if (colmap_path(output, map, sizeof map) != 0)
				rc = plm_fail(&err, PLM_EINVAL, "%s: name too long for its .map", output);
			else
				rc = colmap_write(m, map, &err);
		}
	}
	free(pairs);
	free(F);
	model_destroy(m);
	return cmd_status(spec, rc, &err);
}
