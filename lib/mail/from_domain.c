/*
 * from_domain - author domain syntax and IDN conversion (see from_domain.h).
 *
 * ASCII names are checked and lowercased here; libidn2 is only asked
 * about names with non-ASCII bytes or "xn--" labels. Its output is checked
 * again as an ASCII host name, because UTS #46 mapping can produce
 * characters or labels the input did not have.
 *
 * Thread-safety: no state; buffers are on the stack or the caller's.
 */
#include "from_domain.h"

#include <idn2.h>
#include <stdbool.h>
#include <string.h>

#include "from_header.h"
#include "from_tokenizer.h"

/* RFC 1035 limits on the presentation form without the trailing dot. */
#define DOMAIN_MAX 253
#define LABEL_MAX 63
/* Longer raw domains cannot become valid A-label names; skip libidn2. */
#define RAW_DOMAIN_MAX 1024

/* check_ascii_domain - host name syntax (RFC 1123) on an ASCII name */
static const char *
check_ascii_domain(const char *d, size_t len)
{
	size_t label = 0;
	bool numeric = true;

	if (len == 0 || len > DOMAIN_MAX)
		return FROM_REASON_BAD_DOMAIN;
	for (size_t i = 0; i <= len; i++) {
		unsigned char c = i < len ? (unsigned char)d[i] : '.';

		if (c == '.') {
			if (label == 0 || d[i - 1] == '-')
				return FROM_REASON_BAD_DOMAIN;
			if (i == len && numeric)	/* "192.0.2.1" */
				return FROM_REASON_BAD_DOMAIN;
			label = 0;
			numeric = true;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-'))
			return FROM_REASON_BAD_DOMAIN;
		if ((c == '-' && label == 0) || ++label > LABEL_MAX)
			return FROM_REASON_BAD_DOMAIN;
		if (c < '0' || c > '9')
			numeric = false;
	}
	return NULL;
}

static size_t
count_dots(const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++)
		n += s[i] == '.';
	return n;
}

/*
 * idn_convert - name (NUL-terminated) to A-labels in out. Non-transitional
 * UTS #46 keeps "ß" as itself. STD3 rules are left to check_ascii_domain:
 * libidn2 2.3.3 with IDN2_USE_STD3_ASCII_RULES turns "a_b" into "ab".
 */
static const char *
idn_convert(const char *name, char *out)
{
	char *ace = NULL;
	int rc = idn2_lookup_u8((const uint8_t *)name, (uint8_t **)&ace,
				IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
	const char *r = NULL;
	size_t n;

	if (rc == IDN2_TOO_BIG_DOMAIN || rc == IDN2_TOO_BIG_LABEL)
		r = FROM_REASON_BAD_DOMAIN;
	else if (rc != IDN2_OK)
		r = FROM_REASON_IDN;
	/* U+3002 and kin map to '.': one name to us, another to a reader */
	else if ((n = strlen(ace)) == 0 ||
		 count_dots(ace, n) != count_dots(name, strlen(name)))
		r = FROM_REASON_IDN;
	else if ((r = check_ascii_domain(ace, n)) == NULL)
		memcpy(out, ace, n + 1);
	idn2_free(ace);
	return r;
}

const char *
from_domain_normalize(const unsigned char *raw, size_t len, char *out)
{
	char buf[RAW_DOMAIN_MAX + 1];
	bool ascii = true, alabel = false;
	const char *r;

	if (len > 0 && raw[len - 1] == '.')
		len--;
	if (from_tokenizer_has_encoded_word(raw, len))
		return FROM_REASON_ENCODED_WORD;
	if (len == 0 || len > RAW_DOMAIN_MAX)
		return FROM_REASON_BAD_DOMAIN;
	for (size_t i = 0; i < len; i++) {
		size_t n = from_tokenizer_utf8_len(raw + i, len - i);

		if (n == 0)
			return FROM_REASON_CONTROL_CHAR;
		if (n == 1 && raw[i] != '.' && raw[i] != '-' &&
		    !((raw[i] | 0x20) >= 'a' && (raw[i] | 0x20) <= 'z') &&
		    !(raw[i] >= '0' && raw[i] <= '9'))
			return FROM_REASON_BAD_DOMAIN;
		ascii = ascii && n == 1;
		i += n - 1;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = raw[i];

		buf[i] = (char)(c >= 'A' && c <= 'Z' ? c | 0x20 : c);
	}
	buf[len] = '\0';
	if (!ascii)
		return idn_convert(buf, out);
	if ((r = check_ascii_domain(buf, len)) != NULL)
		return r;
	for (size_t i = 0; i + 4 <= len; i++)
		if ((i == 0 || buf[i - 1] == '.') && strncmp(buf + i, "xn--", 4) == 0)
			alabel = true;
	/* an A-label must decode: "xn--zz" is no name anyone registered */
	if (alabel) {
		if ((r = idn_convert(buf, out)) == NULL && strcmp(out, buf) != 0)
			r = FROM_REASON_IDN;
		return r;
	}
	memcpy(out, buf, len + 1);
	return NULL;
}
