/*
 * from_header - From: header value to author domain (see from_header.h).
 *
 * A recursive-descent parser over from_tokenizer tokens with one token of
 * look-ahead. It stops at the first problem, so the reason given is the
 * leftmost one, and a list of thousands of addresses is rejected at its
 * first comma. The raw span of the domain then goes to from_domain for
 * host name checks and IDN conversion.
 *
 * Reason codes are compared with strcmp: identical string literals need
 * not be one object, least of all across files.
 *
 * Thread-safety: all state is on the stack of from_header_parse.
 */
#include "from_header.h"

#include <stdbool.h>
#include <string.h>

#include "from_domain.h"
#include "from_tokenizer.h"

struct parser {
	struct from_tokenizer lx;
	struct from_token tok;		/* the look-ahead token */
	const unsigned char *s;
	size_t local_start, local_end;	/* the addr-spec found, as spans */
	size_t domain_start, domain_end;
};

/* What a run of words and dots can be: a local part needs word *("." word). */
struct words {
	size_t count;			/* words and dots */
	size_t start, end;
	bool first_is_dot;
	enum { LP_EMPTY, LP_WORD, LP_DOT, LP_BAD } lp;
};

/* Returned by parse_mailbox for "phrase :", the start of a group. */
static const char group_start[] = "group-start";

/* is_reason - r is the reason code `code` */
static bool
is_reason(const char *r, const char *code)
{
	return r != NULL && r != group_start && strcmp(r, code) == 0;
}

static void
advance(struct parser *p)
{
	(void)from_tokenizer_next(&p->lx, &p->tok);
}

static bool
is_special(const struct parser *p, int ch)
{
	return p->tok.type == FROM_TOK_SPECIAL && p->tok.ch == ch;
}

/* scan_words - a run of atoms, quoted strings and dots: a phrase or local part */
static void
scan_words(struct parser *p, struct words *w)
{
	memset(w, 0, sizeof(*w));
	while (p->tok.type == FROM_TOK_ATOM || p->tok.type == FROM_TOK_QUOTED ||
	       is_special(p, '.')) {
		bool dot = p->tok.type == FROM_TOK_SPECIAL;

		if (w->count++ == 0) {
			w->start = p->tok.start;
			w->first_is_dot = dot;
		}
		w->end = p->tok.end;
		if (dot)
			w->lp = w->lp == LP_WORD ? LP_DOT : LP_BAD;
		else
			w->lp = w->lp == LP_EMPTY || w->lp == LP_DOT ? LP_WORD : LP_BAD;
		advance(p);
	}
}

/* local_part_check - words before '@': a reason, or NULL and the span kept */
static const char *
local_part_check(struct parser *p, const struct words *w)
{
	if (w->count == 0)
		return FROM_REASON_SYNTAX;
	/*
	 * 8-bit bytes in an address must be UTF-8 (RFC 6532). A lax decoder
	 * shows the overlong "\xc1\x80" as '@', so "admin\xc1\x80bank.example"
	 * would read as another address. Display names are not checked:
	 * raw Latin-1 names are common and name no domain.
	 */
	if (!from_tokenizer_utf8_valid(p->s + w->start, w->end - w->start))
		return FROM_REASON_CONTROL_CHAR;
	if (from_tokenizer_has_encoded_word(p->s + w->start, w->end - w->start))
		return FROM_REASON_ENCODED_WORD;
	/* "John Doe@x" or "a..b@x": not a local part, maybe a display name */
	if (w->lp != LP_WORD)
		return FROM_REASON_SYNTAX;
	p->local_start = w->start;
	p->local_end = w->end;
	return NULL;
}

/* no_address - words not followed by an address: which reason */
static const char *
no_address(const struct parser *p, const struct words *w)
{
	if (w->count > 0 && from_tokenizer_has_encoded_word(p->s + w->start, w->end - w->start))
		return FROM_REASON_ENCODED_WORD;
	return FROM_REASON_NO_DOMAIN;
}

/*
 * scan_domain - atoms joined by dots, at most one trailing dot, nothing
 * between them. White space or comments between labels are obsolete
 * syntax (RFC 5322 section 4.4) that we refuse: "a@bank.example (x) .
 * evil.example" is bank.example.evil.example to us but "a@bank.example"
 * to a reader that stops at the space.
 */
static const char *
scan_domain(struct parser *p, size_t *start, size_t *end)
{
	if (p->tok.type == FROM_TOK_ERROR)
		return p->lx.error;
	if (p->tok.type == FROM_TOK_END || is_special(p, '>') ||
	    is_special(p, ',') || is_special(p, ';'))
		return FROM_REASON_NO_DOMAIN;
	if (p->tok.type != FROM_TOK_ATOM)
		return FROM_REASON_BAD_DOMAIN;	/* literal, quoted, "." ... */
	*start = p->tok.start;
	*end = p->tok.end;
	advance(p);
	while (is_special(p, '.') && !p->tok.cfws_before) {
		*end = p->tok.end;
		advance(p);
		if (p->tok.type == FROM_TOK_ATOM && !p->tok.cfws_before) {
			*end = p->tok.end;
			advance(p);
		} else if (p->tok.type == FROM_TOK_ATOM || is_special(p, '.'))
			return FROM_REASON_BAD_DOMAIN;
		else
			break;	/* one trailing dot */
	}
	if (is_special(p, '.'))
		return FROM_REASON_BAD_DOMAIN;
	return NULL;
}

/* parse_route - obs-route "@a,@b:" (RFC 5322 4.4); the domains are ignored */
static const char *
parse_route(struct parser *p)
{
	bool after_domain = false, seen = false;
	size_t s, e;
	const char *r;

	for (;;) {
		if (is_special(p, ',')) {
			after_domain = false;
			advance(p);
		} else if (is_special(p, '@') && !after_domain) {
			advance(p);
			if (p->tok.type == FROM_TOK_LITERAL)
				advance(p);
			else if ((r = scan_domain(p, &s, &e)) != NULL)
				return r;
			after_domain = seen = true;
		} else if (is_special(p, ':') && seen) {
			advance(p);
			return NULL;
		} else if (p->tok.type == FROM_TOK_ERROR)
			return p->lx.error;
		else if (p->tok.type == FROM_TOK_END)
			return FROM_REASON_UNBALANCED;
		else
			return FROM_REASON_SYNTAX;
	}
}

/* parse_angle - after "<": [route] addr-spec ">" */
static const char *
parse_angle(struct parser *p)
{
	struct words w;
	const char *r;

	advance(p);
	if (is_special(p, '>'))
		return FROM_REASON_EMPTY;	/* "<>" is no author */
	if ((is_special(p, '@') || is_special(p, ',')) &&
	    (r = parse_route(p)) != NULL)
		return r;
	scan_words(p, &w);
	if (is_special(p, '@')) {
		if ((r = local_part_check(p, &w)) != NULL)
			return r;
		advance(p);
		if ((r = scan_domain(p, &p->domain_start, &p->domain_end)) != NULL)
			return r;
		if (is_special(p, '>')) {
			advance(p);
			return NULL;
		}
		if (p->tok.type == FROM_TOK_ERROR)
			return p->lx.error;
		if (p->tok.type == FROM_TOK_END || is_special(p, '<'))
			return FROM_REASON_UNBALANCED;
		if (is_special(p, ',') || is_special(p, ';'))
			return FROM_REASON_MULTIPLE_ADDRESSES;	/* "<a@b, c@d>" */
		return FROM_REASON_TRAILING_TEXT;	/* "<a@b c>" */
	}
	if (is_special(p, '>'))
		return w.count > 0 ? no_address(p, &w) : FROM_REASON_SYNTAX;
	if (p->tok.type == FROM_TOK_ERROR)
		return p->lx.error;
	if (p->tok.type == FROM_TOK_END || is_special(p, '<'))
		return FROM_REASON_UNBALANCED;
	return FROM_REASON_SYNTAX;
}

/*
 * parse_mailbox - one mailbox starting at the look-ahead token. Returns
 * NULL with the look-ahead after it, group_start after "phrase :", or a
 * reason. Words ended by ',', ';' or the end are a mailbox without domain.
 *
 * An unquoted display name cannot hold '@' (a phrase has no specials), so
 * "ceo@bank.example <x@evil.example>" is an addr-spec followed by a second
 * address, never a name-addr. Clients differ on which of the two they
 * show, and the first is the one an attacker wants seen: it is refused as
 * multiple addresses by the caller, which sees the '<' after the mailbox.
 */
static const char *
parse_mailbox(struct parser *p)
{
	struct words w;
	const char *r;

	scan_words(p, &w);
	if (is_special(p, '@')) {
		if ((r = local_part_check(p, &w)) != NULL)
			return r;
		advance(p);
		return scan_domain(p, &p->domain_start, &p->domain_end);
	}
	if (is_special(p, '<')) {
		/* obs-phrase: word *(word / "." / CFWS), so no leading dot */
		if (w.first_is_dot)
			return FROM_REASON_SYNTAX;
		return parse_angle(p);
	}
	if (is_special(p, ':'))
		return group_start;
	if (p->tok.type == FROM_TOK_ERROR)
		return p->lx.error;
	if (is_special(p, '>'))
		return FROM_REASON_UNBALANCED;
	if (p->tok.type == FROM_TOK_LITERAL)
		return FROM_REASON_SYNTAX;
	return w.count == 0 ? FROM_REASON_EMPTY : no_address(p, &w);
}

/* after_mailbox - why the token after a complete mailbox is not the end */
static const char *
after_mailbox(const struct parser *p)
{
	if (p->tok.type == FROM_TOK_ERROR)
		return p->lx.error;
	if (is_special(p, ',') || is_special(p, ';') || is_special(p, '<'))
		return FROM_REASON_MULTIPLE_ADDRESSES;
	if (is_special(p, '>'))
		return FROM_REASON_UNBALANCED;
	return FROM_REASON_TRAILING_TEXT;
}

/*
 * parse_group - after "phrase :". A group is never one author, but a
 * member without a domain (the "Composition Kills" empty-domain shapes)
 * is reported as such; otherwise the answer is the group itself.
 */
static const char *
parse_group(struct parser *p)
{
	const char *r;

	advance(p);
	for (;;) {
		if (is_special(p, ';') || p->tok.type == FROM_TOK_END)
			return FROM_REASON_GROUP;
		if (is_special(p, ',')) {
			advance(p);
			continue;
		}
		r = parse_mailbox(p);
		if (r == group_start)
			return FROM_REASON_GROUP;	/* nested */
		if (r != NULL)
			return r;
		if (is_special(p, ','))
			advance(p);
		else if (!is_special(p, ';') && p->tok.type != FROM_TOK_END)
			return after_mailbox(p);
	}
}

/* append_printable - copy s[0..len) for logs; false when it did not all fit */
static bool
append_printable(char *out, size_t size, size_t *pos, const unsigned char *s,
		 size_t len)
{
	for (size_t i = 0; i < len;) {
		size_t n = from_tokenizer_utf8_len(s + i, len - i), step = n;
		const char *put = (const char *)s + i;

		if (s[i] == '\r' || s[i] == '\n') {
			i++;
			continue;
		}
		if (s[i] == '\t')
			put = " ";
		else if (n == 0 || (n == 1 && (s[i] < 0x20 || s[i] == 0x7f)))
			put = "?";
		if (put != (const char *)s + i)
			n = step = 1;
		if (*pos + n >= size)
			return false;
		memcpy(out + *pos, put, n);
		*pos += n;
		i += step;
	}
	return true;
}

/* set_address - "local@domain" from the spans, domain kept visible */
static void
set_address(const struct parser *p, char *out, size_t size)
{
	size_t pos = 0, dlen = p->domain_end - p->domain_start;
	size_t room = size - 1 - (dlen < size / 2 ? dlen : size / 2) - 1;

	append_printable(out, room + 1, &pos, p->s + p->local_start,
			 p->local_end - p->local_start);
	out[pos++] = '@';
	append_printable(out, size, &pos, p->s + p->domain_start, dlen);
	out[pos] = '\0';
}

int
from_header_parse(const char *value, size_t len, struct from_parse_result *out)
{
	struct parser p;
	const char *r;

	memset(out, 0, sizeof(*out));
	memset(&p, 0, sizeof(p));
	from_tokenizer_init(&p.lx, value, len);
	p.s = p.lx.s;
	advance(&p);
	if (p.tok.type == FROM_TOK_END)
		r = FROM_REASON_EMPTY;
	else if ((r = parse_mailbox(&p)) == group_start)
		r = parse_group(&p);	/* also ":;", without a display name */
	else if (is_reason(r, FROM_REASON_NO_DOMAIN) &&
		 (is_special(&p, ',') || is_special(&p, ';')))
		r = FROM_REASON_MULTIPLE_ADDRESSES;	/* "a, b@c" */
	else if (is_reason(r, FROM_REASON_EMPTY) && p.tok.type == FROM_TOK_SPECIAL &&
		 p.tok.ch != '>')
		r = FROM_REASON_MULTIPLE_ADDRESSES;	/* ", a@b" */
	else if (r == NULL && p.tok.type != FROM_TOK_END)
		r = after_mailbox(&p);
	if (r == NULL)
		r = from_domain_normalize(p.s + p.domain_start,
					  p.domain_end - p.domain_start, out->domain);
	if (r != NULL) {
		out->status = FROM_MALFORMED;
		out->reason = r;
		out->domain[0] = '\0';
		return -1;
	}
	set_address(&p, out->address, sizeof(out->address));
	out->status = FROM_OK;
	return 0;
}

const char *
from_header_count_check(size_t count)
{
	if (count == 0)
		return FROM_REASON_MISSING;
	return count == 1 ? NULL : FROM_REASON_MULTIPLE;
}
