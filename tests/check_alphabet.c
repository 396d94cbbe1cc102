/* check_alphabet: letters <-> states for the built-in and custom alphabets. */
#include "check_common.h"

#include "alphabet.h"

START_TEST(test_protein)
{
	plm_alphabet a;
	plm_err err;
	ck_assert_int_eq(alphabet_init(&a, "protein", &err), PLM_OK);
	ck_assert_uint_eq(a.q, 21);
	ck_assert_int_eq(a.gap, 0);
	ck_assert_int_eq(alphabet_state(&a, '-'), 0);
	ck_assert_int_eq(alphabet_state(&a, '.'), 0);
	ck_assert_int_eq(alphabet_state(&a, 'A'), 1);
	ck_assert_int_eq(alphabet_state(&a, 'a'), 1);
	ck_assert_int_eq(alphabet_state(&a, 'Y'), 20);
	ck_assert_int_eq(alphabet_state(&a, 'X'), ALPHABET_UNKNOWN);
	ck_assert_int_eq(alphabet_state(&a, 'b'), ALPHABET_UNKNOWN);
	ck_assert_int_eq(alphabet_state(&a, '*'), ALPHABET_UNKNOWN);
	ck_assert_int_eq(alphabet_state(&a, '1'), ALPHABET_INVALID);
	ck_assert_int_eq(alphabet_letter(&a, 4), 'E');
}
END_TEST

START_TEST(test_nucleic_and_binary)
{
	plm_alphabet a;
	plm_err err;
	ck_assert_int_eq(alphabet_init(&a, "rna", &err), PLM_OK);
	ck_assert_uint_eq(a.q, 5);
	ck_assert_int_eq(alphabet_state(&a, 'T'), alphabet_state(&a, 'U'));
	ck_assert_int_eq(alphabet_state(&a, 'N'), ALPHABET_UNKNOWN);
	ck_assert_int_eq(alphabet_init(&a, "dna", &err), PLM_OK);
	ck_assert_int_eq(alphabet_state(&a, 't'), 4);
	ck_assert_int_eq(alphabet_init(&a, "binary", &err), PLM_OK);
	ck_assert_uint_eq(a.q, 2);
	ck_assert_int_eq(a.gap, -1);
	ck_assert_int_eq(alphabet_state(&a, '0'), 0);
	ck_assert_int_eq(alphabet_state(&a, '-'), 0);
	ck_assert_int_eq(alphabet_state(&a, '1'), 1);
	ck_assert_int_eq(alphabet_state(&a, '+'), 1);
	ck_assert_int_eq(alphabet_state(&a, 'A'), ALPHABET_INVALID);
}
END_TEST

START_TEST(test_custom)
{
	plm_alphabet a;
	plm_err err;
	ck_assert_int_eq(alphabet_init(&a, "_^*", &err), PLM_OK);
	ck_assert_uint_eq(a.q, 3);
	ck_assert_int_eq(a.gap, -1);
	ck_assert_int_eq(alphabet_state(&a, '^'), 1);
	ck_assert_int_eq(alphabet_state(&a, '-'), ALPHABET_INVALID);
	ck_assert_int_eq(alphabet_init(&a, "aA", &err), PLM_OK); /* both cases: kept apart */
	ck_assert_int_eq(alphabet_state(&a, 'a'), 0);
	ck_assert_int_eq(alphabet_state(&a, 'A'), 1);
	ck_assert_int_eq(alphabet_init(&a, "ABA", &err), PLM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "appears twice"));
	ck_assert_int_eq(alphabet_init(&a, "A", &err), PLM_EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("alphabet");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_protein);
	tcase_add_test(tc, test_nucleic_and_binary);
	tcase_add_test(tc, test_custom);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
