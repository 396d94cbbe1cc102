/* util: checked sizes, allocation, atomic output files, clocks, memory and BLAS threads.
 * No printing, no exit. */
#include "config.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#ifdef _OPENMP
#include <omp.h>
#endif
#ifdef HAVE_OPENBLAS_SET_NUM_THREADS
void openblas_set_num_threads(int);
#endif

int size_mul(size_t a, size_t b, size_t *out)
{
	if (a != 0 && b > SIZE_MAX / a)
		return -1;
	*out = a * b;
	return 0;
}

size_t size_sat_add(size_t a, size_t b)
{
	return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

size_t size_sat_mul(size_t a, size_t b)
{
	size_t r;
	return size_mul(a, b, &r) != 0 ? SIZE_MAX : r;
}

uint64_t plm_hash_bytes(const void *p, size_t n)
{
	const unsigned char *c = p;
	uint64_t h = 1469598103934665603ULL;
	for (size_t k = 0; k < n; k++) {
		h ^= c[k];
		h *= 1099511628211ULL;
	}
	return h ^ (h >> 29);
}

void *plm_calloc(size_t n, size_t size, const char *what, plm_err *err)
{
	size_t bytes;
	if (size_mul(n, size, &bytes) != 0) {
		plm_fail(err, PLM_ENOMEM, "%s: size overflow (%zu x %zu bytes)", what, n, size);
		return NULL;
	}
	void *p = calloc(bytes ? bytes : 1, 1);
	if (p == NULL)
		plm_fail(err, PLM_ENOMEM, "out of memory (%zu bytes for %s)", bytes, what);
	return p;
}

void *plm_calloc_aligned(size_t n, size_t size, const char *what, plm_err *err)
{
	size_t bytes;
	if (size_mul(n, size, &bytes) != 0 || bytes > SIZE_MAX - 64) {
		plm_fail(err, PLM_ENOMEM, "%s: size overflow (%zu x %zu bytes)", what, n, size);
		return NULL;
	}
	bytes = (bytes + 63) / 64 * 64;
	if (bytes == 0)
		bytes = 64;
	void *p = NULL;
	if (posix_memalign(&p, 64, bytes) != 0) {
		plm_fail(err, PLM_ENOMEM, "out of memory (%zu bytes for %s)", bytes, what);
		return NULL;
	}
	memset(p, 0, bytes);
	return p;
}

char *plm_strdup(const char *s, plm_err *err)
{
	char *d = strdup(s ? s : "");
	if (d == NULL)
		plm_fail(err, PLM_ENOMEM, "out of memory");
	return d;
}

int outfile_open(plm_outfile *o, const char *path, plm_err *err)
{
	memset(o, 0, sizeof *o);
	if (strcmp(path, "-") == 0) {
		o->fp = stdout;
		o->path = plm_strdup("-", err);
		return o->path ? PLM_OK : PLM_ENOMEM;
	}
	struct stat st;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		/* /dev/null, a FIFO, a terminal: write in place, never rename over it */
		o->path = plm_strdup(path, err);
		if (o->path == NULL)
			return PLM_ENOMEM;
		o->fp = fopen(path, "wb");
		if (o->fp == NULL) {
			plm_fail_errno(err, PLM_EIO, "%s: cannot open", path);
			free(o->path);
			memset(o, 0, sizeof *o);
			return PLM_EIO;
		}
		return PLM_OK;
	}
	size_t n = strlen(path);
	o->path = plm_strdup(path, err);
	o->tmp = malloc(n + 16);
	if (o->path == NULL || o->tmp == NULL) {
		free(o->path);
		free(o->tmp);
		memset(o, 0, sizeof *o);
		return plm_fail(err, PLM_ENOMEM, "out of memory");
	}
	snprintf(o->tmp, n + 16, "%s.tmpXXXXXX", path);
	int fd = mkstemp(o->tmp);
	if (fd < 0) {
		plm_fail_errno(err, PLM_EIO, "%s: cannot create a temporary file", path);
		free(o->path);
		free(o->tmp);
		memset(o, 0, sizeof *o);
		return PLM_EIO;
	}
	mode_t mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask);
	o->fp = fdopen(fd, "wb");
	if (o->fp == NULL) {
		close(fd);
		unlink(o->tmp);
		free(o->path);
		free(o->tmp);
		memset(o, 0, sizeof *o);
		return plm_fail_errno(err, PLM_EIO, "%s: cannot open", path);
	}
	return PLM_OK;
}

int plm_ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);
	return n >= k && strcmp(s + n - k, suffix) == 0;
}

/* PATH (a name ending in .gz) written from the finished plain file PLAIN: compressed into a
 * second temporary file beside PATH, then renamed into place.  PLAIN is left to the caller. */
static int gzip_into_place(const char *plain, const char *path, plm_err *err)
{
	size_t len = strlen(path) + 16;
	char *tmp = malloc(len);
	unsigned char *buf = malloc(1 << 16);
	if (tmp == NULL || buf == NULL) {
		free(tmp);
		free(buf);
		return plm_fail(err, PLM_ENOMEM, "out of memory");
	}
	snprintf(tmp, len, "%s.tmpXXXXXX", path);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		int rc = plm_fail_errno(err, PLM_EIO, "%s: cannot create a temporary file", path);
		free(tmp);
		free(buf);
		return rc;
	}
	mode_t mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask);
	gzFile gz = gzdopen(fd, "wb6");
	FILE *in = fopen(plain, "rb");
	int bad = gz == NULL || in == NULL;
	size_t n;
	while (!bad && (n = fread(buf, 1, 1 << 16, in)) > 0)
		bad = gzwrite(gz, buf, (unsigned)n) != (int)n;
	if (in != NULL) {
		bad |= ferror(in);
		fclose(in);
	}
	if (gz != NULL)
		bad |= gzclose(gz) != Z_OK;
	else
		close(fd);
	int rc = PLM_OK;
	if (bad)
		rc = plm_fail_errno(err, PLM_EIO, "%s: write error (compressing)", path);
	else if (rename(tmp, path) != 0)
		rc = plm_fail_errno(err, PLM_EIO, "%s: cannot rename %s into place", path, tmp);
	if (rc != PLM_OK)
		unlink(tmp);
	free(tmp);
	free(buf);
	return rc;
}

/* Open PATH ('-': standard input) for reading as a regular file whose size is known: a plain
 * regular file as it is, a gzip file, a pipe or standard input inflated into an anonymous
 * temporary file first (zlib reads a plain stream unchanged). */
int plm_open_regular(const char *path, FILE **out, uint64_t *size, plm_err *err)
{
	*out = NULL;
	int std = strcmp(path, "-") == 0;
	FILE *fp = std ? NULL : fopen(path, "rb");
	if (!std && fp == NULL)
		return plm_fail_errno(err, PLM_EIO, "%s: cannot open", path);
	struct stat st;
	if (!std && fstat(fileno(fp), &st) != 0) {
		fclose(fp);
		return plm_fail_errno(err, PLM_EIO, "%s: cannot stat", path);
	}
	if (!std && S_ISREG(st.st_mode)) {
		unsigned char magic[2] = { 0, 0 };
		size_t got = fread(magic, 1, 2, fp);
		if (!(got == 2 && magic[0] == 0x1f && magic[1] == 0x8b)) {
			rewind(fp);
			*out = fp;
			*size = (uint64_t)st.st_size;
			return PLM_OK;
		}
		rewind(fp);
	}
	int fd = dup(std ? STDIN_FILENO : fileno(fp));
	if (fp != NULL)
		fclose(fp);
	gzFile gz = fd >= 0 ? gzdopen(fd, "rb") : NULL;
	FILE *tmp = gz != NULL ? tmpfile() : NULL;
	unsigned char *buf = tmp != NULL ? malloc(1 << 16) : NULL;
	int n = 0, bad = buf == NULL;
	while (!bad && (n = gzread(gz, buf, 1 << 16)) > 0)
		bad = fwrite(buf, 1, (size_t)n, tmp) != (size_t)n;
	int zerr = Z_OK;
	if (gz != NULL)
		gzerror(gz, &zerr); /* a truncated stream ends with Z_BUF_ERROR, not a -1 */
	if (zerr != Z_OK && zerr != Z_ERRNO && n == 0)
		n = -1;
	free(buf);
	if (gz != NULL)
		gzclose(gz);
	else if (fd >= 0)
		close(fd);
	if (bad || n < 0 || tmp == NULL || fflush(tmp) != 0) {
		if (tmp != NULL)
			fclose(tmp);
		if (n < 0 && zerr != Z_ERRNO)
			return plm_fail(err, PLM_EFORMAT, "%s: damaged gzip stream (truncated or corrupt)", path);
		return plm_fail_errno(err, PLM_EIO, "%s: read error", path);
	}
	long end = ftell(tmp);
	rewind(tmp);
	*out = tmp;
	*size = end < 0 ? 0 : (uint64_t)end;
	return PLM_OK;
}

int outfile_commit(plm_outfile *o, plm_err *err)
{
	int status = PLM_OK;
	if (o->fp == NULL)
		return plm_fail(err, PLM_EINVAL, "output file not open");
	if (o->tmp == NULL && o->fp == stdout) {
		if (fflush(o->fp) != 0 || ferror(o->fp))
			status = plm_fail_errno(err, PLM_EIO, "standard output: write error");
	} else if (o->tmp == NULL) {
		int bad = ferror(o->fp);
		if (fclose(o->fp) != 0 || bad)
			status = plm_fail_errno(err, PLM_EIO, "%s: write error", o->path);
	} else {
		int bad = ferror(o->fp);
		if (fclose(o->fp) != 0 || bad) {
			status = plm_fail_errno(err, PLM_EIO, "%s: write error", o->path);
			unlink(o->tmp);
		} else if (plm_ends_with(o->path, ".gz")) {
			status = gzip_into_place(o->tmp, o->path, err);
			unlink(o->tmp);
		} else if (rename(o->tmp, o->path) != 0) {
			status = plm_fail_errno(err, PLM_EIO, "%s: cannot rename %s into place", o->path, o->tmp);
			unlink(o->tmp);
		}
	}
	free(o->path);
	free(o->tmp);
	memset(o, 0, sizeof *o);
	return status;
}

void outfile_abort(plm_outfile *o)
{
	if (o == NULL || o->fp == NULL)
		return;
	if (o->tmp != NULL) {
		fclose(o->fp);
		unlink(o->tmp);
	} else if (o->fp != stdout) {
		fclose(o->fp);
	} else {
		fflush(o->fp);
	}
	free(o->path);
	free(o->tmp);
	memset(o, 0, sizeof *o);
}

void put_f32le(uint8_t *dst, const float *x, size_t n)
{
	for (size_t t = 0; t < n; t++) {
		uint32_t u;
		memcpy(&u, &x[t], 4);
		for (int b = 0; b < 4; b++)
			dst[4 * t + (size_t)b] = (uint8_t)(u >> (8 * b));
	}
}

double plm_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int plm_num_cores(void)
{
#ifdef _OPENMP
	int n = omp_get_num_procs();
#else
	long n = sysconf(_SC_NPROCESSORS_ONLN);
#endif
	return n > 0 ? (int)n : 1;
}

size_t plm_phys_memory(void)
{
	long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGE_SIZE);
	size_t bytes;
	if (pages <= 0 || psize <= 0 || size_mul((size_t)pages, (size_t)psize, &bytes) != 0)
		return SIZE_MAX;
	return bytes;
}

void plm_blas_single_thread(void)
{
#ifdef HAVE_OPENBLAS_SET_NUM_THREADS
	openblas_set_num_threads(1);
#endif
}

size_t plm_max_threads(void)
{
#ifdef _OPENMP
	return (size_t)omp_get_max_threads();
#else
	return 1;
#endif
}

size_t plm_thread_num(void)
{
#ifdef _OPENMP
	return (size_t)omp_get_thread_num();
#else
	return 0;
#endif
}

size_t plm_team_size(void)
{
#ifdef _OPENMP
	return (size_t)omp_get_num_threads();
#else
	return 1;
#endif
}

int plm_set_threads(int n)
{
	plm_blas_single_thread();
	if (n <= 0)
		n = plm_num_cores();
#ifdef _OPENMP
	omp_set_num_threads(n);
	return n;
#else
	return 1;
#endif
}
