/* check_dynamics: zero-temperature dynamics on hand-made and random in-memory models:
 * incremental fields, fixed points, ties, cycles worked out by hand, noise, energies,
 * and results independent of the thread count.  Seeds are fixed and printed on failure. */
#include "check_common.h"

#include <math.h>
#include <stdint.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include <unistd.h>

#include "dynamics.h"
#include "fit.h"
#include "model.h"
#include "msa.h"
#include "rng.h"
#include "sample.h"
#include "util.h"

/* dyn_is_fixed's answer, failing the test if it cannot allocate. */
static int is_fixed(const dyn_model *d, const uint8_t *a)
{
	int fixed;
	ck_assert_int_eq(dyn_is_fixed(d, a, &fixed), PLM_OK);
	return fixed;
}

/* Gaussian fields and couplings (asymmetric), J_ii = 0. */
static plm_model *random_model(size_t L, size_t q, uint64_t seed, double scale)
{
	plm_model *m = bare_model(L, q);
	plm_rng r;
	rng_seed(&r, seed, 0);
	for (size_t k = 0; k < L * q; k++)
		m->h[k] = (float)(0.5 * rng_normal(&r));
	for (size_t i = 0; i < L; i++)
		for (size_t j = 0; j < L; j++)
			for (size_t ab = 0; ab < q * q; ab++)
				model_J(m, i, j)[ab] = i == j ? 0.0f : (float)(scale * rng_normal(&r));
	return m;
}

static void random_state(uint8_t *a, size_t L, size_t q, plm_rng *r)
{
	for (size_t i = 0; i < L; i++)
		a[i] = (uint8_t)rng_below(r, q);
}

/* Ising spins in Potts form: state 0 -> -1, state 1 -> +1, J_ij(a, b) = K s(a) s(b). */
static void set_ising(plm_model *m, size_t i, size_t j, float k)
{
	for (size_t a = 0; a < 2; a++)
		for (size_t b = 0; b < 2; b++)
			model_J(m, i, j)[a * 2 + b] = k * (a ? 1.0f : -1.0f) * (b ? 1.0f : -1.0f);
}

/* The dynamics' layout JT[((j q + b) L + i) q + a] = J_ij(a, b) (or the symmetrised value),
 * J_ii = 0, whether the couplings are copied (create) or taken and rearranged in place (take);
 * L and q with L q odd and L != q, so that a transposition of the wrong shape fails. */
START_TEST(test_model_layout)
{
	const size_t L = 7, q = 3;
	plm_err err;
	for (int sym = 0; sym <= 1; sym++) {
		plm_model *m = random_model(L, q, 21, 0.4);
		for (size_t ab = 0; ab < q * q; ab++)
			model_J(m, 2, 2)[ab] = 1.0f; /* a non-zero diagonal block is ignored */
		float *J = malloc(L * L * q * q * sizeof(float));
		ck_assert_ptr_nonnull(J);
		memcpy(J, m->J, L * L * q * q * sizeof(float));
		dyn_model *dc, *dt;
		ck_assert_int_eq(dyn_model_create(m, sym, &dc, &err), PLM_OK);
		ck_assert_ptr_nonnull(m->J);
		ck_assert_int_eq(dyn_model_take(m, sym, &dt, &err), PLM_OK);
		ck_assert_ptr_null(m->J);
		for (size_t i = 0; i < L; i++)
			for (size_t j = 0; j < L; j++)
				for (size_t a = 0; a < q; a++)
					for (size_t b = 0; b < q; b++) {
						float x = J[((i * L + j) * q + a) * q + b], y = J[((j * L + i) * q + b) * q + a];
						float want = i == j ? 0.0f : sym ? 0.5f * (x + y) : x;
						size_t k = ((j * q + b) * L + i) * q + a;
						ck_assert_float_eq(dc->JT[k], want);
						ck_assert_float_eq(dt->JT[k], want);
					}
		ck_assert_int_eq(dc->symmetric, sym);
		ck_assert_int_eq(dt->symmetric, sym);
		for (size_t i = 0; i < L; i++)
			ck_assert_double_eq(dc->tie[i], dt->tie[i]);
		dyn_model_destroy(dc);
		dyn_model_destroy(dt);
		free(J);
		bare_free(m);
	}
	/* a model holding part of its rows is refused, and keeps its couplings */
	plm_model *m = random_model(L, q, 22, 0.4);
	dyn_model *d;
	m->nrows = L - 1;
	ck_assert_int_eq(dyn_model_take(m, 0, &d, &err), PLM_EINVAL);
	ck_assert_ptr_nonnull(m->J);
	ck_assert_ptr_null(d);
	bare_free(m);
}
END_TEST

/* Incremental fields equal fields recomputed from scratch after every one of many random
 * single-site changes. */
START_TEST(test_incremental_fields)
{
	const size_t L = 17, q = 5;
	plm_model *m = random_model(L, q, 11, 0.3);
	dyn_model *d;
	dyn_work *w;
	plm_err err;
	ck_assert_int_eq(dyn_model_create(m, 0, &d, &err), PLM_OK);
	ck_assert_int_eq(dyn_work_create(d, &w, &err), PLM_OK);
	uint8_t a[17];
	double f[17 * 5];
	plm_rng r;
	rng_seed(&r, 12, 0);
	random_state(a, L, q, &r);
	dyn_work_set(d, w, a);
	for (int step = 0; step < 2000; step++) {
		size_t j = (size_t)rng_below(&r, L);
		uint8_t b = (uint8_t)rng_below(&r, q);
		dyn_work_flip(d, w, j, b);
		a[j] = b;
		ck_assert_mem_eq(dyn_work_state(w), a, L);
		dyn_fields(d, a, f);
		const double *g = dyn_work_fields(w);
		for (size_t k = 0; k < L * q; k++)
			ck_assert_msg(fabs(g[k] - f[k]) < 1e-9, "step %d field %zu: %.12g vs %.12g", step, k, g[k], f[k]);
	}
	/* and the from-scratch fields are the definition: h_i(a) + sum_{j != i} J_ij(a, a_j) */
	for (size_t i = 0; i < L; i++)
		for (size_t x = 0; x < q; x++) {
			double s = m->h[i * q + x];
			for (size_t j = 0; j < L; j++)
				if (j != i)
					s += model_J(m, i, j)[x * q + a[j]];
			ck_assert_double_eq_tol(f[i * q + x], s, 1e-9);
		}
	dyn_work_destroy(w);
	dyn_model_destroy(d);
	bare_free(m);
}
END_TEST

/* Every end state reported fixed is a fixed point by the from-scratch rule; cycles and
 * max-sweeps ends are not; flips and sweeps are consistent. */
START_TEST(test_fixed_points_random)
{
	const size_t L = 40, q = 4;
	plm_model *m = random_model(L, q, 21, 0.25);
	dyn_model *d;
	dyn_work *w;
	plm_err err;
	ck_assert_int_eq(dyn_model_create(m, 0, &d, &err), PLM_OK);
	ck_assert_int_eq(d->symmetric, 0);
	ck_assert_int_eq(dyn_work_create(d, &w, &err), PLM_OK);
	plm_rng r;
	rng_seed(&r, 22, 0);
	size_t nfixed = 0, nother = 0;
	for (int mode = 0; mode < 3; mode++) {
		dyn_opts o;
		dyn_opts_default(&o);
		if (mode == 1)
			o.order = DYN_ORDER_RANDOM;
		if (mode == 2)
			o.update = DYN_UPDATE_PARALLEL;
		for (int t = 0; t < 60; t++) {
			uint8_t a[40], a0[40];
			random_state(a, L, q, &r);
			memcpy(a0, a, L);
			dyn_result res;
			dyn_run(d, &o, w, a, &r, &res);
			int fx;
			ck_assert_int_eq(dyn_is_fixed(d, a, &fx), PLM_OK);
			if (res.status == DYN_FIXED) {
				ck_assert_msg(fx == 1, "mode %d start %d: reported fixed, is not", mode, t);
				nfixed++;
			} else {
				ck_assert_int_eq(fx, 0);
				nother++;
			}
			if (res.status == DYN_CYCLE)
				ck_assert_uint_ge(res.cycle, 1);
			else
				ck_assert_uint_eq(res.cycle, 0);
			ck_assert(isnan(res.energy));
			size_t diff = 0;
			for (size_t i = 0; i < L; i++)
				diff += a[i] != a0[i];
			ck_assert_uint_ge(res.flips, diff);
			if (res.sweeps == 0)
				ck_assert_uint_eq(res.flips, 0);
			else
				ck_assert_uint_ge(res.flips, res.sweeps);
			/* a fixed end is its own fixed point: a second run does nothing */
			if (res.status == DYN_FIXED) {
				uint8_t b[40];
				memcpy(b, a, L);
				dyn_run(d, &o, w, b, &r, &res);
				ck_assert_int_eq(res.status, DYN_FIXED);
				ck_assert_uint_eq(res.sweeps, 0);
				ck_assert_uint_eq(res.flips, 0);
				ck_assert_mem_eq(a, b, L);
			}
		}
	}
	ck_assert_uint_gt(nfixed, 0);
	dyn_work_destroy(w);
	dyn_model_destroy(d);
	bare_free(m);
}
END_TEST

/* The 3-spin loop: K_12 = +1 (spin 1 follows spin 2), K_23 = +1 (2 follows 3), K_31 = -1
 * (3 takes the opposite of 1); all other couplings and the fields are 0.
 * Sequential sweeps (sites 1, 2, 3), from (+,+,+):
 *   sweep 1: s1 <- s2 = +, s2 <- s3 = +, s3 <- -s1 = -   -> (+,+,-)
 *   sweep 2: s1 <- +, s2 <- -, s3 <- -                    -> (+,-,-)
 *   sweep 3: s1 <- -, s2 <- -, s3 <- +                    -> (-,-,+)
 *   sweep 4: s1 <- -, s2 <- +, s3 <- +                    -> (-,+,+)
 *   sweep 5: s1 <- +, s2 <- +, s3 <- -                    -> (+,+,-) = after sweep 1
 * so a cycle of length 4, found at sweep 5, with flips 1 + 1 + 2 + 1 + 2 = 7.
 * Parallel updates (s1' = s2, s2' = s3, s3' = -s1) from (+,+,+):
 *   (+,+,-), (+,-,-), (-,-,-), (-,-,+), (-,+,+), (+,+,+): a cycle of length 6 through the start,
 * found at step 6, each step flipping exactly one spin (6 flips). */
START_TEST(test_cycle_by_hand)
{
	plm_model *m = bare_model(3, 2);
	set_ising(m, 0, 1, 1.0f);
	set_ising(m, 1, 2, 1.0f);
	set_ising(m, 2, 0, -1.0f);
	dyn_model *d;
	dyn_work *w;
	plm_err err;
	ck_assert_int_eq(dyn_model_create(m, 0, &d, &err), PLM_OK);
	ck_assert_int_eq(dyn_work_create(d, &w, &err), PLM_OK);
	dyn_opts o;
	dyn_opts_default(&o);
	dyn_result res;
	uint8_t a[3] = { 1, 1, 1 };
	dyn_run(d, &o, w, a, NULL, &res);
	ck_assert_str_eq(dyn_status_name(res.status), "cycle");
	ck_assert_uint_eq(res.cycle, 4);
	ck_assert_uint_eq(res.sweeps, 5);
	ck_assert_uint_eq(res.flips, 7);
	const uint8_t want_seq[3] = { 1, 1, 0 };
	ck_assert_mem_eq(a, want_seq, 3);

	o.update = DYN_UPDATE_PARALLEL;
	uint8_t b[3] = { 1, 1, 1 };
	dyn_run(d, &o, w, b, NULL, &res);
	ck_assert_int_eq(res.status, DYN_CYCLE);
	ck_assert_uint_eq(res.cycle, 6);
	ck_assert_uint_eq(res.sweeps, 6);
	ck_assert_uint_eq(res.flips, 6);
	const uint8_t want_par[3] = { 1, 1, 1 };
	ck_assert_mem_eq(b, want_par, 3);

	/* a bound below the detection sweep: max-sweeps, not a cycle */
	o.update = DYN_UPDATE_SEQUENTIAL;
	o.max_sweeps = 4;
	uint8_t c[3] = { 1, 1, 1 };
	dyn_run(d, &o, w, c, NULL, &res);
	ck_assert_int_eq(res.status, DYN_MAX_SWEEPS);
	ck_assert_uint_eq(res.sweeps, 4);
	const uint8_t want_c[3] = { 0, 1, 1 };
	ck_assert_mem_eq(c, want_c, 3);

	/* symmetrized, the loop is K_12 = K_23 = 1/2, K_13 = -1/2 (frustrated): sequential
	 * dynamics then reaches a fixed point and never raises the energy */
	dyn_model *ds;
	ck_assert_int_eq(dyn_model_create(m, 1, &ds, &err), PLM_OK);
	ck_assert_int_eq(ds->symmetric, 1);
	dyn_work *ws;
	ck_assert_int_eq(dyn_work_create(ds, &ws, &err), PLM_OK);
	o.max_sweeps = 100;
	for (int s = 0; s < 8; s++) {
		uint8_t e[3] = { (uint8_t)(s & 1), (uint8_t)((s >> 1) & 1), (uint8_t)((s >> 2) & 1) };
		double e0 = dyn_energy(ds, e);
		dyn_run(ds, &o, ws, e, NULL, &res);
		ck_assert_int_eq(res.status, DYN_FIXED);
		ck_assert_int_eq(is_fixed(ds, e), 1);
		ck_assert_double_le(res.energy, e0 + 1e-12);
		ck_assert_double_eq_tol(res.energy, dyn_energy(ds, e), 1e-9);
	}
	dyn_work_destroy(ws);
	dyn_model_destroy(ds);
	dyn_work_destroy(w);
	dyn_model_destroy(d);
	bare_free(m);
}
END_TEST

/* Ties never move a site: with h_i(0) = h_i(1) = 1 > h_i(2) = 0 and no couplings, states 0
 * and 1 stay where they are, state 2 moves to 0 (the lowest of the largest). */
START_TEST(test_ties)
{
	plm_model *m = bare_model(4, 3);
	for (size_t i = 0; i < 4; i++) {
		m->h[i * 3 + 0] = 1.0f;
		m->h[i * 3 + 1] = 1.0f;
	}
	dyn_model *d;
	dyn_work *w;
	plm_err err;
	ck_assert_int_eq(dyn_model_create(m, 0, &d, &err), PLM_OK);
	ck_assert_int_eq(d->symmetric, 1); /* J = 0 is symmetric: the energy is defined */
	ck_assert_int_eq(dyn_work_create(d, &w, &err), PLM_OK);
	dyn_opts o;
	dyn_opts_default(&o);
	dyn_result res;
	uint8_t a[4] = { 0, 1, 2, 1 };
	dyn_run(d, &o, w, a, NULL, &res);
	const uint8_t want[4] = { 0, 1, 0, 1 };
	ck_assert_mem_eq(a, want, 4);
	ck_assert_int_eq(res.status, DYN_FIXED);
	ck_assert_uint_eq(res.sweeps, 1);
	ck_assert_uint_eq(res.flips, 1);
	ck_assert_double_eq_tol(res.energy, -4.0, 1e-12);
	/* max_sweeps = 0 only checks the start */
	o.max_sweeps = 0;
	uint8_t b[4] = { 0, 1, 2, 1 };
	dyn_run(d, &o, w, b, NULL, &res);
	ck_assert_int_eq(res.status, DYN_MAX_SWEEPS);
	dyn_run(d, &o, w, a, NULL, &res);
	ck_assert_int_eq(res.status, DYN_FIXED);
	dyn_work_destroy(w);
	dyn_model_destroy(d);
	bare_free(m);
}
END_TEST

/* A tie in exact arithmetic stays a tie with float couplings: site 0 follows sites 1, 2, 3
 * with Ising couplings 0.1, 0.2, 0.3; with s1 = s2 = +1, s3 = -1 its field is 0.1 + 0.2 - 0.3 = 0,
 * but -7.45e-9 as a sum of the floats.  Sites 1-3 have no couplings (zero fields).  Both states
 * of site 0 are fixed points, and nothing moves. */
START_TEST(test_float_tie)
{
	plm_model *m = bare_model(4, 2);
	set_ising(m, 0, 1, 0.1f);
	set_ising(m, 0, 2, 0.2f);
	set_ising(m, 0, 3, 0.3f);
	dyn_model *d;
	dyn_work *w;
	plm_err err;
	ck_assert_int_eq(dyn_model_create(m, 0, &d, &err), PLM_OK);
	ck_assert_int_eq(dyn_work_create(d, &w, &err), PLM_OK);
	double f[8];
	for (uint8_t s0 = 0; s0 < 2; s0++) {
		uint8_t a[4] = { s0, 1, 1, 0 };
		dyn_fields(d, a, f);
		ck_assert(f[0] != f[1]); /* round-off makes the two fields differ... */
		ck_assert_double_eq_tol(f[0], f[1], 1e-7);
		ck_assert_int_eq(is_fixed(d, a), 1); /* ...but they still tie */
		for (int mode = 0; mode < 2; mode++) {
			dyn_opts o;
			dyn_opts_default(&o);
			o.update = mode ? DYN_UPDATE_PARALLEL : DYN_UPDATE_SEQUENTIAL;
			dyn_result res;
			dyn_run(d, &o, w, a, NULL, &res);
			ck_assert_int_eq(res.status, DYN_FIXED);
			ck_assert_uint_eq(res.flips, 0);
			ck_assert_uint_eq(a[0], s0);
		}
	}
	/* a genuine field (s3 = +1: 0.6) moves site 0 to +1 */
	uint8_t b[4] = { 0, 1, 1, 1 };
	ck_assert_int_eq(is_fixed(d, b), 0);
	dyn_opts o;
	dyn_opts_default(&o);
	dyn_result res;
	dyn_run(d, &o, w, b, NULL, &res);
	ck_assert_uint_eq(b[0], 1);
	ck_assert_uint_eq(res.flips, 1);
	dyn_work_destroy(w);
	dyn_model_destroy(d);
	bare_free(m);
}
END_TEST

/* A genuine advantage well below the old tolerances still moves a site: site 0 follows site 1
 * with Ising coupling 0.5 and site 2 with 0.49997 (in states 0 and 1; its state 2 has field
 * -0.5); with s1 = +1, s2 = -1 its field difference is f(+1) - f(-1) = 2 (0.5 - 0.49997) =
 * 6e-5, 0.4e-4 of its field scale max|h_0| + sum_j max|J_0j| = 0.5 + 0.5 + 0.49997.  The tie
 * tolerance is DYN_TIE_REL (1e-6) of the scale, 1.5e-6, forty times less than the advantage,
 * so site 0 moves from -1 to +1 (sequential, parallel, and the fixed-point check agree).  The
 * same in a q = 3 Potts site with fields: h_3 = (0.3, 0.3 + 4e-5, -0.2) and a coupling to
 * site 4 that adds the same 0.2 to every state (so the scale is 0.3 + 4e-5 + 0.2 and the
 * advantage 4e-5 of it is 0.8e-4): state 0 moves to state 1.  These two moves are the only
 * ones (sites 1, 2 and 4 sit on exact ties). */
START_TEST(test_small_genuine_advantage)
{
	plm_model *m = bare_model(5, 3);
	/* sites 0-2: Ising spins in the first two states (state 2 has a large negative field) */
	for (size_t i = 0; i < 3; i++)
		m->h[i * 3 + 2] = -10.0f;
	for (size_t a = 0; a < 2; a++)
		for (size_t b = 0; b < 2; b++) {
			float s = (a ? 1.0f : -1.0f) * (b ? 1.0f : -1.0f);
			model_J(m, 0, 1)[a * 3 + b] = 0.5f * s;
			model_J(m, 0, 2)[a * 3 + b] = 0.49997f * s;
		}
	m->h[0 * 3 + 2] = -0.5f; /* keeps site 0's scale at 0.5 + 0.5 + 0.49997 below */
	m->h[3 * 3 + 0] = 0.3f;
	m->h[3 * 3 + 1] = 0.30004f;
	m->h[3 * 3 + 2] = -0.2f;
	for (size_t a = 0; a < 3; a++)
		for (size_t b = 0; b < 3; b++)
			model_J(m, 3, 4)[a * 3 + b] = 0.2f;
	dyn_model *d;
	dyn_work *w;
	plm_err err;
	ck_assert_int_eq(dyn_model_create(m, 0, &d, &err), PLM_OK);
	ck_assert_int_eq(dyn_work_create(d, &w, &err), PLM_OK);
	/* the scales by hand: site 0: max|h| 0.5 + 0.5 + 0.49997; site 3: 0.30004 + 0.2 */
	ck_assert_double_eq_tol(d->tie[0], DYN_TIE_REL * (0.5 + 0.5 + 0.49997), 1e-7 * d->tie[0]);
	ck_assert_double_eq_tol(d->tie[3], DYN_TIE_REL * (0.30004 + 0.2), 1e-7 * d->tie[3]);
	const uint8_t start[5] = { 0, 1, 0, 0, 2 };
	double f[15];
	dyn_fields(d, start, f);
	ck_assert_double_eq_tol(f[1] - f[0], 6e-5, 1e-7); /* 0.49997 as a float */
	ck_assert_double_eq_tol(f[3 * 3 + 1] - f[3 * 3 + 0], 4e-5, 1e-7);
	ck_assert_int_eq(is_fixed(d, start), 0);
	const uint8_t want[5] = { 1, 1, 0, 1, 2 };
	ck_assert_int_eq(is_fixed(d, want), 1);
	for (int mode = 0; mode < 2; mode++) {
		dyn_opts o;
		dyn_opts_default(&o);
		o.update = mode ? DYN_UPDATE_PARALLEL : DYN_UPDATE_SEQUENTIAL;
		uint8_t a[5];
		memcpy(a, start, sizeof a);
		dyn_result res;
		dyn_run(d, &o, w, a, NULL, &res);
		ck_assert_msg(memcmp(a, want, 5) == 0, "mode %d: end state %u%u%u%u%u, want 11012", mode, a[0], a[1],
		              a[2], a[3], a[4]);
		ck_assert_int_eq(res.status, DYN_FIXED);
		ck_assert_uint_eq(res.flips, 2);
	}
	dyn_work_destroy(w);
	dyn_model_destroy(d);
	bare_free(m);
}
END_TEST

/* Noise changes exactly round(F L) sites, each to a different valid state, and every site
 * gets chosen over many draws. */
START_TEST(test_noise)
{
	const size_t L = 50;
	plm_rng r;
	rng_seed(&r, 31, 0);
	size_t hit[50] = { 0 };
	for (size_t q = 2; q <= 21; q += 19)
		for (int t = 0; t < 400; t++) {
			uint8_t a[50], b[50];
			random_state(a, L, q, &r);
			memcpy(b, a, L);
			double frac = (t % 4) * 0.1 + 0.05; /* 2.5 rounds up to 3 sites */
			size_t k = dyn_noise(b, L, q, frac, &r);
			size_t want = (size_t)floor(frac * L + 0.5);
			ck_assert_uint_eq(k, want);
			size_t diff = 0;
			for (size_t i = 0; i < L; i++) {
				ck_assert_uint_lt(b[i], q);
				if (a[i] != b[i]) {
					diff++;
					hit[i]++;
				}
			}
			ck_assert_uint_eq(diff, want);
			ck_assert_double_eq_tol(dyn_overlap(a, b, L), 1.0 - (double)want / L, 1e-12);
		}
	for (size_t i = 0; i < L; i++)
		ck_assert_uint_gt(hit[i], 0);
	uint8_t c[50] = { 0 };
	ck_assert_uint_eq(dyn_noise(c, L, 2, 0.0, &r), 0);
	ck_assert_uint_eq(dyn_noise(c, L, 2, 1.0, &r), L);
	for (size_t i = 0; i < L; i++)
		ck_assert_uint_eq(c[i], 1);
}
END_TEST

/* Same seed -> the same noisy starts, ends and results for 1 and 2 threads, and when the
 * starts are split into two batches. */
START_TEST(test_threads_and_batches)
{
	const size_t L = 30, q = 3, n = 9, rep = 3;
	plm_model *m = random_model(L, q, 41, 0.3);
	dyn_model *d;
	plm_err err;
	ck_assert_int_eq(dyn_model_create(m, 0, &d, &err), PLM_OK);
	uint8_t starts[9 * 30];
	plm_rng r;
	rng_seed(&r, 42, 0);
	random_state(starts, n * L, q, &r);
	dyn_opts o;
	dyn_opts_default(&o);
	o.order = DYN_ORDER_RANDOM;
	uint8_t noisy[3][27 * 30], ends[3][27 * 30];
	dyn_result res[3][27];
	for (int v = 0; v < 3; v++) {
#ifdef _OPENMP
		omp_set_num_threads(v == 0 ? 1 : 2);
#endif
		dyn_batch b = { .n = n, .repeats = rep, .first_index = 0, .noise = 0.2, .seed = 7,
		                .starts = starts, .noisy = noisy[v], .ends = ends[v], .res = res[v] };
		if (v < 2) {
			ck_assert_int_eq(dyn_run_batch(d, &o, &b, &err), PLM_OK);
		} else { /* starts 0..3, then 4..8 */
			b.n = 4;
			ck_assert_int_eq(dyn_run_batch(d, &o, &b, &err), PLM_OK);
			b.n = 5;
			b.first_index = 4;
			b.starts = starts + 4 * L;
			b.noisy = noisy[v] + 4 * rep * L;
			b.ends = ends[v] + 4 * rep * L;
			b.res = res[v] + 4 * rep;
			ck_assert_int_eq(dyn_run_batch(d, &o, &b, &err), PLM_OK);
		}
	}
	for (int v = 1; v < 3; v++) {
		ck_assert_mem_eq(noisy[0], noisy[v], n * rep * L);
		ck_assert_mem_eq(ends[0], ends[v], n * rep * L);
		for (size_t k = 0; k < n * rep; k++) {
			ck_assert_int_eq(res[0][k].status, res[v][k].status);
			ck_assert_uint_eq(res[0][k].sweeps, res[v][k].sweeps);
			ck_assert_uint_eq(res[0][k].flips, res[v][k].flips);
		}
	}
	/* and when each run is a batch of its own (one start, one repeat) */
	for (size_t k = 0; k < n * rep; k++) {
		uint8_t nz[30], en[30];
		dyn_result one;
		dyn_batch b = { .n = 1, .repeats = 1, .first_index = k / rep, .first_repeat = k % rep,
		                .noise = 0.2, .seed = 7, .starts = starts + (k / rep) * L, .noisy = nz,
		                .ends = en, .res = &one };
		ck_assert_int_eq(dyn_run_batch(d, &o, &b, &err), PLM_OK);
		ck_assert_mem_eq(nz, noisy[0] + k * L, L);
		ck_assert_mem_eq(en, ends[0] + k * L, L);
		ck_assert_uint_eq(one.flips, res[0][k].flips);
	}
	/* each run of the batch equals a plain run from its noisy start with its own stream */
	dyn_work *w;
	ck_assert_int_eq(dyn_work_create(d, &w, &err), PLM_OK);
	for (size_t k = 0; k < n * rep; k++) {
		uint8_t a[30];
		plm_rng rs;
		rng_seed(&rs, 7, ((uint64_t)(k / rep) << 32) | (uint64_t)(k % rep));
		memcpy(a, starts + (k / rep) * L, L);
		dyn_noise(a, L, q, 0.2, &rs);
		ck_assert_mem_eq(a, noisy[0] + k * L, L);
		dyn_result one;
		dyn_run(d, &o, w, a, &rs, &one);
		ck_assert_mem_eq(a, ends[0] + k * L, L);
		ck_assert_uint_eq(one.flips, res[0][k].flips);
	}
	dyn_work_destroy(w);
	/* the repeats of one start differ (their streams differ) and the noise is 6 of 30 sites */
	ck_assert(memcmp(noisy[0], noisy[0] + L, L) != 0);
	ck_assert_double_eq_tol(dyn_overlap(noisy[0], starts, L), 0.8, 1e-12);
#ifdef _OPENMP
	omp_set_num_threads(1);
#endif
	dyn_model_destroy(d);
	bare_free(m);
}
END_TEST

/* Run batch B with options O both ways: batched (the matrix-product path for q = 2 and
 * parallel updates) and one run at a time with incremental fields; the ends, statuses,
 * sweeps, flips and cycle lengths agree, energies to 1e-9 (the batched path sums them from
 * scratch).  THREADS: 1 or 2 for the batched run.  Returns the number of cycles seen. */
static size_t batch_vs_one(const dyn_model *d, dyn_opts o, const uint8_t *starts, size_t n,
                           size_t rep, double noise, int threads)
{
	size_t L = d->L, runs = n * rep, cycles = 0;
	uint8_t *noisy[2], *ends[2];
	dyn_result *res[2];
	plm_err err;
	for (int v = 0; v < 2; v++) {
		noisy[v] = malloc(runs * L);
		ends[v] = malloc(runs * L);
		res[v] = malloc(runs * sizeof *res[v]);
		ck_assert(noisy[v] && ends[v] && res[v]);
#ifdef _OPENMP
		omp_set_num_threads(v == 0 ? threads : 2);
#endif
		o.one_by_one = v;
		dyn_batch b = { .n = n, .repeats = rep, .noise = noise, .seed = 11, .starts = starts,
		                .noisy = noisy[v], .ends = ends[v], .res = res[v] };
		ck_assert_int_eq(dyn_run_batch(d, &o, &b, &err), PLM_OK);
	}
	ck_assert_mem_eq(noisy[0], noisy[1], runs * L);
	for (size_t k = 0; k < runs; k++) {
		ck_assert_msg(memcmp(ends[0] + k * L, ends[1] + k * L, L) == 0, "run %zu: ends differ", k);
		ck_assert_int_eq(res[0][k].status, res[1][k].status);
		ck_assert_uint_eq(res[0][k].sweeps, res[1][k].sweeps);
		ck_assert_uint_eq(res[0][k].flips, res[1][k].flips);
		ck_assert_uint_eq(res[0][k].cycle, res[1][k].cycle);
		if (d->symmetric)
			ck_assert_double_eq_tol(res[0][k].energy, res[1][k].energy,
			                        1e-9 * (1.0 + fabs(res[1][k].energy)));
		else
			ck_assert(isnan(res[0][k].energy) && isnan(res[1][k].energy));
		cycles += res[0][k].status == DYN_CYCLE;
	}
	for (int v = 0; v < 2; v++) {
		free(noisy[v]);
		free(ends[v]);
		free(res[v]);
	}
#ifdef _OPENMP
	omp_set_num_threads(1);
#endif
	return cycles;
}

/* Blocks of starts give the ends of one start at a time: q = 2 under parallel updates (the
 * matrix-product path; asymmetric and symmetric couplings, where parallel updates end in
 * 2-cycles; a bound on the sweeps), q = 2 and q = 21 under sequential updates; 1 and 2
 * threads; more starts than one block holds (runs leave and enter the block). */
START_TEST(test_batch_same_ends)
{
	const size_t N = 96, n = 300;
	uint8_t *starts = malloc(n * N);
	ck_assert_ptr_nonnull(starts);
	plm_rng r;
	rng_seed(&r, 61, 0);
	random_state(starts, n * N, 2, &r);
	plm_err err;
	for (int sym = 0; sym < 2; sym++) {
		plm_model *m = random_model(N, 2, 62 + (uint64_t)sym, 0.2);
		dyn_model *d;
		ck_assert_int_eq(dyn_model_create(m, sym, &d, &err), PLM_OK);
		ck_assert_int_eq(d->symmetric, sym);
		dyn_opts o;
		dyn_opts_default(&o);
		o.update = DYN_UPDATE_PARALLEL;
		o.max_sweeps = 100; /* asymmetric couplings: some runs wander */
		for (int t = 1; t <= 2; t++) {
			size_t cyc = batch_vs_one(d, o, starts, n, 2, 0.3, t);
			if (sym) /* parallel updates of symmetric couplings: fixed points and 2-cycles */
				ck_assert_msg(cyc > 0, "no cycles to compare");
		}
		o.max_sweeps = 3;
		batch_vs_one(d, o, starts, n, 1, 0.3, 2);
		o.max_sweeps = 0;
		batch_vs_one(d, o, starts, 20, 1, 0.0, 2);
		dyn_opts_default(&o);
		batch_vs_one(d, o, starts, 40, 2, 0.3, 2);
		dyn_model_destroy(d);
		bare_free(m);
	}
	/* q = 21, sequential and parallel (cycles), symmetrised couplings */
	const size_t L = 40, q = 21;
	plm_model *m = random_model(L, q, 63, 0.5);
	dyn_model *d;
	ck_assert_int_eq(dyn_model_create(m, 1, &d, &err), PLM_OK);
	uint8_t s21[20 * 40];
	random_state(s21, 20 * L, q, &r);
	dyn_opts o;
	dyn_opts_default(&o);
	batch_vs_one(d, o, s21, 20, 3, 0.2, 2);
	o.update = DYN_UPDATE_PARALLEL;
	ck_assert_uint_gt(batch_vs_one(d, o, s21, 20, 3, 0.2, 2), 0);
	dyn_model_destroy(d);
	bare_free(m);
	free(starts);
}
END_TEST

/* The matrix-product path sums fields in floats: sites placed within 1e-9 of their tie
 * threshold (float sums err by about 1e-6 here) are still decided as in exact arithmetic.
 * Site i of the start A has d_i = field_i(1) - field_i(0) = thr_i + e_i with thr_i = tie_i when
 * a_i = 0 (it moves iff d_i > tie_i) and -tie_i when a_i = 1 (it moves iff d_i < -tie_i), and
 * e_i = +-1e-9 alternating; the field h_i(1) - h_i(0) is written as a large float minus a
 * small one, which puts d_i there to about 1e-13. */
START_TEST(test_batch_knife_edge)
{
	const size_t N = 128, n = 8;
	plm_model *m = random_model(N, 2, 71, 1.0);
	plm_err err;
	dyn_model *d;
	plm_rng r;
	rng_seed(&r, 72, 0);
	uint8_t starts[8 * 128];
	random_state(starts, n * N, 2, &r);
	const uint8_t *a = starts;
	/* first the large part of each field, then the tolerance it implies */
	double sum[128];
	for (size_t i = 0; i < N; i++) {
		sum[i] = 0.0;
		for (size_t j = 0; j < N; j++)
			sum[i] += (double)model_J(m, i, j)[1 * 2 + a[j]] - (double)model_J(m, i, j)[0 * 2 + a[j]];
		m->h[2 * i + 1] = (float)(-sum[i]);
		m->h[2 * i] = 0.0f;
	}
	ck_assert_int_eq(dyn_model_create(m, 0, &d, &err), PLM_OK);
	for (size_t i = 0; i < N; i++) {
		double thr = a[i] ? -d->tie[i] : d->tie[i], e = (i % 2 ? 1e-9 : -1e-9);
		double need = thr + e - sum[i]; /* h_i(1) - h_i(0) */
		float h1 = (float)need;
		d->h[2 * i + 1] = h1;
		d->h[2 * i] = (float)((double)h1 - need); /* tiny: max |h| (and so the tie) unchanged */
		ck_assert(fabs((double)d->h[2 * i]) < 1e-4 * fabs((double)h1));
	}
	dyn_opts o;
	dyn_opts_default(&o);
	o.update = DYN_UPDATE_PARALLEL;
	o.max_sweeps = 1;
	batch_vs_one(d, o, starts, n, 1, 0.0, 2);
	/* the one-run path moved exactly the sites placed beyond their threshold */
	dyn_work *w;
	ck_assert_int_eq(dyn_work_create(d, &w, &err), PLM_OK);
	uint8_t b[128];
	memcpy(b, a, N);
	dyn_result one;
	dyn_run(d, &o, w, b, NULL, &one);
	for (size_t i = 0; i < N; i++) {
		int beyond = a[i] ? i % 2 == 0 : i % 2 == 1; /* 0 moves iff d > tie; 1 iff d < -tie */
		ck_assert_msg(b[i] == (beyond ? 1 - a[i] : a[i]), "site %zu", i);
	}
	dyn_work_destroy(w);
	dyn_model_destroy(d);
	bare_free(m);
}
END_TEST

/* A symmetric random model: sequential dynamics only lowers the energy, and always ends at a
 * fixed point; the energy of the end agrees with the from-scratch sum. */
START_TEST(test_symmetric_descends)
{
	const size_t L = 25, q = 4;
	plm_model *m = random_model(L, q, 51, 0.3);
	dyn_model *d;
	dyn_work *w;
	plm_err err;
	ck_assert_int_eq(dyn_model_create(m, 1, &d, &err), PLM_OK);
	ck_assert_int_eq(dyn_work_create(d, &w, &err), PLM_OK);
	dyn_opts o;
	dyn_opts_default(&o);
	plm_rng r;
	rng_seed(&r, 52, 0);
	for (int t = 0; t < 50; t++) {
		uint8_t a[25];
		random_state(a, L, q, &r);
		double e0 = dyn_energy(d, a);
		o.order = t % 2 ? DYN_ORDER_RANDOM : DYN_ORDER_ASCENDING;
		dyn_result res;
		dyn_run(d, &o, w, a, &r, &res);
		ck_assert_int_eq(res.status, DYN_FIXED);
		ck_assert_double_le(res.energy, e0 + 1e-9);
		ck_assert_double_eq_tol(res.energy, dyn_energy(d, a), 1e-6);
	}
	dyn_work_destroy(w);
	dyn_model_destroy(d);
	bare_free(m);
}
END_TEST

/* Memorization: a pseudo-likelihood fit of P = 10 random binary patterns of N = 100 sites with
 * small lambdas makes every training pattern a fixed point, and starts with 10% of the sites
 * flipped return to it, with sequential and with parallel updates. */
START_TEST(test_memorization)
{
	const size_t N = 100, P = 10;
	char path[] = "/tmp/plmem-check-dynamics-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	FILE *fp = fdopen(fd, "w");
	ck_assert_ptr_nonnull(fp);
	plm_rng r;
	rng_seed(&r, 61, 0);
	uint8_t pat[10 * 100];
	for (size_t mu = 0; mu < P; mu++) {
		for (size_t i = 0; i < N; i++) {
			pat[mu * N + i] = (uint8_t)rng_below(&r, 2);
			fputc('0' + pat[mu * N + i], fp);
		}
		fputc('\n', fp);
	}
	ck_assert_int_eq(fclose(fp), 0);
	msa_opts mo;
	msa_opts_default(&mo);
	mo.alphabet = "binary";
	mo.format = MSA_FORMAT_LINES;
	msa *s;
	plm_err err;
	int rc = msa_read(path, &mo, &s, &err);
	unlink(path);
	ck_assert_msg(rc == PLM_OK, "%s", err.msg);
	ck_assert_uint_eq(s->n, P);
	ck_assert_uint_eq(s->L, N);
	ck_assert_mem_eq(s->seq, pat, N * P);
	fit_opts fo;
	fit_opts_default(&fo);
	fo.lambda_h = fo.lambda_j = 1e-4;
	plm_model *m;
	rc = fit_model(s, NULL, &fo, &m, &err);
	ck_assert_msg(rc == PLM_OK, "%s", err.msg);
	dyn_model *d;
	ck_assert_int_eq(dyn_model_create(m, 0, &d, &err), PLM_OK);
	for (size_t mu = 0; mu < P; mu++)
		ck_assert_msg(is_fixed(d, pat + mu * N) == 1, "pattern %zu is not a fixed point", mu);
	const size_t rep = 5;
	uint8_t noisy[10 * 5 * 100], ends[10 * 5 * 100];
	dyn_result res[50];
	for (int mode = 0; mode < 2; mode++) {
		dyn_opts o;
		dyn_opts_default(&o);
		o.update = mode ? DYN_UPDATE_PARALLEL : DYN_UPDATE_SEQUENTIAL;
		dyn_batch b = { .n = P, .repeats = rep, .noise = 0.1, .seed = 62, .starts = pat,
		                .noisy = noisy, .ends = ends, .res = res };
		ck_assert_int_eq(dyn_run_batch(d, &o, &b, &err), PLM_OK);
		for (size_t k = 0; k < P * rep; k++) {
			const uint8_t *orig = pat + (k / rep) * N;
			ck_assert_double_eq_tol(dyn_overlap(noisy + k * N, orig, N), 0.9, 1e-12);
			ck_assert_msg(res[k].status == DYN_FIXED && dyn_overlap(ends + k * N, orig, N) == 1.0,
			              "mode %d run %zu: status %s, overlap %g", mode, k,
			              dyn_status_name(res[k].status), dyn_overlap(ends + k * N, orig, N));
			ck_assert_uint_ge(res[k].flips, 10);
		}
	}
	dyn_model_destroy(d);
	model_destroy(m);
	msa_destroy(s);
}
END_TEST

/* The default update and order are defined once, by name (dynamics.h): the names must be
 * among the options', and the defaults of dyn_opts and sample_opts must be them. */
START_TEST(test_default_names)
{
	dyn_opts o;
	dyn_opts_default(&o);
	ck_assert_str_eq(dyn_update_names[o.update], PLM_STR(DYN_DEFAULT_UPDATE));
	ck_assert_str_eq(dyn_order_names[o.order], PLM_STR(DYN_DEFAULT_ORDER));
	ck_assert_int_eq(o.update, DYN_UPDATE_SEQUENTIAL);
	ck_assert_int_eq(o.order, DYN_ORDER_ASCENDING);
	ck_assert_uint_eq(o.max_sweeps, DYN_MAX_SWEEPS_DEFAULT);
	sample_opts so;
	sample_opts_default(&so);
	ck_assert_int_eq(so.update, o.update);
	ck_assert_int_eq(so.order, o.order);
}
END_TEST

static Suite *dynamics_suite(void)
{
	Suite *s = suite_create("dynamics");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_model_layout);
	tcase_add_test(tc, test_incremental_fields);
	tcase_add_test(tc, test_fixed_points_random);
	tcase_add_test(tc, test_cycle_by_hand);
	tcase_add_test(tc, test_ties);
	tcase_add_test(tc, test_float_tie);
	tcase_add_test(tc, test_small_genuine_advantage);
	tcase_add_test(tc, test_noise);
	tcase_add_test(tc, test_threads_and_batches);
	tcase_add_test(tc, test_batch_same_ends);
	tcase_add_test(tc, test_batch_knife_edge);
	tcase_add_test(tc, test_symmetric_descends);
	tcase_add_test(tc, test_memorization);
	tcase_add_test(tc, test_default_names);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(dynamics_suite());
}
