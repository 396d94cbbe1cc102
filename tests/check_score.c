/* check_score: sequence scores against a direct computation from h and J (pseudo-log-
 * likelihood, symmetrised energy, unstable sites, margins), mutant deltas against scoring
 * the mutated sequences, thread independence, and mutant parsing in the focus numbering
 * with every kind of bad string.  Fixed seeds. */
#include "check_common.h"

#include <math.h>
#include <stdint.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "dynamics.h"
#include "model.h"
#include "rng.h"
#include "score.h"
#include "mutlist.h"

/* A protein model (q = 21) with Gaussian h and asymmetric J, made by model_create so that it
 * has the numbering arrays; residue numbers 101, 102, ... and no column map. */
static plm_model *protein_model(size_t L, uint64_t seed)
{
	plm_model *m;
	plm_err err;
	ck_assert_int_eq(model_create(L, 21, &m, &err), PLM_OK);
	ck_assert_int_eq(alphabet_init(&m->abc, "protein", &err), PLM_OK);
	plm_rng r;
	rng_seed(&r, seed, 0);
	for (size_t k = 0; k < L * 21; k++)
		m->h[k] = (float)(0.7 * rng_normal(&r));
	for (size_t i = 0; i < L; i++)
		for (size_t j = 0; j < L; j++)
			for (size_t ab = 0; ab < 21 * 21; ab++)
				model_J(m, i, j)[ab] = i == j ? 0.0f : (float)(0.3 * rng_normal(&r));
	for (size_t i = 0; i < L; i++)
		m->col[i] = i;
	m->ncol_in = L;
	m->resnum = malloc(L * sizeof *m->resnum);
	ck_assert_ptr_nonnull(m->resnum);
	for (size_t i = 0; i < L; i++)
		m->resnum[i] = 101 + (long)i;
	return m;
}

/* field_i(b) straight from the model (J_ij(b, a_j), or the symmetrised couplings). */
static double field(const plm_model *m, const uint8_t *a, size_t i, size_t b, int sym)
{
	size_t q = m->q;
	double f = m->h[i * q + b];
	for (size_t j = 0; j < m->L; j++) {
		if (j == i)
			continue;
		double x = model_J(m, i, j)[b * q + a[j]], y = model_J(m, j, i)[a[j] * q + b];
		f += sym ? 0.5 * (x + y) : x;
	}
	return f;
}

static void direct(const plm_model *m, const uint8_t *a, int sym, score_values *v, double *margin)
{
	size_t L = m->L, q = m->q;
	v->pll = 0.0;
	v->energy = 0.0;
	v->unstable = 0.0;
	for (size_t i = 0; i < L; i++) {
		double z = 0.0, best = -INFINITY, other = -INFINITY;
		for (size_t b = 0; b < q; b++) {
			double f = field(m, a, i, b, sym);
			z += exp(f);
			best = f > best ? f : best;
			if (b != a[i])
				other = f > other ? f : other;
		}
		double fa = field(m, a, i, a[i], sym);
		v->pll += fa - log(z);
		v->unstable += fa < best - 1e-9;
		margin[i] = fa - other;
		v->energy -= m->h[i * q + a[i]];
		for (size_t j = i + 1; j < L; j++)
			v->energy -= 0.5 * (model_J(m, i, j)[a[i] * q + a[j]] + model_J(m, j, i)[a[j] * q + a[i]]);
	}
}

START_TEST(test_sequences_direct)
{
	const size_t L = 13, n = 9;
	plm_model *m = protein_model(L, 7);
	plm_rng r;
	rng_seed(&r, 8, 0);
	uint8_t *a = malloc(n * L);
	for (size_t k = 0; k < n * L; k++)
		a[k] = (uint8_t)rng_below(&r, 21);
	for (int sym = 0; sym < 2; sym++) {
		dyn_model *d;
		plm_err err;
		ck_assert_int_eq(dyn_model_create(m, sym, &d, &err), PLM_OK);
		score_values v[9];
		double mg[9 * 13], dm[13];
		ck_assert_int_eq(score_sequences(d, a, n, v, mg, &err), PLM_OK);
		size_t unstable = 0;
		for (size_t k = 0; k < n; k++) {
			score_values e;
			direct(m, a + k * L, sym, &e, dm);
			ck_assert_double_eq_tol(v[k].pll, e.pll, 1e-4);
			ck_assert_double_eq_tol(v[k].energy, e.energy, 1e-4);
			ck_assert_double_eq(v[k].unstable, e.unstable);
			for (size_t i = 0; i < L; i++)
				ck_assert_double_eq_tol(mg[k * L + i], dm[i], 1e-4);
			unstable += (size_t)e.unstable;
		}
		ck_assert_uint_gt(unstable, 0); /* random sequences: the count is exercised */
		dyn_model_destroy(d);
	}
	free(a);
	model_destroy(m);
}
END_TEST

/* Mutant deltas equal the scores of the mutated sequences minus the reference's; logodds is
 * the sum of the field differences in the reference's context; the same numbers for 1 and 3
 * threads; a skipped mutant is all nan. */
START_TEST(test_mutants_deltas)
{
	const size_t L = 11;
	plm_model *m = protein_model(L, 21);
	dyn_model *d;
	plm_err err;
	ck_assert_int_eq(dyn_model_create(m, 0, &d, &err), PLM_OK);
	uint8_t ref[11], mut[11];
	for (size_t i = 0; i < L; i++)
		ref[i] = (uint8_t)(1 + (i * 7) % 20);
	/* three mutants: one substitution, two, and a skipped one */
	size_t first[3] = { 0, 1, 3 }, nsub[3] = { 1, 2, SIZE_MAX }, pos[3] = { 4, 0, 9 };
	uint8_t to[3] = { 3, 17, 0 };
	score_values dv[3], dv3[3], s0, s1;
	for (int t = 0; t < 2; t++) {
#ifdef _OPENMP
		omp_set_num_threads(t ? 3 : 1);
#endif
		ck_assert_int_eq(score_mutants(d, ref, 3, first, nsub, pos, to, t ? dv3 : dv, &err), PLM_OK);
	}
#ifdef _OPENMP
	omp_set_num_threads(1);
#endif
	ck_assert_int_eq(memcmp(dv, dv3, sizeof dv), 0);
	ck_assert_int_eq(score_sequences(d, ref, 1, &s0, NULL, &err), PLM_OK);
	double f0[11 * 21];
	dyn_fields(d, ref, f0);
	for (size_t k = 0; k < 2; k++) {
		memcpy(mut, ref, L);
		double lo = 0.0;
		for (size_t s = first[k]; s < first[k] + nsub[k]; s++) {
			mut[pos[s]] = to[s];
			lo += f0[pos[s] * 21 + to[s]] - f0[pos[s] * 21 + ref[pos[s]]];
		}
		ck_assert_int_eq(score_sequences(d, mut, 1, &s1, NULL, &err), PLM_OK);
		ck_assert_double_eq_tol(dv[k].pll, s1.pll - s0.pll, 1e-9);
		ck_assert_double_eq_tol(dv[k].energy, s1.energy - s0.energy, 1e-9);
		ck_assert_double_eq(dv[k].unstable, s1.unstable - s0.unstable);
		ck_assert_double_eq_tol(dv[k].logodds, lo, 1e-9);
	}
	/* a single substitution's energy change is minus its symmetrised field difference */
	dyn_model *ds;
	ck_assert_int_eq(dyn_model_create(m, 1, &ds, &err), PLM_OK);
	double fs[11 * 21];
	dyn_fields(ds, ref, fs);
	ck_assert_double_eq_tol(dv[0].energy, -(fs[4 * 21 + 3] - fs[4 * 21 + ref[4]]), 1e-6);
	ck_assert(isnan(dv[2].pll) && isnan(dv[2].energy) && isnan(dv[2].logodds));
	dyn_model_destroy(ds);
	dyn_model_destroy(d);
	model_destroy(m);
}
END_TEST

/* Parsing in the focus numbering (residues 101..): good single and multiple mutants, and a
 * reason for every kind of bad one. */
START_TEST(test_parse_mutants)
{
	const size_t L = 6;
	plm_model *m = protein_model(L, 1);
	plm_err err;
	score_numbering nb;
	ck_assert_int_eq(score_numbering_init(&nb, m, &err), PLM_OK);
	/* reference ACDEFG at residues 101..106 */
	uint8_t ref[6];
	for (size_t i = 0; i < L; i++)
		ref[i] = (uint8_t)alphabet_state(&m->abc, (unsigned char)"ACDEFG"[i]);
	size_t pos[4], nsub;
	uint8_t to[4];
	char why[256];
	ck_assert_int_eq(score_parse_mutant("C102W", m, &nb, ref, pos, to, 4, &nsub, why, sizeof why), 0);
	ck_assert_uint_eq(nsub, 1);
	ck_assert_uint_eq(pos[0], 1);
	ck_assert_int_eq(to[0], alphabet_state(&m->abc, 'W'));
	ck_assert_int_eq(score_parse_mutant("a101y:G106-:E104E", m, &nb, ref, pos, to, 4, &nsub, why, sizeof why), 0);
	ck_assert_uint_eq(nsub, 3);
	ck_assert_uint_eq(pos[0], 0);
	ck_assert_uint_eq(pos[1], 5);
	ck_assert_int_eq(to[1], m->abc.gap);
	ck_assert_uint_eq(pos[2], 3);
	/* the separators of EVcouplings (',') and others (';'), with spaces after them */
	static const char *const same[] = { "a101y,G106-,E104E", "a101y;G106-:E104E", "a101y, G106-;  E104E" };
	for (size_t k = 0; k < 3; k++) {
		ck_assert_msg(score_parse_mutant(same[k], m, &nb, ref, pos, to, 4, &nsub, why, sizeof why) == 0, "%s: %s",
		              same[k], why);
		ck_assert_uint_eq(nsub, 3);
		ck_assert_uint_eq(pos[1], 5);
		ck_assert_uint_eq(pos[2], 3);
	}
	char name[32];
	score_mutant_name(m, 1, ref[1], to[0], name, sizeof name);
	ck_assert_str_eq(name, "C102Y");
	static const struct { const char *text, *reason; } bad[] = {
		{ "", "empty" },
		{ "C102", "missing the mutant letter" },
		{ "102W", "missing the wild-type letter" },
		{ "CW", "expected a residue number" },
		{ "C102WW", "unexpected 'W'" },
		{ "C102W:", "nothing after ':'" },
		{ "C102J", "'J' is not a letter of the protein alphabet" },
		{ "X102W", "'X' is not a letter" },
		{ "C100W", "residue 100 is not a position of the model" },
		{ "C107W", "residue 107 is not a position of the model" },
		{ "D102W", "the reference has C at residue 102, not D" },
		{ "C102W:C102Y", "residue 102 is mutated twice" },
		{ "A101C:C102D:D103E:E104F:F105G", "more than 4 substitutions" },
		{ "C+102W", "expected a residue number" },
		{ "C102W K104R", "unexpected ' '" },
		{ "C99999999999999999999W", "bad residue number" },
		{ "C102W,", "nothing after ','" },
		{ "C102W,0.35", "'0.35' after ',' is not a mutation" },
		{ "C102W;;D103E", "missing the wild-type letter" },
	};
	for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
		why[0] = '\0';
		ck_assert_msg(score_parse_mutant(bad[k].text, m, &nb, ref, pos, to, 4, &nsub, why, sizeof why) == -1,
		              "'%s' accepted", bad[k].text);
		ck_assert_msg(strstr(why, bad[k].reason) != NULL, "'%s': reason '%s', expected '%s'",
		              bad[k].text, why, bad[k].reason);
	}
	score_numbering_free(&nb);
	/* without a focus: 1-based training columns (here 3, 5, ... from the column map) */
	free(m->resnum);
	m->resnum = NULL;
	for (size_t i = 0; i < L; i++)
		m->col[i] = 2 * i + 2;
	ck_assert_int_eq(score_numbering_init(&nb, m, &err), PLM_OK);
	ck_assert_int_eq(score_parse_mutant("D7W", m, &nb, ref, pos, to, 4, &nsub, why, sizeof why), 0);
	ck_assert_uint_eq(pos[0], 2);
	ck_assert_int_eq(score_parse_mutant("D6W", m, &nb, ref, pos, to, 4, &nsub, why, sizeof why), -1);
	ck_assert(strstr(why, "residue 6 is not a position") != NULL);
	score_numbering_free(&nb);
	model_destroy(m);
}
END_TEST

/* Issue 21, case 2: a mutant list scored row by row: one output row per input row, the mutant
 * as written, NA and a reason where it cannot be scored, the list's score column copied. */
START_TEST(test_mutant_list)
{
	const size_t L = 6;
	plm_model *m = protein_model(L, 3);
	plm_err err;
	dyn_model *d;
	ck_assert_int_eq(dyn_model_create(m, 0, &d, &err), PLM_OK);
	uint8_t ref[6];
	for (size_t i = 0; i < L; i++)
		ref[i] = (uint8_t)alphabet_state(&m->abc, (unsigned char)"ACDEFG"[i]);
	const char *text = "mutant,DMS_score\n\"C102W,E104K\",1.5\nC102W:E104K,2\nC102W\nD102W,3\n\"C102W,x\n";
	mutlist *l;
	ck_assert_int_eq(mutlist_parse(text, strlen(text), "t", &l, &err), PLM_OK);
	ck_assert_uint_eq(l->n, 5);
	score_values val[5];
	char *why[5];
	ck_assert_int_eq(score_mutlist(d, m, ref, l, val, why, &err), PLM_OK);
	ck_assert_ptr_null(why[0]);
	ck_assert_ptr_null(why[1]);
	ck_assert_ptr_null(why[2]);
	ck_assert_ptr_nonnull(strstr(why[3], "the reference has C at residue 102, not D"));
	ck_assert_ptr_nonnull(strstr(why[4], "unterminated quote"));
	/* the double mutant, however separated, is one mutant: both substitutions count */
	ck_assert(val[0].pll == val[1].pll && val[0].logodds == val[1].logodds);
	ck_assert(val[0].logodds != val[2].logodds);
	ck_assert(isnan(val[3].pll) && isnan(val[4].logodds));
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	ck_assert_uint_eq(score_write_mutants(fp, l, val, why), 2);
	fclose(fp);
	ck_assert_ptr_nonnull(strstr(buf, "mutant\tdelta_pll\tdelta_energy\tdelta_unstable\tlogodds\tnote\tDMS_score\n"
	                                  "C102W,E104K\t"));
	ck_assert_ptr_nonnull(strstr(buf, "\nC102W\t"));
	ck_assert_ptr_nonnull(strstr(buf, "\nD102W\tNA\tNA\tNA\tNA\tthe reference has C at residue 102, not D\t3\n"));
	ck_assert_ptr_nonnull(strstr(buf, "\t-\tNA\n")); /* C102W has no DMS_score */
	size_t lines = 0;
	for (char *c = buf; *c; c++)
		lines += *c == '\n';
	ck_assert_uint_eq(lines, 6);
	free(buf);
	for (size_t k = 0; k < 5; k++)
		free(why[k]);
	mutlist_destroy(l);
	/* every single substitution: L x 19, never the gap or the wild type */
	ck_assert_int_eq(score_all_substitutions(m, ref, &l, &err), PLM_OK);
	ck_assert_uint_eq(l->n, L * 19);
	ck_assert_str_eq(l->rows[0].mutant, "A101C");
	mutlist_destroy(l);
	dyn_model_destroy(d);
	model_destroy(m);
}
END_TEST

static Suite *score_suite(void)
{
	Suite *s = suite_create("score");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_sequences_direct);
	tcase_add_test(tc, test_mutants_deltas);
	tcase_add_test(tc, test_parse_mutants);
	tcase_add_test(tc, test_mutant_list);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return run_suite(score_suite());
}
