/* calibrate.c: fits and checks the contact probabilities of src/calib (bench only, built with
 * `make bench/calibrate`).  Reads a manifest of fitted models and their truth, one per line:
 *     GROUP MODEL.plm TRUTH.contacts
 * (GROUP: the protein; TRUTH: 'i j distance ...' lines, positions in the model's numbering).
 * For every pair at separation >= 6 with a known distance: the features of calib.h and the
 * label (CB distance < 8 A).  Each model weighs the same (1,000 in all).  Prints
 *   - the leave-one-group-out reliability table: every group's pairs get probabilities from
 *     coefficients fitted on the other groups only (a protein is never its own training);
 *   - the same per model: pairs given p >= 0.5 and >= 0.9, and the fraction of them in contact;
 *   - the coefficients fitted on all groups, as the C initialiser of calib_default.
 * Usage: calibrate MANIFEST [RIDGE] */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calib.h"
#include "ceval.h"
#include "contacts.h"
#include "model.h"

typedef struct sample {
	int group, model;
	double f[CALIB_NFEAT];
	unsigned char y;
	double w, p;
} sample;

static sample *S;
static size_t ns, cap;
static char groups[64][256], names[256][1024];
static double meffs[256], Ls[256];
static int ngroup, nmodel;

static void die(const char *what, const plm_err *e)
{
	fprintf(stderr, "calibrate: %s: %s\n", what, e->msg);
	exit(1);
}

static int group_id(const char *g)
{
	for (int k = 0; k < ngroup; k++)
		if (strcmp(groups[k], g) == 0)
			return k;
	snprintf(groups[ngroup], sizeof groups[0], "%s", g);
	return ngroup++;
}

static void add_model(const char *group, const char *path, const char *truth)
{
	plm_model *m;
	plm_err e;
	if (model_read(path, &m, &e) != PLM_OK)
		die(path, &e);
	size_t L = m->L, n;
	double *F = calloc(L * L, sizeof *F), *D = calloc(L * L, sizeof *D);
	long *user = malloc(L * sizeof *user);
	contacts_pair *p;
	for (size_t k = 0; k < L; k++)
		user[k] = model_user_index(m, k);
	if (contacts_frobenius(m, 0, CONTACTS_ZERO_SUM, F, &e) || contacts_apc(F, L, &e) ||
	    contacts_rank(m, F, 6, &p, &n, &e))
		die(path, &e);
	size_t skipped;
	if (ceval_read_pairs(truth, user, L, D, &skipped, &e) != PLM_OK)
		die(truth, &e);
	size_t first = ns;
	int g = group_id(group), id = nmodel++;
	snprintf(names[id], sizeof names[0], "%s", path);
	meffs[id] = m->meff;
	Ls[id] = (double)L;
	for (size_t k = 0; k < n; k++) {
		double d = D[p[k].i * L + p[k].j];
		if (isnan(d))
			continue;
		if (ns == cap) {
			cap = cap ? 2 * cap : 65536;
			S = realloc(S, cap * sizeof *S);
		}
		sample *x = &S[ns++];
		x->group = g;
		x->model = id;
		calib_features(k + 1, m->meff, L, x->f);
		x->y = d < 8.0;
	}
	for (size_t k = first; k < ns; k++)
		S[k].w = 1000.0 / (double)(ns - first);
	free(p);
	free(F);
	free(D);
	free(user);
	model_destroy(m);
}

/* Fit on the samples whose group is not HOLD (HOLD < 0: all). */
static calib_model fit_without(int hold, double ridge)
{
	size_t n = 0;
	double *X = malloc(ns * CALIB_NFEAT * sizeof *X), *w = malloc(ns * sizeof *w);
	unsigned char *y = malloc(ns);
	for (size_t k = 0; k < ns; k++) {
		if (S[k].group == hold)
			continue;
		memcpy(X + n * CALIB_NFEAT, S[k].f, sizeof S[k].f);
		y[n] = S[k].y;
		w[n++] = S[k].w;
	}
	calib_model c;
	plm_err e;
	if (calib_fit(X, y, w, n, ridge, &c, &e) != PLM_OK)
		die("fit", &e);
	free(X);
	free(w);
	free(y);
	return c;
}

/* Does sample K belong to the set WHICH: -1 all, -2 subsets, -3 full alignments, else that model. */
static int in_set(size_t k, int which)
{
	int sub = strstr(names[S[k].model], "sub_") != NULL;
	return which == -1 || (which == -2 && sub) || (which == -3 && !sub) || S[k].model == which;
}

static void reliability(const char *title, int which)
{
	static const double edge[] = { 0.0, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0000001 };
	printf("\n%s\n\n| p bin | pairs | mean p | fraction in contact |\n|---|---|---|---|\n", title);
	for (int b = 0; b < 6; b++) {
		size_t n = 0, c = 0;
		double sp = 0.0;
		for (size_t k = 0; k < ns; k++)
			if (in_set(k, which) && S[k].p >= edge[b] && S[k].p < edge[b + 1]) {
				n++;
				c += S[k].y;
				sp += S[k].p;
			}
		printf("| %.1f-%.1f | %zu | ", edge[b], b == 5 ? 1.0 : edge[b + 1], n);
		if (n)
			printf("%.3f | %.3f |\n", sp / (double)n, (double)c / (double)n);
		else
			printf("- | - |\n");
	}
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: calibrate MANIFEST [RIDGE]\n");
		return 2;
	}
	double ridge = argc > 2 ? atof(argv[2]) : 1.0;
	FILE *fp = fopen(argv[1], "r");
	char g[256], mp[1024], tp[1024];
	while (fp && fscanf(fp, "%255s %1023s %1023s", g, mp, tp) == 3)
		add_model(g, mp, tp);
	if (fp)
		fclose(fp);
	for (int h = 0; h < ngroup; h++) {
		calib_model c = fit_without(h, ridge);
		for (size_t k = 0; k < ns; k++)
			if (S[k].group == h)
				S[k].p = calib_prob(&c, S[k].f);
	}
	printf("leave-one-protein-out: %zu pairs, %d models, %d proteins\n", ns, nmodel, ngroup);
	reliability("all models", -1);
	reliability("full alignments", -3);
	reliability("subsets (every 10th / 40th sequence)", -2);
	printf("\n| model | M_eff | L | M_eff/L | pairs p >= 0.5 | contacts | pairs p >= 0.9 | contacts |\n"
	       "|---|---|---|---|---|---|---|---|\n");
	for (int m = 0; m < nmodel; m++) {
		size_t n5 = 0, c5 = 0, n9 = 0, c9 = 0;
		for (size_t k = 0; k < ns; k++)
			if (S[k].model == m) {
				if (S[k].p >= 0.5)
					n5++, c5 += S[k].y;
				if (S[k].p >= 0.9)
					n9++, c9 += S[k].y;
			}
		const char *b = strrchr(names[m], '/');
		printf("| %s | %.0f | %.0f | %.2f | %zu | %.2f | %zu | %.2f |\n", b ? b + 1 : names[m], meffs[m], Ls[m],
		       meffs[m] / Ls[m], n5, n5 ? (double)c5 / (double)n5 : NAN, n9, n9 ? (double)c9 / (double)n9 : NAN);
	}
	calib_model c = fit_without(-1, ridge);
	printf("\nall proteins: const calib_model calib_default = { {");
	for (int k = 0; k < CALIB_NFEAT; k++)
		printf(" %.4f%s", c.beta[k], k + 1 < CALIB_NFEAT ? "," : " } };\n");
	return 0;
}
