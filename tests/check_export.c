/* check_export: the .npy header bytes (checked by hand against the .npy v1.0 layout), the
 * .npy payload, and the text export read back to the same floats in the user's numbering. */
#include "check_common.h"

#include <stdint.h>
#include <unistd.h>

#include "export.h"
#include "model.h"
#include "rng.h"

static plm_model *make_model(size_t L, const char *abc, int focus)
{
	plm_model *m;
	plm_err err;
	plm_alphabet a;
	ck_assert_int_eq(alphabet_init(&a, abc, &err), PLM_OK);
	ck_assert_int_eq(model_create(L, a.q, &m, &err), PLM_OK);
	m->abc = a;
	plm_rng r;
	rng_seed(&r, 7, 1);
	for (size_t k = 0; k < L * a.q; k++)
		m->h[k] = (float)rng_normal(&r);
	for (size_t i = 0; i < L; i++)
		for (size_t j = 0; j < L; j++)
			if (i != j)
				for (size_t k = 0; k < a.q * a.q; k++)
					model_J(m, i, j)[k] = (float)(rng_normal(&r) * 1e-3);
	m->ncol_in = L + 10;
	for (size_t i = 0; i < L; i++)
		m->col[i] = 2 * i + 1;
	if (focus) {
		m->resnum = calloc(L, sizeof *m->resnum);
		for (size_t i = 0; i < L; i++)
			m->resnum[i] = 100 + (long)i;
		m->focus = strdup("F");
	}
	return m;
}

START_TEST(test_npy_header)
{
	char buf[256];
	/* dict "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 21), }" is 60 bytes;
	 * 10 + 60 + 1 (newline) = 71, padded with spaces to 128: header length 118 = 0x76 */
	size_t sh[4] = { 3, 21, 0, 0 };
	size_t n = export_npy_header(sh, 2, buf, sizeof buf);
	ck_assert_uint_eq(n, 128);
	const unsigned char want[10] = { 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, 0x76, 0 };
	ck_assert_int_eq(memcmp(buf, want, 10), 0);
	const char *dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 21), }";
	ck_assert_int_eq(memcmp(buf + 10, dict, 60), 0);
	for (size_t k = 70; k < 127; k++)
		ck_assert_int_eq(buf[k], ' ');
	ck_assert_int_eq(buf[127], '\n');
	/* 4-d: "(3, 3, 21, 21)" makes the dict 67 bytes: 78 -> 128 */
	size_t sj[4] = { 3, 3, 21, 21 };
	ck_assert_uint_eq(export_npy_header(sj, 4, buf, sizeof buf), 128);
	ck_assert_int_eq(memcmp(buf + 10, "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 3, 21, 21), }", 67), 0);
	ck_assert_int_eq(buf[77], ' ');
	/* 1-d needs the tuple comma "(5,)" */
	size_t s1[1] = { 5 };
	ck_assert_uint_eq(export_npy_header(s1, 1, buf, sizeof buf), 128);
	ck_assert_int_eq(memcmp(buf + 10 + 50, "(5,), }", 7), 0);
	/* a long shape crosses 64-byte boundaries: 10 + 81 + 1 = 92 -> 128; too small a buffer -> 0 */
	size_t big[4] = { 1000, 1000, 1000000, 1000000 };
	n = export_npy_header(big, 4, buf, sizeof buf);
	ck_assert_uint_eq(n % 64, 0);
	ck_assert_uint_eq((unsigned char)buf[8] + 256u * (unsigned char)buf[9], n - 10);
	ck_assert_uint_eq(export_npy_header(sh, 2, buf, 100), 0);
}
END_TEST

static float le_float(const unsigned char *p)
{
	uint32_t u = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	float f;
	memcpy(&f, &u, 4);
	return f;
}

START_TEST(test_npy_files)
{
	char dir[] = "/tmp/check_export.XXXXXX", prefix[128], path[160];
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(prefix, sizeof prefix, "%s/m", dir);
	plm_model *m = make_model(4, "protein", 0);
	plm_err err;
	ck_assert_int_eq(export_npy(m, prefix, &err), PLM_OK);
	size_t n;
	snprintf(path, sizeof path, "%s_h.npy", prefix);
	unsigned char *b = slurp(path, &n);
	ck_assert_uint_eq(n, 128 + 4 * 4 * 21);
	ck_assert_int_eq(memcmp(b + 10, "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 21), }", 60), 0);
	for (size_t k = 0; k < 4 * 21; k++)
		ck_assert(le_float(b + 128 + 4 * k) == m->h[k]);
	free(b);
	unlink(path);
	snprintf(path, sizeof path, "%s_J.npy", prefix);
	b = slurp(path, &n);
	ck_assert_uint_eq(n, 128 + 4 * 16 * 441);
	/* J[i=2, j=1, a=5, b=7] at C-order offset ((2*4 + 1)*21 + 5)*21 + 7 */
	size_t off = ((2 * 4 + 1) * 21 + 5) * 21 + 7;
	ck_assert(le_float(b + 128 + 4 * off) == model_J(m, 2, 1)[5 * 21 + 7]);
	ck_assert(le_float(b + 128 + 4 * off) != 0.0f);
	for (size_t k = 0; k < 16 * 441; k++)
		ck_assert(le_float(b + 128 + 4 * k) == m->J[k]);
	free(b);
	unlink(path);
	rmdir(dir);
	model_destroy(m);
}
END_TEST

/* Parse the text export back into a zeroed model of the same shape. */
static void read_text(FILE *fp, const plm_model *m, plm_model *back, size_t *nh, size_t *nj)
{
	char line[4096];
	*nh = *nj = 0;
	while (fgets(line, sizeof line, fp)) {
		if (line[0] == '#')
			continue;
		char *tok = strtok(line, "\t\n");
		ck_assert_ptr_nonnull(tok);
		long ui = strtol(strtok(NULL, "\t\n"), NULL, 10);
		size_t i = m->L, j = m->L;
		for (size_t k = 0; k < m->L; k++)
			if (model_user_index(m, k) == ui)
				i = k;
		ck_assert_uint_lt(i, m->L);
		float *dst;
		if (strcmp(tok, "h") == 0) {
			dst = back->h + i * m->q;
			(*nh)++;
		} else {
			ck_assert_str_eq(tok, "J");
			long uj = strtol(strtok(NULL, "\t\n"), NULL, 10);
			for (size_t k = 0; k < m->L; k++)
				if (model_user_index(m, k) == uj)
					j = k;
			ck_assert_uint_lt(j, m->L);
			ck_assert_uint_ne(i, j);
			char *a = strtok(NULL, "\t\n");
			ck_assert_uint_eq(strlen(a), 1);
			int s = alphabet_state(&m->abc, (unsigned char)a[0]);
			ck_assert_int_ge(s, 0);
			dst = model_J(back, i, j) + (size_t)s * m->q;
			(*nj)++;
		}
		for (size_t b = 0; b < m->q; b++) {
			char *v = strtok(NULL, "\t\n");
			ck_assert_ptr_nonnull(v);
			dst[b] = strtof(v, NULL);
		}
		ck_assert_ptr_null(strtok(NULL, "\t\n"));
	}
}

START_TEST(test_text_round_trip)
{
	for (int variant = 0; variant < 2; variant++) {
		plm_model *m = make_model(5, variant ? "binary" : "protein", variant), *back;
		plm_err err;
		ck_assert_int_eq(model_create(m->L, m->q, &back, &err), PLM_OK);
		FILE *fp = tmpfile();
		ck_assert_int_eq(export_text(m, "x.plm", fp, &err), PLM_OK);
		rewind(fp);
		size_t nh, nj;
		read_text(fp, m, back, &nh, &nj);
		fclose(fp);
		ck_assert_uint_eq(nh, 5);
		ck_assert_uint_eq(nj, 5 * 4 * m->q);
		ck_assert_int_eq(memcmp(m->h, back->h, 5 * m->q * sizeof(float)), 0);
		ck_assert_int_eq(memcmp(m->J, back->J, 25 * m->q * m->q * sizeof(float)), 0);
		model_destroy(back);
		model_destroy(m);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("export");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_npy_header);
	tcase_add_test(tc, test_npy_files);
	tcase_add_test(tc, test_text_round_trip);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
