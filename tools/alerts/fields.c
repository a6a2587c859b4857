/*
 * fields - strict key=value parser (see fields.h for the grammar).
 *
 * Thread-safety: see fields.h.
 */
#include "fields.h"

#include <string.h>

void
fields_init(struct fields_parser *fp, const char *text, size_t len, char *scratch,
	    size_t scratch_size)
{
	fp->p = (const unsigned char *)text;
	fp->end = fp->p + len;
	fp->out = scratch;
	fp->out_end = scratch + scratch_size;
	fp->started = 0;
}

/* is_key_byte - a-z, 0-9 or "_" */
static int
is_key_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
}

/*
 * bare - the bytes the writer leaves unquoted: 0x21-0x7e but " \ =.
 * A table (GNU range designators) because this test runs for nearly every
 * byte of every line.
 */
static const unsigned char bare[256] = {
	[0x21] = 1, [0x23 ... 0x3c] = 1, [0x3e ... 0x5b] = 1, [0x5d ... 0x7e] = 1,
};

/* hex_value - 0-15 for a hex digit, else -1 */
static int
hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* fail - set *error_r to why; -1 */
static int
fail(const char **error_r, const char *why)
{
	*error_r = why;
	return -1;
}

/* quoted - decode a quoted value; fp->p is just past the opening quote */
static int
quoted(struct fields_parser *fp, const char **error_r)
{
	while (fp->p < fp->end) {
		unsigned char c = *fp->p++;

		if (c == '"')
			return 0;
		if (c == '\\') {
			int hi, lo;

			if (fp->p == fp->end)
				break;
			c = *fp->p++;
			if (c == 'x') {
				if (fp->end - fp->p < 2)
					return fail(error_r, "\\x escape cut short (truncated line?)");
				hi = hex_value(fp->p[0]);
				lo = hex_value(fp->p[1]);
				if (hi < 0 || lo < 0)
					return fail(error_r, "\\x escape without two hex digits");
				c = (unsigned char)(hi * 16 + lo);
				fp->p += 2;
				if (c == 0)
					return fail(error_r, "\\x00 in a value");
				if (c >= ' ' && c != 0x7f)
					return fail(error_r, "\\x escape of a byte that is written raw");
			} else if (c != '"' && c != '\\') {
				return fail(error_r, "unknown escape in a quoted value");
			}
		} else if (c < ' ' || c == 0x7f) {
			return fail(error_r, "raw control byte in a quoted value");
		}
		*fp->out++ = (char)c;
	}
	return fail(error_r, "unterminated quoted value (truncated line?)");
}

int
fields_next(struct fields_parser *fp, struct field *f, const char **error_r)
{
	const unsigned char *start;

	if (fp->p == fp->end) {
		if (!fp->started)
			return fail(error_r, "no fields");
		return 0;
	}
	if (fp->started) {
		if (*fp->p != ' ')
			return fail(error_r, "fields not separated by a space");
		if (++fp->p == fp->end)
			return fail(error_r, "trailing space");
	}
	/* The decoded value is never longer than the raw field (key, "="
	 * and quotes included), so len + 1 bytes of scratch always do. */
	if (fp->out_end - fp->out < fp->end - fp->p + 1)
		return fail(error_r, "scratch buffer too small");
	for (start = fp->p; fp->p < fp->end && is_key_byte(*fp->p); fp->p++)
		;
	if (fp->p == start && *fp->p == ' ')
		return fail(error_r, fp->started ? "two spaces between fields" : "leading space");
	fp->started = 1;
	if (fp->p == start)
		return fail(error_r, "bad key");
	if (fp->p == fp->end)
		return fail(error_r, "key without value (truncated line?)");
	if (*fp->p != '=')
		return fail(error_r, "bad key");
	f->key = (const char *)start;
	f->key_len = (size_t)(fp->p - start);
	fp->p++;
	f->value = fp->out;
	if (fp->p < fp->end && *fp->p == '"') {
		fp->p++;
		if (quoted(fp, error_r) < 0)
			return -1;
		if (fp->p < fp->end && *fp->p != ' ')
			return fail(error_r, "text right after a closing quote");
	} else {
		for (start = fp->p; fp->p < fp->end && bare[*fp->p]; fp->p++)
			;
		if (fp->p < fp->end && *fp->p != ' ')
			return fail(error_r, "unquoted value holds a byte that needs quotes");
		if (fp->p == start)
			return fail(error_r, "empty value not written as \"\"");
		memcpy(fp->out, start, (size_t)(fp->p - start));
		fp->out += fp->p - start;
	}
	f->value_len = (size_t)(fp->out - f->value);
	*fp->out++ = '\0';
	return 1;
}
