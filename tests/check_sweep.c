/* check_sweep: the natural-sequence overlap against all pairs by brute force, the log-spaced
 * sizes, a tiny sweep (its rows, training sequences as fixed points at P = 2 with a tiny
 * penalty, an explicit test set), the same rows for 1 and 2 threads, resuming, and the
 * rows' TSV read back. */
#include "check_common.h"

#include <math.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "rng.h"
#include "split.h"
#include "sweep.h"
#include "util.h"
#include "weights.h"

/* N random protein sequences of length L, biased towards a few letters per column (so the
 * natural overlap is well above 1/q), as FASTA. */
static msa *random_msa(size_t n, size_t L, uint64_t seed)
{
	static const char letters[] = "-ACDEFGHIKLMNPQRSTVWY";
	size_t cap = n * (L + 16) + 1, o = 0;
	char *text = malloc(cap);
	plm_rng r;
	rng_seed(&r, seed, 0);
	for (size_t s = 0; s < n; s++) {
		o += (size_t)snprintf(text + o, cap - o, ">s%zu\n", s + 1);
		for (size_t i = 0; i < L; i++)
			text[o++] = letters[rng_uniform(&r) < 0.6 ? (i * 7) % 21 : rng_below(&r, 21)];
		text[o++] = '\n';
	}
	text[o] = '\0';
	char path[256];
	tmp_text_file("check_sweep", text, path, sizeof path);
	free(text);
	plm_err err = { 0 };
	msa *m = NULL;
	ck_assert_msg(msa_read(path, NULL, &m, &err) == PLM_OK, "%s", err.msg);
	unlink(path);
	return m;
}

START_TEST(test_natural_overlap_brute_force)
{
	msa *m = random_msa(37, 11, 5);
	double w[37];
	plm_err err = { 0 };
	ck_assert_int_eq(weights_compute(m, 0.4, w, &err), PLM_OK);
	double su = 0, sw = 0, nw = 0;
	size_t np = 0;
	for (size_t s = 0; s < m->n; s++)
		for (size_t t = 0; t < m->n; t++) {
			if (s == t)
				continue;
			double q = dyn_overlap(m->seq + s * m->L, m->seq + t * m->L, m->L);
			su += q;
			np++;
			sw += w[s] * w[t] * q;
			nw += w[s] * w[t];
		}
	double u, wt;
	sweep_natural_overlap(m, w, &u, &wt);
	ck_assert_double_eq_tol(u, su / (double)np, 1e-12);
	ck_assert_double_eq_tol(wt, sw / nw, 1e-12);
	ck_assert(u > 0.3); /* the bias is there */
	msa_destroy(m);
}
END_TEST

START_TEST(test_log_sizes)
{
	size_t *s, n;
	plm_err err = { 0 };
	ck_assert_int_eq(sweep_log_sizes(4364, 12, &s, &n, &err), PLM_OK);
	ck_assert_uint_eq(n, 12);
	ck_assert_uint_eq(s[0], 1);
	ck_assert_uint_eq(s[n - 1], 4364);
	for (size_t k = 1; k < n; k++)
		ck_assert_uint_gt(s[k], s[k - 1]);
	free(s);
	ck_assert_int_eq(sweep_log_sizes(3, 12, &s, &n, &err), PLM_OK); /* duplicates removed */
	ck_assert_uint_eq(n, 3);
	free(s);
}
END_TEST

static void tiny_opts(sweep_opts *o, const size_t *sizes, size_t nsizes)
{
	sweep_opts_default(o);
	o->sizes = sizes;
	o->nsizes = nsizes;
	o->reps = 2;
	o->starts = 50;
	o->fit.lambda_j = 1e-4;
	o->fit.lambda_h = 1e-4;
}

START_TEST(test_tiny_sweep_rows)
{
	msa *m = random_msa(30, 15, 9);
	double w[30];
	plm_err err = { 0 };
	ck_assert_int_eq(weights_compute(m, 0.2, w, &err), PLM_OK);
	const size_t sizes[2] = { 2, 10 };
	sweep_opts o;
	tiny_opts(&o, sizes, 2);
	sweep_table t = { 0 };
	ck_assert_msg(sweep_run(m, w, &o, &t, &err) == PLM_OK, "%s", err.msg);
	ck_assert_uint_eq(t.n, 2 * 2 * SWEEP_NKINDS * SWEEP_NCOUPS);
	for (size_t rep = 1; rep <= 2; rep++)
		for (int k = 0; k < SWEEP_NKINDS; k++)
			for (int c = 0; c < SWEEP_NCOUPS; c++) {
				const sweep_row *r = sweep_table_find(&t, 2, rep, k, c);
				ck_assert_ptr_nonnull(r);
				ck_assert_uint_eq(r->starts, 50);
				ck_assert_uint_eq(r->split_seed, o.seed + rep - 1);
				ck_assert(r->overlap >= 0 && r->overlap <= 1);
				ck_assert(k != SWEEP_TRAIN || r->runs <= 2);
				/* P = 2, a tiny penalty: both training sequences are fixed points */
				if (k == SWEEP_TRAIN && c == SWEEP_ASYM) {
					ck_assert_msg(r->fixed_start == 1.0, "rep %zu: fixed_start %g", rep, r->fixed_start);
					ck_assert(r->overlap == 1.0);
				}
				ck_assert_double_eq_tol(r->meff, 2.0, 1e-12); /* random sequences: no neighbours */
			}
	sweep_table_free(&t);
	msa_destroy(m);
}
END_TEST

/* Rows equal but for the times. */
static void assert_same_rows(const sweep_table *a, const sweep_table *b)
{
	ck_assert_uint_eq(a->n, b->n);
	for (size_t k = 0; k < a->n; k++) {
		sweep_row x = a->rows[k], y = b->rows[k];
		x.fit_s = y.fit_s = x.relax_s = y.relax_s = 0;
		ck_assert_msg(memcmp(&x, &y, sizeof x) == 0, "row %zu differs (P %zu rep %zu kind %d)", k, x.P, x.rep,
		              x.kind);
	}
}

START_TEST(test_threads_resume_roundtrip)
{
	msa *m = random_msa(40, 12, 3);
	double w[40];
	plm_err err = { 0 };
	ck_assert_int_eq(weights_compute(m, 0.2, w, &err), PLM_OK);
	const size_t sizes[2] = { 3, 20 };
	sweep_opts o;
	tiny_opts(&o, sizes, 2);
	o.dyn.order = DYN_ORDER_RANDOM; /* the rng streams of the dynamics too */
	sweep_table t1 = { 0 }, t2 = { 0 }, t3 = { 0 };
#ifdef _OPENMP
	int nt = omp_get_max_threads();
	omp_set_num_threads(1);
#endif
	ck_assert_int_eq(sweep_run(m, w, &o, &t1, &err), PLM_OK);
#ifdef _OPENMP
	omp_set_num_threads(2);
#endif
	ck_assert_int_eq(sweep_run(m, w, &o, &t2, &err), PLM_OK);
#ifdef _OPENMP
	omp_set_num_threads(nt);
#endif
	assert_same_rows(&t1, &t2);

	/* resuming: the rows of repetition 1 only, then the sweep adds repetition 2 */
	for (size_t k = 0; k < t1.n; k++)
		if (t1.rows[k].rep == 1) {
			if (t3.n == t3.cap) {
				t3.cap = t3.cap ? 2 * t3.cap : 16;
				t3.rows = realloc(t3.rows, t3.cap * sizeof *t3.rows);
			}
			t3.rows[t3.n++] = t1.rows[k];
		}
	size_t half = t3.n;
	ck_assert_int_eq(sweep_run(m, w, &o, &t3, &err), PLM_OK);
	ck_assert_uint_eq(t3.n, t1.n);
	assert_same_rows(&t1, &t3); /* same order too: repetition 2 appended */
	ck_assert_uint_eq(half * 2, t1.n);

	/* the TSV read back */
	char path[256];
	tmp_text_file("check_sweep_rows", "", path, sizeof path);
	FILE *fp = fopen(path, "w");
	ck_assert_int_eq(sweep_write_rows(fp, "test\nsettings: x=1", &t1, m->L), PLM_OK);
	fclose(fp);
	sweep_table back = { 0 };
	char *settings = NULL;
	ck_assert_msg(sweep_read_rows(path, &back, &settings, &err) == PLM_OK, "%s", err.msg);
	ck_assert_str_eq(settings, "x=1");
	ck_assert_uint_eq(back.n, t1.n);
	for (size_t k = 0; k < t1.n; k++) {
		const sweep_row *a = &t1.rows[k];
		const sweep_row *b = sweep_table_find(&back, a->P, a->rep, a->kind, a->coup);
		ck_assert_ptr_nonnull(b);
		ck_assert_uint_eq(a->starts, b->starts);
		ck_assert_uint_eq(a->runs, b->runs);
		ck_assert_double_eq_tol(a->overlap, b->overlap, 1e-5);
		ck_assert_double_eq_tol(a->fixed_start, b->fixed_start, 1e-5);
	}
	free(settings);
	unlink(path);
	sweep_table_free(&back);
	sweep_table_free(&t1);
	sweep_table_free(&t2);
	sweep_table_free(&t3);
	msa_destroy(m);
}
END_TEST

START_TEST(test_explicit_test_set_and_errors)
{
	msa *m = random_msa(20, 10, 4), *x = random_msa(7, 10, 8);
	double w[20];
	plm_err err = { 0 };
	ck_assert_int_eq(weights_compute(m, 0.2, w, &err), PLM_OK);
	uint8_t *test = NULL;
	ck_assert_int_eq(split_map_columns(m, x, &test, &err), PLM_OK);
	const size_t sizes[1] = { 20 }; /* every sequence: only --test has a test set left */
	sweep_opts o;
	tiny_opts(&o, sizes, 1);
	o.reps = 1;
	o.test = test;
	o.ntest = x->n;
	o.kinds = 1u << SWEEP_TEST;
	o.coups = 1u << SWEEP_SYM;
	sweep_table t = { 0 };
	ck_assert_msg(sweep_run(m, w, &o, &t, &err) == PLM_OK, "%s", err.msg);
	ck_assert_uint_eq(t.n, 1);
	ck_assert_int_eq(t.rows[0].kind, SWEEP_TEST);
	ck_assert_int_eq(t.rows[0].coup, SWEEP_SYM);
	ck_assert_uint_le(t.rows[0].runs, 7);
	sweep_table_free(&t);
	/* without it the test set is empty: the rows say so */
	o.test = NULL;
	o.ntest = 0;
	ck_assert_int_eq(sweep_run(m, w, &o, &t, &err), PLM_OK);
	ck_assert_uint_eq(t.rows[0].starts, 0);
	ck_assert(isnan(t.rows[0].overlap));
	sweep_table_free(&t);
	/* a size beyond the alignment; zero weights */
	const size_t big[1] = { 21 };
	o.sizes = big;
	ck_assert_int_eq(sweep_run(m, w, &o, &t, &err), PLM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "training size 21"));
	double z[20] = { 0 };
	o.sizes = sizes;
	ck_assert_int_eq(sweep_run(m, z, &o, &t, &err), PLM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "total weight"));
	ck_assert_uint_eq(t.n, 0);
	sweep_table_free(&t);
	free(test);
	msa_destroy(x);
	msa_destroy(m);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sweep");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_natural_overlap_brute_force);
	tcase_add_test(tc, test_log_sizes);
	tcase_add_test(tc, test_tiny_sweep_rows);
	tcase_add_test(tc, test_threads_resume_roundtrip);
	tcase_add_test(tc, test_explicit_test_set_and_errors);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
