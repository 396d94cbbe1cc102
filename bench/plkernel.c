/* bench/plkernel.c: the pseudo-likelihood kernel alone, mode path against tree path (issue 23).
 *
 * Reads an alignment as `plmem fit` does (identical rows merged, uniform weights), evaluates
 * pl_site_eval at small random parameters on SITES sites, alternating the two paths REPS times,
 * and prints per path: the minimum CPU seconds of one evaluation per site (summed over the
 * sites), the rows it visits (the mode path's entries, or the tree's), the objective at that
 * point, and the tree's construction time.
 * Usage: plkernel ALIGNMENT [FOCUS [SITES [REPS]]]
 * Build: cc -O2 -std=c11 -Isrc -Ibuild bench/plkernel.c build/libplmem.a -lopenblas -lz -lm -fopenmp */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "msa.h"
#include "pl.h"
#include "rng.h"
#include "weights.h"

static double cpu(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return t.tv_sec + 1e-9 * t.tv_nsec;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: plkernel ALIGNMENT [FOCUS [SITES [REPS]]]\n");
		return 2;
	}
	msa_opts mo;
	msa_opts_default(&mo);
	mo.focus = argc > 2 && strcmp(argv[2], "-") != 0 ? argv[2] : NULL;
	size_t nsite = argc > 3 ? strtoul(argv[3], NULL, 10) : 4, reps = argc > 4 ? strtoul(argv[4], NULL, 10) : 5;
	msa *m;
	plm_err err;
	uint8_t *u;
	double *uw;
	size_t n;
	if (msa_read(argv[1], &mo, &m, &err) != PLM_OK || weights_unique(m, NULL, &u, &uw, &n, &err) != PLM_OK) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	pl_data d;
	double t0 = cpu();
	if (pl_data_init(&d, u, uw, n, m->L, m->abc.q, &err) != PLM_OK) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	double tinit = cpu() - t0;
	int autotree = d.tree;
	/* one copy per path, each built once */
	pl_data dp[2];
	double tbuild = cpu();
	if (pl_data_init(&dp[0], u, uw, n, m->L, m->abc.q, &err) != PLM_OK ||
	    pl_data_set_path(&dp[0], PL_PATH_MODE, &err) != PLM_OK ||
	    pl_data_init(&dp[1], u, uw, n, m->L, m->abc.q, &err) != PLM_OK) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	tbuild = cpu();
	if (pl_data_set_path(&dp[1], PL_PATH_MODE, &err) != PLM_OK ||
	    pl_data_set_path(&dp[1], PL_PATH_TREE, &err) != PLM_OK) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	tbuild = cpu() - tbuild;
	size_t nvar = pl_nvar(&d), L = d.L;
	double *x = calloc(nvar, sizeof *x), *g = calloc(nvar, sizeof *g);
	plm_rng r;
	rng_seed(&r, 1, 0);
	for (size_t k = 0; k < nvar; k++)
		x[k] = 0.05 * rng_normal(&r);
	pl_site_opts o = { 0.01, 0.001, 0 };
	double best[2] = { HUGE_VAL, HUGE_VAL }, fsum[2] = { 0, 0 };
	size_t rows[2] = { d.nnz, dp[1].ntree };
	pl_work ws[2];
	for (int path = 0; path < 2; path++)
		if (pl_work_init(&ws[path], &dp[path], &err) != PLM_OK)
			return 1;
	for (size_t rep = 0; rep < reps; rep++)
		for (int path = 0; path < 2; path++) {
			double t = cpu(), f = 0;
			for (size_t s = 0; s < nsite; s++)
				f += pl_site_eval(&dp[path], s * L / nsite, &o, x, g, &ws[path]);
			t = cpu() - t;
			best[path] = t < best[path] ? t : best[path];
			fsum[path] = f;
		}
	printf("%s: %zu distinct x %zu; init %.2f s (auto path: %s); tree built in %.2f s\n", argv[1], n, L,
	       tinit, autotree ? "tree" : "mode", tbuild);
	for (int path = 0; path < 2; path++)
		printf("  %s: %.4f CPU s per evaluation of %zu sites (min of %zu), %zu rows (%.1f%% of n L), "
		       "%.2f ns per row, f %.9f, %zu pair rows\n",
		       path ? "tree" : "mode", best[path], nsite, reps, rows[path], 100.0 * rows[path] / ((double)n * L),
		       1e9 * best[path] / nsite / (double)rows[path], fsum[path], path ? dp[1].npair : (size_t)0);
	return 0;
}
