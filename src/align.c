/* align: Gotoh's affine-gap dynamic programming with BLOSUM62, global with free end gaps
 * (semi-global: either sequence may overhang the other at each end), one traceback byte per cell.
 * Pure computation: no files, no printing. */
#include "config.h"
#include "align.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static const char blosum_order[] = "ARNDCQEGHILKMFPSTWYV";

/* BLOSUM62 (Henikoff & Henikoff 1992), rows and columns in blosum_order. */
static const signed char blosum62[20][20] = {
	{ 4, -1, -2, -2, 0, -1, -1, 0, -2, -1, -1, -1, -1, -2, -1, 1, 0, -3, -2, 0 },
	{ -1, 5, 0, -2, -3, 1, 0, -2, 0, -3, -2, 2, -1, -3, -2, -1, -1, -3, -2, -3 },
	{ -2, 0, 6, 1, -3, 0, 0, 0, 1, -3, -3, 0, -2, -3, -2, 1, 0, -4, -2, -3 },
	{ -2, -2, 1, 6, -3, 0, 2, -1, -1, -3, -4, -1, -3, -3, -1, 0, -1, -4, -3, -3 },
	{ 0, -3, -3, -3, 9, -3, -4, -3, -3, -1, -1, -3, -1, -2, -3, -1, -1, -2, -2, -1 },
	{ -1, 1, 0, 0, -3, 5, 2, -2, 0, -3, -2, 1, 0, -3, -1, 0, -1, -2, -1, -2 },
	{ -1, 0, 0, 2, -4, 2, 5, -2, 0, -3, -3, 1, -2, -3, -1, 0, -1, -3, -2, -2 },
	{ 0, -2, 0, -1, -3, -2, -2, 6, -2, -4, -4, -2, -3, -3, -2, 0, -2, -2, -3, -3 },
	{ -2, 0, 1, -1, -3, 0, 0, -2, 8, -3, -3, -1, -2, -1, -2, -1, -2, -2, 2, -3 },
	{ -1, -3, -3, -3, -1, -3, -3, -4, -3, 4, 2, -3, 1, 0, -3, -2, -1, -3, -1, 3 },
	{ -1, -2, -3, -4, -1, -2, -3, -4, -3, 2, 4, -2, 2, 0, -3, -2, -1, -2, -1, 1 },
	{ -1, 2, 0, -1, -3, 1, 1, -2, -1, -3, -2, 5, -1, -3, -1, 0, -1, -3, -2, -2 },
	{ -1, -1, -2, -3, -1, 0, -2, -3, -2, 1, 2, -1, 5, 0, -2, -1, -1, -1, -1, 1 },
	{ -2, -3, -3, -3, -2, -3, -3, -3, -1, 0, 0, -3, 0, 6, -4, -2, -2, 1, 3, -1 },
	{ -1, -2, -2, -1, -3, -1, -1, -2, -2, -3, -3, -1, -2, -4, 7, -1, -1, -4, -3, -2 },
	{ 1, -1, 1, 0, -1, 0, 0, 0, -1, -2, -2, 0, -1, -2, -1, 4, 1, -3, -2, -2 },
	{ 0, -1, 0, -1, -1, -1, -1, -2, -2, -1, -1, -1, -1, -2, -1, 1, 5, -2, -2, 0 },
	{ -3, -3, -4, -4, -2, -2, -3, -2, -2, -3, -2, -3, -1, 1, -4, -3, -2, 11, 2, -3 },
	{ -2, -2, -2, -3, -2, -1, -2, -3, 2, -1, -1, -2, -1, 3, -3, -2, -2, 2, 7, -1 },
	{ 0, -3, -3, -3, -1, -2, -2, -3, -3, 3, 1, -2, 1, -1, -2, -2, 0, -3, -1, 4 }
};

static int aa_index(char c)
{
	const char *p = strchr(blosum_order, toupper((unsigned char)c));
	return (p && c) ? (int)(p - blosum_order) : -1;
}

int align_blosum62(char a, char b)
{
	int i = aa_index(a), j = aa_index(b);
	return (i < 0 || j < 0) ? -1 : blosum62[i][j];
}

/* Traceback bits of a cell (i, j): which state each of M, X, Y came from.
 *   M(i,j) = s(a_i, b_j) + max(M, X, Y)(i-1, j-1)     bits 0-1: 0 M, 1 X, 2 Y
 *   X(i,j) = max(M(i-1,j) - open, X(i-1,j) - ext)    bit 2: 1 when from X (a_i against a gap)
 *   Y(i,j) = max(M(i,j-1) - open, Y(i,j-1) - ext)    bit 3: 1 when from Y (b_j against a gap)
 * Row 0 and column 0 are free overhangs at the start: X(i,0) = Y(0,j) = 0, M(0,0) = 0; the
 * alignment ends on the best M of the last row or column (free overhang at the end).  Only
 * one sequence can overhang at each end for free: when both do (a chain's tag before a
 * focus that starts earlier), aligning the two overhangs may cost less than a gap. */
#define NEG (LONG_MIN / 4)

typedef struct dp_rows {
	long *m, *x, *y;  /* previous row */
	long *m1, *x1, *y1; /* current row */
} dp_rows;

static void dp_fill(const char *a, size_t na, const char *b, size_t nb, unsigned char *tb, dp_rows *d,
                    long *best, size_t *bi, size_t *bj)
{
	for (size_t j = 0; j <= nb; j++) {
		d->m[j] = j == 0 ? 0 : NEG;
		d->x[j] = NEG;
		d->y[j] = j == 0 ? NEG : 0;
	}
	*best = NEG, *bi = 0, *bj = 0;
	for (size_t i = 1; i <= na; i++) {
		d->m1[0] = NEG, d->x1[0] = 0, d->y1[0] = NEG;
		for (size_t j = 1; j <= nb; j++) {
			unsigned char t = 0;
			long pm = d->m[j - 1], px = d->x[j - 1], py = d->y[j - 1], v = pm;
			if (px > v)
				v = px, t = 1;
			if (py > v)
				v = py, t = 2;
			d->m1[j] = v + align_blosum62(a[i - 1], b[j - 1]);
			long xo = d->m[j] - ALIGN_GAP_OPEN, xe = d->x[j] - ALIGN_GAP_EXTEND;
			d->x1[j] = xe > xo ? xe : xo;
			t |= (unsigned char)(xe > xo) << 2;
			long yo = d->m1[j - 1] - ALIGN_GAP_OPEN, ye = d->y1[j - 1] - ALIGN_GAP_EXTEND;
			d->y1[j] = ye > yo ? ye : yo;
			t |= (unsigned char)(ye > yo) << 3;
			tb[i * (nb + 1) + j] = t;
			/* the end: any pair of the last row or column; on ties the last in scan order
			 * (the whole query, then the latest target residue) */
			if ((i == na || j == nb) && d->m1[j] >= *best)
				*best = d->m1[j], *bi = i, *bj = j;
		}
		long *s;
		s = d->m, d->m = d->m1, d->m1 = s;
		s = d->x, d->x = d->x1, d->x1 = s;
		s = d->y, d->y = d->y1, d->y1 = s;
	}
}

/* Walk back from M(i, j); QMAP[i - 1] gets j - 1 for every aligned pair. */
static void dp_trace(const unsigned char *tb, size_t nb, size_t i, size_t j, long *qmap)
{
	int state = 0; /* 0 M, 1 X, 2 Y */
	while (i > 0 && j > 0) {
		unsigned char t = tb[i * (nb + 1) + j];
		if (state == 0) {
			qmap[i - 1] = (long)(j - 1);
			state = t & 3;
			i--, j--;
		} else if (state == 1) {
			state = (t >> 2) & 1 ? 1 : 0;
			i--;
		} else {
			state = (t >> 3) & 1 ? 2 : 0;
			j--;
		}
	}
}

int align_map(const char *query, size_t nq, const char *target, size_t nt, long *map, align_stats *st,
              plm_err *err)
{
	memset(st, 0, sizeof *st);
	for (size_t k = 0; k < nq; k++)
		map[k] = -1;
	size_t na = 0, cells;
	for (size_t k = 0; k < nq; k++)
		na += query[k] != '-' && query[k] != '.';
	st->query_letters = na;
	if (na == 0 || nt == 0)
		return PLM_OK;
	if (size_mul(na + 1, nt + 1, &cells) != 0)
		return plm_fail(err, PLM_ERANGE, "alignment of %zu x %zu residues: too large", na, nt);
	char *a = malloc(na);
	long *qmap = malloc(na * sizeof *qmap);
	long *rows = malloc(6 * (nt + 1) * sizeof *rows);
	unsigned char *tb = plm_calloc(cells, 1, "alignment traceback", err);
	int rc = PLM_OK;
	if (a == NULL || qmap == NULL || rows == NULL || tb == NULL) {
		rc = tb ? plm_fail(err, PLM_ENOMEM, "alignment of %zu x %zu residues: out of memory", na, nt) : PLM_ENOMEM;
		goto done;
	}
	size_t n = 0;
	for (size_t k = 0; k < nq; k++)
		if (query[k] != '-' && query[k] != '.')
			a[n++] = query[k];
	dp_rows d = { rows, rows + (nt + 1), rows + 2 * (nt + 1), rows + 3 * (nt + 1), rows + 4 * (nt + 1),
	              rows + 5 * (nt + 1) };
	size_t bi, bj;
	dp_fill(a, na, target, nt, tb, &d, &st->score, &bi, &bj);
	for (size_t k = 0; k < na; k++)
		qmap[k] = -1;
	dp_trace(tb, nt, bi, bj, qmap);
	n = 0;
	for (size_t k = 0; k < nq; k++) {
		if (query[k] == '-' || query[k] == '.')
			continue;
		map[k] = qmap[n];
		if (qmap[n] >= 0) {
			st->aligned++;
			int ia = aa_index(query[k]);
			st->identical += ia >= 0 && ia == aa_index(target[qmap[n]]);
		}
		n++;
	}
	st->identity = st->aligned ? (double)st->identical / (double)st->aligned : 0.0;
	st->coverage = (double)st->aligned / (double)na;
done:
	free(a);
	free(qmap);
	free(rows);
	free(tb);
	return rc;
}
