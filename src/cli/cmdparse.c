/* cmdparse: the one option parser of every subcommand, driven by its typed table (cmd.h:
 * cmd_row, cmd_group, cmd_spec), and the -h text made from the same table.  It stores values
 * in the subcommand's args struct; it prints usage errors but never exits and never keeps
 * state between two parses (the option fuzz target parses again and again). */
#include "config.h"
#include "cmd.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "version.h"

const char *const cmd_progress_names[] = { "auto", "always", "never", NULL };

#define DEF_PROGRESS auto

const cmd_row cmd_common_rows[] = {
	{ "threads", 't', CMD_INT, "N", "all cores", offsetof(cmd_common, threads), "number of threads",
	  .lo = 0, .hi = 4096 },
	{ "quiet", 'q', CMD_FLAG, NULL, NULL, offsetof(cmd_common, quiet), "print neither progress nor summary",
	  .excludes = "verbose" },
	{ "verbose", 'v', CMD_COUNT, NULL, NULL, offsetof(cmd_common, verbose), "print more detail: the settings in effect" },
	{ "progress", 0, CMD_CHOICE, "WHEN", PLM_STR(DEF_PROGRESS), offsetof(cmd_common, progress),
	  "progress on standard error: auto (on a terminal), always (also to a log) or never",
	  .choices = cmd_progress_names },
	{ "help", 'h', CMD_HELP, NULL, NULL, 0, "print this help and exit" },
	{ "version", 'V', CMD_VERSION, NULL, NULL, 0, "print the version and exit" },
	CMD_ROW_END
};

/* ---- the rows of a spec, flattened ---------------------------------------------------- */

#define MAX_ROWS CMD_MAX_ROWS

typedef struct parse_ctx {
	const cmd_spec *spec;
	char *args;
	size_t n;
	const cmd_row *row[MAX_ROWS];
	size_t base[MAX_ROWS];
	unsigned char seen[MAX_ROWS];
	const char *given[MAX_ROWS]; /* the argument as given (NULL for a flag) */
} parse_ctx;

static void flatten(parse_ctx *c, const cmd_spec *spec, void *args)
{
	memset(c, 0, sizeof *c);
	c->spec = spec;
	c->args = args;
	for (const cmd_group *g = spec->groups; g != NULL && g->rows != NULL; g++)
		for (const cmd_row *r = g->rows; r->lname != NULL && c->n < MAX_ROWS; r++) {
			c->row[c->n] = r;
			c->base[c->n++] = g->base;
		}
	for (const cmd_row *r = cmd_common_rows; r->lname != NULL && c->n < MAX_ROWS; r++) {
		c->row[c->n] = r;
		c->base[c->n++] = spec->common;
	}
}

cmd_common *cmd_common_of(const cmd_spec *spec, void *args)
{
	return (cmd_common *)((char *)args + spec->common);
}

/* ---- messages ----------------------------------------------------------------------------- */

/* The usage error "plmem SUB: <msg>", the plmc/CCMpred hint of TOKEN (when it is one of
 * theirs), then "Try 'plmem SUB -h'". */
static int hint_applies(const parse_ctx *c, const char *token, const char *hint);
static int fail(const parse_ctx *c, const char *token, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(const parse_ctx *c, const char *token, const char *fmt, ...)
{
	va_list ap;
	fflush(stdout);
	fprintf(stderr, "plmem %s: ", c->spec->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	const char *hint = token ? cmd_foreign_hint(token) : NULL;
	if (hint != NULL && hint_applies(c, token, hint))
		fprintf(stderr, "plmem %s: %s\n", c->spec->name, hint);
	fprintf(stderr, "Try 'plmem %s -h'.\n", c->spec->name);
	return CMD_EXIT_USAGE;
}

/* "A, B or C" on stderr */
static void list_names(const char *const *names)
{
	size_t n = 0;
	while (names[n] != NULL)
		n++;
	for (size_t k = 0; k < n; k++)
		fprintf(stderr, "%s%s", k == 0 ? "" : k + 1 == n ? " or " : ", ", names[k]);
}

static int fail_choice(const parse_ctx *c, const char *token, const cmd_row *r, const char *what,
                       const char *arg)
{
	fflush(stdout);
	fprintf(stderr, "plmem %s: --%s: '%s'%s%s%s is not ", c->spec->name, r->lname, what,
	        what != arg ? " in '" : "", what != arg ? arg : "", what != arg ? "'" : "");
	list_names(r->choices);
	fputc('\n', stderr);
	return fail(c, token, "(--%s takes %s)", r->lname, r->type == CMD_LIST ? "a comma-separated list" : "one of them");
}

/* ---- values ------------------------------------------------------------------------------ */

static int has_range(const cmd_row *r)
{
	return r->lo != 0 || r->hi != 0;
}

static int set_integer(const parse_ctx *c, const char *tok, const cmd_row *r, void *field, const char *a)
{
	char *end;
	errno = 0;
	int is_signed = r->type == CMD_INT;
	long long sv = 0;
	unsigned long long uv = 0;
	if (is_signed)
		sv = strtoll(a, &end, 10);
	else if (a[0] != '-')
		uv = strtoull(a, &end, 10);
	int bad = (!is_signed && a[0] == '-') || end == a || *end != '\0' || errno != 0 || isspace((unsigned char)a[0]);
	const char *w = r->word ? r->word : "", *or = r->word ? " or " : "";
	if (bad)
		return fail(c, tok, "--%s: '%s' is not %s%s%s", r->lname, a, w, or,
		            is_signed ? "an integer" : "a non-negative integer");
	double v = is_signed ? (double)sv : (double)uv;
	if (has_range(r) && (v < r->lo || v > r->hi))
		return fail(c, tok, "--%s: %s is outside [%.0f, %.0f]%s%s%s", r->lname, a, r->lo, r->hi,
		            r->word ? " (or " : "", w, r->word ? ")" : "");
	if (r->type == CMD_INT)
		*(int *)field = (int)sv;
	else if (r->type == CMD_SIZE)
		*(size_t *)field = (size_t)uv;
	else
		*(unsigned long long *)field = uv;
	return CMD_PARSED;
}

static int set_double(const parse_ctx *c, const char *tok, const cmd_row *r, double *field, const char *a)
{
	char *end;
	errno = 0;
	double v = strtod(a, &end);
	const char *w = r->word ? r->word : "", *or = r->word ? " or " : "";
	if (end == a || *end != '\0' || errno != 0 || !isfinite(v) || isspace((unsigned char)a[0]))
		return fail(c, tok, "--%s: '%s' is not %s%sa number", r->lname, a, w, or);
	if (has_range(r) && (v < r->lo || v > r->hi))
		return fail(c, tok, "--%s: %s is outside [%g, %g]%s%s%s", r->lname, a, r->lo, r->hi,
		            r->word ? " (or " : "", w, r->word ? ")" : "");
	*field = v;
	return CMD_PARSED;
}

/* A memory size: a number > 0 with an optional K, M, G or T (powers of 1024, either case, an
 * optional i and B after it); plain bytes without a suffix. */
static int set_bytes(const parse_ctx *c, const char *tok, const cmd_row *r, size_t *field, const char *a)
{
	char *end;
	errno = 0;
	double v = strtod(a, &end), unit = 1.0;
	const char *p = end;
	if (end != a && *p != '\0') {
		const char *units = "KMGT", *u = strchr(units, toupper((unsigned char)*p));
		if (u != NULL && *p != '\0') {
			for (const char *k = units; k <= u; k++)
				unit *= 1024.0;
			p++;
			if (*p == 'i')
				p++;
		}
		if ((*p == 'B' || *p == 'b') && p[1] == '\0')
			p++;
	}
	if (end == a || *p != '\0' || errno != 0 || !(v > 0) || !isfinite(v) || a[0] == '+' || a[0] == '-')
		return fail(c, tok, "--%s: '%s' is not a memory size (bytes, or a number with K, M, G or T)",
		            r->lname, a);
	v *= unit;
	*field = v >= (double)SIZE_MAX ? SIZE_MAX : (size_t)v; /* (double)SIZE_MAX rounds up to 2^64 */
	if (*field == 0)
		*field = 1;
	return CMD_PARSED;
}

static int choice_index(const char *const *names, const char *s, size_t len)
{
	for (int k = 0; names[k] != NULL; k++)
		if (strlen(names[k]) == len && strncmp(names[k], s, len) == 0)
			return k;
	return -1;
}

static int set_list(const parse_ctx *c, const char *tok, const cmd_row *r, unsigned *field, const char *a)
{
	unsigned mask = 0;
	for (const char *s = a;;) {
		size_t len = strcspn(s, ",");
		int k = choice_index(r->choices, s, len);
		if (k < 0 || k >= (int)(CHAR_BIT * sizeof mask)) {
			char word[64];
			snprintf(word, sizeof word, "%.*s", (int)(len < 60 ? len : 60), s);
			return fail_choice(c, tok, r, word, a);
		}
		mask |= 1u << k;
		if (s[len] == '\0')
			break;
		s += len + 1;
	}
	*field = mask;
	return CMD_PARSED;
}

static int set_word(const cmd_row *r, void *field)
{
	if (r->type == CMD_DOUBLE)
		*(double *)field = r->word_val;
	else if (r->type == CMD_INT)
		*(int *)field = (int)r->word_val;
	else if (r->type == CMD_SIZE || r->type == CMD_BYTES)
		*(size_t *)field = (size_t)r->word_val;
	else
		*(unsigned long long *)field = (unsigned long long)r->word_val;
	return CMD_PARSED;
}

/* Store ARG (NULL for a flag) in row K's field. */
static int set_value(parse_ctx *c, const char *tok, size_t k, const char *arg)
{
	const cmd_row *r = c->row[k];
	void *field = c->args + c->base[k] + r->off;
	c->seen[k] = 1;
	c->given[k] = arg;
	if (r->word != NULL && arg != NULL && strcmp(arg, r->word) == 0)
		return set_word(r, field);
	switch (r->type) {
	case CMD_FLAG:
		*(int *)field = r->ival ? r->ival : 1;
		return CMD_PARSED;
	case CMD_COUNT:
		*(int *)field += 1;
		return CMD_PARSED;
	case CMD_INT:
	case CMD_SIZE:
	case CMD_U64:
		return set_integer(c, tok, r, field, arg);
	case CMD_DOUBLE:
		return set_double(c, tok, r, field, arg);
	case CMD_BYTES:
		return set_bytes(c, tok, r, field, arg);
	case CMD_STRING:
		*(const char **)field = arg;
		return CMD_PARSED;
	case CMD_CHOICE: {
		int idx = choice_index(r->choices, arg, strlen(arg));
		if (idx < 0)
			return fail_choice(c, tok, r, arg, arg);
		*(int *)field = idx;
		return CMD_PARSED;
	}
	case CMD_LIST:
		return set_list(c, tok, r, field, arg);
	case CMD_CALL: {
		char msg[512] = "";
		if (r->call(arg, field, msg, sizeof msg) != 0)
			return fail(c, tok, "--%s: %s", r->lname, msg);
		return CMD_PARSED;
	}
	case CMD_HELP:
		cmd_usage(c->spec, stdout);
		return CMD_EXIT_OK;
	case CMD_VERSION: {
		char feat[1024];
		plm_build_features(feat, sizeof feat);
		printf("plmem %s\n%s", plm_version(), feat);
		return CMD_EXIT_OK;
	}
	}
	return fail(c, tok, "internal error: --%s has no type", r->lname);
}

/* ---- the command line ---------------------------------------------------------------- */

/* Row of long name NAME (LEN bytes): an exact match, else the only row it abbreviates; -1
 * none (*ambiguous set when several rows start with it). */
static long find_long(const parse_ctx *c, const char *name, size_t len, int *ambiguous)
{
	long hit = -1;
	size_t nhit = 0;
	*ambiguous = 0;
	for (size_t k = 0; k < c->n; k++) {
		const char *l = c->row[k]->lname;
		if (strncmp(l, name, len) != 0)
			continue;
		if (l[len] == '\0')
			return (long)k;
		hit = (long)k;
		nhit++;
	}
	*ambiguous = nhit > 1;
	return nhit == 1 ? hit : -1;
}

static long find_short(const parse_ctx *c, int key)
{
	for (size_t k = 0; k < c->n; k++)
		if (c->row[k]->key == key)
			return (long)k;
	return -1;
}

/* Whether the plmc/CCMpred HINT of TOKEN helps: always for a flag this subcommand does not
 * have; for one of its own short options given a bad value (contacts -f csv), only when the
 * hint names an option of this subcommand (fit -t 0.2: plmc's -t is --theta). */
static int hint_applies(const parse_ctx *c, const char *token, const char *hint)
{
	if (token[0] != '-' || token[1] == '-' || token[1] == '\0' || find_short(c, (unsigned char)token[1]) < 0)
		return 1;
	for (const char *p = strstr(hint, "--"); p != NULL; p = strstr(p + 2, "--")) {
		size_t len = strspn(p + 2, "abcdefghijklmnopqrstuvwxyz-");
		for (size_t k = 0; k < c->n; k++)
			if (strlen(c->row[k]->lname) == len && strncmp(c->row[k]->lname, p + 2, len) == 0)
				return 1;
	}
	return 0;
}

static int takes_arg(const cmd_row *r)
{
	return r->type != CMD_FLAG && r->type != CMD_COUNT && r->type != CMD_HELP && r->type != CMD_VERSION;
}

/* The long names within edit distance of NAME (LEN bytes), as " (did you mean --a or --b?)". */
static void did_you_mean(const parse_ctx *c, const char *name, size_t len, char *out, size_t outlen)
{
	char word[64];
	snprintf(word, sizeof word, "%.*s", (int)(len < 63 ? len : 63), name);
	size_t best = SIZE_MAX, lim = len / 3 > 2 ? len / 3 : 2;
	for (size_t k = 0; k < c->n; k++) {
		size_t d = cmd_edit_distance(word, c->row[k]->lname);
		if (d < best)
			best = d;
	}
	out[0] = '\0';
	if (best > lim)
		return;
	size_t used = (size_t)snprintf(out, outlen, " (did you mean");
	int first = 1;
	for (size_t k = 0; k < c->n && used < outlen; k++)
		if (cmd_edit_distance(word, c->row[k]->lname) == best) {
			used += (size_t)snprintf(out + used, outlen - used, "%s--%s", first ? " " : " or ", c->row[k]->lname);
			first = 0;
		}
	if (used < outlen)
		snprintf(out + used, outlen - used, "?)");
}

/* ARGV[*I] is "--NAME" or "--NAME=VALUE". */
static int parse_long(parse_ctx *c, int argc, char **argv, int *i)
{
	const char *tok = argv[*i], *name = tok + 2, *eq = strchr(name, '=');
	size_t len = eq ? (size_t)(eq - name) : strlen(name);
	int amb;
	long k = find_long(c, name, len, &amb);
	if (k < 0 && amb)
		return fail(c, tok, "option '--%.*s' is ambiguous (give more of its name)", (int)len, name);
	if (k < 0) {
		char dym[256];
		did_you_mean(c, name, len, dym, sizeof dym);
		return fail(c, tok, "unknown option '--%.*s'%s", (int)len, name, dym);
	}
	const cmd_row *r = c->row[k];
	if (!takes_arg(r)) {
		if (eq != NULL)
			return fail(c, tok, "option '--%s' takes no argument", r->lname);
		return set_value(c, tok, (size_t)k, NULL);
	}
	const char *arg = eq ? eq + 1 : NULL;
	if (arg == NULL && *i + 1 < argc)
		arg = argv[++*i];
	if (arg == NULL)
		return fail(c, tok, "option '--%s' needs an argument", r->lname);
	return set_value(c, tok, (size_t)k, arg);
}

/* ARGV[*I] is "-abc" (flags), "-oFILE" or "-o FILE". */
static int parse_short(parse_ctx *c, int argc, char **argv, int *i)
{
	const char *tok = argv[*i];
	for (const char *p = tok + 1; *p != '\0'; p++) {
		long k = find_short(c, (unsigned char)*p);
		if (k < 0)
			return fail(c, tok, "unknown option '-%c'", *p);
		const cmd_row *r = c->row[k];
		if (!takes_arg(r)) {
			int rc = set_value(c, tok, (size_t)k, NULL);
			if (rc != CMD_PARSED)
				return rc;
			continue;
		}
		const char *arg = p[1] != '\0' ? p + 1 : NULL;
		if (arg == NULL && *i + 1 < argc)
			arg = argv[++*i];
		if (arg == NULL)
			return fail(c, tok, "option '-%c' needs an argument", *p);
		return set_value(c, tok, (size_t)k, arg);
	}
	return CMD_PARSED;
}

/* --A given with --B that it excludes, or without --C that it needs. */
static int check_pairs(const parse_ctx *c)
{
	for (size_t k = 0; k < c->n; k++) {
		const cmd_row *r = c->row[k];
		if (!c->seen[k])
			continue;
		for (const char *s = r->excludes; s != NULL && *s != '\0';) {
			size_t len = strcspn(s, " ");
			int amb;
			long o = find_long(c, s, len, &amb);
			if (o >= 0 && c->seen[o] && strlen(c->row[o]->lname) == len)
				return fail(c, NULL, "--%s and --%s exclude each other", r->lname, c->row[o]->lname);
			s += len + (s[len] == ' ');
		}
		if (r->needs != NULL) {
			int amb;
			long o = find_long(c, r->needs, strlen(r->needs), &amb);
			if (o >= 0 && !c->seen[o])
				return fail(c, NULL, "--%s needs --%s", r->lname, r->needs);
		}
	}
	return CMD_PARSED;
}

static int check_operands(const parse_ctx *c, const cmd_ops *ops)
{
	int n = ops->n, want = c->spec->nops;
	const char *what = c->spec->operands;
	if (want < 0 || n == want)
		return CMD_PARSED;
	if (n == 0)
		return fail(c, NULL, "missing %s", what);
	if (n < want)
		return fail(c, NULL, "expected %s (got %d argument%s)", what, n, n == 1 ? "" : "s");
	return fail(c, NULL, "expected only %s, got '%s' too", what,
	            want < CMD_MAX_OPERANDS ? ops->v[want] : "more");
}

/* -v: every option's setting, given or default, one line each on stderr */
static void print_settings(const parse_ctx *c)
{
	for (size_t k = 0; k < c->n; k++) {
		const cmd_row *r = c->row[k];
		if (r->type == CMD_HELP || r->type == CMD_VERSION || r->type == CMD_COUNT)
			continue;
		const char *v = c->seen[k] ? c->given[k] : r->def;
		if (r->type == CMD_FLAG)
			v = c->seen[k] ? "on" : "off";
		fprintf(stderr, "plmem %s: setting --%s %s%s\n", c->spec->name, r->lname, v ? v : "none",
		        c->seen[k] ? "" : " (default)");
	}
}

int cmd_parse(const cmd_spec *spec, int argc, char **argv, void *args, cmd_ops *ops)
{
	parse_ctx c;
	flatten(&c, spec, args);
	memset(ops, 0, sizeof *ops);
	int only_operands = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int rc = CMD_PARSED;
		if (only_operands || a[0] != '-' || a[1] == '\0') {
			if (ops->n < CMD_MAX_OPERANDS)
				ops->v[ops->n] = a;
			ops->n++;
		} else if (strcmp(a, "--") == 0) {
			only_operands = 1;
		} else if (a[1] == '-') {
			rc = parse_long(&c, argc, argv, &i);
		} else {
			rc = parse_short(&c, argc, argv, &i);
		}
		if (rc != CMD_PARSED)
			return rc;
	}
	for (size_t k = 0; k < c.n; k++)
		if (c.seen[k])
			ops->given[ops->ngiven++] = c.row[k]->lname;
	int rc = check_pairs(&c);
	if (rc == CMD_PARSED)
		rc = check_operands(&c, ops);
	if (rc == CMD_PARSED && cmd_common_of(spec, args)->verbose > 0)
		print_settings(&c);
	return rc;
}

const char *cmd_given(const cmd_ops *ops, const char *names)
{
	for (const char *p = names; *p != '\0';) {
		size_t len = strcspn(p, " ");
		for (int k = 0; k < ops->ngiven; k++)
			if (strlen(ops->given[k]) == len && strncmp(ops->given[k], p, len) == 0)
				return ops->given[k];
		p += len;
		p += strspn(p, " ");
	}
	return NULL;
}

/* ---- -h ------------------------------------------------------------------------------------ */

static void usage_row(const cmd_spec *spec, const cmd_row *r, FILE *fp)
{
	char left[96];
	int n;
	if (r->key != 0)
		n = snprintf(left, sizeof left, "  -%c, --%s", r->key, r->lname);
	else
		n = snprintf(left, sizeof left, "      --%s", r->lname);
	if (r->arg != NULL && n > 0 && (size_t)n < sizeof left)
		snprintf(left + n, sizeof left - (size_t)n, " %s", r->arg);
	if (strlen(left) > 28)
		fprintf(fp, "%s\n%30s", left, "");
	else
		fprintf(fp, "%-30s", left);
	fprintf(fp, "%s", r->help);
	if (r->def != NULL)
		fprintf(fp, " [%s]", r->def);
	if (r == &cmd_common_rows[0] && spec->serial != NULL)
		fprintf(fp, "; accepted, but %s %s", spec->name, spec->serial);
	fputc('\n', fp);
}

void cmd_usage_table(const cmd_spec *spec, FILE *fp)
{
	fprintf(fp, "Usage: plmem %s %s\n%s\n\nOptions:\n", spec->name, spec->synopsis, spec->summary);
	for (const cmd_group *g = spec->groups; g->rows != NULL; g++)
		for (const cmd_row *r = g->rows; r->lname != NULL; r++)
			usage_row(spec, r, fp);
	fprintf(fp, "\nCommon options (also before the subcommand name):\n");
	for (const cmd_row *r = cmd_common_rows; r->lname != NULL; r++)
		usage_row(spec, r, fp);
	if (spec->details != NULL)
		fprintf(fp, "\n%s\n", spec->details);
	fprintf(fp, "\nSee man plmem-%s for details.\n", spec->name);
}
