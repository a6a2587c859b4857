/*
 * reply - expand reply text templates (see reply.h). Thread-safety: pure.
 */
#include "reply.h"

#include <string.h>

/* put_escaped - append s, doubling '%' and masking control bytes */
static size_t
put_escaped(char *out, size_t pos, size_t size, const char *s)
{
	for (; *s != '\0' && pos + 2 < size; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '%') {
			out[pos++] = '%';
			out[pos++] = '%';
		} else {
			out[pos++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
		}
	}
	return pos;
}

void
reply_expand(const char *template, const char *domain, const char *reason,
	     char *out, size_t size)
{
	size_t pos = 0;
	const char *p = template;

	if (size == 0)
		return;
	while (*p != '\0' && pos + 2 < size) {
		if (strncmp(p, "%{domain}", 9) == 0) {
			pos = put_escaped(out, pos, size, domain && *domain ? domain : "(unknown)");
			p += 9;
		} else if (strncmp(p, "%{reason}", 9) == 0) {
			pos = put_escaped(out, pos, size, reason ? reason : "");
			p += 9;
		} else {
			char one[2] = { *p++, '\0' };

			pos = put_escaped(out, pos, size, one);
		}
	}
	out[pos] = '\0';
}
