/* fuzz target "msa": the alignment reader, every format and gzip.
 * Input: 3 option bytes, then the file.
 *   byte 0: format = (b % 8) mapped onto auto, fasta, a2m, a3m, stockholm, lines, numbers
 *           (7 = auto); bit 3: gzip the file first (the reader detects gzip by content; the
 *           seeds also hold gzip files as they are)
 *   byte 1: alphabet: default (NULL), protein, rna, dna, binary, "_^*", "-AB", "01"
 *   byte 2: unknown letters (b % 4: gap, drop, reject, gap); bits 2-3, 4-5: --max-gap-seq and
 *           --max-gap-col in {1, 0.5, 0.2, 0}; bit 6: --focus NAME, NAME = the first word of the
 *           file's first '>' line (bit 7: a name no record has)
 * Then, on success, the alignment's invariants are checked and (when small) its weights and
 * unique rows computed. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "msa.h"
#include "util.h"
#include "weights.h"

const char fuzz_name[] = "msa";

static const msa_format formats[8] = { MSA_FORMAT_AUTO, MSA_FORMAT_FASTA, MSA_FORMAT_A2M, MSA_FORMAT_A3M,
	                               MSA_FORMAT_STOCKHOLM, MSA_FORMAT_LINES, MSA_FORMAT_NUMBERS,
	                               MSA_FORMAT_AUTO };
static const char *const alphabets[8] = { NULL, "protein", "rna", "dna", "binary", "_^*", "-AB", "01" };
static const double gaps[4] = { 1, 0.5, 0.2, 0 };

static void check(const msa *m)
{
	fuzz_require(m->n <= m->nin, "no more kept sequences than read");
	fuzz_require(m->L <= m->ncol_in, "no more kept columns than read");
	size_t kept = 0;
	for (size_t k = 0; k < m->nin; k++) {
		fuzz_require(m->in_names[k] != NULL, "every input sequence has a name");
		kept += m->in_status[k] == MSA_KEPT;
	}
	fuzz_require(kept == m->n, "in_status agrees with n");
	fuzz_require(m->abc_why[0] != '\0', "the summary can say why this alphabet");
	fuzz_require(m->nlower == 0 || m->ninsert_lower == 0, "lowercase letters are residues or inserts, not both");
	fuzz_require((m->nlower == 0) == (m->nlower_cols == 0) && m->nlower_cols <= m->ncol_in,
	             "lowercase columns are counted with their letters");
	for (size_t s = 0; s < m->n; s++) {
		fuzz_require(m->in_index[s] < m->nin && m->in_status[m->in_index[s]] == MSA_KEPT,
		             "in_index points at a kept input sequence");
		fuzz_require(s == 0 || m->in_index[s] > m->in_index[s - 1], "kept sequences in input order");
	}
	for (size_t i = 0; i < m->L; i++) {
		fuzz_require(m->col[i] < m->ncol_in, "col maps into the input columns");
		fuzz_require(i == 0 || m->col[i] > m->col[i - 1], "columns in input order");
	}
	for (size_t k = 0; k < m->n * m->L; k++)
		fuzz_require(m->seq[k] < m->abc.q, "every state is below q");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3)
		return 0;
	plm_set_threads(1);
	msa_opts o;
	msa_opts_default(&o);
	o.format = formats[data[0] % 8];
	o.alphabet = alphabets[data[1] % 8];
	o.unknown = (msa_unknown_policy)(data[2] % 4 == 3 ? 0 : data[2] % 4);
	o.max_gap_seq = gaps[(data[2] >> 2) & 3];
	o.max_gap_col = gaps[(data[2] >> 4) & 3];
	const uint8_t *file = data + 3;
	size_t n = size - 3;
	char focus[64];
	if (data[2] & 64) {
		const uint8_t *gt = memchr(file, '>', n);
		size_t k = 0;
		if (gt != NULL)
			for (const uint8_t *p = gt + 1; p < file + n && k + 1 < sizeof focus && *p > ' '; p++)
				focus[k++] = (char)*p;
		focus[k] = '\0';
		if (data[2] & 128)
			strcpy(focus, "no-such-name");
		o.focus = focus;
	}
	const char *path = fuzz_file_gz(data[0] & 8, file, n);
	if (path == NULL)
		return 0;

	msa *m = NULL;
	plm_err err;
	memset(&err, 0, sizeof err);
	int rc = msa_read(path, &o, &m, &err);
	if (rc != PLM_OK) {
		fuzz_require(m == NULL, "no alignment after a failure");
		fuzz_require(err.msg[0] != '\0', "a failure has a message");
		fuzz_require(strncmp(err.msg, path, strlen(path)) == 0 || rc == PLM_ENOMEM || rc == PLM_EINVAL ||
		             rc == PLM_ERANGE, "a format error names the file");
		return 0;
	}
	fuzz_require(m != NULL, "an alignment after success");
	check(m);
	/* weights cost n^2 L: only for small alignments */
	if (m->n > 0 && (double)m->n * (double)m->n * (double)(m->L + 1) < 2e6) {
		double *w = calloc(m->n, sizeof *w);
		if (w != NULL && weights_compute(m, 0.2, w, &err) == PLM_OK) {
			for (size_t s = 0; s < m->n; s++)
				fuzz_require(w[s] > 0 && w[s] <= 1, "a weight is in (0, 1]");
			uint8_t *useq = NULL;
			double *uw = NULL;
			size_t nu = 0;
			if (weights_unique(m, w, &useq, &uw, &nu, &err) == PLM_OK) {
				fuzz_require(nu >= 1 && nu <= m->n, "1 <= unique rows <= n");
				double a = weights_meff(w, m->n), b = weights_meff(uw, nu);
				fuzz_require(fabs(a - b) <= 1e-9 * a, "merged weights keep M_eff");
			}
			free(useq);
			free(uw);
		}
		free(w);
	}
	msa_destroy(m);
	return 0;
}
