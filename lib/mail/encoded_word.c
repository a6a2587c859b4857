/*
 * encoded_word - RFC 2047 encoded words to UTF-8 (see encoded_word.h).
 *
 * One pass over the input: literal text is copied, each encoded word is
 * decoded into a scratch buffer on the stack and converted to UTF-8 into
 * the output. The whole output is checked as UTF-8 at the end, so raw
 * 8-bit text and decoded bytes get the same rule.
 *
 * Thread-safety: no state; buffers are on the stack or the caller's.
 */
#include "encoded_word.h"

#include <errno.h>
#include <iconv.h>
#include <string.h>
#include <strings.h>

#define CHARSET_MAX 40
#define WORD_MAX 1024		/* decoded bytes of one encoded word */

struct sink {
	char *buf;
	size_t size, len;
	int overflow;
};

static void
put(struct sink *s, const char *p, size_t n)
{
	if (s->len + n >= s->size) {
		s->overflow = 1;
		return;
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
}

static int
b64_value(unsigned char c)
{
	if (c >= 'A' && c <= 'Z') return c - 'A';
	if (c >= 'a' && c <= 'z') return c - 'a' + 26;
	if (c >= '0' && c <= '9') return c - '0' + 52;
	if (c == '+') return 62;
	if (c == '/') return 63;
	return -1;
}

/* decode_b - base64, padding optional; -1 on a bad character or length */
static int
decode_b(const char *t, size_t n, unsigned char *out, size_t size, size_t *len_r)
{
	unsigned acc = 0, bits = 0;
	size_t len = 0, pad = 0;

	for (size_t i = 0; i < n; i++) {
		int v;

		if (t[i] == '=') {
			pad++;
			continue;
		}
		if (pad > 0 || (v = b64_value((unsigned char)t[i])) < 0)
			return -1;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (len >= size)
				return -1;
			out[len++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	/* a single leftover sextet cannot end base64; at most two '=' */
	if (bits >= 6 || pad > 2 || (pad > 0 && (n % 4) != 0))
		return -1;
	*len_r = len;
	return 0;
}

static int
hex_value(unsigned char c)
{
	if (c >= '0' && c <= '9') return c - '0';
	if (c >= 'A' && c <= 'F') return c - 'A' + 10;
	if (c >= 'a' && c <= 'f') return c - 'a' + 10;
	return -1;
}

/* decode_q - RFC 2047 4.2: '_' is a space, =XX a byte */
static int
decode_q(const char *t, size_t n, unsigned char *out, size_t size, size_t *len_r)
{
	size_t len = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)t[i];

		if (len >= size)
			return -1;
		if (c == '_') {
			c = ' ';
		} else if (c == '=') {
			int hi, lo;

			if (i + 2 >= n || (hi = hex_value((unsigned char)t[i + 1])) < 0
			    || (lo = hex_value((unsigned char)t[i + 2])) < 0)
				return -1;
			c = (unsigned char)(hi << 4 | lo);
			i += 2;
		} else if (c <= ' ' || c >= 0x7f) {
			return -1;
		}
		out[len++] = c;
	}
	*len_r = len;
	return 0;
}

/* convert - bytes in charset to UTF-8 into the sink; -1 if unknown or invalid */
static int
convert(const char *charset, const unsigned char *in, size_t n, struct sink *s)
{
	char tmp[WORD_MAX * 4];
	char *ip = (char *)in, *op = tmp;
	size_t il = n, ol = sizeof(tmp);
	iconv_t cd;

	if (strcasecmp(charset, "utf-8") == 0 || strcasecmp(charset, "us-ascii") == 0
	    || strcasecmp(charset, "utf8") == 0) {
		put(s, (const char *)in, n);
		return 0;
	}
	if (strcasecmp(charset, "iso-8859-1") == 0 || strcasecmp(charset, "latin1") == 0) {
		for (size_t i = 0; i < n; i++) {
			char u[2] = { (char)(0xc0 | in[i] >> 6), (char)(0x80 | (in[i] & 0x3f)) };

			if (in[i] < 0x80)
				put(s, (const char *)&in[i], 1);
			else
				put(s, u, 2);
		}
		return 0;
	}
	if ((cd = iconv_open("UTF-8", charset)) == (iconv_t)-1)
		return -1;
	if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1) {
		iconv_close(cd);
		return -2;
	}
	iconv_close(cd);
	put(s, tmp, (size_t)(op - tmp));
	return 0;
}

/*
 * word - try an encoded word at in[i] ("=?..."): on success decode it into
 * the sink, set *end_r past "?=" and return 0; -1 when malformed, -2 for
 * an unknown charset, -3 for bytes invalid in their charset.
 */
static int
word(const char *in, size_t len, size_t i, struct sink *s, size_t *end_r)
{
	char charset[CHARSET_MAX + 1];
	unsigned char bytes[WORD_MAX];
	size_t p = i + 2, c0 = p, n, text, blen = 0;
	char enc;
	int rc;

	while (p < len && in[p] != '?' && in[p] > ' ' && in[p] < 0x7f)
		p++;
	if (p >= len || in[p] != '?' || p == c0 || p - c0 > CHARSET_MAX)
		return -1;
	memcpy(charset, in + c0, p - c0);
	charset[p - c0] = '\0';
	if (strchr(charset, '*') != NULL)	/* RFC 2231 language tag */
		*strchr(charset, '*') = '\0';
	if (p + 2 >= len || in[p + 2] != '?')
		return -1;
	enc = in[p + 1];
	text = p + 3;
	for (n = text; n + 1 < len && !(in[n] == '?' && in[n + 1] == '='); n++)
		if (in[n] <= ' ' || (unsigned char)in[n] >= 0x7f || in[n] == '?')
			return -1;
	if (n + 1 >= len)
		return -1;
	if (enc == 'B' || enc == 'b')
		rc = decode_b(in + text, n - text, bytes, sizeof(bytes), &blen);
	else if (enc == 'Q' || enc == 'q')
		rc = decode_q(in + text, n - text, bytes, sizeof(bytes), &blen);
	else
		rc = -1;
	if (rc < 0)
		return -1;
	if ((rc = convert(charset, bytes, blen, s)) < 0)
		return rc == -1 ? -2 : -3;
	*end_r = n + 2;
	return 0;
}

int
encoded_word_valid_utf8(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;

	for (size_t i = 0; i < len;) {
		unsigned c = s[i], need, cp, min;

		if (c == 0)
			return 0;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) { need = 1; cp = c & 0x1f; min = 0x80; }
		else if (c >= 0xe0 && c <= 0xef) { need = 2; cp = c & 0x0f; min = 0x800; }
		else if (c >= 0xf0 && c <= 0xf4) { need = 3; cp = c & 0x07; min = 0x10000; }
		else return 0;
		if (i + need >= len)
			return 0;
		for (unsigned k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = cp << 6 | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += need + 1;
	}
	return 1;
}

static int
give_up(char *out, size_t size, const char **problem_r, const char *problem)
{
	if (size > 0)
		out[0] = '\0';
	*problem_r = problem;
	return -1;
}

int
encoded_word_decode(const char *in, size_t len, char *out, size_t size,
		    const char **problem_r)
{
	struct sink s = { .buf = out, .size = size };
	size_t i = 0, space_from = 0, end;
	int after_word = 0, rc;

	*problem_r = NULL;
	if (size == 0)
		return give_up(out, size, problem_r, ENCODED_WORD_TOO_LONG);
	while (i < len) {
		if (in[i] == '=' && i + 1 < len && in[i + 1] == '?') {
			/* white space between two encoded words is not text */
			if (after_word)
				s.len = space_from;
			if ((rc = word(in, len, i, &s, &end)) < 0)
				return give_up(out, size, problem_r, rc == -2 ? ENCODED_WORD_CHARSET
					       : rc == -3 ? ENCODED_WORD_INVALID_UTF8
					       : ENCODED_WORD_BROKEN);
			i = end;
			after_word = 1;
			space_from = s.len;
			continue;
		}
		if (in[i] != ' ' && in[i] != '\t')
			after_word = 0;
		put(&s, in + i, 1);
		i++;
	}
	if (s.overflow)
		return give_up(out, size, problem_r, ENCODED_WORD_TOO_LONG);
	out[s.len] = '\0';
	if (memchr(out, '\0', s.len) != NULL)
		return give_up(out, size, problem_r, ENCODED_WORD_NUL);
	if (!encoded_word_valid_utf8(out, s.len))
		return give_up(out, size, problem_r, ENCODED_WORD_INVALID_UTF8);
	return (int)s.len;
}
