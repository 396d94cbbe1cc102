/* check_mnist: the IDX reader on hand-made files (sizes, pixels, a wrong magic, a truncated
 * or over-long file), and the moment deskew on hand-made images: a bar moves to the centre,
 * a slanted stroke becomes upright, and the crop + threshold keep exactly the pixels > 86. */
#include "check_common.h"

#include <math.h>
#include <stdint.h>

#include "mnist.h"

/* Write an IDX3 file: header (MAGIC, n, rows, cols) then NPX bytes of PX. */
static const char *idx_file(uint32_t magic, uint32_t n, uint32_t rows, uint32_t cols,
                            const uint8_t *px, size_t npx, char *buf, size_t len)
{
	snprintf(buf, len, "%s/idx.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	int fd = mkstemp(buf);
	ck_assert_int_ge(fd, 0);
	uint32_t h[4] = { magic, n, rows, cols };
	unsigned char head[16];
	for (size_t k = 0; k < 4; k++)
		for (size_t b = 0; b < 4; b++)
			head[4 * k + b] = (unsigned char)(h[k] >> (24 - 8 * b));
	ck_assert_int_eq(write(fd, head, 16), 16);
	if (npx > 0)
		ck_assert_int_eq(write(fd, px, npx), (ssize_t)npx);
	close(fd);
	return buf;
}

START_TEST(test_idx_reader)
{
	char path[256];
	plm_err err;
	mnist_images *im = NULL;
	uint8_t px[2 * 3 * 4];
	for (size_t k = 0; k < sizeof px; k++)
		px[k] = (uint8_t)(10 * k + 1);
	idx_file(0x803, 2, 3, 4, px, sizeof px, path, sizeof path);
	ck_assert_int_eq(mnist_read_idx(path, &im, &err), PLM_OK);
	ck_assert_uint_eq(im->n, 2);
	ck_assert_uint_eq(im->rows, 3);
	ck_assert_uint_eq(im->cols, 4);
	ck_assert_mem_eq(im->px, px, sizeof px);
	mnist_images_destroy(im);
	unlink(path);
	/* labels file (magic 0x801), truncated, too long, zero size, missing file */
	idx_file(0x801, 2, 3, 4, px, sizeof px, path, sizeof path);
	ck_assert_int_eq(mnist_read_idx(path, &im, &err), PLM_EFORMAT);
	ck_assert_ptr_nonnull(strstr(err.msg, "not an IDX image file"));
	ck_assert_ptr_null(im);
	unlink(path);
	idx_file(0x803, 2, 3, 4, px, sizeof px - 1, path, sizeof path);
	ck_assert_int_eq(mnist_read_idx(path, &im, &err), PLM_EFORMAT);
	ck_assert_ptr_nonnull(strstr(err.msg, "truncated"));
	unlink(path);
	idx_file(0x803, 1, 3, 4, px, sizeof px, path, sizeof path);
	ck_assert_int_eq(mnist_read_idx(path, &im, &err), PLM_EFORMAT);
	ck_assert_ptr_nonnull(strstr(err.msg, "longer than"));
	unlink(path);
	idx_file(0x803, 0, 3, 4, px, 0, path, sizeof path);
	ck_assert_int_eq(mnist_read_idx(path, &im, &err), PLM_EFORMAT);
	unlink(path);
	/* a header announcing about 2^64 bytes of pixels in a 40-byte file: truncated, and nothing
	 * of the announced size allocated (the buffer grows with the content).  Before, the reader
	 * asked for the announced size first (491 MB from an 831-byte file, found by the idx fuzz
	 * target: tests/fuzz/regress/idx/announced-491MB), and a size above LLONG_MAX passed the
	 * truncation check, which compared it as a long long */
	idx_file(0x803, 0xffffffffu, 0xffffu, 0xffffu, px, sizeof px, path, sizeof path);
	ck_assert_int_eq(mnist_read_idx(path, &im, &err), PLM_EFORMAT);
	ck_assert_ptr_nonnull(strstr(err.msg, "truncated"));
	ck_assert_ptr_nonnull(strstr(err.msg, "the file holds 24"));
	ck_assert_ptr_null(im);
	unlink(path);
	ck_assert_int_eq(mnist_read_idx("/nonexistent/idx", &im, &err), PLM_EIO);
	mnist_images_destroy(NULL);
}
END_TEST

/* Intensity centroid and the row-column covariance over var(row) of a float image. */
static void moments(const float *x, size_t rows, size_t cols, double *r0, double *c0, double *slope)
{
	double s = 0, sr = 0, sc = 0, vr = 0, cv = 0;
	for (size_t r = 0; r < rows; r++)
		for (size_t c = 0; c < cols; c++) {
			s += x[r * cols + c];
			sr += x[r * cols + c] * (double)r;
			sc += x[r * cols + c] * (double)c;
		}
	*r0 = sr / s;
	*c0 = sc / s;
	for (size_t r = 0; r < rows; r++)
		for (size_t c = 0; c < cols; c++) {
			vr += x[r * cols + c] * ((double)r - *r0) * ((double)r - *r0);
			cv += x[r * cols + c] * ((double)r - *r0) * ((double)c - *c0);
		}
	*slope = cv / vr;
}

START_TEST(test_deskew)
{
	uint8_t img[28 * 28];
	float out[28 * 28], in[28 * 28];
	double r0, c0, sl;
	/* an upright bar at column 10, rows 5..20: moved to column 14, rows 6.5..21.5 (centroid
	 * 12.5 -> 14), not sheared */
	memset(img, 0, sizeof img);
	for (size_t r = 5; r <= 20; r++)
		img[r * 28 + 10] = 200;
	mnist_deskew(img, 28, 28, out);
	for (size_t r = 7; r <= 21; r++) {
		ck_assert_float_eq_tol(out[r * 28 + 14], 200.0f, 1e-3f);
		ck_assert_float_eq_tol(out[r * 28 + 13], 0.0f, 1e-3f);
		ck_assert_float_eq_tol(out[r * 28 + 10], 0.0f, 1e-3f);
	}
	ck_assert_float_eq_tol(out[6 * 28 + 14], 100.0f, 1e-3f); /* half a pixel in */
	ck_assert_float_eq_tol(out[3 * 28 + 14], 0.0f, 1e-3f);
	/* a stroke leaning right (one column per two rows): upright after the deskew, centred */
	memset(img, 0, sizeof img);
	for (size_t r = 4; r < 24; r++)
		img[r * 28 + 6 + r / 2] = 255;
	for (size_t k = 0; k < 28 * 28; k++)
		in[k] = img[k];
	moments(in, 28, 28, &r0, &c0, &sl);
	ck_assert_double_gt(fabs(sl), 0.4);
	mnist_deskew(img, 28, 28, out);
	moments(out, 28, 28, &r0, &c0, &sl);
	ck_assert_double_lt(fabs(sl), 0.03);
	ck_assert_double_eq_tol(r0, 14.0, 0.05);
	ck_assert_double_eq_tol(c0, 14.0, 0.3);
	/* blank image: copied */
	memset(img, 0, sizeof img);
	mnist_deskew(img, 28, 28, out);
	for (size_t k = 0; k < 28 * 28; k++)
		ck_assert(out[k] == 0.0f);
}
END_TEST

START_TEST(test_binarize)
{
	/* without deskew: the central 2 x 2 of a 4 x 4 image, > 86 is +1 (86 itself is -1) */
	uint8_t px[2 * 16] = { 0, 0, 0, 0, 0, 87, 86, 0, 0, 255, 1, 0, 0, 0, 0, 0,
	                       90, 90, 90, 90, 90, 0, 90, 90, 90, 90, 90, 90, 90, 90, 90, 90 };
	mnist_images im = { 2, 4, 4, px };
	int8_t x[8];
	plm_err err;
	ck_assert_int_eq(mnist_binarize(&im, 0, 2, 0, 2, 86, x, &err), PLM_OK);
	const int8_t want[8] = { 1, -1, 1, -1, -1, 1, 1, 1 };
	ck_assert_mem_eq(x, want, 8);
	ck_assert_int_eq(mnist_binarize(&im, 1, 1, 0, 2, 86, x, &err), PLM_OK);
	ck_assert_mem_eq(x, want + 4, 4);
	ck_assert_int_eq(mnist_binarize(&im, 1, 2, 0, 2, 86, x, &err), PLM_EINVAL);
	ck_assert_int_eq(mnist_binarize(&im, 0, 1, 0, 5, 86, x, &err), PLM_EINVAL);
	/* with deskew, a centred symmetric blob stays where it is */
	uint8_t blob[16] = { 0, 0, 0, 0, 0, 200, 200, 0, 0, 200, 200, 0, 0, 0, 0, 0 };
	mnist_images ib = { 1, 4, 4, blob };
	float out[16];
	mnist_deskew(blob, 4, 4, out);
	/* centroid (1.5, 1.5) goes to (2, 2): the blob moves half a pixel down and right */
	ck_assert_float_eq_tol(out[2 * 4 + 2], 200.0f, 1e-3f);
	ck_assert_float_eq_tol(out[1 * 4 + 1], 50.0f, 1e-3f);
	ck_assert_int_eq(mnist_binarize(&ib, 0, 1, 1, 2, 86, x, &err), PLM_OK);
	const int8_t wb[4] = { -1, 1, 1, 1 };
	ck_assert_mem_eq(x, wb, 4);
}
END_TEST

/* The generate mnist patterns: the training count by default (what remains after --skip and
 * --test), the same spins as mnist_binarize of the same range, and the refusals. */
START_TEST(test_patterns)
{
	uint8_t px[5 * 16];
	for (size_t k = 0; k < sizeof px; k++)
		px[k] = (uint8_t)((k * 37) % 256);
	mnist_images im = { 5, 4, 4, px };
	plm_err err = { 0 };
	int8_t *spins = NULL, ref[5 * 4];
	size_t P = 0;
	ck_assert_int_eq(mnist_patterns(&im, "x.idx", 1, &P, 2, 0, 2, 100, &spins, &err), PLM_OK);
	ck_assert_uint_eq(P, 2);
	ck_assert_int_eq(mnist_binarize(&im, 1, 4, 0, 2, 100, ref, &err), PLM_OK);
	ck_assert_int_eq(memcmp(spins, ref, 4 * 4), 0);
	free(spins);
	P = 3; /* 1 + 3 + 2 > 5 */
	ck_assert_int_eq(mnist_patterns(&im, "x.idx", 1, &P, 2, 0, 2, 100, &spins, &err), PLM_EINVAL);
	ck_assert_ptr_null(spins);
	ck_assert_str_eq(err.msg, "x.idx: 5 images, fewer than --skip 1 + -P 3 + --test 2");
	P = 0; /* nothing left to train on */
	ck_assert_int_eq(mnist_patterns(&im, "x.idx", 3, &P, 2, 0, 2, 100, &spins, &err), PLM_EINVAL);
	P = 1;
	ck_assert_int_eq(mnist_patterns(&im, "x.idx", 4, &P, 2, 0, 2, 100, &spins, &err), PLM_EINVAL);
	ck_assert_str_eq(err.msg, "x.idx: 5 images, fewer than --skip 4 + --test 2");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("mnist");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_idx_reader);
	tcase_add_test(tc, test_deskew);
	tcase_add_test(tc, test_binarize);
	tcase_add_test(tc, test_patterns);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
