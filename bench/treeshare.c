/* bench/treeshare.c: would a tree over the distinct sequences save kernel work?  (issue 23)
 *
 * Reads an alignment as `plmem fit` does (msa_read, identical rows merged), builds Prim's
 * minimum spanning tree of Hamming distances over the distinct sequences plus a virtual root
 * (the all-mode sequence, so that the mode trick is the star tree around it), and prints:
 *   - the share of entries the mode trick visits (entries != their column's mode) and the
 *     share the tree's edges touch (sites where child and parent differ), both over n x L;
 *   - row operations per evaluation (one row of Q floats read, or read-modified-written):
 *       mode trick: gather 1 read + scatter 1 read-modify-write per non-mode entry;
 *       tree, direct: an edge site a -> b costs 1 row each way when a or b is the column's
 *         mode (the mode's row is implicit), else 2 (J(b) - J(a); +T to b, -T to a);
 *       tree, triples: 1 row each way per edge site (the difference row J_j(b) - J_j(a) of
 *         the (j, {a, b}) pairs that edges use, built once per evaluation; the scatter sums T
 *         per pair and distributes at the flush), plus 3 rows per distinct non-mode pair;
 *   - the tree's depth (float rounding grows with it) and the time Prim's tree took.
 * Usage: treeshare ALIGNMENT [FOCUS]
 * Build: cc -O3 -march=native -std=c11 -Isrc -Ibuild bench/treeshare.c build/src/libplmem.a -lz -lm */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "msa.h"
#include "weights.h"

static size_t hamming(const uint8_t *a, const uint8_t *b, size_t L)
{
	size_t d = 0;
	for (size_t j = 0; j < L; j++)
		d += a[j] != b[j];
	return d;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: treeshare ALIGNMENT [FOCUS]\n");
		return 2;
	}
	msa_opts mo;
	msa_opts_default(&mo);
	mo.focus = argc > 2 ? argv[2] : NULL;
	msa *m;
	plm_err err;
	if (msa_read(argv[1], &mo, &m, &err) != PLM_OK) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	uint8_t *u;
	double *uw;
	size_t n, L = m->L, q = m->abc.q;
	if (weights_unique(m, NULL, &u, &uw, &n, &err) != PLM_OK)
		return 1;
	/* node 0: the all-mode sequence; node s + 1: distinct sequence s */
	uint8_t *seq = calloc((n + 1) * L, 1), *mode = seq;
	for (size_t j = 0; j < L; j++) {
		size_t cnt[256] = { 0 }, best = 0;
		for (size_t s = 0; s < n; s++)
			cnt[u[s * L + j]]++;
		for (size_t b = 1; b < q; b++)
			if (cnt[b] > cnt[best])
				best = b;
		mode[j] = (uint8_t)best;
	}
	memcpy(seq + L, u, n * L);
	size_t N = n + 1, nnz = 0;
	for (size_t s = 1; s < N; s++)
		nnz += hamming(seq + s * L, mode, L);
	struct timespec t0, t1;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	size_t *dist = malloc(N * sizeof *dist), *par = malloc(N * sizeof *par);
	unsigned char *in = calloc(N, 1);
	for (size_t v = 0; v < N; v++) {
		dist[v] = hamming(seq + v * L, mode, L);
		par[v] = 0;
	}
	in[0] = 1;
	for (size_t k = 1; k < N; k++) {
		size_t best = SIZE_MAX, bu = 0;
		for (size_t v = 1; v < N; v++)
			if (!in[v] && dist[v] < best) {
				best = dist[v];
				bu = v;
			}
		in[bu] = 1;
		const uint8_t *a = seq + bu * L;
		for (size_t v = 1; v < N; v++)
			if (!in[v]) {
				size_t d = hamming(a, seq + v * L, L);
				if (d < dist[v]) {
					dist[v] = d;
					par[v] = bu;
				}
			}
	}
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
	size_t edge = 0, direct = 0, both = 0, atroot = 0;
	unsigned char *pair = calloc(L * q * q, 1);
	size_t npair = 0;
	for (size_t v = 1; v < N; v++) {
		const uint8_t *a = seq + par[v] * L, *b = seq + v * L;
		atroot += par[v] == 0;
		for (size_t j = 0; j < L; j++) {
			if (a[j] == b[j])
				continue;
			edge++;
			if (a[j] == mode[j] || b[j] == mode[j]) {
				direct++;
				continue;
			}
			direct += 2;
			both++;
			size_t lo = a[j] < b[j] ? a[j] : b[j], hi = a[j] ^ b[j] ^ lo;
			if (!pair[(j * q + lo) * q + hi]++)
				npair++;
		}
	}
	/* depth: parents come before children in Prim's order, but not by index; walk up */
	size_t maxd = 0;
	double sumd = 0;
	for (size_t v = 1; v < N; v++) {
		size_t d = 0;
		for (size_t x = v; x != 0; x = par[x])
			d++;
		maxd = d > maxd ? d : maxd;
		sumd += d;
	}
	double nl = (double)n * (double)L;
	printf("%s: %zu distinct x %zu, q %zu\n", argv[1], n, L, q);
	printf("  mode trick: %.1f%% of entries; tree edges: %.1f%% (%.1f%% of edge sites have neither "
	       "side at the mode); %zu of %zu sequences hang from the all-mode root\n",
	       100.0 * nnz / nl, 100.0 * edge / nl, 100.0 * both / (edge ? edge : 1), atroot, n);
	printf("  row ops per evaluation (millions): mode %.2f, tree direct %.2f (%.2f of mode), tree "
	       "with %zu difference pairs %.2f (%.2f of mode)\n",
	       2e-6 * nnz, 2e-6 * direct, (double)direct / nnz, npair, 1e-6 * (2.0 * edge + 3.0 * npair),
	       (2.0 * edge + 3.0 * npair) / (2.0 * nnz));
	printf("  depth max %zu, mean %.1f; Prim %.2f CPU s\n", maxd, sumd / n,
	       (t1.tv_sec - t0.tv_sec) + 1e-9 * (t1.tv_nsec - t0.tv_nsec));
	return 0;
}
