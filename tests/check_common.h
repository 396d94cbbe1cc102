/* check_common.h: helpers shared by the Check suites: a main() that runs one suite without
 * forking (CK_FORK=no, since Check's fork mode and libgomp can hang), and the location of
 * the shared real data (tests that need it skip when it is absent). */
#ifndef PLMEM_CHECK_COMMON_H
#define PLMEM_CHECK_COMMON_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "model.h"

/* Path of FILE under ../shared/data (PLMEM_SHARED), or NULL when it is absent. */
static inline const char *shared_path(const char *file, char *buf, size_t n)
{
	const char *dir = getenv("PLMEM_SHARED");
	struct stat st;
	if (dir == NULL)
		dir = PLMEM_SRCDIR "/../shared/data";
	snprintf(buf, n, "%s/%s", dir, file);
	if (stat(buf, &st) != 0) {
		fprintf(stderr, "skip: %s is absent\n", buf);
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
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif
