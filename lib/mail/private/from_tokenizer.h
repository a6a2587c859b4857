/*
 * from_tokenizer - lexical layer of the From: header parser (internal to
 * from_header.c; not a public interface).
 *
 * Splits a header value into RFC 5322 tokens: atoms (atext plus 8-bit
 * bytes, RFC 6532), quoted strings, domain literals and the specials the
 * mailbox grammar uses. White space, folding and comments (nested, with
 * quoted-pairs) are skipped; a token records whether any came before it,
 * which the parser needs to tell "example.com" from "example . com".
 * Errors are reported as FROM_REASON_* codes and stop the scan.
 *
 * Also the byte-level helpers the parser shares with from_domain: UTF-8
 * validation and RFC 2047 encoded-word detection.
 *
 * Every byte is looked at once, so a scan is linear in the length, and
 * comment nesting is a counter, not recursion.
 *
 * Thread-safety: the lexer state is caller-owned; no shared state.
 */
#ifndef DMARCGUARD_FROM_TOKENIZER_H
#define DMARCGUARD_FROM_TOKENIZER_H

#include <stdbool.h>
#include <stddef.h>

enum from_tok_type {
	FROM_TOK_END,		/* end of the value */
	FROM_TOK_ATOM,		/* 1*atext, 8-bit bytes included */
	FROM_TOK_QUOTED,	/* "..." including the quotes */
	FROM_TOK_LITERAL,	/* [...] including the brackets */
	FROM_TOK_SPECIAL,	/* one of < > @ , ; : . in .ch */
	FROM_TOK_ERROR		/* see from_tokenizer.error */
};

struct from_token {
	enum from_tok_type type;
	int ch;			/* the character of a FROM_TOK_SPECIAL */
	size_t start, end;	/* byte offsets [start, end) in the value */
	bool cfws_before;	/* white space or a comment came before it */
};

struct from_tokenizer {
	const unsigned char *s;
	size_t len, pos;
	const char *error;	/* FROM_REASON_* once a scan failed */
};

/* from_tokenizer_init - start scanning value[0..len) */
void from_tokenizer_init(struct from_tokenizer *lx, const char *value, size_t len);

/*
 * from_tokenizer_next - the next token. After an error every call returns
 * FROM_TOK_ERROR again, so the parser may look at it more than once.
 */
enum from_tok_type from_tokenizer_next(struct from_tokenizer *lx, struct from_token *tok);

/*
 * from_tokenizer_utf8_len - length of the well-formed UTF-8 sequence (RFC 3629: no
 * overlongs, surrogates or values above U+10FFFF) at s, or 0 if there is
 * none within len bytes.
 */
size_t from_tokenizer_utf8_len(const unsigned char *s, size_t len);

/* from_tokenizer_utf8_valid - s[0..len) is all well-formed UTF-8 */
bool from_tokenizer_utf8_valid(const unsigned char *s, size_t len);

/*
 * from_tokenizer_has_encoded_word - an RFC 2047 encoded word "=?charset?enc?text?="
 * anywhere in s[0..len). RFC 2047 section 5 forbids them in an addr-spec;
 * some clients decode them anyway and then show an address that nothing
 * checked, so the parser refuses them where the address stands.
 */
bool from_tokenizer_has_encoded_word(const unsigned char *s, size_t len);

#endif
