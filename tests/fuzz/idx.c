/* fuzz target "idx": MNIST's IDX image files (plmem generate mnist --idx FILE), then the
 * paper's binarisation (moment deskew, crop, threshold) of the first images.
 * Input: 1 option byte, then the file.  Option byte: bit 0: gzip the file first; bit 1: no
 * deskew; bits 2-3: crop 14, 1, 28 or 5.  On success every spin is +1 or -1. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "mnist.h"

const char fuzz_name[] = "idx";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	static const size_t crops[4] = { 14, 1, 28, 5 };
	int deskew = !(data[0] & 2);
	size_t crop = crops[(data[0] >> 2) & 3];
	const uint8_t *file = data + 1;
	size_t n = size - 1;
	const char *path = fuzz_file_gz(data[0] & 1, file, n);
	if (path == NULL)
		return 0;
	mnist_images *im = NULL;
	plm_err err;
	memset(&err, 0, sizeof err);
	if (mnist_read_idx(path, &im, &err) != PLM_OK) {
		fuzz_require(im == NULL, "no images after a failure");
		fuzz_require(err.msg[0] != '\0', "a failure has a message");
		return 0;
	}
	fuzz_require(im != NULL && im->n > 0 && im->rows > 0 && im->cols > 0, "images after success");
	size_t k = im->n < 3 ? im->n : 3;
	if (crop <= im->rows && crop <= im->cols) {
		int8_t *spins = malloc(k * crop * crop);
		if (spins != NULL && mnist_binarize(im, 0, k, deskew, crop, MNIST_DEF_THRESHOLD, spins, &err) == PLM_OK)
			for (size_t t = 0; t < k * crop * crop; t++)
				fuzz_require(spins[t] == 1 || spins[t] == -1, "every spin is +1 or -1");
		free(spins);
	}
	mnist_images_destroy(im);
	return 0;
}
