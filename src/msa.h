/* msa: an alignment read from a file (FASTA, A2M, A3M, Stockholm, one-sequence-per-line,
 * binary patterns; gzip or stdin), encoded in an alphabet, with the sequence and column
 * filters applied and the map from model positions back to the user's columns.
 * It parses and filters; it computes no statistics (see weights). */
#ifndef PLMEM_MSA_H
#define PLMEM_MSA_H

#include <stddef.h>
#include <stdint.h>

#include "alphabet.h"
#include "err.h"

typedef enum msa_format {
	MSA_FORMAT_AUTO = 0, /* detect from the content */
	MSA_FORMAT_FASTA,    /* FASTA; lowercase letters are ordinary residues */
	MSA_FORMAT_A2M,      /* FASTA whose lowercase letters and '.' are insert states, removed */
	MSA_FORMAT_A3M,      /* as A2M, rows may differ in raw length */
	MSA_FORMAT_STOCKHOLM,
	MSA_FORMAT_LINES,    /* one sequence per line, no names (PSICOV/CCMpred .aln; 0/1 patterns) */
	MSA_FORMAT_NUMBERS,  /* one pattern per line as whitespace-separated numbers (+1/-1, 0/1) */
	MSA_FORMAT_CLUSTAL   /* Clustal/ALN: a "CLUSTAL" (or MUSCLE, PROBCONS) header, blocks of NAME SEQ */
} msa_format;

/* What to do with a letter the alphabet calls ambiguous or unknown (X, B, Z, N, ...). */
typedef enum msa_unknown_policy {
	MSA_UNKNOWN_GAP = 0, /* read it as a gap (alphabets without a gap: drop the sequence) */
	MSA_UNKNOWN_DROP,    /* drop the sequence (reported by plmem weights) */
	MSA_UNKNOWN_REJECT   /* fail with FILE:LINE */
} msa_unknown_policy;

typedef struct msa_opts {
	msa_format format;          /* MSA_FORMAT_AUTO by default */
	const char *alphabet;       /* spec for alphabet_init(); NULL = "protein" */
	const char *focus;          /* focus sequence name (plmc's focus mode), or NULL */
	msa_unknown_policy unknown;
	double max_gap_seq;         /* drop sequences whose gap fraction exceeds this (1 = keep all) */
	double max_gap_col;         /* drop columns whose gap fraction exceeds this (1 = keep all) */
} msa_opts;

/* Defaults (shown by -h through PLM_STR). */
#define MSA_DEFAULT_UNKNOWN drop  /* a name for msa_unknown_parse() */
#define MSA_DEFAULT_MAX_GAP_SEQ 1
#define MSA_DEFAULT_MAX_GAP_COL 1

void msa_opts_default(msa_opts *o);

/* Why an input sequence is not in the kept set. */
enum msa_seq_status { MSA_KEPT = 0, MSA_DROP_UNKNOWN, MSA_DROP_GAPS };

typedef struct msa {
	plm_alphabet abc;
	msa_format format;   /* the format read (detected or forced) */
	char *path;          /* as given ("-" for stdin) */

	/* every input sequence, in input order */
	size_t nin;
	char **in_names;          /* first word of the FASTA header / Stockholm name; "1", "2"... for lines and numbers */
	unsigned char *in_status; /* enum msa_seq_status */
	size_t ncol_in;           /* aligned columns of the input, after insert states are removed */

	/* the kept sequences and columns */
	size_t n;          /* kept sequences */
	size_t L;          /* kept columns (model positions) */
	uint8_t *seq;      /* n x L states, row-major: seq[s * L + i] */
	size_t *in_index;  /* kept sequence s -> its input index */
	size_t *col;       /* position i -> 0-based column of the aligned input */
	long *resnum;      /* position i -> focus residue number, or NULL without a focus: START of
	                    * NAME/START-END (1 without a range) plus the focus residues (either case)
	                    * before it */
	char *focus;       /* the focus sequence's full name (e.g. DYR_ECOLI/1-159), or NULL */

	/* how it was read, for the summary (msa_notes) */
	char abc_why[192];   /* why this alphabet: "--alphabet", "guessed from 99.8% A/C/G/T/U/N"... */
	char fmt_why[96];    /* why insert states were removed or not (FASTA family, Stockholm) */
	size_t nlower;       /* lowercase letters read as residues (insert states not removed) */
	size_t nlower_cols;  /* aligned columns holding them */
	size_t ninsert_lower, ninsert_dot; /* insert states removed: lowercase letters, '.' */
	size_t nunknown_gap; /* ambiguous or unknown letters read as gaps (MSA_UNKNOWN_GAP) */

	/* the reading options that shaped it (provenance: model_copy_alignment records them) */
	msa_unknown_policy unknown;
	double max_gap_seq, max_gap_col;
} msa;

/* Read PATH ("-": stdin; gzip detected by content).  On failure *out is NULL and ERR holds
 * "PATH:LINE: problem".  OPTS may be NULL (defaults).
 * Detection (opts->format == MSA_FORMAT_AUTO): '>' first -> FASTA family, whose insert
 * states (lowercase letters and '.') are removed only when removing them leaves rows of one
 * non-zero length and either the raw rows differ in length (A3M), or a '.' occurs, or the
 * file is named *.a2m / *.a3m (A2M); otherwise plain FASTA: lowercase letters are residues
 * (upper-cased, counted in nlower) and '.' a gap.  "# STOCKHOLM" -> Stockholm (inserts
 * removed when that leaves equal rows); "CLUSTAL", "MUSCLE (" or "PROBCONS" -> Clustal;
 * otherwise lines, or numbers when the first data line holds several whitespace-separated
 * fields.  opts->alphabet NULL: binary for numbers, else guessed from the letters' composition
 * (alphabet_guess; an unclear composition fails naming --alphabet); m->abc_why says which.
 * Order of the filters: focus columns; unknown letters in those columns (opts->unknown);
 * opts->max_gap_seq over those columns; opts->max_gap_col over the kept sequences. */
int msa_read(const char *path, const msa_opts *opts, msa **out, plm_err *err);
void msa_destroy(msa *m);

/* The conversions msa_read made, one line each ending in '\n' (nothing when there were
 * none), into BUF (N bytes): lowercase letters read as residues or removed as insert states,
 * with the rule that decided; unknown letters read as gaps.  Returns the number of lines. */
size_t msa_notes(const msa *m, char *buf, size_t n);

const char *msa_format_name(msa_format f);
/* "fasta", "a2m", "a3m", "stockholm", "lines", "numbers", "clustal" or "auto", and the
 * usual file-extension names: "fa", "fas", "fna", "faa" (fasta), "sto", "stk" (stockholm),
 * "aln" (clustal when the file opens with a Clustal header, else lines: PSICOV's .aln),
 * "psicov" (lines); -1 when unknown. */
int msa_format_parse(const char *name, msa_format *f);
/* "gap", "drop", "reject"; msa_unknown_parse returns -1 for another name. */
const char *msa_unknown_name(msa_unknown_policy p);
int msa_unknown_parse(const char *name, msa_unknown_policy *p);
/* "kept", "dropped:unknown-letter", "dropped:gaps" for an in_status value. */
const char *msa_status_name(int status);

#endif
