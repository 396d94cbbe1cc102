/* check_import: plmc's file size by hand, the round trip plmem -> plmc file -> plmem (the
 * same fields, couplings averaged over the two directions, numbering and focus kept; float64
 * and gzip inputs), every truncation refused, and the readers on the files plmc and CCMpred
 * wrote themselves (../shared/data/ref): their own contact scores reproduced from the
 * imported models. */
#include "check_common.h"

#include <math.h>
#include <stdint.h>
#include <zlib.h>

#include "contacts.h"
#include "export.h"
#include "import.h"
#include "model.h"
#include "rng.h"

static plm_model *make_model(size_t L, const char *abc, int focus, int symmetric)
{
	plm_model *m;
	plm_err err;
	plm_alphabet a;
	ck_assert_int_eq(alphabet_init(&a, abc, &err), PLM_OK);
	ck_assert_int_eq(model_create(L, a.q, &m, &err), PLM_OK);
	m->abc = a;
	size_t q = a.q;
	plm_rng r;
	rng_seed(&r, 11, 1);
	for (size_t k = 0; k < L * q; k++)
		m->h[k] = (float)rng_normal(&r);
	for (size_t i = 0; i < L; i++)
		for (size_t j = 0; j < L; j++)
			for (size_t k = 0; i != j && k < q * q; k++)
				if (!symmetric || i < j)
					model_J(m, i, j)[k] = (float)(rng_normal(&r) * 0.1);
	if (symmetric)
		for (size_t i = 0; i < L; i++)
			for (size_t j = i + 1; j < L; j++)
				for (size_t x = 0; x < q; x++)
					for (size_t y = 0; y < q; y++)
						model_J(m, j, i)[y * q + x] = model_J(m, i, j)[x * q + y];
	m->ncol_in = 3 * L;
	for (size_t i = 0; i < L; i++)
		m->col[i] = 2 * i + 1;
	if (focus) {
		m->resnum = calloc(L, sizeof *m->resnum);
		m->refseq = calloc(L + 1, 1);
		for (size_t i = 0; i < L; i++) {
			m->resnum[i] = 40 + 3 * (long)i;
			m->refseq[i] = a.letters[1 + i % (q - 1)];
		}
		m->focus = strdup("F");
	}
	m->theta = 0.2;
	m->lambda_h = 0.01;
	m->lambda_j = 0.5;
	m->nseq_in = 30;
	m->nseq = 25;
	m->meff = 12.5;
	m->max_iter = 77;
	return m;
}

static char *tmp_name(const char *tag, char *buf, size_t n)
{
	snprintf(buf, n, "%s/%s.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", tag);
	int fd = mkstemp(buf);
	ck_assert_int_ge(fd, 0);
	close(fd);
	return buf;
}

static void write_bytes(const char *path, const unsigned char *p, size_t n)
{
	FILE *fp = fopen(path, "wb");
	ck_assert_ptr_nonnull(fp);
	ck_assert_uint_eq(fwrite(p, 1, n, fp), n);
	fclose(fp);
}

START_TEST(test_plmc_size)
{
	uint64_t n;
	/* the peers' files: 40 + 21 + 106*4 + 53 + 53*4 + 2*53*21*4 + 2*1378*441*4 = 4,871,238 */
	ck_assert_int_eq(import_plmc_size(53, 21, 106, 4, &n), 0);
	ck_assert_uint_eq(n, 4871238);
	/* 40 + 3 + 2000 + 60 + 240 + 1440 + 2*1770*9*4 = 131,223 */
	ck_assert_int_eq(import_plmc_size(60, 3, 500, 4, &n), 0);
	ck_assert_uint_eq(n, 131223);
	/* float64: the 20 + 4 L bytes of int32 and the q + L letters stay, every float doubles */
	ck_assert_int_eq(import_plmc_size(60, 3, 500, 8, &n), 0);
	ck_assert_uint_eq(n, 2 * 131223 - (20 + 240) - (3 + 60));
	ck_assert_int_eq(import_plmc_size(UINT64_MAX / 2, 21, 0, 4, &n), -1);
	import_format f;
	ck_assert_int_eq(import_parse_format("ccmpred", &f), 0);
	ck_assert_int_eq(f, IMPORT_CCMPRED);
	ck_assert_int_eq(import_parse_format("plmdca", &f), -1);
}
END_TEST

/* Every parameter of B against A's: h equal, J_ij(a,b) = (A.J_ij(a,b) + A.J_ji(b,a))/2 in
 * both directions, bit for bit (the same float arithmetic on both sides). */
static void check_same_params(const plm_model *a, const plm_model *b)
{
	size_t L = a->L, q = a->q;
	ck_assert_uint_eq(b->L, L);
	ck_assert_uint_eq(b->q, q);
	ck_assert_str_eq(b->abc.letters, a->abc.letters);
	ck_assert_str_eq(b->abc.name, a->abc.name);
	for (size_t k = 0; k < L * q; k++)
		ck_assert(b->h[k] == a->h[k]);
	for (size_t i = 0; i < L; i++)
		for (size_t j = 0; j < L; j++)
			for (size_t x = 0; x < q; x++)
				for (size_t y = 0; y < q; y++) {
					float want = i == j ? 0.0f
					                    : (float)(0.5 * ((double)model_J(a, i, j)[x * q + y] +
					                                     (double)model_J(a, j, i)[y * q + x]));
					ck_assert(model_J(b, i, j)[x * q + y] == want);
				}
	for (size_t i = 0; i < L; i++)
		ck_assert_int_eq(model_user_index(b, i), model_user_index(a, i));
}

START_TEST(test_round_trip)
{
	static const struct {
		const char *abc;
		int focus, symmetric;
	} cases[] = { { "protein", 1, 0 }, { "protein", 0, 1 }, { "_^*", 0, 0 }, { "rna", 1, 1 }, { "binary", 0, 0 } };
	char path[256], mpath[256];
	tmp_name("plmc", path, sizeof path);
	tmp_name("model", mpath, sizeof mpath);
	for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
		plm_model *m = make_model(7, cases[c].abc, cases[c].focus, cases[c].symmetric), *b = NULL, *r = NULL;
		plm_err err;
		ck_assert_int_eq(export_plmc(m, path, &err), PLM_OK);
		size_t n;
		unsigned char *bytes = slurp(path, &n);
		uint64_t want;
		ck_assert_int_eq(import_plmc_size(7, m->q, 30, 4, &want), 0);
		ck_assert_uint_eq(n, want);
		free(bytes);
		ck_assert_int_eq(import_read(path, IMPORT_AUTO, "test", &b, &err), PLM_OK);
		check_same_params(m, b);
		if (cases[c].symmetric) /* a symmetric model comes back exactly */
			ck_assert_int_eq(memcmp(b->J, m->J, 49 * m->q * m->q * sizeof(float)), 0);
		ck_assert_str_eq(b->rule, "plmc");
		ck_assert_double_eq(b->theta, (float)0.2);
		ck_assert_double_eq(b->lambda_j, 0.5);
		ck_assert_double_eq(b->meff, 12.5);
		ck_assert_uint_eq(b->nseq, 25);
		ck_assert_uint_eq(b->nseq_in, 30);
		ck_assert_uint_eq(b->max_iter, 77);
		if (cases[c].focus) {
			ck_assert_str_eq(b->refseq, m->refseq);
			ck_assert_ptr_nonnull(b->resnum);
		} else {
			ck_assert_ptr_null(b->refseq);
			ck_assert_ptr_null(b->resnum);
			for (size_t i = 0; i < 7; i++)
				ck_assert_uint_eq(b->col[i], m->col[i]);
		}
		/* the imported model is a valid plmem model file */
		ck_assert_int_eq(model_write(b, mpath, &err), PLM_OK);
		ck_assert_int_eq(model_read(mpath, &r, &err), PLM_OK);
		check_same_params(m, r);
		/* and it exports to the same plmc file again (averaging a symmetric model is exact) */
		ck_assert_int_eq(export_plmc(r, mpath, &err), PLM_OK);
		size_t n1, n2;
		unsigned char *p1 = slurp(path, &n1), *p2 = slurp(mpath, &n2);
		ck_assert_uint_eq(n1, n2);
		ck_assert_int_eq(memcmp(p1, p2, n1), 0);
		free(p1);
		free(p2);
		model_destroy(m);
		model_destroy(b);
		model_destroy(r);
	}
	unlink(path);
	unlink(mpath);
}
END_TEST

/* The float32 file at PATH rewritten with float64 values (same layout otherwise). */
static unsigned char *to_float64(const unsigned char *p, size_t n, size_t L, size_t q, size_t nseq, size_t *out)
{
	uint64_t size;
	ck_assert_int_eq(import_plmc_size(L, q, nseq, 8, &size), 0);
	unsigned char *d = malloc(size), *w = d;
	const unsigned char *r = p;
	/* spans: 'b' bytes copied, 'f' floats widened */
	size_t span[][2] = { { 'b', 20 }, { 'f', 5 }, { 'b', q }, { 'f', nseq }, { 'b', 5 * L },
		             { 'f', 2 * L * q + L * (L - 1) * q * q } };
	for (size_t s = 0; s < sizeof span / sizeof *span; s++) {
		if (span[s][0] == 'b') {
			memcpy(w, r, span[s][1]);
			w += span[s][1];
			r += span[s][1];
			continue;
		}
		for (size_t k = 0; k < span[s][1]; k++, r += 4, w += 8) {
			uint32_t u = (uint32_t)r[0] | (uint32_t)r[1] << 8 | (uint32_t)r[2] << 16 | (uint32_t)r[3] << 24;
			float f;
			memcpy(&f, &u, 4);
			double x = f;
			uint64_t v;
			memcpy(&v, &x, 8);
			for (int b = 0; b < 8; b++)
				w[b] = (unsigned char)(v >> (8 * b));
		}
	}
	ck_assert_uint_eq((size_t)(r - p), n);
	ck_assert_uint_eq((size_t)(w - d), size);
	*out = size;
	return d;
}

START_TEST(test_float64_and_gzip)
{
	char path[256], p64[256], pgz[256];
	tmp_name("plmc", path, sizeof path);
	tmp_name("plmc64", p64, sizeof p64);
	tmp_name("plmcgz", pgz, sizeof pgz);
	plm_model *m = make_model(6, "protein", 1, 1), *b = NULL;
	plm_err err;
	ck_assert_int_eq(export_plmc(m, path, &err), PLM_OK);
	size_t n, n64;
	unsigned char *bytes = slurp(path, &n);
	unsigned char *d = to_float64(bytes, n, 6, 21, 30, &n64);
	write_bytes(p64, d, n64);
	ck_assert_int_eq(import_read(p64, IMPORT_PLMC, NULL, &b, &err), PLM_OK);
	check_same_params(m, b);
	model_destroy(b);
	gzFile gz = gzopen(pgz, "wb");
	ck_assert_int_eq(gzwrite(gz, bytes, (unsigned)n), (int)n);
	gzclose(gz);
	ck_assert_int_eq(import_read(pgz, IMPORT_AUTO, NULL, &b, &err), PLM_OK);
	check_same_params(m, b);
	model_destroy(b);
	/* a truncated gzip stream: no size to check first, so the reader names where it ends */
	gz = gzopen(pgz, "wb");
	ck_assert_int_eq(gzwrite(gz, bytes, (unsigned)(n - 100)), (int)(n - 100));
	gzclose(gz);
	ck_assert_int_eq(import_read(pgz, IMPORT_AUTO, NULL, &b, &err), PLM_EFORMAT);
	ck_assert_ptr_null(b);
	ck_assert_ptr_nonnull(strstr(err.msg, "truncated: the file ends at byte"));
	ck_assert_ptr_nonnull(strstr(err.msg, "inside the couplings e_ij"));
	free(bytes);
	free(d);
	model_destroy(m);
	unlink(path);
	unlink(p64);
	unlink(pgz);
}
END_TEST

START_TEST(test_plmc_malformed)
{
	char path[256], bad[256];
	tmp_name("plmc", path, sizeof path);
	tmp_name("bad", bad, sizeof bad);
	plm_model *m = make_model(5, "dna", 0, 0), *b = NULL;
	plm_err err;
	ck_assert_int_eq(export_plmc(m, path, &err), PLM_OK);
	size_t n;
	unsigned char *bytes = slurp(path, &n);
	/* every truncation is refused with a message naming the sizes: each byte of the header
	 * sections, then every 23rd byte (a prime: every section and alignment is hit) */
	for (size_t k = 1; k < n; k += k < 100 ? 1 : 23) {
		write_bytes(bad, bytes, k);
		ck_assert_int_eq(import_read(bad, IMPORT_PLMC, NULL, &b, &err), PLM_EFORMAT);
		ck_assert_ptr_null(b);
		ck_assert(strstr(err.msg, "truncated") != NULL);
	}
	write_bytes(bad, bytes, 0);
	ck_assert_int_eq(import_read(bad, IMPORT_AUTO, NULL, &b, &err), PLM_EFORMAT);
	ck_assert_ptr_nonnull(strstr(err.msg, "empty file"));
	/* one byte too many */
	unsigned char *more = malloc(n + 1);
	memcpy(more, bytes, n);
	more[n] = 0;
	write_bytes(bad, more, n + 1);
	ck_assert_int_eq(import_read(bad, IMPORT_PLMC, NULL, &b, &err), PLM_EFORMAT);
	ck_assert_ptr_nonnull(strstr(err.msg, "truncated or not a plmc file"));
	/* q out of range, a negative count, a repeated letter, a NaN coupling */
	memcpy(more, bytes, n);
	more[4] = 200;
	write_bytes(bad, more, n);
	ck_assert_int_eq(import_read(bad, IMPORT_PLMC, NULL, &b, &err), PLM_EFORMAT);
	ck_assert_ptr_nonnull(strstr(err.msg, "byte 4: q = 200"));
	memcpy(more, bytes, n);
	more[11] = 0x80;
	write_bytes(bad, more, n);
	ck_assert_int_eq(import_read(bad, IMPORT_PLMC, NULL, &b, &err), PLM_EFORMAT);
	ck_assert_ptr_nonnull(strstr(err.msg, "byte 8: N_valid"));
	memcpy(more, bytes, n);
	more[41] = more[40];
	write_bytes(bad, more, n);
	ck_assert_int_eq(import_read(bad, IMPORT_PLMC, NULL, &b, &err), PLM_EFORMAT);
	ck_assert_ptr_nonnull(strstr(err.msg, "byte 40: alphabet"));
	memcpy(more, bytes, n);
	const unsigned char nan32[4] = { 0, 0, 0xc0, 0x7f };
	memcpy(more + n - 8, nan32, 4);
	write_bytes(bad, more, n);
	ck_assert_int_eq(import_read(bad, IMPORT_PLMC, NULL, &b, &err), PLM_EFORMAT);
	char want[64];
	snprintf(want, sizeof want, "byte %zu: the couplings e_ij value", n - 8);
	ck_assert_ptr_nonnull(strstr(err.msg, want));
	ck_assert_ptr_nonnull(strstr(err.msg, "not a finite number"));
	ck_assert_ptr_null(b);
	free(more);
	free(bytes);
	model_destroy(m);
	unlink(path);
	unlink(bad);
}
END_TEST

static const char *RAW_OK = "1\t2\t3\t4\t5\t6\t7\t8\t9\t10\t11\t12\t13\t14\t15\t16\t17\t18\t19\t20\t\n"
                            "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n";

/* A CCMpred raw text for L = 2: the fields above, then "# 0 1" and 21 rows, row a holding
 * 100 a + b in column b, with line K (0-based) of the block replaced by ROW when ROW is set,
 * and TAIL appended. */
static char *ccm_text(int bad_line, const char *row, const char *tail)
{
	size_t cap = 16384, n = 0;
	char *s = malloc(cap);
	n += (size_t)snprintf(s + n, cap - n, "%s# 0 1\n", RAW_OK);
	for (int a = 0; a < 21; a++) {
		if (a == bad_line) {
			n += (size_t)snprintf(s + n, cap - n, "%s\n", row);
			continue;
		}
		for (int b = 0; b < 21; b++)
			n += (size_t)snprintf(s + n, cap - n, "%d\t", 100 * a + b);
		n += (size_t)snprintf(s + n, cap - n, "\n");
	}
	snprintf(s + n, cap - n, "%s", tail);
	return s;
}

START_TEST(test_ccmpred_small)
{
	char path[256];
	plm_err err;
	plm_model *m = NULL;
	char *t = ccm_text(-1, NULL, "#>META> {\"note\": \"ignored\"}\n");
	tmp_text_file("ccm", t, path, sizeof path);
	free(t);
	ck_assert_int_eq(import_read(path, IMPORT_AUTO, NULL, &m, &err), PLM_OK);
	ck_assert_uint_eq(m->L, 2);
	ck_assert_uint_eq(m->q, 21);
	ck_assert_str_eq(m->abc.name, "protein");
	ck_assert_str_eq(m->rule, "ccmpred");
	/* CCMpred's order ARNDCQEGHILKMFPSTWYV-: field k of line 1 is h_0 of that letter */
	const char *order = "ARNDCQEGHILKMFPSTWYV-";
	for (int k = 0; k < 21; k++) {
		int s = alphabet_state(&m->abc, (unsigned char)order[k]);
		ck_assert_float_eq(m->h[s], k < 20 ? (float)(k + 1) : 0.0f);
		for (int l = 0; l < 21; l++) {
			int u = alphabet_state(&m->abc, (unsigned char)order[l]);
			ck_assert_float_eq(model_J(m, 0, 1)[s * 21 + u], (float)(100 * k + l));
			ck_assert_float_eq(model_J(m, 1, 0)[u * 21 + s], (float)(100 * k + l));
		}
	}
	model_destroy(m);
	unlink(path);

	/* malformed: each names its line */
	static const struct {
		int line;
		const char *row, *tail, *msg;
	} bad[] = {
		{ 3, "1 2 3", "", ":7: a coupling line (21 per line): expected 21 numbers, found 3" },
		{ 0, "1 2 x3 4", "", ":4: a coupling line (21 per line): field 3 ('x3') is not a number" },
		{ 20, "nan 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20", "", ":24: a coupling line (21 per line): field 1 is not a finite number" },
		{ -1, NULL, "# 0 2\n", ":25: unexpected '# 0 2' after the last pair" },
	};
	for (size_t c = 0; c < sizeof bad / sizeof *bad; c++) {
		t = ccm_text(bad[c].line, bad[c].row, bad[c].tail);
		tmp_text_file("ccm", t, path, sizeof path);
		free(t);
		ck_assert_int_eq(import_read(path, IMPORT_CCMPRED, NULL, &m, &err), PLM_EFORMAT);
		ck_assert_ptr_null(m);
		if (strstr(err.msg, bad[c].msg) == NULL)
			ck_abort_msg("expected '%s' in '%s'", bad[c].msg, err.msg);
		unlink(path);
	}
	t = ccm_text(-1, NULL, "");
	t[strlen(t) - 5 * 60] = '\0'; /* cut inside the block */
	char *nl = strrchr(t, '\n');
	nl[1] = '\0';
	tmp_text_file("ccm", t, path, sizeof path);
	free(t);
	ck_assert_int_eq(import_read(path, IMPORT_CCMPRED, NULL, &m, &err), PLM_EFORMAT);
	ck_assert_ptr_nonnull(strstr(err.msg, "truncated: the file ends inside pair (0, 1)"));
	unlink(path);
	tmp_text_file("ccm", "1 2 3\n", path, sizeof path);
	ck_assert_int_eq(import_read(path, IMPORT_CCMPRED, NULL, &m, &err), PLM_EFORMAT);
	ck_assert_ptr_nonnull(strstr(err.msg, ":1: a field line (CCMpred raw: 20 fields per position): expected 20"));
	unlink(path);
	tmp_text_file("ccm", RAW_OK, path, sizeof path);
	ck_assert_int_eq(import_read(path, IMPORT_CCMPRED, NULL, &m, &err), PLM_EFORMAT);
	ck_assert_ptr_nonnull(strstr(err.msg, "truncated: the file ends before pair '# 0 1'"));
	unlink(path);
	tmp_text_file("ccm", "1\t2\t3\t4\t5\t6\t7\t8\t9\t10\t11\t12\t13\t14\t15\t16\t17\t18\t19\t20\n# 0 2\n", path,
	              sizeof path);
	ck_assert_int_eq(import_read(path, IMPORT_CCMPRED, NULL, &m, &err), PLM_EFORMAT);
	ck_assert_ptr_nonnull(strstr(err.msg, ":2: unexpected '# 0 2' after the last pair (1 positions)"));
	unlink(path);
}
END_TEST

/* ---- the peers' own files --------------------------------------------------------------- */

/* F from the imported model with the given scoring, then the APC of each tool. */
static double *scores(const plm_model *m, int include_gap, contacts_gauge g, int ccmpred_apc)
{
	plm_err err;
	double *F = calloc(m->L * m->L, sizeof *F);
	ck_assert_int_eq(contacts_frobenius(m, include_gap, g, F, &err), PLM_OK);
	ck_assert_int_eq(ccmpred_apc ? contacts_apc_ccmpred(F, m->L, &err) : contacts_apc(F, m->L, &err), PLM_OK);
	return F;
}

/* M (imported from the plmc file PATH) written as a plmem model, read back and exported for
 * plmc (to the temporary BACK) is PATH byte for byte; what it does not know is UNKNOWN. */
static void assert_plmc_round_trip(const plm_model *m, const char *path, const char *back, unsigned unknown)
{
	plm_err err;
	plm_model *r = NULL;
	ck_assert_int_eq(model_write(m, back, &err), PLM_OK);
	ck_assert_int_eq(model_read(back, &r, &err), PLM_OK);
	ck_assert_uint_eq(export_plmc_unknown(r), unknown);
	ck_assert_int_eq(export_plmc(r, back, &err), PLM_OK);
	size_t n0, n1;
	unsigned char *p0 = slurp(path, &n0), *p1 = slurp(back, &n1);
	ck_assert_uint_eq(n0, n1);
	for (size_t k = 0; k < n0; k++)
		if (p0[k] != p1[k])
			ck_abort_msg("%s: byte %zu differs after import and export", path, k);
	free(p0);
	free(p1);
	model_destroy(r);
}

START_TEST(test_peer_plmc_kunitz)
{
	char pp[512], pc[512];
	if (shared_path("ref/kunitz_small_plmc.params", pp, sizeof pp) == NULL ||
	    shared_path("ref/kunitz_small_plmc.couplings", pc, sizeof pc) == NULL)
		return;
	plm_model *m = NULL;
	plm_err err;
	ck_assert_int_eq(import_read(pp, IMPORT_AUTO, NULL, &m, &err), PLM_OK);
	ck_assert_uint_eq(m->L, 53);
	ck_assert_str_eq(m->abc.name, "protein");
	ck_assert_uint_eq(m->nseq, 106);
	ck_assert_double_eq(m->lambda_j, 16.0);
	ck_assert_ptr_null(m->refseq); /* no focus: plmc wrote 53 gaps */
	/* plmc's -c scores: Frobenius norm of its couplings as stored, gap included, its APC */
	double *F = scores(m, 1, CONTACTS_STORED, 0);
	FILE *fp = fopen(pc, "r");
	int i, j, lines = 0;
	double s, worst = 0;
	while (fscanf(fp, "%d - %d - 0 %lf", &i, &j, &s) == 3) {
		double d = fabs(F[(size_t)(i - 1) * 53 + (size_t)(j - 1)] - s);
		worst = d > worst ? d : worst;
		lines++;
	}
	fclose(fp);
	ck_assert_int_eq(lines, 53 * 52 / 2);
	/* plmc prints %f: 5e-7 of rounding, plus float32 storage of the couplings */
	ck_assert_double_le(worst, 1.5e-6);
	/* the default scoring (zero-sum gauge, gap excluded) is a different number */
	double *G = scores(m, 0, CONTACTS_ZERO_SUM, 0);
	ck_assert_double_gt(fabs(G[1] - F[1]), 1e-4);
	/* what plmc knew of its data is kept: 106 neighbour counts, f_i (each position sums to 1) */
	ck_assert_uint_eq(m->nweights, 106);
	ck_assert_ptr_nonnull(m->fi);
	ck_assert_ptr_nonnull(m->fij);
	double wsum = 0, fsum = 0;
	for (size_t k = 0; k < 106; k++)
		wsum += m->weights[k];
	for (size_t a = 0; a < 21; a++)
		fsum += m->fi[10 * 21 + a];
	ck_assert_double_eq_tol(wsum, m->meff, 1e-4);
	ck_assert_double_eq_tol(fsum, 1.0, 1e-5);
	/* written back in plmc's layout, through a plmem model file: plmc's file byte for byte */
	char back[256];
	tmp_name("plmcback", back, sizeof back);
	assert_plmc_round_trip(m, pp, back, 0);
	unlink(back);
	free(F);
	free(G);
	model_destroy(m);
}
END_TEST

/* plmc's own file of a focus alignment with lowercase inserts, sequences it skipped and
 * weights (committed: tests/data/focus_plmc.params, made by plmc from tests/data/focus.a2m with
 * -f FOC_HUMAN -t 0.3 -le 16.0 -lh 0.01 -m 50): everything kept, and written back byte for byte. */
START_TEST(test_plmc_focus_fixture)
{
	char pp[512], back[256];
	plm_model *m = NULL;
	plm_err err;
	ck_assert_int_eq(import_read(src_path("tests/data/focus_plmc.params", pp, sizeof pp), IMPORT_AUTO, NULL, &m, &err),
	                 PLM_OK);
	ck_assert_uint_eq(m->L, 7);
	ck_assert_str_eq(m->refseq, "MKVLWHE");
	static const long num[7] = { 5, 6, 8, 9, 11, 12, 13 }; /* the region starts at 5; inserts counted */
	for (size_t i = 0; i < 7; i++)
		ck_assert_int_eq(m->resnum[i], num[i]);
	ck_assert_uint_eq(m->nseq_in, 34);
	ck_assert_uint_eq(m->nseq, 32);
	ck_assert_uint_eq(m->nweights, 34);
	/* the two sequences plmc skipped (B, X) weigh 0; the focus has 21 neighbours */
	ck_assert(m->weights[32] == 0.0 && m->weights[33] == 0.0);
	ck_assert(m->weights[0] == 1.0 / 21.0);
	ck_assert_double_eq_tol(m->theta, 0.3, 1e-7);
	tmp_name("focusback", back, sizeof back);
	assert_plmc_round_trip(m, pp, back, 0);
	unlink(back);
	model_destroy(m);
}
END_TEST

/* A model that knows no weights nor frequencies exports them as NaN (export_plmc_unknown), and
 * the NaN sections import as not known: the file comes back byte for byte. */
START_TEST(test_plmc_unknown)
{
	char path[256], back[256];
	tmp_name("unk", path, sizeof path);
	tmp_name("unkback", back, sizeof back);
	plm_model *m = make_model(5, "protein", 1, 1), *b = NULL;
	plm_err err;
	ck_assert_uint_eq(export_plmc_unknown(m), EXPORT_UNKNOWN_WEIGHTS | EXPORT_UNKNOWN_FI | EXPORT_UNKNOWN_FIJ);
	ck_assert_int_eq(export_plmc(m, path, &err), PLM_OK);
	size_t n;
	unsigned char *bytes = slurp(path, &n);
	const unsigned char nan32[4] = { 0, 0, 0xc0, 0x7f };
	size_t fi = 40 + 21 + 30 * 4 + 5 + 5 * 4; /* the header, alphabet, neighbours, focus, numbering */
	ck_assert_int_eq(memcmp(bytes + 40 + 21, nan32, 4), 0);
	ck_assert_int_eq(memcmp(bytes + fi, nan32, 4), 0);
	ck_assert_int_eq(import_read(path, IMPORT_AUTO, NULL, &b, &err), PLM_OK);
	ck_assert_ptr_null(b->weights);
	ck_assert_ptr_null(b->fi);
	ck_assert_ptr_null(b->fij);
	ck_assert_uint_eq(export_plmc_unknown(b), export_plmc_unknown(m));
	assert_plmc_round_trip(b, path, back, export_plmc_unknown(m));
	model_destroy(b);
	/* a NaN among numbers is refused, naming it */
	const unsigned char half[4] = { 0, 0, 0, 0x3f };
	memcpy(bytes + fi, half, 4);
	write_bytes(back, bytes, n);
	ck_assert_int_eq(import_read(back, IMPORT_PLMC, NULL, &b, &err), PLM_EFORMAT);
	char want[96];
	snprintf(want, sizeof want, "byte %zu: the frequencies f_i value 2 is not a finite number", fi + 4);
	ck_assert_msg(strstr(err.msg, want) != NULL, "%s", err.msg);
	/* an infinite neighbour count is refused too */
	memcpy(bytes + fi, nan32, 4);
	const unsigned char inf32[4] = { 0, 0, 0x80, 0x7f };
	memcpy(bytes + 40 + 21 + 8, inf32, 4);
	write_bytes(back, bytes, n);
	ck_assert_int_eq(import_read(back, IMPORT_PLMC, NULL, &b, &err), PLM_EFORMAT);
	ck_assert_ptr_nonnull(strstr(err.msg, "byte 69: the sequence weights value 3 is not a finite number"));
	free(bytes);
	model_destroy(m);
	unlink(path);
	unlink(back);
}
END_TEST

START_TEST(test_peer_plmc_potts3)
{
	char pp[512];
	if (shared_path("ref/potts3_plmc.params", pp, sizeof pp) == NULL)
		return;
	plm_model *m = NULL;
	plm_err err;
	ck_assert_int_eq(import_read(pp, IMPORT_PLMC, NULL, &m, &err), PLM_OK);
	ck_assert_uint_eq(m->L, 60);
	ck_assert_uint_eq(m->q, 3);
	ck_assert_str_eq(m->abc.letters, "_^*");
	ck_assert_int_eq(m->abc.gap, -1);
	ck_assert_uint_eq(m->nseq, 500);
	/* a 1-D chain: the 59 best pairs by plmc's score are the 59 neighbours */
	double *F = scores(m, 1, CONTACTS_STORED, 0);
	contacts_pair *p;
	size_t n;
	ck_assert_int_eq(contacts_rank(m, F, 1, &p, &n, &err), PLM_OK);
	ck_assert_uint_eq(n, 60 * 59 / 2);
	for (size_t k = 0; k < 59; k++)
		ck_assert_uint_eq(p[k].j - p[k].i, 1);
	free(p);
	free(F);
	model_destroy(m);
}
END_TEST

START_TEST(test_peer_ccmpred_kunitz)
{
	char pr[512], pm[512];
	if (shared_path("ref/kunitz_small_ccmpred.raw.gz", pr, sizeof pr) == NULL ||
	    shared_path("ref/kunitz_small_ccmpred.mat", pm, sizeof pm) == NULL)
		return;
	plm_model *m = NULL;
	plm_err err;
	ck_assert_int_eq(import_read(pr, IMPORT_AUTO, NULL, &m, &err), PLM_OK);
	ck_assert_uint_eq(m->L, 53);
	ck_assert_str_eq(m->rule, "ccmpred");
	/* the first field line starts -2.24035 -1.30458: CCMpred's A and R */
	ck_assert_float_eq_tol(m->h[alphabet_state(&m->abc, 'A')], -2.24035f, 1e-6f);
	ck_assert_float_eq_tol(m->h[alphabet_state(&m->abc, 'R')], -1.30458f, 1e-6f);
	ck_assert_float_eq(m->h[m->abc.gap], 0.0f);
	/* CCMpred's matrix: the block less its mean over 21 x 21, the norm over the 20 amino
	 * acids, its APC (diagonal in the means, shifted to a least score of 0) */
	double *F = scores(m, 0, CONTACTS_MEAN, 1);
	FILE *fp = fopen(pm, "r");
	double s, worst = 0;
	size_t k = 0;
	while (fscanf(fp, "%lf", &s) == 1) {
		ck_assert_uint_lt(k, 53 * 53);
		double d = fabs(F[k] - s);
		worst = d > worst ? d : worst;
		k++;
	}
	fclose(fp);
	ck_assert_uint_eq(k, 53 * 53);
	ck_assert_double_le(worst, 1e-6); /* CCMpred works in float32 */
	free(F);
	model_destroy(m);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("import");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_plmc_size);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_float64_and_gzip);
	tcase_add_test(tc, test_plmc_malformed);
	tcase_add_test(tc, test_ccmpred_small);
	tcase_add_test(tc, test_peer_plmc_kunitz);
	tcase_add_test(tc, test_plmc_focus_fixture);
	tcase_add_test(tc, test_plmc_unknown);
	tcase_add_test(tc, test_peer_plmc_potts3);
	tcase_add_test(tc, test_peer_ccmpred_kunitz);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
