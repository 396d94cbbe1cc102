/* family.c: a synthetic stand-in for a large, diverse protein family (bench only, not part of
 * plmem): sequences evolved down a binary tree under a random sparse Potts model (Gibbs
 * substitutions), written as FASTA, with the planted coupled pairs as a contact list.
 * Usage: family N L SEED OUT.fasta OUT.contacts
 *
 * Model: q = 21 (20 amino acids + gap).  Fields h_j(a) = beta_j z_ja (z standard normal, beta_j
 * uniform in [0.3, 2]: conserved and variable columns); the gap has field -3, raised to 0 in
 * the first and last 8% of the columns (gappy termini).  About 1.5 L planted pairs (|i - j| >= 6;
 * each site draws a partner at random twice, three times for a fifth of the sites), each with a
 * 21 x 21 coupling matrix of N(0, 0.6^2) entries.  The root is 200 Gibbs sweeps from a random
 * sequence; each child copies its parent and redraws each site with probability MU (its
 * conditional under the model, MU = 0.16); the tree has 2^D >= N leaves and the first N are written.
 * Deterministic for a seed (splitmix64); no state outside main's locals. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define Q 21
#define MU 0.16
static const char letters[Q + 1] = "-ACDEFGHIKLMNPQRSTVWY";

typedef struct {
	uint64_t s;
} rng;

static uint64_t next(rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double unif(rng *r)
{
	return (double)(next(r) >> 11) * (1.0 / 9007199254740992.0);
}

static double gauss(rng *r)
{
	double u = unif(r), v = unif(r);
	return sqrt(-2.0 * log(u + 1e-300)) * cos(6.283185307179586 * v);
}

typedef struct {
	size_t L, npair;
	double *h;        /* L x Q */
	size_t *pi, *pj;  /* planted pairs */
	double *J;        /* npair x Q x Q, J[p](a at pi, b at pj) */
	size_t *nb_ptr, *nb; /* per site: the pairs it belongs to */
} model;

/* redraw site j of S from its conditional */
static void gibbs(const model *m, uint8_t *S, size_t j, rng *r)
{
	double e[Q], mx = -1e300, z = 0.0;
	for (int a = 0; a < Q; a++)
		e[a] = m->h[j * Q + a];
	for (size_t k = m->nb_ptr[j]; k < m->nb_ptr[j + 1]; k++) {
		size_t p = m->nb[k];
		const double *Jp = m->J + p * Q * Q;
		for (int a = 0; a < Q; a++)
			e[a] += m->pi[p] == j ? Jp[a * Q + S[m->pj[p]]] : Jp[S[m->pi[p]] * Q + a];
	}
	for (int a = 0; a < Q; a++)
		mx = e[a] > mx ? e[a] : mx;
	for (int a = 0; a < Q; a++)
		z += (e[a] = exp(e[a] - mx));
	double u = unif(r) * z;
	int a = 0;
	while (a < Q - 1 && (u -= e[a]) > 0)
		a++;
	S[j] = (uint8_t)a;
}

int main(int argc, char **argv)
{
	if (argc != 6) {
		fprintf(stderr, "usage: family N L SEED OUT.fasta OUT.contacts\n");
		return 2;
	}
	size_t N = strtoul(argv[1], NULL, 10), L = strtoul(argv[2], NULL, 10);
	rng r = { strtoull(argv[3], NULL, 10) * 0x2545f4914f6cdd1dULL + 1 };
	if (N < 2 || L < 20) {
		fprintf(stderr, "family: need N >= 2 and L >= 20\n");
		return 2;
	}
	model m = { .L = L };
	m.h = malloc(L * Q * sizeof *m.h);
	size_t maxp = 3 * L;
	m.pi = malloc(maxp * sizeof *m.pi);
	m.pj = malloc(maxp * sizeof *m.pj);
	m.J = malloc(maxp * Q * Q * sizeof *m.J);
	for (size_t j = 0; j < L; j++) {
		double beta = 0.3 + 1.7 * unif(&r);
		int term = j < L * 8 / 100 || j >= L - L * 8 / 100;
		m.h[j * Q] = term ? 0.0 : -3.0;
		for (int a = 1; a < Q; a++)
			m.h[j * Q + a] = beta * gauss(&r);
	}
	for (size_t i = 0; i < L; i++) {
		int k = unif(&r) < 0.2 ? 3 : 2;
		for (int t = 0; t < k; t += 0) {
			size_t j = (size_t)(unif(&r) * L);
			size_t lo = i < j ? i : j, hi = i < j ? j : i;
			if (hi - lo < 6)
				continue;
			t++;
			int dup = 0;
			for (size_t p = 0; p < m.npair; p++)
				dup |= m.pi[p] == lo && m.pj[p] == hi;
			if (dup || m.npair == maxp)
				continue;
			m.pi[m.npair] = lo;
			m.pj[m.npair] = hi;
			for (int e = 0; e < Q * Q; e++)
				m.J[m.npair * Q * Q + e] = 0.6 * gauss(&r);
			m.npair++;
		}
	}
	m.nb_ptr = calloc(L + 1, sizeof *m.nb_ptr);
	m.nb = malloc(2 * m.npair * sizeof *m.nb);
	for (size_t p = 0; p < m.npair; p++) {
		m.nb_ptr[m.pi[p] + 1]++;
		m.nb_ptr[m.pj[p] + 1]++;
	}
	for (size_t j = 0; j < L; j++)
		m.nb_ptr[j + 1] += m.nb_ptr[j];
	size_t *fill = calloc(L, sizeof *fill);
	for (size_t p = 0; p < m.npair; p++) {
		m.nb[m.nb_ptr[m.pi[p]] + fill[m.pi[p]]++] = p;
		m.nb[m.nb_ptr[m.pj[p]] + fill[m.pj[p]]++] = p;
	}
	/* the tree, level by level (breadth first: level d holds 2^d sequences) */
	size_t D = 0;
	while (((size_t)1 << D) < N)
		D++;
	uint8_t *cur = malloc(((size_t)1 << D) * L), *nxt = malloc(((size_t)1 << D) * L);
	for (size_t j = 0; j < L; j++)
		cur[j] = (uint8_t)(next(&r) % Q);
	for (int sweep = 0; sweep < 200; sweep++)
		for (size_t j = 0; j < L; j++)
			gibbs(&m, cur, j, &r);
	for (size_t d = 0; d < D; d++) {
		size_t np = (size_t)1 << d;
		for (size_t p = 0; p < np; p++)
			for (int c = 0; c < 2; c++) {
				uint8_t *S = nxt + (2 * p + c) * L;
				memcpy(S, cur + p * L, L);
				for (size_t j = 0; j < L; j++)
					if (unif(&r) < MU)
						gibbs(&m, S, j, &r);
			}
		uint8_t *t = cur;
		cur = nxt;
		nxt = t;
	}
	FILE *f = fopen(argv[4], "w"), *c = fopen(argv[5], "w");
	if (!f || !c) {
		perror("family");
		return 1;
	}
	/* leaves in a fixed pseudo-random order (a Fisher-Yates shuffle), the first N written */
	size_t nl = (size_t)1 << D, *ord = malloc(nl * sizeof *ord);
	for (size_t s = 0; s < nl; s++)
		ord[s] = s;
	for (size_t s = nl - 1; s > 0; s--) {
		size_t k = next(&r) % (s + 1), t = ord[s];
		ord[s] = ord[k];
		ord[k] = t;
	}
	for (size_t s = 0; s < N; s++) {
		fprintf(f, ">s%zu\n", s + 1);
		for (size_t j = 0; j < L; j++)
			fputc(letters[cur[ord[s] * L + j]], f);
		fputc('\n', f);
	}
	fprintf(c, "# i j (1-based): the planted coupled pairs, %zu\n", m.npair);
	for (size_t p = 0; p < m.npair; p++)
		fprintf(c, "%zu %zu\n", m.pi[p] + 1, m.pj[p] + 1);
	if (fclose(f) || fclose(c)) {
		perror("family");
		return 1;
	}
	free(m.h), free(m.pi), free(m.pj), free(m.J), free(m.nb_ptr), free(m.nb), free(fill);
	free(cur), free(nxt), free(ord);
	return 0;
}
