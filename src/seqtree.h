/* seqtree: the distinct sequences of an alignment ordered along a tree, so that the
 * pseudo-likelihood kernel (pl.h) can keep each sequence's local fields as its parent's plus
 * the few sites where the two differ.
 *
 * The tree is Prim's minimum spanning tree over the sequences plus a virtual root, the
 * all-mode sequence (every column at its most frequent state).  The cost of an edge is what
 * the kernel pays for it in rows of coupling differences (one row per site where parent u and
 * child v differ, two where neither is at the column's mode):
 *   c(u, v) = sum_j [u_j != v_j] (1 + [u_j != mode_j][v_j != mode_j]),
 * and c(root, v) = the sites where v is not at the mode (the mode trick's cost), so a sequence
 * hangs from the root whenever no other sequence is cheaper.  A sequence at depth MAXDEPTH
 * never becomes a parent: the float sums along a path stay short.  Deterministic (ties go to
 * the lowest index); O(n^2 L) time, O(n) memory beside the alignment. */
#ifndef PLMEM_SEQTREE_H
#define PLMEM_SEQTREE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define SEQTREE_ROOT UINT32_MAX /* the parent of a sequence that hangs from the virtual root */

typedef struct seqtree {
	size_t n;
	uint32_t *ord;   /* n: preorder position k -> sequence index (parents before children) */
	uint32_t *par;   /* n: position k's parent's position (< k), or SEQTREE_ROOT */
	size_t cost;     /* the tree's total edge cost (rows per gather) */
	size_t maxdepth; /* the deepest sequence's depth (1: children of the root) */
} seqtree;

/* Build the tree over N sequences of length L given transposed (SEQT[j * n + s]) with the
 * column modes MODE.  Fails on n >= 2^32 or L >= 65,536 (PLM_ERANGE) or out of memory. */
int seqtree_build(seqtree *t, const uint8_t *seqT, size_t n, size_t L, const uint8_t *mode,
                  size_t maxdepth, plm_err *err);
void seqtree_free(seqtree *t);

#endif
