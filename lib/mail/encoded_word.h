/*
 * encoded_word - decode the RFC 2047 encoded words of a header phrase (a
 * display name) into UTF-8, for the look-alike checks: a display name such
 * as "=?utf-8?b?Y2VvQGJhbmsuZXhhbXBsZQ==?=" is what the reader sees as
 * "ceo@bank.example", so that is what must be checked.
 *
 * Rules, one answer per input:
 *  - every "=?charset[*lang]?B|Q?text?=" is decoded, also inside quoted
 *    strings (RFC 2047 forbids them there, mail clients show them decoded);
 *    white space between two adjacent encoded words is dropped;
 *  - charsets: utf-8 and us-ascii as they are, iso-8859-1 mapped here,
 *    any other through iconv (glibc's, a descriptor per word);
 *  - "=?" that does not start a complete, well-formed encoded word (bad
 *    base64 or Q text, unknown encoding letter, no closing "?=") makes the
 *    whole phrase "broken-encoded-word": it is not guessed at;
 *  - the decoded text must be valid UTF-8 (no overlong forms, surrogates
 *    or code points above U+10FFFF) without NUL bytes, raw or encoded.
 *
 * Thread-safety: pure; iconv descriptors are opened and closed per call.
 */
#ifndef DMARCGUARD_ENCODED_WORD_H
#define DMARCGUARD_ENCODED_WORD_H

#include <stddef.h>

/* Problems: static strings, compare with strcmp. */
#define ENCODED_WORD_BROKEN		"broken-encoded-word"
#define ENCODED_WORD_CHARSET		"unknown-charset"
#define ENCODED_WORD_INVALID_UTF8	"invalid-utf8"
#define ENCODED_WORD_NUL		"nul-byte"
#define ENCODED_WORD_TOO_LONG		"too-long"

/*
 * encoded_word_decode - decode in[0..len) into out (NUL-terminated UTF-8).
 * Returns the length written, or -1 with *problem_r set to one of the
 * static strings above and out set to "" (when size > 0).
 */
int encoded_word_decode(const char *in, size_t len, char *out, size_t size,
			const char **problem_r);

/* encoded_word_valid_utf8 - 1 if s[0..len) is valid UTF-8 without NUL */
int encoded_word_valid_utf8(const char *s, size_t len);

#endif
