/* fuzz target "model": the model-file reader (plmem-model(5)) and what reads a model's
 * metadata afterwards (info's convergence summary, export's text, contacts' ranking).
 * Input: 1 option byte, then the file.  Option bit 0: repair the file first, so that the fuzzer
 * gets past the checks of a damaged file: the header's file length (bytes 16-23) is set to the
 * file's size and the last 4 bytes to the CRC32 of everything before them.  Then a model read
 * from such a file must be written back byte for byte (model_write after model_read). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "contacts.h"
#include "export.h"
#include "fuzz.h"
#include "model.h"

const char fuzz_name[] = "model";

static void put_le(uint8_t *p, uint64_t v, int n)
{
	for (int k = 0; k < n; k++)
		p[k] = (uint8_t)(v >> (8 * k));
}

/* 1 when the file at PATH holds exactly DATA[0..N). */
static int same_file(const char *path, const uint8_t *data, size_t n)
{
	FILE *fp = fopen(path, "rb");
	if (fp == NULL)
		return 0;
	uint8_t *buf = malloc(n + 1);
	size_t got = buf ? fread(buf, 1, n + 1, fp) : 0;
	int same = buf != NULL && got == n && memcmp(buf, data, n) == 0;
	free(buf);
	fclose(fp);
	return same;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	int repair = data[0] & 1;
	size_t n = size - 1;
	uint8_t *file = malloc(n ? n : 1);
	if (file == NULL)
		return 0;
	memcpy(file, data + 1, n);
	if (repair && n >= 28) {
		put_le(file + 16, n, 8);
		uLong crc = crc32(0L, Z_NULL, 0);
		crc = crc32(crc, file, (uInt)(n - 4));
		put_le(file + n - 4, crc, 4);
	}
	const char *path = fuzz_file(0, file, n);
	if (path == NULL) {
		free(file);
		return 0;
	}
	plm_model *m = NULL;
	plm_err err;
	memset(&err, 0, sizeof err);
	int rc = model_read(path, &m, &err);
	if (rc != PLM_OK) {
		fuzz_require(m == NULL, "no model after a failure");
		fuzz_require(err.msg[0] != '\0', "a failure has a message");
		free(file);
		return 0;
	}
	fuzz_require(m != NULL && m->q >= 2 && m->J != NULL && m->h != NULL, "a whole model after success");
	model_conv s;
	model_conv_summary(m, &s, &err);
	FILE *null = fopen("/dev/null", "w");
	if (null != NULL) {
		export_text(m, path, null, &err);
		fclose(null);
	}
	if (m->L >= 3 && m->L <= 64) {
		double *F = calloc(m->L * m->L, sizeof *F);
		contacts_pair *pairs = NULL;
		size_t np = 0;
		if (F != NULL && contacts_frobenius(m, 0, CONTACTS_ZERO_SUM, F, &err) == PLM_OK &&
		    contacts_apc(F, m->L, &err) == PLM_OK)
			contacts_rank(m, F, 1, &pairs, &np, &err);
		free(pairs);
		free(F);
	}
	if (repair) {
		const char *out = fuzz_out_path();
		fuzz_require(model_write(m, out, &err) == PLM_OK, "a model read can be written");
		/* an older version is written in the current one */
		fuzz_require(m->file_version != MODEL_FORMAT_VERSION || same_file(out, file, n),
		             "a model is written back byte for byte");
		/* the plmc export of whatever the model knows (NaN where it does not) */
		fuzz_require(m->L > 4096 || export_plmc(m, out, &err) == PLM_OK || err.code == PLM_ERANGE,
		             "a model read can be exported for plmc");
		unlink(out);
	}
	model_destroy(m);
	free(file);
	return 0;
}
