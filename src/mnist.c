/* mnist: IDX3 reader (zlib reads plain and gzip files alike), moment deskewing, crop and
 * threshold into +-1 spins.  No output files, no printing. */
#include "mnist.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "util.h"

void mnist_images_destroy(mnist_images *im)
{
	if (im == NULL)
		return;
	free(im->px);
	free(im);
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* Read exactly N bytes; returns the count read (short at the end of the file), or -1. */
static long long read_full(gzFile gz, void *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		size_t want = n - got > (1u << 30) ? (1u << 30) : n - got;
		int r = gzread(gz, (char *)buf + got, (unsigned)want);
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (long long)got;
}

int mnist_read_idx(const char *path, mnist_images **out, plm_err *err)
{
	*out = NULL;
	errno = 0;
	gzFile gz = gzopen(path, "rb");
	if (gz == NULL)
		return plm_fail(err, PLM_EIO, "%s: cannot open: %s", path,
		                errno ? strerror(errno) : "out of memory");
	unsigned char head[16];
	mnist_images *im = NULL;
	int rc;
	long long got = read_full(gz, head, sizeof head);
	if (got < 0) {
		rc = plm_fail(err, PLM_EIO, "%s: read error (a damaged gzip file?)", path);
		goto fail;
	}
	if (got < 4 || be32(head) != MNIST_IDX_MAGIC) {
		rc = plm_fail(err, PLM_EFORMAT,
		              "%s: not an IDX image file (the first 4 bytes are not 00 00 08 03: unsigned bytes, "
		              "3 dimensions)", path);
		goto fail;
	}
	if (got < 16) {
		rc = plm_fail(err, PLM_EFORMAT, "%s: truncated IDX header (%lld of 16 bytes)", path, got);
		goto fail;
	}
	size_t n = be32(head + 4), rows = be32(head + 8), cols = be32(head + 12), px, tot;
	if (n == 0 || rows == 0 || cols == 0) {
		rc = plm_fail(err, PLM_EFORMAT, "%s: IDX sizes %zu x %zu x %zu: none may be 0", path, n, rows,
		              cols);
		goto fail;
	}
	if (size_mul(rows, cols, &px) || size_mul(n, px, &tot)) {
		rc = plm_fail(err, PLM_ERANGE, "%s: IDX sizes %zu x %zu x %zu overflow", path, n, rows, cols);
		goto fail;
	}
	rc = PLM_ENOMEM;
	if ((im = plm_calloc(1, sizeof *im, "images", err)) == NULL)
		goto fail;
	im->n = n;
	im->rows = rows;
	im->cols = cols;
	/* the pixels in a buffer that grows with what the file holds (up to 2x), not with what its
	 * header announces: a short or damaged file costs no more than its content */
	size_t cap = 0, have = 0;
	int bad = 0;
	while (have < tot) {
		if (have == cap) {
			size_t nc = plm_grow_cap(cap, tot, (size_t)1 << 20);
			uint8_t *np = realloc(im->px, nc);
			if (np == NULL) {
				rc = plm_fail(err, PLM_ENOMEM, "out of memory (images: %zu bytes)", nc);
				goto fail;
			}
			im->px = np;
			cap = nc;
		}
		size_t want = cap - have;
		long long r = read_full(gz, im->px + have, want);
		if (r < 0) {
			bad = 1;
			break;
		}
		have += (size_t)r;
		if ((size_t)r < want) /* the file ended */
			break;
	}
	unsigned char extra;
	long long more = !bad && have == tot ? read_full(gz, &extra, 1) : 0;
	if (bad || more < 0) {
		rc = plm_fail(err, PLM_EIO, "%s: read error (a damaged gzip file?)", path);
		goto fail;
	}
	if (have < tot) { /* compared as sizes: tot may exceed what a long long holds */
		rc = plm_fail(err, PLM_EFORMAT, "%s: truncated: the header announces %zu images of %zu x %zu "
		              "(%zu bytes of pixels), the file holds %zu", path, n, rows, cols, tot, have);
		goto fail;
	}
	if (more > 0) {
		rc = plm_fail(err, PLM_EFORMAT, "%s: longer than the %zu images of %zu x %zu its header announces",
		              path, n, rows, cols);
		goto fail;
	}
	gzclose(gz);
	*out = im;
	return PLM_OK;
fail:
	gzclose(gz);
	mnist_images_destroy(im);
	return rc;
}

/* Pixel (r, c) by bilinear interpolation, 0 outside the image. */
static double bilinear(const uint8_t *img, size_t rows, size_t cols, double r, double c)
{
	double fr = floor(r), fc = floor(c), dr = r - fr, dc = c - fc, v = 0.0;
	for (int a = 0; a < 2; a++)
		for (int b = 0; b < 2; b++) {
			double rr = fr + a, cc = fc + b;
			if (rr < 0 || cc < 0 || rr >= (double)rows || cc >= (double)cols)
				continue;
			double w = (a ? dr : 1.0 - dr) * (b ? dc : 1.0 - dc);
			v += w * img[(size_t)rr * cols + (size_t)cc];
		}
	return v;
}

void mnist_deskew(const uint8_t *img, size_t rows, size_t cols, float *out)
{
	double s = 0.0, sr = 0.0, sc = 0.0;
	for (size_t r = 0; r < rows; r++)
		for (size_t c = 0; c < cols; c++) {
			double w = img[r * cols + c];
			s += w;
			sr += w * (double)r;
			sc += w * (double)c;
		}
	if (s == 0.0) {
		for (size_t k = 0; k < rows * cols; k++)
			out[k] = img[k];
		return;
	}
	double r0 = sr / s, c0 = sc / s, vr = 0.0, crc = 0.0;
	for (size_t r = 0; r < rows; r++)
		for (size_t c = 0; c < cols; c++) {
			double w = img[r * cols + c];
			vr += w * ((double)r - r0) * ((double)r - r0);
			crc += w * ((double)r - r0) * ((double)c - c0);
		}
	double alpha = vr > 0.0 ? crc / vr : 0.0, hr = (double)rows / 2, hc = (double)cols / 2;
	for (size_t r = 0; r < rows; r++)
		for (size_t c = 0; c < cols; c++)
			out[r * cols + c] = (float)bilinear(img, rows, cols, (double)r + r0 - hr,
			                                    (double)c + alpha * ((double)r - hr) + c0 - hc);
}

int mnist_binarize(const mnist_images *im, size_t first, size_t n, int deskew, size_t crop,
                   double threshold, int8_t *out, plm_err *err)
{
	if (first > im->n || n > im->n - first)
		return plm_fail(err, PLM_EINVAL, "images %zu to %zu asked, the file has %zu", first + 1,
		                first + n, im->n);
	if (crop == 0 || crop > im->rows || crop > im->cols)
		return plm_fail(err, PLM_EINVAL, "a %zu x %zu crop does not fit %zu x %zu images", crop, crop,
		                im->rows, im->cols);
	const size_t rows = im->rows, cols = im->cols, px = rows * cols;
	const size_t r1 = (rows - crop) / 2, c1 = (cols - crop) / 2;
	float *buf = plm_calloc(px, sizeof *buf, "deskewed image", err);
	if (buf == NULL)
		return PLM_ENOMEM;
	for (size_t k = 0; k < n; k++) {
		const uint8_t *img = im->px + (first + k) * px;
		if (deskew)
			mnist_deskew(img, rows, cols, buf);
		else
			for (size_t p = 0; p < px; p++)
				buf[p] = img[p];
		int8_t *x = out + k * crop * crop;
		for (size_t r = 0; r < crop; r++)
			for (size_t c = 0; c < crop; c++)
				x[r * crop + c] = buf[(r1 + r) * cols + c1 + c] > threshold ? 1 : -1;
	}
	free(buf);
	return PLM_OK;
}

int mnist_patterns(const mnist_images *im, const char *path, size_t skip, size_t *P, size_t P_test,
                   int deskew, size_t crop, double threshold, int8_t **spins, plm_err *err)
{
	*spins = NULL;
	if (skip + P_test > im->n)
		return plm_fail(err, PLM_EINVAL, "%s: %zu images, fewer than --skip %zu + --test %zu", path, im->n,
		                skip, P_test);
	if (*P == 0)
		*P = im->n - skip - P_test;
	if (*P == 0 || skip + P_test + *P > im->n)
		return plm_fail(err, PLM_EINVAL, "%s: %zu images, fewer than --skip %zu + -P %zu + --test %zu", path,
		                im->n, skip, *P, P_test);
	int8_t *x = plm_calloc(*P + P_test, crop * crop, "patterns", err);
	if (x == NULL)
		return PLM_ENOMEM;
	int rc = mnist_binarize(im, skip, *P + P_test, deskew, crop, threshold, x, err);
	if (rc != PLM_OK) {
		free(x);
		return rc;
	}
	*spins = x;
	return PLM_OK;
}
