/* check_msa: the alignment reader: every shared alignment's dimensions, each format on small
 * hand-made files (wrapped lines, gzip, stdin), focus map and residue numbers, unknown-letter
 * policies, and the column map through the gap filters. */
#include "check_common.h"

#include <unistd.h>
#include <zlib.h>

#include "msa.h"

/* Write TEXT to a fresh temporary file (gzip-compressed when GZ); returns its path. */
static const char *tmp_file(const char *text, int gz, char *buf, size_t n)
{
	if (!gz)
		return tmp_text_file("check_msa", text, buf, n);
	snprintf(buf, n, "%s/check_msa.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	int fd = mkstemp(buf);
	ck_assert_int_ge(fd, 0);
	gzFile g = gzdopen(fd, "wb");
	ck_assert_ptr_nonnull(g);
	ck_assert_int_eq(gzwrite(g, text, (unsigned)strlen(text)), (int)strlen(text));
	ck_assert_int_eq(gzclose(g), Z_OK);
	return buf;
}

/* Read TEXT with options O (NULL: defaults); returns the msa or NULL (message in ERR). */
static msa *read_text(const char *text, const msa_opts *o, plm_err *err)
{
	char path[256];
	msa *m = NULL;
	tmp_file(text, 0, path, sizeof path);
	msa_read(path, o, &m, err);
	unlink(path);
	return m;
}

/* Row S of M written with the alphabet's letters. */
static const char *row_str(const msa *m, size_t s, char *buf)
{
	for (size_t i = 0; i < m->L; i++)
		buf[i] = alphabet_letter(&m->abc, m->seq[s * m->L + i]);
	buf[m->L] = '\0';
	return buf;
}

struct dims {
	const char *file, *alphabet, *focus;
	msa_format format;
	size_t nin, ncol, n, L;
};

START_TEST(test_shared_dimensions)
{
	static const struct dims t[] = {
		{ "msa/kunitz_PF00014.fasta.gz", NULL, NULL, MSA_FORMAT_FASTA, 13600, 53, 13600, 53 },
		{ "msa/kunitz_PF00014_inserts.a2m", NULL, NULL, MSA_FORMAT_A2M, 4915, 53, 4909, 53 },
		{ "msa/kunitz_small.fasta.gz", NULL, NULL, MSA_FORMAT_FASTA, 106, 53, 106, 53 },
		{ "msa/dhfr.a2m", NULL, NULL, MSA_FORMAT_FASTA, 3629, 171, 3616, 171 },
		{ "msa/dhfr.a2m", NULL, "DYR_ECOLI", MSA_FORMAT_FASTA, 3629, 171, 3616, 159 },
		{ "msa/betalactamase_PF13354.fasta", NULL, NULL, MSA_FORMAT_FASTA, 5028, 202, 5028, 202 },
		{ "msa/ras_PF00071.fasta", NULL, NULL, MSA_FORMAT_FASTA, 999, 161, 999, 161 },
		{ "msa/ras_PF00071.fasta", NULL, "RASH_HUMAN", MSA_FORMAT_FASTA, 999, 161, 999, 159 },
		{ "msa/fn3.sto", NULL, NULL, MSA_FORMAT_STOCKHOLM, 98, 117, 98, 117 },
		{ "msa/Pkinase.sto", NULL, NULL, MSA_FORMAT_STOCKHOLM, 38, 419, 38, 419 },
		{ "msa/globins4.sto", NULL, NULL, MSA_FORMAT_STOCKHOLM, 4, 171, 4, 171 },
		{ "msa/RRM_1.sto.gz", NULL, NULL, MSA_FORMAT_STOCKHOLM, 79, 80, 79, 80 },
		{ "msa/cys_knot.sto", NULL, NULL, MSA_FORMAT_STOCKHOLM, 24, 112, 24, 112 },
		{ "msa/d1nz0a_.a3m", NULL, NULL, MSA_FORMAT_A3M, 9, 109, 9, 109 },
		{ "msa/potts3.a2m", "_^*", NULL, MSA_FORMAT_FASTA, 500, 60, 500, 60 },
		{ "contacts/ras_PF00071_freecontact.psicov", NULL, NULL, MSA_FORMAT_LINES, 999, 159, 999, 159 },
	};
	char buf[4096];
	if (shared_path("msa", buf, sizeof buf) == NULL)
		return;
	for (size_t k = 0; k < sizeof t / sizeof t[0]; k++) {
		msa_opts o;
		msa_opts_default(&o);
		o.alphabet = t[k].alphabet;
		o.focus = t[k].focus;
		plm_err err = { 0 };
		msa *m = NULL;
		ck_assert_ptr_nonnull(shared_path(t[k].file, buf, sizeof buf));
		ck_assert_msg(msa_read(buf, &o, &m, &err) == PLM_OK, "%s: %s", t[k].file, err.msg);
		ck_assert_msg(m->format == t[k].format, "%s: format %s", t[k].file, msa_format_name(m->format));
		ck_assert_msg(m->nin == t[k].nin && m->ncol_in == t[k].ncol && m->n == t[k].n && m->L == t[k].L,
		              "%s: %zu x %zu, kept %zu x %zu", t[k].file, m->nin, m->ncol_in, m->n, m->L);
		msa_destroy(m);
	}
}
END_TEST

START_TEST(test_ras_focus_numbering)
{
	char buf[4096];
	if (shared_path("msa/ras_PF00071.fasta", buf, sizeof buf) == NULL)
		return;
	msa_opts o;
	msa_opts_default(&o);
	o.focus = "RASH_HUMAN";
	plm_err err = { 0 };
	msa *m = NULL;
	ck_assert_int_eq(msa_read(buf, &o, &m, &err), PLM_OK);
	ck_assert_str_eq(m->focus, "RASH_HUMAN/5-165");
	ck_assert_ptr_nonnull(m->resnum);
	/* 161 residues 5..165, two of them lowercase (not modelled) */
	ck_assert_int_eq(m->resnum[0], 5);
	ck_assert_int_eq(m->resnum[m->L - 1], 164);
	for (size_t i = 1; i < m->L; i++)
		ck_assert(m->resnum[i] > m->resnum[i - 1] && m->col[i] > m->col[i - 1]);
	/* the benchmark's PSICOV file holds the same focus row and the same columns up to the
	 * focus's first lowercase residue (raw column 101); after it, that file shifts every row
	 * without an insert there by one column, the focus cut does not */
	msa *p = NULL;
	ck_assert_ptr_nonnull(shared_path("contacts/ras_PF00071_freecontact.psicov", buf, sizeof buf));
	msa_opts_default(&o);
	ck_assert_int_eq(msa_read(buf, &o, &p, &err), PLM_OK);
	ck_assert_uint_eq(p->n, m->n);
	ck_assert_uint_eq(p->L, m->L);
	ck_assert_int_eq(memcmp(p->seq, m->seq, m->L), 0);
	ck_assert_uint_eq(m->col[100], 100);
	ck_assert_uint_eq(m->col[101], 102);
	for (size_t s = 0; s < m->n; s++)
		ck_assert_int_eq(memcmp(p->seq + s * p->L, m->seq + s * m->L, 101), 0);
	msa_destroy(p);
	msa_destroy(m);
}
END_TEST

START_TEST(test_dhfr_focus)
{
	char buf[4096];
	if (shared_path("msa/dhfr.a2m", buf, sizeof buf) == NULL)
		return;
	msa_opts o;
	msa_opts_default(&o);
	o.focus = "DYR_ECOLI";
	plm_err err = { 0 };
	msa *m = NULL;
	ck_assert_int_eq(msa_read(buf, &o, &m, &err), PLM_OK);
	for (size_t i = 0; i < m->L; i++)
		ck_assert_int_eq(m->resnum[i], (long)i + 1);
	size_t dropped = 0;
	for (size_t k = 0; k < m->nin; k++)
		dropped += m->in_status[k] == MSA_DROP_UNKNOWN;
	ck_assert_uint_eq(dropped, 13);
	ck_assert_uint_eq(m->in_index[0], 0);
	msa_destroy(m);
	/* gap policy keeps them all */
	o.unknown = MSA_UNKNOWN_GAP;
	ck_assert_int_eq(msa_read(buf, &o, &m, &err), PLM_OK);
	ck_assert_uint_eq(m->n, 3629);
	msa_destroy(m);
	o.unknown = MSA_UNKNOWN_REJECT;
	ck_assert_int_eq(msa_read(buf, &o, &m, &err), PLM_EFORMAT);
	ck_assert_ptr_null(m);
	ck_assert_ptr_nonnull(strstr(err.msg, "letter 'X'"));
}
END_TEST

START_TEST(test_fasta_wrapped_lowercase)
{
	plm_err err = { 0 };
	char r[64];
	/* wrapped, CRLF, blank lines; equal raw rows: lowercase is an ordinary residue */
	msa *m = read_text(">a desc\r\nAC\r\nde\r\n\r\n>b\nACDF\n>c\n--D.\n", NULL, &err);
	ck_assert_msg(m != NULL, "%s", err.msg);
	ck_assert_int_eq(m->format, MSA_FORMAT_FASTA);
	ck_assert_uint_eq(m->n, 3);
	ck_assert_uint_eq(m->L, 4);
	ck_assert_str_eq(m->in_names[0], "a");
	ck_assert_str_eq(row_str(m, 0, r), "ACDE");
	ck_assert_str_eq(row_str(m, 2, r), "--D-");
	ck_assert_ptr_null(m->resnum);
	msa_destroy(m);
}
END_TEST

START_TEST(test_a2m_a3m)
{
	plm_err err = { 0 };
	char r[64];
	msa *m = read_text(">a\nAcDE\n>b\nA.DF\n", NULL, &err);
	ck_assert_msg(m != NULL, "%s", err.msg);
	ck_assert_int_eq(m->format, MSA_FORMAT_A2M);
	ck_assert_uint_eq(m->L, 3);
	ck_assert_str_eq(row_str(m, 1, r), "ADF");
	msa_destroy(m);
	m = read_text(">a\nAcDE\n>b\nADkkF\n>c\nA-E\n", NULL, &err);
	ck_assert_msg(m != NULL, "%s", err.msg);
	ck_assert_int_eq(m->format, MSA_FORMAT_A3M);
	ck_assert_uint_eq(m->ncol_in, 3);
	ck_assert_str_eq(row_str(m, 0, r), "ADE");
	ck_assert_str_eq(row_str(m, 1, r), "ADF");
	ck_assert_str_eq(row_str(m, 2, r), "A-E");
	msa_destroy(m);
	/* '#' lines before the first record (HH-suite's "#A3M#") are skipped */
	m = read_text("#A3M#\n>a\nACDE\n>b\nAkkCDF\n", NULL, &err);
	ck_assert_msg(m != NULL, "%s", err.msg);
	ck_assert_int_eq(m->format, MSA_FORMAT_A3M);
	ck_assert_str_eq(row_str(m, 1, r), "ACDF");
	msa_destroy(m);
	/* forced FASTA: the raw rows must then be equal */
	msa_opts o;
	msa_opts_default(&o);
	o.format = MSA_FORMAT_FASTA;
	m = read_text(">a\nAcDE\n>b\nADkkF\n", &o, &err);
	ck_assert_ptr_null(m);
	ck_assert_ptr_nonnull(strstr(err.msg, ":3: sequence 'b' has 5 columns"));
}
END_TEST

START_TEST(test_stockholm)
{
	plm_err err = { 0 };
	char r[64];
	const char *sto =
		"# STOCKHOLM 1.0\n"
		"#=GF ID test\n"
		"#=GS s1 AC P00001\n"
		"\n"
		"s1   AC-D\n"
		"s2   A.CD\n"
		"#=GR s1 SS HHHH\n"
		"#=GC SS_cons HHHH\n"
		"\n"
		"s1   EF\n"
		"s2   EY\n"
		"//\n";
	msa *m = read_text(sto, NULL, &err);
	ck_assert_msg(m != NULL, "%s", err.msg);
	ck_assert_int_eq(m->format, MSA_FORMAT_STOCKHOLM);
	ck_assert_uint_eq(m->n, 2);
	ck_assert_uint_eq(m->L, 6);
	ck_assert_str_eq(row_str(m, 0, r), "AC-DEF");
	ck_assert_str_eq(row_str(m, 1, r), "A-CDEY");
	msa_destroy(m);
	/* no "//" */
	m = read_text("# STOCKHOLM 1.0\ns1 AC\ns2 AD\n", NULL, &err);
	ck_assert_ptr_null(m);
	ck_assert_ptr_nonnull(strstr(err.msg, ":3: missing '//'"));
}
END_TEST

START_TEST(test_lines_binary_numbers)
{
	plm_err err = { 0 };
	msa *m = read_text("ACDE\nAC-E\n", NULL, &err);
	ck_assert_msg(m != NULL, "%s", err.msg);
	ck_assert_int_eq(m->format, MSA_FORMAT_LINES);
	ck_assert_str_eq(m->abc.name, "protein");
	ck_assert_str_eq(m->in_names[1], "2");
	msa_destroy(m);

	m = read_text("# patterns\n0101\n1100\n", NULL, &err);
	ck_assert_msg(m != NULL, "%s", err.msg);
	ck_assert_str_eq(m->abc.name, "binary");
	ck_assert_uint_eq(m->n, 2);
	static const uint8_t want[] = { 0, 1, 0, 1, 1, 1, 0, 0 };
	ck_assert_int_eq(memcmp(m->seq, want, 8), 0);
	msa_destroy(m);

	m = read_text("-+-+\n++--\n", NULL, &err);
	ck_assert_msg(m != NULL, "%s", err.msg);
	ck_assert_str_eq(m->abc.name, "binary");
	ck_assert_int_eq(memcmp(m->seq, want, 8), 0);
	msa_destroy(m);

	m = read_text("-1 +1 -1 1\n1 1 0 -1\n", NULL, &err);
	ck_assert_msg(m != NULL, "%s", err.msg);
	ck_assert_int_eq(m->format, MSA_FORMAT_NUMBERS);
	ck_assert_str_eq(m->abc.name, "binary");
	ck_assert_int_eq(memcmp(m->seq, want, 8), 0);
	msa_destroy(m);

	m = read_text("0 1 2\n", NULL, &err);
	ck_assert_ptr_null(m);
	ck_assert_ptr_nonnull(strstr(err.msg, ":1:5: field 3: '2'"));
}
END_TEST

START_TEST(test_gzip_and_stdin)
{
	const char *text = ">a\nACDE\n>b\nAC\nDF\n";
	char p1[256], p2[256];
	tmp_file(text, 0, p1, sizeof p1);
	tmp_file(text, 1, p2, sizeof p2);
	plm_err err = { 0 };
	msa *a = NULL, *b = NULL, *c = NULL;
	ck_assert_int_eq(msa_read(p1, NULL, &a, &err), PLM_OK);
	ck_assert_int_eq(msa_read(p2, NULL, &b, &err), PLM_OK);
	ck_assert_uint_eq(a->n * a->L, b->n * b->L);
	ck_assert_int_eq(memcmp(a->seq, b->seq, a->n * a->L), 0);
	/* standard input, from the gzipped file */
	int saved = dup(STDIN_FILENO);
	ck_assert_ptr_nonnull(freopen(p2, "rb", stdin));
	int rc = msa_read("-", NULL, &c, &err);
	dup2(saved, STDIN_FILENO);
	close(saved);
	ck_assert_msg(rc == PLM_OK, "%s", err.msg);
	ck_assert_int_eq(memcmp(a->seq, c->seq, a->n * a->L), 0);
	ck_assert_str_eq(c->path, "-");
	msa_destroy(a);
	msa_destroy(b);
	msa_destroy(c);
	/* truncated gzip stream */
	FILE *f = fopen(p2, "rb");
	char gzbuf[256];
	size_t n = fread(gzbuf, 1, sizeof gzbuf, f);
	fclose(f);
	f = fopen(p2, "wb");
	fwrite(gzbuf, 1, n - 10, f);
	fclose(f);
	ck_assert_int_eq(msa_read(p2, NULL, &a, &err), PLM_EFORMAT);
	ck_assert_ptr_nonnull(strstr(err.msg, "gzip"));
	unlink(p1);
	unlink(p2);
}
END_TEST

START_TEST(test_focus_map)
{
	plm_err err = { 0 };
	char r[64];
	msa_opts o;
	msa_opts_default(&o);
	o.focus = "x";
	/* focus x/10-20: A(10) c(11) -(gap) D(12) E(13): keep columns 0, 3, 4 */
	msa *m = read_text(">y\nAAAAA\n>x/10-20\nAc-DE\n", &o, &err);
	ck_assert_msg(m != NULL, "%s", err.msg);
	ck_assert_int_eq(m->format, MSA_FORMAT_FASTA);
	ck_assert_uint_eq(m->L, 3);
	ck_assert_uint_eq(m->col[0], 0);
	ck_assert_uint_eq(m->col[1], 3);
	ck_assert_uint_eq(m->col[2], 4);
	ck_assert_int_eq(m->resnum[0], 10);
	ck_assert_int_eq(m->resnum[1], 12);
	ck_assert_int_eq(m->resnum[2], 13);
	ck_assert_str_eq(row_str(m, 1, r), "ADE");
	ck_assert_str_eq(m->focus, "x/10-20");
	msa_destroy(m);
	/* A3M focus: the inserts of the focus count as residues */
	m = read_text(">x\nAkkDE\n>y\nA-F\n", &o, &err);
	ck_assert_msg(m != NULL, "%s", err.msg);
	ck_assert_int_eq(m->format, MSA_FORMAT_A3M);
	ck_assert_int_eq(m->resnum[0], 1);
	ck_assert_int_eq(m->resnum[1], 4);
	ck_assert_int_eq(m->resnum[2], 5);
	msa_destroy(m);
	o.focus = "nothere";
	m = read_text(">y\nAAAAA\n>x/10-20\nAc-DE\n", &o, &err);
	ck_assert_ptr_null(m);
	ck_assert_ptr_nonnull(strstr(err.msg, "focus sequence 'nothere'"));
}
END_TEST

START_TEST(test_gap_filters_keep_map)
{
	plm_err err = { 0 };
	char r[64];
	msa_opts o;
	msa_opts_default(&o);
	/* column gaps: 0/5, 4/5, 0/5, 1/5, 3/5 over the 5 rows; row e has 4/5 gaps */
	const char *text = ">a\nA-CDE\n>b\nA-CD-\n>c\nAGC-E\n>d\nA-CD-\n>e\nA-C--\n";
	o.max_gap_seq = 0.5; /* drops e (3 of 5 gaps) */
	o.max_gap_col = 0.4; /* over the 4 kept rows: column 1 has 3/4, column 4 has 2/4 */
	msa *m = read_text(text, &o, &err);
	ck_assert_msg(m != NULL, "%s", err.msg);
	ck_assert_uint_eq(m->nin, 5);
	ck_assert_uint_eq(m->n, 4);
	ck_assert_int_eq(m->in_status[4], MSA_DROP_GAPS);
	ck_assert_uint_eq(m->L, 3);
	ck_assert_uint_eq(m->col[0], 0);
	ck_assert_uint_eq(m->col[1], 2);
	ck_assert_uint_eq(m->col[2], 3);
	ck_assert_str_eq(row_str(m, 2, r), "AC-");
	ck_assert_uint_eq(m->in_index[3], 3);
	msa_destroy(m);
	/* everything filtered away */
	o.max_gap_seq = 0.1;
	m = read_text(text, &o, &err);
	ck_assert_ptr_null(m);
	ck_assert_ptr_nonnull(strstr(err.msg, "no sequences left"));
}
END_TEST

/* The filters drop what is above the threshold and keep what is at it: --max-gap-seq 0.5
 * keeps a row with 2 gaps of 4 and drops one with 3; --max-gap-col 0.5 keeps a column with 2
 * gaps of 4 and drops one with 3.  And a line inside a FASTA record is sequence, even when it
 * starts with '#' (only comment lines before the first record are skipped): refused, naming
 * its line. */
START_TEST(test_gap_filter_boundaries)
{
	plm_err err = { 0 };
	msa_opts o;
	msa_opts_default(&o);
	o.max_gap_seq = 0.5;
	msa *m = read_text(">a\nAC--\n>b\nA---\n>c\nACDE\n>d\nACD-\n", &o, &err);
	ck_assert_msg(m != NULL, "%s", err.msg);
	ck_assert_uint_eq(m->n, 3); /* b (3/4) dropped, a (2/4) kept */
	ck_assert_int_eq(m->in_status[1], MSA_DROP_GAPS);
	ck_assert_int_ne(m->in_status[0], MSA_DROP_GAPS);
	msa_destroy(m);
	msa_opts_default(&o);
	o.max_gap_col = 0.5; /* column gaps 1/4, 2/4, 3/4, 0/4 */
	m = read_text(">a\n-C-E\n>b\nA--E\n>c\nAC-E\n>d\nA-DE\n", &o, &err);
	ck_assert_msg(m != NULL, "%s", err.msg);
	ck_assert_uint_eq(m->n, 4);
	ck_assert_uint_eq(m->L, 3);
	ck_assert_uint_eq(m->col[0], 0);
	ck_assert_uint_eq(m->col[1], 1);
	ck_assert_uint_eq(m->col[2], 3);
	msa_destroy(m);
	msa_opts_default(&o);
	m = read_text(">a\nAC\n#x\nDE\n>b\nACDE\n", &o, &err);
	ck_assert_ptr_null(m);
	ck_assert_msg(strstr(err.msg, ":3:") && strstr(err.msg, "'#'"), "%s", err.msg);
}
END_TEST

/* Records that must be refused, each naming its line: an empty FASTA record before another
 * one; a Stockholm name given twice in one block with different letters of the same length
 * (the same line twice is accepted). */
START_TEST(test_refused_records)
{
	plm_err err = { 0 };
	msa_opts o;
	msa_opts_default(&o);
	msa *m = read_text(">a\n>b\nACDE\n>c\nACDE\n", &o, &err);
	ck_assert_ptr_null(m);
	ck_assert_msg(strstr(err.msg, ":1:") && strstr(err.msg, "'a' is empty"), "%s", err.msg);
	m = read_text("# STOCKHOLM 1.0\na ACDE\nb ACDF\na ACDG\n//\n", &o, &err);
	ck_assert_ptr_null(m);
	ck_assert_msg(strstr(err.msg, ":4:") && strstr(err.msg, "appears twice"), "%s", err.msg);
	m = read_text("# STOCKHOLM 1.0\na ACDE\nb ACDF\na ACDE\n//\n", &o, &err);
	ck_assert_msg(m != NULL, "%s", err.msg);
	ck_assert_uint_eq(m->n, 2);
	ck_assert_uint_eq(m->L, 4);
	msa_destroy(m);
}
END_TEST

START_TEST(test_unknown_policies)
{
	plm_err err = { 0 };
	char r[64];
	msa_opts o;
	msa_opts_default(&o);
	const char *text = ">a\nACDE\n>b\nAXDE\n";
	msa *m = read_text(text, &o, &err);
	ck_assert_uint_eq(m->n, 1);
	ck_assert_int_eq(m->in_status[1], MSA_DROP_UNKNOWN);
	msa_destroy(m);
	o.unknown = MSA_UNKNOWN_GAP;
	m = read_text(text, &o, &err);
	ck_assert_uint_eq(m->n, 2);
	ck_assert_str_eq(row_str(m, 1, r), "A-DE");
	msa_destroy(m);
	o.unknown = MSA_UNKNOWN_REJECT;
	m = read_text(">a\nACDE\n>b\nAC\nXE\n", &o, &err);
	ck_assert_ptr_null(m);
	ck_assert_msg(strstr(err.msg, ":5:1: ambiguous or unknown letter 'X'") != NULL, "%s", err.msg);
	/* a byte outside every alphabet is always an error, with line and column */
	m = read_text(">a\nACDE\n>b\nAC1E\n", NULL, &err);
	ck_assert_ptr_null(m);
	ck_assert_msg(strstr(err.msg, ":4:3: letter '1' is not in the protein alphabet") != NULL, "%s", err.msg);
}
END_TEST

/* Issue 21, case 3: lowercase letters are insert states only when the file says so (a '.',
 * rows equal only without them, a .a2m name, --format a2m); otherwise residues, counted. */
START_TEST(test_lowercase_rule)
{
	plm_err err = { 0 };
	char notes[512];
	const char *text = ">a\nMKVEacLIKV\n>b\nMKLEgkLIRV\n>c\nMRLEawLIKV\n";
	msa *m = read_text(text, NULL, &err);
	ck_assert_msg(m != NULL, "%s", err.msg);
	ck_assert_int_eq(m->format, MSA_FORMAT_FASTA);
	ck_assert_uint_eq(m->L, 10);
	ck_assert_uint_eq(m->nlower, 6);
	ck_assert_uint_eq(m->nlower_cols, 2);
	ck_assert_uint_eq(msa_notes(m, notes, sizeof notes), 1);
	ck_assert_ptr_nonnull(strstr(notes, "lowercase: 6 letters in 2 columns read as residues"));
	msa_destroy(m);
	/* the same rows named .a2m: inserts, counted */
	char path[256];
	snprintf(path, sizeof path, "%s/check_msa_%d.a2m", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (int)getpid());
	FILE *f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	ck_assert_int_eq(msa_read(path, NULL, &m, &err), PLM_OK);
	unlink(path);
	ck_assert_int_eq(m->format, MSA_FORMAT_A2M);
	ck_assert_uint_eq(m->L, 8);
	ck_assert_uint_eq(m->nlower, 0);
	ck_assert_uint_eq(m->ninsert_lower, 6);
	ck_assert_str_eq(m->fmt_why, "a2m: the file name");
	msa_destroy(m);
	/* a '.' makes it A2M */
	m = read_text(">a\nMKVEacLIKV\n>b\nMKLE..LIRV\n", NULL, &err);
	ck_assert_msg(m != NULL, "%s", err.msg);
	ck_assert_int_eq(m->format, MSA_FORMAT_A2M);
	ck_assert_uint_eq(m->ninsert_lower, 2);
	ck_assert_uint_eq(m->ninsert_dot, 2);
	msa_destroy(m);
	/* rows that are equal only without lowercase: A3M */
	m = read_text(">a\nMKVEacLIKV\n>b\nMKLELIRV\n", NULL, &err);
	ck_assert_msg(m != NULL, "%s", err.msg);
	ck_assert_int_eq(m->format, MSA_FORMAT_A3M);
	msa_destroy(m);
	/* removing them would leave unequal rows: residues */
	m = read_text(">a\nMKVEacLIKV\n>b\nMKLEGkLIRV\n", NULL, &err);
	ck_assert_msg(m != NULL, "%s", err.msg);
	ck_assert_int_eq(m->format, MSA_FORMAT_FASTA);
	ck_assert_uint_eq(m->nlower, 3);
	ck_assert_uint_eq(m->nlower_cols, 2);
	msa_destroy(m);
	/* --format a2m forces removal; the unknown letters read as gaps are counted too */
	msa_opts o;
	msa_opts_default(&o);
	o.format = MSA_FORMAT_A2M;
	o.unknown = MSA_UNKNOWN_GAP;
	m = read_text(">a\nMKVXacLIKV\n>b\nMKLXgkLIRV\n", &o, &err);
	ck_assert_msg(m != NULL, "%s", err.msg);
	ck_assert_uint_eq(m->L, 8);
	ck_assert_uint_eq(m->nunknown_gap, 2);
	ck_assert_uint_eq(msa_notes(m, notes, sizeof notes), 2);
	ck_assert_ptr_nonnull(strstr(notes, "(--format a2m)"));
	ck_assert_ptr_nonnull(strstr(notes, "2 read as gaps"));
	msa_destroy(m);
}
END_TEST

/* Issue 21, case 1: the alphabet is guessed from the composition, and said. */
START_TEST(test_alphabet_guessed)
{
	plm_err err = { 0 };
	msa *m = read_text(">a\nACGTACGTAC\n>b\nACGTTCGTAC\n", NULL, &err);
	ck_assert_msg(m != NULL, "%s", err.msg);
	ck_assert_str_eq(m->abc.name, "dna");
	ck_assert_ptr_nonnull(strstr(m->abc_why, "guessed from 100.0% A/C/G/T/U/N"));
	msa_destroy(m);
	/* RNA: no sequence lost to U */
	m = read_text("# STOCKHOLM 1.0\na ACGUACGUAC\nb ACGUUCGUAC\n//\n", NULL, &err);
	ck_assert_msg(m != NULL, "%s", err.msg);
	ck_assert_str_eq(m->abc.name, "rna");
	ck_assert_uint_eq(m->n, 2);
	msa_destroy(m);
	/* unclear: refused, naming the option */
	m = read_text(">a\nACGTACGTKM\n>b\nACGTACGTKM\n>c\nACGTACGTKM\n", NULL, &err);
	ck_assert_ptr_null(m);
	ck_assert_ptr_nonnull(strstr(err.msg, "give --alphabet protein or --alphabet dna"));
	/* given: used as given */
	msa_opts o;
	msa_opts_default(&o);
	o.alphabet = "protein";
	m = read_text(">a\nACGTACGTAC\n>b\nACGTTCGTAC\n", &o, &err);
	ck_assert_msg(m != NULL, "%s", err.msg);
	ck_assert_str_eq(m->abc.name, "protein");
	ck_assert_str_eq(m->abc_why, "--alphabet");
	msa_destroy(m);
}
END_TEST

/* Issue 21, case 6: Clustal files, and the usual names of the formats. */
START_TEST(test_clustal)
{
	plm_err err = { 0 };
	char r[64];
	const char *aln = "CLUSTAL W (1.83) multiple sequence alignment\n"
	                  "\n"
	                  "seq1      MKVEAC 6\n"
	                  "seq2      MKLE-C 5\n"
	                  "          **:* *\n"
	                  "\n"
	                  "seq1      LIKV\n"
	                  "seq2      LIRV\n"
	                  "          **:*\n";
	msa *m = read_text(aln, NULL, &err);
	ck_assert_msg(m != NULL, "%s", err.msg);
	ck_assert_int_eq(m->format, MSA_FORMAT_CLUSTAL);
	ck_assert_uint_eq(m->n, 2);
	ck_assert_str_eq(m->in_names[1], "seq2");
	ck_assert_str_eq(row_str(m, 0, r), "MKVEACLIKV");
	ck_assert_str_eq(row_str(m, 1, r), "MKLE-CLIRV");
	msa_destroy(m);
	/* --format aln (PSICOV lines) on a Clustal file reads it as Clustal */
	msa_opts o;
	msa_opts_default(&o);
	ck_assert_int_eq(msa_format_parse("aln", &o.format), 0);
	m = read_text(aln, &o, &err);
	ck_assert_msg(m != NULL, "%s", err.msg);
	ck_assert_int_eq(m->format, MSA_FORMAT_CLUSTAL);
	msa_destroy(m);
	/* errors: a name missing from the first block, a name twice in a block */
	m = read_text("CLUSTAL\n\na MK\nb ML\n\na VV\nc VV\n", NULL, &err);
	ck_assert_ptr_null(m);
	ck_assert_ptr_nonnull(strstr(err.msg, ":7: sequence 'c' is not in the first block"));
	m = read_text("CLUSTAL\n\na MK\na ML\n", NULL, &err);
	ck_assert_ptr_null(m);
	ck_assert_ptr_nonnull(strstr(err.msg, ":4: sequence 'a' appears twice in one block"));
	m = read_text("CLUSTAL\n\na MK\nb ML\n\na VV\n", NULL, &err);
	ck_assert_ptr_null(m);
	ck_assert_ptr_nonnull(strstr(err.msg, "sequence 'b' has 2 columns"));
	msa_format f;
	const char *names[] = { "fa", "fas", "fasta", "sto", "stockholm", "aln", "clustal", "a2m", "a3m" };
	const msa_format want[] = { MSA_FORMAT_FASTA, MSA_FORMAT_FASTA, MSA_FORMAT_FASTA, MSA_FORMAT_STOCKHOLM,
		                        MSA_FORMAT_STOCKHOLM, MSA_FORMAT_LINES, MSA_FORMAT_CLUSTAL, MSA_FORMAT_A2M,
		                        MSA_FORMAT_A3M };
	for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
		ck_assert_int_eq(msa_format_parse(names[k], &f), 0);
		ck_assert_int_eq(f, want[k]);
	}
	ck_assert_int_eq(msa_format_parse("xyz", &f), -1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("msa");
	TCase *tc = tcase_create("msa");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_shared_dimensions);
	tcase_add_test(tc, test_lowercase_rule);
	tcase_add_test(tc, test_alphabet_guessed);
	tcase_add_test(tc, test_clustal);
	tcase_add_test(tc, test_ras_focus_numbering);
	tcase_add_test(tc, test_dhfr_focus);
	tcase_add_test(tc, test_fasta_wrapped_lowercase);
	tcase_add_test(tc, test_a2m_a3m);
	tcase_add_test(tc, test_stockholm);
	tcase_add_test(tc, test_lines_binary_numbers);
	tcase_add_test(tc, test_gzip_and_stdin);
	tcase_add_test(tc, test_focus_map);
	tcase_add_test(tc, test_gap_filters_keep_map);
	tcase_add_test(tc, test_gap_filter_boundaries);
	tcase_add_test(tc, test_refused_records);
	tcase_add_test(tc, test_unknown_policies);
	suite_add_tcase(s, tc);
	return run_suite(s);
}
