/* cmd: usage text, messages, exit statuses, model loading, default names, provenance.
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
	cmd_usage_table(spec, fp);
}

/* "plmem SUB: " and the message, without the newline. */
static void vreport(const cmd_spec *spec, const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "plmem %s: ", spec->name);
	vfprintf(stderr, fmt, ap);
}

void cmd_error(const cmd_spec *spec, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(spec, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cmd_usage_error(const cmd_spec *spec, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vreport(spec, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'plmem %s -h'.\n", spec->name);
	return CMD_EXIT_USAGE;
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
