/*
 * arc_base64 - the tolerant base64 decoder of DKIM tag values (see
 * arc_base64.h).
 *
 * Thread-safety: pure function.
 */
#include "arc_base64.h"

static int
sextet(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

long
arc_base64_decode(const char *s, size_t len, unsigned char *out, size_t size)
{
	unsigned long acc = 0;
	unsigned bits = 0, pad = 0;
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		int v;

		if (c == ' ' || c == '\t' || c == '\r' || c == '\n')
			continue;
		if (c == '=') {
			pad++;
			continue;
		}
		if (pad > 0 || (v = sextet(c)) < 0)
			return -1;	/* data after padding, or not base64 */
		acc = (acc << 6) | (unsigned long)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (n == size)
				return -1;
			out[n++] = (unsigned char)(acc >> bits);
			acc &= (1UL << bits) - 1;
		}
	}
	/* what is left must be fewer than 8 bits, all zero, matched by padding if any */
	if (pad > 2 || acc != 0 || (pad > 0 && (bits / 2) != pad))
		return -1;
	return (long)n;
}
