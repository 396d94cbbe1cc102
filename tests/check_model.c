/* check_model: the model file format: a round trip keeps every field; a flipped byte, a
 * truncation, a wrong magic, a future version or a missing file is refused with a message; a file
 * written in parts (blocks of rows, CRCs combined) is model_write's byte for byte. */
#include "check_common.h"

#include <math.h>
#include <stdint.h>
#include <unistd.h>
#include <zlib.h>

#include "model.h"
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
		ck_assert_uint_eq(bytes[8], 1); /* version 1, little-endian */
		uint64_t off = 0, len = 0;
		for (int k = 7; k >= 0; k--) {
			off = off << 8 | bytes[48 + k];
			len = len << 8 | bytes[16 + k];
		}
		ck_assert_uint_eq(len, n);
		ck_assert_uint_eq(off % 64, 0);
		ck_assert_uint_eq(off + 4 * (a->L * 21 + a->L * a->L * 441) + 4, n);
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
	bytes[8] = 2; /* a future format version */
	spit(bad, bytes, n);
	assert_refused(bad, PLM_EFORMAT, "model format version 2 is not supported");
	bytes[8] = 1;
	bytes[24] ^= 1; /* L disagrees with the length */
	spit(bad, bytes, n);
	assert_refused(bad, PLM_EFORMAT, "damaged header");
	bytes[24] ^= 1;
	bytes[31] = 0x80; /* L huge: refused before any allocation */
	spit(bad, bytes, n);
	assert_refused(bad, PLM_EFORMAT, "damaged header");
	/* a reserved header byte set, the CRC32 recomputed: read before as a sound model (found by
	 * the model fuzz target, tests/fuzz/regress/model/reserved-header-bytes) */
	bytes[31] = 0;
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
