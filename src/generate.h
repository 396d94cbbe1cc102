/* generate: synthetic binary (+-1 spin) data sets for the memorization experiments: random
 * patterns and the random-features (hidden manifold) model, with a held-out test set.
 * It draws and writes to streams it is given; it opens no files and never prints itself. */
#ifndef PLMEM_GENERATE_H
#define PLMEM_GENERATE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"

typedef enum gen_kind {
	GEN_RANDOM = 0, /* independent, equiprobable +-1 spins */
	GEN_FEATURES    /* xi = sign(sum_k c_k f_k), Lf non-zero c_k = +-1 among D features */
} gen_kind;

typedef enum gen_format {
	GEN_FORMAT_LINES = 0, /* one pattern per line of 0/1 characters (0: -1, 1: +1) */
	GEN_FORMAT_FASTA,     /* ">p1" then the 0/1 line */
	GEN_FORMAT_NUMBERS    /* one pattern per line: "+1 -1 ..." separated by single spaces */
} gen_format;

typedef struct gen_opts {
	gen_kind kind;
	size_t N;      /* spins per pattern */
	size_t P;      /* training patterns */
	size_t P_test; /* test patterns, drawn like the training ones (same features) */
	size_t D;      /* features (GEN_FEATURES) */
	size_t Lf;     /* non-zero coefficients per pattern (GEN_FEATURES), 1 <= Lf <= D */
	uint64_t seed;
} gen_opts;

/* Defaults (the paper's random-features settings where it gives them). */
#define GEN_DEF_N 1000
#define GEN_DEF_P 100
#define GEN_DEF_D 100
#define GEN_DEF_LF 3
#define GEN_DEF_SEED 1

void gen_opts_default(gen_opts *o);

/* A drawn data set.  Spins are int8 +-1.  Training pattern mu, test pattern t and feature k
 * each have their own random stream of SEED, so the training set is the same whatever the
 * number of test patterns, the first P patterns are those of any larger P, and nothing
 * depends on the order of drawing. */
typedef struct gen_set {
	gen_opts o;
	int8_t *train;    /* P x N */
	int8_t *test;     /* P_test x N, or NULL when P_test = 0 */
	int8_t *features; /* D x N, or NULL for GEN_RANDOM */
	uint32_t *cidx;   /* (P + P_test) x Lf: feature indices (0-based, ascending), or NULL */
	int8_t *csign;    /* (P + P_test) x Lf: the coefficients c = +-1 at those indices */
	uint64_t nties;   /* sites where sum_k c_k f_k was 0 (only for even Lf): sign drawn +-1 */
} gen_set;

/* Draw a data set.  Fails with PLM_EINVAL for N = 0, P = 0, or (features) Lf outside
 * [1, D]; with PLM_ERANGE when the sizes overflow. */
int gen_run(const gen_opts *o, gen_set **out, plm_err *err);
void gen_destroy(gen_set *g);

/* Write N-spin patterns X (n x N, +-1) to FP in format FMT; FASTA names are PREFIX1, PREFIX2...
 * PLM_EIO when the stream reports an error. */
int gen_write_spins(FILE *fp, const int8_t *x, size_t n, size_t N, gen_format fmt,
                    const char *prefix, plm_err *err);

/* Write the coefficients as a TSV table with the header "set pattern feature coef": one row
 * per non-zero coefficient, set "train" or "test", pattern and feature numbered from 1 (the
 * rows of the pattern and feature files).  PLM_EINVAL for a GEN_RANDOM set. */
int gen_write_coefficients(FILE *fp, const gen_set *g, plm_err *err);

/* "random"/"features" and "lines"/"fasta"/"numbers"; -1 when unknown. */
int gen_kind_parse(const char *s, gen_kind *k);
int gen_format_parse(const char *s, gen_format *f);
/* The names of the formats, indexed by gen_format, NULL-terminated. */
extern const char *const gen_format_names[];

#endif
