/* err: status codes and the message buffer that every library call fills on failure.
 * Library code reports through plm_err and returns a status; it never prints or exits. */
#ifndef PLMEM_ERR_H
#define PLMEM_ERR_H

#include <stddef.h>

enum plm_status {
	PLM_OK = 0,
	PLM_EINVAL,  /* bad argument or option value */
	PLM_EIO,     /* a file could not be opened, read or written */
	PLM_EFORMAT, /* the content of an input file is malformed */
	PLM_ENOMEM,  /* an allocation failed or a size overflowed */
	PLM_ERANGE   /* a problem too large for this machine or format */
};

typedef struct plm_err {
	int code;
	char msg[1024];
} plm_err;

/* Record a failure (printf-style message, no trailing newline) and return its code.
 * A NULL err is allowed: the code is still returned. */
int plm_fail(plm_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Like plm_fail, with ": strerror(errno)" appended. */
int plm_fail_errno(plm_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

void plm_err_clear(plm_err *err);

#endif
