/* check_generate: the synthetic data sets: reproducibility from the seed, exactly Lf non-zero
 * coefficients per features-model pattern, patterns equal to sign(sum c f) recomputed from the
 * written files, balanced spins, and the three text formats. */
#include "check_common.h"

#include <math.h>
#include <stdint.h>

#include "generate.h"

static gen_set *make(gen_kind kind, size_t N, size_t P, size_t P_test, size_t D, size_t Lf,
                     uint64_t seed)
{
	gen_opts o;
	plm_err err;
	gen_set *g = NULL;
	gen_opts_default(&o);
	o.kind = kind;
	o.N = N;
	o.P = P;
	o.P_test = P_test;
	o.D = D;
	o.Lf = Lf;
	o.seed = seed;
	ck_assert_int_eq(gen_run(&o, &g, &err), PLM_OK);
	ck_assert_ptr_nonnull(g);
	return g;
}

/* Write with FN into a memory buffer (caller frees). */
static char *spins_text(const int8_t *x, size_t n, size_t N, gen_format fmt, const char *prefix)
{
	char *buf = NULL;
	size_t len = 0;
	plm_err err;
	FILE *fp = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(gen_write_spins(fp, x, n, N, fmt, prefix, &err), PLM_OK);
	fclose(fp);
	return buf;
}

static char *coef_text(const gen_set *g)
{
	char *buf = NULL;
	size_t len = 0;
	plm_err err;
	FILE *fp = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(gen_write_coefficients(fp, g, &err), PLM_OK);
	fclose(fp);
	return buf;
}

START_TEST(test_same_seed_same_output)
{
	gen_set *a = make(GEN_FEATURES, 300, 40, 10, 25, 3, 42);
	gen_set *b = make(GEN_FEATURES, 300, 40, 10, 25, 3, 42);
	gen_set *c = make(GEN_FEATURES, 300, 40, 10, 25, 3, 43);
	ck_assert_mem_eq(a->train, b->train, 40 * 300);
	ck_assert_mem_eq(a->test, b->test, 10 * 300);
	ck_assert_mem_eq(a->features, b->features, 25 * 300);
	char *ta = coef_text(a), *tb = coef_text(b), *tc = coef_text(c);
	ck_assert_str_eq(ta, tb);
	ck_assert_str_ne(ta, tc);
	ck_assert_int_ne(memcmp(a->train, c->train, 40 * 300), 0);
	ck_assert_int_ne(memcmp(a->features, c->features, 25 * 300), 0);
	free(ta);
	free(tb);
	free(tc);
	/* the training set does not depend on the test set, and P is a prefix of a larger P */
	gen_set *d = make(GEN_FEATURES, 300, 60, 0, 25, 3, 42);
	ck_assert_ptr_null(d->test);
	ck_assert_mem_eq(a->train, d->train, 40 * 300);
	gen_set *r1 = make(GEN_RANDOM, 130, 7, 0, 1, 1, 5), *r2 = make(GEN_RANDOM, 130, 9, 3, 1, 1, 5);
	ck_assert_mem_eq(r1->train, r2->train, 7 * 130);
	ck_assert_ptr_null(r1->features);
	gen_destroy(a);
	gen_destroy(b);
	gen_destroy(c);
	gen_destroy(d);
	gen_destroy(r1);
	gen_destroy(r2);
}
END_TEST

/* Parse the coefficient table and the written features back, check exactly Lf distinct
 * non-zero coefficients per pattern and rebuild every pattern as sign(sum_k c_k f_k). */
static void check_features_model(size_t N, size_t P, size_t Pt, size_t D, size_t Lf, uint64_t seed)
{
	gen_set *g = make(GEN_FEATURES, N, P, Pt, D, Lf, seed);
	char *ftext = spins_text(g->features, D, N, GEN_FORMAT_LINES, "f");
	char *ctext = coef_text(g);
	/* features back from their 0/1 lines */
	int8_t *f = calloc(D * N, 1);
	const char *s = ftext;
	for (size_t k = 0; k < D; k++) {
		for (size_t i = 0; i < N; i++, s++) {
			ck_assert(*s == '0' || *s == '1');
			f[k * N + i] = *s == '1' ? 1 : -1;
		}
		ck_assert_int_eq(*s, '\n');
		s++;
	}
	ck_assert_int_eq(*s, '\0');
	/* coefficients: dense (P + Pt) x D table of -1/0/+1 */
	int *c = calloc((P + Pt) * D, sizeof *c);
	size_t *count = calloc(P + Pt, sizeof *count);
	s = strchr(ctext, '\n');
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(strncmp(ctext, "set\tpattern\tfeature\tcoef\n", 25), 0);
	s++;
	size_t rows = 0;
	while (*s) {
		char set[8];
		size_t pat, feat;
		int coef, used;
		ck_assert_int_eq(sscanf(s, "%7[a-z]\t%zu\t%zu\t%d%n", set, &pat, &feat, &coef, &used), 4);
		s += used;
		ck_assert_int_eq(*s, '\n');
		s++;
		int is_test = strcmp(set, "test") == 0;
		ck_assert(is_test || strcmp(set, "train") == 0);
		ck_assert(pat >= 1 && pat <= (is_test ? Pt : P));
		ck_assert(feat >= 1 && feat <= D);
		ck_assert(coef == 1 || coef == -1);
		size_t row = (is_test ? P : 0) + pat - 1;
		ck_assert_int_eq(c[row * D + feat - 1], 0); /* each feature once per pattern */
		c[row * D + feat - 1] = coef;
		count[row]++;
		rows++;
	}
	ck_assert_uint_eq(rows, (P + Pt) * Lf);
	uint64_t ties = 0;
	for (size_t row = 0; row < P + Pt; row++) {
		ck_assert_uint_eq(count[row], Lf);
		const int8_t *x = row < P ? g->train + row * N : g->test + (row - P) * N;
		for (size_t i = 0; i < N; i++) {
			long sum = 0;
			for (size_t k = 0; k < D; k++)
				sum += c[row * D + k] * f[k * N + i];
			if (sum == 0)
				ties++;
			else
				ck_assert_int_eq(x[i], sum > 0 ? 1 : -1);
			ck_assert(x[i] == 1 || x[i] == -1);
		}
	}
	ck_assert_uint_eq(ties, g->nties);
	if (Lf % 2 == 1)
		ck_assert_uint_eq(ties, 0);
	else
		ck_assert_uint_gt(ties, 0);
	free(f);
	free(c);
	free(count);
	free(ftext);
	free(ctext);
	gen_destroy(g);
}

START_TEST(test_features_exact_lf)
{
	check_features_model(200, 30, 12, 20, 3, 1);  /* the paper's Lf = 3 */
	check_features_model(64, 10, 0, 7, 7, 2);     /* every feature used */
	check_features_model(150, 25, 5, 40, 1, 3);   /* a pattern is +- one feature */
	check_features_model(300, 20, 4, 10, 2, 4);   /* even Lf: ties get a random sign */
}
END_TEST

START_TEST(test_balanced)
{
	/* Seed 11, fixed.  Mean of 200,000 fair spins: sd 1/sqrt(2e5) = 0.0022; allow 5 sd.
	 * Pattern-pattern overlaps of independent patterns: sd 1/sqrt(N) = 0.032; allow 5 sd. */
	size_t N = 1000, P = 200;
	gen_set *g = make(GEN_RANDOM, N, P, 0, 1, 1, 11);
	long sum = 0;
	for (size_t k = 0; k < N * P; k++) {
		ck_assert(g->train[k] == 1 || g->train[k] == -1);
		sum += g->train[k];
	}
	ck_assert_double_lt(fabs((double)sum / (double)(N * P)), 5 * 0.0022);
	/* per-site magnetisations: mean square ~ 1/P */
	double ms = 0.0;
	for (size_t i = 0; i < N; i++) {
		long m = 0;
		for (size_t mu = 0; mu < P; mu++)
			m += g->train[mu * N + i];
		ms += ((double)m / P) * ((double)m / P);
	}
	ms /= N;
	ck_assert_double_gt(ms, 0.8 / P);
	ck_assert_double_lt(ms, 1.2 / P);
	for (size_t a = 0; a + 1 < P; a += 7) {
		long q = 0;
		for (size_t i = 0; i < N; i++)
			q += g->train[a * N + i] * g->train[(a + 1) * N + i];
		ck_assert_double_lt(fabs((double)q / N), 5 * 0.032);
	}
	gen_destroy(g);
	/* the features model with odd Lf is symmetric under x -> -x: balanced too */
	g = make(GEN_FEATURES, N, P, 0, 50, 3, 11);
	sum = 0;
	for (size_t k = 0; k < N * P; k++)
		sum += g->train[k];
	/* patterns share features, so spins are correlated: a looser bound */
	ck_assert_double_lt(fabs((double)sum / (double)(N * P)), 0.05);
	gen_destroy(g);
}
END_TEST

START_TEST(test_formats)
{
	int8_t x[2 * 3] = { 1, -1, -1, -1, 1, 1 };
	char *t = spins_text(x, 2, 3, GEN_FORMAT_LINES, "p");
	ck_assert_str_eq(t, "100\n011\n");
	free(t);
	t = spins_text(x, 2, 3, GEN_FORMAT_FASTA, "p");
	ck_assert_str_eq(t, ">p1\n100\n>p2\n011\n");
	free(t);
	t = spins_text(x, 2, 3, GEN_FORMAT_NUMBERS, "p");
	ck_assert_str_eq(t, "+1 -1 -1\n-1 +1 +1\n");
	free(t);
	/* long lines: every spin written, separated by single spaces */
	gen_set *g = make(GEN_RANDOM, 257, 3, 0, 1, 1, 9);
	t = spins_text(g->train, 3, 257, GEN_FORMAT_NUMBERS, "p");
	ck_assert_uint_eq(strlen(t), 3 * (257 * 3 - 1 + 1));
	ck_assert_int_eq(t[2], ' ');
	ck_assert_int_eq(t[257 * 3 - 1], '\n');
	ck_assert_int_eq(t[0], g->train[0] > 0 ? '+' : '-');
	free(t);
	gen_destroy(g);
	gen_kind k;
	gen_format f;
	ck_assert_int_eq(gen_kind_parse("features", &k), 0);
	ck_assert_int_eq(k, GEN_FEATURES);
	ck_assert_int_eq(gen_kind_parse("hopfield", &k), -1);
	ck_assert_int_eq(gen_format_parse("numbers", &f), 0);
	ck_assert_int_eq(f, GEN_FORMAT_NUMBERS);
	ck_assert_int_eq(gen_format_parse("csv", &f), -1);
}
END_TEST

START_TEST(test_errors)
{
	gen_opts o;
	plm_err err;
	gen_set *g = (gen_set *)&o;
	gen_opts_default(&o);
	o.kind = GEN_FEATURES;
	o.D = 4;
	o.Lf = 5;
	ck_assert_int_eq(gen_run(&o, &g, &err), PLM_EINVAL);
	ck_assert_ptr_null(g);
	ck_assert_ptr_nonnull(strstr(err.msg, "Lf"));
	gen_opts_default(&o);
	o.N = 0;
	ck_assert_int_eq(gen_run(&o, &g, &err), PLM_EINVAL);
	gen_opts_default(&o);
	o.P = 0;
	ck_assert_int_eq(gen_run(&o, &g, &err), PLM_EINVAL);
	gen_opts_default(&o);
	o.N = SIZE_MAX / 2;
	o.P = 4;
	ck_assert_int_eq(gen_run(&o, &g, &err), PLM_ERANGE);
	gen_destroy(NULL);
	/* random sets have no coefficients */
	g = make(GEN_RANDOM, 10, 2, 0, 1, 1, 1);
	FILE *fp = tmpfile();
	ck_assert_int_eq(gen_write_coefficients(fp, g, &err), PLM_EINVAL);
	fclose(fp);
	gen_destroy(g);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("generate");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_same_seed_same_output);
	tcase_add_test(tc, test_features_exact_lf);
	tcase_add_test(tc, test_balanced);
	tcase_add_test(tc, test_formats);
	tcase_add_test(tc, test_errors);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
