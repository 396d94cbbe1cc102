/* colmap: the row -> column map written beside matrix and npy outputs (colmap.h). */
#include "config.h"
#include "colmap.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

int colmap_path(const char *out, char *buf, size_t n)
{
	if (strcmp(out, "-") == 0)
		out = "plmem";
	const char *slash = strrchr(out, '/'), *dot = strrchr(out, '.');
	size_t keep = strlen(out);
	if (dot != NULL && (slash == NULL || dot > slash + 1))
		keep = (size_t)(dot - out);
	int w = snprintf(buf, n, "%.*s.map", (int)keep, out);
	return w < 0 || (size_t)w >= n ? -1 : 0;
}

int colmap_write(const plm_model *m, const char *path, plm_err *err)
{
	plm_outfile o;
	int rc = outfile_open(&o, path, err);
	if (rc != PLM_OK)
		return rc;
	fprintf(o.fp, "%s\n", COLMAP_HEADER);
	for (size_t i = 0; i < m->L; i++) {
		fprintf(o.fp, "%zu\t%zu", i, i + 1);
		if (m->col != NULL && m->ncol_in > 0)
			fprintf(o.fp, "\t%zu", m->col[i] + 1);
		else
			fputs("\tNA", o.fp);
		if (m->resnum != NULL)
			fprintf(o.fp, "\t%ld", m->resnum[i]);
		else
			fputs("\tNA", o.fp);
		if (m->refseq != NULL)
			fprintf(o.fp, "\t%c\n", m->refseq[i]);
		else
			fputs("\tNA\n", o.fp);
	}
	return outfile_commit(&o, err);
}
