/* cmd_contacts: `plmem contacts MODEL`: options, output formats (ranked list, L x L matrix,
 * CASP RR) and messages.  Glue only: the contacts module computes the scores. */
#include "config.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calib.h"
#include "ceval.h"
#include "cmap.h"
#include "plot.h"
#include "cmd.h"
#include "colmap.h"
#include "contacts.h"
#include "model.h"
#include "util.h"
#include "weights.h"

#define DEF_MIN_SEP 6
#define DEF_TOP 0
#define DEF_FORMAT list
#define DEF_OUTPUT "-"
#define DEF_GAUGE zero-sum
#define DEF_APC pairs
#define DEF_CONTACT_DEF cb
#define DEF_CUTOFF 8
#define DEF_MIN_PROB 0

enum fmt { FMT_LIST, FMT_MATRIX, FMT_RR };
enum apc { APC_PAIRS, APC_CCMPRED, APC_NONE };
static const char *const formats[] = { "list", "matrix", "rr", NULL }; /* enum fmt's order */
static const char *const apcs[] = { "pairs", "ccmpred", "none", NULL };  /* enum apc's order */

/* What to compare with: a structure or a list of true pairs. */
typedef struct truth {
	const char *pdb, *chain, *pairs;
	ceval_def def;
	double cutoff;
} truth;

typedef struct contacts_args {
	cmd_common com;
	int min_sep, format, apc, gap, segments;
	size_t top;
	double min_prob;
	contacts_gauge gauge;
	truth t;
	const char *png, *output;
} contacts_args;

static int call_gauge(const char *arg, void *field, char *msg, size_t len)
{
	if (contacts_parse_gauge(arg, field) == 0)
		return 0;
	snprintf(msg, len, "'%s' is not zero-sum, stored or mean", arg);
	return -1;
}

static int call_def(const char *arg, void *field, char *msg, size_t len)
{
	if (ceval_parse_def(arg, field) == 0)
		return 0;
	snprintf(msg, len, "'%s' is not cb, ca or heavy", arg);
	return -1;
}

#define OFF(f) offsetof(contacts_args, f)
static const cmd_row rows[] = {
	{ "min-sep", 0, CMD_INT, "K", PLM_STR(DEF_MIN_SEP), OFF(min_sep),
	  "list/rr: only pairs with |i - j| >= K in the user's numbering", .lo = 0, .hi = 1e9 },
	{ "top", 0, CMD_SIZE, "N", PLM_STR(DEF_TOP), OFF(top), "list/rr: print the N best pairs (0: all; refused with -f matrix)" },
	{ "format", 'f', CMD_CHOICE, "FMT", PLM_STR(DEF_FORMAT), OFF(format), "list (i j score), matrix (L x L) or rr (CASP RR)",
	  .choices = formats },
	{ "raw", 0, CMD_FLAG, NULL, NULL, OFF(apc), "scores before the average product correction (--apc none)", .ival = APC_NONE },
	{ "apc", 0, CMD_CHOICE, "MODE", PLM_STR(DEF_APC), OFF(apc),
	  "pairs (means over j != i, as plmc), ccmpred (CCMpred's: diagonal in the means, least score 0) or none",
	  .choices = apcs },
	{ "gauge", 0, CMD_CALL, "G", PLM_STR(DEF_GAUGE), OFF(gauge),
	  "score blocks in the zero-sum gauge, as stored (plmc's -c) or less their mean (CCMpred)", .call = call_gauge },
	{ "include-gap", 0, CMD_FLAG, NULL, NULL, OFF(gap), "include the gap state in the Frobenius norm" },
	{ "min-probability", 0, CMD_DOUBLE, "P", PLM_STR(DEF_MIN_PROB), OFF(min_prob), "list/rr: only pairs with probability >= P",
	  .lo = 0, .hi = 1 },
	{ "pdb", 0, CMD_STRING, "FILE", NULL, OFF(t.pdb), "compare with a structure (PDB or mmCIF, gzip too): precision, distances" },
	{ "chain", 0, CMD_STRING, "C", "the first", OFF(t.chain),
	  "the chain of --pdb; with --segments, A,B: protein 1 on chain A, protein 2 on chain B" },
	{ "contacts", 0, CMD_STRING, "FILE", NULL, OFF(t.pairs), "compare with true pairs 'i j' or 'i j distance' (user numbering)" },
	{ "contact-def", 0, CMD_CALL, "DEF", PLM_STR(DEF_CONTACT_DEF), OFF(t.def),
	  "distance between cb (CA for Gly), ca or heavy atoms", .call = call_def },
	{ "cutoff", 0, CMD_DOUBLE, "D", PLM_STR(DEF_CUTOFF), OFF(t.cutoff), "a contact is a distance below D angstrom",
	  .lo = 1e-9, .hi = 1e9 },
	{ "png", 0, CMD_STRING, "FILE", NULL, OFF(png),
	  "list/rr: draw the contact map (gnuplot; the script FILE without .png + .gp is kept)" },
	{ "segments", 0, CMD_INT, "B", NULL, OFF(segments),
	  "two proteins, the second from position B: rank their inter-protein pairs (APC within that block)",
	  .lo = 1, .hi = 1e9 },
	{ "output", 'o', CMD_STRING, "FILE", DEF_OUTPUT, OFF(output), "output file ('-': standard output)" },
	CMD_ROW_END
};
#undef OFF

static const cmd_group groups[] = { CMD_OWN(rows), CMD_GROUP_END };

const cmd_spec cmd_contacts_spec = {
	.name = "contacts",
	.synopsis = "[options] MODEL",
	.summary = "Score residue pairs for contact prediction (Frobenius norm with APC).",
	.details =
	"Score of i, j: the couplings averaged over the two directions, (J_ij + J_ji^T)/2, moved\n"
	"to the zero-sum gauge (double-centred over all q states), Frobenius norm over every state\n"
	"but the gap, then APC: F_ij - F_i. F_.j / F_.. (means over j != i).\n"
	"list: a header line 'i j score res_i res_j probability distance', then one pair per\n"
	"line, best first, i < j in the user's numbering (focus residue numbers, else 1-based\n"
	"alignment columns); res_i res_j are the reference sequence's letters, NA when the model\n"
	"has none; probability: of a contact, from the rank and M_eff / L; distance: with --pdb or\n"
	"--contacts, else NA.  matrix: L lines\n"
	"of L scores in model-position order (like CCMpred's .mat), --min-sep does not apply and\n"
	"--top is refused; with -o FILE the map from its rows to the alignment's columns is\n"
	"written to FILE.map (row position column residue ref).  A model fitted on fewer\n"
	"effective sequences than positions (M_eff < L) gets a caution on standard error.\n"
	"Other tools' scores on their imported models (plmem import): plmc's -c scores are\n"
	"--gauge stored --include-gap; CCMpred's matrix is --gauge mean --apc ccmpred.",
	.groups = groups,
	.common = offsetof(contacts_args, com),
	.nops = 1,
	.operands = "the model file MODEL",
};

static const char *gauge_text(contacts_gauge g)
{
	return g == CONTACTS_ZERO_SUM ? "zero-sum gauge" : g == CONTACTS_STORED ? "couplings as stored" : "block mean removed";
}

static const char *base_name(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

/* The settings of a listing. */
typedef struct listing {
	long min_sep;
	size_t top;
	double min_prob;
	enum fmt f;
	long segments; /* the second protein's first position, 0: one protein */
	const char *png; /* the contact map, or NULL */
} listing;

/* The ranked pairs P (every pair, best first) that pass LS's filters, with their probability
 * PROB and, when D is not NULL, their distance. */
static void write_pairs(FILE *fp, const plm_model *m, const contacts_pair *p, size_t n, const double *prob,
                        const double *D, const listing *ls)
{
	size_t shown = 0;
	for (size_t k = 0; k < n && (ls->top == 0 || shown < ls->top); k++) {
		long ui = model_user_index(m, p[k].i), uj = model_user_index(m, p[k].j);
		if ((!ls->segments && labs(uj - ui) < ls->min_sep) || prob[k] < ls->min_prob)
			continue;
		shown++;
		size_t a = p[k].i, b = p[k].j;
		if (ui > uj) { /* a focus numbered backwards: keep i < j */
			long t = ui;
			ui = uj;
			uj = t;
			a = p[k].j;
			b = p[k].i;
		}
		if (ls->f == FMT_RR) {
			fprintf(fp, "%ld %ld 0 8 %.4f\n", ui, uj, prob[k]);
			continue;
		}
		fprintf(fp, "%ld %ld %.6f", ui, uj, p[k].score);
		if (m->refseq != NULL)
			fprintf(fp, " %c %c", m->refseq[a], m->refseq[b]);
		else
			fputs(" NA NA", fp); /* the same columns whatever the model knows */
		if (isnan(prob[k]))
			fprintf(fp, " NA");
		else
			fprintf(fp, " %.4f", prob[k]);
		double d = D ? D[a * m->L + b] : NAN; /* always a column: NA without --pdb/--contacts */
		if (isnan(d))
			fprintf(fp, " NA");
		else
			fprintf(fp, " %.2f", d);
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
	fprintf(fp, "REMARK the last column is the probability of a contact (plmem-contacts(1), Probabilities)\n");
	fprintf(fp, "MODEL 1\n");
	if (m->refseq != NULL)
		for (size_t k = 0; k < m->L; k += 50)
			fprintf(fp, "%.*s\n", (int)(m->L - k < 50 ? m->L - k : 50), m->refseq + k);
}


/* LEAD: "" for one protein, "protein 1 (positions 1-30): " for one of two. */
static void report_structure(const cmd_spec *spec, const truth *t, const ceval_info *in, const char *lead)
{
	const pdb_counts *c = &in->counts;
	fprintf(stderr, "plmem %s: %s%s chain %s: %zu residues; %zu of %zu reference residues aligned (coverage %.3f), "
	        "identity %.3f\n", spec->name, lead, t->pdb, in->chain, in->nres, in->st.aligned, in->st.query_letters,
	        in->st.coverage, in->st.identity);
	size_t k[5] = { c->het_kept, c->altloc_skipped, c->het_skipped, c->models_skipped, c->hydrogens };
	const char *what[5] = { "HETATM residues read as amino acids (MSE as M...)",
	                        "atoms of second alternate locations skipped", "other HETATM residues skipped",
	                        "further models skipped", "hydrogens skipped" };
	int any = 0;
	for (int e = 0; e < 5; e++)
		if (k[e]) {
			if (!any)
				fprintf(stderr, "plmem %s: %s:", spec->name, t->pdb);
			fprintf(stderr, "%s %zu %s", any ? "," : "", k[e], what[e]);
			any = 1;
		}
	if (any)
		fputc('\n', stderr);
}

static void report_precision(const cmd_spec *spec, const truth *t, const ceval_table *tab, const double *D,
                             size_t L)
{
	size_t known = 0, total = 0;
	for (size_t i = 0; i < L; i++)
		for (size_t j = i + 1; j < L; j++)
			total++, known += !isnan(D[i * L + j]);
	fprintf(stderr, "plmem %s: contact: %s distance < %g A; L = %zu; %zu of %zu pairs with a known distance\n",
	        spec->name, t->pairs ? "listed" : ceval_def_name(t->def), t->cutoff, L, known, total);
	for (int r = 0; r < CEVAL_NRANGE; r++) {
		fprintf(stderr, "plmem %s: precision %s:", spec->name, ceval_range_name(r));
		for (int f = 0; f < CEVAL_NFRAC; f++) {
			char frac[16];
			snprintf(frac, sizeof frac, ceval_frac_div[f] == 1 ? "L" : "L/%zu", ceval_frac_div[f]);
			if (tab->n[r][f])
				fprintf(stderr, " %s %.3f", frac, tab->precision[r][f]);
			else
				fprintf(stderr, " %s NA", frac);
		}
		fputc('\n', stderr);
	}
}

/* --chain A,B: the two chains, split at the comma into BUF; 1 for two chains, 0 for one. */
static int two_chains(const char *chain, char *buf, size_t len, const char *ch[2])
{
	const char *comma = chain ? strchr(chain, ',') : NULL;
	if (comma == NULL)
		return 0;
	snprintf(buf, len, "%s", chain);
	buf[comma - chain] = '\0';
	ch[0] = buf;
	ch[1] = buf + (comma - chain) + 1;
	return 1;
}

/* D from chain A (positions below NA) and chain B of --pdb, with the summary of both. */
static int evaluate_two(const cmd_spec *spec, const truth *t, const plm_model *m, const char *const ch[2], size_t na,
                        double *D, plm_err *err)
{
	ceval_info info[2];
	int rc = ceval_structure2(t->pdb, ch, m->refseq, m->L, na, t->def, D, info, err);
	for (int k = 0; k < 2 && rc == PLM_OK; k++) {
		char lead[96];
		snprintf(lead, sizeof lead, "protein %d (positions %ld-%ld): ", k + 1, model_user_index(m, k ? na : 0),
		         model_user_index(m, k ? m->L - 1 : na - 1));
		report_structure(spec, t, &info[k], lead);
	}
	return rc;
}

/* The inter-protein pairs' distances known and contacts, and the precision line. */
static void report_inter(const cmd_spec *spec, const truth *t, const plm_model *m, const contacts_pair *p,
                         size_t n, size_t na, const double *D)
{
	size_t L = m->L, known = 0, close = 0;
	for (size_t i = 0; i < na; i++)
		for (size_t j = na; j < L; j++)
			if (!isnan(D[i * L + j]))
				known++, close += D[i * L + j] < t->cutoff;
	fprintf(stderr, "plmem %s: contact: %s distance < %g A; inter-protein: %zu x %zu pairs, %zu with a known "
	        "distance, %zu of them contacts\n", spec->name, t->pairs ? "listed" : ceval_def_name(t->def), t->cutoff,
	        na, L - na, known, close);
	if (known == 0 && t->pdb)
		fprintf(stderr, "plmem %s: no inter-protein pair has a distance: is protein 2 on another chain? "
		        "(--chain A,B: protein 1 on chain A, protein 2 on chain B)\n", spec->name);
	size_t top[5] = { 1, 5, 10, L / 10 ? L / 10 : 1, L / 5 ? L / 5 : 1 }, got[5], ok[5];
	const char *name[5] = { "top 1", "top 5", "top 10", "L/10", "L/5" };
	ceval_precision_top(p, n, L, D, t->cutoff, top, 5, got, ok);
	fprintf(stderr, "plmem %s: precision inter-protein:", spec->name);
	for (int k = 0; k < 5; k++)
		if (got[k])
			fprintf(stderr, " %s %.3f", name[k], (double)ok[k] / (double)got[k]);
		else
			fprintf(stderr, " %s NA", name[k]);
	fputc('\n', stderr);
}

/* D (L x L) from T for model M, with its summary and the precision of the ranked pairs P
 * (the inter-protein pairs when NA, the first protein's positions, is not 0). */
static int evaluate(const cmd_spec *spec, const truth *t, const plm_model *m, const long *user,
                    const contacts_pair *p, size_t n, size_t na, double *D, plm_err *err)
{
	int rc;
	char cbuf[256];
	const char *ch[2];
	if (t->pdb && two_chains(t->chain, cbuf, sizeof cbuf, ch)) {
		if (m->refseq == NULL)
			return plm_fail(err, PLM_EINVAL, "the model has no reference sequence to align to %s", t->pdb);
		rc = evaluate_two(spec, t, m, ch, na, D, err);
	} else if (t->pairs) {
		size_t skipped;
		rc = ceval_read_pairs(t->pairs, user, m->L, D, &skipped, err);
		if (rc == PLM_OK && skipped)
			fprintf(stderr, "plmem %s: %s: %zu pairs name no model position (or i = j): skipped\n", spec->name,
			        t->pairs, skipped);
	} else {
		if (m->refseq == NULL)
			return plm_fail(err, PLM_EINVAL, "the model has no reference sequence to align to %s (a model "
			                "imported without one; fit it with plmem fit)", t->pdb);
		ceval_info info;
		rc = ceval_structure(t->pdb, t->chain, m->refseq, m->L, t->def, D, &info, err);
		if (rc == PLM_OK)
			report_structure(spec, t, &info, "");
	}
	if (rc != PLM_OK)
		return rc;
	if (na) { /* the inter-protein pairs: no separation ranges */
		report_inter(spec, t, m, p, n, na, D);
		return PLM_OK;
	}
	ceval_table tab;
	ceval_precision(p, n, user, m->L, D, t->cutoff, &tab);
	report_precision(spec, t, &tab, D, m->L);
	return PLM_OK;
}

/* --png: the listed pairs (at most L) over the observed contacts, through a gnuplot script. */
static int draw_map(const cmd_spec *spec, const plm_model *m, const contacts_pair *p, size_t n, const double *prob,
                    const double *D, const long *user, const truth *t, const listing *ls, plm_err *err)
{
	size_t cap = ls->top && ls->top < m->L ? ls->top : m->L, k = 0;
	contacts_pair *sel = plm_calloc(cap ? cap : 1, sizeof *sel, "map pairs", err);
	char *script = plot_script_name(ls->png);
	int rc = sel && script ? PLM_OK : plm_fail(err, PLM_ENOMEM, "out of memory");
	for (size_t r = 0; rc == PLM_OK && r < n && k < cap; r++) {
		long sep = labs(user[p[r].j] - user[p[r].i]);
		if ((!ls->segments && sep < ls->min_sep) || prob[r] < ls->min_prob)
			continue;
		sel[k++] = p[r];
	}
	char title[256];
	snprintf(title, sizeof title, "%s: the %zu best pairs", m->focus ? m->focus : "contacts", k);
	cmap_spec cs = { ls->png, title, m->L, user, D, t->cutoff, t->pairs ? "listed" : ceval_def_name(t->def) };
	if (rc == PLM_OK)
		rc = cmap_write_gnuplot(script, &cs, sel, k, err);
	if (rc == PLM_OK) {
		char msg[1024];
		plot_describe(plot_run(script), ls->png, script, msg, sizeof msg);
		fprintf(stderr, "plmem %s: %s\n", spec->name, msg);
	}
	free(sel);
	free(script);
	return rc;
}

/* Scores, ranking, probabilities, the comparison asked for, and the output. */
static int run(const cmd_spec *spec, const plm_model *m, const char *path, const char *output, const listing *ls,
               int gap, contacts_gauge gauge, enum apc apc, const truth *t, plm_err *err)
{
	size_t L = m->L, n = 0;
	double *F = NULL, *prob = NULL, *D = NULL;
	long *user = NULL;
	contacts_pair *pairs = NULL;
	int rc = PLM_OK;
	if (L < 2)
		return plm_fail(err, PLM_EINVAL, "%s: a model of %zu position has no pairs", path, L);
	F = plm_calloc(L * L, sizeof *F, "contact scores", err);
	rc = F ? contacts_frobenius(m, gap, gauge, F, err) : PLM_ENOMEM;
	size_t na = 0;
	if (rc == PLM_OK && ls->segments) { /* two proteins: APC within the inter-protein block */
		rc = contacts_segments(m, ls->segments, &na, err);
		if (rc == PLM_OK && apc != APC_NONE)
			rc = contacts_apc_block(F, L, 0, na, na, L, err);
	} else if (rc == PLM_OK && apc == APC_PAIRS)
		rc = contacts_apc(F, L, err);
	else if (rc == PLM_OK && apc == APC_CCMPRED)
		rc = contacts_apc_ccmpred(F, L, err);
	if (rc == PLM_OK && ls->f != FMT_MATRIX) {
		rc = contacts_rank(m, F, 0, &pairs, &n, err);
		user = rc == PLM_OK ? plm_calloc(L, sizeof *user, "positions", err) : NULL;
		prob = user ? plm_calloc(n ? n : 1, sizeof *prob, "probabilities", err) : NULL;
		rc = rc == PLM_OK && prob == NULL ? PLM_ENOMEM : rc;
	}
	if (rc == PLM_OK && prob) {
		for (size_t k = 0; k < L; k++)
			user[k] = model_user_index(m, k);
		if (na) { /* no calibration for inter-protein pairs: NA */
			contacts_keep_inter(pairs, &n, na);
			for (size_t k = 0; k < n; k++)
				prob[k] = NAN;
		} else {
			calib_ranked(&calib_default, pairs, n, user, L, m->meff, prob);
		}
	}
	if (rc == PLM_OK && prob && (t->pdb || t->pairs)) {
		D = plm_calloc(L * L, sizeof *D, "distances", err);
		rc = D ? evaluate(spec, t, m, user, pairs, n, na, D, err) : PLM_ENOMEM;
	}
	if (rc == PLM_OK) {
		plm_outfile o;
		rc = outfile_open(&o, output, err);
		if (rc == PLM_OK) {
			if (ls->f == FMT_MATRIX) {
				for (size_t i = 0; i < L; i++)
					for (size_t j = 0; j < L; j++)
						fprintf(o.fp, "%.6f%c", F[i * L + j], j + 1 < L ? '\t' : '\n');
			} else {
				if (ls->f == FMT_RR)
					write_rr_header(o.fp, m, path, apc, gauge, gap);
				else
					fputs(CONTACTS_LIST_HEADER "\n", o.fp);
				write_pairs(o.fp, m, pairs, n, prob, D, ls);
				if (ls->f == FMT_RR)
					fprintf(o.fp, "END\n");
			}
			rc = outfile_commit(&o, err);
		}
		char map[4096];
		if (rc == PLM_OK && ls->f == FMT_MATRIX && strcmp(output, "-") != 0) {
			if (colmap_path(output, map, sizeof map) != 0)
				rc = plm_fail(err, PLM_EINVAL, "%s: name too long for its .map", output);
			else
				rc = colmap_write(m, map, err);
		}
	}
	if (rc == PLM_OK && ls->png && prob)
		rc = draw_map(spec, m, pairs, n, prob, D, user, t, ls, err);
	free(pairs);
	free(prob);
	free(user);
	free(D);
	free(F);
	return rc;
}

int cmd_contacts_main(int argc, char **argv)
{
	const cmd_spec *spec = &cmd_contacts_spec;
	contacts_args a = { .min_sep = DEF_MIN_SEP, .top = DEF_TOP, .min_prob = DEF_MIN_PROB, .output = DEF_OUTPUT,
	                    .format = FMT_LIST, .apc = APC_PAIRS, .t = { NULL, NULL, NULL, CEVAL_CB, DEF_CUTOFF } };
	contacts_parse_gauge(PLM_STR(DEF_GAUGE), &a.gauge);
	ceval_parse_def(PLM_STR(DEF_CONTACT_DEF), &a.t.def);
	cmd_ops ops;
	int r = cmd_parse(spec, argc, argv, &a, &ops);
	if (r != CMD_PARSED)
		return r;
	listing ls = { a.min_sep, a.top, a.min_prob, (enum fmt)a.format, a.segments, a.png };
	const truth t = a.t;
	const char *output = a.output, *const *arg = ops.v;
	int gap = a.gap;
	enum apc apc = (enum apc)a.apc;
	contacts_gauge gauge = a.gauge;
	if (t.pdb && t.pairs)
		return cmd_usage_error(spec, "--pdb and --contacts: give one truth, not both");
	if (ls.segments && (ls.f != FMT_LIST || ls.min_prob > 0.0))
		return cmd_usage_error(spec, "--segments: the list format only, without --min-probability "
		                       "(inter-protein pairs have no probability)");
	if (t.chain && strchr(t.chain, ',') && (!ls.segments || strchr(t.chain, ',') != strrchr(t.chain, ',') ||
	                                        t.chain[0] == ',' || t.chain[strlen(t.chain) - 1] == ','))
		return cmd_usage_error(spec, "--chain %s: two chains are 'A,B', one per protein of --segments B", t.chain);
	if (t.chain && !t.pdb)
		return cmd_usage_error(spec, "--chain needs --pdb FILE");
	if (ls.png && ls.f == FMT_MATRIX)
		return cmd_usage_error(spec, "--png needs the list or rr format, not matrix");
	if ((t.pdb || t.pairs) && ls.f == FMT_MATRIX)
		return cmd_usage_error(spec, "--pdb and --contacts need the list or rr format, not matrix");
	const char *path = arg[0];
	if (cmd_parse_only)
		return CMD_EXIT_OK;
	plm_set_threads(a.com.threads);
	if (ls.f == FMT_MATRIX && ls.top > 0)
		return cmd_usage_error(spec, "--top applies to the list and rr formats; -f matrix writes every pair");
	plm_model *m = cmd_load_model(spec, path);
	if (m == NULL)
		return CMD_EXIT_FAIL;
	char caution[256];
	if (m->meff > 0 && weights_low_depth(m->meff, m->L, caution, sizeof caution))
		fprintf(stderr, "plmem contacts: %s: %s\n", path, caution);
	plm_err err;
	int rc = run(spec, m, path, output, &ls, gap, gauge, apc, &t, &err);
	model_destroy(m);
	return cmd_status(spec, rc, &err);
}
