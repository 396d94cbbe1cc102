/* check_mutlist: mutant lists as users write them: plain lines, CSV/TSV tables with a
 * header (ProteinGym, EVmutation), quoted fields, and one row per input row whatever is
 * wrong with it (issue 21, case 2). */
#include "check_common.h"

#include "mutlist.h"

static mutlist *parse(const char *text)
{
	mutlist *l = NULL;
	plm_err err = { 0 };
	ck_assert_msg(mutlist_parse(text, strlen(text), "t", &l, &err) == PLM_OK, "%s", err.msg);
	return l;
}

START_TEST(test_plain_lines)
{
	/* no header: the first whitespace-separated field; commas and ';' belong to the mutant */
	mutlist *l = parse("M1A,I2V\n# comment\n\nM1A:I2V 0.5\r\nM1A;I2V\tx\n  K3R\n");
	ck_assert_int_eq(l->header, 0);
	ck_assert_ptr_null(l->value_name);
	ck_assert_uint_eq(l->n, 4);
	ck_assert_str_eq(l->rows[0].mutant, "M1A,I2V");
	ck_assert_str_eq(l->rows[1].mutant, "M1A:I2V");
	ck_assert_str_eq(l->rows[2].mutant, "M1A;I2V");
	ck_assert_str_eq(l->rows[3].mutant, "K3R");
	ck_assert_uint_eq(l->rows[0].line, 1);
	ck_assert_uint_eq(l->rows[1].line, 4);
	ck_assert_uint_eq(l->rows[3].line, 6);
	for (size_t k = 0; k < l->n; k++)
		ck_assert_ptr_null(l->rows[k].why);
	mutlist_destroy(l);
}
END_TEST

START_TEST(test_csv_header)
{
	/* ProteinGym: mutant,mutated_sequence,DMS_score,DMS_score_bin; quoted multi-mutants */
	mutlist *l = parse("mutant,mutated_sequence,DMS_score,DMS_score_bin\n"
	                   "M1A,AIK,0.25,1\n"
	                   "\"M1A,I2V\",AVK,-1.5,0\n"
	                   "\"M1A \"\"x\"\"\",AVK,2,0\n"
	                   "\"M1A,I2V,AVK,2,0\n"
	                   "K3R\n"
	                   ",AVK,3,1\n");
	ck_assert_int_eq(l->header, 1);
	ck_assert_int_eq(l->sep, ',');
	ck_assert_str_eq(l->value_name, "DMS_score");
	ck_assert_uint_eq(l->n, 6);
	ck_assert_str_eq(l->rows[0].mutant, "M1A");
	ck_assert_str_eq(l->rows[0].value, "0.25");
	ck_assert_str_eq(l->rows[1].mutant, "M1A,I2V");
	ck_assert_str_eq(l->rows[1].value, "-1.5");
	ck_assert_str_eq(l->rows[2].mutant, "M1A \"x\"");
	/* an unterminated quote: a row with a reason and the text as written */
	ck_assert_ptr_nonnull(l->rows[3].why);
	ck_assert_str_eq(l->rows[3].mutant, "\"M1A,I2V,AVK,2,0");
	/* a row without the score field still has its mutant */
	ck_assert_ptr_null(l->rows[4].why);
	ck_assert_str_eq(l->rows[4].mutant, "K3R");
	ck_assert_ptr_null(l->rows[4].value);
	ck_assert_str_eq(l->rows[5].why, "empty mutant field");
	mutlist_destroy(l);
	/* two columns of another name (the GAL4 set): the other column is the score */
	l = parse("mutant,SEL_C_64h\nS6A,-1.65\nS6C,-0.9\n");
	ck_assert_str_eq(l->value_name, "SEL_C_64h");
	ck_assert_str_eq(l->rows[1].value, "-0.9");
	mutlist_destroy(l);
	/* EVmutation's ';'-separated tables; TSV; the mutant column need not come first */
	l = parse("pos;mutant;prediction_epistatic\n1;M1A;-2.1\n");
	ck_assert_int_eq(l->sep, ';');
	ck_assert_str_eq(l->rows[0].mutant, "M1A");
	ck_assert_ptr_null(l->value_name);
	mutlist_destroy(l);
	l = parse("id\tMutant\tfitness\nx\tM1A,I2V\t0.1\ny\tK3R\n");
	ck_assert_int_eq(l->sep, '\t');
	ck_assert_str_eq(l->value_name, "fitness");
	ck_assert_str_eq(l->rows[0].mutant, "M1A,I2V");
	ck_assert_str_eq(l->rows[1].mutant, "K3R");
	ck_assert_ptr_null(l->rows[1].value);
	mutlist_destroy(l);
	/* a header of one column: the whole row is the mutant */
	l = parse("mutant\nM1A, I2V\n");
	ck_assert_int_eq(l->sep, 0);
	ck_assert_str_eq(l->rows[0].mutant, "M1A, I2V");
	mutlist_destroy(l);
	/* a row short of the mutant column */
	l = parse("score,mutant\n0.5\n");
	ck_assert_uint_eq(l->n, 1);
	ck_assert_ptr_nonnull(l->rows[0].why);
	ck_assert_str_eq(l->rows[0].mutant, "0.5");
	mutlist_destroy(l);
}
END_TEST

START_TEST(test_not_text)
{
	mutlist *l = NULL;
	plm_err err = { 0 };
	ck_assert_int_eq(mutlist_parse("M1A\nK\0R\n", 8, "t", &l, &err), PLM_EFORMAT);
	ck_assert_ptr_null(l);
	ck_assert_ptr_nonnull(strstr(err.msg, "t:2: binary data"));
	ck_assert_int_eq(mutlist_parse("", 0, "t", &l, &err), PLM_OK);
	ck_assert_uint_eq(l->n, 0);
	mutlist_destroy(l);
	mutlist_destroy(NULL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("mutlist");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_plain_lines);
	tcase_add_test(tc, test_csv_header);
	tcase_add_test(tc, test_not_text);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
