/* check_split: the weighted draw (chi-square of P = 1 and P = 2 draws over many seeds against
 * the successive-sampling probabilities, weight 0 never drawn, nesting, errors), the subset,
 * and the files (train and test disjoint, together the input byte for byte, in FASTA,
 * Stockholm and lines; no file left after a failure). */
#include "check_common.h"

#include <math.h>

#include "split.h"
#include "util.h"

static msa *read_text(const char *text, char *path, size_t n)
{
	tmp_text_file("check_split", text, path, n);
	plm_err err = { 0 };
	msa *m = NULL;
	int rc = msa_read(path, NULL, &m, &err);
	ck_assert_msg(rc == PLM_OK, "%s", err.msg);
	return m;
}

/* Chi-square statistic of observed counts against expected ones (cells with e > 0). */
static double chi2(const double *obs, const double *exp_, size_t n)
{
	double c = 0;
	for (size_t k = 0; k < n; k++)
		if (exp_[k] > 0)
			c += (obs[k] - exp_[k]) * (obs[k] - exp_[k]) / exp_[k];
	return c;
}

START_TEST(test_draw_p1_chi_square)
{
	/* 6 sequences, one of weight 0; 20,000 seeds.  With 4 degrees of freedom the chi-square
	 * statistic exceeds 18.47 with probability 0.001 when the draw follows the weights. */
	const double w[6] = { 1.0, 2.0, 0.5, 0.0, 3.0, 1.5 };
	const size_t n = 6, nseed = 20000;
	double W = 0, obs[6] = { 0 }, ex[6];
	for (size_t k = 0; k < n; k++)
		W += w[k];
	size_t order[6];
	plm_err err = { 0 };
	for (size_t s = 0; s < nseed; s++) {
		ck_assert_int_eq(split_draw(w, n, 1, s, SIZE_MAX, order, NULL, &err), PLM_OK);
		obs[order[0]]++;
	}
	for (size_t k = 0; k < n; k++)
		ex[k] = (double)nseed * w[k] / W;
	ck_assert_msg(obs[3] == 0, "a sequence of weight 0 was drawn %g times", obs[3]);
	double c = chi2(obs, ex, n);
	ck_assert_msg(c < 18.47, "chi-square %.2f >= 18.47 (4 df, p = 0.001)", c);
	/* and a wrong law is rejected: the uniform one */
	for (size_t k = 0; k < n; k++)
		ex[k] = k == 3 ? 0 : (double)nseed / 5;
	ck_assert_msg(chi2(obs, ex, n) > 100, "the test cannot tell the weights from a uniform draw");
}
END_TEST

START_TEST(test_draw_p2_successive)
{
	/* P = 2 without replacement: P({i, j}) = w_i/W w_j/(W - w_i) + w_j/W w_i/(W - w_j).
	 * 5 sequences: 10 pairs, 9 degrees of freedom, 27.88 at p = 0.001. */
	const double w[5] = { 4.0, 1.0, 2.0, 0.5, 2.5 };
	const size_t n = 5, nseed = 20000;
	double W = 0, obs[25] = { 0 }, ex[25] = { 0 };
	for (size_t k = 0; k < n; k++)
		W += w[k];
	size_t order[5];
	unsigned char chosen[5];
	plm_err err = { 0 };
	for (size_t s = 0; s < nseed; s++) {
		ck_assert_int_eq(split_draw(w, n, 2, 1000 + s, SIZE_MAX, order, chosen, &err), PLM_OK);
		size_t a = order[0] < order[1] ? order[0] : order[1], b = order[0] ^ order[1] ^ a;
		ck_assert(a != b);
		size_t nc = 0;
		for (size_t k = 0; k < n; k++)
			nc += chosen[k];
		ck_assert_uint_eq(nc, 2);
		ck_assert(chosen[a] && chosen[b]);
		obs[a * n + b]++;
	}
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			ex[i * n + j] = (double)nseed * (w[i] / W * w[j] / (W - w[i]) + w[j] / W * w[i] / (W - w[j]));
	double c = chi2(obs, ex, 25);
	ck_assert_msg(c < 27.88, "chi-square %.2f >= 27.88 (9 df, p = 0.001)", c);
	/* the power to tell successive sampling from its nearest plausible mistake: pairs drawn
	 * with probability proportional to w_i w_j (expected statistic about 158 against 27.88),
	 * and from uniform pairs (about 16,800) */
	double z = 0, pw[25] = { 0 }, un[25] = { 0 };
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			z += w[i] * w[j];
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++) {
			pw[i * n + j] = (double)nseed * w[i] * w[j] / z;
			un[i * n + j] = (double)nseed / 10.0;
		}
	double cp = chi2(obs, pw, 25), cu = chi2(obs, un, 25);
	fprintf(stderr, "P = 2 draw: chi-square %.1f (successive), %.1f (product law), %.1f (uniform)\n", c, cp, cu);
	ck_assert_msg(cp > 2 * 27.88, "the test cannot tell the product law w_i w_j (chi-square %.1f)", cp);
	ck_assert_msg(cu > 100 * 27.88, "the test cannot tell uniform pairs (chi-square %.1f)", cu);
}
END_TEST

START_TEST(test_draw_nested_and_errors)
{
	double w[50];
	for (size_t k = 0; k < 50; k++)
		w[k] = 0.1 + (double)(k % 7);
	size_t o1[50], o2[50];
	unsigned char c1[50], c2[50];
	plm_err err = { 0 };
	ck_assert_int_eq(split_draw(w, 50, 10, 42, SIZE_MAX, o1, c1, &err), PLM_OK);
	ck_assert_int_eq(split_draw(w, 50, 30, 42, SIZE_MAX, o2, c2, &err), PLM_OK);
	for (size_t k = 0; k < 50; k++) {
		ck_assert_uint_eq(o1[k], o2[k]); /* one order: the sets are nested */
		ck_assert(!c1[k] || c2[k]);
	}
	/* a forced item comes first whatever its weight */
	w[7] = 0.0;
	ck_assert_int_eq(split_draw(w, 50, 1, 42, 7, o1, c1, &err), PLM_OK);
	ck_assert_uint_eq(o1[0], 7);
	ck_assert_int_eq(split_draw(w, 50, 51, 42, SIZE_MAX, o1, NULL, &err), PLM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "from an alignment of 50"));
	ck_assert_int_eq(split_draw(w, 50, 50, 42, SIZE_MAX, o1, NULL, &err), PLM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "only 49 of the 50 have a non-zero weight"));
	double z[3] = { 0, 0, 0 };
	ck_assert_int_eq(split_draw(z, 3, 1, 1, SIZE_MAX, o1, NULL, &err), PLM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "total weight"));
	double neg[3] = { 1, -1, 1 };
	ck_assert_int_eq(split_draw(neg, 3, 1, 1, SIZE_MAX, o1, NULL, &err), PLM_EINVAL);
	size_t p;
	ck_assert_int_eq(split_parse_size("0.25", 10, &p), 0);
	ck_assert_uint_eq(p, 3);
	ck_assert_int_eq(split_parse_size("0.01", 10, &p), 0);
	ck_assert_uint_eq(p, 1);
	ck_assert_int_eq(split_parse_size("7", 10, &p), 0);
	ck_assert_uint_eq(p, 7);
	ck_assert_int_eq(split_parse_size("2.5", 10, &p), -1);
	ck_assert_int_eq(split_parse_size("0", 10, &p), -1);
	ck_assert_int_eq(split_parse_size("x", 10, &p), -1);
}
END_TEST

/* The records of a file, sorted, joined: what "together the input" compares. */
static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Split TEXT with train flags TRAIN_IN and check: each output holds exactly its records, in
 * input order; shared lines (per SHARED) go to both.  EXPECT_TRAIN/EXPECT_TEST: the files'
 * exact contents. */
static void check_split_files(const char *text, const unsigned char *train_in, const char *expect_train,
                              const char *expect_test)
{
	char path[256], tp[300], sp[300];
	msa *m = read_text(text, path, sizeof path);
	snprintf(tp, sizeof tp, "%s.train", path);
	snprintf(sp, sizeof sp, "%s.test", path);
	plm_err err = { 0 };
	ck_assert_msg(split_write(m, train_in, tp, sp, &err) == PLM_OK, "%s", err.msg);
	size_t n1, n2;
	unsigned char *a = slurp(tp, &n1), *b = slurp(sp, &n2);
	ck_assert_msg(n1 == strlen(expect_train) && memcmp(a, expect_train, n1) == 0, "train file:\n%.*s",
	              (int)n1, a);
	ck_assert_msg(n2 == strlen(expect_test) && memcmp(b, expect_test, n2) == 0, "test file:\n%.*s", (int)n2,
	              b);
	/* both read back with the same options: disjoint, together the input (names and rows) */
	msa *ma = NULL, *mb = NULL;
	ck_assert_int_eq(msa_read(tp, NULL, &ma, &err), PLM_OK);
	ck_assert_int_eq(msa_read(sp, NULL, &mb, &err), PLM_OK);
	ck_assert_uint_eq(ma->nin + mb->nin, m->nin);
	ck_assert_uint_eq(ma->L, m->L);
	ck_assert_uint_eq(mb->L, m->L);
	int named = m->format != MSA_FORMAT_LINES;
	size_t L = m->L, w = L + 64;
	char *buf = calloc(3 * m->nin, w);
	char **names = malloc(m->nin * 2 * sizeof *names);
	const msa *parts[3] = { ma, mb, m };
	size_t k = 0;
	for (int f = 0; f < 3; f++)
		for (size_t i = 0; i < parts[f]->n; i++, k++) {
			char *e = buf + k * w;
			snprintf(e, w, "%s:", named ? parts[f]->in_names[parts[f]->in_index[i]] : "");
			size_t o = strlen(e);
			for (size_t j = 0; j < L; j++)
				e[o + j] = (char)('A' + parts[f]->seq[i * L + j]);
			if (f < 2)
				names[k] = e;
			else
				names[m->nin + k - ma->n - mb->n] = e;
		}
	char **orig = names + m->nin;
	qsort(names, m->nin, sizeof *names, cmp_str);
	qsort(orig, m->nin, sizeof *orig, cmp_str);
	for (size_t i = 0; i < m->nin; i++)
		ck_assert_str_eq(names[i], orig[i]);
	free(buf);
	free(names);
	msa_destroy(ma);
	msa_destroy(mb);
	free(a);
	free(b);
	unlink(tp);
	unlink(sp);
	unlink(path);
	msa_destroy(m);
}

START_TEST(test_files_fasta_a2m)
{
	const unsigned char tr[4] = { 0, 1, 1, 0 };
	check_split_files(">s1 first one\nAC-D\nEF\n\n>s2\nACGDEF\n>s3 x\nA-GDEF\n>s4\nACGDEE",
	                  tr, ">s2\nACGDEF\n>s3 x\nA-GDEF\n",
	                  ">s1 first one\nAC-D\nEF\n\n>s4\nACGDEE\n");
	/* A2M: inserts (lowercase, '.') are kept as they are */
	const unsigned char tr2[3] = { 1, 0, 0 };
	check_split_files(">a\nAC.DE\n>b\nACaDE\n>c\nA-.DE\n", tr2, ">a\nAC.DE\n", ">b\nACaDE\n>c\nA-.DE\n");
}
END_TEST

START_TEST(test_files_stockholm_lines)
{
	const unsigned char tr[3] = { 0, 1, 0 };
	check_split_files("# STOCKHOLM 1.0\n#=GF ID test\n#=GS b DE second\n\n"
	                  "a ACD\nb AC-\nc A-D\n#=GR b SS HHH\n#=GC SS_cons HHH\n\n"
	                  "a EF\nb EE\nc FF\n//\n",
	                  tr,
	                  "# STOCKHOLM 1.0\n#=GF ID test\n#=GS b DE second\n\nb AC-\n#=GR b SS HHH\n"
	                  "#=GC SS_cons HHH\n\nb EE\n//\n",
	                  "# STOCKHOLM 1.0\n#=GF ID test\n\na ACD\nc A-D\n#=GC SS_cons HHH\n\na EF\nc FF\n//\n");
	const unsigned char tl[4] = { 1, 0, 0, 1 };
	check_split_files("# patterns\n0101\n1100\n\n0011\n1111\n", tl, "# patterns\n0101\n\n1111\n",
	                  "# patterns\n1100\n\n0011\n");
}
END_TEST

START_TEST(test_files_no_partial_output)
{
	char path[256];
	msa *m = read_text(">a\nAC\n>b\nAD\n", path, sizeof path);
	const unsigned char tr[2] = { 1, 0 };
	plm_err err = { 0 };
	char tp[300];
	snprintf(tp, sizeof tp, "%s.train", path);
	ck_assert_int_ne(split_write(m, tr, tp, "/nonexistent-folder/x.test", &err), PLM_OK);
	ck_assert_int_ne(access(tp, F_OK), 0); /* the other half is not left behind */
	ck_assert_int_ne(split_write(m, tr, tp, tp, &err), PLM_OK);
	unlink(path);
	msa_destroy(m);
}
END_TEST

START_TEST(test_subset)
{
	char path[256];
	msa *m = read_text(">a\nACDE\n>b\nAC-E\n>c\n-CDE\n", path, sizeof path);
	unlink(path);
	const size_t rows[2] = { 2, 0 };
	msa *s = NULL;
	plm_err err = { 0 };
	ck_assert_int_eq(split_subset(m, rows, 2, &s, &err), PLM_OK);
	ck_assert_uint_eq(s->n, 2);
	ck_assert_uint_eq(s->L, m->L);
	ck_assert_str_eq(s->in_names[0], "c");
	ck_assert_str_eq(s->in_names[1], "a");
	ck_assert_mem_eq(s->seq, m->seq + 2 * m->L, m->L);
	ck_assert_mem_eq(s->seq + m->L, m->seq, m->L);
	msa_destroy(s);
	const size_t bad[1] = { 3 };
	ck_assert_int_eq(split_subset(m, bad, 1, &s, &err), PLM_EINVAL);
	ck_assert_ptr_null(s);
	msa_destroy(m);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("split");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_draw_p1_chi_square);
	tcase_add_test(tc, test_draw_p2_successive);
	tcase_add_test(tc, test_draw_nested_and_errors);
	tcase_add_test(tc, test_files_fasta_a2m);
	tcase_add_test(tc, test_files_stockholm_lines);
	tcase_add_test(tc, test_files_no_partial_output);
	tcase_add_test(tc, test_subset);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
