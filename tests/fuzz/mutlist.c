/* fuzz target "mutlist": mutant lists (mutlist_parse) and each row's mutant read against a
 * small protein model (score_parse_mutant).  Input: the file, as is.
 * Promises: a failure has a message and no list; a list has one row per line that is not
 * blank, not a '#' comment and not the header, in line order, each with a mutant text free
 * of tabs and line ends (a reason when it is not a mutant field); a parsed mutant has 1 to L
 * substitutions at distinct positions, to states below q; an unparsed one has a reason. */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "model.h"
#include "mutlist.h"
#include "score.h"

const char fuzz_name[] = "mutlist";

/* Rows the list must have: lines neither blank nor comments, less a header. */
static size_t data_lines(const uint8_t *d, size_t n, size_t *last)
{
	size_t rows = 0, line = 0;
	*last = 0;
	for (size_t k = 0; k < n;) {
		size_t e = k;
		while (e < n && d[e] != '\n')
			e++;
		line++;
		int blank = 1;
		for (size_t t = k; t < e; t++)
			blank &= isspace(d[t]) != 0;
		if (!blank && d[k] != '#')
			rows++;
		k = e + 1;
	}
	*last = line;
	return rows;
}

static void check_text(const char *s, const char *what)
{
	fuzz_require(strchr(s, '\t') == NULL && strchr(s, '\n') == NULL, what);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	mutlist *l = NULL;
	plm_err err;
	memset(&err, 0, sizeof err);
	int rc = mutlist_parse((const char *)data, size, "fuzz", &l, &err);
	if (rc != PLM_OK) {
		fuzz_require(l == NULL, "no list after a failure");
		fuzz_require(err.msg[0] != '\0', "a failure has a message");
		return 0;
	}
	size_t lines, want = data_lines(data, size, &lines);
	fuzz_require(l->n + (size_t)l->header == want, "one row per data line");
	fuzz_require(l->value_name == NULL || l->header, "a score column needs a header");
	for (size_t k = 0; k < l->n; k++) {
		const mutlist_row *r = &l->rows[k];
		fuzz_require(r->mutant != NULL, "every row has a mutant text");
		fuzz_require(r->line >= 1 && r->line <= lines, "a row's line is in the file");
		fuzz_require(k == 0 || r->line > l->rows[k - 1].line, "rows in line order");
		fuzz_require(r->why != NULL || r->mutant[0] != '\0', "an empty mutant has a reason");
		fuzz_require(r->value == NULL || l->value_name != NULL, "a value needs a score column");
		check_text(r->mutant, "no tab or line end in a mutant text");
		if (r->value != NULL)
			check_text(r->value, "no tab or line end in a value");
	}
	/* each mutant against the reference ACDEFGHIKL at residues 1..10 */
	const size_t L = 10;
	plm_model *m = NULL;
	score_numbering nb = { 0 };
	if (model_create(L, 21, &m, &err) == PLM_OK && alphabet_init(&m->abc, "protein", &err) == PLM_OK) {
		for (size_t i = 0; i < L; i++)
			m->col[i] = i;
		m->ncol_in = L;
		uint8_t ref[10], to[10];
		size_t pos[10], nsub;
		for (size_t i = 0; i < L; i++)
			ref[i] = (uint8_t)alphabet_state(&m->abc, (unsigned char)"ACDEFGHIKL"[i]);
		if (score_numbering_init(&nb, m, &err) == PLM_OK)
			for (size_t k = 0; k < l->n; k++) {
				char why[256] = "";
				if (score_parse_mutant(l->rows[k].mutant, m, &nb, ref, pos, to, L, &nsub, why, sizeof why) != 0) {
					fuzz_require(why[0] != '\0', "an unparsed mutant has a reason");
					continue;
				}
				fuzz_require(nsub >= 1 && nsub <= L, "1 to L substitutions");
				for (size_t s = 0; s < nsub; s++) {
					fuzz_require(pos[s] < L && to[s] < 21, "a substitution inside the model");
					for (size_t t = 0; t < s; t++)
						fuzz_require(pos[t] != pos[s], "distinct positions");
				}
			}
		score_numbering_free(&nb);
	}
	model_destroy(m);
	mutlist_destroy(l);
	return 0;
}
