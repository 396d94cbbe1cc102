/* err: fill a plm_err with a formatted message.  No printing, no exit. */
#include "err.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int vfail(plm_err *err, int code, const char *suffix, const char *fmt, va_list ap)
{
	if (err == NULL)
		return code;
	err->code = code;
	int n = vsnprintf(err->msg, sizeof err->msg, fmt, ap);
	if (suffix != NULL && n >= 0 && (size_t)n < sizeof err->msg)
		snprintf(err->msg + n, sizeof err->msg - (size_t)n, ": %s", suffix);
	return code;
}

int plm_fail(plm_err *err, int code, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfail(err, code, NULL, fmt, ap);
	va_end(ap);
	return code;
}

int plm_fail_errno(plm_err *err, int code, const char *fmt, ...)
{
	const char *why = strerror(errno);
	va_list ap;
	va_start(ap, fmt);
	vfail(err, code, why, fmt, ap);
	va_end(ap);
	return code;
}

void plm_err_clear(plm_err *err)
{
	if (err == NULL)
		return;
	err->code = PLM_OK;
	err->msg[0] = '\0';
}
