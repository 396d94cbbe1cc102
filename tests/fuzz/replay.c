/* replay: main() for the regression corpus of a fuzz target, without libFuzzer (any compiler).
 *   replay_<t> [FILE|DIR]...
 * feeds each FILE (each file of each DIR) to the target's LLVMFuzzerTestOneInput; with no
 * argument, the files of $PLMEM_SRCDIR/tests/fuzz/regress/<t>/ (make check).  A crash or a
 * sanitizer report fails the test; so does an empty or missing corpus. */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int run_file(const char *path)
{
	FILE *fp = fopen(path, "rb");
	if (fp == NULL) {
		perror(path);
		return -1;
	}
	size_t cap = 4096, n = 0;
	uint8_t *buf = malloc(cap);
	size_t k;
	while (buf != NULL && (k = fread(buf + n, 1, cap - n, fp)) > 0) {
		n += k;
		if (n == cap) {
			uint8_t *nb = realloc(buf, 2 * cap);
			if (nb == NULL) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
	}
	int bad = buf == NULL || ferror(fp);
	fclose(fp);
	if (bad) {
		fprintf(stderr, "%s: cannot read\n", path);
		free(buf);
		return -1;
	}
	/* an exact-size copy, so that the sanitizers see a read past the end */
	uint8_t *data = malloc(n ? n : 1);
	if (data == NULL) {
		free(buf);
		return -1;
	}
	memcpy(data, buf, n);
	free(buf);
	LLVMFuzzerTestOneInput(data, n);
	free(data);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file of DIR, in name order; returns the count or -1. */
static long run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (d == NULL) {
		perror(dir);
		return -1;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			char **nn = realloc(names, cap * sizeof *nn);
			if (nn == NULL)
				break;
			names = nn;
		}
		if ((names[n] = strdup(e->d_name)) != NULL)
			n++;
	}
	closedir(d);
	qsort(names, n, sizeof *names, cmp_str);
	long count = 0;
	for (size_t i = 0; i < n; i++) {
		char path[8192];
		struct stat st;
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			if (run_file(path) != 0)
				count = -1;
			else if (count >= 0)
				count++;
		}
		free(names[i]);
	}
	free(names);
	return count;
}

static long run_path(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		perror(path);
		return -1;
	}
	if (S_ISDIR(st.st_mode))
		return run_dir(path);
	return run_file(path) == 0 ? 1 : -1;
}

int main(int argc, char **argv)
{
	long total = 0;
	if (argc < 2) {
		const char *src = getenv("PLMEM_SRCDIR");
		char dir[4096];
		snprintf(dir, sizeof dir, "%s/tests/fuzz/regress/%s", src && src[0] ? src : PLMEM_SRCDIR, fuzz_name);
		total = run_path(dir);
		if (total == 0) {
			fprintf(stderr, "replay_%s: %s holds no input\n", fuzz_name, dir);
			return 1;
		}
		if (total > 0)
			fprintf(stderr, "replay_%s: %ld inputs of %s, no crash\n", fuzz_name, total, dir);
	} else {
		for (int i = 1; i < argc && total >= 0; i++) {
			long k = run_path(argv[i]);
			total = k < 0 ? -1 : total + k;
		}
		if (total > 0)
			fprintf(stderr, "replay_%s: %ld inputs, no crash\n", fuzz_name, total);
	}
	return total < 0 ? 1 : 0;
}
