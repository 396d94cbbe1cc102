/* check_model: the model file format: a round trip keeps every field; a flipped byte, a
 * truncation, a wrong magic, a future version or a missing file is refused with a message; a file
 * written in parts (blocks of rows, CRCs combined) is model_write's byte for byte. */
#include "check_common.h"

#include <math.h>
#include <stdint.h>
#include <unistd.h>
#include <zlib.h>

#include "model.h"
#include "modelstats.h"
#include "msa.h"
#include "rng.h"

static char tmpdir[256];

static const char *tmp_file(const char *name, char *buf, size_t n)
{
	if (tmpdir[0] == '\0') {
		const char *t = getenv("TMPDIR");
		snprintf(tmpdir, sizeof tmpdir, "%s/check_model.XXXXXX", t ? t : "/tmp");
		ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	}
	snprintf(buf, n, "%s/%s", tmpdir, name);
	return buf;
}

/* A small model with every field set to something recognisable. */
static plm_model *make_model(size_t L, int focus, int conv)
{
	plm_model *m;
	plm_err err;
	ck_assert_int_eq(model_create(L, 21, &m, &err), PLM_OK);
	ck_assert_int_eq(alphabet_init(&m->abc, "protein", &err), PLM_OK);
	plm_rng r;
	rng_seed(&r, 12345, 0);
	for (size_t k = 0; k < L * 21; k++)
		m->h[k] = (float)(rng_uniform(&r) - 0.5);
	for (size_t k = 0; k < L * L * 21 * 21; k++)
		m->J[k] = (float)(rng_uniform(&r) - 0.5) * 1e-3f;
	m->J[7] = -0.0f;
	m->J[8] = 1e-40f; /* a subnormal */
	m->ncol_in = L + 5;
	for (size_t i = 0; i < L; i++)
		m->col[i] = i + (i > 2 ? 5 : 0);
	if (focus) {
		m->resnum = calloc(L, sizeof *m->resnum);
		for (size_t i = 0; i < L; i++)
			m->resnum[i] = (long)i - 3;
		m->focus = strdup("DYR_ECOLI/1-159");
	}
	m->refseq = malloc(L + 1);
	for (size_t i = 0; i < L; i++)
		m->refseq[i] = "ACDEFGHIKLMNPQRSTVWY"[i % 20];
	m->refseq[L] = '\0';
	strcpy(m->rule, "plm");
	m->lambda_h = 0.01;
	m->lambda_j = 0.0105;
	m->theta = 0.2;
	m->max_gap_seq = 0.5;
	m->max_gap_col = 0.3;
	m->tol = 1e-5;
	m->no_fields = 1;
	m->max_iter = 500;
	m->nseq_in = 1000;
	m->nseq = 990;
	m->nunique = 800;
	m->meff = 321.75;
	m->source = strdup("data/x.fasta");
	m->cmdline = strdup("plmem fit -o m.plm data/x.fasta");
	m->version = strdup("0.1.0");
	if (conv) {
		for (size_t i = 0; i < L; i++) {
			m->iters[i] = (uint32_t)(10 + i);
			m->evals[i] = (uint32_t)(12 + 2 * i);
			m->status[i] = (uint8_t)(i % 4);
			m->gnorm[i] = 1e-6 * (double)(i + 1);
			m->fx[i] = 1.5 + (double)i;
		}
	} else {
		model_drop_convergence(m);
	}
	return m;
}

static int str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static void assert_same(const plm_model *a, const plm_model *b)
{
	size_t L = a->L, q = a->q;
	ck_assert_uint_eq(b->L, L);
	ck_assert_uint_eq(b->q, q);
	ck_assert_str_eq(b->abc.name, a->abc.name);
	ck_assert_str_eq(b->abc.letters, a->abc.letters);
	ck_assert_int_eq(b->abc.gap, a->abc.gap);
	ck_assert_int_eq(memcmp(a->h, b->h, L * q * sizeof(float)), 0);
	ck_assert_int_eq(memcmp(a->J, b->J, L * L * q * q * sizeof(float)), 0);
	ck_assert_uint_eq(b->ncol_in, a->ncol_in);
	ck_assert_int_eq(memcmp(a->col, b->col, L * sizeof *a->col), 0);
	ck_assert_int_eq(a->resnum == NULL, b->resnum == NULL);
	if (a->resnum)
		ck_assert_int_eq(memcmp(a->resnum, b->resnum, L * sizeof *a->resnum), 0);
	ck_assert(str_eq(a->focus, b->focus));
	ck_assert(str_eq(a->refseq, b->refseq));
	ck_assert_str_eq(b->rule, a->rule);
	ck_assert(b->lambda_h == a->lambda_h && b->lambda_j == a->lambda_j && b->theta == a->theta);
	ck_assert(b->max_gap_seq == a->max_gap_seq && b->max_gap_col == a->max_gap_col && b->tol == a->tol);
	ck_assert_int_eq(b->no_fields, a->no_fields);
	ck_assert_uint_eq(b->max_iter, a->max_iter);
	ck_assert_uint_eq(b->nseq_in, a->nseq_in);
	ck_assert_uint_eq(b->nseq, a->nseq);
	ck_assert_uint_eq(b->nunique, a->nunique);
	ck_assert(b->meff == a->meff);
	ck_assert(str_eq(a->source, b->source));
	ck_assert(str_eq(a->cmdline, b->cmdline));
	ck_assert(str_eq(a->version, b->version));
	ck_assert_int_eq(a->iters == NULL, b->iters == NULL);
	if (a->iters) {
		ck_assert_int_eq(memcmp(a->iters, b->iters, L * sizeof *a->iters), 0);
		ck_assert_int_eq(memcmp(a->evals, b->evals, L * sizeof *a->evals), 0);
		ck_assert_int_eq(memcmp(a->status, b->status, L), 0);
		ck_assert_int_eq(memcmp(a->gnorm, b->gnorm, L * sizeof *a->gnorm), 0);
		ck_assert_int_eq(memcmp(a->fx, b->fx, L * sizeof *a->fx), 0);
	}
}

static void spit(const char *path, const unsigned char *p, size_t n)
{
	FILE *fp = fopen(path, "wb");
	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite(p, 1, n, fp), n);
	fclose(fp);
}

/* Reading PATH fails with CODE and a message containing WHAT. */
static void assert_refused(const char *path, int code, const char *what)
{
	plm_model *m = (plm_model *)1;
	plm_err err;
	err.msg[0] = '\0';
	int rc = model_read(path, &m, &err);
	if (rc != code || strstr(err.msg, what) == NULL || strstr(err.msg, path) == NULL)
		ck_abort_msg("%s: expected code %d and '%s', got %d: %s", path, code, what, rc, err.msg);
	ck_assert_ptr_null(m);
}

START_TEST(test_round_trip)
{
	char path[512];
	plm_err err;
	for (int variant = 0; variant < 4; variant++) {
		plm_model *a = make_model(variant == 3 ? 1 : 7, variant & 1, variant != 2), *b = NULL;
		if (variant == 2) { /* NULL strings survive */
			free(a->refseq);
			a->refseq = NULL;
			free(a->source);
			a->source = NULL;
			strcpy(a->rule, "hebb");
		}
		tmp_file("rt.plm", path, sizeof path);
		ck_assert_int_eq(model_write(a, path, &err), PLM_OK);
		ck_assert_int_eq(model_read(path, &b, &err), PLM_OK);
		assert_same(a, b);
		/* the data section starts on a 64-byte boundary and the header says where */
		size_t n;
		unsigned char *bytes = slurp(path, &n);
		ck_assert_int_eq(memcmp(bytes, "PLMEMMOD", 8), 0);
		ck_assert_uint_eq(bytes[8], MODEL_FORMAT_VERSION); /* little-endian */
		uint64_t off = 0, len = 0;
		for (int k = 7; k >= 0; k--) {
			off = off << 8 | bytes[48 + k];
			len = len << 8 | bytes[16 + k];
		}
		ck_assert_uint_eq(len, n);
		ck_assert_uint_eq(off % 64, 0);
		/* h, J, the statistics section (none known: its 24 fixed bytes) and the CRC */
		ck_assert_uint_eq(off + 4 * (a->L * 21 + a->L * a->L * 441) + 24 + 4, n);
		/* h[0] is the first float of the data section, little-endian */
		uint32_t u = (uint32_t)bytes[off] | (uint32_t)bytes[off + 1] << 8 | (uint32_t)bytes[off + 2] << 16 |
		             (uint32_t)bytes[off + 3] << 24;
		float h0;
		memcpy(&h0, &u, 4);
		ck_assert(h0 == a->h[0]);
		free(bytes);
		model_destroy(a);
		model_destroy(b);
	}
	model_destroy(NULL);
}
END_TEST

/* Written in parts (as the MPI ranks do: blocks of rows, their CRCs computed apart and combined,
 * or computed while writing) the file is model_write's, byte for byte; a missing row, an extra
 * one, or a model holding only some rows given to model_write is refused with no file left. */
START_TEST(test_write_in_parts)
{
	const size_t L = 9, rowlen = L * 21 * 21;
	plm_model *m = make_model(L, 1, 1);
	plm_err err;
	char a[512], b[512], c[512];
	ck_assert_int_eq(model_write(m, tmp_file("whole.plm", a, sizeof a), &err), PLM_OK);
	model_out *o;
	ck_assert_int_eq(model_out_open(m, tmp_file("parts.plm", b, sizeof b), &o, &err), PLM_OK);
	const size_t cut[4] = { 0, 2, 6, L };
	for (int k = 0; k < 3; k++) {
		const float *rows = m->J + cut[k] * rowlen;
		uint32_t crc = model_rows_crc(m, rows, cut[k + 1] - cut[k]);
		ck_assert_int_eq(model_out_rows(o, rows, cut[k + 1] - cut[k], k == 1 ? NULL : &crc, &err), PLM_OK);
	}
	ck_assert_int_eq(model_out_close(o, &err), PLM_OK);
	size_t na, nb;
	unsigned char *pa = slurp(a, &na), *pb = slurp(b, &nb);
	ck_assert_uint_eq(na, nb);
	ck_assert_int_eq(memcmp(pa, pb, na), 0);
	free(pa);
	free(pb);

	/* one row short, one row too many */
	tmp_file("short.plm", c, sizeof c);
	ck_assert_int_eq(model_out_open(m, c, &o, &err), PLM_OK);
	ck_assert_int_eq(model_out_rows(o, m->J, L - 1, NULL, &err), PLM_OK);
	ck_assert_int_eq(model_out_close(o, &err), PLM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "1 rows of couplings missing"));
	ck_assert_int_eq(access(c, F_OK), -1);
	ck_assert_int_eq(model_out_open(m, c, &o, &err), PLM_OK);
	ck_assert_int_eq(model_out_rows(o, m->J, L, NULL, &err), PLM_OK);
	ck_assert_int_eq(model_out_rows(o, m->J, 1, NULL, &err), PLM_EINVAL);
	model_out_abort(o);
	ck_assert_int_eq(access(c, F_OK), -1);
	model_destroy(m);

	/* a share of the rows: model_J finds row i at (i - row0); model_write refuses it */
	ck_assert_int_eq(model_create_rows(L, 21, 3, 4, &m, &err), PLM_OK);
	ck_assert_int_eq(alphabet_init(&m->abc, "protein", &err), PLM_OK);
	ck_assert_ptr_eq(model_J(m, 3, 0), m->J);
	ck_assert_ptr_eq(model_J(m, 6, L - 1), m->J + 4 * rowlen - 21 * 21);
	ck_assert_int_eq(model_write(m, c, &err), PLM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "part of its couplings"));
	ck_assert_int_eq(access(c, F_OK), -1);
	model_destroy(m);
	ck_assert_int_eq(model_create_rows(L, 21, 5, 5, &m, &err), PLM_EINVAL);
}
END_TEST

START_TEST(test_flipped_byte)
{
	char path[512], bad[512];
	plm_err err;
	plm_model *a = make_model(4, 1, 1);
	tmp_file("flip.plm", path, sizeof path);
	tmp_file("flipped.plm", bad, sizeof bad);
	ck_assert_int_eq(model_write(a, path, &err), PLM_OK);
	size_t n;
	unsigned char *bytes = slurp(path, &n);
	/* every byte of the header and metadata, then a stride through h and J and the CRC */
	for (size_t k = 0; k < n; k += (k < 2000 || k + 8 > n) ? 1 : 97) {
		for (int bit = 0; bit < 8; bit += 7) {
			bytes[k] ^= (unsigned char)(1u << bit);
			spit(bad, bytes, n);
			plm_model *m = NULL;
			int rc = model_read(bad, &m, &err);
			if (rc == PLM_OK)
				ck_abort_msg("byte %zu bit %d flipped: accepted", k, bit);
			ck_assert_ptr_null(m);
			ck_assert_ptr_nonnull(strstr(err.msg, bad));
			if (k >= 64) /* past the header only the CRC can tell */
				ck_assert_ptr_nonnull(strstr(err.msg, "checksum mismatch: the file is damaged"));
			bytes[k] ^= (unsigned char)(1u << bit);
		}
	}
	free(bytes);
	model_destroy(a);
}
END_TEST

START_TEST(test_truncated)
{
	char path[512], bad[512], want[128];
	plm_err err;
	plm_model *a = make_model(5, 0, 1);
	tmp_file("trunc.plm", path, sizeof path);
	tmp_file("truncated.plm", bad, sizeof bad);
	ck_assert_int_eq(model_write(a, path, &err), PLM_OK);
	size_t n;
	unsigned char *bytes = slurp(path, &n);
	size_t cuts[] = { 0, 3, 8, 40, 63, 64, 100, 1000, n / 2, n - 5, n - 1 };
	for (size_t c = 0; c < sizeof cuts / sizeof cuts[0]; c++) {
		spit(bad, bytes, cuts[c]);
		if (cuts[c] == 0)
			assert_refused(bad, PLM_EFORMAT, "empty file");
		else if (cuts[c] < 64)
			assert_refused(bad, PLM_EFORMAT, "truncated: expected at least 64 bytes");
		else {
			snprintf(want, sizeof want, "truncated: expected %zu bytes, found %zu", n, cuts[c]);
			assert_refused(bad, PLM_EFORMAT, want);
		}
	}
	/* bytes appended */
	unsigned char *longer = calloc(n + 3, 1);
	memcpy(longer, bytes, n);
	spit(bad, longer, n + 3);
	assert_refused(bad, PLM_EFORMAT, "unexpected bytes after the end");
	free(longer);
	free(bytes);
	model_destroy(a);
}
END_TEST

/* Store V in the byte at OFF and a matching CRC32, as a file that was written so would be. */
static void set_byte_crc(unsigned char *bytes, size_t n, size_t off, unsigned char v)
{
	bytes[off] = v;
	uLong crc = crc32(crc32(0L, Z_NULL, 0), bytes, (uInt)(n - 4));
	for (int k = 0; k < 4; k++)
		bytes[n - 4 + k] = (unsigned char)(crc >> (8 * k));
}

START_TEST(test_magic_version_missing)
{
	char path[512], bad[512];
	plm_err err;
	plm_model *a = make_model(3, 0, 0);
	tmp_file("mv.plm", path, sizeof path);
	tmp_file("mv_bad.plm", bad, sizeof bad);
	ck_assert_int_eq(model_write(a, path, &err), PLM_OK);
	size_t n;
	unsigned char *bytes = slurp(path, &n);
	bytes[0] = 'X';
	spit(bad, bytes, n);
	assert_refused(bad, PLM_EFORMAT, "not a plmem model (bad magic)");
	spit(bad, (const unsigned char *)">seq1\nACDE\n", 11);
	assert_refused(bad, PLM_EFORMAT, "not a plmem model (bad magic)");
	spit(bad, (const unsigned char *)"AB", 2);
	assert_refused(bad, PLM_EFORMAT, "not a plmem model (bad magic)");
	bytes[0] = 'P';
	bytes[8] = MODEL_FORMAT_VERSION + 1; /* a future format version */
	spit(bad, bytes, n);
	assert_refused(bad, PLM_EFORMAT, "model format version 3 is not supported (this plmem reads versions 1 to 2");
	bytes[8] = MODEL_FORMAT_VERSION;
	bytes[24] ^= 1; /* L disagrees with the length */
	spit(bad, bytes, n);
	assert_refused(bad, PLM_EFORMAT, "damaged header");
	bytes[24] ^= 1;
	bytes[31] = 0x80; /* L huge: refused before any allocation */
	spit(bad, bytes, n);
	assert_refused(bad, PLM_EFORMAT, "damaged header");
	/* version 2: bytes 56-63 are the statistics section's length */
	bytes[31] = 0;
	set_byte_crc(bytes, n, 60, 0x20);
	spit(bad, bytes, n);
	assert_refused(bad, PLM_EFORMAT, "damaged header (the sizes do not agree)");
	free(bytes);
	/* version 1: a reserved header byte set, the CRC32 recomputed: read before as a sound model
	 * (found by the model fuzz target, tests/fuzz/regress/model/reserved-header-bytes) */
	char v1[512];
	bytes = slurp(src_path("tests/data/v1_focus.plm", v1, sizeof v1), &n);
	set_byte_crc(bytes, n, 60, 0x20);
	spit(bad, bytes, n);
	assert_refused(bad, PLM_EFORMAT, "reserved bytes 56-63 are not zero");
	tmp_file("does-not-exist.plm", bad, sizeof bad);
	assert_refused(bad, PLM_EIO, "cannot open: No such file or directory");
	free(bytes);
	model_destroy(a);
}
END_TEST

/* A yes/no field of the metadata holding 2 or 255 is refused (was read as yes, and the model
 * written back differed: found by the model fuzz target, tests/fuzz/regress/model/meta-flag-*). */
START_TEST(test_meta_flags)
{
	char path[512], bad[512];
	plm_err err;
	const size_t L = 3;
	plm_model *a = make_model(L, 1, 1);
	tmp_file("flags.plm", path, sizeof path);
	tmp_file("flags_bad.plm", bad, sizeof bad);
	ck_assert_int_eq(model_write(a, path, &err), PLM_OK);
	size_t n;
	unsigned char *bytes = slurp(path, &n);
	size_t meta_len = 0;
	for (int k = 7; k >= 0; k--)
		meta_len = meta_len << 8 | bytes[40 + k];
	/* the metadata ends with the convergence flag and L x (u32 + u32 + u8 + f64 + f64) */
	size_t conv = 64 + meta_len - 1 - L * 25;
	ck_assert_int_eq(bytes[conv], 1);
	unsigned char vals[2] = { 2, 255 };
	for (int k = 0; k < 2; k++) {
		set_byte_crc(bytes, n, conv, vals[k]);
		spit(bad, bytes, n);
		assert_refused(bad, PLM_EFORMAT, "malformed metadata section");
	}
	set_byte_crc(bytes, n, conv, 1);
	spit(bad, bytes, n);
	plm_model *m = NULL;
	ck_assert_int_eq(model_read(bad, &m, &err), PLM_OK);
	model_destroy(m);
	free(bytes);
	model_destroy(a);
}
END_TEST

/* Statistics of a model of L positions: NW weights (nseq_in of them), f_i, f_ij as asked. */
static void add_stats(plm_model *m, size_t nw, int fi, int fij)
{
	m->nseq_in = nw;
	m->nweights = nw;
	m->weights = nw ? calloc(nw, sizeof *m->weights) : NULL;
	for (size_t s = 0; s < nw; s++)
		m->weights[s] = s % 7 == 3 ? 0.0 : 1.0 / (double)(1 + s % 5);
	if (fi) {
		m->fi = calloc(m->L * m->q, sizeof *m->fi);
		for (size_t k = 0; k < m->L * m->q; k++)
			m->fi[k] = (float)k / 1000.0f;
	}
	if (fij) {
		size_t n = model_fij_floats(m->L, m->q);
		m->fij = calloc(n, sizeof *m->fij);
		for (size_t k = 0; k < n; k++)
			m->fij[k] = (float)k * 1e-6f;
	}
	m->lambda_group = 0.25;
}

/* The statistics section (format version 2) keeps the weights, f_i, f_ij and lambda_group; a
 * model read is written back byte for byte; inconsistent sizes and counts are refused. */
START_TEST(test_stats_round_trip)
{
	char path[512], again[512], bad[512];
	plm_err err;
	tmp_file("st.plm", path, sizeof path);
	tmp_file("st2.plm", again, sizeof again);
	tmp_file("st_bad.plm", bad, sizeof bad);
	for (int variant = 0; variant < 4; variant++) {
		plm_model *a = make_model(6, variant & 1, 1), *b = NULL;
		add_stats(a, variant == 2 ? 0 : 37, variant != 3, variant != 1);
		ck_assert_int_eq(model_write(a, path, &err), PLM_OK);
		ck_assert_int_eq(model_read(path, &b, &err), PLM_OK);
		assert_same(a, b);
		ck_assert_uint_eq(b->file_version, 2);
		ck_assert_uint_eq(b->nweights, a->nweights);
		ck_assert_int_eq(b->weights == NULL, a->weights == NULL);
		if (a->weights)
			ck_assert_int_eq(memcmp(a->weights, b->weights, a->nweights * sizeof *a->weights), 0);
		ck_assert_int_eq(b->fi == NULL, a->fi == NULL);
		if (a->fi)
			ck_assert_int_eq(memcmp(a->fi, b->fi, 6 * 21 * sizeof *a->fi), 0);
		ck_assert_int_eq(b->fij == NULL, a->fij == NULL);
		if (a->fij)
			ck_assert_int_eq(memcmp(a->fij, b->fij, 15 * 441 * sizeof *a->fij), 0);
		ck_assert(b->lambda_group == 0.25);
		/* the pair blocks in plmc's order: (0, 1), (0, 2) ... (0, 5), (1, 2) ... */
		if (a->fij)
			ck_assert_ptr_eq(model_fij(b, 1, 2), b->fij + 5 * 441);
		ck_assert_int_eq(model_write(b, again, &err), PLM_OK);
		size_t n0, n1;
		unsigned char *p0 = slurp(path, &n0), *p1 = slurp(again, &n1);
		ck_assert_uint_eq(n0, n1);
		ck_assert_int_eq(memcmp(p0, p1, n0), 0);
		free(p1);
		/* the weights' count (the first 8 bytes of the section) changed: sizes disagree */
		size_t slen = 0;
		for (int k = 7; k >= 0; k--)
			slen = slen << 8 | p0[56 + k];
		ck_assert_uint_eq(slen, 24 + 8 * a->nweights + (a->fi ? 4 * 6 * 21 : 0) + (a->fij ? 4 * 15 * 441 : 0));
		set_byte_crc(p0, n0, n0 - 4 - slen, (unsigned char)(p0[n0 - 4 - slen] + 1));
		spit(bad, p0, n0);
		assert_refused(bad, PLM_EFORMAT, "malformed statistics section (its sizes do not agree)");
		free(p0);
		model_destroy(a);
		model_destroy(b);
	}
	/* a weight list that is not one per sequence read */
	plm_model *a = make_model(3, 0, 0);
	add_stats(a, 5, 1, 0);
	a->nseq_in = 1000;
	ck_assert_int_eq(model_write(a, bad, &err), PLM_OK);
	assert_refused(bad, PLM_EFORMAT, "5 sequence weights for 1000 sequences read");
	/* a non-finite frequency */
	a->nseq_in = 5;
	a->fi[4] = NAN;
	ck_assert_int_eq(model_write(a, bad, &err), PLM_OK);
	assert_refused(bad, PLM_EFORMAT, "a frequency is not a finite number");
	/* a count without a list is refused by the writer */
	free(a->weights);
	a->weights = NULL;
	ck_assert_int_eq(model_write(a, bad, &err), PLM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "5 weights but no list"));
	model_destroy(a);
}
END_TEST

/* A model written by the plmem of before the statistics section (format version 1, committed:
 * tests/data/v1_focus.plm, made by `fit --max-iter 3 --focus a tests/data/tiny.a2m`) still
 * reads, knows no statistics, and is written in the current version. */
START_TEST(test_version1_file)
{
	char v1[512], path[512];
	plm_err err;
	plm_model *m = NULL, *b = NULL;
	ck_assert_int_eq(model_read(src_path("tests/data/v1_focus.plm", v1, sizeof v1), &m, &err), PLM_OK);
	ck_assert_uint_eq(m->file_version, 1);
	ck_assert_uint_eq(m->L, 4);
	ck_assert_uint_eq(m->q, 21);
	ck_assert_str_eq(m->refseq, "ACDE");
	ck_assert_ptr_nonnull(m->resnum);
	ck_assert_uint_eq(m->nseq_in, 5);
	ck_assert_ptr_null(m->weights);
	ck_assert_uint_eq(m->nweights, 0);
	ck_assert_ptr_null(m->fi);
	ck_assert_ptr_null(m->fij);
	ck_assert(m->lambda_group == 0.0);
	ck_assert_ptr_nonnull(m->iters);
	tmp_file("v1to2.plm", path, sizeof path);
	ck_assert_int_eq(model_write(m, path, &err), PLM_OK);
	ck_assert_int_eq(model_read(path, &b, &err), PLM_OK);
	ck_assert_uint_eq(b->file_version, MODEL_FORMAT_VERSION);
	assert_same(m, b);
	model_destroy(m);
	model_destroy(b);
}
END_TEST

/* modelstats_record against a count by hand: 4 sequences read, one dropped (an X), weights
 * 1, 0.5, 2 on the kept ones; f_i and f_ij are the weighted counts over M_eff = 3.5. */
START_TEST(test_stats_by_hand)
{
	char path[512];
	plm_err err;
	tmp_text_file("stats", ">s1\nAC-\n>s2\nXCA\n>s3\nCC-\n>s4\nA-A\n", path, sizeof path);
	msa *s = NULL;
	ck_assert_int_eq(msa_read(path, NULL, &s, &err), PLM_OK);
	ck_assert_uint_eq(s->n, 3);
	plm_model *m = NULL;
	ck_assert_int_eq(model_create(3, 21, &m, &err), PLM_OK);
	double w[3] = { 1.0, 0.5, 2.0 };
	ck_assert_int_eq(modelstats_record(m, s, w, MODELSTATS_FIJ_AUTO, &err), PLM_OK);
	ck_assert_uint_eq(m->nweights, 4);
	ck_assert(m->weights[0] == 1.0 && m->weights[1] == 0.0 && m->weights[2] == 0.5 && m->weights[3] == 2.0);
	int A = alphabet_state(&s->abc, 'A'), C = alphabet_state(&s->abc, 'C'), G = 0; /* '-' is state 0 */
	const float z = (float)(1.0 / 3.5);
	ck_assert(m->fi[0 * 21 + A] == (float)(3.0 / 3.5) && m->fi[0 * 21 + C] == (float)(0.5 / 3.5));
	ck_assert(m->fi[1 * 21 + C] == (float)(1.5 / 3.5) && m->fi[1 * 21 + G] == (float)(2.0 / 3.5));
	ck_assert(m->fi[2 * 21 + G] == (float)(1.5 / 3.5) && m->fi[2 * 21 + A] == (float)(2.0 / 3.5));
	float sum = 0;
	for (size_t k = 0; k < 63; k++)
		sum += m->fi[k];
	ck_assert_float_eq_tol(sum, 3.0f, 1e-6f);
	/* pairs (0,1), (0,2), (1,2): s1 = A C -, s3 = C C -, s4 = A - A */
	ck_assert(model_fij(m, 0, 1)[A * 21 + C] == z);
	ck_assert(model_fij(m, 0, 1)[C * 21 + C] == (float)(0.5 / 3.5));
	ck_assert(model_fij(m, 0, 1)[A * 21 + G] == (float)(2.0 / 3.5));
	ck_assert(model_fij(m, 0, 2)[A * 21 + G] == z && model_fij(m, 0, 2)[A * 21 + A] == (float)(2.0 / 3.5));
	ck_assert(model_fij(m, 1, 2)[C * 21 + G] == (float)(1.5 / 3.5) && model_fij(m, 1, 2)[G * 21 + A] == (float)(2.0 / 3.5));
	ck_assert(model_fij(m, 1, 2)[C * 21 + A] == 0.0f);
	/* without the pair frequencies; the size rules */
	model_drop_stats(m);
	ck_assert_int_eq(modelstats_record(m, s, NULL, MODELSTATS_FIJ_NO, &err), PLM_OK);
	ck_assert_ptr_null(m->fij);
	ck_assert(m->weights[1] == 0.0 && m->weights[3] == 1.0 && m->fi[0 * 21 + A] == (float)(2.0 / 3.0));
	ck_assert_int_eq(modelstats_keep_fij(1103, 21, MODELSTATS_FIJ_AUTO), 1);
	ck_assert_int_eq(modelstats_keep_fij(1104, 21, MODELSTATS_FIJ_AUTO), 0);
	ck_assert_int_eq(modelstats_keep_fij(1104, 21, MODELSTATS_FIJ_YES), 1);
	ck_assert_int_eq(modelstats_keep_fij(11585, 2, MODELSTATS_FIJ_AUTO), 1);
	ck_assert_int_eq(modelstats_keep_fij(11586, 2, MODELSTATS_FIJ_AUTO), 0);
	ck_assert_int_eq(modelstats_keep_weights(131072, 2, 2), 1);     /* 1 MiB */
	ck_assert_int_eq(modelstats_keep_weights(131073, 2, 2), 0);
	ck_assert_int_eq(modelstats_keep_weights(1000000, 200, 21), 1);  /* less than J */
	model_destroy(m);
	msa_destroy(s);
	unlink(path);
}
END_TEST

START_TEST(test_create_limits)
{
	plm_model *m = (plm_model *)1;
	plm_err err;
	/* L = 2^20, q = 21: 1.8 TB of couplings */
	ck_assert_int_eq(model_create((size_t)1 << 20, 21, &m, &err), PLM_ERANGE);
	ck_assert_ptr_null(m);
	ck_assert_ptr_nonnull(strstr(err.msg, "1939538511396864 bytes"));
	ck_assert_int_eq(model_create((size_t)1 << 40, 21, &m, &err), PLM_ERANGE);
	ck_assert_ptr_nonnull(strstr(err.msg, "overflow"));
	ck_assert_int_eq(model_create(0, 21, &m, &err), PLM_EINVAL);
	ck_assert_int_eq(model_create(10, 21, &m, &err), PLM_OK);
	/* zeroed, identity column map */
	for (size_t k = 0; k < 10 * 10 * 21 * 21; k++)
		ck_assert(m->J[k] == 0.0f);
	ck_assert_uint_eq(m->col[9], 9);
	ck_assert_int_eq(model_user_index(m, 9), 10);
	model_destroy(m);
}
END_TEST

/* Sequences onto a model's positions: through the column map when they have the training
 * alignment's columns, as they are when they have the model's L positions, refused (with
 * the counts) otherwise. */
START_TEST(test_map_sequences)
{
	plm_model *m = NULL;
	plm_err err;
	ck_assert_int_eq(model_create(3, 21, &m, &err), PLM_OK);
	m->ncol_in = 5;
	m->col[0] = 0, m->col[1] = 2, m->col[2] = 4; /* positions = columns 0, 2, 4 */
	uint8_t seq5[2 * 5] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	msa s = { .path = "s.fa", .n = 2, .L = 5, .ncol_in = 5, .seq = seq5 };
	uint8_t *a = NULL;
	ck_assert_int_eq(model_map_sequences(m, &s, &a, &err), PLM_OK);
	const uint8_t by_col[6] = { 1, 3, 5, 6, 8, 10 };
	ck_assert_mem_eq(a, by_col, 6);
	free(a);
	/* exactly the model's positions: taken as they are */
	uint8_t seq3[2 * 3] = { 7, 8, 9, 1, 2, 3 };
	msa p = { .path = "p.fa", .n = 2, .L = 3, .ncol_in = 3, .seq = seq3 };
	ck_assert_int_eq(model_map_sequences(m, &p, &a, &err), PLM_OK);
	ck_assert_mem_eq(a, seq3, 6);
	free(a);
	/* neither: refused, nothing allocated */
	msa w = { .path = "w.fa", .n = 2, .L = 4, .ncol_in = 4, .seq = seq5 };
	a = (uint8_t *)1;
	ck_assert_int_eq(model_map_sequences(m, &w, &a, &err), PLM_EINVAL);
	ck_assert_ptr_null(a);
	ck_assert_str_eq(err.msg, "w.fa: 4 columns, but the model takes 5 (its training alignment's columns) "
	                          "or 3 (its positions)");
	/* a model whose positions are its training columns names only L */
	m->ncol_in = 3;
	m->col[1] = 1, m->col[2] = 2;
	ck_assert_int_eq(model_map_sequences(m, &w, &a, &err), PLM_EINVAL);
	ck_assert_str_eq(err.msg, "w.fa: 4 columns, but the model has 3 positions");
	/* a column map beyond the sequences' columns */
	m->ncol_in = 5;
	m->col[2] = 7;
	ck_assert_int_eq(model_map_sequences(m, &s, &a, &err), PLM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "out of range"));
	model_destroy(m);
}
END_TEST

START_TEST(test_conv_summary)
{
	plm_model *a = make_model(7, 1, 1);
	model_conv s;
	plm_err err;
	ck_assert_int_eq(model_conv_summary(a, &s, &err), PLM_OK);
	ck_assert_int_eq(s.have, 1);
	/* statuses 0,1,2,3,0,1,2 */
	ck_assert_uint_eq(s.nstatus[SITE_CONVERGED], 2);
	ck_assert_uint_eq(s.nstatus[SITE_MAX_ITER], 2);
	ck_assert_uint_eq(s.nstatus[SITE_LINESEARCH], 2);
	ck_assert_uint_eq(s.nstatus[SITE_NOT_FITTED], 1);
	ck_assert_uint_eq(s.iters[0], 10);
	ck_assert_uint_eq(s.iters[1], 13);
	ck_assert_uint_eq(s.iters[2], 16);
	ck_assert_uint_eq(s.evals[1], 18);
	ck_assert_uint_eq(s.max_gnorm_site, 6);
	ck_assert(fabs(s.total_fx - (7 * 1.5 + 21)) < 1e-12);
	ck_assert_int_eq(model_user_index(a, 0), -3);
	model_destroy(a);
}
END_TEST

/* log P(a_i = a | rest of x) for every a, in double */
static void conditionals(const plm_model *m, const uint8_t *x, size_t i, double *lp)
{
	size_t q = m->q;
	double mx = -1e300, z = 0.0;
	for (size_t a = 0; a < q; a++) {
		double e = m->h[i * q + a];
		for (size_t j = 0; j < m->L; j++)
			if (j != i)
				e += model_J(m, i, j)[a * q + x[j]];
		lp[a] = e;
		if (e > mx)
			mx = e;
	}
	for (size_t a = 0; a < q; a++)
		z += exp(lp[a] - mx);
	for (size_t a = 0; a < q; a++)
		lp[a] -= mx + log(z);
}

START_TEST(test_zero_sum_gauge)
{
	size_t qs[2] = { 21, 2 };
	for (int v = 0; v < 2; v++) {
		size_t L = 6, q = qs[v];
		plm_model *m;
		plm_err err;
		ck_assert_int_eq(model_create(L, q, &m, &err), PLM_OK);
		plm_rng r;
		rng_seed(&r, 2024, (uint64_t)v);
		for (size_t k = 0; k < L * q; k++)
			m->h[k] = (float)rng_normal(&r);
		for (size_t i = 0; i < L; i++)
			for (size_t j = 0; j < L; j++)
				for (size_t k = 0; i != j && k < q * q; k++)
					model_J(m, i, j)[k] = (float)(rng_normal(&r) + 0.5); /* far from zero-sum */
		uint8_t x[3][6];
		double before[3][6][21], after[21];
		for (size_t t = 0; t < 3; t++) {
			for (size_t j = 0; j < L; j++)
				x[t][j] = (uint8_t)rng_below(&r, q);
			for (size_t i = 0; i < L; i++)
				conditionals(m, x[t], i, before[t][i]);
		}
		model_gauge_zero_sum(m);
		/* every conditional is unchanged (float storage: 1e-5 relative to fields of size ~10) */
		for (size_t t = 0; t < 3; t++)
			for (size_t i = 0; i < L; i++) {
				conditionals(m, x[t], i, after);
				for (size_t a = 0; a < q; a++)
					ck_assert_double_eq_tol(after[a], before[t][i][a], 1e-4);
			}
		/* rows and columns of every block and every field vector sum to zero */
		for (size_t i = 0; i < L; i++) {
			double hs = 0.0;
			for (size_t a = 0; a < q; a++)
				hs += m->h[i * q + a];
			ck_assert_double_eq_tol(hs, 0.0, 1e-5);
			for (size_t j = 0; j < L; j++) {
				const float *J = model_J(m, i, j);
				for (size_t a = 0; a < q; a++) {
					double rs = 0.0, cs = 0.0;
					for (size_t b = 0; b < q; b++) {
						rs += J[a * q + b];
						cs += J[b * q + a];
					}
					ck_assert_double_eq_tol(rs, 0.0, 1e-5);
					ck_assert_double_eq_tol(cs, 0.0, 1e-5);
				}
			}
		}
		/* a second application changes nothing */
		float keep = model_J(m, 1, 4)[q + 1];
		model_gauge_zero_sum(m);
		ck_assert_float_eq_tol(model_J(m, 1, 4)[q + 1], keep, 1e-6f);
		model_destroy(m);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("model");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_write_in_parts);
	tcase_add_test(tc, test_flipped_byte);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_magic_version_missing);
	tcase_add_test(tc, test_meta_flags);
	tcase_add_test(tc, test_stats_round_trip);
	tcase_add_test(tc, test_version1_file);
	tcase_add_test(tc, test_stats_by_hand);
	tcase_add_test(tc, test_create_limits);
	tcase_add_test(tc, test_map_sequences);
	tcase_add_test(tc, test_conv_summary);
	tcase_add_test(tc, test_zero_sum_gauge);
	suite_add_tcase(s, tc);
	int rc = run_suite(s);
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	if (tmpdir[0])
		(void)!system(cmd);
	return rc;
}
