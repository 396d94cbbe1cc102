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

/* An alphabet that reads every one of LETTERS (distinct bytes, NUL-terminated, in the order
 * they first appear in a file; '.' left out, every alphabet reads it): the first built-in one
 * of binary, dna (rna when a letter is U), protein with a state or an ambiguity code for each
 * letter, else the custom alphabet of the letters in that order (a letter whose other case
 * came first is left out: one state reads both cases) -- unless CURRENT, the alphabet that
 * failed, has a state for more than half of them (then the file more likely holds a few stray
 * bytes than another alphabet).  Writes the spec to OUT (N bytes) and returns 1 (built-in) or
 * 2 (custom); 0 when there is none (that case, fewer than 2 or more than ALPHABET_MAXQ
 * letters, or a letter no alphabet may hold). */
int alphabet_suggest(const char *letters, const plm_alphabet *current, char *out, size_t n);
/* The alphabet "any": no state, every printable letter ALPHABET_UNKNOWN (accepted and
 * ignored), for reading a file to see which letters it holds (alphabet_suggest). */
void alphabet_any(plm_alphabet *a);

/* Guessing the alphabet of a file from its residue composition (the rule msa_read applies
 * when no alphabet is given).  Letters are the bytes of the sequences other than gaps ('-'
 * '.'), whitespace and the stop/unknown marks '*' '~'; nucleotide codes are A C G T U N in
 * either case:
 *   no letter                                  -> protein ("no residues")
 *   every letter 0, 1 or +                     -> binary
 *   nucleotide codes >= ALPHABET_GUESS_NUCLEIC -> rna when U outnumbers T, else dna
 *   nucleotide codes <  ALPHABET_GUESS_PROTEIN -> protein (natural proteins hold ~25-35% of
 *                                                A C G T N; glycine/alanine-rich ones ~50%)
 *   in between, with a letter no nucleotide alphabet reads (E F I J L O P Q Z) -> protein
 *   in between, fewer than ALPHABET_GUESS_MIN letters -> protein (too few to tell)
 *   in between otherwise                       -> no guess: the caller refuses and names
 *                                                --alphabet. */
#define ALPHABET_GUESS_NUCLEIC 0.90
#define ALPHABET_GUESS_PROTEIN 0.75
#define ALPHABET_GUESS_MIN 20
/* COUNTS[c]: occurrences of byte c in the sequences.  Writes the spec ("protein", "dna",
 * "rna", "binary") to SPEC (N bytes) and the reason to WHY (WN bytes, e.g. "guessed from
 * 99.8% A/C/G/T/U/N") and returns 1; returns 0 when the composition is not clear (SPEC
 * empty, WHY the composition and the two alphabets it lies between). */
int alphabet_guess(const size_t counts[256], char *spec, size_t n, char *why, size_t wn);

/* 1 when both alphabets have the same states in the same order. */
int alphabet_equal(const plm_alphabet *a, const plm_alphabet *b);

#endif
