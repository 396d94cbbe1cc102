/* check_sweep: the natural-sequence overlap against all pairs by brute force, the log-spaced
 * sizes, a tiny sweep (its rows, training sequences as fixed points at P = 2 with a tiny
 * penalty, an explicit test set), the same rows for 1 and 2 threads, resuming, and the
 * rows' TSV read back. */
#include "check_common.h"

#include <math.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "model.h"
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
	/* the repetitions done per size (the plot's title): 2 at both sizes, then 1 at P = 10 when a
	   row of its second repetition goes */
	size_t lo, hi;
	sweep_reps_range(&t, &o, &lo, &hi);
	ck_assert(lo == 2 && hi == 2);
	for (size_t k = 0; k < t.n; k++)
		if (t.rows[k].P == 10 && t.rows[k].rep == 2 && t.rows[k].kind == SWEEP_TEST) {
			t.rows[k] = t.rows[--t.n];
			break;
		}
	sweep_reps_range(&t, &o, &lo, &hi);
	ck_assert_msg(lo == 1 && hi == 2, "reps %zu to %zu", lo, hi);
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
	ck_assert_int_eq(sweep_write_rows(fp, &t1, m->L), PLM_OK);
	fclose(fp);
	sweep_table back = { 0 };
	char *settings = NULL;
	ck_assert_msg(sweep_read_rows(path, &back, &settings, &err) == PLM_OK, "%s", err.msg);
	ck_assert_ptr_null(settings); /* the settings live in PREFIX.meta.txt now */
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

/* The training sizes: explicit ones sorted and deduplicated, alphas rounded (at least 1), the
 * refusals, and the log-spaced sizes capped so that a fifth of the sequences stays for testing. */
START_TEST(test_sizes)
{
	plm_err err = { 0 };
	size_t *v = NULL, n = 0;
	const double list[] = { 5, 3, 5, 1 };
	sweep_size_opts so = { list, 4, 0, 12, 0, 0 };
	ck_assert_int_eq(sweep_sizes(&so, 10, 20, 7.0, &v, &n, &err), PLM_OK);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(v[0], 1);
	ck_assert_uint_eq(v[1], 3);
	ck_assert_uint_eq(v[2], 5);
	free(v);
	const double big[] = { 3, 11 };
	so.list = big;
	so.nlist = 2;
	ck_assert_int_eq(sweep_sizes(&so, 10, 20, 7.0, &v, &n, &err), PLM_EINVAL);
	ck_assert_ptr_null(v);
	ck_assert_str_eq(err.msg, "training size 11 exceeds the 10 kept sequences");
	/* alphas: P = round(alpha L), at least 1; 0.51 * 20 = 10.2 -> 10; 0.01 * 20 -> 1 */
	const double al[] = { 0.51, 0.01, 0.1 };
	so.list = al;
	so.nlist = 3;
	so.alphas = 1;
	ck_assert_int_eq(sweep_sizes(&so, 10, 20, 7.0, &v, &n, &err), PLM_OK);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(v[0], 1);
	ck_assert_uint_eq(v[1], 2);
	ck_assert_uint_eq(v[2], 10);
	free(v);
	const double al2[] = { 0.6 };
	so.list = al2;
	so.nlist = 1;
	ck_assert_int_eq(sweep_sizes(&so, 10, 20, 7.0, &v, &n, &err), PLM_EINVAL);
	ck_assert_str_eq(err.msg, "training size 12 (from --alphas) exceeds the 10 kept sequences");
	/* log-spaced: up to M_eff rounded (7.6 -> 8), but 10 - 2 = 8 at most without a test set */
	sweep_size_opts lg = { NULL, 0, 0, 4, 0, 0 };
	size_t *ref = NULL, nref = 0;
	ck_assert_int_eq(sweep_sizes(&lg, 10, 20, 7.6, &v, &n, &err), PLM_OK);
	ck_assert_int_eq(sweep_log_sizes(8, 4, &ref, &nref, &err), PLM_OK);
	ck_assert_uint_eq(n, nref);
	ck_assert_uint_eq(v[n - 1], 8);
	ck_assert_int_eq(memcmp(v, ref, n * sizeof *v), 0);
	free(v);
	free(ref);
	lg.max_size = 100; /* capped at 8 too */
	ck_assert_int_eq(sweep_sizes(&lg, 10, 20, 7.6, &v, &n, &err), PLM_OK);
	ck_assert_uint_eq(v[n - 1], 8);
	free(v);
	lg.test_given = 1; /* an explicit test set: all 10 may train */
	ck_assert_int_eq(sweep_sizes(&lg, 10, 20, 7.6, &v, &n, &err), PLM_OK);
	ck_assert_uint_eq(v[n - 1], 10);
	free(v);
	lg.test_given = 0;
	ck_assert_int_eq(sweep_sizes(&lg, 1, 20, 1.0, &v, &n, &err), PLM_EINVAL);
	ck_assert_str_eq(err.msg, "1 kept sequence: too few for a training and a test set");
	lg.test_given = 1;
	ck_assert_int_eq(sweep_sizes(&lg, 1, 20, 1.0, &v, &n, &err), PLM_OK);
	ck_assert_uint_eq(n, 1);
	free(v);
}
END_TEST

/* The resume key: its exact text at the defaults (as tables written before it moved here have
 * it), every one of its 22 settings changes it, lbfgs-m only when set; a table resumes only
 * under its own key. */
START_TEST(test_settings_key_and_resume)
{
	msa *m = random_msa(12, 6, 3);
	msa_opts read;
	msa_opts_default(&read);
	sweep_opts o;
	sweep_opts_default(&o);
	plm_err err = { 0 };
	char *key = NULL;
	ck_assert_int_eq(sweep_settings_key(&o, m, &read, NULL, NULL, NULL, &key, &err), PLM_OK);
	ck_assert_str_eq(key, "format=fasta alphabet=protein unknown=drop focus=- max-gap-seq=1 max-gap-col=1 "
	                 "theta=0.20000000000000001 weights=- lambda-h=0.01 lambda-j=auto max-iter=500 "
	                 "tol=0.00050000000000000001 no-fields=0 symmetric=0 starts=2000 seed=1 kinds=7 "
	                 "couplings=3 test=- update=sequential order=ascending max-sweeps=1000");
	/* each change below must give another key */
	for (int f = 0; f < 25; f++) {
		sweep_opts x = o;
		msa_opts r = read;
		const char *wf = NULL, *tp = NULL, *rp = NULL;
		switch (f) {
		case 0: m->format = MSA_FORMAT_A2M; break;
		case 1: r.unknown = MSA_UNKNOWN_GAP; break;
		case 2: r.focus = "s1"; break;
		case 3: r.max_gap_seq = 0.5; break;
		case 4: r.max_gap_col = 0.5; break;
		case 5: x.theta = 0.3; break;
		case 6: wf = "w.txt"; break;
		case 7: x.fit.lambda_h = 0.02; break;
		case 8: x.fit.lambda_j = 0.1; break;
		case 9: x.fit.max_iter = 5; break;
		case 10: x.fit.tol = 1e-3; break;
		case 11: x.fit.no_fields = 1; break;
		case 12: x.fit.symmetric = 1; break;
		case 13: x.starts = 3; break;
		case 14: x.seed = 2; break;
		case 15: x.kinds = 1; break;
		case 16: x.coups = 1; break;
		case 17: tp = "t.fa"; break;
		case 18: x.dyn.update = DYN_UPDATE_PARALLEL; break;
		case 19: x.dyn.order = DYN_ORDER_RANDOM; break;
		case 20: x.dyn.max_sweeps = 7; break;
		case 21: x.fit.lbfgs_m = 5; break;
		case 22: x.cycle_end = SWEEP_CYCLE_MAX_SWEEPS; break;
		case 23: rp = "truth.model"; break;
		default: x.reps = 3; x.first_rep = 2; x.sizes = NULL; break; /* not part of the key */
		}
		char *k2 = NULL;
		ck_assert_int_eq(sweep_settings_key(&x, m, &r, wf, tp, rp, &k2, &err), PLM_OK);
		if (f < 24)
			ck_assert_msg(strcmp(k2, key) != 0, "setting %d does not change the key", f);
		else
			ck_assert_str_eq(k2, key);
		if (f == 21)
			ck_assert_ptr_nonnull(strstr(k2, "max-sweeps=1000 lbfgs-m=5"));
		free(k2);
		m->format = MSA_FORMAT_FASTA;
	}
	/* resume: absent, the same key, another key */
	char path[256];
	snprintf(path, sizeof path, "%s/check_sweep_resume.%ld.tsv", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
	         (long)getpid());
	sweep_table t = { 0 };
	int found = 1;
	unlink(path);
	char meta[300];
	snprintf(meta, sizeof meta, "%s.meta.txt", path);
	unlink(meta);
	ck_assert_int_eq(sweep_resume(path, meta, key, &t, &found, &err), PLM_OK);
	ck_assert_int_eq(found, 0);
	ck_assert_uint_eq(t.n, 0);
	sweep_row row = { .P = 2, .rep = 1, .kind = SWEEP_TRAIN, .coup = SWEEP_ASYM, .starts = 4, .runs = 2,
	                  .overlap = 0.75 };
	sweep_table w = { &row, 1, 1 };
	char header[4096];
	snprintf(header, sizeof header, "a sweep\nsettings: %s", key);
	FILE *fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(sweep_write_rows(fp, &w, 6), PLM_OK);
	fclose(fp);
	/* the table alone: no settings to compare */
	ck_assert_int_eq(sweep_resume(path, meta, key, &t, &found, &err), PLM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "(none)"));
	sweep_table_free(&t);
	fp = fopen(meta, "w");
	ck_assert_ptr_nonnull(fp);
	ck_assert_int_eq(sweep_write_meta(fp, header), PLM_OK);
	fclose(fp);
	/* the table starts with its column names: no comment line */
	fp = fopen(path, "r");
	char first[8] = "";
	ck_assert_ptr_nonnull(fgets(first, sizeof first, fp));
	fclose(fp);
	ck_assert_str_eq(first, "P\talpha");
	ck_assert_int_eq(sweep_resume(path, meta, key, &t, &found, &err), PLM_OK);
	ck_assert_int_eq(found, 1);
	ck_assert_uint_eq(t.n, 1);
	ck_assert(t.rows[0].overlap == 0.75);
	/* the points done and the mean overlap over repetitions */
	const size_t sizes[2] = { 2, 3 };
	o.sizes = sizes;
	o.nsizes = 2;
	o.reps = 2;
	o.kinds = 1u << SWEEP_TRAIN;
	o.coups = 1u << SWEEP_ASYM;
	ck_assert_uint_eq(sweep_points_done(&t, &o), 1);
	ck_assert(sweep_mean_overlap(&t, &o, 2, SWEEP_TRAIN, SWEEP_ASYM) == 0.75);
	ck_assert(isnan(sweep_mean_overlap(&t, &o, 3, SWEEP_TRAIN, SWEEP_ASYM)));
	ck_assert(isnan(sweep_mean_overlap(&t, &o, 2, SWEEP_TEST, SWEEP_ASYM)));
	o.coups = 3u; /* the symmetrized row is missing: not done */
	ck_assert_uint_eq(sweep_points_done(&t, &o), 0);
	sweep_table_free(&t);
	key[0] = 'F';
	ck_assert_int_eq(sweep_resume(path, meta, key, &t, &found, &err), PLM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "was made with other settings"));
	sweep_table_free(&t);
	unlink(path);
	unlink(meta);
	free(key);
	msa_destroy(m);
}
END_TEST

/* The rows' numbers, not only their range, for every start kind: one training sequence t
 * (P = 1, tiny penalty, asymmetric couplings).  Its fields and the trained couplings
 * J_ij(., t_j) all favour t_i, and the couplings of states absent from the training set stay 0,
 * so every start reaches t in one sweep.  Then, by hand:
 *   train: the start is t: fixed at the start, overlap 1;
 *   test: seven sequences that each agree with t at exactly 3 of the 10 positions: overlap
 *     0.3 for every draw (sd 0), none fixed at the start, all fixed in 1 sweep;
 *   random: overlap = the fraction of positions where a uniform random sequence agrees
 *     with t, mean 1/21 (within 4 binomial sd over 200 draws x 10 positions). */
START_TEST(test_rows_by_hand)
{
	const char *t = "ACDEFGHIKL";
	char text[64], path[256];
	snprintf(text, sizeof text, ">t\n%s\n", t);
	tmp_text_file("check_sweep", text, path, sizeof path);
	plm_err err = { 0 };
	msa *m = NULL, *x = NULL;
	ck_assert_msg(msa_read(path, NULL, &m, &err) == PLM_OK, "%s", err.msg);
	unlink(path);
	/* test sequence k keeps t at positions k, k + 1, k + 2 (mod 10), else 'W' or 'Y' */
	char tt[1024];
	size_t o = 0;
	for (size_t k = 0; k < 7; k++) {
		o += (size_t)snprintf(tt + o, sizeof tt - o, ">x%zu\n", k);
		for (size_t i = 0; i < 10; i++)
			tt[o++] = (i + 10 - k) % 10 < 3 ? t[i] : "WY"[(i + k) % 2];
		tt[o++] = '\n';
	}
	tt[o] = '\0';
	tmp_text_file("check_sweep", tt, path, sizeof path);
	ck_assert_msg(msa_read(path, NULL, &x, &err) == PLM_OK, "%s", err.msg);
	unlink(path);
	uint8_t *test = NULL;
	ck_assert_int_eq(split_map_columns(m, x, &test, &err), PLM_OK);
	for (size_t k = 0; k < 7; k++)
		ck_assert_double_eq_tol(dyn_overlap(test + k * 10, m->seq, 10), 0.3, 1e-12);
	double w[1] = { 1.0 };
	const size_t sizes[1] = { 1 };
	sweep_opts so;
	tiny_opts(&so, sizes, 1);
	so.reps = 1;
	so.starts = 200;
	so.test = test;
	so.ntest = 7;
	so.coups = 1u << SWEEP_ASYM;
	sweep_table tab = { 0 };
	ck_assert_msg(sweep_run(m, w, &so, &tab, &err) == PLM_OK, "%s", err.msg);
	ck_assert_uint_eq(tab.n, SWEEP_NKINDS);
	const sweep_row *tr = sweep_table_find(&tab, 1, 1, SWEEP_TRAIN, SWEEP_ASYM);
	const sweep_row *te = sweep_table_find(&tab, 1, 1, SWEEP_TEST, SWEEP_ASYM);
	const sweep_row *ra = sweep_table_find(&tab, 1, 1, SWEEP_RANDOM, SWEEP_ASYM);
	ck_assert(tr && te && ra);
	ck_assert(tr->fixed_start == 1.0 && tr->overlap == 1.0 && tr->fixed_end == 1.0 && tr->sweeps == 0.0);
	ck_assert_uint_eq(te->starts, 200);
	ck_assert_uint_eq(te->runs, 7);
	ck_assert_double_eq_tol(te->overlap, 0.3, 1e-12);
	ck_assert_double_eq_tol(te->overlap_sd, 0.0, 1e-12);
	ck_assert(te->fixed_start == 0.0 && te->fixed_end == 1.0 && te->sweeps == 1.0);
	ck_assert(te->cycle == 0.0 && te->max_sweeps == 0.0);
	double p = 1.0 / 21.0, sd = sqrt(p * (1 - p) / 2000.0);
	ck_assert_uint_eq(ra->runs, 200);
	ck_assert_msg(fabs(ra->overlap - p) < 4 * sd, "random starts: overlap %g, expected %g +- %g", ra->overlap,
	              p, 4 * sd);
	ck_assert(ra->fixed_start == 0.0 && ra->fixed_end == 1.0 && ra->sweeps == 1.0);
	sweep_table_free(&tab);
	free(test);
	msa_destroy(x);
	msa_destroy(m);
}
END_TEST

/* --sizes and --alphas: positive numbers, whole ones for sizes. */
/* A binary model whose parallel dynamics rotate the state: a_i <- a_{i+1 mod L} (J_i,i+1(a, b)
 * = 1 when a = b, else -1; nothing else), so that a start of period L cycles through its L
 * rotations and the state after exactly t sweeps is known by hand. */
static plm_model *rotation_model(size_t L)
{
	plm_model *mod = NULL;
	plm_err err = { 0 };
	ck_assert_msg(model_create(L, 2, &mod, &err) == PLM_OK, "%s", err.msg);
	for (size_t i = 0; i < L; i++) {
		float *J = model_J(mod, i, (i + 1) % L);
		for (int a = 0; a < 2; a++)
			for (int b = 0; b < 2; b++)
				J[a * 2 + b] = a == b ? 1.0f : -1.0f;
	}
	return mod;
}

/* --reference and --cycle-end: the reference rows of a rotation model from one training
 * sequence, against the rotation by max-sweeps counted by hand (followed), and against the
 * state where the cycle is detected (sweep L: the start itself, overlap 1). */
START_TEST(test_reference_cycle_end)
{
	enum { L = 5 };
	const char start[L + 1] = "11010";
	char text[16], path[256];
	snprintf(text, sizeof text, "%s\n", start);
	tmp_text_file("check_sweep_ref", text, path, sizeof path);
	msa_opts mo;
	msa_opts_default(&mo);
	mo.alphabet = "binary";
	msa *m = NULL;
	plm_err err = { 0 };
	ck_assert_msg(msa_read(path, &mo, &m, &err) == PLM_OK, "%s", err.msg);
	unlink(path);
	plm_model *ref = rotation_model(L);
	double w[1] = { 1.0 };
	const size_t sizes[1] = { 1 };
	for (size_t M = 1; M <= 12; M++)
		for (int follow = 0; follow < 2; follow++) {
			sweep_opts o;
			tiny_opts(&o, sizes, 1);
			o.reps = 1;
			o.starts = 3;
			o.kinds = 1u << SWEEP_TRAIN;
			o.coups = 1u << SWEEP_ASYM;
			o.dyn.update = DYN_UPDATE_PARALLEL;
			o.dyn.max_sweeps = M;
			o.cycle_end = follow ? SWEEP_CYCLE_MAX_SWEEPS : SWEEP_CYCLE_DETECTED;
			o.reference = ref;
			sweep_table t = { 0 };
			ck_assert_msg(sweep_run(m, w, &o, &t, &err) == PLM_OK, "%s", err.msg);
			const sweep_row *r = sweep_table_find(&t, SWEEP_REFERENCE_P, 1, SWEEP_TRAIN, SWEEP_ASYM);
			ck_assert_ptr_nonnull(r);
			ck_assert_uint_eq(r->starts, 3);
			/* by hand: after t sweeps a_i = start_{(i + t) mod L}; the cycle closes at sweep L */
			size_t t_end = follow || M < L ? M : L, same = 0;
			for (size_t i = 0; i < L; i++)
				same += start[i] == start[(i + t_end) % L];
			ck_assert_msg(fabs(r->overlap - (double)same / L) < 1e-12, "M %zu follow %d: overlap %g, by hand %g", M,
			              follow, r->overlap, (double)same / L);
			ck_assert(r->cycle == (M >= L ? 1.0 : 0.0));
			ck_assert(sweep_table_find(&t, 1, 1, SWEEP_TRAIN, SWEEP_ASYM) != NULL);
			sweep_table_free(&t);
		}
	/* a reference model of another size is refused */
	model_destroy(ref);
	ref = rotation_model(L + 1);
	sweep_opts o;
	tiny_opts(&o, sizes, 1);
	o.reference = ref;
	sweep_table t = { 0 };
	ck_assert_int_eq(sweep_run(m, w, &o, &t, &err), PLM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "reference model"));
	/* following cycles needs deterministic dynamics */
	o.reference = NULL;
	o.cycle_end = SWEEP_CYCLE_MAX_SWEEPS;
	o.dyn.order = DYN_ORDER_RANDOM;
	ck_assert_int_eq(sweep_run(m, w, &o, &t, &err), PLM_EINVAL);
	sweep_table_free(&t);
	model_destroy(ref);
	msa_destroy(m);
}
END_TEST

START_TEST(test_parse_list)
{
	plm_err err = { 0 };
	double *v = NULL;
	size_t n = 0;
	ck_assert_int_eq(sweep_parse_list("3,1.5,20", 0, &v, &n, &err), PLM_OK);
	ck_assert_uint_eq(n, 3);
	ck_assert(v[0] == 3 && v[1] == 1.5 && v[2] == 20);
	free(v);
	ck_assert_int_eq(sweep_parse_list("3,1.5", 1, &v, &n, &err), PLM_EINVAL);
	ck_assert_str_eq(err.msg, "1.5 is not a whole number (use --alphas for P / L)");
	const char *bad[] = { "", "3,", ",3", "3,,4", "0", "-2", "3;4", "x", "1e999" };
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
		ck_assert_msg(sweep_parse_list(bad[k], 0, &v, &n, &err) == PLM_EINVAL, "'%s' accepted", bad[k]);
	ck_assert_ptr_nonnull(strstr(err.msg, "expected positive numbers separated by commas"));
	ck_assert_str_eq(sweep_kind_names[SWEEP_TEST], "test");
	ck_assert_ptr_null(sweep_kind_names[SWEEP_NKINDS]);
	ck_assert_ptr_null(sweep_coup_names[SWEEP_NCOUPS]);
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
	tcase_add_test(tc, test_sizes);
	tcase_add_test(tc, test_parse_list);
	tcase_add_test(tc, test_settings_key_and_resume);
	tcase_add_test(tc, test_rows_by_hand);
	tcase_add_test(tc, test_reference_cycle_end);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
