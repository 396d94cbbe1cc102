/* cmd: option tables -> getopt_long, usage text, strict number parsing, messages.
 * Used only by the subcommands; prints, never exits. */
#include "config.h"
#include "cmd.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "dynamics.h"
#include "model.h"
#include "util.h"

int cmd_parse_only = 0;

void cmd_usage(const cmd_spec *spec, FILE *fp)
{
	if (spec->groups != NULL) {
		cmd_usage_table(spec, fp);
		return;
	}
	fprintf(fp, "Usage: plmem %s %s\n%s\n\nOptions:\n", spec->name, spec->synopsis, spec->summary);
	for (const cmd_opt *o = spec->opts; o->lname != NULL; o++) {
		char left[96];
		int n;
		if (o->key < CMD_LONG)
			n = snprintf(left, sizeof left, "  -%c, --%s", o->key, o->lname);
		else
			n = snprintf(left, sizeof left, "      --%s", o->lname);
		if (o->arg != NULL && n > 0 && (size_t)n < sizeof left)
			snprintf(left + n, sizeof left - (size_t)n, " %s", o->arg);
		if (strlen(left) > 28)
			fprintf(fp, "%s\n%30s", left, "");
		else
			fprintf(fp, "%-30s", left);
		fprintf(fp, "%s", o->help);
		if (o->def != NULL)
			fprintf(fp, " [%s]", o->def);
		fputc('\n', fp);
	}
	if (spec->details != NULL)
		fprintf(fp, "\n%s\n", spec->details);
	fprintf(fp, "\nSee man plmem-%s for details.\n", spec->name);
}

char **cmd_operands(const cmd_spec *spec, int argc, char **argv, int want, const char *what)
{
	int n = argc - optind;
	if (n == want)
		return argv + optind;
	if (n == 0)
		cmd_usage_error(spec, "missing %s", what);
	else if (n < want)
		cmd_usage_error(spec, "expected %s (got %d argument%s)", what, n, n == 1 ? "" : "s");
	else
		cmd_usage_error(spec, "expected only %s, got '%s' too", what, argv[optind + want]);
	return NULL;
}

void cmd_error(const cmd_spec *spec, const char *fmt, ...)
{
	va_list ap;
	fflush(stdout);
	fprintf(stderr, "plmem %s: ", spec->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cmd_usage_error(const cmd_spec *spec, const char *fmt, ...)
{
	va_list ap;
	fflush(stdout);
	fprintf(stderr, "plmem %s: ", spec->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'plmem %s -h'.\n", spec->name);
	return CMD_EXIT_USAGE;
}

int cmd_parse_choice(const cmd_spec *spec, const char *opt, const char *s, const char *const *names,
                     int *out)
{
	size_t n = 0;
	for (; names[n] != NULL; n++)
		if (strcmp(s, names[n]) == 0) {
			*out = (int)n;
			return 0;
		}
	fflush(stdout);
	fprintf(stderr, "plmem %s: --%s: '%s' is not ", spec->name, opt, s);
	for (size_t k = 0; k < n; k++)
		fprintf(stderr, "%s%s", k == 0 ? "" : k + 1 == n ? " or " : ", ", names[k]);
	fprintf(stderr, "\nTry 'plmem %s -h'.\n", spec->name);
	return -1;
}

const char *const cmd_seq_formats[] = {"fasta", "lines", NULL};

int cmd_check_order(const cmd_spec *spec, dyn_order order, dyn_update update)
{
	if (order == DYN_ORDER_RANDOM && update == DYN_UPDATE_PARALLEL)
		return cmd_usage_error(spec, "--order random applies to sequential updates, not --update parallel"), -1;
	return 0;
}

int cmd_status(const cmd_spec *spec, int rc, const plm_err *err)
{
	if (rc == PLM_OK)
		return CMD_EXIT_OK;
	cmd_error(spec, "%s", err->msg);
	return CMD_EXIT_FAIL;
}

plm_model *cmd_load_model(const cmd_spec *spec, const char *path)
{
	plm_model *m = NULL;
	plm_err err = { 0 };
	if (model_read(path, &m, &err) != PLM_OK) {
		cmd_error(spec, "%s", err.msg);
		return NULL;
	}
	return m;
}

int cmd_parse_double(const cmd_spec *spec, const char *opt, const char *s, double lo, double hi, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || !isfinite(v)) {
		cmd_usage_error(spec, "--%s: '%s' is not a number", opt, s);
		return -1;
	}
	if (v < lo || v > hi) {
		cmd_usage_error(spec, "--%s: %s is outside [%g, %g]", opt, s, lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

int cmd_parse_long(const cmd_spec *spec, const char *opt, const char *s, long lo, long hi, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (end == s || *end != '\0' || errno != 0) {
		cmd_usage_error(spec, "--%s: '%s' is not an integer", opt, s);
		return -1;
	}
	if (v < lo || v > hi) {
		cmd_usage_error(spec, "--%s: %s is outside [%ld, %ld]", opt, s, lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

int cmd_parse_size(const cmd_spec *spec, const char *opt, const char *s, size_t lo, size_t hi, size_t *out)
{
	unsigned long long v;
	if (cmd_parse_u64(spec, opt, s, &v) != 0)
		return -1;
	if (v < lo || v > hi) {
		cmd_usage_error(spec, "--%s: %s is outside [%zu, %zu]", opt, s, lo, hi);
		return -1;
	}
	*out = (size_t)v;
	return 0;
}

int cmd_parse_u64(const cmd_spec *spec, const char *opt, const char *s, unsigned long long *out)
{
	char *end;
	errno = 0;
	unsigned long long v = s[0] == '-' ? 0 : strtoull(s, &end, 10);
	if (s[0] == '-' || end == s || *end != '\0' || errno != 0) {
		cmd_usage_error(spec, "--%s: '%s' is not a non-negative integer", opt, s);
		return -1;
	}
	*out = v;
	return 0;
}

int cmd_parse_bytes(const cmd_spec *spec, const char *opt, const char *s, size_t *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	double unit = 1.0;
	const char *p = end;
	if (end != s && *p != '\0') {
		const char *units = "KMGT", *u = strchr(units, toupper((unsigned char)*p));
		if (u != NULL) {
			for (const char *k = units; k <= u; k++)
				unit *= 1024.0;
			p++;
			if (*p == 'i')
				p++;
		}
		if ((*p == 'B' || *p == 'b') && p[1] == '\0')
			p++;
	}
	if (end == s || *p != '\0' || errno != 0 || !(v > 0) || !isfinite(v) || s[0] == '+' || s[0] == '-') {
		cmd_usage_error(spec, "--%s: '%s' is not a memory size (bytes, or a number with K, M, G or T)", opt, s);
		return -1;
	}
	v *= unit;
	*out = v >= (double)SIZE_MAX ? SIZE_MAX : (size_t)v; /* (double)SIZE_MAX rounds up to 2^64 */
	if (*out == 0)
		*out = 1;
	return 0;
}

int cmd_parse_threads(const cmd_spec *spec, const char *s, int *threads)
{
	long v;
	if (cmd_parse_long(spec, "threads", s, 0, 4096, &v) != 0)
		return -1;
	*threads = (int)v;
	return 0;
}

char *cmd_default_name(const char *path, const char *suffix)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t len = strlen(base), slen = strlen(suffix);
	const char *dot = strchr(base + 1, '.');
	if (dot != NULL)
		len = (size_t)(dot - base);
	char *out = malloc(len + slen + 1);
	if (out != NULL) {
		memcpy(out, base, len);
		memcpy(out + len, suffix, slen + 1);
	}
	return out;
}

char *cmd_join_argv(int argc, char **argv)
{
	size_t n = 1;
	for (int k = 0; k < argc; k++)
		n += strlen(argv[k]) + 1;
	char *s = malloc(n);
	if (s == NULL)
		return NULL;
	s[0] = '\0';
	for (int k = 0; k < argc; k++) {
		if (k)
			strcat(s, " ");
		strcat(s, argv[k]);
	}
	return s;
}
