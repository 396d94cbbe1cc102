/* cluster: fit and relax divided among the processes (ranks) of an MPI run (mpirun, srun).
 * Only src/cluster.c includes mpi.h, and it is compiled only in a build configured --with-mpi;
 * in the plain build every function below is its one-process fallback, inline here.  Library
 * code: it never prints.  Every function is collective (all ranks call it, in the same order)
 * and the ranks agree on failures: all return the same status, with the message of the first
 * rank that failed. */
#ifndef PLMEM_CLUSTER_H
#define PLMEM_CLUSTER_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"
#include "fit.h"
#include "model.h"
#include "msa.h"

#ifdef PLMEM_MPI

/* "yes: " and the first line of the MPI library's version, for plmem --version. */
void cluster_library(char *buf, size_t n);

/* MPI_Init (threads: funneled, OpenMP threads never call MPI) and MPI_Finalize; a run started
 * without mpirun is one rank.  cluster_init returns -1 when MPI cannot start. */
int cluster_init(int *argc, char ***argv);
void cluster_finalize(void);
size_t cluster_rank(void);
size_t cluster_size(void);

/* PLM_OK when every rank's ST is PLM_OK; else every rank returns the status of the lowest rank
 * that failed and gets its message in ERR (prefixed with "rank R: " when R is not 0). */
int cluster_agree(int st, plm_err *err);

/* fit_model across the ranks: the sites divided by expected cost (fit_split), each rank fitting
 * its sites with its OpenMP threads; *OUT on every rank holds the whole h and per-site records
 * and only the rank's own rows of J.  Binary data (q = 2, the batched fit) are fitted by rank 0
 * alone: dividing them would change the last bits. */
int cluster_fit(const msa *m, const double *w, const fit_opts *o, plm_model **out, plm_err *err);

/* model_write of a model whose rows of J are spread over the ranks as cluster_fit leaves them:
 * rank 0 writes the file, receiving the other ranks' rows in order, in blocks of at most
 * CLUSTER_BLOCK_BYTES with the CRC32 of each block computed by its sender.  No file is left
 * when any rank fails. */
#define CLUSTER_BLOCK_BYTES ((size_t)64 << 20)
int cluster_write_model(const plm_model *mod, const char *path, plm_err *err);

/* The share of N equal-cost items (relax's starts) of this rank: LO .. HI - 1, in rank order. */
void cluster_share(size_t n, size_t *lo, size_t *hi);

/* Rank 0 appends to FP the LEN bytes of BUF of every other rank, in rank order (the ranks' parts
 * of an output, each formatted where it was computed); FP is only used on rank 0. */
int cluster_append(FILE *fp, const char *buf, size_t len, plm_err *err);

/* Sum X (N doubles) over the ranks, in rank order, into X on every rank; same for counts. */
int cluster_sum(double *x, size_t n, plm_err *err);
int cluster_sum_sizes(size_t *x, size_t n, plm_err *err);

#else /* one process */

static inline void cluster_library(char *buf, size_t n)
{
	snprintf(buf, n, "no (configure --with-mpi for fit and relax across processes)");
}
static inline int cluster_init(int *argc, char ***argv) { (void)argc; (void)argv; return 0; }
static inline void cluster_finalize(void) {}
static inline size_t cluster_rank(void) { return 0; }
static inline size_t cluster_size(void) { return 1; }
static inline int cluster_agree(int st, plm_err *err) { (void)err; return st; }
static inline int cluster_fit(const msa *m, const double *w, const fit_opts *o, plm_model **out, plm_err *err)
{
	return fit_model(m, w, o, out, err);
}
static inline int cluster_write_model(const plm_model *mod, const char *path, plm_err *err)
{
	return model_write(mod, path, err);
}
static inline void cluster_share(size_t n, size_t *lo, size_t *hi) { *lo = 0; *hi = n; }
static inline int cluster_append(FILE *fp, const char *buf, size_t len, plm_err *err)
{
	(void)fp; (void)buf; (void)len; (void)err;
	return PLM_OK;
}
static inline int cluster_sum(double *x, size_t n, plm_err *err) { (void)x; (void)n; (void)err; return PLM_OK; }
static inline int cluster_sum_sizes(size_t *x, size_t n, plm_err *err)
{
	(void)x; (void)n; (void)err;
	return PLM_OK;
}

#endif
#endif
