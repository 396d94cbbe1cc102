/* alphabet: letters <-> states for the protein, RNA, DNA, binary and custom alphabets.
 * Knows nothing about files. */
#ifndef PLMEM_ALPHABET_H
#define PLMEM_ALPHABET_H

#include <stddef.h>

#include "err.h"

/* The largest number of states, the one bound every module checks q against (the model
 * file, the kernels' per-state tables); states are stored as uint8_t. */
#define ALPHABET_MAXQ 64
_Static_assert(ALPHABET_MAXQ >= 2 && ALPHABET_MAXQ <= 255, "states are stored in one byte");
#define ALPHABET_UNKNOWN (-1) /* a known ambiguous or unknown letter (X, B, Z, N, ...) */
#define ALPHABET_INVALID (-2) /* a byte that no alphabet letter or ambiguity code explains */

typedef struct plm_alphabet {
	char name[ALPHABET_MAXQ + 8]; /* "protein", "rna", "dna", "binary" or the custom letters */
	size_t q;                      /* number of states */
	char letters[ALPHABET_MAXQ + 1]; /* canonical letter of each state, NUL-terminated */
	int gap;                       /* state of the gap, or -1 when the alphabet has none */
	signed char map[256];          /* byte -> state, ALPHABET_UNKNOWN or ALPHABET_INVALID */
} plm_alphabet;

/* SPEC: "protein" (gap then ACDEFGHIKLMNPQRSTVWY, q = 21), "rna" (-ACGU), "dna" (-ACGT),
 * "binary" (q = 2: state 0 written 0 or -, state 1 written 1 or +), or a custom string of
 * distinct printable letters (a '-' in it is the gap).  Lowercase maps like uppercase
 * unless the custom string holds both cases. */
int alphabet_init(plm_alphabet *a, const char *spec, plm_err *err);

static inline int alphabet_state(const plm_alphabet *a, unsigned char c)
{
	return a->map[c];
}

static inline char alphabet_letter(const plm_alphabet *a, int state)
{
	return a->letters[state];
}

/* 1 when both alphabets have the same states in the same order. */
int alphabet_equal(const plm_alphabet *a, const plm_alphabet *b);

#endif
