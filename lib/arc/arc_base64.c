/*
 * arc_base64 - the tolerant base64 decoder of DKIM tag values (see
 * arc_base64.h).
 *
 * Thread-safety: pure function.
 */
#include "arc_base64.h"

/*
 * the value of each octet: 0..63 a base64 digit, -2 folding white space
 * (skipped), -3 the pad '=', -1 anything else. A table, as keys and
 * signatures are decoded for every ARC message (issue 14 profile).
 */
static const signed char sextet[256] = {
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -2, -2, -1, -1, -2, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-2, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 62, -1, -1, -1, 63,
	52, 53, 54, 55, 56, 57, 58, 59, 60, 61, -1, -1, -1, -3, -1, -1,
	-1, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
	15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, -1, -1, -1, -1, -1,
	-1, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40,
	41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
	-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};

/*
 * quads - from the start of p, whole groups of four digits decoded into
 * out[*n..] while they last (no white space, no pad) and out has room;
 * returns the octets of p consumed. The common case: signatures and keys
 * are folded every 60-odd digits, and this takes about a fifth of the
 * instructions per digit of the general loop (issue 14 profile).
 */
static size_t
quads(const unsigned char *p, size_t len, unsigned char *out, size_t size, size_t *n)
{
	size_t count = len / 4, room = (size - *n) / 3, done = 0;
	unsigned char *o = out + *n;

	if (count > room)
		count = room;
	for (; done < count; done++, p += 4, o += 3) {
		int a = sextet[p[0]], b = sextet[p[1]], c = sextet[p[2]], d = sextet[p[3]];
		unsigned long q;

		if ((a | b | c | d) < 0)
			break;
		q = (unsigned long)a << 18 | (unsigned long)b << 12 | (unsigned long)c << 6
		    | (unsigned long)d;
		o[0] = (unsigned char)(q >> 16);
		o[1] = (unsigned char)(q >> 8);
		o[2] = (unsigned char)q;
	}
	*n += 3 * done;
	return 4 * done;
}

long
arc_base64_decode(const char *s, size_t len, unsigned char *out, size_t size)
{
	unsigned long acc = 0;
	unsigned bits = 0, pad = 0;
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		int v;

		if (bits == 0 && pad == 0) {
			i += quads((const unsigned char *)s + i, len - i, out, size, &n);
			if (i == len)
				break;
		}
		v = sextet[(unsigned char)s[i]];
		if (v == -2)
			continue;
		if (v == -3) {
			pad++;
			continue;
		}
		if (pad > 0 || v < 0)
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
