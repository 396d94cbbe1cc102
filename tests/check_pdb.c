/* check_pdb: the structure reader on hand-made fixtures (tests/data/edge.pdb and its mmCIF twin
 * edge.cif): missing residues, an insertion code, alternate locations, HETATM MSE, water,
 * hydrogens, a second chain and a second model; gzip input; refusals naming the problem. */
#include "check_common.h"

#include <zlib.h>

#include "pdb.h"

/* edge.pdb chain A: residues 1-4, 6 (two locations), 7 (MSE), 8, 10, 10A, 11 */
#define EDGE_SEQ "MGKASMLVWD"

static void check_edge_chain(const pdb_chain *c)
{
	ck_assert_str_eq(c->id, "A");
	ck_assert_uint_eq(c->nres, 10);
	ck_assert_str_eq(c->seq, EDGE_SEQ);
	/* numbering, insertion code and the HETATM residue */
	long num[10] = { 1, 2, 3, 4, 6, 7, 8, 10, 10, 11 };
	for (size_t k = 0; k < 10; k++)
		ck_assert_int_eq(c->res[k].num, num[k]);
	ck_assert_int_eq(c->res[8].icode, 'A');
	ck_assert_int_eq(c->res[7].icode, ' ');
	ck_assert_str_eq(c->res[5].name, "MSE");
	ck_assert_int_eq(c->res[5].het, 1);
	ck_assert_ptr_nonnull(pdb_find_atom(c, &c->res[5], "SE"));
	/* glycine has no CB; the lysine's two hydrogens were dropped */
	ck_assert_ptr_null(pdb_find_atom(c, &c->res[1], "CB"));
	ck_assert_uint_eq(c->res[2].natom, 6);
	ck_assert_ptr_null(pdb_find_atom(c, &c->res[2], "HA"));
	/* SER 6: location B (occupancy 0.60) replaced A (0.40): CB at z = 5 */
	const pdb_atom *cb = pdb_find_atom(c, &c->res[4], "CB");
	ck_assert_ptr_nonnull(cb);
	ck_assert_double_eq_tol(cb->z, 5.0, 1e-9);
	ck_assert_double_eq_tol(cb->occ, 0.60, 1e-9);
	ck_assert_uint_eq(c->res[4].natom, 6);
	/* the first model only: residue 1's CA at the origin (model 2 is 30 A up) */
	const pdb_atom *ca = pdb_find_atom(c, &c->res[0], "CA");
	ck_assert_double_eq_tol(ca->z, 0.0, 1e-9);
	ck_assert_uint_eq(c->counts.altloc_skipped, 2);
	ck_assert_uint_eq(c->counts.het_kept, 1);
	ck_assert_uint_eq(c->counts.het_skipped, 1);
	ck_assert_uint_eq(c->counts.models_skipped, 1);
	ck_assert_uint_eq(c->counts.hydrogens, 2);
}

START_TEST(test_edge_pdb)
{
	char buf[4096];
	pdb_chain *c;
	plm_err err;
	ck_assert_int_eq(pdb_read_chain(src_path("tests/data/edge.pdb", buf, sizeof buf), "A", &c, &err), PLM_OK);
	check_edge_chain(c);
	pdb_chain_destroy(c);
	/* no chain named: the first chain with amino acids */
	ck_assert_int_eq(pdb_read_chain(buf, NULL, &c, &err), PLM_OK);
	check_edge_chain(c);
	pdb_chain_destroy(c);
	ck_assert_int_eq(pdb_read_chain(buf, "B", &c, &err), PLM_OK);
	ck_assert_str_eq(c->seq, "AG");
	ck_assert_double_eq_tol(pdb_find_atom(c, &c->res[0], "CA")->z, 20.0, 1e-9);
	pdb_chain_destroy(c);
}
END_TEST

START_TEST(test_edge_cif)
{
	char buf[4096];
	pdb_chain *c, *p;
	plm_err err;
	ck_assert_int_eq(pdb_read_chain(src_path("tests/data/edge.cif", buf, sizeof buf), "A", &c, &err), PLM_OK);
	check_edge_chain(c);
	ck_assert_int_eq(pdb_read_chain(src_path("tests/data/edge.pdb", buf, sizeof buf), "A", &p, &err), PLM_OK);
	ck_assert_uint_eq(c->natom, p->natom);
	for (size_t k = 0; k < c->natom; k++) {
		ck_assert_str_eq(c->atoms[k].name, p->atoms[k].name);
		ck_assert_double_eq_tol(c->atoms[k].x, p->atoms[k].x, 1e-9);
		ck_assert_double_eq_tol(c->atoms[k].y, p->atoms[k].y, 1e-9);
		ck_assert_double_eq_tol(c->atoms[k].z, p->atoms[k].z, 1e-9);
	}
	pdb_chain_destroy(c);
	pdb_chain_destroy(p);
}
END_TEST

START_TEST(test_gzip)
{
	char buf[4096], gzpath[4096];
	size_t n;
	unsigned char *text = slurp(src_path("tests/data/edge.pdb", buf, sizeof buf), &n);
	snprintf(gzpath, sizeof gzpath, "%s/check_pdb.%d.pdb.gz", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp",
	         (int)getpid());
	gzFile gz = gzopen(gzpath, "wb");
	ck_assert_ptr_nonnull(gz);
	ck_assert_int_eq(gzwrite(gz, text, (unsigned)n), (int)n);
	gzclose(gz);
	pdb_chain *c;
	plm_err err;
	ck_assert_int_eq(pdb_read_chain(gzpath, "A", &c, &err), PLM_OK);
	check_edge_chain(c);
	pdb_chain_destroy(c);
	unlink(gzpath);
	free(text);
}
END_TEST

START_TEST(test_refusals)
{
	char buf[4096], path[4096];
	pdb_chain *c = NULL;
	plm_err err;
	/* an absent chain: the message lists the chains there are */
	ck_assert_int_eq(pdb_read_chain(src_path("tests/data/edge.pdb", buf, sizeof buf), "Z", &c, &err), PLM_EFORMAT);
	ck_assert_ptr_null(c);
	ck_assert_ptr_nonnull(strstr(err.msg, "no chain 'Z'"));
	ck_assert_ptr_nonnull(strstr(err.msg, "A, B"));
	/* not a structure */
	tmp_text_file("check_pdb", ">seq\nACDE\n", path, sizeof path);
	ck_assert_int_eq(pdb_read_chain(path, NULL, &c, &err), PLM_EFORMAT);
	ck_assert_ptr_nonnull(strstr(err.msg, "no ATOM records"));
	unlink(path);
	/* a coordinate that is not a number: file and line */
	tmp_text_file("check_pdb",
	              "HEADER    X\n"
	              "ATOM      1  CA  ALA A   1       0.000   0.000   0.000  1.00  0.00           C\n"
	              "ATOM      2  CA  GLY A   2       3.800   x.000   0.000  1.00  0.00           C\n",
	              path, sizeof path);
	ck_assert_int_eq(pdb_read_chain(path, NULL, &c, &err), PLM_EFORMAT);
	ck_assert_ptr_nonnull(strstr(err.msg, ":3: coordinate 'x.000'"));
	unlink(path);
	/* a chain of water only */
	tmp_text_file("check_pdb", "HETATM    1  O   HOH W   1       0.000   0.000   0.000  1.00  0.00           O\n"
	              "ATOM      2  CA  ALA A   1       0.000   0.000   0.000  1.00  0.00           C\n", path, sizeof path);
	ck_assert_int_eq(pdb_read_chain(path, "W", &c, &err), PLM_EFORMAT);
	ck_assert_ptr_nonnull(strstr(err.msg, "holds no amino acid"));
	unlink(path);
	ck_assert_int_eq(pdb_read_chain("/nonexistent/x.pdb", "A", &c, &err), PLM_EIO);
}
END_TEST

START_TEST(test_codes)
{
	ck_assert_int_eq(pdb_res_code("MSE"), 'M');
	ck_assert_int_eq(pdb_res_code("TRP"), 'W');
	ck_assert_int_eq(pdb_res_code("HOH"), '\0');
	ck_assert_int_eq(pdb_res_code("DA"), '\0');
}
END_TEST

/* Every shared structure reads, and the chains hold the residues the truth maps name. */
START_TEST(test_shared)
{
	const char *files[] = { "pdb/bpti.pdb", "pdb/1RX2.pdb", "pdb/1FQG.pdb", "pdb/5P21.pdb" };
	const char *chains[] = { "I", "A", "A", "A" };
	const size_t min_res[] = { 56, 159, 263, 166 };
	for (size_t k = 0; k < 4; k++) {
		char buf[4096];
		const char *p = shared_path(files[k], buf, sizeof buf);
		if (p == NULL)
			continue;
		pdb_chain *c;
		plm_err err;
		ck_assert_msg(pdb_read_chain(p, chains[k], &c, &err) == PLM_OK, "%s", err.msg);
		ck_assert_uint_ge(c->nres, min_res[k]);
		pdb_chain_destroy(c);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pdb");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_edge_pdb);
	tcase_add_test(tc, test_edge_cif);
	tcase_add_test(tc, test_gzip);
	tcase_add_test(tc, test_refusals);
	tcase_add_test(tc, test_codes);
	tcase_add_test(tc, test_shared);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
