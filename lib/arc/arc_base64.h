/*
 * arc_base64 - base64 (RFC 4648) as DKIM tags carry it (b=, bh=, p=):
 * folding white space anywhere is ignored, padding is optional at the
 * end and nowhere else, any other character is an error.
 *
 * Thread-safety: pure function.
 */
#ifndef DMARCGUARD_ARC_BASE64_H
#define DMARCGUARD_ARC_BASE64_H

#include <stddef.h>

/*
 * arc_base64_decode - decode s[0..len) into out (at most size octets).
 * Returns the number of octets, or -1 for a bad character, misplaced
 * padding, trailing bits, or an output longer than size.
 */
long arc_base64_decode(const char *s, size_t len, unsigned char *out, size_t size);

#endif
