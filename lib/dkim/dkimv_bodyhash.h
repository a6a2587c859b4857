/*
 * dkimv_bodyhash - the DKIM body hash (RFC 6376 3.4.3, 3.4.4, 3.7) of a
 * message body fed in chunks of any size, for comparison with a
 * signature's bh= tag.
 *
 * libopendkim canonicalizes the body one octet at a time through its
 * string buffers; that was most of the CPU time a signed message cost
 * (docs/performance.md). This module does the same canonicalization line
 * by line: a line that canonicalization leaves unchanged (the usual case:
 * no tab, no run of spaces, no trailing space) is hashed straight from
 * the caller's buffer, many lines per digest update; only other lines go
 * octet by octet. libopendkim still parses signatures, fetches keys,
 * canonicalizes and verifies the header hash; dkimv compares the
 * body hashes made here.
 *
 * Rules, the same as libopendkim's for mail as MTAs hand it to a milter
 * (every line ending in CRLF), checked against libopendkim's own signer
 * by tests/test_dkimv_bodyhash.c:
 *   - a line ends with CRLF; any other CR or LF is an ordinary octet;
 *   - simple: the body as is, trailing empty lines dropped, a CRLF added
 *     after an unterminated last line, an empty body hashed as one CRLF;
 *   - relaxed: every run of SP and HTAB becomes one SP, white space at the
 *     end of a line is dropped, a line left empty is an empty line,
 *     trailing empty lines are dropped, a CRLF is added after an
 *     unterminated last line, an empty body stays empty;
 *   - with a length limit (l=), only that many canonical octets are
 *     hashed; the canonical length of the whole body is counted anyway,
 *     so that a caller can tell content was appended after the signed
 *     part.
 * Departures from libopendkim: a last line without its CRLF gets one
 * (libopendkim adds none in simple and refuses such a body in relaxed;
 * Postfix and Sendmail end every line with CRLF, so this only matters
 * for --test files); a lone CR inside a line is content, as RFC 6376 has
 * it (libopendkim's relaxed mode drops it, and its simple mode takes a
 * line of nothing but CRs for an empty line).
 *
 * Memory is constant whatever the body or line length.
 *
 * Thread-safety: none needed; one hasher belongs to one message.
 */
#ifndef DMARCGUARD_DKIMV_BODYHASH_H
#define DMARCGUARD_DKIMV_BODYHASH_H

#include <stddef.h>

enum dkimv_bodyhash_canon { DKIMV_BODYHASH_SIMPLE, DKIMV_BODYHASH_RELAXED };
enum dkimv_bodyhash_alg { DKIMV_BODYHASH_SHA1, DKIMV_BODYHASH_SHA256 };

#define DKIMV_BODYHASH_NO_LIMIT (~0ULL)
#define DKIMV_BODYHASH_MAX_DIGEST 32

struct dkimv_bodyhash;

/* dkimv_bodyhash_new - a hasher for one canonicalization; NULL without memory */
struct dkimv_bodyhash *dkimv_bodyhash_new(enum dkimv_bodyhash_canon canon,
					enum dkimv_bodyhash_alg alg,
					unsigned long long limit);

/* dkimv_bodyhash_feed - the next n body octets; 0, or -1 if the digest failed */
int dkimv_bodyhash_feed(struct dkimv_bodyhash *h, const unsigned char *p, size_t n);

/*
 * dkimv_bodyhash_final - end of body: the digest into out (its length into
 * *out_len) and the canonical length of the whole body into *canon_len.
 * Returns 0, or -1 if the digest failed. Call it once.
 */
int dkimv_bodyhash_final(struct dkimv_bodyhash *h, unsigned char out[DKIMV_BODYHASH_MAX_DIGEST],
			size_t *out_len, unsigned long long *canon_len);

/* dkimv_bodyhash_matches - same canonicalization, algorithm and limit? */
int dkimv_bodyhash_matches(const struct dkimv_bodyhash *h, enum dkimv_bodyhash_canon canon,
			  enum dkimv_bodyhash_alg alg, unsigned long long limit);

/* dkimv_bodyhash_free - release; *h becomes NULL */
void dkimv_bodyhash_free(struct dkimv_bodyhash **h);

#endif
