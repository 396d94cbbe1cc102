/* cmap: the contact map as a gnuplot script: observed contacts in grey (both triangles) and the
 * top-ranked predictions above the diagonal, coloured by whether they are contacts.  The
 * script holds its data, so it can be rerun by hand; running gnuplot is plot.h's job.
 * Writes one file; never prints. */
#ifndef PLMEM_CMAP_H
#define PLMEM_CMAP_H

#include <stddef.h>

#include "contacts.h"
#include "err.h"

typedef struct cmap_spec {
	const char *png;      /* the image the script writes */
	const char *title;    /* first line of the plot title */
	size_t L;
	const long *user;     /* position -> user index (the axes) */
	const double *D;      /* L x L distances, or NULL: predictions only */
	double cutoff;        /* a contact: D < cutoff */
	const char *def;      /* how distances were measured ("cb"), for the legend */
} cmap_spec;

/* Write to SCRIPT (through a temporary file and rename) the gnuplot script drawing S with the
 * N predicted pairs P (drawn in order; the caller chooses them). */
int cmap_write_gnuplot(const char *script, const cmap_spec *s, const contacts_pair *p, size_t n, plm_err *err);

#endif
