/*
 * test_quarantine_pq_json - "postqueue -j" lines (tools/quarantine/pq_json.h):
 * a line as Postfix 3.7 writes it, several recipients with delay reasons,
 * escapes, members of a later Postfix skipped whatever their type, and
 * every way a line is refused (not an object, cut short, no queue id,
 * nesting too deep, trailing bytes).
 */
#include <stdio.h>
#include <string.h>

#include "pq_json.h"
#include "test_main.h"

static const struct {
	const char *what;
	const char *in;
	const char *want;	/* "queue|id|arrival|size|sender|recipients|n", or NULL */
	const char *want_error;
} cases[] = {
	{ "Postfix 3.7's line",
	  "{\"queue_name\": \"hold\", \"queue_id\": \"D4C1510E511\", \"arrival_time\": 1796410106,"
	  " \"message_size\": 561, \"forced_expire\": false, \"sender\": \"x@attacker.example\","
	  " \"recipients\": [{\"address\": \"analyst@receiver.example\"}]}",
	  "hold|D4C1510E511|1796410106|561|x@attacker.example|analyst@receiver.example|1", NULL },
	{ "two recipients with delay reasons",
	  "{\"queue_name\":\"deferred\",\"queue_id\":\"ABCDEF1234\",\"arrival_time\":5,"
	  "\"message_size\":7,\"sender\":\"\",\"recipients\":[{\"address\":\"a@x.example\","
	  "\"delay_reason\":\"connect to x: refused\"},{\"delay_reason\":\"later\","
	  "\"address\":\"b@y.example\"}]}",
	  "deferred|ABCDEF1234|5|7||a@x.example, b@y.example|2", NULL },
	{ "escapes",
	  "{\"queue_name\":\"hold\",\"queue_id\":\"ABCDEF1234\",\"sender\":\"a\\\"b\\\\c\\u00e9\\n\","
	  "\"recipients\":[]}",
	  "hold|ABCDEF1234|0|0|a\"b\\c\xc3\xa9\n||0", NULL },
	{ "a later Postfix's members are skipped",
	  "{\"x\":{\"y\":[1,2.5e3,null,true,{\"z\":\"w\"}]},\"queue_name\":\"hold\","
	  "\"queue_id\":\"ABCDEF1234\",\"new\":-1}",
	  "hold|ABCDEF1234|0|0|||0", NULL },
	{ "not an object", "[1]", NULL, "not a JSON object" },
	{ "empty line", "", NULL, "not a JSON object" },
	{ "cut short", "{\"queue_name\":\"hold\",\"queue_id\":\"ABC", NULL, "cut short" },
	{ "no queue id", "{\"queue_name\":\"hold\"}", NULL, "no queue_id" },
	{ "trailing bytes", "{\"queue_name\":\"hold\",\"queue_id\":\"A\"} x", NULL, "trailing" },
	{ "too deep", "{\"a\":[[[[[[[[[[[[1]]]]]]]]]]]]}", NULL, "nested too deeply" },
	{ "bad escape", "{\"queue_name\":\"\\q\"}", NULL, "bad escape" },
	{ "recipients not an array", "{\"recipients\":{}}", NULL, "not an array" },
	{ "number too large", "{\"arrival_time\":99999999999999999999999}", NULL, "too large" },
};

START_TEST(test_parse)
{
	const char *in = cases[_i].in, *why = NULL;
	char scratch[1024], got[1024];
	struct pq_entry e;
	int rc = pq_json_parse(in, strlen(in), scratch, sizeof(scratch), &e, &why);

	if (cases[_i].want_error != NULL) {
		ck_assert_msg(rc < 0, "%s: parsed", cases[_i].what);
		ck_assert_msg(strstr(why, cases[_i].want_error) != NULL, "%s: error \"%s\"",
			      cases[_i].what, why);
		return;
	}
	ck_assert_msg(rc == 0, "%s: %s", cases[_i].what, why);
	snprintf(got, sizeof(got), "%s|%s|%lld|%llu|%s|%s|%zu", e.queue_name, e.queue_id,
		 (long long)e.arrival_time, e.message_size, e.sender, e.recipients, e.nrecipients);
	ck_assert_str_eq(got, cases[_i].want);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("quarantine_pq_json");
	TCase *tc = tcase_create("pq_json");

	tcase_add_loop_test(tc, test_parse, 0, TEST_ROWS(cases));
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
