/* mutlist: a list of mutants as users write them (one per line; a CSV/TSV table with a
 * header such as ProteinGym's `mutant`,`DMS_score` or EVmutation's `mutant`;`...`; quoted
 * fields), parsed into one row per input row with the mutant text as written.  Text in, rows
 * out: it knows neither models nor alphabets (score_parse_mutant reads a mutant's text) and
 * never prints. */
#ifndef PLMEM_MUTLIST_H
#define PLMEM_MUTLIST_H

#include <stddef.h>

#include "err.h"

typedef struct mutlist_row {
	char *mutant;      /* the mutant field as written (CSV quotes removed); never NULL */
	char *value;       /* the score column's field as written, or NULL without one */
	const char *why;   /* NULL, or why the row gives no mutant (static text) */
	size_t line;       /* 1-based line of the row in the file */
} mutlist_row;

typedef struct mutlist {
	mutlist_row *rows;
	size_t n;
	int header;         /* 1 when the first row named the columns */
	char sep;           /* field separator: '\t', ',' or ';'; ' ' for whitespace-separated, 0 for one field */
	char *value_name;   /* the score column's name (e.g. "DMS_score"), or NULL */
} mutlist;

/* The rules, in order:
 * - '\r' before '\n' is dropped; a blank line, and a line whose first character is '#', is
 *   not a row.
 * - The first row is a header when one of its fields, unquoted and compared without case, is
 *   mutant, mutants, mutation, mutations, variant or variants (the mutant column).  Its field
 *   separator is the first of tab, ',', ';' that splits it into several fields, else
 *   whitespace; a header of one field means one field per row (commas are the mutant's).
 *   The score column is the first of DMS_score, score, fitness, effect (without case).
 * - Without a header, a row's mutant is its first whitespace-separated field (commas and
 *   semicolons belong to the mutant: "M1A,I2V" is one double mutant).
 * - A field that starts with '"' runs to the matching '"' ("" inside is one quote); the
 *   separator inside it is text.
 * - Every row gives one mutlist_row.  A row without a mutant field (too few fields, empty
 *   field, an unterminated quote) has why set and mutant holding the row's text with tabs
 *   made spaces, so that an output row can still show what was written.
 * Fails only for a file that is not text (a NUL byte), or out of memory.  NAME names the
 * input in messages. */
int mutlist_parse(const char *buf, size_t len, const char *name, mutlist **out, plm_err *err);

/* mutlist_parse of PATH ("-": standard input; gzip accepted). */
int mutlist_read(const char *path, mutlist **out, plm_err *err);

void mutlist_destroy(mutlist *l);

#endif
