/* fuzz: scratch files, in-memory gzip and the property check shared by the fuzz targets. */
#include "config.h"

#include "fuzz.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

static char paths[2][4096];
static int fds[2] = { -1, -1 };
static int cleanup_set;

static void cleanup(void)
{
	for (int n = 0; n < 2; n++)
		if (fds[n] >= 0) {
			close(fds[n]);
			unlink(paths[n]);
		}
}

const char *fuzz_file(int n, const void *data, size_t size)
{
	if (n < 0 || n > 1)
		return NULL;
	if (fds[n] < 0) {
		const char *dir = getenv("TMPDIR");
		if (dir == NULL || dir[0] == '\0')
			dir = "/tmp";
		snprintf(paths[n], sizeof paths[n], "%s/plmem-fuzz-%s-%d-XXXXXX", dir, fuzz_name, n);
		if ((fds[n] = mkstemp(paths[n])) < 0)
			return NULL;
		if (!cleanup_set) {
			atexit(cleanup);
			cleanup_set = 1;
		}
	}
	if (ftruncate(fds[n], 0) != 0)
		return NULL;
	const char *p = data;
	size_t left = size;
	off_t off = 0;
	while (left > 0) {
		ssize_t k = pwrite(fds[n], p, left, off);
		if (k <= 0)
			return NULL;
		p += k;
		left -= (size_t)k;
		off += k;
	}
	return paths[n];
}

const char *fuzz_out_path(void)
{
	static char out[4096];
	if (out[0] == '\0') {
		const char *dir = getenv("TMPDIR");
		if (dir == NULL || dir[0] == '\0')
			dir = "/tmp";
		snprintf(out, sizeof out, "%s/plmem-fuzz-%s-%ld.out", dir, fuzz_name, (long)getpid());
	}
	return out;
}

static int fuzz_gzip(const void *data, size_t size, uint8_t **out, size_t *outlen)
{
	z_stream z;
	memset(&z, 0, sizeof z);
	if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return -1;
	size_t cap = deflateBound(&z, (uLong)size) + 32;
	uint8_t *buf = malloc(cap);
	if (buf == NULL) {
		deflateEnd(&z);
		return -1;
	}
	z.next_in = (Bytef *)(uintptr_t)data;
	z.avail_in = (uInt)size;
	z.next_out = buf;
	z.avail_out = (uInt)cap;
	int rc = deflate(&z, Z_FINISH);
	*outlen = z.total_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(buf);
		return -1;
	}
	*out = buf;
	return 0;
}

void fuzz_require_at(int ok, const char *what, const char *file, int line)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz_%s: %s:%d: property broken: %s\n", fuzz_name, file, line, what);
	abort();
}

const char *fuzz_file_gz(int gzip, const void *data, size_t size)
{
	uint8_t *gz = NULL;
	size_t gzn = 0;
	if (gzip && fuzz_gzip(data, size, &gz, &gzn) == 0) {
		data = gz;
		size = gzn;
	}
	const char *path = fuzz_file(0, data, size);
	free(gz);
	return path;
}
