/* import: other tools' Potts model files read into a plmem model: plmc's binary parameter
 * file (the "plmc_v2" layout that EVcouplings' CouplingsModel reads) and CCMpred's raw text
 * (-r).  Reads, checks and converts; never prints, and never returns a partial model. */
#ifndef PLMEM_IMPORT_H
#define PLMEM_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "model.h"

typedef enum import_format { IMPORT_AUTO = 0, IMPORT_PLMC, IMPORT_CCMPRED } import_format;

/* "auto", "plmc" or "ccmpred" -> the format; -1 for anything else. */
int import_parse_format(const char *s, import_format *f);

/* The byte size of a plmc parameter file with L sites, Q states, NSEQ = N_valid + N_invalid
 * sequences and floats of PREC bytes (4 or 8):
 *   5 int32 (L, q, N_valid, N_invalid, iterations) + 5 floats (theta, lambda_h, lambda_J,
 *   lambda_group, N_eff) + q alphabet bytes + NSEQ floats (neighbours per sequence) + L bytes
 *   (focus sequence) + L int32 (numbering) + 2 L q floats (f_i, h_i)
 *   + 2 L(L-1)/2 q^2 floats (f_ij, e_ij for i < j).
 * Returns -1 when it overflows 64 bits. */
int import_plmc_size(uint64_t L, uint64_t q, uint64_t nseq, unsigned prec, uint64_t *out);

/* Read PATH (plain or gzip-compressed; "auto" tells plmc's binary from CCMpred's text by its
 * first bytes) into *OUT, a model whose couplings are symmetric, J_ji(b, a) = J_ij(a, b):
 *  - plmc: h_i and e_ij as stored (float32, or float64 when an uncompressed file's size says
 *    so); the alphabet as stored (mapped to plmem's protein, rna, dna or binary alphabet when
 *    the letters match, else a custom alphabet); the focus sequence and its numbering when the
 *    file has one; theta, lambda_h, lambda_J, iterations, sequence counts and N_eff recorded.
 *    Rule "plmc".
 *  - CCMpred: its 20 fields (the gap's field is 0) and 21 x 21 couplings, moved from CCMpred's
 *    state order ARNDCQEGHILKMFPSTWYV- to plmem's protein order -ACDEFGHIKLMNPQRSTVWY.  Rule
 *    "ccmpred".
 * A malformed or truncated file fails with "PATH: byte N: problem" (plmc) or
 * "PATH:LINE: problem" (CCMpred).  CMDLINE (may be NULL) is recorded as the provenance. */
int import_read(const char *path, import_format fmt, const char *cmdline, plm_model **out, plm_err *err);

#endif
