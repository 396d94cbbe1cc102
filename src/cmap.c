/* cmap: the contact-map gnuplot script (data blocks inline, one plot command).  Writes one
 * file through a temporary name; no printing, no running of programs. */
#include "config.h"
#include "cmap.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

/* Which block a prediction goes to: 0 in contact, 1 not, 2 distance unknown or no structure. */
static int pred_class(const cmap_spec *s, const contacts_pair *q)
{
	if (s->D == NULL)
		return 2;
	double d = s->D[q->i * s->L + q->j];
	return isnan(d) ? 2 : d < s->cutoff ? 0 : 1;
}

/* A gnuplot string: single quotes doubled. */
static void put_quoted(FILE *fp, const char *t)
{
	fputc('\'', fp);
	for (; *t; t++) {
		if (*t == '\'')
			fputc('\'', fp);
		fputc(*t, fp);
	}
	fputc('\'', fp);
}

/* The observed block; returns its point count. */
static size_t put_observed(FILE *fp, const cmap_spec *s)
{
	size_t n = 0;
	fprintf(fp, "$observed << EOD\n");
	for (size_t i = 0; s->D && i < s->L; i++)
		for (size_t j = i + 1; j < s->L; j++)
			if (s->D[i * s->L + j] < s->cutoff) {
				fprintf(fp, "%ld %ld\n%ld %ld\n", s->user[i], s->user[j], s->user[j], s->user[i]);
				n++;
			}
	fprintf(fp, "EOD\n");
	return n;
}

static void put_plot(FILE *fp, const cmap_spec *s, size_t nobs, const size_t npred[3])
{
	static const char *name[3] = { "$hit", "$miss", "$unknown" };
	static const char *colour[3] = { "#1f77b4", "#d62728", "#303030" };
	static const char *label[3] = { "predicted, in contact", "predicted, not in contact",
	                                "predicted, distance unknown" };
	const char *sep = "plot ";
	if (nobs) {
		fprintf(fp, "%s$observed with points pt 5 ps 0.5 lc rgb '#c0c0c0' title 'contact (%s < %g A)'", sep,
		        s->def ? s->def : "distance", s->cutoff);
		sep = ", \\\n     ";
	}
	for (int c = 0; c < 3; c++)
		if (npred[c]) {
			fprintf(fp, "%s%s with points pt 7 ps 0.7 lc rgb '%s' title '%s'", sep, name[c], colour[c],
			        s->D || c != 2 ? label[c] : "predicted");
			sep = ", \\\n     ";
		}
	if (sep[0] == 'p') /* nothing to draw: an empty frame */
		fprintf(fp, "plot NaN notitle");
	fputc('\n', fp);
}

int cmap_write_gnuplot(const char *script, const cmap_spec *s, const contacts_pair *p, size_t n, plm_err *err)
{
	plm_outfile o;
	int rc = outfile_open(&o, script, err);
	if (rc != PLM_OK)
		return rc;
	FILE *fp = o.fp;
	long lo = s->L ? s->user[0] : 0, hi = lo;
	for (size_t k = 0; k < s->L; k++) {
		lo = s->user[k] < lo ? s->user[k] : lo;
		hi = s->user[k] > hi ? s->user[k] : hi;
	}
	fprintf(fp, "# contact map written by plmem contacts; rerun with: gnuplot THIS_FILE\n");
	fprintf(fp, "set terminal pngcairo size 900,900 font ',11'\nset output ");
	put_quoted(fp, s->png);
	fprintf(fp, "\nset title ");
	put_quoted(fp, s->title ? s->title : "contact map");
	fprintf(fp, " noenhanced\nset size square\nset xrange [%g:%g]\nset yrange [%g:%g]\n", lo - 0.5, hi + 0.5,
	        lo - 0.5, hi + 0.5);
	fprintf(fp, "set xlabel 'i'\nset ylabel 'j'\nset key outside below\nset grid front lc rgb '#e8e8e8'\n");
	size_t nobs = put_observed(fp, s), npred[3] = { 0, 0, 0 };
	static const char *name[3] = { "$hit", "$miss", "$unknown" };
	for (int c = 0; c < 3; c++) {
		fprintf(fp, "%s << EOD\n", name[c]);
		for (size_t k = 0; k < n; k++) {
			if (pred_class(s, &p[k]) != c)
				continue;
			long a = s->user[p[k].i], b = s->user[p[k].j];
			fprintf(fp, "%ld %ld\n", a < b ? a : b, a < b ? b : a); /* above the diagonal */
			npred[c]++;
		}
		fprintf(fp, "EOD\n");
	}
	put_plot(fp, s, nobs, npred);
	return outfile_commit(&o, err);
}
