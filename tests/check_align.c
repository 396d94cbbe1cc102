/* check_align: BLOSUM62's symmetry and a few entries; alignments whose answer is known by
 * construction: identity, residues missing from the structure, a chain covering part of the
 * query, overhangs on both sides, gaps in the query, a point mutation, unrelated sequences. */
#include "check_common.h"

#include "align.h"
#include "ceval.h"

START_TEST(test_blosum)
{
	const char *aa = "ARNDCQEGHILKMFPSTWYV";
	for (int i = 0; i < 20; i++)
		for (int j = 0; j < 20; j++) {
			ck_assert_int_eq(align_blosum62(aa[i], aa[j]), align_blosum62(aa[j], aa[i]));
			if (i != j) /* every diagonal entry beats every entry of its row */
				ck_assert_int_gt(align_blosum62(aa[i], aa[i]), align_blosum62(aa[i], aa[j]));
		}
	ck_assert_int_eq(align_blosum62('W', 'W'), 11);
	ck_assert_int_eq(align_blosum62('C', 'C'), 9);
	ck_assert_int_eq(align_blosum62('a', 'r'), -1);
	ck_assert_int_eq(align_blosum62('I', 'V'), 3);
	ck_assert_int_eq(align_blosum62('X', 'A'), -1);
}
END_TEST

#define Q "MKTAYIAKQRQISFVKSHFSRQLEERLGLIEVQAPILSRVGDGTQDNLSGAEKAVQVKVKALPDAQFEVVHSLAKWKRQTLGQHDFSAGEGLYTHMKALRPDEDRLSPLHSVYVDQWDWERVMGDGERQFSTLKSTVEAIWAGIKATEAAVSEEFGLAPFLPDQIHFVHSQELLSRYPDLDAKGRERAIAKDLGAVFLVGIGGKLSDGHRHDVRAPDYDDWUAVLNG"

START_TEST(test_identity)
{
	size_t n = strlen(Q);
	long *map = malloc(n * sizeof *map);
	align_stats st;
	plm_err err;
	ck_assert_int_eq(align_map(Q, n, Q, n, map, &st, &err), PLM_OK);
	for (size_t k = 0; k < n; k++)
		ck_assert_int_eq(map[k], (long)k);
	ck_assert_uint_eq(st.aligned, n);
	ck_assert_uint_eq(st.identical, n - 1); /* U is not one of the 20 */
	ck_assert_double_eq_tol(st.coverage, 1.0, 1e-12);
	free(map);
}
END_TEST

/* The structure lacks residues 40-44 (a disordered loop) and the first 3 and last 5 residues;
 * the query has 2 gap columns; residue 100 is mutated. */
START_TEST(test_missing_partial)
{
	char q[512], t[512];
	size_t n = strlen(Q), nt = 0;
	long truth[512];
	for (size_t k = 0; k < n; k++) {
		truth[k] = -1;
		if (k < 3 || k >= n - 5 || (k >= 40 && k < 45))
			continue;
		truth[k] = (long)nt;
		t[nt++] = k == 100 ? 'W' : Q[k];
	}
	t[nt] = '\0';
	/* query with gap characters at 10 and 11 (so those two letters are absent) */
	memcpy(q, Q, n + 1);
	q[10] = '-';
	q[11] = '.';
	truth[10] = truth[11] = -1;
	long map[512];
	align_stats st;
	plm_err err;
	ck_assert_int_eq(align_map(q, n, t, nt, map, &st, &err), PLM_OK);
	for (size_t k = 0; k < n; k++)
		ck_assert_msg(map[k] == truth[k], "position %zu: %ld, expected %ld", k, map[k], truth[k]);
	ck_assert_uint_eq(st.query_letters, n - 2);
	ck_assert_uint_eq(st.aligned, nt - 2);
	ck_assert_uint_eq(st.identical, nt - 2 - 2); /* the mutation and U */
	/* a chain covering only the middle third of the query */
	size_t a = n / 3, b = 2 * n / 3;
	ck_assert_int_eq(align_map(Q, n, Q + a, b - a, map, &st, &err), PLM_OK);
	for (size_t k = 0; k < n; k++)
		ck_assert_int_eq(map[k], ((k >= a && k < b) ? (long)(k - a) : -1L));
	ck_assert_double_eq_tol(st.coverage, (double)(b - a) / (double)n, 1e-12);
	ck_assert_int_eq(ceval_check_alignment(&st, "x", &err), PLM_OK);
	/* a chain longer than the query at both ends (tags, a second domain) */
	char big[512];
	memcpy(big, "MGSSHHHHHHSSGLVPRGSH", 20);
	memcpy(big + 20, Q + a, b - a);
	memcpy(big + 20 + (b - a), "LEHHHHHH", 8);
	ck_assert_int_eq(align_map(Q + a, b - a, big, b - a + 28, map, &st, &err), PLM_OK);
	for (size_t k = 0; k < b - a; k++)
		ck_assert_int_eq(map[k], (long)k + 20);
	ck_assert_int_eq(ceval_check_alignment(&st, "x", &err), PLM_OK);
}
END_TEST

START_TEST(test_unrelated)
{
	const char *a = "MKTAYIAKQRQISFVKSHFSRQLEERLGLIEVQ", *b = "GGGGPPPPWWWWCCCCNNNNDDDDEEEEHHHH";
	long map[64];
	align_stats st;
	plm_err err;
	ck_assert_int_eq(align_map(a, strlen(a), b, strlen(b), map, &st, &err), PLM_OK);
	ck_assert_int_eq(ceval_check_alignment(&st, "t.pdb chain A", &err), PLM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "t.pdb chain A does not align"));
	/* empty sequences align nothing */
	ck_assert_int_eq(align_map("---", 3, b, strlen(b), map, &st, &err), PLM_OK);
	ck_assert_uint_eq(st.aligned, 0);
	ck_assert_int_eq(map[0], -1);
	ck_assert_int_eq(ceval_check_alignment(&st, "x", &err), PLM_EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("align");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_blosum);
	tcase_add_test(tc, test_identity);
	tcase_add_test(tc, test_missing_partial);
	tcase_add_test(tc, test_unrelated);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
