/*
 * dkimv_bodyhash - DKIM body canonicalization and hash (see dkimv_bodyhash.h).
 *
 * Two paths over the same state. At the start of a line, the fast path
 * finds each CRLF with memchr; a line that canonicalization leaves as it
 * is joins a span of the caller's buffer that goes to the digest in one
 * update, an empty line is only counted (empty lines are emitted when a
 * line with content follows them, never at the end). Any other line, and
 * a line cut by the end of a chunk, goes through the slow path one octet
 * at a time, its output collected in a small buffer.
 *
 * Thread-safety: none; one hasher belongs to one message.
 */
#include "dkimv_bodyhash.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

struct dkimv_bodyhash {
	enum dkimv_bodyhash_canon canon;
	enum dkimv_bodyhash_alg alg;
	unsigned long long limit;	/* canonical octets to hash */
	unsigned long long hashed;	/* octets given to the digest */
	unsigned long long length;	/* canonical octets, whole body */
	unsigned long long blanks;	/* empty lines held back */
	int cr;				/* a CR is pending: line end or content */
	int mid;			/* an octet of this line was seen */
	int content;			/* relaxed: a non-WSP octet of this line */
	int wsp;			/* relaxed: a white space run is pending */
	int failed;
	EVP_MD_CTX *md;
	size_t outn;
	unsigned char out[1024];	/* the slow path's output */
};

static const unsigned char crlfs[] =
	"\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n";

struct dkimv_bodyhash *
dkimv_bodyhash_new(enum dkimv_bodyhash_canon canon, enum dkimv_bodyhash_alg alg,
		  unsigned long long limit)
{
	struct dkimv_bodyhash *h = calloc(1, sizeof(*h));

	if (h == NULL)
		return NULL;
	h->canon = canon;
	h->alg = alg;
	h->limit = limit;
	if ((h->md = EVP_MD_CTX_new()) == NULL
	    || EVP_DigestInit_ex(h->md, alg == DKIMV_BODYHASH_SHA1 ? EVP_sha1() : EVP_sha256(),
				 NULL) != 1) {
		dkimv_bodyhash_free(&h);
		return NULL;
	}
	return h;
}

/* digest - canonical octets, in order; only the first limit are hashed */
static void
digest(struct dkimv_bodyhash *h, const unsigned char *p, size_t n)
{
	h->length += n;
	if (h->hashed >= h->limit || n == 0)
		return;
	if (n > h->limit - h->hashed)
		n = (size_t)(h->limit - h->hashed);
	if (EVP_DigestUpdate(h->md, p, n) != 1)
		h->failed = 1;
	h->hashed += n;
}

static void
flush_out(struct dkimv_bodyhash *h)
{
	digest(h, h->out, h->outn);
	h->outn = 0;
}

/* emit - canonical octets straight from a buffer, after what is collected */
static void
emit(struct dkimv_bodyhash *h, const unsigned char *p, size_t n)
{
	if (h->outn > 0)
		flush_out(h);
	digest(h, p, n);
}

/* put - one canonical octet, collected */
static void
put(struct dkimv_bodyhash *h, unsigned char c)
{
	if (h->outn == sizeof(h->out))
		flush_out(h);
	h->out[h->outn++] = c;
}

/* flush_blanks - content follows: the empty lines held back are part of the body */
static void
flush_blanks(struct dkimv_bodyhash *h)
{
	while (h->blanks > 0) {
		size_t lines = sizeof(crlfs) / 2;

		if (h->blanks < lines)
			lines = (size_t)h->blanks;
		emit(h, crlfs, lines * 2);
		h->blanks -= lines;
	}
}

/* octet - one octet inside a line (a CR only once known not to end it) */
static void
octet(struct dkimv_bodyhash *h, unsigned char c)
{
	if (h->canon == DKIMV_BODYHASH_RELAXED) {
		h->mid = 1;
		if (c == ' ' || c == '\t') {
			h->wsp = 1;
			return;
		}
		if (h->blanks > 0)
			flush_blanks(h);
		if (h->wsp)
			put(h, ' ');
		h->wsp = 0;
		h->content = 1;
		put(h, c);
		return;
	}
	if (h->blanks > 0)
		flush_blanks(h);
	h->mid = h->content = 1;
	put(h, c);
}

/* line_end - a CRLF: the line's own, or one more empty line held back */
static void
line_end(struct dkimv_bodyhash *h)
{
	if (h->content) {
		put(h, '\r');
		put(h, '\n');
	} else
		h->blanks++;
	h->mid = h->content = h->wsp = 0;
}

/* slow - octet by octet until the end of the current line or of the chunk */
static const unsigned char *
slow(struct dkimv_bodyhash *h, const unsigned char *p, const unsigned char *end)
{
	while (p < end) {
		unsigned char c = *p++;

		if (h->cr) {
			h->cr = 0;
			if (c == '\n') {
				line_end(h);
				return p;
			}
			octet(h, '\r');
		}
		if (c == '\r')
			h->cr = 1;
		else
			octet(h, c);
	}
	return p;
}

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* eq_mask - the high bit of each octet of x that equals c, nothing else */
static inline uint64_t
eq_mask(uint64_t x, unsigned char c)
{
	const uint64_t low7 = 0x7f7f7f7f7f7f7f7fULL;
	uint64_t t = x ^ (0x0101010101010101ULL * c);

	return ~(((t & low7) + low7) | t | low7);
}
#endif

/*
 * wsp_to_squeeze - a tab or two spaces in a row, eight octets at a time
 * (the one scan every line of a relaxed body gets)
 */
static int
wsp_to_squeeze(const unsigned char *p, size_t len)
{
	int prev_space = 0;
	size_t i = 0;

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	for (; i + 8 <= len; i += 8) {
		uint64_t x, sp;

		memcpy(&x, p + i, sizeof(x));
		sp = eq_mask(x, ' ');
		if (eq_mask(x, '\t') != 0 || (sp & (sp >> 8)) != 0
		    || (prev_space && (sp & 0x80) != 0))
			return 1;
		prev_space = (int)(sp >> 63);
	}
#endif
	for (; i < len; i++) {
		if (p[i] == '\t' || (p[i] == ' ' && prev_space))
			return 1;
		prev_space = p[i] == ' ';
	}
	return 0;
}

/* unchanged_relaxed - does relaxed canonicalization leave this line content as is? */
static int
unchanged_relaxed(const unsigned char *p, size_t len)
{
	return p[len - 1] != ' ' && p[len - 1] != '\t' && !wsp_to_squeeze(p, len);
}

/*
 * fast - at a line start: whole lines up to the first one that needs the
 * slow path or is cut by the end of the chunk
 */
static const unsigned char *
fast(struct dkimv_bodyhash *h, const unsigned char *p, const unsigned char *end)
{
	const unsigned char *span = p;

	while (p < end) {
		const unsigned char *lf = memchr(p, '\n', (size_t)(end - p));
		size_t len;

		if (lf == NULL || lf == p || lf[-1] != '\r')
			break;		/* cut, or an LF that ends no line */
		len = (size_t)(lf - 1 - p);
		if (len == 0) {
			emit(h, span, (size_t)(p - span));
			h->blanks++;
			p = span = lf + 1;
			continue;
		}
		if (h->canon == DKIMV_BODYHASH_RELAXED && !unchanged_relaxed(p, len))
			break;
		if (h->blanks > 0) {
			/* the span is empty: it restarted at the last empty line */
			flush_blanks(h);
		}
		p = lf + 1;
	}
	emit(h, span, (size_t)(p - span));
	return p;
}

int
dkimv_bodyhash_feed(struct dkimv_bodyhash *h, const unsigned char *p, size_t n)
{
	const unsigned char *end = p + n;

	while (p < end) {
		if (!h->cr && !h->mid)
			p = fast(h, p, end);
		if (p < end)
			p = slow(h, p, end);
	}
	return h->failed ? -1 : 0;
}

int
dkimv_bodyhash_final(struct dkimv_bodyhash *h, unsigned char out[DKIMV_BODYHASH_MAX_DIGEST],
		    size_t *out_len, unsigned long long *canon_len)
{
	unsigned int len = 0;

	if (h->cr) {		/* a CR at the very end is content */
		h->cr = 0;
		octet(h, '\r');
	}
	if (h->content) {	/* an unterminated last line gets its CRLF */
		put(h, '\r');
		put(h, '\n');
	}
	h->mid = h->content = h->wsp = 0;
	h->blanks = 0;		/* trailing empty lines are not part of it */
	if (h->canon == DKIMV_BODYHASH_SIMPLE && h->length + h->outn == 0) {
		put(h, '\r');
		put(h, '\n');
	}
	flush_out(h);
	if (EVP_DigestFinal_ex(h->md, out, &len) != 1)
		h->failed = 1;
	*out_len = len;
	*canon_len = h->length;
	return h->failed ? -1 : 0;
}

int
dkimv_bodyhash_matches(const struct dkimv_bodyhash *h, enum dkimv_bodyhash_canon canon,
		      enum dkimv_bodyhash_alg alg, unsigned long long limit)
{
	return h->canon == canon && h->alg == alg && h->limit == limit;
}

void
dkimv_bodyhash_free(struct dkimv_bodyhash **h)
{
	if (*h == NULL)
		return;
	EVP_MD_CTX_free((*h)->md);
	free(*h);
	*h = NULL;
}
