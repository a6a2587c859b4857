/*
 * from_header - the RFC 5322 From: header, reduced to the one author
 * domain that DMARC evaluates.
 *
 * DMARC (RFC 7489 section 6.6.1) needs exactly one author mailbox. Anything
 * that a naive reader and a careful reader could take for different
 * identities is rejected as malformed rather than guessed at: mail
 * clients, filters and authentication code that disagree on "the" From
 * address are the root of the header spoofing attacks in "Composition
 * Kills" (Chen, Paxson, Jiang, USENIX Security 2020). The caller turns a
 * malformed result into its policy decision; nothing here logs.
 *
 * Accepted: one mailbox, as addr-spec or name-addr, with display names of
 * atoms, quoted strings and obsolete dots ("Joe Q. Public"), comments and
 * folding wherever CFWS is allowed, quoted local parts, obsolete local
 * parts and obsolete routes (<@a.example:u@b.example> yields b.example).
 * The domain comes back lowercase, in A-label form (libidn2, UTS #46
 * non-transitional), without a trailing dot, and a valid host name.
 *
 * Rejected, on purpose stricter than RFC 5322: lists, groups, domain
 * literals, comments or white space between the labels of a domain
 * (obsolete, and read differently by different software), an '@' in an
 * unquoted display name, RFC 2047 encoded words in the address, IDN
 * mappings that change the label structure (U+3002 as a dot).
 *
 * The value may hold NUL bytes (hence the length), folding with CRLF or
 * bare LF, and raw UTF-8 (RFC 6532). Work is linear in the length and no
 * input overflows the fixed-size result.
 *
 * Thread-safety: pure functions; the result lives in caller memory and
 * libidn2 keeps no state, so any number of threads may parse at once.
 */
#ifndef DMARCGUARD_FROM_HEADER_H
#define DMARCGUARD_FROM_HEADER_H

#include <stddef.h>

/* Reason codes: static strings, compare with strcmp. */
#define FROM_REASON_MISSING		"malformed-from-missing"
#define FROM_REASON_MULTIPLE		"malformed-from-multiple"
#define FROM_REASON_EMPTY		"malformed-from-empty"
#define FROM_REASON_GROUP		"malformed-from-group"
#define FROM_REASON_MULTIPLE_ADDRESSES	"malformed-from-multiple-addresses"
#define FROM_REASON_NO_DOMAIN		"malformed-from-no-domain"
#define FROM_REASON_ENCODED_WORD	"malformed-from-encoded-word"
#define FROM_REASON_TRAILING_TEXT	"malformed-from-trailing-text"
#define FROM_REASON_UNBALANCED		"malformed-from-unbalanced"
#define FROM_REASON_CONTROL_CHAR	"malformed-from-control-char"
#define FROM_REASON_BAD_DOMAIN		"malformed-from-bad-domain"
#define FROM_REASON_IDN			"malformed-from-idn"
/* any other violation of the mailbox grammar (stray '\', "a..b@x", "@x") */
#define FROM_REASON_SYNTAX		"malformed-from-syntax"

#define FROM_DOMAIN_SIZE 256
#define FROM_ADDRESS_SIZE 512

enum from_status { FROM_OK, FROM_MALFORMED };

struct from_parse_result {
	enum from_status status;
	const char *reason;	/* static reason code when malformed, NULL when OK */
	char domain[FROM_DOMAIN_SIZE];	/* lowercase A-labels, no trailing dot */
	char address[FROM_ADDRESS_SIZE]; /* local@domain as written, for logs */
};

/*
 * from_header_parse - parse one From header value (the part after
 * "From:"), which may contain folding (CRLF or bare LF followed by space
 * or tab) and NUL bytes. Fills *out and returns 0 when OK; returns -1 when
 * malformed, with out->reason set and domain and address empty.
 *
 * The address is for logs only: printable, CR and LF removed, other
 * control characters and invalid UTF-8 shown as '?', cut at a character
 * boundary so that the domain part stays visible.
 */
int from_header_parse(const char *value, size_t len, struct from_parse_result *out);

/*
 * from_header_count_check - given the number of From headers in a message
 * (names compared case-insensitively by the caller), NULL if exactly one,
 * else FROM_REASON_MULTIPLE (more than one) or FROM_REASON_MISSING.
 */
const char *from_header_count_check(size_t count);

#endif
