/*
 * test_quarantine_qf - Sendmail queue control files to held messages
 * (tools/quarantine/qf_parse.h). Good files: one as Sendmail 8.17 wrote
 * it here for a quarantined spoof, the null sender, local submission,
 * an IPv6 client "(may be forged)", several recipients, folded headers
 * with Sendmail's macro and quote bytes, a 100 kB header line. Bad ones:
 * empty, binary junk, NUL bytes, no V record first, another version,
 * cut short (no "." record, or no newline), text after ".", an unknown
 * record letter, a bad arrival time, recipients without flags, no
 * recipient, an empty line, a header without a name, a continuation line
 * after a record that has none, too large. A bad file changes nothing
 * that was set before.
 */
#include <stdlib.h>
#include <string.h>

#include "held.h"
#include "qf_parse.h"
#include "test_main.h"

#define HEAD "V8\nT1796418334\nK1796418334\nN0\nP30311\n"
#define SPOOF_REASON "dmarcguard: dmarc-fail-local-floor (From domain none.example)"

/* As Sendmail 8.17 wrote it for a message dmarcguard quarantined (e2e). */
static const char spoof[] =
	HEAD
	"q" SPOOF_REASON "\n"
	"Fbs\n$_[203.0.113.66]\n$rESMTP\n$smx.attacker.example\n${daemon_flags}\n"
	"S<x@attacker.example>\n"
	"rRFC822; analyst@receiver.example\n"
	"RPFD:<analyst@receiver.example>\n"
	"H?P?Return-Path: <\201g>\n"
	"H??Authentication-Results: mx.e2e.example;\n"
	"\tspf=none smtp.mailfrom=attacker.example;\n"
	"\tdmarc=fail header.from=none.example\n"
	"H??Received: from mx.attacker.example ([203.0.113.66])\n"
	"\tby mx.e2e.example (8.17.1.9/8.17.1.9) with ESMTP id 6B4L5YqB024064\n"
	"H??From: Policy Desk <desk@none.example>\n"
	"H??Subject: Quarterly policy briefing\n"
	"H??Message-ID: <spoof-none@corpus.example>\n"
	".\n";

struct want {
	const char *sender, *recipients, *client_addr, *client_name, *helo;
	const char *from, *subject, *message_id, *reason;
	const char *header_part;	/* in the header block (keep_headers) */
};

static const struct {
	const char *name;
	const char *text;		/* NULL: built by the test (see big_line) */
	size_t len;			/* 0: strlen(text) */
	const char *want_error;		/* NULL: parses; else a part of the error */
	struct want want;
} cases[] = {
	{ "spoof as written by 8.17", spoof, 0, NULL,
	  { "x@attacker.example", "analyst@receiver.example", "203.0.113.66", NULL,
	    "mx.attacker.example", "Policy Desk <desk@none.example>", "Quarterly policy briefing",
	    "<spoof-none@corpus.example>", SPOOF_REASON,
	    "Return-Path: <$g>\nAuthentication-Results: mx.e2e.example;\n"
	    "\tspf=none smtp.mailfrom=attacker.example;\n" } },
	{ "null sender, local submission, not quarantined",
	  HEAD "$_root@localhost\nS<>\nRPF:<postmaster@e2e.example>\nH??Subject: bounce\n.\n", 0,
	  NULL, { "", "postmaster@e2e.example", NULL, "localhost", NULL, NULL, "bounce", NULL,
		  NULL, "Subject: bounce\n" } },
	{ "IPv6 client, may be forged, several recipients",
	  HEAD "qheld\n$_mail.example.org [IPv6:2001:db8::1] (may be forged)\n$smail.example.org\n"
	  "Sa@example.org\nRPFD:<b@example.net>\nR:c@example.net\nRN:<d@example.net>\n.\n", 0,
	  NULL, { "a@example.org", "b@example.net, c@example.net, d@example.net", "2001:db8::1",
		  "mail.example.org", "mail.example.org", NULL, NULL, NULL, "held", NULL } },
	{ "ident user, folded From with macro and quote bytes",
	  HEAD "$_user@host.example [192.0.2.7]\nS<a@example.org>\nRPFD:<b@example.net>\n"
	  "H?\201{x}?From: \"Desk\377\201\"\n   <desk@none.example>  \n"
	  "H??subject:\t=?UTF-8?Q?caf=C3=A9?=\n"
	  "H??Message-Id:<m@x>\n.\n", 0,
	  NULL, { "a@example.org", "b@example.net", "192.0.2.7", "host.example", NULL,
		  "\"Desk\201\" <desk@none.example>", "=?UTF-8?Q?caf=C3=A9?=", "<m@x>", NULL,
		  "From: \"Desk\201\"\n   <desk@none.example>  \n" } },
	{ "a 100 kB Subject line", NULL, 0, NULL,
	  { "a@example.org", "b@example.net", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL } },
	{ "empty", "", 0, "empty file", { 0 } },
	{ "binary junk", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 16, "NUL bytes", { 0 } },
	{ "text, not a queue file", "hello world\n", 0, "no version (V) record first", { 0 } },
	{ "a mail message", "From: a@b\nSubject: x\n\nbody\n", 0, "no version", { 0 } },
	{ "version 7", "V7\nT1\nSa\nR:b\n.\n", 0, "version 7, this tool reads version 8", { 0 } },
	{ "NUL in a header", HEAD "Sa\nR:b\nH??Subject: a\0b\n.\n", sizeof(HEAD "Sa\nR:b\nH??Subject: a\0b\n.\n") - 1,
	  "NUL bytes", { 0 } },
	{ "cut short: no end record", HEAD "Sa\nR:b\nH??Subject: x\n", 0, "no end record", { 0 } },
	{ "cut short in a line", HEAD "Sa\nR:b\nH??Subj", 0, "line 8: the last line has no newline",
	  { 0 } },
	{ "text after the end", HEAD "Sa\nR:b\n.\nH??Subject: late\n", 0, "data after the end record",
	  { 0 } },
	{ "text on the end line", HEAD "Sa\nR:b\n.x\n", 0, "text after the end record", { 0 } },
	{ "an unknown record", HEAD "Sa\nR:b\nXfoo\n.\n", 0, "line 8: not a Sendmail queue file record (0x58)",
	  { 0 } },
	{ "a high byte record", HEAD "Sa\nR:b\n\377\n.\n", 0, "record (0xff)", { 0 } },
	{ "arrival not a number", "V8\nT17964x\nSa\nR:b\n.\n", 0, "line 2: the arrival time", { 0 } },
	{ "arrival too long", "V8\nT12345678901234567890\nSa\nR:b\n.\n", 0, "arrival time", { 0 } },
	{ "recipient without flags", HEAD "Sa\nRb@example.net\n.\n", 0, "without flags and ':'", { 0 } },
	{ "recipient with bad flags", HEAD "Sa\nR<b>:c\n.\n", 0, "bad recipient flags", { 0 } },
	{ "empty recipient", HEAD "Sa\nRP:<>\n.\n", 0, "an empty recipient", { 0 } },
	{ "no recipient", HEAD "Sa\n.\n", 0, "no recipient (R) record", { 0 } },
	{ "no sender", HEAD "R:b\n.\n", 0, "no sender (S) record", { 0 } },
	{ "no arrival", "V8\nSa\nR:b\n.\n", 0, "no arrival time (T) record", { 0 } },
	{ "empty sender", HEAD "S\nR:b\n.\n", 0, "an empty sender", { 0 } },
	{ "an empty line", HEAD "Sa\n\nR:b\n.\n", 0, "line 7: an empty line", { 0 } },
	{ "header without a name", HEAD "Sa\nR:b\nH??no colon here\n.\n", 0, "without a field name",
	  { 0 } },
	{ "header with an open flag", HEAD "Sa\nR:b\nH?P no end\n.\n", 0, "without a field name",
	  { 0 } },
	{ "continuation after S", HEAD "Sa\n b\nR:b\n.\n", 0, "a continuation line after a 'S' record",
	  { 0 } },
	{ "too large", NULL, QF_MAX_SIZE + 1, "larger than", { 0 } },
};

/* big_line - the text of the "100 kB Subject" and "too large" rows; *len_r its length */
static char *
big_line(size_t want, size_t *len_r)
{
	static const char head[] = HEAD "Sa@example.org\nR:<b@example.net>\nH??Subject: ";
	size_t fill = want != 0 ? want : 100 * 1024;
	char *t = malloc(sizeof(head) + fill + 8);

	ck_assert_ptr_nonnull(t);
	memcpy(t, head, sizeof(head) - 1);
	memset(t + sizeof(head) - 1, 'x', fill);
	memcpy(t + sizeof(head) - 1 + fill, "\n.\n", 4);
	*len_r = want != 0 ? want : sizeof(head) - 1 + fill + 3;
	return t;
}

/* str_or_null - got equals want, both NULL included */
static void
str_or_null(const char *what, const char *got, const char *want)
{
	if (want == NULL)
		ck_assert_msg(got == NULL, "%s: got \"%s\", want NULL", what, got);
	else
		ck_assert_msg(got != NULL && strcmp(got, want) == 0, "%s: got \"%s\", want \"%s\"",
			      what, got ? got : "(null)", want);
}

START_TEST(test_qf)
{
	struct held_set *set = held_set_new();
	struct held *h = held_set_add(set, "6B4L5YqB024064");
	const struct want *w = &cases[_i].want;
	char eb[256], *built = NULL;
	const char *text = cases[_i].text, *why = NULL;
	size_t len = cases[_i].len;
	int rc;

	if (text == NULL)
		text = built = big_line(len, &len);
	else if (len == 0)
		len = strlen(text);
	h->sender = "before";
	rc = qf_parse(set, h, text, len, 1, eb, sizeof(eb), &why);
	if (cases[_i].want_error != NULL) {
		ck_assert_msg(rc < 0, "%s: accepted", cases[_i].name);
		ck_assert_msg(strstr(why, cases[_i].want_error) != NULL, "%s: error \"%s\"",
			      cases[_i].name, why);
		ck_assert_str_eq(h->sender, "before");
		ck_assert_int_eq(h->details_read, 0);
	} else {
		ck_assert_msg(rc == 0, "%s: %s", cases[_i].name, why);
		ck_assert_int_eq(h->details_read, 1);
		ck_assert_int_eq(h->arrival, 1796418334);
		str_or_null("sender", h->sender, w->sender);
		str_or_null("recipients", h->recipients, w->recipients);
		str_or_null("client_addr", h->client_addr, w->client_addr);
		str_or_null("client_name", h->client_name, w->client_name);
		str_or_null("helo", h->helo, w->helo);
		str_or_null("mta_reason", h->mta_reason, w->reason);
		str_or_null("message_id", h->message_id, w->message_id);
		str_or_null("from", h->from_hdr, w->from);
		if (built == NULL) {
			str_or_null("subject", h->subject, w->subject);
		} else {
			ck_assert_uint_eq(strlen(h->subject), 100 * 1024);
		}
		if (w->header_part != NULL)
			ck_assert_msg(strstr(h->headers, w->header_part) != NULL,
				      "headers \"%s\" lack \"%s\"", h->headers, w->header_part);
	}
	free(built);
	held_set_free(&set);
}
END_TEST

/* Without keep_headers there is no header block, the fields are still read. */
START_TEST(test_no_headers)
{
	struct held_set *set = held_set_new();
	struct held *h = held_set_add(set, "6B4L5YqB024064");
	char eb[64];
	const char *why;

	ck_assert_int_eq(qf_parse(set, h, spoof, strlen(spoof), 0, eb, sizeof(eb), &why), 0);
	ck_assert_ptr_null(h->headers);
	ck_assert_str_eq(h->subject, "Quarterly policy briefing");
	/* a small error buffer cuts the message, never overflows */
	ck_assert_int_eq(qf_parse(set, h, "V8\nT1\nSa\nRb\n.\n", 14, 0, eb, 12, &why), -1);
	ck_assert_uint_eq(strlen(why), 11);
	held_set_free(&set);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("quarantine_qf");
	TCase *tc = tcase_create("qf");

	tcase_add_loop_test(tc, test_qf, 0, TEST_ROWS(cases));
	tcase_add_test(tc, test_no_headers);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
