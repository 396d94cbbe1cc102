/* check_cmap: the contact-map script on a 5-position case worked out by hand: the observed
 * block holds each contact twice (both triangles), predictions go above the diagonal into the
 * block of their class (in contact, not, unknown), the PNG name is quoted for gnuplot, and
 * without distances every prediction is drawn alike. */
#include "check_common.h"

#include <math.h>

#include "cmap.h"

/* The lines of block NAME ("$observed") in TEXT, joined by '|'. */
static void block(const char *text, const char *name, char *out, size_t n)
{
	char head[64];
	snprintf(head, sizeof head, "%s << EOD\n", name);
	const char *p = strstr(text, head);
	ck_assert_ptr_nonnull(p);
	p += strlen(head);
	const char *e = strstr(p, "EOD\n");
	size_t k = 0;
	for (; p < e && k + 1 < n; p++)
		out[k++] = *p == '\n' ? '|' : *p;
	out[k] = '\0';
}

START_TEST(test_script)
{
	long user[5] = { 10, 11, 12, 13, 14 };
	double D[25];
	for (size_t k = 0; k < 25; k++)
		D[k] = 20.0;
	D[0 * 5 + 4] = D[4 * 5 + 0] = 5.0; /* 10-14 in contact */
	D[1 * 5 + 3] = D[3 * 5 + 1] = 7.9; /* 11-13 in contact */
	D[0 * 5 + 2] = D[2 * 5 + 0] = NAN;  /* 10-12 unknown */
	contacts_pair p[3] = { { 4, 0, 3.0 }, { 0, 2, 2.0 }, { 0, 3, 1.0 } };
	cmap_spec s = { "it's.png", "t", 5, user, D, 8.0, "cb" };
	char path[4096], b[256];
	snprintf(path, sizeof path, "%s/check_cmap.%d.gp", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
	plm_err err;
	ck_assert_int_eq(cmap_write_gnuplot(path, &s, p, 3, &err), PLM_OK);
	size_t n;
	char *text = (char *)slurp(path, &n);
	text = realloc(text, n + 1);
	text[n] = '\0';
	block(text, "$observed", b, sizeof b);
	ck_assert_str_eq(b, "10 14|14 10|11 13|13 11|");
	block(text, "$hit", b, sizeof b);
	ck_assert_str_eq(b, "10 14|");
	block(text, "$miss", b, sizeof b);
	ck_assert_str_eq(b, "10 13|");
	block(text, "$unknown", b, sizeof b);
	ck_assert_str_eq(b, "10 12|");
	ck_assert_ptr_nonnull(strstr(text, "set output 'it''s.png'"));
	ck_assert_ptr_nonnull(strstr(text, "set xrange [9.5:14.5]"));
	free(text);
	/* no structure: everything unknown, no observed series in the plot command */
	s.D = NULL;
	ck_assert_int_eq(cmap_write_gnuplot(path, &s, p, 3, &err), PLM_OK);
	text = (char *)slurp(path, &n);
	text = realloc(text, n + 1);
	text[n] = '\0';
	block(text, "$unknown", b, sizeof b);
	ck_assert_str_eq(b, "10 14|10 12|10 13|");
	ck_assert_ptr_null(strstr(text, "$observed with"));
	free(text);
	unlink(path);
	ck_assert_int_eq(cmap_write_gnuplot("/nonexistent/dir/x.gp", &s, p, 3, &err), PLM_EIO);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cmap");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_script);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
