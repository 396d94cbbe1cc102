/* check_ea: the Edwards-Anderson sampler against exact enumeration (4 x 4 Gaussian: all 65,536
 * states; 5 x 5 with frustrated +-J bonds: all 2^25),
 * its spin-spin correlations against an independent single-temperature Metropolis run, the
 * same samples for any thread count, and the true-coupling model's energy. */
#include "check_common.h"

#include <math.h>
#include <stdint.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#include "ea.h"
#include "rng.h"

static ea_run *sample(size_t Ls, double T, double Tmax, size_t nt, size_t C, size_t ns,
                      size_t equil, size_t thin, uint64_t seed, uint64_t disorder)
{
	ea_opts o;
	plm_err err;
	ea_run *r = NULL;
	ea_opts_default(&o);
	o.Ls = Ls;
	o.T = T;
	o.T_max = Tmax;
	o.ntemps = nt;
	o.nchains = C;
	o.nsamples = ns;
	o.equil = equil;
	o.thin = thin;
	o.seed = seed;
	o.disorder = disorder;
	ck_assert_int_eq(ea_run_create(&o, &r, &err), PLM_OK);
	return r;
}

/* Exact <E> and the histogram of E in NB equal bins over [lo, hi] at temperature T. */
static void exact(const ea_lattice *l, double T, size_t nb, double lo, double hi, double *mean,
                  double *hist)
{
	int8_t s[16];
	double z = 0.0, ez = 0.0, emin = INFINITY;
	/* the ground energy first, so the weights do not overflow */
	for (uint32_t x = 0; x < 65536; x++) {
		for (size_t i = 0; i < 16; i++)
			s[i] = (x >> i) & 1 ? 1 : -1;
		double e = ea_energy(l, s);
		if (e < emin)
			emin = e;
	}
	for (size_t b = 0; b < nb; b++)
		hist[b] = 0.0;
	for (uint32_t x = 0; x < 65536; x++) {
		for (size_t i = 0; i < 16; i++)
			s[i] = (x >> i) & 1 ? 1 : -1;
		double e = ea_energy(l, s), w = exp(-(e - emin) / T);
		z += w;
		ez += w * e;
		size_t b = (size_t)((e - lo) / (hi - lo) * (double)nb);
		hist[b < nb ? b : nb - 1] += w;
	}
	*mean = ez / z;
	for (size_t b = 0; b < nb; b++)
		hist[b] /= z;
}

START_TEST(test_exact_4x4)
{
	/* two temperatures: T = 1 and a colder one where the exchanges matter */
	const double Ts[2] = { 1.0, 0.4 };
	for (size_t t = 0; t < 2; t++) {
		const size_t nb = 12, ns = 100000;
		ea_run *r = sample(4, Ts[t], 2.0, 5, 8, ns, 500, 2, 11 + t, 3);
		double lo = INFINITY, hi = -INFINITY;
		{
			int8_t s[16];
			for (uint32_t x = 0; x < 65536; x++) {
				for (size_t i = 0; i < 16; i++)
					s[i] = (x >> i) & 1 ? 1 : -1;
				double e = ea_energy(r->lat, s);
				lo = e < lo ? e : lo;
				hi = e > hi ? e : hi;
			}
		}
		double mean, hist[12], h2[12] = { 0 }, m2 = 0.0;
		exact(r->lat, Ts[t], nb, lo, hi, &mean, hist);
		for (size_t k = 0; k < ns; k++) {
			double e = ea_energy(r->lat, r->samples + k * 16);
			m2 += e;
			size_t b = (size_t)((e - lo) / (hi - lo) * (double)nb);
			h2[b < nb ? b : nb - 1] += 1.0 / (double)ns;
		}
		m2 /= (double)ns;
		double tv = 0.0;
		for (size_t b = 0; b < nb; b++)
			tv += fabs(hist[b] - h2[b]) / 2;
		fprintf(stderr, "4x4 T=%g: <E> exact %.4f sampled %.4f; histogram total variation %.4f\n",
		        Ts[t], mean, m2, tv);
		ck_assert_double_lt(fabs(mean - m2), 0.03);
		ck_assert_double_lt(tv, 0.01);
		/* the same couplings at another temperature have a clearly different mean energy,
		 * so the tolerance above separates right from wrong */
		double mean_off, hoff[12];
		exact(r->lat, Ts[t] * 1.1, nb, lo, hi, &mean_off, hoff);
		ck_assert_double_gt(fabs(mean_off - mean), 0.09);
		ea_run_destroy(r);
	}
}
END_TEST

/* +-J couplings (non-Gaussian: two values, so the energy levels are degenerate integers) on
 * a 5 x 5 lattice, frustrated (plaquettes with an odd number of negative bonds), sampled by
 * parallel tempering and compared with exact enumeration of all 2^25 states (Gray code: one
 * spin flip per state, the energy updated incrementally), once for every temperature: the
 * number of states of each energy level E = -nb + 2k and, per level, the sum of s_i s_j on
 * every bond.  Compared: the distribution over the levels (total variation), the mean energy,
 * and the mean of s_i s_j on every bond. */
typedef struct exact_pm {
	double dos[41];      /* states at level k */
	double bsum[41][50]; /* level k: sum of s_i s_j, right bonds (N), then down bonds (N) */
} exact_pm;

static void exact_pm_enumerate(const ea_lattice *l, exact_pm *x, size_t nb)
{
	const size_t N = l->N, Ls = l->Ls;
	int8_t s[25];
	for (size_t i = 0; i < N; i++)
		s[i] = -1;
	double e = ea_energy(l, s);
	memset(x, 0, sizeof *x);
	for (uint64_t k = 0; k < ((uint64_t)1 << N); k++) {
		if (k > 0) { /* Gray code: flip the lowest set bit of k */
			size_t i = (size_t)__builtin_ctzll(k);
			double h = 0.0;
			size_t r = i / Ls, c = i % Ls;
			if (c + 1 < Ls)
				h += l->jr[i] * s[i + 1];
			if (c > 0)
				h += l->jr[i - 1] * s[i - 1];
			if (r + 1 < Ls)
				h += l->jd[i] * s[i + Ls];
			if (r > 0)
				h += l->jd[i - Ls] * s[i - Ls];
			e += 2.0 * s[i] * h; /* H = -sum J s s: flipping s_i changes it by 2 s_i h */
			s[i] = (int8_t)-s[i];
		}
		size_t lev = (size_t)lround((e + (double)nb) / 2.0);
		x->dos[lev] += 1.0;
		double *bs = x->bsum[lev];
		for (size_t i = 0; i < N; i++) {
			bs[i] += s[i] * s[i + (i % Ls + 1 < Ls)]; /* off the lattice: s_i^2, unused */
			bs[N + i] += s[i] * s[i + Ls < N ? i + Ls : i];
		}
	}
	ck_assert_double_eq_tol(e, ea_energy(l, s), 1e-9); /* the incremental energy stayed exact */
}

/* Level probabilities, mean energy and bond means at temperature T. */
static double exact_pm_at(const exact_pm *x, size_t nb, double T, double *level, double *bond)
{
	double z = 0.0, ez = 0.0;
	for (size_t b = 0; b < 50; b++)
		bond[b] = 0.0;
	for (size_t k = 0; k <= nb; k++) {
		double e = -(double)nb + 2.0 * (double)k, w = x->dos[k] * exp(-(e + (double)nb) / T);
		level[k] = w;
		z += w;
		ez += w * e;
		for (size_t b = 0; b < 50 && x->dos[k] > 0; b++)
			bond[b] += w * x->bsum[k][b] / x->dos[k];
	}
	for (size_t k = 0; k <= nb; k++)
		level[k] /= z;
	for (size_t b = 0; b < 50; b++)
		bond[b] /= z;
	return ez / z;
}

START_TEST(test_exact_pm_5x5)
{
	const size_t Ls = 5, N = 25, nb = 2 * Ls * (Ls - 1);
	ea_lattice *l;
	plm_err err;
	ck_assert_int_eq(ea_lattice_create(Ls, 7, &l, &err), PLM_OK);
	plm_rng r;
	rng_seed(&r, 2025, 0);
	for (size_t i = 0; i < N; i++) {
		l->jr[i] = i % Ls + 1 < Ls ? (rng_uniform(&r) < 0.5 ? -1.0 : 1.0) : 0.0;
		l->jd[i] = i + Ls < N ? (rng_uniform(&r) < 0.5 ? -1.0 : 1.0) : 0.0;
	}
	size_t frustrated = 0;
	for (size_t i = 0; i + Ls < N; i++)
		if (i % Ls + 1 < Ls)
			frustrated += l->jr[i] * l->jd[i + 1] * l->jr[i + Ls] * l->jd[i] < 0;
	ck_assert_uint_ge(frustrated, 3);
	double level[41], bond[50], lw[41], bw[50];
	exact_pm *x = malloc(sizeof *x);
	exact_pm_enumerate(l, x, nb);
	const double Ts[2] = { 1.0, 0.5 };
	for (size_t t = 0; t < 2; t++) {
		const size_t ns = 100000;
		ea_opts o;
		ea_opts_default(&o);
		o.T = Ts[t];
		o.T_max = 2.5;
		o.ntemps = 6;
		o.nchains = 8;
		o.nsamples = ns;
		o.equil = 500;
		o.thin = 2;
		o.seed = 31 + t;
		ea_run *run;
		ck_assert_int_eq(ea_run_create_on(&o, l, &run, &err), PLM_OK);
		ck_assert_uint_eq(run->lat->N, N);
		double emean = exact_pm_at(x, nb, Ts[t], level, bond);
		double hist[41] = { 0 }, mean = 0.0, sb[50] = { 0 };
		for (size_t k = 0; k < ns; k++) {
			const int8_t *s = run->samples + k * N;
			double e = ea_energy(l, s);
			mean += e / (double)ns;
			hist[(size_t)lround((e + (double)nb) / 2.0)] += 1.0 / (double)ns;
			for (size_t i = 0; i < N; i++) {
				if (i % Ls + 1 < Ls)
					sb[i] += s[i] * s[i + 1] / (double)ns;
				if (i + Ls < N)
					sb[N + i] += s[i] * s[i + Ls] / (double)ns;
			}
		}
		double tv = 0.0, bmax = 0.0;
		for (size_t k = 0; k <= nb; k++)
			tv += fabs(hist[k] - level[k]) / 2.0;
		for (size_t b = 0; b < 2 * N; b++)
			if ((b < N ? l->jr[b] : l->jd[b - N]) != 0.0) /* the 40 bonds of the lattice */
				bmax = fmax(bmax, fabs(sb[b] - bond[b]));
		double ewrong = exact_pm_at(x, nb, Ts[t] * 1.1, lw, bw);
		fprintf(stderr, "+-J 5x5 (%zu frustrated plaquettes) T=%g: <E> exact %.4f sampled %.4f (at 1.1 T "
		        "%.4f); levels total variation %.4f; bonds largest difference %.4f\n", frustrated, Ts[t],
		        emean, mean, ewrong, tv, bmax);
		ck_assert_double_lt(fabs(mean - emean), 0.05);
		ck_assert_double_lt(tv, 0.012);
		ck_assert_double_lt(bmax, 0.025);
		/* the tolerance separates a wrong temperature (1.1 T: 0.79 and 0.15 away) */
		ck_assert_double_gt(fabs(ewrong - emean), 2.5 * 0.05);
		ea_run_destroy(run);
	}
	free(x);
	ea_lattice_destroy(l);
}
END_TEST

/* Mean over samples of s_i s_j, all pairs i < j, in a packed upper triangle. */
static double *correlations(const ea_run *r)
{
	size_t N = r->lat->N, ns = r->o.nsamples;
	double *c = calloc(N * (N - 1) / 2, sizeof *c);
	ck_assert_ptr_nonnull(c);
	for (size_t k = 0; k < ns; k++) {
		const int8_t *s = r->samples + k * N;
		size_t p = 0;
		for (size_t i = 0; i < N; i++)
			for (size_t j = i + 1; j < N; j++)
				c[p++] += s[i] * s[j];
	}
	for (size_t p = 0; p < N * (N - 1) / 2; p++)
		c[p] /= (double)ns;
	return c;
}

START_TEST(test_correlations_6x6)
{
	/* same couplings (disorder 5), different sampling seeds: PT against plain Metropolis */
	ea_run *pt = sample(6, 0.99, 2.5, 6, 4, 20000, 1000, 5, 21, 5);
	ea_run *mc = sample(6, 0.99, 2.5, 1, 4, 20000, 2000, 20, 22, 5);
	double *a = correlations(pt), *b = correlations(mc);
	size_t np = 36 * 35 / 2;
	double maxd = 0.0, meand = 0.0, meanabs = 0.0;
	for (size_t p = 0; p < np; p++) {
		double d = fabs(a[p] - b[p]);
		maxd = d > maxd ? d : maxd;
		meand += d / (double)np;
		meanabs += fabs(b[p]) / (double)np;
	}
	fprintf(stderr, "6x6 T=0.99: correlations PT vs Metropolis: mean |diff| %.4f, max %.4f; "
	        "mean |C| %.3f\n", meand, maxd, meanabs);
	ck_assert_double_gt(meanabs, 0.1); /* the correlations are far from 0 */
	ck_assert_double_lt(meand, 0.02);
	ck_assert_double_lt(maxd, 0.08);
	/* no fields: magnetisations near 0 */
	free(a);
	free(b);
	ea_run_destroy(pt);
	ea_run_destroy(mc);
}
END_TEST

START_TEST(test_threads_and_seed)
{
#ifdef _OPENMP
	int nt0 = omp_get_max_threads();
	omp_set_num_threads(1);
#endif
	ea_run *a = sample(5, 0.8, 2.0, 4, 3, 50, 100, 3, 7, 9);
#ifdef _OPENMP
	omp_set_num_threads(3);
#endif
	ea_run *b = sample(5, 0.8, 2.0, 4, 3, 50, 100, 3, 7, 9);
#ifdef _OPENMP
	omp_set_num_threads(nt0);
#endif
	ck_assert_mem_eq(a->samples, b->samples, 50 * 25);
	ck_assert_mem_eq(a->bins[0].e, b->bins[0].e, a->nbins * 3 * 4 * sizeof(double));
	/* another sampling seed: other samples, same couplings */
	ea_run *c = sample(5, 0.8, 2.0, 4, 3, 50, 100, 3, 8, 9);
	ck_assert_int_ne(memcmp(a->samples, c->samples, 50 * 25), 0);
	ck_assert_mem_eq(a->lat->jr, c->lat->jr, 25 * sizeof(double));
	/* the last column has no right bond, the last row no down bond */
	for (size_t i = 0; i < 25; i++) {
		if (i % 5 == 4)
			ck_assert(a->lat->jr[i] == 0.0);
		if (i >= 20)
			ck_assert(a->lat->jd[i] == 0.0);
	}
	ea_run_destroy(a);
	ea_run_destroy(b);
	ea_run_destroy(c);
}
END_TEST

START_TEST(test_truth_model)
{
	plm_err err;
	ea_lattice *l = NULL;
	ck_assert_int_eq(ea_lattice_create(5, 4, &l, &err), PLM_OK);
	plm_model *m = NULL;
	const double T = 0.7;
	ck_assert_int_eq(ea_truth_model(l, T, "test", &m, &err), PLM_OK);
	ck_assert_uint_eq(m->L, 25);
	ck_assert_uint_eq(m->q, 2);
	/* sum_{i<j} J_ij(a_i, a_j) = -H(s) / T for a few configurations */
	int8_t s[25];
	for (unsigned x = 0; x < 20; x++) {
		for (size_t i = 0; i < 25; i++)
			s[i] = ((x * 2654435761u) >> (i % 31)) & 1 ? 1 : -1;
		double e = 0.0;
		for (size_t i = 0; i < 25; i++)
			for (size_t j = i + 1; j < 25; j++)
				e += model_J(m, i, j)[(s[i] > 0) * 2 + (s[j] > 0)];
		ck_assert_double_eq_tol(e, -ea_energy(l, s) / T, 1e-5);
	}
	/* symmetric, zero diagonal */
	for (size_t i = 0; i < 25; i++)
		for (size_t j = 0; j < 25; j++)
			ck_assert(model_J(m, i, j)[1] == model_J(m, j, i)[2]);
	model_destroy(m);
	/* the matrix has J_ij at the lattice bonds */
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	ck_assert_int_eq(ea_write_matrix(fp, l, &err), PLM_OK);
	fclose(fp);
	double v;
	const char *p = buf;
	for (size_t k = 0; k < 1; k++)
		p = strchr(p, '\t') + 1; /* row 0, column 1 */
	ck_assert_int_eq(sscanf(p, "%lf", &v), 1);
	ck_assert_double_eq_tol(v, l->jr[0], 1e-8);
	free(buf);
	ea_lattice_destroy(l);
	/* bad settings */
	ea_opts o;
	ea_run *r = NULL;
	ea_opts_default(&o);
	o.T = 0.0;
	ck_assert_int_eq(ea_run_create(&o, &r, &err), PLM_EINVAL);
	ea_opts_default(&o);
	o.T_max = o.T;
	ck_assert_int_eq(ea_run_create(&o, &r, &err), PLM_EINVAL);
	ck_assert_int_eq(ea_lattice_create(1, 1, &l, &err), PLM_EINVAL);
	ea_run_destroy(NULL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("ea");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_exact_4x4);
	tcase_add_test(tc, test_exact_pm_5x5);
	tcase_add_test(tc, test_correlations_6x6);
	tcase_add_test(tc, test_threads_and_seed);
	tcase_add_test(tc, test_truth_model);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
