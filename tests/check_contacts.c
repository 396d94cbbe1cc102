/* check_contacts: the zero-sum gauge and Frobenius norm on a block computed by hand, gauge
 * invariance, the APC on a hand-computed 4 x 4 case, and the ranking with --min-sep in the
 * user's numbering. */
#include "check_common.h"

#include <math.h>

#include "contacts.h"
#include "rng.h"

#define EPS 1e-12

START_TEST(test_block_by_hand)
{
	/* q = 3 (gap first, as in "-AB"): J_12(A, A) = 2, J_21 = 0.  Symmetrised:
	 *   S = [0 0 0; 0 1 0; 0 0 0]
	 * row means (0, 1/3, 0), column means (0, 1/3, 0), overall mean 1/9, so
	 *   C = S - r_a - c_b + m = [ 1/9 -2/9  1/9;
	 *                            -2/9  4/9 -2/9;
	 *                             1/9 -2/9  1/9 ]
	 * Without the gap (rows/columns 1, 2): sqrt(16 + 4 + 4 + 1)/9 = 5/9.
	 * With it: sqrt(4*1 + 4*4 + 16)/81 = sqrt(36)/9 = 2/3. */
	float j12[9] = { 0, 0, 0, 0, 2, 0, 0, 0, 0 }, j21[9] = { 0 };
	ck_assert_double_eq_tol(contacts_block_score(j12, j21, 3, 0, CONTACTS_ZERO_SUM), 5.0 / 9.0, EPS);
	ck_assert_double_eq_tol(contacts_block_score(j12, j21, 3, -1, CONTACTS_ZERO_SUM), 2.0 / 3.0, EPS);
	/* the same coupling stored in the other direction, transposed, gives the same score */
	ck_assert_double_eq_tol(contacts_block_score(j21, j12, 3, 0, CONTACTS_ZERO_SUM), 5.0 / 9.0, EPS);
	/* asymmetric: J_12(A, B) = 2 and J_21(A, B) = 2 (i.e. J_12(B, A) seen from 1) average to
	 * S(A,B) = S(B,A) = 1, a symmetric block: rows (0, 1/3, 1/3), cols the same, mean 2/9;
	 * C(A,A) = 0 - 2/3 + 2/9 = -4/9, C(A,B) = 1 - 2/3 + 2/9 = 5/9, C(B,B) = -4/9, C(B,A) = 5/9:
	 * norm over {A, B} = sqrt(16 + 25 + 25 + 16)/9 = sqrt(82)/9 */
	float k12[9] = { 0, 0, 0, 0, 0, 2, 0, 0, 0 }, k21[9] = { 0, 0, 0, 0, 0, 2, 0, 0, 0 };
	ck_assert_double_eq_tol(contacts_block_score(k12, k21, 3, 0, CONTACTS_ZERO_SUM), sqrt(82.0) / 9.0, EPS);
	/* binary, no gap: J = [[x, -x], [-x, x]] is already zero-sum: norm 2|x| */
	float b12[4] = { 0.25f, -0.25f, -0.25f, 0.25f }, b21[4] = { 0.25f, -0.25f, -0.25f, 0.25f };
	ck_assert_double_eq_tol(contacts_block_score(b12, b21, 2, -1, CONTACTS_ZERO_SUM), 0.5, EPS);
	/* the other gauges on the first block, S = [0 0 0; 0 1 0; 0 0 0], overall mean 1/9:
	 * stored: the norm of S itself, 1 with or without the gap;
	 * mean (CCMpred): S - 1/9, over {A, B}: sqrt(8^2 + 3) / 9, all states: sqrt(8^2 + 8) / 9 */
	ck_assert_double_eq_tol(contacts_block_score(j12, j21, 3, 0, CONTACTS_STORED), 1.0, EPS);
	ck_assert_double_eq_tol(contacts_block_score(j12, j21, 3, -1, CONTACTS_STORED), 1.0, EPS);
	ck_assert_double_eq_tol(contacts_block_score(j12, j21, 3, 0, CONTACTS_MEAN), sqrt(67.0) / 9.0, EPS);
	ck_assert_double_eq_tol(contacts_block_score(j12, j21, 3, -1, CONTACTS_MEAN), sqrt(72.0) / 9.0, EPS);
	contacts_gauge g;
	ck_assert_int_eq(contacts_parse_gauge("mean", &g), 0);
	ck_assert_int_eq(g, CONTACTS_MEAN);
	ck_assert_int_eq(contacts_parse_gauge("zero", &g), -1);
}
END_TEST

START_TEST(test_apc_ccmpred_by_hand)
{
	/* F = [0 4 2; 4 0 3; 2 3 0]: row means over all 3 entries 2, 7/3, 5/3, overall mean 2;
	 * corrected: F_01 = 4 - 2 (7/3) / 2 = 5/3, F_02 = 2 - 5/3 = 1/3, F_12 = 3 - 35/18 = 19/18;
	 * shifted by the least, 1/3: 4/3, 0, 13/18; diagonal 0 */
	double F[9] = { 0, 4, 2, 4, 0, 3, 2, 3, 0 };
	plm_err err;
	ck_assert_int_eq(contacts_apc_ccmpred(F, 3, &err), PLM_OK);
	const double want[9] = { 0, 4.0 / 3, 0, 4.0 / 3, 0, 13.0 / 18, 0, 13.0 / 18, 0 };
	for (int k = 0; k < 9; k++)
		ck_assert_double_eq_tol(F[k], want[k], EPS);
}
END_TEST

START_TEST(test_gauge_invariance)
{
	/* adding u(a) + v(b) to a block (a change of gauge of the fields) leaves the score */
	plm_rng r;
	rng_seed(&r, 99, 0);
	float j12[441], j21[441], g12[441];
	for (size_t k = 0; k < 441; k++) {
		j12[k] = (float)rng_normal(&r) * 0.1f;
		j21[k] = (float)rng_normal(&r) * 0.1f;
	}
	double u[21], v[21];
	for (size_t a = 0; a < 21; a++) {
		u[a] = rng_normal(&r);
		v[a] = rng_normal(&r);
	}
	for (size_t a = 0; a < 21; a++)
		for (size_t b = 0; b < 21; b++)
			g12[a * 21 + b] = (float)(j12[a * 21 + b] + u[a] + v[b]);
	for (int skip = -1; skip <= 0; skip++) {
		double s0 = contacts_block_score(j12, j21, 21, skip, CONTACTS_ZERO_SUM);
		double s1 = contacts_block_score(g12, j21, 21, skip, CONTACTS_ZERO_SUM);
		ck_assert_double_eq_tol(s0, s1, 1e-5);
	}
	/* the gap row/column is excluded after the gauge change, not before: a shift of the gap
	 * row alone (u(gap) only) is a gauge change too */
	for (size_t b = 0; b < 21; b++)
		g12[b] = j12[b] + 3.0f;
	for (size_t k = 21; k < 441; k++)
		g12[k] = j12[k];
	ck_assert_double_eq_tol(contacts_block_score(g12, j21, 21, 0, CONTACTS_ZERO_SUM),
	                        contacts_block_score(j12, j21, 21, 0, CONTACTS_ZERO_SUM), 1e-5);
}
END_TEST

START_TEST(test_apc_by_hand)
{
	/* F_12 = 1, F_13 = 2, F_14 = 3, F_23 = 4, F_24 = 5, F_34 = 6.
	 * Row means over j != i: F_1 = 2, F_2 = 10/3, F_3 = 4, F_4 = 14/3; F_.. = 21/6 = 7/2.
	 * APC_12 = 1 - 2 (10/3) / (7/2) = 1 - 40/21 = -19/21
	 * APC_34 = 6 - 4 (14/3) / (7/2) = 6 - 16/3 = 2/3
	 * APC_14 = 3 - 2 (14/3) / (7/2) = 3 - 8/3 = 1/3 */
	double F[16] = { 0, 1, 2, 3, 1, 0, 4, 5, 2, 4, 0, 6, 3, 5, 6, 0 };
	plm_err err;
	ck_assert_int_eq(contacts_apc(F, 4, &err), PLM_OK);
	ck_assert_double_eq_tol(F[0 * 4 + 1], -19.0 / 21.0, EPS);
	ck_assert_double_eq_tol(F[1 * 4 + 0], -19.0 / 21.0, EPS);
	ck_assert_double_eq_tol(F[2 * 4 + 3], 2.0 / 3.0, EPS);
	ck_assert_double_eq_tol(F[0 * 4 + 3], 1.0 / 3.0, EPS);
	ck_assert_double_eq_tol(F[0], 0.0, EPS);
}
END_TEST

/* A protein model of L positions whose only coupling is J_ij(A, A) = c. */
static plm_model *one_coupling(size_t L, size_t i, size_t j, float c)
{
	plm_model *m;
	plm_err err;
	ck_assert_int_eq(model_create(L, 21, &m, &err), PLM_OK);
	ck_assert_int_eq(alphabet_init(&m->abc, "protein", &err), PLM_OK);
	model_J(m, i, j)[1 * 21 + 1] = c;
	return m;
}

START_TEST(test_frobenius_and_rank)
{
	plm_err err;
	plm_model *m = one_coupling(12, 2, 9, 2.0f);
	model_J(m, 1, 3)[5 * 21 + 7] = 4.0f; /* a stronger pair, but only 2 apart */
	double F[144];
	ck_assert_int_eq(contacts_frobenius(m, 0, CONTACTS_ZERO_SUM, F, &err), PLM_OK);
	/* symmetrised S(A,A) = 1 in a 21 x 21 block: C(A,A) = 1 - 2/21 + 1/441 = (20/21)^2,
	 * C(A,b) = C(b,A) = -1/21 + 1/441 = -20/441 (b != A), C(b,c) = 1/441 (b, c != A).
	 * Over the 20 non-gap states: (20/21)^4 + 2*19*(20/441)^2 + 19*19/441^2 = 160000/194481
	 * + 15200/194481 + 361/194481 = 175561/194481, whose square root is 419/441. */
	ck_assert_double_eq_tol(F[2 * 12 + 9], 419.0 / 441.0, 1e-9);
	ck_assert_double_eq_tol(F[9 * 12 + 2], 419.0 / 441.0, 1e-9);
	ck_assert_double_eq_tol(F[0 * 12 + 5], 0.0, EPS);
	contacts_pair *p;
	size_t n;
	/* min_sep 6 in alignment columns: the pair (2, 4) of columns 2 and 4 is dropped */
	ck_assert_int_eq(contacts_rank(m, F, 6, &p, &n, &err), PLM_OK);
	size_t want = 0;
	for (size_t i = 0; i < 12; i++)
		for (size_t j = i + 6; j < 12; j++)
			want++;
	ck_assert_uint_eq(n, want);
	ck_assert_uint_eq(p[0].i, 2);
	ck_assert_uint_eq(p[0].j, 9);
	ck_assert(p[1].score == 0.0 && p[1].i == 0 && p[1].j == 6); /* ties by (i, j) */
	free(p);
	ck_assert_int_eq(contacts_rank(m, F, 0, &p, &n, &err), PLM_OK);
	ck_assert_uint_eq(n, 66);
	ck_assert_uint_eq(p[0].i, 1);
	ck_assert_uint_eq(p[0].j, 3);
	free(p);
	/* separation counts in the user's numbering: residues 10, 20, 30, ... are >= 6 apart */
	m->resnum = calloc(12, sizeof *m->resnum);
	for (size_t i = 0; i < 12; i++)
		m->resnum[i] = 10 * (long)i;
	ck_assert_int_eq(contacts_rank(m, F, 6, &p, &n, &err), PLM_OK);
	ck_assert_uint_eq(n, 66);
	free(p);
	/* NaN scores rank after every number, in (i, j) order, and the rest keep theirs */
	F[0 * 12 + 1] = NAN;
	F[1 * 12 + 3] = NAN;
	F[5 * 12 + 7] = -1.0;
	ck_assert_int_eq(contacts_rank(m, F, 0, &p, &n, &err), PLM_OK);
	ck_assert_uint_eq(n, 66);
	ck_assert_uint_eq(p[0].i, 2);
	ck_assert_uint_eq(p[0].j, 9);
	ck_assert(p[63].score == -1.0 && p[63].i == 5 && p[63].j == 7);
	ck_assert(isnan(p[64].score) && p[64].i == 0 && p[64].j == 1);
	ck_assert(isnan(p[65].score) && p[65].i == 1 && p[65].j == 3);
	for (size_t k = 1; k < 64; k++)
		ck_assert(p[k - 1].score >= p[k].score);
	free(p);
	model_destroy(m);
}
END_TEST

START_TEST(test_apc_block)
{
	/* L = 5, blocks A = {0, 1}, B = {3, 4}; inter scores
	 *   F_03 = 1, F_04 = 3, F_13 = 2, F_14 = 6
	 * row means (2, 4), column means (1.5, 4.5), block mean 3:
	 *   F_03 - 2 * 1.5 / 3 = 0, F_04 - 2 * 4.5 / 3 = 0, F_13 - 4 * 1.5 / 3 = 0, F_14 - 4 * 4.5 / 3 = 0
	 * (a rank-one block is all background); one planted excess on F_13 = 2 + 4 stands out */
	double F[25];
	for (size_t k = 0; k < 25; k++)
		F[k] = 7.0; /* intra-protein entries: must stay */
	double v[2][2] = { { 1, 3 }, { 2, 6 } };
	for (size_t a = 0; a < 2; a++)
		for (size_t b = 0; b < 2; b++)
			F[a * 5 + 3 + b] = F[(3 + b) * 5 + a] = v[a][b];
	plm_err err;
	ck_assert_int_eq(contacts_apc_block(F, 5, 0, 2, 3, 5, &err), PLM_OK);
	for (size_t a = 0; a < 2; a++)
		for (size_t b = 0; b < 2; b++) {
			ck_assert_double_eq_tol(F[a * 5 + 3 + b], 0.0, EPS);
			ck_assert_double_eq_tol(F[(3 + b) * 5 + a], 0.0, EPS);
		}
	ck_assert_double_eq(F[0 * 5 + 1], 7.0);
	ck_assert_double_eq(F[2 * 5 + 3], 7.0);
	v[1][0] = 6.0; /* rows (2, 6), cols (3.5, 4.5), mean 4: F_13 = 6 - 6 * 3.5 / 4 = 0.75 */
	for (size_t a = 0; a < 2; a++)
		for (size_t b = 0; b < 2; b++)
			F[a * 5 + 3 + b] = F[(3 + b) * 5 + a] = v[a][b];
	ck_assert_int_eq(contacts_apc_block(F, 5, 0, 2, 3, 5, &err), PLM_OK);
	ck_assert_double_eq_tol(F[1 * 5 + 3], 0.75, EPS);
	ck_assert_double_eq_tol(F[0 * 5 + 3], 1.0 - 2.0 * 3.5 / 4.0, EPS);
	/* overlapping or empty blocks are refused */
	ck_assert_int_eq(contacts_apc_block(F, 5, 0, 3, 2, 5, &err), PLM_EINVAL);
	ck_assert_int_eq(contacts_apc_block(F, 5, 0, 0, 2, 5, &err), PLM_EINVAL);
	ck_assert_int_eq(contacts_apc_block(F, 5, 0, 2, 3, 6, &err), PLM_EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("contacts");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_block_by_hand);
	tcase_add_test(tc, test_gauge_invariance);
	tcase_add_test(tc, test_apc_by_hand);
	tcase_add_test(tc, test_apc_ccmpred_by_hand);
	tcase_add_test(tc, test_frobenius_and_rank);
	tcase_add_test(tc, test_apc_block);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
