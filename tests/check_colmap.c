/* check_colmap: the row -> column map beside matrix and npy outputs: one row per position,
 * the training columns after a column filter, NA where the model knows no value. */
#include "check_common.h"

#include <unistd.h>

#include "colmap.h"
#include "model.h"

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	static char buf[4096];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

START_TEST(test_map)
{
	plm_model *m;
	plm_err err;
	ck_assert_int_eq(model_create(3, 21, &m, &err), PLM_OK);
	/* columns 2, 5, 9 of the training alignment kept (0-based 1, 4, 8) */
	m->col[0] = 1;
	m->col[1] = 4;
	m->col[2] = 8;
	m->ncol_in = 10;
	char path[256];
	snprintf(path, sizeof path, "%s/check_colmap_%d.map", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
	ck_assert_int_eq(colmap_write(m, path, &err), PLM_OK);
	ck_assert_str_eq(read_all(path), COLMAP_HEADER "\n0\t1\t2\tNA\tNA\n1\t2\t5\tNA\tNA\n2\t3\t9\tNA\tNA\n");
	/* with a focus: residue numbers and reference letters */
	m->resnum = malloc(3 * sizeof *m->resnum);
	m->refseq = strdup("MKV");
	m->resnum[0] = 10;
	m->resnum[1] = 12;
	m->resnum[2] = 13;
	ck_assert_int_eq(colmap_write(m, path, &err), PLM_OK);
	ck_assert_str_eq(read_all(path), COLMAP_HEADER "\n0\t1\t2\t10\tM\n1\t2\t5\t12\tK\n2\t3\t9\t13\tV\n");
	unlink(path);
	model_destroy(m);
}
END_TEST

START_TEST(test_path)
{
	char b[64];
	ck_assert_int_eq(colmap_path("out.mat", b, sizeof b), 0);
	ck_assert_str_eq(b, "out.map");
	ck_assert_int_eq(colmap_path("dir.v2/out", b, sizeof b), 0);
	ck_assert_str_eq(b, "dir.v2/out.map");
	ck_assert_int_eq(colmap_path("x/.hidden", b, sizeof b), 0);
	ck_assert_str_eq(b, "x/.hidden.map");
	ck_assert_int_eq(colmap_path("-", b, sizeof b), 0);
	ck_assert_str_eq(b, "plmem.map");
	ck_assert_int_eq(colmap_path("a-very-long-name.mat", b, 8), -1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("colmap");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_map);
	tcase_add_test(tc, test_path);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
