/* colmap: the map from the rows of a model's matrix outputs (contacts -f matrix, export --npy)
 * to the user's columns, written as a TSV beside them.  Writes one file; never prints. */
#ifndef PLMEM_COLMAP_H
#define PLMEM_COLMAP_H

#include "err.h"
#include "model.h"

/* The header of the map; one row per model position i (0-based, the matrix row/column and
 * the npy index), then: position (i + 1), column (the 1-based column of the training
 * alignment after insert removal), residue (the focus residue number), ref (the reference
 * sequence's letter); NA where the model does not know a value. */
#define COLMAP_HEADER "row\tposition\tcolumn\tresidue\tref"

/* Write M's map to PATH through a temporary file (no half-written map). */
int colmap_write(const plm_model *m, const char *path, plm_err *err);

/* The map's path for an output OUT: OUT with its extension (after the last '.' of the last
 * path component) replaced by ".map", or ".map" appended; "-" (standard output) gives
 * "plmem.map".  Into BUF (N bytes); -1 when it does not fit. */
int colmap_path(const char *out, char *buf, size_t n);

#endif
