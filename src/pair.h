/* pair: a concatenated alignment of two interacting proteins built from their two alignments
 * by species (the EVcomplex protocol): in each alignment, per species, the sequence most
 * identical to that alignment's first (focus) sequence; species present in both are paired and
 * written as one row, protein A's columns then protein B's, the two focus sequences first.
 * It reads, pairs and writes; it never prints. */
#ifndef PLMEM_PAIR_H
#define PLMEM_PAIR_H

#include <stddef.h>

#include "err.h"

/* Where a sequence's species comes from:
 *   PAIR_KEY_OX    the taxon id: UniProt's 'OX=562' (UniRef's 'TaxID=562') in the header;
 *   PAIR_KEY_OS    the organism name: UniProt's 'OS=Escherichia coli (strain K12)' up to the
 *                  next ' XX=' field (UniRef's 'Tax=');
 *   PAIR_KEY_NAME  the NAME_SPECIES convention of the sequence name: 'TRPA_ECOLI/1-200' and
 *                  'tr|P0A877|TRPA_ECOLI' give ECOLI (the text after the last '_' of the name,
 *                  its '/range' and any 'db|accession|' prefix removed);
 *   PAIR_KEY_AUTO  OX when it gives a key to at least half of the sequences of each
 *                  alignment, else OS by the same rule, else NAME. */
typedef enum pair_key { PAIR_KEY_AUTO = 0, PAIR_KEY_OX, PAIR_KEY_OS, PAIR_KEY_NAME } pair_key;

#define PAIR_DEFAULT_KEY auto

/* "auto", "ox", "os", "name" -> the key; -1 for anything else. */
int pair_parse_key(const char *s, pair_key *k);
const char *pair_key_name(pair_key k);

/* The species of one sequence (NAME: its name, the header's first word; DESC: the rest of the
 * header, "" when none) by key K (not AUTO), into BUF (N bytes).  Returns 1 with a key, 0
 * when the sequence has none, -1 when the header holds the field malformed ('OX=' without a
 * number, an empty 'OS='); then BUF holds the reason. */
int pair_species(const char *name, const char *desc, pair_key k, char *buf, size_t n);

/* What became of one alignment's sequences: every input sequence is counted once. */
typedef struct pair_side {
	size_t nin;           /* sequences read */
	size_t no_key;        /* no species key of the kind used: dropped */
	size_t lost;          /* another sequence of its species is more identical to the focus */
	size_t unpaired;      /* the best hit of a species absent from the other alignment */
	size_t focus_species; /* the best hit of a species whose other best hit is a focus sequence
	                       * (the focus row stands for it) */
	size_t paired;        /* written with a partner (the focus row not counted) */
	size_t focus;         /* 1: the focus sequence, the first row */
	size_t cols_in;       /* aligned columns (after insert states are removed) */
	size_t cols;          /* columns written: those where the focus has a residue */
	size_t unknown_gap;   /* ambiguous or unknown letters (X, B, Z...) written as gaps */
	char focus_name[128]; /* the focus sequence's name (truncated) */
} pair_side;

typedef struct pair_result {
	pair_key key;      /* the key used (never AUTO) */
	size_t rows;       /* rows written, the focus row included */
	size_t boundary;   /* protein B's first position in the output (1-based): side[0].cols + 1,
	                    * the value of plmem contacts --segments */
	pair_side side[2];
} pair_result;

/* Pair the alignments A and B (any format msa_read reads, gzip too; protein alphabet; the
 * first sequence of each is its focus) by key K and write the concatenated alignment to OUT
 * ("-": standard output) as FASTA, through a temporary file.  Columns: those where the focus
 * has a residue, A's then B's.  Rows: the two focus sequences joined (named 'FOCUSA+FOCUSB',
 * their '/range' removed; description 'segments=B key=K'), then per species present in both,
 * in the order of A's best hits, the two best hits joined ('NAMEA+NAMEB', description the key).
 * Best hit: the highest identity to the focus over the written columns; ties go to the
 * sequence first in the file.  Refuses (with the file and line) a malformed species field and
 * (PLM_EINVAL) alignments with no species in common. */
int pair_build(const char *a, const char *b, pair_key k, const char *out, pair_result *res, plm_err *err);

#endif
