/* check_common.h: helpers shared by the Check suites: a main() that runs one suite without
 * forking (CK_FORK=no, since Check's fork mode and libgomp can hang), and the location of
 * the shared real data.  A test whose data is absent returns early; the suite then exits 77,
 * which the automake driver reports as SKIP (never PASS), or fails when PLMEM_REQUIRE_DATA=1
 * (set by CI: .ci/run), so that missing data cannot pass unnoticed. */
#ifndef PLMEM_CHECK_COMMON_H
#define PLMEM_CHECK_COMMON_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model.h"

/* Tests of this suite that found their shared data absent (run_suite then exits 77). */
static int data_skipped;

/* 1 when PLMEM_REQUIRE_DATA is set to 1: absent shared data is then a failure, not a skip. */
static inline int data_required(void)
{
	const char *r = getenv("PLMEM_REQUIRE_DATA");
	return r != NULL && strcmp(r, "1") == 0;
}

/* Path of FILE under ../shared/data (PLMEM_SHARED), or NULL when it is absent: the caller
 * returns at once, and the suite is reported as skipped (or the test fails under
 * PLMEM_REQUIRE_DATA=1). */
static inline const char *shared_path(const char *file, char *buf, size_t n)
{
	const char *dir = getenv("PLMEM_SHARED");
	struct stat st;
	if (dir == NULL)
		dir = PLMEM_SRCDIR "/../shared/data";
	snprintf(buf, n, "%s/%s", dir, file);
	if (stat(buf, &st) != 0) {
		ck_assert_msg(!data_required(), "%s is absent and PLMEM_REQUIRE_DATA=1 (set PLMEM_SHARED to "
		              "the shared data folder)", buf);
		fprintf(stderr, "SKIP: %s is absent\n", buf);
		data_skipped++;
		return NULL;
	}
	return buf;
}

/* Path of FILE in the source tree. */
static inline const char *src_path(const char *file, char *buf, size_t n)
{
	const char *dir = getenv("PLMEM_SRCDIR");
	snprintf(buf, n, "%s/%s", dir ? dir : PLMEM_SRCDIR, file);
	return buf;
}

/* Write TEXT to a new temporary file whose name starts with TAG; its path goes to BUF. */
static inline const char *tmp_text_file(const char *tag, const char *text, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", tag);
	int fd = mkstemp(buf);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return buf;
}

/* The whole content of the file PATH (caller frees); its size goes to *N. */
static inline unsigned char *slurp(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	ck_assert_ptr_nonnull(fp);
	fseek(fp, 0, SEEK_END);
	*n = (size_t)ftell(fp);
	fseek(fp, 0, SEEK_SET);
	unsigned char *p = malloc(*n);
	ck_assert_uint_eq(fread(p, 1, *n, fp), *n);
	fclose(fp);
	return p;
}

/* A bare model for the dynamics' tests: L, q, h and J (zeros) only, allocated here, so that
 * they need no model_create; bare_free frees it. */
static inline plm_model *bare_model(size_t L, size_t q)
{
	plm_model *m = calloc(1, sizeof *m);
	ck_assert_ptr_nonnull(m);
	m->L = L;
	m->q = q;
	m->nrows = L;
	m->h = calloc(L * q, sizeof(float));
	m->J = calloc(L * L * q * q, sizeof(float));
	ck_assert_ptr_nonnull(m->h);
	ck_assert_ptr_nonnull(m->J);
	return m;
}

static inline void bare_free(plm_model *m)
{
	free(m->h);
	free(m->J);
	free(m);
}

static inline int run_suite(Suite *s)
{
	SRunner *sr = srunner_create(s);
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (failed == 0 && data_skipped > 0) {
		fprintf(stderr, "SKIP: %d test(s) found their shared data absent (PLMEM_SHARED)\n", data_skipped);
		return 77; /* the automake test driver's SKIP */
	}
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
