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

/* The alphabet named when a file holds letters outside the one asked for: the suggestion reads
 * every letter, a built-in one before a custom one, nucleotides before protein. */
START_TEST(test_suggest)
{
	plm_alphabet protein, binary;
	ck_assert_int_eq(alphabet_init(&protein, "protein", NULL), PLM_OK);
	ck_assert_int_eq(alphabet_init(&binary, "binary", NULL), PLM_OK);
	char out[ALPHABET_MAXQ + 1];
	ck_assert_int_eq(alphabet_suggest("01-", &protein, out, sizeof out), 1);
	ck_assert_str_eq(out, "binary");
	ck_assert_int_eq(alphabet_suggest("+-", &protein, out, sizeof out), 1);
	ck_assert_str_eq(out, "binary");
	ck_assert_int_eq(alphabet_suggest("ACGTN-", &binary, out, sizeof out), 1);
	ck_assert_str_eq(out, "dna");
	ck_assert_int_eq(alphabet_suggest("ACGU", &binary, out, sizeof out), 1);
	ck_assert_str_eq(out, "rna");
	ck_assert_int_eq(alphabet_suggest("MKVLAE-X", &binary, out, sizeof out), 1);
	ck_assert_str_eq(out, "protein");
	/* plmc's 3-state example: a custom alphabet, in the order the letters first appear */
	ck_assert_int_eq(alphabet_suggest("_*^", &protein, out, sizeof out), 2);
	ck_assert_str_eq(out, "_*^");
	/* one state reads both cases */
	ck_assert_int_eq(alphabet_suggest("_a*A", &binary, out, sizeof out), 2);
	ck_assert_str_eq(out, "_a*");
	/* every letter of the Latin alphabet is a protein state or ambiguity code */
	ck_assert_int_eq(alphabet_suggest("xyXz", &binary, out, sizeof out), 1);
	ck_assert_str_eq(out, "protein");
	/* mostly letters of the alphabet asked for: a stray byte, no suggestion */
	ck_assert_int_eq(alphabet_suggest("ACDE@", &protein, out, sizeof out), 0);
	/* letters no alphabet may hold, or too few */
	ck_assert_int_eq(alphabet_suggest("_>", &protein, out, sizeof out), 0);
	ck_assert_int_eq(alphabet_suggest("_", &protein, out, sizeof out), 0);
	ck_assert_int_eq(alphabet_suggest("", &protein, out, sizeof out), 0);
	/* every suggestion reads its letters */
	static const char *const cases[] = { "01-", "ACGTN-", "ACGU", "_*^", "_a*A", "MKVLAE-X" };
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		plm_alphabet a;
		ck_assert_int_gt(alphabet_suggest(cases[k], &binary, out, sizeof out), 0);
		ck_assert_int_eq(alphabet_init(&a, out, NULL), PLM_OK);
		for (const char *p = cases[k]; *p; p++)
			ck_assert_int_ne(alphabet_state(&a, (unsigned char)*p), ALPHABET_INVALID);
	}
}
END_TEST

/* Guess from the bytes of TEXT; returns the spec ("" when unclear). */
static const char *guess_text(const char *text, char *spec, char *why, size_t wn)
{
	size_t counts[256] = { 0 };
	for (const char *p = text; *p; p++)
		counts[(unsigned char)*p]++;
	if (!alphabet_guess(counts, spec, 16, why, wn))
		ck_assert_str_eq(spec, "");
	return spec;
}

START_TEST(test_guess)
{
	char spec[16], why[256];
	/* the thresholds: 90% A/C/G/T/U/N nucleic, below 75% protein; 18/20 = 90% exactly */
	ck_assert_str_eq(guess_text("ACGTACGTACGTACGTACRY", spec, why, sizeof why), "dna");
	ck_assert_ptr_nonnull(strstr(why, "guessed from 90.0% A/C/G/T/U/N"));
	ck_assert_str_eq(guess_text("ACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTRYRYRYRYRY", spec, why, sizeof why), "");
	ck_assert_ptr_nonnull(strstr(why, "--alphabet protein or --alphabet dna"));
	ck_assert_str_eq(guess_text("ACGUACGUNNACGU--..", spec, why, sizeof why), "rna");
	ck_assert_ptr_nonnull(strstr(why, "U more often than T"));
	/* T and U: the more frequent decides; gaps and '.' are not letters */
	ck_assert_str_eq(guess_text("acgttt-------.....u", spec, why, sizeof why), "dna");
	/* a real protein: 26% A/C/G/T/N (the Kunitz domain of BPTI) */
	ck_assert_str_eq(guess_text("RPDFCLEPPYTGPCKARIIRYFYNAKAGLCQTFVYGGCRAKRNNFKSAEDCMRTCGGA", spec, why,
	                            sizeof why), "protein");
	ck_assert_ptr_nonnull(strstr(why, "below 75%"));
	/* between the thresholds: a letter no nucleotide alphabet has decides protein ... */
	ck_assert_str_eq(guess_text("ACGTACGTACGTACGTACGTACGTACGTACGTACGTACGTKMKMKMKMKE", spec, why, sizeof why),
	                 "protein");
	/* ... and so do fewer than ALPHABET_GUESS_MIN letters */
	ck_assert_str_eq(guess_text("ACGTKACGTK", spec, why, sizeof why), "protein");
	ck_assert_ptr_nonnull(strstr(why, "only 10 letters"));
	ck_assert_str_eq(guess_text("0110-+10", spec, why, sizeof why), "binary");
	ck_assert_str_eq(guess_text("0110A", spec, why, sizeof why), "protein");
	ck_assert_str_eq(guess_text("-----", spec, why, sizeof why), "protein");
	ck_assert_ptr_nonnull(strstr(why, "no residues"));
	/* the shown percentage never rounds across a threshold: 89.99% is not "90.0%" */
	size_t counts[256] = { 0 };
	counts['A'] = 8999;
	counts['K'] = 1001;
	ck_assert_int_eq(alphabet_guess(counts, spec, sizeof spec, why, sizeof why), 0);
	ck_assert_ptr_nonnull(strstr(why, "89.9%"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("alphabet");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_protein);
	tcase_add_test(tc, test_nucleic_and_binary);
	tcase_add_test(tc, test_custom);
	tcase_add_test(tc, test_suggest);
	tcase_add_test(tc, test_guess);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
