/*
 * test_quarantine_postcat - postcat's output to held messages
 * (tools/quarantine/postcat_parse.h): two queue files in one run as
 * Postfix 3.7 prints them, folded and repeated fields, header text that
 * looks like a marker of another file, a file not in the set, and a run
 * that stopped halfway (the file that went missing is not complete).
 */
#include <string.h>

#include "held.h"
#include "postcat_parse.h"
#include "test_main.h"

#define ENV(q) \
	"*** ENVELOPE RECORDS hold/" q " ***\n" \
	"message_size:             561             773               1               0\n" \
	"message_arrival_time: Fri Dec  4 18:48:26 2026\n" \
	"named_attribute: log_client_address=192.0.2.99\n" \
	"sender: x@attacker.example\n" \
	"named_attribute: client_name=mx.attacker.example\n" \
	"named_attribute: client_address=203.0.113.66\n" \
	"named_attribute: helo_name=mx.attacker.example\n" \
	"recipient: analyst@receiver.example\n"

static const char two_files[] =
	ENV("D4C1510E511")
	"*** MESSAGE CONTENTS hold/D4C1510E511 ***\n"
	"Received: from mx.attacker.example\n"
	"\tby mx.e2e.example (Postfix) with ESMTP id D4C1510E511\n"
	"From: Policy Desk\n <desk@none.example>\n"
	"Subject:   Quarterly\n\tpolicy briefing  \n"
	"X-Fake: see below\n"
	"*** HEADER EXTRACTED hold/OTHER1234567 ***\n"
	"subject: a second Subject field\n"
	"Message-ID: <spoof-none@corpus.example>\n"
	"*** HEADER EXTRACTED hold/D4C1510E511 ***\n"
	"*** MESSAGE FILE END hold/D4C1510E511 ***\n"
	ENV("AAAAAA1111")
	"*** MESSAGE CONTENTS hold/AAAAAA1111 ***\n"
	"From: not@in-the.set\n"
	"*** HEADER EXTRACTED hold/AAAAAA1111 ***\n"
	"*** MESSAGE FILE END hold/AAAAAA1111 ***\n"
	ENV("E107510E312")
	"*** MESSAGE CONTENTS hold/E107510E312 ***\n"
	"From: b@none.example\n";	/* postcat stopped here */

START_TEST(test_two_files)
{
	struct held_set *set = held_set_new();
	struct held *a = held_set_add(set, "D4C1510E511");
	struct held *b = held_set_add(set, "E107510E312");

	ck_assert_uint_eq(postcat_parse(set, two_files, strlen(two_files), 1), 1);
	ck_assert_int_eq(a->details_read, 1);
	ck_assert_str_eq(a->client_addr, "203.0.113.66");
	ck_assert_str_eq(a->client_name, "mx.attacker.example");
	ck_assert_str_eq(a->helo, "mx.attacker.example");
	ck_assert_str_eq(a->from_hdr, "Policy Desk <desk@none.example>");
	ck_assert_str_eq(a->subject, "Quarterly policy briefing");
	ck_assert_str_eq(a->message_id, "<spoof-none@corpus.example>");
	ck_assert_ptr_nonnull(a->headers);
	ck_assert_ptr_nonnull(strstr(a->headers, "*** HEADER EXTRACTED hold/OTHER1234567 ***\n"));
	ck_assert_ptr_nonnull(strstr(a->headers, "Message-ID: <spoof-none@corpus.example>\n"));
	ck_assert_int_eq(b->details_read, 0);
	ck_assert_str_eq(b->client_addr, "203.0.113.66");
	ck_assert_ptr_null(held_set_find(set, "AAAAAA1111", 10));
	held_set_free(&set);
	ck_assert_ptr_null(set);
}
END_TEST

START_TEST(test_no_headers_kept)
{
	struct held_set *set = held_set_new();
	struct held *a = held_set_add(set, "D4C1510E511");

	ck_assert_uint_eq(postcat_parse(set, two_files, strlen(two_files), 0), 1);
	ck_assert_ptr_null(a->headers);
	ck_assert_str_eq(a->subject, "Quarterly policy briefing");
	held_set_free(&set);
}
END_TEST

START_TEST(test_set)
{
	struct held_set *set = held_set_new();
	struct held *a = held_set_add(set, "BBBBBB2222"), *b = held_set_add(set, "AAAAAA1111");

	ck_assert_ptr_null(held_set_add(set, "AAAAAA1111"));
	a->arrival = 20;
	b->arrival = 10;
	held_set_sort(set);
	ck_assert_str_eq(held_set_at(set, 0)->qid, "AAAAAA1111");
	ck_assert_ptr_eq(held_set_find(set, "BBBBBB2222", 10), a);
	held_set_free(&set);
	held_set_free(&set);	/* NULL is fine */
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("quarantine_postcat");
	TCase *tc = tcase_create("postcat");

	tcase_add_test(tc, test_two_files);
	tcase_add_test(tc, test_no_headers_kept);
	tcase_add_test(tc, test_set);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
