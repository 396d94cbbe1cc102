/* fit: learns a Potts model by pseudo-likelihood: one L2-regularised multinomial logistic
 * regression per site (asymmetric couplings), each solved by L-BFGS, sites in parallel with
 * OpenMP; records per-site convergence.  It neither parses options nor prints. */
#ifndef PLMEM_FIT_H
#define PLMEM_FIT_H

#include <stddef.h>

#include "err.h"
#include "model.h"
#include "modelstats.h"
#include "msa.h"

/* Defaults, each defined once (shown by plmem fit -h through PLM_STR). */
#define FIT_DEFAULT_LAMBDA_H 0.01
/* The couplings' default penalty ("auto", see fit_lambda_j_auto): for alignments, a fixed
 * prior of FIT_LAMBDA_J_PRIOR / M_eff (plmc's -le 16 on each symmetric block, shared by the
 * two directions, so 8 on each), with no floor; FIT_LAMBDA_J_PATTERNS for alphabets without
 * a gap state (binary patterns, spin states). */
#define FIT_LAMBDA_J_PRIOR 8
#define FIT_LAMBDA_J_PATTERNS 0.01
#define FIT_LAMBDA_J_AUTO (-1.0) /* fit_opts.lambda_j: use fit_lambda_j_auto() */
#define FIT_DEFAULT_TOL 5e-4
/* The second stopping test of the per-site fits (fit_opts.ftol, see fit_ftol): a site also stops
 * when its objective fell by no more than ftol times its value over the last FIT_FTOL_WINDOW
 * L-BFGS iterations.  "auto" is FIT_FTOL_SITES for alphabets with q > 2, where a weak penalty
 * leaves the gradient above --tol for many iterations that no longer change the objective or
 * the contacts, and 0 (the gradient test alone) for binary data, whose stronger penalty makes
 * the gradient test the cheaper one (bench/RESULTS.md, issue 23). */
#define FIT_FTOL_AUTO (-1.0)
#define FIT_FTOL_SITES 1e-5
#define FIT_FTOL_WINDOW 5
#define FIT_DEFAULT_MAX_ITER 500
/* L-BFGS history lengths (fit_opts.lbfgs_m = 0): FIT_LBFGS_M_SITES for the per-site fits of
 * alphabets with q > 2 when the alignment has at least FIT_LBFGS_M_ENTRIES entries per column
 * that differ from the column's mode (then the data, not the history, dominate an iteration's
 * cost, and a longer history cuts the evaluations by 25 to 35 % and the CPU time by up to a
 * fifth; below it the longer two-loop recursion costs more than the evaluations it saves:
 * bench/RESULTS.md, issue 16), and for binary data (the batched fit) of at least
 * FIT_LBFGS_M_ENTRIES distinct patterns (issue 12); FIT_DEFAULT_LBFGS_M otherwise and for the
 * joint symmetric refinement (one vector of all of J). */
#define FIT_DEFAULT_LBFGS_M 8
#define FIT_LBFGS_M_SITES 32
#define FIT_LBFGS_M_ENTRIES 4000

/* Progress: called after each site, by the thread that finished it, inside a critical
 * section (never concurrently), with the number of sites finished so far and the total.
 * It must not touch the fit's data; it does not affect the results. */
typedef void (*fit_progress_fn)(void *ctx, size_t done, size_t total);

typedef struct fit_opts {
	double lambda_h;     /* L2 weight on the fields h_i */
	double lambda_j;     /* L2 weight on the couplings J_ij, j != i, or FIT_LAMBDA_J_AUTO (the
	                        default): fit_lambda_j_auto(alphabet, M_eff) */
	double tol;          /* a site stops when the Euclidean norm of the gradient of its objective
	                        f_i (over all its free parameters, weights summing to 1) is <= tol */
	double ftol;         /* or when f_i fell by <= ftol |f_i| over the last FIT_FTOL_WINDOW
	                        iterations (0: the gradient test alone); FIT_FTOL_AUTO (the
	                        default): fit_ftol(); not in the joint symmetric refinement */
	size_t max_iter;     /* L-BFGS iterations per site (SITE_MAX_ITER when reached) */
	size_t lbfgs_m;      /* L-BFGS history length; 0 (the default): fit_lbfgs_m() */
	int no_fields;       /* 1: h fixed at 0 */
	int symmetric;       /* 1: then refine to the symmetric model (J_ji = J_ij^T) by one joint
	                        L-BFGS over all sites (fitsym.h); tol applies as tol * sqrt(L) */
	int unpacked;        /* 1: L-BFGS on the whole padded vector instead of the active entries
	                        only (same problem; differs in the last bits; for tests) */
	int bin_per_site;    /* 1: q = 2 solved site by site (two sgemv per evaluation) instead of
	                        all sites together (fitbin.h); the same problems (for comparisons) */
	size_t max_memory;   /* bytes the fit may use (fit_memory_check); 0: the physical memory */
	modelstats_fij pair_freqs; /* which pair frequencies the model keeps (modelstats.h; default:
	                        by the size rule) */
	fit_progress_fn progress; /* optional, NULL for none */
	void *progress_ctx;
} fit_opts;

void fit_opts_default(fit_opts *o);

/* The history length of O (NULL: defaults) for the per-site fits of a q-state alphabet
 * (JOINT 0) or for the joint symmetric refinement (JOINT 1); ENTRIES: the alignment's
 * non-mode entries per column (distinct sequences; HUGE_VAL gives the largest history the
 * rule can choose, for memory estimates made before the data are known). */
size_t fit_lbfgs_m(const fit_opts *o, size_t q, int joint, double entries);

/* The relative-decrease tolerance of O's per-site fits (NULL: defaults) for a q-state alphabet:
 * o->ftol, or for FIT_FTOL_AUTO FIT_FTOL_SITES when q > 2 and 0 when q = 2. */
double fit_ftol(const fit_opts *o, size_t q);

/* The default L2 weight on the couplings for an alignment over ABC with M_EFF = sum of the
 * weights: FIT_LAMBDA_J_PRIOR / M_EFF when ABC has a gap state (protein, RNA, DNA, custom
 * letters with '-'), else FIT_LAMBDA_J_PATTERNS.
 * The objective's data term is an average (weights w_s / M_eff), so a penalty that stays the
 * same in the summed likelihood, as plmc's and CCMpred's do, is PRIOR / M_eff here: strong for
 * a small family, weak once the data dominate.  (Until issue 16 it was floored at 0.005 to
 * bound the L-BFGS iterations, which grow about as lambda^-1/2; the floor cost large families
 * contacts: bench/RESULTS.md.)  Pattern data keep a penalty relative to their number, which
 * lets pseudo-likelihood store many patterns as fixed points. */
double fit_lambda_j_auto(const plm_alphabet *abc, double meff);

/* Bytes fit_model() needs for a problem (model + shared data + per-thread workspaces), so
 * a caller can refuse it early.  NTHREADS = number of OpenMP threads that will run. */
size_t fit_memory_bytes(size_t nseq, size_t L, size_t q, size_t nthreads, const fit_opts *o);

/* The one memory estimate of a fit: fit_memory_bytes, plus fitsym_memory_bytes with
 * o->symmetric, against MEM bytes (0: o->max_memory, else the physical memory).  PLM_OK when
 * it fits, else PLM_ERANGE with a message giving the figure and its largest part (J, the joint
 * L-BFGS, or the threads' workspaces), and the limit: "this machine's N GiB", or "the N GiB
 * of --max-memory" when o->max_memory is set.  Allocates nothing; saturates instead of
 * overflowing. */
int fit_memory_check(size_t nseq, size_t L, size_t q, size_t nthreads, const fit_opts *o, size_t mem,
                     plm_err *err);

/* Fit the kept sequences of M with weights W (one per kept sequence, NULL = all 1; the
 * objective uses w_s / sum(w)).  Identical sequences are merged first (their weights summed).
 * On success *OUT gets a new model (rule "plm") with h, J, the per-site records and every
 * provenance field fit_model knows (lambdas, tol, max_iter, nseq_in, nseq, nunique, meff,
 * source, version, col, resnum, focus, ncol_in, refseq, and the gap filters M was read
 * with).  The caller sets theta (of the weights it gives) and cmdline.  Refuses with PLM_ERANGE a problem whose memory exceeds the physical memory.
 * Results are bit-identical for any number of threads.  q = 2 takes the dense logistic path
 * of plm.h (same objective, same meaning of tol); it calls BLAS inside the OpenMP region and
 * sets OpenBLAS to one thread. */
int fit_model(const msa *m, const double *w, const fit_opts *o, plm_model **out, plm_err *err);

/* fit_model for the sites LO .. HI - 1 only (one process's share of a divided fit, cluster.h):
 * *OUT holds those rows of J (model_create_rows), and h and the per-site records of those sites
 * (the others are 0).  Each site's fit is the same as in fit_model: the rows are bit-identical
 * to fit_model's.  --symmetric refuses a part. */
int fit_model_rows(const msa *m, const double *w, const fit_opts *o, size_t lo, size_t hi, plm_model **out,
                   plm_err *err);

/* Divide the L sites of M into NPARTS ranges of about equal expected cost, in order:
 * part k fits sites BOUNDS[k] .. BOUNDS[k + 1] - 1 (BOUNDS: NPARTS + 1 values, 0 .. L).  A
 * site's expected cost is 12 + the number of states observed in its column (its regression's
 * classes): its expected number of L-BFGS evaluations, up to a factor (see fit.c). */
void fit_split(const msa *m, size_t nparts, size_t *bounds);

#endif
