/* export: text and .npy writers for a model's parameters.  Encodes floats as little-endian
 * bytes explicitly; writes through outfile (temp + rename) for named files; never prints. */
#include "config.h"
#include "export.h"

#include <errno.h>
#include <math.h>
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

/* ---- plmc's binary parameter file -------------------------------------------------------- */

/* Little-endian writes that remember the first failure in *BAD. */
static void put_raw(FILE *fp, const void *p, size_t n, int *bad)
{
	if (!*bad && fwrite(p, 1, n, fp) != n)
		*bad = 1;
}

static void put_i32(FILE *fp, int64_t v, int *bad)
{
	uint32_t u = (uint32_t)(int32_t)v;
	uint8_t b[4] = { (uint8_t)u, (uint8_t)(u >> 8), (uint8_t)(u >> 16), (uint8_t)(u >> 24) };
	put_raw(fp, b, 4, bad);
}

static void put_floats(FILE *fp, const float *x, size_t n, int *bad)
{
	uint8_t b[4 * 1024];
	for (size_t s = 0; s < n; s += 1024) {
		size_t k = n - s < 1024 ? n - s : 1024;
		put_f32le(b, x + s, k);
		put_raw(fp, b, 4 * k, bad);
	}
}

/* N copies of V. */
static void put_same_floats(FILE *fp, float v, size_t n, int *bad)
{
	uint8_t b[4 * 1024];
	put_f32le(b, &v, 1);
	for (size_t k = 1; k < 1024; k++)
		memcpy(b + 4 * k, b, 4);
	for (size_t s = 0; s < n; s += 1024)
		put_raw(fp, b, 4 * (n - s < 1024 ? n - s : 1024), bad);
}

unsigned export_plmc_unknown(const plm_model *m)
{
	unsigned u = 0;
	if (m->weights == NULL && m->nseq_in > 0)
		u |= EXPORT_UNKNOWN_WEIGHTS;
	if (m->nseq_in == 0 && m->meff == 0.0)
		u |= EXPORT_UNKNOWN_NEFF;
	if (m->fi == NULL)
		u |= EXPORT_UNKNOWN_FI;
	if (m->fij == NULL && m->L > 1)
		u |= EXPORT_UNKNOWN_FIJ;
	return u;
}

/* plmc's section of neighbours per sequence: 1 / w_s (0 for a dropped sequence, w_s = 0), or
 * NaN for each when the model did not keep its weights. */
static void put_neighbours(FILE *fp, const plm_model *m, size_t nseq, int *bad)
{
	if (m->weights == NULL || m->nweights != nseq) {
		put_same_floats(fp, NAN, nseq, bad);
		return;
	}
	float b[1024];
	for (size_t s = 0; s < nseq; s += 1024) {
		size_t k = nseq - s < 1024 ? nseq - s : 1024;
		for (size_t t = 0; t < k; t++) {
			double w = m->weights[s + t];
			b[t] = w == 0.0 ? 0.0f : (float)(1.0 / w);
		}
		put_floats(fp, b, k, bad);
	}
}

/* The header, the alphabet, the neighbours, the focus and the numbering. */
static void put_plmc_head(FILE *fp, const plm_model *m, uint64_t dropped, int *bad)
{
	size_t L = m->L, q = m->q;
	put_i32(fp, (int64_t)L, bad);
	put_i32(fp, (int64_t)q, bad);
	put_i32(fp, (int64_t)m->nseq, bad);
	put_i32(fp, (int64_t)dropped, bad);
	put_i32(fp, m->max_iter > INT32_MAX ? INT32_MAX : (int64_t)m->max_iter, bad);
	float neff = export_plmc_unknown(m) & EXPORT_UNKNOWN_NEFF ? NAN : (float)m->meff;
	float head[5] = { (float)m->theta, (float)m->lambda_h, (float)m->lambda_j, (float)m->lambda_group, neff };
	put_floats(fp, head, 5, bad);
	put_raw(fp, m->abc.letters, q, bad);
	put_neighbours(fp, m, (size_t)(m->nseq + dropped), bad);
	for (size_t i = 0; i < L; i++) {
		char c = m->refseq != NULL && m->resnum != NULL ? m->refseq[i] : m->abc.letters[0];
		put_raw(fp, &c, 1, bad);
	}
	for (size_t i = 0; i < L; i++)
		put_i32(fp, model_user_index(m, i), bad);
}

int export_plmc(const plm_model *m, const char *path, plm_err *err)
{
	size_t L = m->L, q = m->q;
	uint64_t dropped = m->nseq_in > m->nseq ? m->nseq_in - m->nseq : 0;
	if (L > INT32_MAX || m->nseq > INT32_MAX || dropped > INT32_MAX - m->nseq)
		return plm_fail(err, PLM_ERANGE, "%s: L = %zu or %llu sequences do not fit plmc's int32 header", path, L,
		                (unsigned long long)m->nseq_in);
	for (size_t i = 0; i < L; i++) {
		long u = model_user_index(m, i);
		if (u < INT32_MIN || u > INT32_MAX)
			return plm_fail(err, PLM_ERANGE, "%s: position number %ld does not fit plmc's int32 numbering", path, u);
	}
	float *blk = malloc(q * q * sizeof *blk);
	if (blk == NULL)
		return plm_fail(err, PLM_ENOMEM, "out of memory");
	plm_outfile o;
	int rc = outfile_open(&o, path, err);
	if (rc != PLM_OK) {
		free(blk);
		return rc;
	}
	FILE *fp = o.fp;
	int bad = 0;
	put_plmc_head(fp, m, dropped, &bad);
	if (m->fi != NULL) /* f_i, else NaN: not known */
		put_floats(fp, m->fi, L * q, &bad);
	else
		put_same_floats(fp, NAN, L * q, &bad);
	put_floats(fp, m->h, L * q, &bad);
	if (m->fij != NULL) /* f_ij for i < j, in plmc's order, which is the model's */
		put_floats(fp, m->fij, model_fij_floats(L, q), &bad);
	else
		for (size_t i = 0; i + 1 < L; i++)
			put_same_floats(fp, NAN, (L - 1 - i) * q * q, &bad);
	for (size_t i = 0; i + 1 < L && !bad; i++)
		for (size_t j = i + 1; j < L; j++) {
			const float *ij = model_J(m, i, j), *ji = model_J(m, j, i);
			for (size_t a = 0; a < q; a++)
				for (size_t b = 0; b < q; b++)
					blk[a * q + b] = (float)(0.5 * ((double)ij[a * q + b] + (double)ji[b * q + a]));
			put_floats(fp, blk, q * q, &bad);
		}
	free(blk);
	if (bad) {
		int e = errno;
		outfile_abort(&o);
		errno = e;
		return plm_fail_errno(err, PLM_EIO, "%s: write error", path);
	}
	return outfile_commit(&o, err);
}
