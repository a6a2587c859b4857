/*
 * errbuf - a formatted error message in the caller's buffer (see
 * errbuf.h).
 *
 * Thread-safety: see errbuf.h.
 */
#include "errbuf.h"

#include <stdarg.h>
#include <stdio.h>

int
errbuf_set(char *buf, size_t size, const char **error_r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	*error_r = buf;
	return -1;
}
