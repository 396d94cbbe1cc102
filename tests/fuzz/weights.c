/* fuzz target "weights": a weights file (fit, weights and split's --weights FILE), read for a
 * fixed alignment of 5 input sequences of which one is dropped (an unknown letter), so that
 * the weights of kept and dropped sequences, names and counts are all exercised.
 * Input: the weights file.  On success every weight is finite and >= 0 and M_eff > 0. */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "msa.h"
#include "weights.h"

const char fuzz_name[] = "weights";

static const char fixture[] = ">s1 first\nACDEF\n>s2\nACDEG\n>s3\nAXDEF\n>s4/2-6\nWWDEF\n>s5\n-CDEF\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static msa *m; /* read once, kept for the whole run */
	plm_err err;
	memset(&err, 0, sizeof err);
	if (m == NULL) {
		msa_opts o;
		msa_opts_default(&o);
		o.unknown = MSA_UNKNOWN_DROP;
		const char *ap = fuzz_file(1, fixture, sizeof fixture - 1);
		fuzz_require(ap != NULL && msa_read(ap, &o, &m, &err) == PLM_OK, "the fixture alignment reads");
		fuzz_require(m->nin == 5 && m->n == 4, "the fixture keeps 4 of 5 sequences");
	}
	const char *path = fuzz_file(0, data, size);
	if (path == NULL)
		return 0;
	double w[4];
	for (int s = 0; s < 4; s++)
		w[s] = -1;
	int rc = weights_read(path, m, w, &err);
	if (rc != PLM_OK) {
		fuzz_require(err.msg[0] != '\0', "a failure has a message");
		return 0;
	}
	for (int s = 0; s < 4; s++)
		fuzz_require(isfinite(w[s]) && w[s] >= 0, "every weight is finite and >= 0");
	fuzz_require(weights_meff(w, 4) > 0, "M_eff > 0");
	return 0;
}
