/* alphabet: the built-in alphabets and custom ones.  No I/O. */
#include "alphabet.h"

#include <ctype.h>
#include <string.h>

static void set_case(plm_alphabet *a, unsigned char c, int state)
{
	a->map[c] = (signed char)state;
	if (isalpha(c)) {
		unsigned char o = isupper(c) ? (unsigned char)tolower(c) : (unsigned char)toupper(c);
		if (a->map[o] == ALPHABET_INVALID || a->map[o] == ALPHABET_UNKNOWN)
			a->map[o] = (signed char)state;
	}
}

static void set_unknown(plm_alphabet *a, const char *codes)
{
	for (const char *p = codes; *p; p++) {
		unsigned char c = (unsigned char)*p;
		if (a->map[c] == ALPHABET_INVALID)
			a->map[c] = ALPHABET_UNKNOWN;
		if (isalpha(c) && a->map[tolower(c)] == ALPHABET_INVALID)
			a->map[tolower(c)] = ALPHABET_UNKNOWN;
	}
}

static void set_letters(plm_alphabet *a, const char *name, const char *letters)
{
	strncpy(a->name, name, sizeof a->name - 1);
	strncpy(a->letters, letters, ALPHABET_MAXQ);
	a->q = strlen(letters);
	a->gap = -1;
	for (size_t s = 0; s < a->q; s++) {
		if (letters[s] == '-')
			a->gap = (int)s;
	}
	/* exact letters first, so that a custom alphabet holding both cases keeps them apart */
	for (size_t s = 0; s < a->q; s++)
		a->map[(unsigned char)letters[s]] = (signed char)s;
	for (size_t s = 0; s < a->q; s++)
		set_case(a, (unsigned char)letters[s], (int)s);
	if (a->gap >= 0 && a->map['.'] == ALPHABET_INVALID)
		a->map['.'] = (signed char)a->gap;
}

int alphabet_init(plm_alphabet *a, const char *spec, plm_err *err)
{
	memset(a, 0, sizeof *a);
	memset(a->map, ALPHABET_INVALID, sizeof a->map);
	if (spec == NULL || strcmp(spec, "protein") == 0) {
		set_letters(a, "protein", "-ACDEFGHIKLMNPQRSTVWY");
		set_unknown(a, "BZJXUO*~");
	} else if (strcmp(spec, "rna") == 0) {
		set_letters(a, "rna", "-ACGU");
		a->map['T'] = a->map['t'] = a->map['U'];
		set_unknown(a, "NRYSWKMBDHV*~");
	} else if (strcmp(spec, "dna") == 0) {
		set_letters(a, "dna", "-ACGT");
		set_unknown(a, "NRYSWKMBDHVU*~");
	} else if (strcmp(spec, "binary") == 0) {
		set_letters(a, "binary", "01");
		a->map['-'] = 0;
		a->map['+'] = 1;
	} else {
		size_t n = strlen(spec);
		if (n < 2 || n > ALPHABET_MAXQ)
			return plm_fail(err, PLM_EINVAL,
			                "alphabet '%s': a custom alphabet needs 2 to %d letters", spec,
			                ALPHABET_MAXQ);
		for (size_t k = 0; k < n; k++) {
			unsigned char c = (unsigned char)spec[k];
			if (!isgraph(c) || c == '>' || c == '#')
				return plm_fail(err, PLM_EINVAL,
				                "alphabet '%s': letter %zu is not a printable letter", spec, k + 1);
			if (memchr(spec, c, k) != NULL)
				return plm_fail(err, PLM_EINVAL, "alphabet '%s': letter '%c' appears twice", spec, c);
		}
		set_letters(a, spec, spec);
	}
	return PLM_OK;
}

int alphabet_equal(const plm_alphabet *a, const plm_alphabet *b)
{
	return a->q == b->q && strcmp(a->letters, b->letters) == 0;
}
