/* check_weights: hand-counted weights, a brute-force comparison on random alignments (lengths
 * around the 64-byte blocks), plmc's DHFR weights to 1e-9, merging identical rows, weights
 * files, and identical results for 1 and 2 threads. */
#include "check_common.h"

#include <math.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "rng.h"
#include "weights.h"

static msa *read_text(const char *text, const msa_opts *o)
{
	char path[256];
	tmp_text_file("check_weights", text, path, sizeof path);
	plm_err err = { 0 };
	msa *m = NULL;
	int rc = msa_read(path, o, &m, &err);
	unlink(path);
	ck_assert_msg(rc == PLM_OK, "%s", err.msg);
	return m;
}

START_TEST(test_hand_counted)
{
	/* L = 10, theta = 0.25: neighbours need id >= 7.5, i.e. 8 identical columns.
	 * 0-1: 8 (yes), 0-2: 7 (no), 1-2: 9 (yes), 3: alone, 4 = 0.  5-6: gaps facing gaps count:
	 * 9 identical (yes). */
	msa *m = read_text(">s0\nAAAAAAAAAA\n>s1\nAAAAAAAACC\n>s2\nAAAAAAACCC\n>s3\nCCCCCCCCCC\n"
	                   ">s4\nAAAAAAAAAA\n>s5\n-----DDDDD\n>s6\n-----DDDDE\n", NULL);
	double w[7];
	plm_err err = { 0 };
	ck_assert_int_eq(weights_compute(m, 0.25, w, &err), PLM_OK);
	const double want[7] = { 1.0 / 3, 1.0 / 4, 1.0 / 2, 1, 1.0 / 3, 1.0 / 2, 1.0 / 2 };
	for (int k = 0; k < 7; k++)
		ck_assert_msg(w[k] == want[k], "w[%d] = %g, want %g", k, w[k], want[k]);
	ck_assert_double_eq_tol(weights_meff(w, 7), 1.0 / 3 + 0.25 + 0.5 + 1 + 1.0 / 3 + 1, 1e-12);
	/* theta 0.1: id >= 9: only 1-2, 5-6 and the duplicates */
	ck_assert_int_eq(weights_compute(m, 0.1, w, &err), PLM_OK);
	const double want2[7] = { 0.5, 0.5, 0.5, 1, 0.5, 0.5, 0.5 };
	for (int k = 0; k < 7; k++)
		ck_assert_msg(w[k] == want2[k], "theta 0.1: w[%d] = %g", k, w[k]);
	/* theta 0: every weight 1; theta 1: everyone is a neighbour */
	ck_assert_int_eq(weights_compute(m, 0, w, &err), PLM_OK);
	for (int k = 0; k < 7; k++)
		ck_assert(w[k] == 1);
	ck_assert_int_eq(weights_compute(m, 1, w, &err), PLM_OK);
	for (int k = 0; k < 7; k++)
		ck_assert(w[k] == 1.0 / 7);
	msa_destroy(m);
}
END_TEST

/* A random alignment held in an msa built by hand: n rows of length L over q states, made of
 * a few ancestors with mutations, so that many pairs lie near the threshold. */
static msa *random_msa(size_t n, size_t L, size_t q, uint64_t seed)
{
	msa *m = calloc(1, sizeof *m);
	m->n = n;
	m->L = L;
	m->seq = calloc(n * L, 1);
	plm_rng r;
	rng_seed(&r, seed, 0);
	size_t nanc = 4;
	uint8_t *anc = calloc(nanc * L, 1);
	for (size_t i = 0; i < nanc * L; i++)
		anc[i] = (uint8_t)rng_below(&r, q);
	for (size_t s = 0; s < n; s++) {
		const uint8_t *a = anc + rng_below(&r, nanc) * L;
		double mut = 0.3 * rng_uniform(&r);
		for (size_t i = 0; i < L; i++)
			m->seq[s * L + i] = rng_uniform(&r) < mut ? (uint8_t)rng_below(&r, q) : a[i];
	}
	free(anc);
	return m;
}

START_TEST(test_brute_force)
{
	static const size_t lengths[] = { 1, 5, 63, 64, 65, 130, 200 };
	static const double thetas[] = { 0.2, 0.1, 0.35, 0.5 };
	static const char *const kernels[] = { "auto", "c", "sse2", "avx2" };
	for (size_t kk = 0; kk < 4; kk++) {
	if (weights_kernel(kernels[kk]) != 0) {
		fprintf(stderr, "skip: kernel %s is not available here\n", kernels[kk]);
		continue;
	}
	for (size_t li = 0; li < sizeof lengths / sizeof lengths[0]; li++) {
		size_t L = lengths[li], n = 150;
		msa *m = random_msa(n, L, 3, 1000 + li);
		double *w = calloc(n, sizeof *w);
		for (size_t ti = 0; ti < sizeof thetas / sizeof thetas[0]; ti++) {
			plm_err err = { 0 };
			ck_assert_int_eq(weights_compute(m, thetas[ti], w, &err), PLM_OK);
			for (size_t s = 0; s < n; s++) {
				size_t ns = 0;
				for (size_t t = 0; t < n; t++) {
					size_t id = 0;
					for (size_t i = 0; i < L; i++)
						id += m->seq[s * L + i] == m->seq[t * L + i];
					ns += (double)id >= (1 - thetas[ti]) * (double)L;
				}
				ck_assert_msg(w[s] == 1.0 / (double)ns, "kernel %s L %zu theta %g row %zu: %g vs 1/%zu",
				              kernels[kk], L, thetas[ti], s, w[s], ns);
			}
		}
		free(w);
		msa_destroy(m);
	}
	}
	ck_assert_int_eq(weights_kernel("auto"), 0);
	ck_assert_int_eq(weights_kernel("bogus"), -1);

	/* more rows than one stripe of the tiled scan holds (128 KiB / 320 bytes = 409 rows) */
	size_t n = 700, L = 300;
	msa *m = random_msa(n, L, 4, 77);
	double *w = calloc(n, sizeof *w);
	plm_err err = { 0 };
	ck_assert_int_eq(weights_compute(m, 0.3, w, &err), PLM_OK);
	for (size_t s = 0; s < n; s++) {
		size_t ns = 0;
		for (size_t t = 0; t < n; t++) {
			size_t id = 0;
			for (size_t i = 0; i < L; i++)
				id += m->seq[s * L + i] == m->seq[t * L + i];
			ns += (double)id >= (1 - 0.3) * (double)L;
		}
		ck_assert_msg(w[s] == 1.0 / (double)ns, "tiled: row %zu: %g vs 1/%zu", s, w[s], ns);
	}
	free(w);
	msa_destroy(m);
}
END_TEST

START_TEST(test_dhfr_plmc)
{
	char path[4096], ref[4096];
	if (shared_path("msa/dhfr.a2m", path, sizeof path) == NULL ||
	    shared_path("ref/dhfr_plmc_weights.txt", ref, sizeof ref) == NULL)
		return;
	msa_opts o;
	msa_opts_default(&o);
	o.focus = "DYR_ECOLI";
	plm_err err = { 0 };
	msa *m = NULL;
	ck_assert_int_eq(msa_read(path, &o, &m, &err), PLM_OK);
	ck_assert_uint_eq(m->L, 159);
	double *w = calloc(m->n, sizeof *w);
	ck_assert_int_eq(weights_compute(m, 0.2, w, &err), PLM_OK);
	FILE *f = fopen(ref, "r");
	ck_assert_ptr_nonnull(f);
	size_t s = 0, zeros = 0;
	for (size_t k = 0; k < m->nin; k++) {
		double x;
		ck_assert_int_eq(fscanf(f, "%lf", &x), 1);
		double mine = m->in_status[k] == MSA_KEPT ? w[s++] : 0.0;
		zeros += mine == 0;
		ck_assert_msg(fabs(mine - x) <= 1e-9, "sequence %zu (%s): %.17g vs plmc %.17g", k + 1,
		              m->in_names[k], mine, x);
	}
	double extra;
	ck_assert_int_eq(fscanf(f, "%lf", &extra), EOF);
	fclose(f);
	ck_assert_uint_eq(zeros, 13);
	ck_assert_double_eq_tol(weights_meff(w, m->n), 1568.1, 0.05);

	/* reading them back, as printed by plmem weights or as bare numbers */
	char wpath[256];
	snprintf(wpath, sizeof wpath, "%s/check_weights.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	int fd = mkstemp(wpath);
	f = fdopen(fd, "w");
	s = 0;
	for (size_t k = 0; k < m->nin; k++) {
		if (m->in_status[k] == MSA_KEPT)
			fprintf(f, "%s\t%.17g\n", m->in_names[k], w[s++]);
		else
			fprintf(f, "%s\t0\tdropped:unknown-letter\n", m->in_names[k]);
	}
	fclose(f);
	double *w2 = calloc(m->n, sizeof *w2);
	ck_assert_int_eq(weights_read(wpath, m, w2, &err), PLM_OK);
	ck_assert_int_eq(memcmp(w, w2, m->n * sizeof *w), 0);
	ck_assert_int_eq(weights_read(ref, m, w2, &err), PLM_OK);
	for (size_t k = 0; k < m->n; k++)
		ck_assert(fabs(w2[k] - w[k]) <= 1e-15);
	/* a file with one line too few */
	f = fopen(wpath, "w");
	for (size_t k = 0; k + 1 < m->nin; k++)
		fprintf(f, "1\n");
	fclose(f);
	ck_assert_int_eq(weights_read(wpath, m, w2, &err), PLM_EFORMAT);
	ck_assert_ptr_nonnull(strstr(err.msg, "3628 weights"));
	/* a wrong name */
	f = fopen(wpath, "w");
	fprintf(f, "NOT_DYR\t1\n");
	fclose(f);
	ck_assert_int_eq(weights_read(wpath, m, w2, &err), PLM_EFORMAT);
	ck_assert_ptr_nonnull(strstr(err.msg, ":1: name 'NOT_DYR'"));
	unlink(wpath);
	free(w2);
	free(w);
	msa_destroy(m);
}
END_TEST

START_TEST(test_unique_merge)
{
	msa *m = read_text(">a\nACDE\n>b\nACDF\n>c\nACDE\n>d\nGGGG\n>e\nACDF\n>f\nACDE\n", NULL);
	double w[6] = { 0.5, 0.25, 0.125, 1, 2, 4 };
	uint8_t *u = NULL;
	double *uw = NULL;
	size_t nu = 0;
	plm_err err = { 0 };
	ck_assert_int_eq(weights_unique(m, w, &u, &uw, &nu, &err), PLM_OK);
	ck_assert_uint_eq(nu, 3);
	ck_assert_int_eq(memcmp(u, m->seq, 4), 0);          /* a */
	ck_assert_int_eq(memcmp(u + 4, m->seq + 4, 4), 0);  /* b */
	ck_assert_int_eq(memcmp(u + 8, m->seq + 12, 4), 0); /* d */
	ck_assert(uw[0] == 0.5 + 0.125 + 4);
	ck_assert(uw[1] == 0.25 + 2);
	ck_assert(uw[2] == 1);
	free(u);
	free(uw);
	msa_destroy(m);

	char path[4096];
	if (shared_path("msa/kunitz_PF00014.fasta.gz", path, sizeof path) == NULL)
		return;
	ck_assert_int_eq(msa_read(path, NULL, &m, &err), PLM_OK);
	double *wk = calloc(m->n, sizeof *wk);
	ck_assert_int_eq(weights_compute(m, 0.2, wk, &err), PLM_OK);
	ck_assert_int_eq(weights_unique(m, wk, &u, &uw, &nu, &err), PLM_OK);
	ck_assert_uint_eq(nu, 8871);
	ck_assert_double_eq_tol(weights_meff(uw, nu), weights_meff(wk, m->n), 1e-9);
	/* identical rows have identical weights, so the merged weight is count x weight */
	free(u);
	free(uw);
	free(wk);
	msa_destroy(m);
}
END_TEST

/* A real family at full size (beta-lactamase, 5,028 x 202): every 25th row's weight against
 * the count by brute force at theta 0.2 and 0.4 (in every build: without OpenMP this is the
 * large-alignment check). */
START_TEST(test_family_brute_force)
{
	char path[4096];
	if (shared_path("msa/betalactamase_PF13354.fasta", path, sizeof path) == NULL)
		return;
	plm_err err = { 0 };
	msa *m = NULL;
	ck_assert_int_eq(msa_read(path, NULL, &m, &err), PLM_OK);
	const size_t n = m->n, L = m->L;
	ck_assert_uint_gt(n, 5000);
	double *w = calloc(n, sizeof *w);
	const double thetas[2] = { 0.2, 0.4 };
	for (size_t ti = 0; ti < 2; ti++) {
		ck_assert_int_eq(weights_compute(m, thetas[ti], w, &err), PLM_OK);
		size_t checked = 0, shared = 0;
		for (size_t s = 0; s < n; s += 25, checked++) {
			size_t ns = 0;
			for (size_t t = 0; t < n; t++) {
				size_t id = 0;
				for (size_t i = 0; i < L; i++)
					id += m->seq[s * L + i] == m->seq[t * L + i];
				ns += (double)id >= (1 - thetas[ti]) * (double)L;
			}
			shared += ns > 1;
			ck_assert_msg(w[s] == 1.0 / (double)ns, "theta %g row %zu: %g vs 1/%zu", thetas[ti], s, w[s], ns);
		}
		fprintf(stderr, "beta-lactamase, theta %g: %zu of %zu rows checked have neighbours\n", thetas[ti],
		        shared, checked);
		ck_assert_uint_gt(shared, 0); /* the count has neighbours to count */
	}
	free(w);
	msa_destroy(m);
}
END_TEST

#ifdef _OPENMP
/* The same weights for 1, 2 and 3 threads (registered only in an OpenMP build, so that a
 * build without it does not count an empty test as passed). */
START_TEST(test_threads_identical)
{
	char path[4096];
	if (shared_path("msa/betalactamase_PF13354.fasta", path, sizeof path) == NULL)
		return;
	plm_err err = { 0 };
	msa *m = NULL;
	ck_assert_int_eq(msa_read(path, NULL, &m, &err), PLM_OK);
	double *w1 = calloc(m->n, sizeof *w1), *w2 = calloc(m->n, sizeof *w2);
	omp_set_num_threads(1);
	ck_assert_int_eq(weights_compute(m, 0.2, w1, &err), PLM_OK);
	omp_set_num_threads(2);
	ck_assert_int_eq(weights_compute(m, 0.2, w2, &err), PLM_OK);
	ck_assert_int_eq(memcmp(w1, w2, m->n * sizeof *w1), 0);
	omp_set_num_threads(3);
	ck_assert_int_eq(weights_compute(m, 0.3, w1, &err), PLM_OK);
	omp_set_num_threads(1);
	ck_assert_int_eq(weights_compute(m, 0.3, w2, &err), PLM_OK);
	ck_assert_int_eq(memcmp(w1, w2, m->n * sizeof *w1), 0);
	free(w1);
	free(w2);
	msa_destroy(m);
}
END_TEST
#endif

/* Issue 21, case 7: the weak-data caution below M_eff = L. */
START_TEST(test_low_depth)
{
	char msg[256];
	ck_assert_int_eq(weights_low_depth(9.0, 109, msg, sizeof msg), 1);
	ck_assert_ptr_nonnull(strstr(msg, "M_eff = 9.0 is below 1 x L = 109 (M_eff/L = 0.08)"));
	ck_assert_int_eq(weights_low_depth(108.9, 109, msg, sizeof msg), 1);
	ck_assert_int_eq(weights_low_depth(109.0, 109, msg, sizeof msg), 0);
	ck_assert_str_eq(msg, "");
	ck_assert_int_eq(weights_low_depth(5000, 109, msg, sizeof msg), 0);
	ck_assert_int_eq(weights_low_depth(1.0, 0, msg, sizeof msg), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("weights");
	TCase *tc = tcase_create("weights");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_hand_counted);
	tcase_add_test(tc, test_low_depth);
	tcase_add_test(tc, test_brute_force);
	tcase_add_test(tc, test_dhfr_plmc);
	tcase_add_test(tc, test_unique_merge);
	tcase_add_test(tc, test_family_brute_force);
#ifdef _OPENMP
	tcase_add_test(tc, test_threads_identical);
#endif
	suite_add_tcase(s, tc);
	return run_suite(s);
}
