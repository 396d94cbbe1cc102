/* fuzz target "import": other tools' parameter files (plmem import): plmc's binary file and
 * CCMpred's raw text, plain or gzip.
 * Input: 1 option byte, then the file.  Option byte: format = b % 4 (auto, plmc, ccmpred,
 * auto); bit 2: gzip the file first; bit 3: repair a plmc file first, so that the fuzzer gets
 * past its size check: the file is cut or padded with zeros to the size its header's L, q and
 * sequence counts give (float32; at most 256 KiB).  On success the model is whole and its
 * couplings symmetric. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "import.h"
#include "model.h"

const char fuzz_name[] = "import";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	static const import_format fmts[4] = { IMPORT_AUTO, IMPORT_PLMC, IMPORT_CCMPRED, IMPORT_AUTO };
	import_format fmt = fmts[data[0] % 4];
	const uint8_t *file = data + 1;
	size_t n = size - 1;
	uint8_t *fixed = NULL;
	uint64_t want;
	if ((data[0] & 8) && n >= 16) {
		uint32_t h[4];
		for (int k = 0; k < 4; k++)
			h[k] = (uint32_t)file[4 * k] | (uint32_t)file[4 * k + 1] << 8 | (uint32_t)file[4 * k + 2] << 16 |
			       (uint32_t)file[4 * k + 3] << 24;
		if (import_plmc_size(h[0], h[1], (uint64_t)h[2] + h[3], 4, &want) == 0 && want <= (1u << 18) &&
		    (fixed = calloc(want ? want : 1, 1)) != NULL) {
			memcpy(fixed, file, n < want ? n : (size_t)want);
			file = fixed;
			n = (size_t)want;
		}
	}
	const char *path = fuzz_file_gz(data[0] & 4, file, n);
	free(fixed);
	if (path == NULL)
		return 0;
	plm_model *m = NULL;
	plm_err err;
	memset(&err, 0, sizeof err);
	int rc = import_read(path, fmt, "plmem import fuzz", &m, &err);
	if (rc != PLM_OK) {
		fuzz_require(m == NULL, "no model after a failure");
		fuzz_require(err.msg[0] != '\0', "a failure has a message");
		return 0;
	}
	fuzz_require(m != NULL && m->q >= 2 && m->J != NULL && m->h != NULL, "a whole model after success");
	for (size_t i = 0; i < m->L; i++)
		for (size_t j = i + 1; j < m->L; j++)
			for (size_t a = 0; a < m->q; a++)
				for (size_t b = 0; b < m->q; b++) {
					float x = model_J(m, i, j)[a * m->q + b], y = model_J(m, j, i)[b * m->q + a];
					fuzz_require(memcmp(&x, &y, sizeof x) == 0, "imported couplings are symmetric");
				}
	model_destroy(m);
	return 0;
}
