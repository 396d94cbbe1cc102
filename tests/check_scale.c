/* check_scale: the memory estimates at scale limits (L = 3,000 and 10,000 positions, sizes
 * that overflow size_t), against small fake memory figures: refused with the figure, nothing
 * allocated, no wrap-around.  Run under UBSan and ASan in CI (an allocation of J at L = 10,000,
 * 164 GiB, would abort under ASan). */
#include "check_common.h"

#include <stdint.h>

#include "fit.h"
#include "model.h"
#include "util.h"

#define GIB ((size_t)1 << 30)

/* J's bytes: 4 L^2 q^2, exact, or -1 when it does not fit in a size_t. */
START_TEST(test_j_bytes)
{
	size_t b;
	ck_assert_int_eq(model_j_bytes(3000, 21, &b), 0);
	ck_assert_uint_eq(b, (size_t)15876000000u);
	ck_assert_int_eq(model_j_bytes(10000, 21, &b), 0);
	ck_assert_uint_eq(b, (size_t)176400000000u);
	ck_assert_int_eq(model_j_bytes((size_t)1 << 32, 21, &b), -1); /* L^2 alone overflows */
	ck_assert_int_eq(model_j_bytes((size_t)1 << 28, 64, &b), -1); /* only the last product does */
	ck_assert_int_eq(model_j_bytes(SIZE_MAX, SIZE_MAX, &b), -1);
}
END_TEST

/* The estimate holds J and grows with L; it saturates at SIZE_MAX instead of wrapping. */
START_TEST(test_estimate_saturates)
{
	fit_opts o;
	fit_opts_default(&o);
	size_t j3, j10;
	model_j_bytes(3000, 21, &j3);
	model_j_bytes(10000, 21, &j10);
	size_t e3 = fit_memory_bytes(40, 3000, 21, 2, &o), e10 = fit_memory_bytes(40, 10000, 21, 2, &o);
	ck_assert_uint_gt(e3, j3);
	ck_assert_uint_lt(e3, j3 + j3 / 10);
	ck_assert_uint_gt(e10, j10);
	ck_assert_uint_lt(e10, j10 + j10 / 10);
	ck_assert_uint_eq(fit_memory_bytes(40, (size_t)1 << 32, 21, 2, &o), SIZE_MAX);
	ck_assert_uint_eq(fit_memory_bytes(SIZE_MAX, 3000, 21, 2, &o), SIZE_MAX);
	ck_assert_uint_eq(fit_memory_bytes(40, 3000, 21, SIZE_MAX, &o), SIZE_MAX);
	o.symmetric = 1; /* the joint L-BFGS on top */
	ck_assert_int_eq(fit_memory_check(40, 3000, 21, 2, &o, SIZE_MAX - 1, NULL), PLM_OK);
	ck_assert_int_eq(fit_memory_check(40, (size_t)1 << 32, 21, 2, &o, SIZE_MAX - 1, NULL), PLM_ERANGE);
	o.symmetric = 0;
	ck_assert_int_eq(fit_memory_check(40, (size_t)1 << 32, 21, 2, &o, SIZE_MAX - 1, NULL), PLM_ERANGE);
	ck_assert_int_eq(fit_memory_check(40, (size_t)1 << 16, 2, 2, &o, SIZE_MAX - 1, NULL), PLM_OK);
}
END_TEST

/* Refusals with the figures, whichever part is the largest, and the limit named. */
START_TEST(test_refusal_messages)
{
	fit_opts o;
	fit_opts_default(&o);
	plm_err err = { 0 };
	/* L = 3,000 against 1 GiB: J is 14.79 GiB */
	ck_assert_int_eq(fit_memory_check(40, 3000, 21, 2, &o, GIB, &err), PLM_ERANGE);
	ck_assert_msg(strstr(err.msg, "fitting 3000 positions (q = 21) needs about ") != NULL, "%s", err.msg);
	ck_assert_msg(strstr(err.msg, "14.79 GiB of them for the couplings J") != NULL, "%s", err.msg);
	ck_assert_msg(strstr(err.msg, "more than this machine's 1.00 GiB of memory") != NULL, "%s", err.msg);
	/* L = 10,000: 164.29 GiB; the limit given as --max-memory */
	o.max_memory = 16 * GIB;
	ck_assert_int_eq(fit_memory_check(40, 10000, 21, 2, &o, 0, &err), PLM_ERANGE);
	ck_assert_msg(strstr(err.msg, "164.29 GiB of them for the couplings J") != NULL, "%s", err.msg);
	ck_assert_msg(strstr(err.msg, "more than the 16.00 GiB of --max-memory") != NULL, "%s", err.msg);
	/* --max-memory large enough: the same problem passes */
	o.max_memory = 200 * GIB;
	ck_assert_int_eq(fit_memory_check(40, 10000, 21, 2, &o, 0, &err), PLM_OK);
	o.max_memory = 0;
	/* J fits twice over, the joint L-BFGS of --symmetric does not */
	o.symmetric = 1;
	ck_assert_int_eq(fit_memory_check(40, 3000, 21, 2, &o, 64 * GIB, &err), PLM_ERANGE);
	ck_assert_msg(strstr(err.msg, "with --symmetric needs about") != NULL, "%s", err.msg);
	ck_assert_msg(strstr(err.msg, "for the joint L-BFGS") != NULL, "%s", err.msg);
	o.symmetric = 0;
	/* J fits, 4,096 threads' workspaces do not; small figures in MiB */
	size_t mem = 3 * fit_memory_bytes(40, 100, 21, 1, &o);
	ck_assert_int_eq(fit_memory_check(40, 100, 21, 1, &o, mem, &err), PLM_OK);
	ck_assert_int_eq(fit_memory_check(40, 100, 21, 4096, &o, mem, &err), PLM_ERANGE);
	ck_assert_msg(strstr(err.msg, "with 4096 threads needs about") != NULL, "%s", err.msg);
	ck_assert_msg(strstr(err.msg, " MiB of memory (fewer threads would help)") != NULL, "%s", err.msg);
	/* one thread: no plural, and no advice to use fewer */
	size_t big = fit_memory_bytes(1000000, 100, 21, 1, &o); /* the sequences dominate */
	ck_assert_int_eq(fit_memory_check(1000000, 100, 21, 1, &o, big - 1, &err), PLM_ERANGE);
	ck_assert_msg(strstr(err.msg, "with 1 thread needs about") != NULL, "%s", err.msg);
	ck_assert_msg(strstr(err.msg, "fewer threads") == NULL, "%s", err.msg);
}
END_TEST

/* model_create refuses J larger than the memory before allocating it (at L = 10,000 an
 * attempt would abort under ASan), and sizes that overflow. */
START_TEST(test_model_create_refuses)
{
	plm_err err = { 0 };
	plm_model *m = NULL;
	size_t jb;
	model_j_bytes(10000, 21, &jb);
	if (plm_phys_memory() < jb) {
		ck_assert_int_eq(model_create(10000, 21, &m, &err), PLM_ERANGE);
		ck_assert_ptr_null(m);
		ck_assert_msg(strstr(err.msg, "needs 176400000000 bytes (164.3 GiB) for the couplings J") != NULL, "%s",
		              err.msg);
	} else {
		fprintf(stderr, "skip: this machine holds J at L = 10,000\n");
	}
	ck_assert_int_eq(model_create((size_t)1 << 32, 21, &m, &err), PLM_ERANGE);
	ck_assert_ptr_null(m);
	ck_assert_msg(strstr(err.msg, "overflow") != NULL, "%s", err.msg);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("scale");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_j_bytes);
	tcase_add_test(tc, test_estimate_saturates);
	tcase_add_test(tc, test_refusal_messages);
	tcase_add_test(tc, test_model_create_refuses);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
