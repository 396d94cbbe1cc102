/* pl: the per-site pseudo-likelihood objective and its gradient (the hot kernel): blocked
 * gather/scatter over a transposed sequence matrix, float parameters padded to a multiple of
 * 8 states, double accumulation of the objective and gradient.  It knows nothing about
 * optimizers or threads: one call evaluates one site on the caller's workspace. */
#ifndef PLMEM_PL_H
#define PLMEM_PL_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "alphabet.h" /* ALPHABET_MAXQ: the largest q */
#include "err.h"

/* The training data shared (read-only) by every site. */
typedef struct pl_data {
	size_t n;        /* sequences (distinct ones, after merging duplicates) */
	size_t L;        /* positions */
	size_t q;        /* states */
	size_t Q;        /* q padded to a multiple of 8 */
	uint8_t *seqT;   /* L x n, transposed: seqT[j * n + s] */
	double *w;       /* n weights summing to 1 */
	/* sparse layout: the entries whose state is not their column's mode, by sequence */
	size_t nblk;     /* blocks of PL_BLOCK sequences */
	size_t nnz;      /* non-mode entries */
	uint8_t *mode;   /* L: most frequent state of each column */
	size_t *sptr;    /* n + 1: sequence s's entries are soff[sptr[s] .. sptr[s+1]) */
	uint32_t *soff;  /* nnz: byte offset (j * q + state) * Q * 4 of each entry's row
	                  * (sptr and soff NULL on the tree path) */
	/* tree path (seqtree.h): the sequences in preorder k; node k's local field is its
	 * parent's (the all-mode field at the root) plus the rows toff[tptr[k] .. + tnplus[k])
	 * minus the rows toff[tptr[k] + tnplus[k] .. tptr[k+1]) */
	int tree;        /* 1: pl_site_eval walks the tree */
	size_t ntree;    /* tree entries (rows per gather) */
	uint32_t *tord;  /* n: position k -> sequence */
	uint32_t *tpar;  /* n: parent's position, or SEQTREE_ROOT */
	size_t *tptr;    /* n + 1 */
	uint32_t *tnplus; /* n */
	uint32_t *toff;  /* ntree: row byte offsets as in soff */
	double *tw;      /* n: weights in preorder */
	size_t npair;    /* difference rows J_j(hi) - J_j(lo), after the L q rows of column states */
	uint32_t *pair;  /* npair: (j q + lo) q + hi */
} pl_data;

/* Copy SEQ (n x L, row-major: seq[s * L + j] < q) transposed, and W / sum(W) (W NULL: all
 * equal), and choose the kernel's path (PL_PATH_AUTO).  Fails on an empty problem, a state
 * >= q, or weights that do not sum to > 0. */
int pl_data_init(pl_data *d, const uint8_t *seq, const double *w, size_t n, size_t L, size_t q,
                  plm_err *err);
void pl_data_free(pl_data *d);

/* The kernel's paths: visit each sequence's entries that differ from their column's mode
 * (PL_PATH_MODE), or walk the sequence tree (PL_PATH_TREE).  Both give the same objective and
 * gradient up to float rounding.  PL_PATH_AUTO (bench/RESULTS.md, issue 23, has the figures):
 * the mode path for q = 2; the tree is built (O(n^2 L), about 1e-10 s per n^2 L) only when
 * n^2 <= PL_TREE_BUILD * nnz, where it costs at most a fifth of what it saves over a fit's
 * evaluations (about 60 per site, 2.5 ns per row, 40% of the rows saved at least), and
 * taken when its rows per evaluation (its entries, PL_TREE_NODE_COST per sequence and
 * PL_PAIR_COST per difference row) are at most PL_TREE_SHARE of the mode path's nnz.
 * Builds what the path needs and frees the other's lists; a pl_work is for the path set when
 * it was made. */
enum pl_path { PL_PATH_AUTO = 0, PL_PATH_MODE, PL_PATH_TREE };
#define PL_TREE_MAXDEPTH 64  /* a path's float sums: at most this many edges */
#define PL_TREE_NODE_COST 2  /* rows per sequence the tree adds: its parent's field, its sum */
#define PL_TREE_SHARE 0.6
#define PL_TREE_BUILD 100.0
#define PL_PAIR_MIN 20       /* edge sites that make a pair of states worth a difference row */
#define PL_PAIR_COST 2.5     /* rows a difference row costs each way (built; spread at the end) */
int pl_data_set_path(pl_data *d, enum pl_path path, plm_err *err);

/* Variables of one site, padded layout:
 *   x[a]                          = h_i(a),          a < q  (x[a] for q <= a < Q unused, 0)
 *   x[Q + (j * q + b) * Q + a]    = J_ij(a, b),      a < q, b < q  (block j = i unused, 0)
 * Unused entries always get a zero gradient, so an optimizer started at 0 keeps them 0. */
static inline size_t pl_nvar(const pl_data *d)
{
	return d->Q + d->L * d->q * d->Q;
}

/* Per-thread scratch (allocated once, reused for every site). */
typedef struct pl_work {
	size_t nvar;
	float *dw;    /* L * q * Q: couplings minus their row at the column's mode */
	float *gf;    /* L * q * Q: gradient partial sums in float (flushed to double) */
	float *e;     /* block x Q: local fields, then the weighted residuals */
	float *base;  /* Q: local field of the all-mode sequence */
	double *gh;   /* Q: field gradient */
	double *dsum; /* Q: residuals summed since the last flush */
	float *tf;    /* tree path: n x Q, the local fields, then residuals, then subtree sums */
	size_t ntf;   /* sequences tf holds */
} pl_work;

int pl_work_init(pl_work *ws, const pl_data *d, plm_err *err);
void pl_work_free(pl_work *ws);

/* Bytes of one pl_work, and of a pl_data, for these sizes (pl_work: add n Q floats on
 * the tree path). */
size_t pl_work_bytes(size_t L, size_t q);
size_t pl_data_bytes(size_t n, size_t L, size_t q);

typedef struct pl_site_opts {
	double lambda_h, lambda_j;
	int no_fields;   /* 1: h is fixed (its gradient is set to 0) */
} pl_site_opts;

/* f_i(x) = -sum_s w_s log P_i(a_i^s | a_\i^s) + lambda_h |h_i|^2 + lambda_j sum_{j != i} |J_ij|^2,
 * returned; its gradient goes to G (nvar doubles, every entry written). */
double pl_site_eval(const pl_data *d, size_t i, const pl_site_opts *o, const double *x, double *g,
                     pl_work *ws);

/* The same objective and gradient computed in plain double loops, for tests. */
double pl_site_eval_ref(const pl_data *d, size_t i, const pl_site_opts *o, const double *x,
                         double *g);

/* ---- binary data (q = 2): the dense path ------------------------------------------------
 * For q = 2 the data term depends on J_ij(1,b) - J_ij(0,b) only, and the L2 penalty makes the
 * optimum antisymmetric: J_ij(0,b) = -J_ij(1,b), h_i(0) = -h_i(1), and the couplings' mean
 * over b the same for every j.  Site i's problem is then exactly a logistic regression on
 * spins sigma_j = +-1 (state 1 -> +1):
 *   F(B, k) = sum_s w_s [log(1 + e^D_s) - y_s D_s] + lambda_B B^2 + lambda_j |k|^2,
 *   D_s = B + sum_{j != i} k_j sigma_j^s,   y_s = 1 when a_i^s = 1,
 *   lambda_B = lambda_h lambda_j / ((L - 1) lambda_h + 2 lambda_j)   (lambda_j / (L - 1) with
 *   no fields),
 * whose minimum is the Potts objective's minimum (pl_bin_store maps it back).  The local
 * fields D are one matrix-vector product (cblas_sgemv) over the spin matrix, the gradient
 * another.  Variables: x[0] = B and x[1 + j] = k_j, x[1 + i] unused.  The norm of the full
 * Potts gradient at the mapped point is sqrt(W g_0^2 + sum_j g_{1+j}^2) with
 * W = pl_bin_norm_weight() (L + 1, or L - 1 with no fields): give the optimizer that
 * weight for its convergence test so that --tol means the same thing. */
typedef struct pl_bin {
	size_t n, L;
	float *spin;     /* n x L, row-major, +-1 (NULL in a view) */
	const pl_data *d; /* weights and states */
} pl_bin;

/* The problem with its float spin matrix (what pl_bin_eval reads), or only a view of D
 * (for kernels that read d->seqT themselves: fitbin.h).  Both fail unless q = 2 and the
 * sizes fit BLAS's ints. */
int pl_bin_init(pl_bin *b, const pl_data *d, plm_err *err);
int pl_bin_view(pl_bin *b, const pl_data *d, plm_err *err);
void pl_bin_free(pl_bin *b);
size_t pl_bin_nvar(const pl_bin *b);
size_t pl_bin_work_bytes(size_t n, size_t L);

typedef struct pl_bin_work {
	float *k, *delta, *gk;  /* L, n, L */
} pl_bin_work;

int pl_bin_work_init(pl_bin_work *ws, const pl_bin *b, plm_err *err);
void pl_bin_work_free(pl_bin_work *ws);

double pl_bin_norm_weight(const pl_bin *b, const pl_site_opts *o);

double pl_bin_eval(const pl_bin *b, size_t i, const pl_site_opts *o, const double *x, double *g,
                    pl_bin_work *ws);

/* One pattern's term at local field D = B + sum_j k_j sigma_j for target Y (0 or 1):
 * returns log(1 + e^D) - Y D and sets *P = 1 / (1 + e^-D), both stable for any D (one
 * exponential: with e = e^-|D|, log(1 + e^D) = max(D, 0) + log1p(e)). */
static inline double pl_bin_loss(double D, double y, double *p)
{
	double e = exp(-fabs(D));
	*p = (D > 0.0 ? 1.0 : e) / (1.0 + e);
	return (D > 0.0 ? D : 0.0) + log1p(e) - y * D;
}

/* The penalty part of site i's evaluation at X, given the data part: F = sum_s w_s (loss),
 * GB = sum_s w_s (p_s - y_s) and G[1 + j] = sum_s w_s (p_s - y_s) sigma_j^s for j != i (any
 * value at j = i).  Completes G (the penalty gradients, g[0], g[1 + i] = 0) and returns f. */
double pl_bin_finish(const pl_bin *b, size_t i, const pl_site_opts *o, const double *x,
                      double f, double gB, double *g);

/* Site i's Potts parameters from the reduced solution X: h (q = 2 values) and the coupling
 * matrices J_ij (2 x 2, row = state at i), written as J[j * 4 + a * 2 + b]. */
void pl_bin_store(const pl_bin *b, size_t i, const pl_site_opts *o, const double *x, float *h,
                   float *J);

#endif
