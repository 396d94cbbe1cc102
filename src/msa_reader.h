/* msa_reader: the private half of msa (msa.c, msa_reader.c and split.c include it, not part of
 * msa.h's API): the raw records of one input and the parsers that fill them.  It reports
 * through plm_err and returns a status; no encoding, filters or printing. */
#ifndef PLMEM_MSA_READER_H
#define PLMEM_MSA_READER_H

#include <ctype.h>
#include <stddef.h>

#include "alphabet.h"
#include "err.h"
#include "msa.h"

/* Where a line's sequence characters start: raw index within the record, file line, byte
 * offset in the input buffer.  Used to name the line and column of a letter later. */
typedef struct msa_seg {
	size_t raw, line, off;
} msa_seg;

typedef struct msa_rec {
	char *name;
	size_t line;  /* line of the header (or of the sequence for lines/numbers) */
	char *s;      /* raw characters, whitespace removed */
	size_t len, cap;
	msa_seg *segs;
	size_t nseg, segcap;
	size_t blk, blkraw, blkline; /* Stockholm: last block (1-based) with a line of this name */
} msa_rec;

typedef struct msa_reader {
	const char *path;
	const char *buf;
	size_t len;
	const plm_alphabet *abc;
	msa_rec *r;
	size_t n, cap;
	size_t *ht, htcap; /* Stockholm: name -> record index + 1, open addressing */
	plm_err *err;
	int bad_letter;    /* a parser failed on a letter outside abc */
} msa_reader;

/* The decompressed content of PATH ("-": stdin), NUL-terminated, in *OUT (free() it). */
int msa_reader_slurp(const char *path, char **out, size_t *outlen, plm_err *err);
/* Free the records and the name table of RD (not RD itself, nor its buffer). */
void msa_reader_clear(msa_reader *rd);
/* Free one record's characters and line segments (its name stays), once they are used. */
void msa_reader_release(msa_rec *r);

/* Each parser appends one record per sequence of RD's buffer, checking every letter against
 * rd->abc; a malformed input fails with "PATH:LINE[:COL]: problem". */
int msa_reader_parse_fasta(msa_reader *rd);     /* FASTA, A2M, A3M */
int msa_reader_parse_stockholm(msa_reader *rd);
int msa_reader_parse_lines(msa_reader *rd);     /* one sequence per line, named "1", "2"... */
int msa_reader_parse_numbers(msa_reader *rd);   /* whitespace-separated 0/1, +1/-1; q = 2 only */
int msa_reader_parse_clustal(msa_reader *rd);   /* Clustal/ALN blocks after the header line */

/* Locate raw character K of record R: file line and byte column. */
void msa_reader_locate(const msa_reader *rd, const msa_rec *r, size_t k, size_t *line, size_t *col);
/* C as a message shows it: 'A', or byte 0x01 when it is not printable; TMP holds N bytes. */
const char *msa_reader_letter(unsigned char c, char *tmp, size_t n);

/* Content sniffing for format detection (msa_read decides).
 * The first non-space character of BUF[0..LEN), or NULL; *LINE its 1-based line. */
const char *msa_reader_first_content(const char *buf, size_t len, size_t *line);
/* Neither FASTA nor Stockholm: numbers when the first data line holds several
 * whitespace-separated fields, else lines. */
msa_format msa_reader_detect_plain(const char *buf, size_t len);
/* 1 when every non-comment character is one of 0 1 + - and at least one is 0, 1 or +. */
int msa_reader_looks_binary(const char *buf, size_t len);
/* 1 when the line at P (the first content of a file) is a Clustal header: "CLUSTAL",
 * "MUSCLE (" or "PROBCONS". */
int msa_reader_is_clustal(const char *p, const char *end);
/* Add to COUNTS[c] the occurrences of each byte c in the sequence text of BUF as FAMILY's
 * parser reads it (headers, names, annotation, comments and Clustal's conservation lines
 * left out), for alphabet_guess. */
void msa_reader_count_letters(const char *buf, size_t len, msa_format family, size_t counts[256]);

/* Text scanning over [p, e), shared by the parsers and split's record writer. */
static inline int msa_reader_blank(const char *p, const char *e)
{
	for (; p < e; p++)
		if (!isspace((unsigned char)*p))
			return 0;
	return 1;
}

static inline const char *msa_reader_skip_ws(const char *p, const char *e)
{
	while (p < e && isspace((unsigned char)*p))
		p++;
	return p;
}

static inline const char *msa_reader_skip_word(const char *p, const char *e)
{
	while (p < e && !isspace((unsigned char)*p))
		p++;
	return p;
}

#endif
