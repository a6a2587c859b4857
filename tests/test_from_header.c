/*
 * test_from_header - the From: header parser against RFC 5322 (section
 * 3.4, obsolete syntax of section 4.4, the examples of appendix A), RFC
 * 6532 UTF-8, IDNA, and the header spoofing shapes of "Composition Kills"
 * (Chen, Paxson, Jiang, USENIX Security 2020).
 *
 * The table is the specification. Where it departs from RFC 5322 on
 * purpose (obsolete white space inside a domain, lists with one mailbox,
 * domain literals) the row says why. Inputs too large to write down are
 * built by generator functions in test_from_header_limits.c; both files
 * assert each row with support/from_header_check.h.
 */
#include <string.h>

#include "from_header.h"
#include "from_header_check.h"
#include "test_main.h"

#define L10 "aaaaaaaaaa"
#define L61 L10 L10 L10 L10 L10 L10 "a"
#define L63 L61 "aa"

struct row {
	const char *in;
	size_t len;			/* 0: strlen(in) */
	enum from_status want;
	const char *want_str;		/* domain when OK, reason when malformed */
	const char *want_addr;		/* the address for logs; NULL: unchecked */
};

#define OK(in, dom)		{ in, 0, FROM_OK, dom, NULL }
#define OKA(in, dom, addr)	{ in, 0, FROM_OK, dom, addr }
#define BAD(in, why)		{ in, 0, FROM_MALFORMED, why, NULL }
/* a literal with NUL bytes in it: the length comes from sizeof */
#define BADN(in, why)		{ in, sizeof(in) - 1, FROM_MALFORMED, why, NULL }

#define MISSING		FROM_REASON_MISSING
#define EMPTY		FROM_REASON_EMPTY
#define GROUP		FROM_REASON_GROUP
#define MULTI		FROM_REASON_MULTIPLE_ADDRESSES
#define NODOM		FROM_REASON_NO_DOMAIN
#define ENCODED		FROM_REASON_ENCODED_WORD
#define TRAILING	FROM_REASON_TRAILING_TEXT
#define UNBAL		FROM_REASON_UNBALANCED
#define CTRL		FROM_REASON_CONTROL_CHAR
#define BADDOM		FROM_REASON_BAD_DOMAIN
#define IDN		FROM_REASON_IDN
#define SYNTAX		FROM_REASON_SYNTAX

static const struct row rows[] = {
	/* RFC 5322 appendix A.1.1, A.1.2, A.1.3, A.2 */
	OKA("John Doe <jdoe@machine.example>", "machine.example",
	    "jdoe@machine.example"),
	OK("\"Joe Q. Public\" <john.q.public@example.com>", "example.com"),
	OK("Pete <pete@silly.example>", "silly.example"),
	OK("Mary Smith <mary@example.net>", "example.net"),
	/* A.1.2 To: and Cc: lines as a From: more than one author */
	BAD("Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>", MULTI),
	BAD("<boss@nil.test>, \"Giant; \\\"Big\\\" Box\" <sysservices@example.net>", MULTI),
	/* A.1.3 groups, the empty one included */
	BAD("A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;", GROUP),
	BAD("Undisclosed recipients:;", GROUP),
	/* A.5 comments and white space everywhere CFWS may be */
	OKA("Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>",
	    "silly.test", "pete@silly.test"),
	BAD("A Group(Some people)\r\n     :Chris Jones <c@(Chris's host.)public.example>,"
	    "\r\n         joe@example.org,\r\n  John <jdoe@one.test> (my dear friend);"
	    " (the end of the group)", GROUP),
	BAD("(Empty list)(start)Hidden recipients  :(nobody(that I know))  ;", GROUP),
	/* A.6.1 obsolete phrase with a dot, route, list with empty member */
	OK("Joe Q. Public <john.q.public@example.com>", "example.com"),
	OK("Mary Smith <@node.test:mary@example.net>", "example.net"),
	BAD("Mary Smith <@node.test:mary@example.net>, , jdoe@test  . example", MULTI),
	/*
	 * A.6.1/A.6.2: obs-domain allows CFWS between labels. Refused: a
	 * reader that stops at the space sees "test", we would see
	 * "test.example", and "a@bank.example (x) . evil.example" is that
	 * difference made into a spoof.
	 */
	BAD("jdoe@test  . example", BADDOM),
	BAD("John Doe <jdoe@machine(comment).  example>", BADDOM),
	/* A.6.2 obsolete white space: a line of only white space */
	OK("Mary Smith\r\n  \r\n\t<mary@example.net>", "example.net"),

	/* addr-spec shapes */
	OKA("user@example.com", "example.com", "user@example.com"),
	OK("  \t user@example.com \t ", "example.com"),
	OK("<user@example.com>", "example.com"),
	OKA("A@B.EXAMPLE", "b.example", "A@B.EXAMPLE"),
	OKA("User <user@Example.COM.>", "example.com", "user@Example.COM."),
	OK("user@example.com.", "example.com"),
	OKA("\"john..doe\"@example.com", "example.com", "\"john..doe\"@example.com"),
	OK("\"a@b\"@example.com", "example.com"),
	OK("\"\"@example.com", "example.com"),		/* empty quoted local part */
	OKA("john . doe @ example.com", "example.com", "john . doe@example.com"),
	OK("a(x)@(y)example.com(z)", "example.com"),
	OK("user@localhost", "localhost"),		/* one label is a host name */
	OK("user@a-b.c-d-e.example", "a-b.c-d-e.example"),
	OK("user@" L63 ".example", L63 ".example"),
	OK("user@" L63 "." L63 "." L63 "." L61, L63 "." L63 "." L63 "." L61),
	OK("user@example.com\r\n", "example.com"),	/* a final line end */
	OK("<@a.example,@b.example:user@d.example>", "d.example"),
	OK("Route <,@a.example, ,@[192.0.2.1]:user@d.example>", "d.example"),

	/* display names */
	OK("\"ceo@bank.example\" <x@evil.example>", "evil.example"),
	OK("\"<ceo@bank.example>\" <x@evil.example>", "evil.example"),
	OK("\"quoted \\\"pair\\\" name\" <a@example.com>", "example.com"),
	OK("Joe<a@example.com>", "example.com"),
	OK("J\xc3\xb6rg M\xc3\xbcller <j\xc3\xb6rg@example.com>", "example.com"),
	OK("=?utf-8?q?J=C3=B6rg?= <jorg@example.com>", "example.com"),
	OK("\"=?utf-8?b?YWRtaW5AYmFuay5leGFtcGxl?=\" <x@evil.example>", "evil.example"),
	OK("(comment (nested (deeply)) \\( ) <a@example.com>", "example.com"),
	OK("a@example.com (comment with \\) paren)", "example.com"),

	/* folding: CRLF, bare LF (as the MTAs pass it), inside quotes */
	OK("John Doe\r\n <jdoe@example.com>", "example.com"),
	OK("John Doe\n\t<jdoe@example.com>", "example.com"),
	OK("\"John\n Doe\" <jdoe@example.com>", "example.com"),
	OK("<jdoe\r\n\t@\r\n example.com\r\n >", "example.com"),

	/* IDN: U-labels to A-labels, A-labels kept, lowercase */
	OK("user@b\xc3\xbc" "cher.example", "xn--bcher-kva.example"),
	OK("User <user@B\xc3\x9c" "CHER.example>", "xn--bcher-kva.example"),
	OK("user@XN--BCHER-KVA.Example", "xn--bcher-kva.example"),
	/* non-transitional: sharp s stays, no "strasse" */
	OK("user@stra\xc3\x9f" "e.example", "xn--strae-oqa.example"),
	/* UTS #46 maps fullwidth letters: what the reader sees is bank.example */
	OK("user@\xef\xbd\x82\xef\xbd\x81nk.example", "bank.example"),

	/* malformed-from-empty */
	BAD("", EMPTY),
	BAD("   \t ", EMPTY),
	BAD("\r\n ", EMPTY),
	BAD("(just a comment)", EMPTY),
	BAD("<>", EMPTY),
	BAD("Postmaster <>", EMPTY),

	/* malformed-from-group */
	BAD(":;", GROUP),
	BAD("list: a@b.example;", GROUP),
	BAD("list: a@b.example", GROUP),		/* without its ';' */
	BAD("undisclosed:; <attacker@evil.example>", GROUP),
	BAD("From: admin@bank.example", GROUP),		/* a pasted header name */

	/* malformed-from-multiple-addresses */
	BAD("a@b.example, c@d.example", MULTI),
	BAD("a@b.example; c@d.example", MULTI),
	BAD("<a@b.example> <c@d.example>", MULTI),
	BAD("a, b@example.com", MULTI),
	/* obs-mbox-list allows empty members; a list is still no author */
	BAD("a@b.example,", MULTI),
	BAD(", a@b.example", MULTI),
	/*
	 * '@' cannot be in an unquoted display name, so this is an addr-spec
	 * and then a second address. Clients differ on which they show;
	 * the first is the one the sender wants seen. Never guess.
	 */
	BAD("ceo@bank.example <x@evil.example>", MULTI),

	/* malformed-from-no-domain */
	BAD("John Doe", NODOM),
	BAD("jdoe", NODOM),
	BAD("<jdoe>", NODOM),
	BAD("jdoe@", NODOM),
	BAD("<jdoe@>", NODOM),
	BAD("list: jdoe;", NODOM),			/* group member */
	BAD("list: a@b.example, jdoe;", NODOM),

	/* malformed-from-encoded-word (RFC 2047 section 5) */
	BAD("=?utf-8?B?YWRtaW5AYmFuay5leGFtcGxl?=", ENCODED),
	BAD("=?utf-8?q?admin?=@bank.example", ENCODED),
	BAD("<\"=?utf-8?q?admin?=\"@bank.example>", ENCODED),
	BAD("admin@=?utf-8?q?bank.example?=", ENCODED),

	/* malformed-from-trailing-text */
	BAD("<a@b.example>c@d.example", TRAILING),
	BAD("<a@b.example> trailing words", TRAILING),
	BAD("a@b.example c", TRAILING),
	BAD("<a@b.example c>", TRAILING),
	BAD("<a@b.example, c@d.example>", MULTI),
	BAD("a@b.example\"x\"", TRAILING),
	BAD("a@b.example[x]", TRAILING),

	/* malformed-from-unbalanced */
	BAD("<a@b.example", UNBAL),
	BAD("a@b.example>", UNBAL),
	BAD("<<a@b.example>>", UNBAL),
	BAD("\"a@b.example", UNBAL),
	BAD("\"a\\\"@b.example", UNBAL),		/* the quote is escaped */
	BAD("a@b.example (comment", UNBAL),
	BAD("(a (b) <a@b.example>", UNBAL),		/* comments nest */
	BAD("a@b.example)", UNBAL),
	BAD("a@[192.0.2.1", UNBAL),
	BAD("Joe <a@b.example> ]", UNBAL),
	BAD("\"abc\\", UNBAL),

	/* malformed-from-control-char */
	BADN("a@b.ex\0ample", CTRL),
	BADN("\0a@b.example", CTRL),
	BADN("(\0)a@b.example", CTRL),
	BADN("\"a\0b\"@b.example", CTRL),
	BAD("\"a\x01\"@b.example", CTRL),
	BAD("a@b\x7f.example", CTRL),
	BAD("a@b.example\rc", CTRL),			/* bare CR is no folding */
	BAD("a@b.example\nX-Injected: yes", CTRL),	/* LF not followed by WSP */
	BAD("a@b.example\r\n\r\n", CTRL),
	BAD("a@b\xc3.example", CTRL),			/* truncated UTF-8 */
	BAD("a@\xc0\xae.example", CTRL),		/* overlong '.' */
	BAD("a@\xed\xa0\x80.example", CTRL),		/* UTF-16 surrogate */
	BAD("a@b.example\x1b", CTRL),
	BAD("\xff@example.com", CTRL),			/* Latin-1 in an address */
	/* an overlong '@' that a lax decoder would show as one */
	BAD("\"admin\xc1\x80" "bank.example\"@evil.example", CTRL),
	/* raw 8-bit display names are legacy mail, and name no domain */
	OK("J\xf6rg <joerg@example.com>", "example.com"),

	/* malformed-from-bad-domain; literals have no DMARC policy */
	BAD("a@[192.0.2.1]", BADDOM),
	BAD("<a@[IPv6:2001:db8::1]>", BADDOM),
	BAD("a@\"example.com\"", BADDOM),
	BAD("a@b..example", BADDOM),
	BAD("a@.example", BADDOM),
	BAD("a@example..", BADDOM),
	BAD("a@example. com", BADDOM),
	BAD("a@-example.com", BADDOM),
	BAD("a@example-.com", BADDOM),
	BAD("a@exa_mple.com", BADDOM),
	BAD("a@exa!mple.com", BADDOM),
	BAD("a@192.0.2.1", BADDOM),			/* an address without [] */
	BAD("a@" L63 "a.example", BADDOM),		/* label of 64 */
	BAD("a@" L63 "." L63 "." L63 "." L63, BADDOM),	/* 255 octets */
	BAD("a@b\xc3\xbc" "cher_x.example", BADDOM),	/* non-LDH beside a U-label */

	/* malformed-from-idn */
	BAD("a@xn--zz.example", IDN),			/* A-label not decoding */
	BAD("a@\xf0\x9f\x98\x80.example", IDN),		/* emoji: IDNA2008 disallowed */
	BAD("a@\xe2\x80\x8d.example", IDN),		/* lone ZWJ (CONTEXTJ) */
	/* U+3002 becomes a dot: "bank。example" would be read as one label */
	BAD("a@bank\xe3\x80\x82" "example", IDN),

	/* malformed-from-syntax */
	BAD("a\\b@example.com", SYNTAX),
	BAD("a..b@example.com", SYNTAX),
	BAD(".a@example.com", SYNTAX),
	BAD("a.@example.com", SYNTAX),
	BAD("@example.com", SYNTAX),
	BAD("John Doe@example.com", SYNTAX),		/* display name without <> */
	BAD(".John <a@b.example>", SYNTAX),
	BAD("[x] <a@b.example>", SYNTAX),
	BAD("<@a.example:>", SYNTAX),
	BAD("<@a.example@b.example:c@d.example>", SYNTAX),

	/* "Composition Kills": ambiguous author shapes */
	BAD("admin@bank.example, <attacker@evil.example>", MULTI),
	BAD("<admin@bank.example>,<attacker@evil.example>", MULTI),
	BAD("=?utf-8?B?YWRtaW5AYmFuay5leGFtcGxl?=, <attacker@evil.example>", ENCODED),
	BAD("list: admin;, <attacker@evil.example>", NODOM),
	OK("\"a\\\"@evil.example\"@good.example", "good.example"),
	OK("a@good.example(@evil.example)", "good.example"),
	OK("(a@good.example)b@evil.example", "evil.example"),
	OK("attacker@evil.example (admin@bank.example)", "evil.example"),
	OK("\"admin@bank.example\\\"\" <attacker@evil.example>", "evil.example"),
	BAD("<a@good.example(>)@evil.example>", TRAILING),
	BAD("admin@bank.example@evil.example", TRAILING),
	BAD("admin\\@bank.example@evil.example", SYNTAX),
	BAD("a@bank.example (x) . evil.example", BADDOM),
	BADN("admin@bank.example\0<attacker@evil.example>", CTRL),
	BADN("<attacker@evil.example\0admin@bank.example>", CTRL),
	BAD("admin@bank.example\n<attacker@evil.example>", CTRL),
	/* a route names other hosts, but the mailbox is the last one */
	OK("<@bank.example:attacker@evil.example>", "evil.example"),
};

START_TEST(test_parse)
{
	const struct row *r = &rows[_i];

	from_check_parse(_i, r->in, r->len != 0 ? r->len : strlen(r->in), r->want,
			 r->want_str, r->want_addr);
}
END_TEST

/* Folding inside a quoted local part does not reach the log line raw. */
START_TEST(test_address_printable)
{
	struct from_parse_result res;
	const char *in = "<\"a\r\n\tb\"@Example.COM>";

	ck_assert_int_eq(from_header_parse(in, strlen(in), &res), 0);
	ck_assert_str_eq(res.domain, "example.com");
	ck_assert_str_eq(res.address, "\"a b\"@Example.COM");
}
END_TEST

static const struct {
	size_t count;
	const char *want;
} count_cases[] = {
	{ 0, MISSING },
	{ 1, NULL },
	{ 2, FROM_REASON_MULTIPLE },
	{ 1000, FROM_REASON_MULTIPLE },
	{ (size_t)-1, FROM_REASON_MULTIPLE },
};

START_TEST(test_count_check)
{
	const char *got = from_header_count_check(count_cases[_i].count);
	const char *want = count_cases[_i].want;

	ck_assert_msg(want == NULL ? got == NULL :
		      got != NULL && strcmp(got, want) == 0,
		      "count %zu: got %s, want %s", count_cases[_i].count,
		      got ? got : "NULL", want ? want : "NULL");
}
END_TEST

/* Every reason code the parser can give is one of the documented ones. */
START_TEST(test_reason_prefix)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (rows[i].want == FROM_MALFORMED)
			ck_assert(strncmp(rows[i].want_str, "malformed-from-",
					  strlen("malformed-from-")) == 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("from_header");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_parse, 0, TEST_ROWS(rows));
	tcase_add_test(tc, test_address_printable);
	tcase_add_loop_test(tc, test_count_check, 0, TEST_ROWS(count_cases));
	tcase_add_test(tc, test_reason_prefix);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
