/*
 * from_tokenizer - RFC 5322 tokens of a From: header value (see
 * from_tokenizer.h).
 *
 * Folding is CRLF or a bare LF (both MTAs hand continuation lines over
 * with bare LF) followed by a space or tab. A CR or LF that does not fold
 * would end the header, so inside a value it is a control character; only
 * a line end at the very end of the value is tolerated. NUL and the other
 * C0 controls and DEL are refused everywhere, including inside quoted
 * strings and comments, where RFC 5322 keeps them only as obsolete syntax.
 *
 * Thread-safety: no state outside the caller's struct from_tokenizer.
 */
#include "from_tokenizer.h"

#include "from_header.h"

/* is_atext - RFC 5322 atext, plus the 8-bit bytes of RFC 6532 UTF-8 */
static bool
is_atext(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c >= 0x80)
		return true;
	switch (c) {
	case '!': case '#': case '$': case '%': case '&': case '\'':
	case '*': case '+': case '-': case '/': case '=': case '?':
	case '^': case '_': case '`': case '{': case '|': case '}':
	case '~':
		return true;
	default:
		return false;
	}
}

/* is_ctl - a control character that may not appear outside folding */
static bool
is_ctl(unsigned char c)
{
	return (c < 0x20 && c != '\t') || c == 0x7f;
}

/*
 * fold - at a CR or LF: step over a line end followed by white space (or
 * ending the value) and return true, or set the control-char error.
 */
static bool
fold(struct from_tokenizer *lx)
{
	size_t p = lx->pos;

	if (lx->s[p] == '\r') {
		if (p + 1 >= lx->len || lx->s[p + 1] != '\n') {
			lx->error = FROM_REASON_CONTROL_CHAR;
			return false;
		}
		p++;
	}
	p++;			/* past the LF */
	if (p == lx->len || lx->s[p] == ' ' || lx->s[p] == '\t') {
		lx->pos = p;
		return true;
	}
	lx->error = FROM_REASON_CONTROL_CHAR;
	return false;
}

/*
 * scan_delimited - from the opening character at lx->pos to its closing
 * one: quoted strings ("), domain literals ([ ]) and comments (( ), which
 * nest). Handles quoted-pairs and folding; false with lx->error set when
 * the value ends first or holds a control character.
 */
static bool
scan_delimited(struct from_tokenizer *lx, unsigned char open, unsigned char close)
{
	size_t depth = 1;

	lx->pos++;
	while (lx->pos < lx->len) {
		unsigned char c = lx->s[lx->pos];

		if (c == '\r' || c == '\n') {
			if (!fold(lx))
				return false;
			continue;
		}
		if (is_ctl(c)) {
			lx->error = FROM_REASON_CONTROL_CHAR;
			return false;
		}
		if (c == '\\') {
			if (lx->pos + 1 >= lx->len)
				break;
			if (is_ctl(lx->s[lx->pos + 1]) ||
			    lx->s[lx->pos + 1] == '\r' || lx->s[lx->pos + 1] == '\n') {
				lx->error = FROM_REASON_CONTROL_CHAR;
				return false;
			}
			lx->pos += 2;
			continue;
		}
		lx->pos++;
		if (c == close && --depth == 0)
			return true;
		if (c == open && open == '(')
			depth++;
		else if (c == '[' && open == '[') {
			/* "[" is not dtext: a literal cannot nest */
			lx->error = FROM_REASON_SYNTAX;
			return false;
		}
	}
	lx->error = FROM_REASON_UNBALANCED;
	return false;
}

/* skip_cfws - white space, folding and comments; true if any was skipped */
static bool
skip_cfws(struct from_tokenizer *lx)
{
	size_t start = lx->pos;

	while (lx->pos < lx->len && lx->error == NULL) {
		unsigned char c = lx->s[lx->pos];

		if (c == ' ' || c == '\t')
			lx->pos++;
		else if (c == '\r' || c == '\n')
			(void)fold(lx);
		else if (c == '(')
			(void)scan_delimited(lx, '(', ')');
		else
			break;
	}
	return lx->pos != start;
}

void
from_tokenizer_init(struct from_tokenizer *lx, const char *value, size_t len)
{
	lx->s = (const unsigned char *)value;
	lx->len = value != NULL ? len : 0;
	lx->pos = 0;
	lx->error = NULL;
}

enum from_tok_type
from_tokenizer_next(struct from_tokenizer *lx, struct from_token *tok)
{
	unsigned char c;

	tok->ch = 0;
	tok->cfws_before = skip_cfws(lx);
	tok->start = tok->end = lx->pos;
	if (lx->error != NULL)
		return tok->type = FROM_TOK_ERROR;
	if (lx->pos >= lx->len)
		return tok->type = FROM_TOK_END;
	c = lx->s[lx->pos];
	if (is_atext(c)) {
		while (lx->pos < lx->len && is_atext(lx->s[lx->pos]))
			lx->pos++;
		tok->type = FROM_TOK_ATOM;
	} else if (c == '"' || c == '[') {
		if (!scan_delimited(lx, c, c == '"' ? '"' : ']'))
			return tok->type = FROM_TOK_ERROR;
		tok->type = c == '"' ? FROM_TOK_QUOTED : FROM_TOK_LITERAL;
	} else if (c == '<' || c == '>' || c == '@' || c == ',' || c == ';' ||
		   c == ':' || c == '.') {
		lx->pos++;
		tok->type = FROM_TOK_SPECIAL;
		tok->ch = c;
	} else {
		if (c == ')' || c == ']')
			lx->error = FROM_REASON_UNBALANCED;
		else if (is_ctl(c))
			lx->error = FROM_REASON_CONTROL_CHAR;
		else		/* a backslash outside quotes or comments */
			lx->error = FROM_REASON_SYNTAX;
		return tok->type = FROM_TOK_ERROR;
	}
	tok->end = lx->pos;
	return tok->type;
}

size_t
from_tokenizer_utf8_len(const unsigned char *s, size_t len)
{
	size_t n;
	unsigned char lo = 0x80, hi = 0xbf;

	if (len == 0)
		return 0;
	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2;
	else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		if (s[0] == 0xe0)
			lo = 0xa0;	/* overlong */
		else if (s[0] == 0xed)
			hi = 0x9f;	/* surrogates */
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		if (s[0] == 0xf0)
			lo = 0x90;	/* overlong */
		else if (s[0] == 0xf4)
			hi = 0x8f;	/* above U+10FFFF */
	} else
		return 0;
	if (len < n || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < n; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return n;
}

bool
from_tokenizer_utf8_valid(const unsigned char *s, size_t len)
{
	for (size_t i = 0, n; i < len; i += n)
		if ((n = from_tokenizer_utf8_len(s + i, len - i)) == 0)
			return false;
	return true;
}

bool
from_tokenizer_has_encoded_word(const unsigned char *s, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		size_t q1, q2;

		if (s[i] != '=' || s[i + 1] != '?')
			continue;
		/* non-empty charset and encoding, then "?=" after the text */
		for (q1 = i + 3; q1 < len && s[q1] != '?'; q1++)
			;
		for (q2 = q1 + 2; q2 < len && s[q2] != '?'; q2++)
			;
		for (size_t e = q2 + 1; e + 1 < len; e++)
			if (s[e] == '?' && s[e + 1] == '=')
				return true;
		/* any later "=?" finds its '?'s no earlier: no match either */
		return false;
	}
	return false;
}
