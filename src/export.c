/* export: text and .npy writers for a model's parameters.  Encodes floats as little-endian
 * bytes explicitly; writes through outfile (temp + rename) for named files; never prints. */
#include "config.h"
#include "export.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

int export_text(const plm_model *m, const char *name, FILE *fp, plm_err *err)
{
	size_t L = m->L, q = m->q;
	fprintf(fp, "# plmem model %s: L = %zu, q = %zu, alphabet %s (%s), rule %s\n", name, L, q,
	        m->abc.name, m->abc.letters, m->rule);
	fprintf(fp, "# positions: %s\n",
	        m->resnum ? "residue numbers of the focus sequence" : "1-based columns of the training alignment");
	fprintf(fp, "# h <i> <h_i(a) for a = %s>\n", m->abc.letters);
	fprintf(fp, "# J <i> <j> <a> <J_ij(a, b) for b = %s>  (asymmetric; every ordered pair i != j)\n",
	        m->abc.letters);
	for (size_t i = 0; i < L; i++) {
		fprintf(fp, "h\t%ld", model_user_index(m, i));
		for (size_t a = 0; a < q; a++)
			fprintf(fp, "\t%.9g", (double)m->h[i * q + a]);
		fputc('\n', fp);
	}
	for (size_t i = 0; i < L; i++) {
		long ui = model_user_index(m, i);
		for (size_t j = 0; j < L; j++) {
			if (j == i)
				continue;
			long uj = model_user_index(m, j);
			const float *b = model_J(m, i, j);
			for (size_t a = 0; a < q; a++) {
				fprintf(fp, "J\t%ld\t%ld\t%c", ui, uj, alphabet_letter(&m->abc, (int)a));
				for (size_t c = 0; c < q; c++)
					fprintf(fp, "\t%.9g", (double)b[a * q + c]);
				fputc('\n', fp);
			}
		}
		if (ferror(fp))
			return plm_fail_errno(err, PLM_EIO, "%s: write error", name);
	}
	return ferror(fp) ? plm_fail_errno(err, PLM_EIO, "%s: write error", name) : PLM_OK;
}

size_t export_npy_header(const size_t *shape, size_t ndim, char *buf, size_t n)
{
	char dict[512];
	int k = snprintf(dict, sizeof dict, "{'descr': '<f4', 'fortran_order': False, 'shape': (");
	for (size_t d = 0; d < ndim && k > 0 && (size_t)k < sizeof dict; d++)
		k += snprintf(dict + k, sizeof dict - (size_t)k, "%s%zu", d ? ", " : "", shape[d]);
	if (k > 0 && (size_t)k < sizeof dict)
		k += snprintf(dict + k, sizeof dict - (size_t)k, "%s), }", ndim == 1 ? "," : "");
	if (k <= 0 || (size_t)k >= sizeof dict)
		return 0;
	size_t body = (size_t)k + 1; /* the dict and the final newline */
	size_t total = (10 + body + 63) / 64 * 64;
	if (total > n || total - 10 > 65535)
		return 0;
	memcpy(buf, "\x93NUMPY\x01\x00", 8);
	buf[8] = (char)((total - 10) & 0xff);
	buf[9] = (char)((total - 10) >> 8);
	memcpy(buf + 10, dict, (size_t)k);
	memset(buf + 10 + k, ' ', total - 10 - (size_t)k - 1);
	buf[total - 1] = '\n';
	return total;
}

static int write_npy(const char *path, const size_t *shape, size_t ndim, const float *x, plm_err *err)
{
	char head[640];
	size_t hn = export_npy_header(shape, ndim, head, sizeof head);
	size_t count = 1;
	for (size_t d = 0; d < ndim; d++)
		count *= shape[d];
	plm_outfile o;
	int rc = outfile_open(&o, path, err);
	if (rc != PLM_OK)
		return rc;
	enum { CHUNK = 1 << 18 };
	uint8_t *buf = malloc(4 * (size_t)CHUNK);
	int bad = buf == NULL || hn == 0 || fwrite(head, 1, hn, o.fp) != hn;
	for (size_t s = 0; !bad && s < count; s += CHUNK) {
		size_t k = count - s < CHUNK ? count - s : CHUNK;
		put_f32le(buf, x + s, k);
		bad = fwrite(buf, 4, k, o.fp) != k;
	}
	if (bad) {
		int code = buf == NULL ? plm_fail(err, PLM_ENOMEM, "out of memory")
		                       : plm_fail_errno(err, PLM_EIO, "%s: write error", path);
		free(buf);
		outfile_abort(&o);
		return code;
	}
	free(buf);
	return outfile_commit(&o, err);
}

int export_npy(const plm_model *m, const char *prefix, plm_err *err)
{
	size_t n = strlen(prefix) + 8;
	char *path = malloc(n);
	if (path == NULL)
		return plm_fail(err, PLM_ENOMEM, "out of memory");
	size_t sh[2] = { m->L, m->q }, sj[4] = { m->L, m->L, m->q, m->q };
	snprintf(path, n, "%s_h.npy", prefix);
	int rc = write_npy(path, sh, 2, m->h, err);
	if (rc == PLM_OK) {
		snprintf(path, n, "%s_J.npy", prefix);
		rc = write_npy(path, sj, 4, m->J, err);
	}
	free(path);
	return rc;
}
