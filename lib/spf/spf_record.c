/*
 * spf_record - the strict RFC 7208 section 12 record grammar (see
 * spf_record.h).
 *
 * One pass over the terms, each checked by its kind; a term is a modifier
 * when a name of modifier syntax is followed by '=' (RFC 7208 4.6.1),
 * otherwise a mechanism, whose name must be one of the eight.
 *
 * Thread-safety: no state.
 */
#include "spf_record.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define VERSION "v=spf1"
#define VERSION_LEN 6

struct name_kind {
	const char *name;
	enum spf_record_kind kind;
};

static const struct name_kind mechanisms[] = {
	{ "all", SPF_RECORD_ALL },	{ "include", SPF_RECORD_INCLUDE },
	{ "a", SPF_RECORD_A },		{ "mx", SPF_RECORD_MX },
	{ "ptr", SPF_RECORD_PTR },	{ "ip4", SPF_RECORD_IP4 },
	{ "ip6", SPF_RECORD_IP6 },	{ "exists", SPF_RECORD_EXISTS },
};

/* macro_expand - check a macro-expand at s[*i] ('%'); advance past it */
static int
macro_expand(const char *s, size_t len, size_t *i, int in_record, const char **error_r)
{
	size_t p = *i + 1;
	unsigned long digits = 0;
	int letter, have_digits = 0;

	if (p >= len) {
		*error_r = "'%' at the end of a macro-string";
		return -1;
	}
	if (s[p] == '%' || s[p] == '_' || s[p] == '-') {
		*i = p + 1;
		return 0;
	}
	if (s[p] != '{') {
		*error_r = "'%' not followed by '{', '%', '_' or '-'";
		return -1;
	}
	if (++p >= len) {
		*error_r = "unterminated macro";
		return -1;
	}
	letter = tolower((unsigned char)s[p]);
	if (letter == '\0' || strchr("slodiphcrtv", letter) == NULL) {
		*error_r = "unknown macro letter";
		return -1;
	}
	if (in_record && (letter == 'c' || letter == 'r' || letter == 't')) {
		*error_r = "macro letters c, r and t belong to explanation text only";
		return -1;
	}
	for (p++; p < len && isdigit((unsigned char)s[p]); p++) {
		have_digits = 1;
		if (digits < 1000)
			digits = digits * 10 + (unsigned long)(s[p] - '0');
	}
	if (have_digits && digits == 0) {
		*error_r = "macro transformer keeps zero labels";
		return -1;
	}
	if (p < len && (s[p] == 'r' || s[p] == 'R'))
		p++;
	while (p < len && s[p] != '\0' && strchr(".-+,/_=", s[p]) != NULL)
		p++;
	if (p >= len || s[p] != '}') {
		*error_r = "bad character in macro";
		return -1;
	}
	*i = p + 1;
	return 0;
}

/*
 * macro_string - check a macro-string; *last_macro_end_r is the offset
 * just after the last macro-expand (0 when none)
 */
static int
macro_string(const char *s, size_t len, int in_record, size_t *last_macro_end_r,
	     const char **error_r)
{
	size_t i = 0;

	*last_macro_end_r = 0;
	while (i < len) {
		unsigned char c = (unsigned char)s[i];

		if (c == '%') {
			if (macro_expand(s, len, &i, in_record, error_r) < 0)
				return -1;
			*last_macro_end_r = i;
		} else if (c >= 0x21 && c <= 0x7e) {
			i++;
		} else {
			*error_r = "space, control or non-ASCII byte in macro-string";
			return -1;
		}
	}
	return 0;
}

/* toplabel - RFC 7208's toplabel: alphanumerics with a letter, or with inner '-' */
static int
toplabel(const char *s, size_t len)
{
	int alpha = 0, hyphen = 0;

	if (len == 0 || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[len - 1]))
		return 0;
	for (size_t i = 0; i < len; i++) {
		if (isalpha((unsigned char)s[i]))
			alpha = 1;
		else if (s[i] == '-')
			hyphen = 1;
		else if (!isdigit((unsigned char)s[i]))
			return 0;
	}
	return alpha || hyphen;
}

int
spf_record_domain_spec(const char *spec, size_t len, const char **error_r)
{
	size_t macro_end, end = len, dot;

	if (len == 0) {
		*error_r = "empty domain-spec";
		return -1;
	}
	if (macro_string(spec, len, 1, &macro_end, error_r) < 0)
		return -1;
	if (macro_end == len && macro_end > 0)
		return 0;	/* domain-end is a macro-expand */
	if (spec[end - 1] == '.')
		end--;
	for (dot = end; dot > 0 && spec[dot - 1] != '.'; dot--)
		;
	if (dot == 0 || dot <= macro_end || !toplabel(spec + dot, end - dot)) {
		*error_r = "domain-spec does not end in a valid top label or a macro";
		return -1;
	}
	return 0;
}

/* cidr_digits - one prefix length: "0" or no leading zero, at most max */
static int
cidr_digits(const char *s, size_t len, int max, const char **error_r)
{
	int v = 0;

	if (len == 0 || len > 3) {
		*error_r = "bad CIDR prefix length";
		return -1;
	}
	if (len > 1 && s[0] == '0') {
		*error_r = "CIDR prefix length with a leading zero";
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		if (!isdigit((unsigned char)s[i])) {
			*error_r = "bad CIDR prefix length";
			return -1;
		}
		v = v * 10 + (s[i] - '0');
	}
	if (v > max) {
		*error_r = "CIDR prefix length out of range";
		return -1;
	}
	return v;
}

/* digits_before - how many digits end s[0..len) */
static size_t
digits_before(const char *s, size_t len)
{
	size_t n = 0;

	while (n < len && isdigit((unsigned char)s[len - 1 - n]))
		n++;
	return n;
}

/*
 * dual_cidr - strip a trailing ip4-cidr-length and/or "/"ip6-cidr-length
 * from s[0..*len) into t; shortens *len
 */
static int
dual_cidr(const char *s, size_t *len, struct spf_record_term *t, const char **error_r)
{
	size_t n = digits_before(s, *len);

	if (n > 0 && *len >= n + 2 && s[*len - n - 1] == '/' && s[*len - n - 2] == '/') {
		if ((t->cidr6 = cidr_digits(s + *len - n, n, 128, error_r)) < 0)
			return -1;
		*len -= n + 2;
		n = digits_before(s, *len);
	}
	if (n > 0 && *len >= n + 1 && s[*len - n - 1] == '/') {
		if ((t->cidr4 = cidr_digits(s + *len - n, n, 32, error_r)) < 0)
			return -1;
		*len -= n + 1;
	}
	return 0;
}

/* ip4_network - a dotted quad without leading zeros */
static int
ip4_network(const char *s, size_t len)
{
	size_t i = 0;

	for (int part = 0; part < 4; part++) {
		size_t start = i;
		int v = 0;

		if (part > 0 && (i >= len || s[i++] != '.'))
			return 0;
		start = i;
		while (i < len && isdigit((unsigned char)s[i]) && i - start < 3)
			v = v * 10 + (s[i++] - '0');
		if (i == start || v > 255 || (i - start > 1 && s[start] == '0'))
			return 0;
	}
	return i == len;
}

/* ip6_network - RFC 4291 text form */
static int
ip6_network(const char *s, size_t len)
{
	char buf[INET6_ADDRSTRLEN + 1];
	struct in6_addr a;

	if (len == 0 || len >= sizeof(buf))
		return 0;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return inet_pton(AF_INET6, buf, &a) == 1;
}

/* mechanism - check the arguments of a mechanism term (after its name) */
static int
mechanism(struct spf_record_term *t, const char *rest, size_t len, const char **error_r)
{
	switch (t->kind) {
	case SPF_RECORD_ALL:
		if (len != 0)
			goto bad;
		return 0;
	case SPF_RECORD_A:
	case SPF_RECORD_MX:
		if (dual_cidr(rest, &len, t, error_r) < 0)
			return -1;
		/* fall through */
	case SPF_RECORD_PTR:
		if (len == 0)
			return 0;	/* the domain-spec is optional */
		/* fall through */
	case SPF_RECORD_INCLUDE:
	case SPF_RECORD_EXISTS:
		if (len == 0 || rest[0] != ':')
			goto bad;
		t->arg = rest + 1;
		t->arg_len = len - 1;
		return spf_record_domain_spec(t->arg, t->arg_len, error_r);
	case SPF_RECORD_IP4:
	case SPF_RECORD_IP6:
		if (len == 0 || rest[0] != ':')
			goto bad;
		t->arg = rest + 1;
		t->arg_len = len - 1;
		for (size_t i = 0; i < t->arg_len; i++) {
			int v;

			if (t->arg[i] != '/')
				continue;
			v = cidr_digits(t->arg + i + 1, t->arg_len - i - 1,
					t->kind == SPF_RECORD_IP4 ? 32 : 128, error_r);
			if (v < 0)
				return -1;
			*(t->kind == SPF_RECORD_IP4 ? &t->cidr4 : &t->cidr6) = v;
			t->arg_len = i;
			break;
		}
		if (t->kind == SPF_RECORD_IP4 ? !ip4_network(t->arg, t->arg_len)
		    : !ip6_network(t->arg, t->arg_len)) {
			*error_r = t->kind == SPF_RECORD_IP4 ? "bad ip4 network" : "bad ip6 network";
			return -1;
		}
		return 0;
	default:
		break;
	}
bad:
	*error_r = "bad mechanism arguments";
	return -1;
}

/* modifier_name_len - length of a modifier name at s followed by '=', or 0 */
static size_t
modifier_name_len(const char *s, size_t len)
{
	size_t i = 0;

	if (len == 0 || !isalpha((unsigned char)s[0]))
		return 0;
	while (i < len && (isalnum((unsigned char)s[i]) || s[i] == '-' || s[i] == '_'
			   || s[i] == '.'))
		i++;
	return i < len && s[i] == '=' ? i : 0;
}

/* term - check one term into t; *seen counts redirect (bit 0) and exp (bit 1) */
static int
term(const char *s, size_t len, struct spf_record_term *t, unsigned *seen,
     const char **error_r)
{
	size_t n = modifier_name_len(s, len), macro_end;

	t->cidr4 = t->cidr6 = -1;
	t->name = s;
	if (n > 0) {
		t->name_len = n;
		t->arg = s + n + 1;
		t->arg_len = len - n - 1;
		if (n == 8 && strncasecmp(s, "redirect", 8) == 0)
			t->kind = SPF_RECORD_REDIRECT;
		else if (n == 3 && strncasecmp(s, "exp", 3) == 0)
			t->kind = SPF_RECORD_EXP;
		else {
			t->kind = SPF_RECORD_UNKNOWN;
			return macro_string(t->arg, t->arg_len, 0, &macro_end, error_r);
		}
		if (*seen & (t->kind == SPF_RECORD_REDIRECT ? 1u : 2u)) {
			*error_r = t->kind == SPF_RECORD_REDIRECT ? "redirect= given twice"
			    : "exp= given twice";
			return -1;
		}
		*seen |= t->kind == SPF_RECORD_REDIRECT ? 1u : 2u;
		return spf_record_domain_spec(t->arg, t->arg_len, error_r);
	}
	t->qualifier = '+';
	if (len > 0 && s[0] != '\0' && strchr("+-~?", s[0]) != NULL) {
		t->qualifier = s[0];
		s++;
		len--;
	}
	t->name = s;
	for (n = 0; n < len && isalnum((unsigned char)s[n]); n++)
		;
	t->name_len = n;
	for (size_t i = 0; i < sizeof(mechanisms) / sizeof(mechanisms[0]); i++) {
		if (strlen(mechanisms[i].name) == n && strncasecmp(s, mechanisms[i].name, n) == 0) {
			t->kind = mechanisms[i].kind;
			return mechanism(t, s + n, len - n, error_r);
		}
	}
	*error_r = "unknown mechanism";
	return -1;
}

int
spf_record_parse(const char *text, size_t len, struct spf_record **record_r,
		 const char **error_r)
{
	struct spf_record *r;
	size_t i, count = 0;
	unsigned seen = 0;

	*record_r = NULL;
	if (len < VERSION_LEN || strncasecmp(text, VERSION, VERSION_LEN) != 0
	    || (len > VERSION_LEN && text[VERSION_LEN] != ' ')) {
		*error_r = "not an SPF version 1 record";
		return -1;
	}
	for (i = VERSION_LEN; i < len; i++)
		if (text[i] != ' ' && text[i - 1] == ' ')
			count++;
	if ((r = calloc(1, sizeof(*r) + count * sizeof(r->terms[0]))) == NULL)
		return -2;
	for (i = VERSION_LEN; i < len;) {
		size_t start;
		struct spf_record_term *t;

		while (i < len && text[i] == ' ')
			i++;
		if (i == len)
			break;
		for (start = i; i < len && text[i] != ' '; i++)
			;
		t = &r->terms[r->count++];
		if (term(text + start, i - start, t, &seen, error_r) < 0) {
			spf_record_free(&r);
			return -1;
		}
		if (t->kind == SPF_RECORD_ALL)
			r->has_all = 1;
	}
	*record_r = r;
	return 0;
}

void
spf_record_free(struct spf_record **record)
{
	free(*record);
	*record = NULL;
}
