/* check_pair: species keys and the pairing of two small alignments counted by hand. */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_common.h"
#include "pair.h"

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	static char buf[8192];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Two alignments in temporary files and the output path beside them. */
typedef struct fixture {
	char a[512], b[512], out[600];
} fixture;

static void fixture_make(fixture *f, const char *text_a, const char *text_b)
{
	tmp_text_file("pairA", text_a, f->a, sizeof f->a);
	tmp_text_file("pairB", text_b, f->b, sizeof f->b);
	snprintf(f->out, sizeof f->out, "%s.out.fa", f->a);
}

static void fixture_done(const fixture *f)
{
	unlink(f->out);
	unlink(f->a);
	unlink(f->b);
}

START_TEST(test_species)
{
	char b[256];
	const char *up = "Tryptophan synthase OS=Escherichia coli (strain K12) OX=83333 GN=trpA PE=1 SV=1";
	ck_assert_int_eq(pair_species("sp|P0A877|TRPA_ECOLI", up, PAIR_KEY_OX, b, sizeof b), 1);
	ck_assert_str_eq(b, "83333");
	ck_assert_int_eq(pair_species("x", up, PAIR_KEY_OS, b, sizeof b), 1);
	ck_assert_str_eq(b, "Escherichia coli (strain K12)");
	ck_assert_int_eq(pair_species("sp|P0A877|TRPA_ECOLI", up, PAIR_KEY_NAME, b, sizeof b), 1);
	ck_assert_str_eq(b, "ECOLI");
	ck_assert_int_eq(pair_species("TRPA_ECOLI/1-200", "", PAIR_KEY_NAME, b, sizeof b), 1);
	ck_assert_str_eq(b, "ECOLI");
	/* UniRef */
	const char *ur = "Protein n=2 Tax=Bacillus subtilis TaxID=1423 RepID=X_BACSU";
	ck_assert_int_eq(pair_species("UniRef100_P1", ur, PAIR_KEY_OX, b, sizeof b), 1);
	ck_assert_str_eq(b, "1423");
	ck_assert_int_eq(pair_species("UniRef100_P1", ur, PAIR_KEY_OS, b, sizeof b), 1);
	ck_assert_str_eq(b, "Bacillus subtilis");
	/* none, and malformed; a tag inside a word is not a field */
	ck_assert_int_eq(pair_species("s1", "BOX=5", PAIR_KEY_OX, b, sizeof b), 0);
	ck_assert_int_eq(pair_species("s1", "", PAIR_KEY_NAME, b, sizeof b), 0);
	ck_assert_int_eq(pair_species("_ECOLI", "", PAIR_KEY_NAME, b, sizeof b), 0);
	ck_assert_int_eq(pair_species("TRPA_/1-5", "", PAIR_KEY_NAME, b, sizeof b), 0);
	ck_assert_int_eq(pair_species("s1", "OX=12x", PAIR_KEY_OX, b, sizeof b), -1);
	ck_assert_int_eq(pair_species("s1", "OS= OX=5", PAIR_KEY_OS, b, sizeof b), -1);
}
END_TEST

/* A: focus (gap in column 5), a paralogue of the focus's species, two BACSU (the second more
 * identical), one YEAST, one without OX, one MYCTU (absent from B).  B: focus, BACSU, two
 * YEAST (the second more identical), HUMAN (absent from A).  Counted by hand:
 *   A: 7 = focus 1 + no key 1 (X5) + lost 2 (X1 to the focus, X2 to X3) + unpaired 1 (X6)
 *        + paired 2 (X3, X4);
 *   B: 5 = focus 1 + lost 1 (Y2 to Y3) + unpaired 1 (Y4) + paired 2 (Y1, Y3). */
static const char *fa_a =
	">TRPA_ECOLI/1-5 Tryptophan synthase OS=Escherichia coli (strain K12) OX=83333 GN=trpA\n"
	"ACDE-F\n"
	">X1_ECOLI OS=Escherichia coli OX=83333\nACDEGG\n"
	">X2_BACSU OS=Bacillus subtilis OX=1423\nACGGAF\n"
	">X3_BACSU OS=Bacillus subtilis OX=1423\nACDGAF\n"
	">X4_YEAST OS=Saccharomyces OX=4932\nAAAAAA\n"
	">X5_NOKEY nothing here\nACDEAF\n"
	">X6_MYCTU OS=Mycobacterium tuberculosis OX=1773\nWWWWWW\n";
static const char *fa_b =
	">TRPB_ECOLI OS=Escherichia coli (strain K12) OX=83333\nMKLV\n"
	">Y1_BACSU OS=Bacillus subtilis OX=1423\nMKLA\n"
	">Y2_YEAST OS=Saccharomyces OX=4932\nMKAA\n"
	">Y3_YEAST OS=Saccharomyces OX=4932\nMKLX\n"
	">Y4_HUMAN OS=Homo sapiens OX=9606\nMMMM\n";

START_TEST(test_build)
{
	fixture f;
	fixture_make(&f, fa_a, fa_b);
	pair_result r;
	plm_err err;
	ck_assert_int_eq(pair_build(f.a, f.b, PAIR_KEY_AUTO, f.out, &r, &err), PLM_OK);
	ck_assert_int_eq(r.key, PAIR_KEY_OX);
	ck_assert_uint_eq(r.rows, 3);
	ck_assert_uint_eq(r.boundary, 6);
	const pair_side *a = &r.side[0], *b = &r.side[1];
	ck_assert_uint_eq(a->nin, 7);
	ck_assert_uint_eq(a->cols_in, 6);
	ck_assert_uint_eq(a->cols, 5);
	ck_assert_uint_eq(a->no_key, 1);
	ck_assert_uint_eq(a->lost, 2);
	ck_assert_uint_eq(a->unpaired, 1);
	ck_assert_uint_eq(a->focus_species, 0);
	ck_assert_uint_eq(a->paired, 2);
	ck_assert_uint_eq(b->nin, 5);
	ck_assert_uint_eq(b->no_key, 0);
	ck_assert_uint_eq(b->lost, 1);
	ck_assert_uint_eq(b->unpaired, 1);
	ck_assert_uint_eq(b->paired, 2);
	ck_assert_uint_eq(b->unknown_gap, 1);
	ck_assert_str_eq(read_text(f.out), ">TRPA_ECOLI+TRPB_ECOLI segments=6 key=ox\nACDEFMKLV\n"
	                             ">X3_BACSU+Y1_BACSU OX=1423\nACDGFMKLA\n"
	                             ">X4_YEAST+Y3_YEAST OX=4932\nAAAAAMKL-\n");
	/* by name: X5_NOKEY now has a key (NOKEY, absent from B): 0 without, 2 unpaired */
	ck_assert_int_eq(pair_build(f.a, f.b, PAIR_KEY_NAME, f.out, &r, &err), PLM_OK);
	ck_assert_uint_eq(r.side[0].no_key, 0);
	ck_assert_uint_eq(r.side[0].unpaired, 2);
	ck_assert_uint_eq(r.rows, 3);
	fixture_done(&f);
}
END_TEST

/* Foci of different species: B's ECOLI best hit would repeat A's focus (the first row stands
 * for ECOLI), A's BACSU best hit would repeat B's focus. */
START_TEST(test_focus_species)
{
	fixture f;
	fixture_make(&f, ">A0_ECOLI\nAAAA\n>A1_BACSU\nAAAC\n>A2_YEAST\nAACC\n",
	             ">B0_BACSU\nCCC\n>B1_ECOLI\nCCA\n>B2_YEAST\nCAA\n>B3_YEAST\nCCA\n");
	pair_result r;
	plm_err err;
	ck_assert_int_eq(pair_build(f.a, f.b, PAIR_KEY_AUTO, f.out, &r, &err), PLM_OK);
	ck_assert_int_eq(r.key, PAIR_KEY_NAME);
	ck_assert_uint_eq(r.side[0].focus_species, 1);
	ck_assert_uint_eq(r.side[1].focus_species, 1);
	ck_assert_uint_eq(r.side[1].lost, 1);
	ck_assert_str_eq(read_text(f.out), ">A0_ECOLI+B0_BACSU segments=5 key=name\nAAAACCC\n"
	                             ">A2_YEAST+B3_YEAST species=YEAST\nAACCCCA\n");
	fixture_done(&f);
}
END_TEST

/* Stockholm: the #=GS DE lines hold the headers. */
START_TEST(test_stockholm)
{
	fixture f;
	fixture_make(&f, "# STOCKHOLM 1.0\n#=GS q/1-4 DE focus OX=7\n#=GS h1 DE hit OX=9\n"
	             "q/1-4 ACDE\nh1    ACDD\nh2    ACDD\n//\n", ">p OX=7\nKL\n>r OX=9\nKM\n");
	pair_result r;
	plm_err err;
	ck_assert_int_eq(pair_build(f.a, f.b, PAIR_KEY_OX, f.out, &r, &err), PLM_OK);
	ck_assert_uint_eq(r.side[0].no_key, 1);
	ck_assert_str_eq(read_text(f.out), ">q+p segments=5 key=ox\nACDEKL\n>h1+r OX=9\nACDDKM\n");
	fixture_done(&f);
}
END_TEST

START_TEST(test_refusals)
{
	fixture f;
	fixture_make(&f, ">q OX=7\nACDE\n>h OX=9\nACDD\n>g OX=9b\nACDD\n",
	             ">p OX=7\nKL\n>r OX=8\nKM\n");
	pair_result r;
	plm_err err;
	ck_assert_int_eq(pair_build(f.a, f.b, PAIR_KEY_OX, f.out, &r, &err), PLM_EFORMAT);
	ck_assert_ptr_nonnull(strstr(err.msg, ":5: sequence 'g': the taxon id '9b' is not a number"));
	ck_assert_int_eq(access(f.out, F_OK), -1);
	/* no species in common but the foci's */
	ck_assert_int_eq(pair_build(f.b, f.b, PAIR_KEY_NAME, f.out, &r, &err), PLM_EINVAL);
	ck_assert_ptr_nonnull(strstr(err.msg, "no species in common by the name key"));
	ck_assert_int_eq(access(f.out, F_OK), -1);
	fixture_done(&f);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pair");
	TCase *tc = tcase_create("core");
	tcase_add_test(tc, test_species);
	tcase_add_test(tc, test_build);
	tcase_add_test(tc, test_focus_species);
	tcase_add_test(tc, test_stockholm);
	tcase_add_test(tc, test_refusals);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
