/* split: training/test subsets of an alignment: P sequences drawn without replacement with
 * probability proportional to their weights, the subset as an msa in memory, and the two
 * halves written as files in the input's own format.  No fitting, no printing. */
#ifndef PLMEM_SPLIT_H
#define PLMEM_SPLIT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "msa.h"

/* Draw P of the N items without replacement, each next draw among the items left with
 * probability w_k / (sum of the weights left) ("successive sampling").  Implemented with
 * one exponential key per item (Efraimidis & Spirakis): key_k = E_k / w_k, E_k ~ Exp(1)
 * from rng stream k of SEED; the P smallest keys win (ties by index).  So the draw does not
 * depend on the thread count, and the sets for P1 < P2 with the same seed are nested.
 * Items of weight 0 are never drawn: P larger than the number of positive weights (or than N)
 * fails with PLM_EINVAL, as do a negative or non-finite weight and a zero total.
 * FORCE: an item put first whatever its weight (SIZE_MAX for none; it counts in P).
 * ORDER gets the N item indices sorted by key: ORDER[0..P) is the training set in draw order.
 * CHOSEN (optional, N bytes) gets 1 for the drawn items, 0 for the others. */
int split_draw(const double *w, size_t n, size_t p, uint64_t seed, size_t force, size_t *order,
               unsigned char *chosen, plm_err *err);

/* P given as a count (>= 1) or, for 0 < FRAC < 1, as round(FRAC * N) (at least 1).
 * Returns 0, or -1 when SPEC is neither. */
int split_parse_size(const char *spec, size_t n, size_t *p);

/* A new alignment holding the kept sequences ROWS[0..n) of M (kept indices, in the given
 * order): same alphabet, columns, column map and focus; its input is the n rows, all kept. */
int split_subset(const msa *m, const size_t *rows, size_t n, msa **out, plm_err *err);

/* The kept row of M's focus sequence (msa_opts.focus), or SIZE_MAX without one. */
size_t split_focus_row(const msa *m);

/* The kept sequences of S (read without column filters) on REF's positions: by REF's column
 * map when S has REF's input columns, or one to one when S has exactly REF->L columns (as
 * relax reads its sequences).  *OUT: s->n x ref->L states (malloc'd). */
int split_map_columns(const msa *ref, const msa *s, uint8_t **out, plm_err *err);

/* Write the input sequences of M (read from the file M->path, which is read again; not
 * stdin) to TRAIN_PATH when TRAIN_IN[k] (k over the m->nin input sequences) and to
 * TEST_PATH otherwise, each record byte for byte as in the input (names, order, format,
 * inserts, annotation): FASTA/A2M/A3M records from their '>' line to the next; Stockholm
 * lines of a sequence (and its #=GS/#=GR lines) by name, the other lines to both files;
 * lines and numbers one line per sequence, comment and blank lines to both files.
 * Gzip input is written uncompressed.  Both files are written to temporary files and renamed
 * at the end; on failure neither is left behind. */
int split_write(const msa *m, const unsigned char *train_in, const char *train_path,
                const char *test_path, plm_err *err);

/* The extension split_write's files take for input PATH read as FORMAT: PATH's extension
 * without a final ".gz" ("fasta" for x.fasta.gz), or the format's usual one ("fasta",
 * "a2m", "a3m", "sto", "aln", "txt") when PATH has none or is "-".  Static storage or
 * a pointer into PATH; *LEN gets its length. */
const char *split_extension(const char *path, msa_format format, size_t *len);

#endif
