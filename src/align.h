/* align: pairwise alignment of two protein sequences (BLOSUM62, affine gaps, global with free
 * end gaps), to map a model's reference sequence onto a structure's residues whatever
 * their numbering.  Pure computation: no files, no printing. */
#ifndef PLMEM_ALIGN_H
#define PLMEM_ALIGN_H

#include <stddef.h>

#include "err.h"

/* Gap of length k costs ALIGN_GAP_OPEN + (k - 1) * ALIGN_GAP_EXTEND (end gaps cost nothing). */
#define ALIGN_GAP_OPEN 11
#define ALIGN_GAP_EXTEND 1

typedef struct align_stats {
	size_t query_letters;  /* residues of the query (letters; '-' and '.' are not residues) */
	size_t aligned;        /* query residues aligned to a target residue */
	size_t identical;      /* of those, the same amino acid (case ignored) */
	long score;            /* alignment score */
	double identity;       /* identical / aligned (0 when nothing aligned) */
	double coverage;       /* aligned / query_letters */
} align_stats;

/* BLOSUM62 score of two amino-acid letters (case ignored); -1 when either is not one of the
 * 20 (X, B, Z, ...). */
int align_blosum62(char a, char b);

/* Align QUERY (NQ characters; '-' and '.' are gaps: never aligned, map -1) to TARGET (NT
 * letters) end to end with free end gaps: at each end one of the two may overhang the other
 * (a focus longer than a partial chain, a chain longer than the focus); gaps inside are paid.  MAP (NQ entries)
 * gets, for each query character, the 0-based target index aligned to it, or -1.  Ties
 * between equal-scoring alignments are broken the same way every time.  Needs NQ x NT bytes. */
int align_map(const char *query, size_t nq, const char *target, size_t nt, long *map, align_stats *st,
              plm_err *err);

#endif
