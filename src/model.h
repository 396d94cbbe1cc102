/* model: the in-memory Potts model (fields h, couplings J, the map to the user's columns,
 * training settings and per-site convergence) and its versioned binary file format
 * (magic, version, little-endian fields, CRC32), documented in plmem-model(5).
 * It stores and checks; it never prints. */
#ifndef PLMEM_MODEL_H
#define PLMEM_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "alphabet.h"
#include "err.h"
#include "msa.h"

/* The version of the file format that model_write writes (model_read reads 1 to this).
 * Version 2 added the statistics section (the training data's weights and frequencies). */
#define MODEL_FORMAT_VERSION 2u

/* Per-site convergence status, and its name ("converged", "max-iter", "line-search",
 * "not-fitted"; "unknown" beyond). */
enum model_site_status { SITE_CONVERGED = 0, SITE_MAX_ITER, SITE_LINESEARCH, SITE_NOT_FITTED };
const char *model_site_status_name(unsigned s);

/* The learning rules a model records (plm_model.rule), one name each. */
#define MODEL_RULE_PLM "plm"         /* pseudo-likelihood, asymmetric couplings (fit.h) */
#define MODEL_RULE_PLM_SYM "plm-sym" /* pseudo-likelihood, symmetric couplings (fitsym.h) */
#define MODEL_RULE_HEBB "hebb"       /* Hebbian baseline (hebb.h) */
#define MODEL_RULE_PLMC "plmc"       /* imported from a plmc parameter file (import.h) */
#define MODEL_RULE_CCMPRED "ccmpred" /* imported from CCMpred raw couplings (import.h) */

typedef struct plm_model {
	size_t L;            /* positions */
	size_t q;            /* states */
	plm_alphabet abc;
	float *h;            /* L x q: h[i * q + a] */
	float *J;            /* L x L x q x q: J[((i * L + j) * q + a) * q + b] = J_ij(a, b), with a the
	                        state at i and b the state at j; J_ii = 0.  Asymmetric as fitted. */
	size_t row0, nrows;  /* the rows i of J held: row0 .. row0 + nrows - 1, at J + (i - row0) * L * q * q
	                        (0 and L for a whole model; a share of a divided fit holds fewer, cluster.h) */

	/* the user's numbering */
	size_t ncol_in;      /* columns of the training alignment (after insert removal) */
	size_t *col;         /* position -> 0-based column of the training alignment */
	long *resnum;        /* position -> focus residue number, or NULL without a focus */
	char *focus;         /* focus sequence name, or NULL */
	char *refseq;        /* L letters of the focus (else the first) training sequence, or NULL */

	/* training settings and data (provenance) */
	char rule[16];       /* one of the MODEL_RULE_* above */
	double lambda_h, lambda_j, theta, max_gap_seq, max_gap_col, tol;
	int no_fields;       /* 1 when h was fixed at 0 */
	uint64_t max_iter;
	uint64_t nseq_in;    /* sequences read */
	uint64_t nseq;       /* sequences kept */
	uint64_t nunique;    /* distinct kept sequences */
	double meff;         /* sum of the weights */
	char *source;        /* training alignment path */
	char *cmdline;       /* command line that made the model */
	char *version;       /* plmem version that made it */

	/* per-site convergence (NULL for rules with no optimisation) */
	uint32_t *iters;     /* L: L-BFGS iterations */
	uint32_t *evals;     /* L: objective + gradient evaluations */
	uint8_t *status;     /* L: enum model_site_status */
	double *gnorm;       /* L: final gradient norm */
	double *fx;          /* L: final objective (regularised negative log-pseudo-likelihood) */

	/* what the model knows of its training data (the statistics section of plmem-model(5));
	 * NULL / 0 when not known: a model read from a version-1 file, a CCMpred import, a rule
	 * that does not record them, or a list or table larger than the rules of model_stats.h */
	size_t nweights;     /* entries of weights: nseq_in when the per-sequence list is kept, else 0 */
	double *weights;     /* nweights: the weight w_s of each input sequence, in input order; 0 for
	                        a sequence the filters dropped */
	float *fi;           /* L x q: weighted single-site frequencies fi[i * q + a] = f_i(a) */
	float *fij;          /* pairs i < j in order (i = 0: j = 1 .. L - 1, then i = 1, ...), q x q
	                        each: f_ij(a, b), a the state at i; model_fij(m, i, j) */
	double lambda_group; /* plmc's group penalty on the couplings (0 for plmem's rules) */

	unsigned file_version; /* the format version of the file it was read from; 0 when not read */
} plm_model;

/* A zeroed model with h, J, col and the per-site arrays allocated.  Refuses (PLM_ERANGE)
 * sizes whose J would not fit in memory, with a message giving the bytes needed. */
int model_create(size_t L, size_t q, plm_model **out, plm_err *err);
/* The same holding only the rows ROW0 .. ROW0 + NROWS - 1 of J (h, col and the per-site arrays
 * stay whole): one process's share of a divided fit. */
int model_create_rows(size_t L, size_t q, size_t row0, size_t nrows, plm_model **out, plm_err *err);

/* *OUT = bytes of the couplings J (L x L x q x q floats); returns 0, or -1 on overflow.
 * Every memory estimate takes J's size from here. */
int model_j_bytes(size_t L, size_t q, size_t *out);
void model_destroy(plm_model *m);

static inline float *model_J(const plm_model *m, size_t i, size_t j)
{
	return m->J + ((i - m->row0) * m->L + j) * m->q * m->q;
}

/* Number of pairs i < j: L (L - 1) / 2, and the floats of the pair frequencies (times q^2);
 * 0 on overflow of the second. */
size_t model_npairs(size_t L);
size_t model_fij_floats(size_t L, size_t q);

/* The block f_ij (i < j) of the pair frequencies. */
static inline float *model_fij(const plm_model *m, size_t i, size_t j)
{
	/* pairs before row i: sum_{k < i} (L - 1 - k) = i (2L - i - 1) / 2 */
	size_t p = i * (2 * m->L - i - 1) / 2 + (j - i - 1);
	return m->fij + p * m->q * m->q;
}

/* Free and clear the statistics (weights, f_i, f_ij). */
void model_drop_stats(plm_model *m);

/* Write through a temporary file and rename(); read checks magic, version, sizes against
 * the file length and the CRC32, and names the problem when it refuses a file. */
int model_write(const plm_model *m, const char *path, plm_err *err);
int model_read(const char *path, plm_model **out, plm_err *err);

/* Writing in parts, for a model whose rows of J are spread over processes (cluster.c), the file
 * byte for byte what model_write writes.  model_out_open writes the header, metadata and h of M
 * (its J is not read) to a temporary file beside PATH; model_out_rows appends the next NROWS
 * rows of J, in order; model_out_close appends the CRC32 and renames the file to PATH when all
 * L rows came (else it fails and removes the file, as model_out_abort does).  The CRC of the
 * rows is CRC (model_rows_crc of those rows, computed where they are held, combined here with
 * crc32_combine) or, CRC NULL, computed while writing. */
typedef struct model_out model_out;
int model_out_open(const plm_model *m, const char *path, model_out **out, plm_err *err);
uint32_t model_rows_crc(const plm_model *m, const float *rows, size_t nrows);
int model_out_rows(model_out *o, const float *rows, size_t nrows, const uint32_t *crc, plm_err *err);
int model_out_close(model_out *o, plm_err *err);
void model_out_abort(model_out *o);

/* Position i (0-based) in the user's numbering: the focus residue number when the model has
 * a focus, else the 1-based column of the training alignment. */
long model_user_index(const plm_model *m, size_t i);

/* Free and clear the per-site convergence arrays (rules with no optimisation have none). */
void model_drop_convergence(plm_model *m);

/* The kept sequences of S mapped onto M's positions: *OUT gets S->n x M->L states (free()
 * it; one row of zeros when S has none).  S holds either the columns of M's training
 * alignment (mapped through M->col) or exactly M's L positions, read with no column filter.
 * PLM_EINVAL with "PATH: N columns, but the model ..." when it holds neither. */
int model_map_sequences(const plm_model *m, const msa *s, uint8_t **out, plm_err *err);

/* Read the alignment PATH (format FMT, unknown letters by policy UNKNOWN) in M's alphabet with
 * no sequence or column filter, and map its kept sequences onto M's positions
 * (model_map_sequences): *SP the alignment (msa_destroy), *SEQS its S->n x M->L states (free). */
int model_read_sequences(const plm_model *m, const char *path, msa_format fmt, msa_unknown_policy unknown,
                         msa **sp, uint8_t **seqs, plm_err *err);

/* Record what every rule takes from its training alignment M: the alphabet, the map to the
 * user's columns (col, ncol_in, resnum, focus), the reference sequence (the focus row when
 * it is kept, else the first kept row), the sequence counts, the reading options that shaped
 * it (the gap filters), the source path and plmem's version.  MOD must come from model_create(M->L, M->abc.q). */
int model_copy_alignment(plm_model *mod, const msa *m, plm_err *err);

/* Move M to the zero-sum gauge in place: every block J_ij is double-centred (its rows and
 * columns sum to 0) and the fields absorb what the rows lose, then are centred too
 *   J_ij(a,b) <- J_ij(a,b) - r_ij(a) - c_ij(b) + m_ij,   h_i(a) <- h_i(a) + sum_j (r_ij(a) - m_ij)
 * (r, c, m: the block's row, column and overall means), then h_i(a) <- h_i(a) - mean_a h_i(a);
 * the c_ij(b) terms and the constants do not depend on a_i, so every conditional P(a_i | rest), and with
 * it the zero-temperature dynamics, is unchanged.  Computed in double precision. */
void model_gauge_zero_sum(plm_model *m);

/* Convergence summary over the sites (have = 0 when the model has no per-site records). */
typedef struct model_conv {
	int have;
	size_t nstatus[SITE_NOT_FITTED + 1]; /* sites per enum model_site_status */
	uint32_t iters[3], evals[3];         /* min, median, max */
	double max_gnorm;
	size_t max_gnorm_site;               /* 0-based */
	double total_fx;                     /* sum of the per-site objectives */
} model_conv;

int model_conv_summary(const plm_model *m, model_conv *s, plm_err *err);

#endif
