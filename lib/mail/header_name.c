/*
 * header_name - header field name comparison (see header_name.h).
 *
 * Thread-safety: pure.
 */
#include "header_name.h"

#include <string.h>
#include <strings.h>

int
header_name_is(const char *name, const char *want, size_t want_len)
{
	size_t n = strlen(name);

	while (n > want_len && (name[n - 1] == ' ' || name[n - 1] == '\t'))
		n--;
	return n == want_len && strncasecmp(name, want, want_len) == 0;
}
