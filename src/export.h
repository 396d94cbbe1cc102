/* export: a model's fields and couplings as text (one documented layout, positions in the
 * user's numbering) and as NumPy .npy v1.0 files.  Writes what it is given; never prints
 * messages and never reads models. */
#ifndef PLMEM_EXPORT_H
#define PLMEM_EXPORT_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"
#include "model.h"

/* The text layout (see plmem-export(1)): '#' comment lines, then
 *   h <i> <v_1> ... <v_q>                 one line per position i
 *   J <i> <j> <a> <v_1> ... <v_q>         one line per ordered pair i != j and state a at i,
 *                                         the values over the state b at j
 * with i, j in the user's numbering, a the letter of the state, values printed with %.9g
 * (enough digits to read back the same float).  NAME labels the comment header. */
int export_text(const plm_model *m, const char *name, FILE *fp, plm_err *err);

/* The .npy v1.0 header for a little-endian float32, C-order array of the given shape:
 * magic, version 1.0, a u16 header length, the dict padded with spaces and a newline to a
 * multiple of 64 bytes.  Writes at most N bytes to BUF; returns the header length (or 0
 * when N is too small). */
size_t export_npy_header(const size_t *shape, size_t ndim, char *buf, size_t n);

/* PREFIX_h.npy (float32, shape (L, q)) and PREFIX_J.npy (float32, shape (L, L, q, q),
 * J[i, j, a, b] = J_ij(a, b)), each written atomically. */
int export_npy(const plm_model *m, const char *prefix, plm_err *err);

#endif
