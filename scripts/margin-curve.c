/* scripts/margin-curve.c: the analytic stability distribution of Fig. 1 (src/margin.c) as a
 * TSV on a grid of Delta, for load ALPHA and each LAMBDA given, next to its two limits (the
 * Hebbian Gaussian and the continuous part of the maximum-margin truncated Gaussian).
 * Built and run by scripts/fig1.sh:
 *   cc -O2 -I src scripts/margin-curve.c BUILD/libplmem.a -lm -fopenmp -o margin-curve
 *   margin-curve ALPHA LAMBDA...
 * '#' lines give, per lambda, x, the mean and the standard deviation of Delta. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "margin.h"

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: margin-curve ALPHA LAMBDA...\n");
		return 2;
	}
	double alpha = atof(argv[1]);
	int n = argc - 2;
	margin_sol *s = calloc((size_t)n, sizeof *s);
	if (s == NULL)
		return 1;
	for (int k = 0; k < n; k++) {
		plm_err err;
		if (margin_solve(alpha, atof(argv[k + 2]), &s[k], &err) != PLM_OK) {
			fprintf(stderr, "margin-curve: %s\n", err.msg);
			return 1;
		}
		double m1 = margin_moment(&s[k], 1), m2 = margin_moment(&s[k], 2);
		printf("# alpha %g lambda %g x %.6g mean %.6f sd %.6f\n", alpha, s[k].lambda, exp(s[k].logx),
		       m1, sqrt(m2 - m1 * m1));
	}
	printf("# maximum margin: kappa %.6f (atom of mass %.6f at kappa)\n", margin_kappa_max(alpha),
	       0.5 * erfc(-margin_kappa_max(alpha) / sqrt(2.0)));
	printf("delta");
	for (int k = 0; k < n; k++)
		printf("\tlambda=%s", argv[k + 2]);
	printf("\thebbian\tmax_margin\n");
	for (int g = 0; g <= 500; g++) {
		double d = -3.0 + 0.02 * g;
		printf("%.2f", d);
		for (int k = 0; k < n; k++)
			printf("\t%.6g", margin_density(&s[k], d));
		printf("\t%.6g\t%.6g\n", margin_density_hebb(alpha, d), margin_density_maxmargin(alpha, d));
	}
	free(s);
	return 0;
}
