/* check_sample: the heat-bath sampler against exact enumeration of a small symmetric Potts
 * model (chi-square of the state frequencies, and the same test's power against a wrong
 * temperature), beta = inf against relax's dynamics, thread-count and call-split
 * independence, and the alignment statistics on cases worked out by hand.  Fixed seeds. */
#include "check_common.h"

#include <math.h>
#include <stdint.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "dynamics.h"
#include "model.h"
#include "rng.h"
#include "sample.h"

/* Gaussian fields and couplings; symmetric (J_ji = J_ij^T) when SYM. */
static plm_model *random_model(size_t L, size_t q, uint64_t seed, double hs, double js, int sym)
{
	plm_model *m = bare_model(L, q);
	plm_rng r;
	rng_seed(&r, seed, 0);
	for (size_t k = 0; k < L * q; k++)
		m->h[k] = (float)(hs * rng_normal(&r));
	for (size_t i = 0; i < L; i++)
		for (size_t j = 0; j < L; j++) {
			if (i == j || (sym && j < i))
				continue;
			for (size_t a = 0; a < q; a++)
				for (size_t b = 0; b < q; b++) {
					float x = (float)(js * rng_normal(&r));
					model_J(m, i, j)[a * q + b] = x;
					if (sym)
						model_J(m, j, i)[b * q + a] = x;
				}
		}
	return m;
}

/* Index of state A in base q (site 0 most significant). */
static size_t state_index(const uint8_t *a, size_t L, size_t q)
{
	size_t k = 0;
	for (size_t i = 0; i < L; i++)
		k = k * q + a[i];
	return k;
}

/* Exact Boltzmann probabilities exp(-beta E(a)) / Z of every state, E by dyn_energy. */
static double *boltzmann(const dyn_model *d, double beta)
{
	size_t L = d->L, q = d->q, n = 1;
	for (size_t i = 0; i < L; i++)
		n *= q;
	double *p = malloc(n * sizeof *p), z = 0.0;
	uint8_t a[16];
	for (size_t k = 0; k < n; k++) {
		size_t x = k;
		for (size_t i = L; i-- > 0; x /= q)
			a[i] = (uint8_t)(x % q);
		ck_assert_uint_eq(state_index(a, L, q), k);
		p[k] = exp(-beta * dyn_energy(d, a));
		z += p[k];
	}
	for (size_t k = 0; k < n; k++)
		p[k] /= z;
	return p;
}

/* Chi-square of COUNT (N samples) against P over NS states. */
static double chi_square(const double *count, const double *p, size_t ns, double n)
{
	double x2 = 0.0;
	for (size_t k = 0; k < ns; k++) {
		double e = n * p[k];
		x2 += (count[k] - e) * (count[k] - e) / e;
	}
	return x2;
}

/* L = 5, q = 3 (243 states), symmetric random couplings, beta = 1: the frequencies of
 * thinned samples from many chains match exp(-E)/Z (chi-square below df + 4 sd, df = 242),
 * in both sweep orders; the same counts are far from the beta = 1.3 distribution, so the
 * test can tell a wrong temperature. */
START_TEST(test_exact_boltzmann)
{
#ifdef _OPENMP
	omp_set_num_threads(1);
#endif
	const size_t L = 5, q = 3, ns = 243, chains = 100, every = 6, nrec = 500, burn = 4;
	plm_model *m = random_model(L, q, 1234, 0.3, 0.2, 1);
	dyn_model *d;
	plm_err err;
	ck_assert_int_eq(dyn_model_create(m, 0, &d, &err), PLM_OK);
	ck_assert_int_eq(d->symmetric, 1);
	double *p = boltzmann(d, 1.0), *pw = boltzmann(d, 1.3);
	double pmin = 1.0;
	for (size_t k = 0; k < ns; k++)
		pmin = p[k] < pmin ? p[k] : pmin;
	ck_assert_msg(pmin * chains * nrec > 5.0, "smallest expected count %g", pmin * chains * nrec);
	double df = (double)(ns - 1), bound = df + 4.0 * sqrt(2.0 * df);
	for (int order = 0; order < 2; order++) {
		sample_opts o;
		sample_opts_default(&o);
		o.order = order ? DYN_ORDER_RANDOM : DYN_ORDER_ASCENDING;
		o.seed = 77 + (uint64_t)order;
		sample_chains *ch;
		ck_assert_int_eq(sample_chains_create(d, &o, chains, NULL, 0, &ch, &err), PLM_OK);
		ck_assert_int_eq(sample_chains_run(ch, burn, &err), PLM_OK);
		double *count = calloc(ns, sizeof *count);
		for (size_t t = 0; t < nrec; t++) {
			ck_assert_int_eq(sample_chains_run(ch, every, &err), PLM_OK);
			const uint8_t *a = sample_chains_states(ch);
			for (size_t c = 0; c < chains; c++) {
				count[state_index(a + c * L, L, q)] += 1.0;
				/* the energy reported is the state's */
				if (t == nrec - 1)
					ck_assert_double_eq_tol(sample_chains_energy(ch, c), dyn_energy(d, a + c * L), 1e-9);
			}
		}
		double n = (double)(chains * nrec);
		double x2 = chi_square(count, p, ns, n), x2w = chi_square(count, pw, ns, n);
		fprintf(stderr, "exact Boltzmann (order %d, seed %llu): chi2 = %.1f (df %.0f, bound %.1f); "
		        "against beta 1.3: %.1f\n", order, (unsigned long long)o.seed, x2, df, bound, x2w);
		ck_assert_msg(x2 < bound, "order %d: chi2 %.1f above %.1f", order, x2, bound);
		ck_assert_msg(x2w > 3.0 * bound, "order %d: beta 1.3 not rejected (chi2 %.1f)", order, x2w);
		free(count);
		sample_chains_destroy(ch);
	}
	free(p);
	free(pw);
	dyn_model_destroy(d);
	bare_free(m);
}
END_TEST

/* Exact mean and variance of the energy at BETA (by enumeration). */
static void exact_energy(const dyn_model *d, double beta, double *mean, double *var)
{
	double *p = boltzmann(d, beta);
	size_t L = d->L, q = d->q, n = 1;
	for (size_t i = 0; i < L; i++)
		n *= q;
	double m1 = 0.0, m2 = 0.0;
	uint8_t a[16];
	for (size_t k = 0; k < n; k++) {
		size_t x = k;
		for (size_t i = L; i-- > 0; x /= q)
			a[i] = (uint8_t)(x % q);
		double e = dyn_energy(d, a);
		m1 += p[k] * e;
		m2 += p[k] * e * e;
	}
	free(p);
	*mean = m1;
	*var = m2 - m1 * m1;
}

/* The temperature itself: the mean energy is the sufficient statistic for beta, so it is the
 * sharpest test of it.  L = 6, q = 3 (729 states), symmetric couplings (energy sd 1.1);
 * 200 chains, 400 samples each (every 3 sweeps).  The standard error comes from the
 * spread of the 200 chain means (independent chains, whatever the autocorrelation within a
 * chain).  The sample mean must lie within 4 standard errors of the exact <E> at beta = 1, and
 * the test must have the power to reject 1.05 beta: the exact <E> there lies more than 8
 * standard errors away (it is 16), so a sampler at 1.05 beta fails with probability > 0.9999.
 * Measured (PLMEM_SAMPLE_SEED = 1..20): |z| <= 2.3 on the code; z from -13.8 to -19.5 with the
 * heat bath at 1.05 beta, caught 20 times out of 20. */
START_TEST(test_energy_power)
{
#ifdef _OPENMP
	omp_set_num_threads(1);
#endif
	const size_t L = 6, q = 3, chains = 200, every = 3, nrec = 400, burn = 10;
	plm_model *m = random_model(L, q, 4321, 0.5, 0.4, 1);
	dyn_model *d;
	plm_err err;
	ck_assert_int_eq(dyn_model_create(m, 0, &d, &err), PLM_OK);
	ck_assert_int_eq(d->symmetric, 1);
	double e1, v1, e2, v2;
	exact_energy(d, 1.0, &e1, &v1);
	exact_energy(d, 1.05, &e2, &v2);
	const char *env = getenv("PLMEM_SAMPLE_SEED"); /* for measuring the power on a mutant */
	sample_opts o;
	sample_opts_default(&o);
	o.seed = env ? strtoull(env, NULL, 10) : 2024;
	sample_chains *ch;
	ck_assert_int_eq(sample_chains_create(d, &o, chains, NULL, 0, &ch, &err), PLM_OK);
	ck_assert_int_eq(sample_chains_run(ch, burn, &err), PLM_OK);
	double *cm = calloc(chains, sizeof *cm);
	for (size_t t = 0; t < nrec; t++) {
		ck_assert_int_eq(sample_chains_run(ch, every, &err), PLM_OK);
		for (size_t c = 0; c < chains; c++)
			cm[c] += sample_chains_energy(ch, c) / (double)nrec;
	}
	double mean = 0.0, ss = 0.0;
	for (size_t c = 0; c < chains; c++)
		mean += cm[c] / (double)chains;
	for (size_t c = 0; c < chains; c++)
		ss += (cm[c] - mean) * (cm[c] - mean);
	double se = sqrt(ss / (double)(chains - 1) / (double)chains);
	double z = (mean - e1) / se, zw = (e2 - e1) / se;
	fprintf(stderr, "energy (seed %llu): mean %.5f, exact %.5f at beta 1 (sd %.3f), %.5f at 1.05; "
	        "se %.5f, z %.2f, separation of 1.05 beta %.1f se\n", (unsigned long long)o.seed, mean, e1,
	        sqrt(v1), e2, se, z, zw);
	ck_assert_msg(fabs(z) < 4.0, "mean energy %.5f is %.1f standard errors from the exact %.5f", mean, z, e1);
	ck_assert_msg(fabs(zw) > 8.0, "the test cannot tell 1.05 beta (%.1f se)", zw);
	free(cm);
	sample_chains_destroy(ch);
	dyn_model_destroy(d);
	bare_free(m);
}
END_TEST

/* beta = inf runs relax's rule: from the same starts, sequential ascending sweeps end where
 * dyn_run ends, and so does a very large finite beta; parallel updates too while relax
 * reaches a fixed point. */
START_TEST(test_beta_inf_is_relax)
{
	const size_t L = 40, q = 4, n = 12;
	plm_model *m = random_model(L, q, 99, 0.5, 0.03, 0);
	dyn_model *d;
	plm_err err;
	ck_assert_int_eq(dyn_model_create(m, 1, &d, &err), PLM_OK);
	dyn_work *w;
	ck_assert_int_eq(dyn_work_create(d, &w, &err), PLM_OK);
	uint8_t *starts = malloc(n * L), *ends = malloc(n * L);
	plm_rng r;
	rng_seed(&r, 5, 0);
	for (size_t k = 0; k < n * L; k++)
		starts[k] = (uint8_t)rng_below(&r, q);
	for (int upd = 0; upd < 2; upd++) {
		dyn_opts o;
		dyn_opts_default(&o);
		o.update = upd ? DYN_UPDATE_PARALLEL : DYN_UPDATE_SEQUENTIAL;
		size_t fixed = 0;
		int is_fixed[12];
		for (size_t k = 0; k < n; k++) {
			dyn_result res;
			memcpy(ends + k * L, starts + k * L, L);
			dyn_run(d, &o, w, ends + k * L, NULL, &res);
			is_fixed[k] = res.status == DYN_FIXED;
			fixed += (size_t)is_fixed[k];
		}
		ck_assert_uint_ge(fixed, n / 2);
		for (int fin = 0; fin < 2; fin++) {
			sample_opts so;
			sample_opts_default(&so);
			so.beta = fin ? 1e7 : INFINITY;
			so.update = o.update;
			sample_chains *ch;
			ck_assert_int_eq(sample_chains_create(d, &so, n, starts, n, &ch, &err), PLM_OK);
			ck_assert_int_eq(sample_chains_run(ch, 300, &err), PLM_OK);
			const uint8_t *a = sample_chains_states(ch);
			for (size_t k = 0; k < n; k++)
				if (is_fixed[k])
					ck_assert_msg(memcmp(a + k * L, ends + k * L, L) == 0,
					              "update %d beta %g: chain %zu does not end where relax ends", upd, so.beta, k);
			sample_chains_destroy(ch);
		}
	}
	free(starts);
	free(ends);
	dyn_work_destroy(w);
	dyn_model_destroy(d);
	bare_free(m);
}
END_TEST

/* The same states for 1 or 3 threads and for 30 sweeps run at once or as 10 + 20; a
 * different seed gives different states. */
START_TEST(test_deterministic)
{
	const size_t L = 25, q = 5, n = 7;
	plm_model *m = random_model(L, q, 3, 0.5, 0.2, 0);
	dyn_model *d;
	plm_err err;
	ck_assert_int_eq(dyn_model_create(m, 0, &d, &err), PLM_OK);
	uint8_t *ref = malloc(n * L);
	for (int mode = 0; mode < 4; mode++) {
#ifdef _OPENMP
		omp_set_num_threads(mode % 2 ? 3 : 1);
#endif
		sample_opts so;
		sample_opts_default(&so);
		so.order = DYN_ORDER_RANDOM;
		so.seed = mode == 3 ? 43 : 42;
		sample_chains *ch;
		ck_assert_int_eq(sample_chains_create(d, &so, n, NULL, 0, &ch, &err), PLM_OK);
		if (mode == 2) {
			ck_assert_int_eq(sample_chains_run(ch, 10, &err), PLM_OK);
			ck_assert_int_eq(sample_chains_run(ch, 20, &err), PLM_OK);
		} else {
			ck_assert_int_eq(sample_chains_run(ch, 30, &err), PLM_OK);
		}
		ck_assert_uint_eq(sample_chains_sweeps(ch), 30);
		if (mode == 0)
			memcpy(ref, sample_chains_states(ch), n * L);
		else if (mode < 3)
			ck_assert_msg(memcmp(ref, sample_chains_states(ch), n * L) == 0, "mode %d differs", mode);
		else
			ck_assert_msg(memcmp(ref, sample_chains_states(ch), n * L) != 0, "seed ignored");
		sample_chains_destroy(ch);
	}
#ifdef _OPENMP
	omp_set_num_threads(1);
#endif
	free(ref);
	dyn_model_destroy(d);
	bare_free(m);
}
END_TEST

/* Statistics by hand: an alignment compared with itself (r = 1, overlap 1), and the
 * nearest-sequence overlaps of two samples worked out by hand; bad arguments refused. */
START_TEST(test_stats_by_hand)
{
	const uint8_t aln[] = { 0, 0, 0,  0, 1, 1,  1, 0, 1,  1, 1, 1 };
	const double w[] = { 1.0, 2.0, 1.0, 1.0 };
	sample_ref *r;
	plm_err err;
	ck_assert_int_eq(sample_ref_create(aln, NULL, 4, 3, 2, &r, &err), PLM_OK);
	sample_stats st;
	ck_assert_int_eq(sample_ref_compare(r, aln, 4, &st, &err), PLM_OK);
	ck_assert_double_eq_tol(st.r_f1, 1.0, 1e-12);
	ck_assert_double_eq_tol(st.r_f2, 1.0, 1e-12);
	ck_assert_double_eq_tol(st.r_c2, 1.0, 1e-12);
	ck_assert_double_eq_tol(st.overlap, 1.0, 1e-12);
	/* 110 is 2/3 from 111 and 1/3 from the others; 000 is in the alignment */
	const uint8_t smp[] = { 1, 1, 0,  0, 0, 0 };
	ck_assert_int_eq(sample_ref_compare(r, smp, 2, &st, &err), PLM_OK);
	ck_assert_double_eq_tol(st.overlap, (2.0 / 3.0 + 1.0) / 2.0, 1e-12);
	ck_assert_double_eq_tol(st.overlap_min, 2.0 / 3.0, 1e-12);
	ck_assert_double_eq_tol(st.overlap_max, 1.0, 1e-12);
	sample_ref_destroy(r);
	/* weights 1, 2, 1, 1: the alignment's frequencies are no longer the samples' */
	ck_assert_int_eq(sample_ref_create(aln, w, 4, 3, 2, &r, &err), PLM_OK);
	ck_assert_int_eq(sample_ref_compare(r, aln, 4, &st, &err), PLM_OK);
	ck_assert(st.r_f2 < 1.0 && st.r_f2 > 0.0);
	ck_assert_int_eq(sample_ref_compare(r, aln, 0, &st, &err), PLM_EINVAL);
	sample_ref_destroy(r);
	ck_assert_int_eq(sample_ref_create(aln, NULL, 4, 1, 2, &r, &err), PLM_EINVAL);
}
END_TEST

/* Bad options are refused with a message. */
START_TEST(test_refusals)
{
	plm_model *m = random_model(4, 2, 1, 0.1, 0.1, 1);
	dyn_model *d;
	plm_err err;
	ck_assert_int_eq(dyn_model_create(m, 0, &d, &err), PLM_OK);
	sample_opts so;
	sample_opts_default(&so);
	sample_chains *ch;
	so.beta = 0.0;
	ck_assert_int_eq(sample_chains_create(d, &so, 3, NULL, 0, &ch, &err), PLM_EINVAL);
	ck_assert(strstr(err.msg, "inverse temperature") != NULL);
	so.beta = 1.0;
	ck_assert_int_eq(sample_chains_create(d, &so, 0, NULL, 0, &ch, &err), PLM_EINVAL);
	dyn_model_destroy(d);
	bare_free(m);
}
END_TEST

static Suite *sample_suite(void)
{
	Suite *s = suite_create("sample");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_exact_boltzmann);
	tcase_add_test(tc, test_energy_power);
	tcase_add_test(tc, test_beta_inf_is_relax);
	tcase_add_test(tc, test_deterministic);
	tcase_add_test(tc, test_stats_by_hand);
	tcase_add_test(tc, test_refusals);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(sample_suite());
}
