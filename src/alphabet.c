/* alphabet: the built-in alphabets and custom ones.  No I/O. */
#include "alphabet.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
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

int alphabet_suggest(const char *letters, const plm_alphabet *current, char *out, size_t n)
{
	/* binary (0 1 - +); nucleotides (rna when there is a U, since dna reads U as ambiguous);
	 * protein, whose letters include A C G T and N */
	const char *builtin[] = { "binary", strpbrk(letters, "Uu") ? "rna" : "dna", "protein" };
	const char *p;
	for (size_t k = 0; k < sizeof builtin / sizeof builtin[0]; k++) {
		plm_alphabet a;
		alphabet_init(&a, builtin[k], NULL);
		for (p = letters; *p != '\0'; p++)
			if (alphabet_state(&a, (unsigned char)*p) == ALPHABET_INVALID)
				break;
		if (*p == '\0' && p != letters) {
			snprintf(out, n, "%s", builtin[k]);
			return 1;
		}
	}
	size_t known = 0;
	for (p = letters; *p != '\0'; p++)
		known += alphabet_state(current, (unsigned char)*p) >= 0;
	if (2 * known > (size_t)(p - letters))
		return 0;
	char spec[ALPHABET_MAXQ + 1];
	size_t m = 0;
	for (p = letters; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;
		if (isalpha(c) && memchr(spec, isupper(c) ? tolower(c) : toupper(c), m) != NULL)
			continue;
		if (m == ALPHABET_MAXQ)
			return 0;
		spec[m++] = (char)c;
	}
	spec[m] = '\0';
	plm_alphabet a;
	if (alphabet_init(&a, spec, NULL) != PLM_OK || strcmp(spec, "binary") == 0 || strcmp(spec, "dna") == 0 ||
	    strcmp(spec, "rna") == 0 || strcmp(spec, "protein") == 0)
		return 0;
	snprintf(out, n, "%s", spec);
	return 2;
}

void alphabet_any(plm_alphabet *a)
{
	memset(a, 0, sizeof *a);
	memset(a->map, ALPHABET_INVALID, sizeof a->map);
	strcpy(a->name, "any");
	a->gap = -1;
	for (int c = 0; c < 256; c++)
		if (isgraph(c))
			a->map[c] = ALPHABET_UNKNOWN;
}

int alphabet_equal(const plm_alphabet *a, const plm_alphabet *b)
{
	return a->q == b->q && strcmp(a->letters, b->letters) == 0;
}

/* The composition of the letters (alphabet.h states the rule and its thresholds). */
int alphabet_guess(const size_t counts[256], char *spec, size_t n, char *why, size_t wn)
{
	size_t letters = 0, nuc = 0, bin = 0, t = 0, u = 0;
	for (int c = 0; c < 256; c++) {
		if (!isgraph(c) || c == '-' || c == '.' || c == '*' || c == '~')
			continue;
		letters += counts[c];
		if (c == '0' || c == '1' || c == '+')
			bin += counts[c];
		if (strchr("ACGTUNacgtun", c) != NULL)
			nuc += counts[c];
	}
	t = counts['T'] + counts['t'];
	u = counts['U'] + counts['u'];
	spec[0] = '\0';
	if (letters == 0) {
		snprintf(spec, n, "protein");
		snprintf(why, wn, "no residues: protein by default");
		return 1;
	}
	if (bin == letters) {
		snprintf(spec, n, "binary");
		snprintf(why, wn, "guessed: only 0, 1, + and - in the sequences");
		return 1;
	}
	double f = (double)nuc / (double)letters;
	/* one decimal, never rounded across a threshold or up to 100% */
	double shown = floor(f * 1000.0) / 10.0;
	if (f >= ALPHABET_GUESS_NUCLEIC) {
		snprintf(spec, n, "%s", u > t ? "rna" : "dna");
		snprintf(why, wn, "guessed from %.1f%% A/C/G/T/U/N%s", shown, u > t ? ", U more often than T" : "");
		return 1;
	}
	if (f < ALPHABET_GUESS_PROTEIN) {
		snprintf(spec, n, "protein");
		snprintf(why, wn, "guessed: %.1f%% A/C/G/T/U/N, below %g%%", shown, 100.0 * ALPHABET_GUESS_PROTEIN);
		return 1;
	}
	size_t amino = 0; /* letters that only a protein alphabet reads */
	for (const char *p = "EFIJLOPQZefijlopqz"; *p; p++)
		amino += counts[(unsigned char)*p];
	if (amino > 0) {
		snprintf(spec, n, "protein");
		snprintf(why, wn, "guessed: %.1f%% A/C/G/T/U/N, with %zu letters only proteins have", shown, amino);
		return 1;
	}
	if (letters < ALPHABET_GUESS_MIN) {
		snprintf(spec, n, "protein");
		snprintf(why, wn, "%.1f%% A/C/G/T/U/N of only %zu letters: protein by default", shown, letters);
		return 1;
	}
	snprintf(why, wn,
	         "cannot tell protein from nucleic acid: %.1f%% of the letters are A/C/G/T/U/N (protein below "
	         "%g%%, nucleic acid from %g%%); give --alphabet protein or --alphabet %s",
	         shown, 100.0 * ALPHABET_GUESS_PROTEIN, 100.0 * ALPHABET_GUESS_NUCLEIC, u > t ? "rna" : "dna");
	return 0;
}
