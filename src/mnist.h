/* mnist: the IDX image files of MNIST and the paper's binarisation (deskew by image moments,
 * central 14 x 14 crop, threshold at 86) into +-1 patterns.
 * It reads the one file it is given; it writes nothing and never prints. */
#ifndef PLMEM_MNIST_H
#define PLMEM_MNIST_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define MNIST_IDX_MAGIC 0x00000803u /* unsigned bytes, 3 dimensions */
#define MNIST_DEF_CROP 14
#define MNIST_DEF_THRESHOLD 86

/* N images of ROWS x COLS unsigned bytes, row-major, image after image. */
typedef struct mnist_images {
	size_t n, rows, cols;
	uint8_t *px;
} mnist_images;

/* Read an IDX3 unsigned-byte file (gzip accepted): big-endian magic 0x00000803, the three
 * sizes, then the pixels.  Refuses (PLM_EFORMAT, naming the file) a wrong magic, a size of 0,
 * and a file shorter or longer than the sizes say. */
int mnist_read_idx(const char *path, mnist_images **out, plm_err *err);
void mnist_images_destroy(mnist_images *im);

/* Deskew one ROWS x COLS image by its moments into OUT (floats on the same 0-255 scale).
 * With the intensity centroid (r0, c0), alpha = cov(r, c) / var(r), and the centre
 * (ROWS / 2, COLS / 2):
 *     out(r, c) = img(r + r0 - ROWS/2,  c + alpha (r - ROWS/2) + c0 - COLS/2),
 * read by bilinear interpolation, 0 outside the image: the centroid moves to the centre and
 * the shear that correlates row and column is removed.  A blank image is copied. */
void mnist_deskew(const uint8_t *img, size_t rows, size_t cols, float *out);

/* Spins of images FIRST ... FIRST + N - 1: deskewed (unless DESKEW is 0), the central
 * CROP x CROP pixels, pixel > THRESHOLD is +1, else -1.  OUT is N x CROP^2, row-major.
 * PLM_EINVAL when the range or the crop does not fit the images. */
int mnist_binarize(const mnist_images *im, size_t first, size_t n, int deskew, size_t crop,
                   double threshold, int8_t *out, plm_err *err);

/* The patterns of `plmem generate mnist` from the images IM of the file PATH (named in the
 * messages): after the first SKIP images, *P training images (*P = 0 on entry: all that remain
 * after the P_TEST test images) and then P_TEST test images, binarized as mnist_binarize does.
 * *SPINS ((*P + P_TEST) x CROP^2) is malloc'd.  PLM_EINVAL when the file has too few images. */
int mnist_patterns(const mnist_images *im, const char *path, size_t skip, size_t *P, size_t P_test,
                   int deskew, size_t crop, double threshold, int8_t **spins, plm_err *err);

#endif
