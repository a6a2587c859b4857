/*
 * reply - expand reply text templates (see reply.h). Thread-safety: pure.
 */
#include "reply.h"

#include <string.h>

/*
 * put_escaped - append s at *pos, doubling '%' and masking control bytes;
 * 0, or -1 when out is full. A doubled '%' goes in whole or not at all, and
 * one byte always stays free for the NUL.
 */
static int
put_escaped(char *out, size_t *pos, size_t size, const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (*pos + (c == '%' ? 2 : 1) >= size)
			return -1;
		if (c == '%')
			out[(*pos)++] = '%';
		out[(*pos)++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
	}
	return 0;
}

void
reply_expand(const char *template, const char *domain, const char *reason,
	     char *out, size_t size)
{
	size_t pos = 0;
	const char *p = template;
	int rc = 0;

	if (size == 0)
		return;
	while (*p != '\0' && rc == 0) {
		if (strncmp(p, "%{domain}", 9) == 0) {
			rc = put_escaped(out, &pos, size, domain && *domain ? domain : "(unknown)");
			p += 9;
		} else if (strncmp(p, "%{reason}", 9) == 0) {
			rc = put_escaped(out, &pos, size, reason ? reason : "");
			p += 9;
		} else {
			char one[2] = { *p++, '\0' };

			rc = put_escaped(out, &pos, size, one);
		}
	}
	out[pos] = '\0';
}
