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

long
arc_base64_decode(const char *s, size_t len, unsigned char *out, size_t size)
{
	unsigned long acc = 0;
	unsigned bits = 0, pad = 0;
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		int v;

		/*
		 * Four digits at a quantum boundary are three octets at once:
		 * the common case (signatures and keys folded every 60-odd
		 * digits), about a fifth of the instructions of the loop below.
		 */
		if (bits == 0 && pad == 0 && len - i >= 4 && size - n >= 3) {
			int a = sextet[(unsigned char)s[i]], b = sextet[(unsigned char)s[i + 1]];
			int c = sextet[(unsigned char)s[i + 2]], d = sextet[(unsigned char)s[i + 3]];

			if ((a | b | c | d) >= 0) {
				unsigned long q = (unsigned long)a << 18 | (unsigned long)b << 12
						  | (unsigned long)c << 6 | (unsigned long)d;

				out[n++] = (unsigned char)(q >> 16);
				out[n++] = (unsigned char)(q >> 8);
				out[n++] = (unsigned char)q;
				i += 3;
				continue;
			}
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
