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

/* PATH (written atomically): the model in plmc's binary parameter layout (float32, the
 * layout EVcouplings' CouplingsModel reads as "plmc_v2"; sizes: import_plmc_size).  plmc's
 * couplings are symmetric, one block e_ij per pair i < j: written as the average of the two
 * directions, e_ij(a, b) = (J_ij(a, b) + J_ji(b, a)) / 2 (exact for a symmetric model); the
 * fields h as they are.  The header records L, q, the kept and dropped sequence counts, the
 * iteration limit, theta, lambda_h, lambda_J, lambda_group and M_eff; then each input
 * sequence's neighbour count 1 / w_s (0 for a dropped sequence), the focus sequence and
 * numbering when the model has residue numbers (else the alphabet's first letter and the
 * user's numbering), f_i, h, f_ij and e_ij.  What the model does not know
 * (export_plmc_unknown) is written as NaN: each neighbour count, f_i, f_ij, N_eff.  A plmc
 * file imported (import.h) is written back byte for byte.  Fails (PLM_ERANGE) when a size or
 * a position number does not fit plmc's int32 fields. */
int export_plmc(const plm_model *m, const char *path, plm_err *err);

/* What export_plmc writes as NaN for M because the model does not know it (a model of format
 * version 1, a CCMpred import, a list left out by the size rules of modelstats.h): a mask. */
enum {
	EXPORT_UNKNOWN_WEIGHTS = 1, /* the per-sequence weights (plmc's neighbour counts) */
	EXPORT_UNKNOWN_FI = 2,      /* the single-site frequencies f_i */
	EXPORT_UNKNOWN_FIJ = 4,     /* the pair frequencies f_ij */
	EXPORT_UNKNOWN_NEFF = 8     /* N_eff (no sequence counts either) */
};
unsigned export_plmc_unknown(const plm_model *m);

#endif
