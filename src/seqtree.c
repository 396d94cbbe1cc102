/* seqtree: Prim's minimum spanning tree of the distinct sequences around the all-mode root,
 * in preorder (seqtree.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "seqtree.h"
#include "util.h"

typedef uint8_t v32u8 __attribute__((vector_size(32)));
typedef uint16_t v32u16 __attribute__((vector_size(64)));
typedef int16_t v32s16 __attribute__((vector_size(64)));
#pragma GCC diagnostic ignored "-Wpsabi" /* vectors never cross a call boundary */
#define SEQTREE_CHUNK 127     /* columns counted in bytes (at most 2 each) before widening */
#define SEQTREE_DONE 0xFFFF   /* the cost of a sequence already in the tree (> 2 L) */

/* ACC[w] = c(v, w) (seqtree.h) for every sequence w: one column at a time over the
 * transposed alignment (contiguous bytes, 32 sequences a vector), counted in the bytes of CNT
 * over chunks of SEQTREE_CHUNK columns, then added to ACC (both n rounded up to 32). */
static inline __attribute__((always_inline)) void edge_costs(const uint8_t *seqT, size_t n, size_t L,
                                                             const uint8_t *mode, size_t v,
                                                             uint16_t *acc, uint8_t *cnt)
{
	const size_t nfull = n / 32 * 32;
	memset(acc, 0, n * sizeof *acc);
	for (size_t j0 = 0; j0 < L; j0 += SEQTREE_CHUNK) {
		size_t j1 = L - j0 < SEQTREE_CHUNK ? L : j0 + SEQTREE_CHUNK;
		memset(cnt, 0, n);
		for (size_t j = j0; j < j1; j++) {
			const uint8_t *col = seqT + j * n, a = col[v], m = mode[j];
			const int both = a != m; /* a state other than a and m: a second row */
			v32u8 av, mv;
			memset(&av, a, sizeof av);
			memset(&mv, m, sizeof mv);
			for (size_t w = 0; w < nfull; w += 32) {
				v32u8 c, k;
				memcpy(&c, col + w, sizeof c);
				memcpy(&k, cnt + w, sizeof k);
				v32u8 ne = (v32u8)(c != av);
				k -= ne;
				if (both)
					k -= ne & (v32u8)(c != mv);
				memcpy(cnt + w, &k, sizeof k);
			}
			for (size_t w = nfull; w < n; w++)
				cnt[w] = (uint8_t)(cnt[w] + (col[w] != a) + (both && col[w] != a && col[w] != m));
		}
		for (size_t w = 0; w < n; w++)
			acc[w] = (uint16_t)(acc[w] + cnt[w]);
	}
}

/* One step of Prim's algorithm after sequence V joined the tree: where V is allowed as a
 * parent (PARENT_OK), COST[w] = c(V, w) and PAR[w] = V for the sequences w outside the tree
 * that V reaches more cheaply; then returns the lowest-index sequence of least cost (SIZE_MAX
 * when every one is in the tree).  COST holds n rounded up to 32 entries, SEQTREE_DONE for the
 * tree's sequences and the padding; ACC and CNT: scratch of as many entries. */
PLM_CLONES
static size_t prim_step(const uint8_t *seqT, size_t n, size_t L, const uint8_t *mode, size_t v,
                        int parent_ok, uint16_t *cost, uint32_t *par, uint16_t *acc, uint8_t *cnt)
{
	if (parent_ok)
		edge_costs(seqT, n, L, mode, v, acc, cnt);
	size_t best = SIZE_MAX;
	uint16_t bc = SEQTREE_DONE;
	for (size_t w0 = 0; w0 < n; w0 += 32) {
		v32u16 cur;
		memcpy(&cur, cost + w0, sizeof cur);
		if (parent_ok) {
			v32u16 c;
			memcpy(&c, acc + w0, sizeof c);
			v32s16 lt = (v32s16)(c < cur) & (v32s16)(cur != SEQTREE_DONE);
			uint64_t any[8];
			memcpy(any, &lt, sizeof any);
			if (any[0] | any[1] | any[2] | any[3] | any[4] | any[5] | any[6] | any[7]) {
				for (size_t l = 0; l < 32; l++)
					if (lt[l])
						par[w0 + l] = (uint32_t)v;
				cur = (v32u16)(((v32s16)c & lt) | ((v32s16)cur & ~lt));
				memcpy(cost + w0, &cur, sizeof cur);
			}
		}
		uint16_t mn = cur[0];
		for (size_t l = 1; l < 32; l++)
			mn = cur[l] < mn ? cur[l] : mn;
		if (mn < bc) {
			bc = mn;
			for (size_t l = 0; l < 32; l++)
				if (cur[l] == mn) {
					best = w0 + l;
					break;
				}
		}
	}
	return best;
}

/* Prim's algorithm: PARSEQ[v] = v's parent (a sequence index, or SEQTREE_ROOT), DEPTH[v];
 * returns the total cost.  COST: n rounded up to 32 entries. */
static size_t prim(const uint8_t *seqT, size_t n, size_t L, const uint8_t *mode, size_t maxdepth,
                   uint32_t *parseq, uint32_t *depth, uint16_t *cost, uint16_t *acc, uint8_t *cnt)
{
	for (size_t w = 0; w < (n + 31) / 32 * 32; w++) {
		uint32_t c = 0;
		for (size_t j = 0; w < n && j < L; j++)
			c += seqT[j * n + w] != mode[j];
		cost[w] = w < n ? (uint16_t)c : SEQTREE_DONE;
		if (w < n)
			parseq[w] = SEQTREE_ROOT;
	}
	size_t total = 0, v = prim_step(seqT, n, L, mode, 0, 0, cost, parseq, acc, cnt);
	while (v != SIZE_MAX) {
		total += cost[v];
		cost[v] = SEQTREE_DONE;
		depth[v] = parseq[v] == SEQTREE_ROOT ? 1 : depth[parseq[v]] + 1;
		/* a sequence at MAXDEPTH is never a parent */
		v = prim_step(seqT, n, L, mode, v, depth[v] < maxdepth, cost, parseq, acc, cnt);
	}
	return total;
}

/* Preorder of the tree PARSEQ (children in increasing index): T->ord and T->par. */
static void preorder(seqtree *t, const uint32_t *parseq, uint32_t *first, uint32_t *child,
                     uint32_t *stack, uint32_t *pos)
{
	const size_t n = t->n;
	/* children lists, CSR: first[p] .. first[p + 1] for p < n, the root's at index n */
	memset(first, 0, (n + 2) * sizeof *first);
	for (size_t v = 0; v < n; v++)
		first[(parseq[v] == SEQTREE_ROOT ? n : parseq[v]) + 1]++;
	for (size_t p = 0; p <= n; p++)
		first[p + 1] += first[p];
	for (size_t v = 0; v < n; v++) { /* increasing v: each list sorted */
		size_t p = parseq[v] == SEQTREE_ROOT ? n : parseq[v];
		child[first[p]++] = (uint32_t)v;
	}
	for (size_t p = n + 1; p > 0; p--) /* first[p] was advanced to the end of list p */
		first[p] = first[p - 1];
	first[0] = 0;
	/* depth-first from the root's children, pushed in reverse so the lowest comes first */
	size_t top = 0, k = 0;
	for (size_t c = first[n + 1]; c > first[n]; c--)
		stack[top++] = child[c - 1];
	while (top > 0) {
		uint32_t v = stack[--top];
		pos[v] = (uint32_t)k;
		t->ord[k] = v;
		t->par[k] = parseq[v] == SEQTREE_ROOT ? SEQTREE_ROOT : pos[parseq[v]];
		k++;
		for (size_t c = first[v + 1]; c > first[v]; c--)
			stack[top++] = child[c - 1];
	}
}

int seqtree_build(seqtree *t, const uint8_t *seqT, size_t n, size_t L, const uint8_t *mode,
                  size_t maxdepth, plm_err *err)
{
	memset(t, 0, sizeof *t);
	if (n >= SEQTREE_ROOT || 2 * L >= 65536)
		return plm_fail(err, PLM_ERANGE, "%zu sequences of %zu positions: too many for a tree", n, L);
	t->n = n;
	t->ord = plm_calloc(n ? n : 1, sizeof *t->ord, "sequence tree", err);
	t->par = plm_calloc(n ? n : 1, sizeof *t->par, "sequence tree", err);
	uint32_t *parseq = plm_calloc(n + 1, sizeof *parseq, "sequence tree", err);
	uint32_t *depth = plm_calloc(n + 1, sizeof *depth, "sequence tree", err);
	uint32_t *first = plm_calloc(n + 2, sizeof *first, "sequence tree", err);
	uint32_t *child = plm_calloc(n + 1, sizeof *child, "sequence tree", err);
	uint32_t *pos = plm_calloc(n + 1, sizeof *pos, "sequence tree", err);
	uint16_t *cost = plm_calloc_aligned((n + 31) / 32 * 32, sizeof *cost, "sequence tree", err);
	uint16_t *acc = plm_calloc_aligned((n + 31) / 32 * 32, sizeof *acc, "sequence tree", err);
	uint8_t *cnt = plm_calloc_aligned((n + 31) / 32 * 32, 1, "sequence tree", err);
	int st = PLM_OK;
	if (!t->ord || !t->par || !parseq || !depth || !cost || !first || !child || !pos || !acc || !cnt) {
		st = PLM_ENOMEM;
		seqtree_free(t);
	} else {
		t->cost = prim(seqT, n, L, mode, maxdepth ? maxdepth : 1, parseq, depth, cost, acc, cnt);
		for (size_t v = 0; v < n; v++)
			t->maxdepth = depth[v] > t->maxdepth ? depth[v] : t->maxdepth;
		/* the stack reuses DEPTH (no longer needed) */
		preorder(t, parseq, first, child, depth, pos);
	}
	free(parseq);
	free(depth);
	free(cost);
	free(first);
	free(child);
	free(pos);
	free(acc);
	free(cnt);
	return st;
}

void seqtree_free(seqtree *t)
{
	if (t == NULL)
		return;
	free(t->ord);
	free(t->par);
	memset(t, 0, sizeof *t);
}
