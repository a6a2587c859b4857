/*
 * test_quarantine_suggest - candidates from held mail
 * (tools/quarantine/suggest.h), built from real alert lines: a list
 * server whose every held message carries its DKIM pass is named, one
 * that also sent a held message without it is not, an aligned signature
 * is not a forwarder, --min is honoured; a domain held with SPF fail from
 * one /24 is an SPF candidate, from two blocks it is not.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "held.h"
#include "record.h"
#include "suggest.h"
#include "test_main.h"
#include "verdict.h"

#define LINE(ip, from, mfrom, spf, dkim) \
	"v=1 qid=Q ip=" ip " client=c helo=h mfrom=" mfrom " from=" from " spf=" spf \
	" spf_domain=" mfrom " spf_id=mailfrom dkim=" dkim " dmarc=fail policy_domain=" from \
	" p=none sp=none pct=100 published=none action=quarantine" \
	" reason=dmarc-fail-local-floor override=yes"

static const char *const held_lines[] = {
	/* list.example relays for two domains from 192.0.2.25, always signing */
	LINE("192.0.2.25", "none.example", "list.example", "pass", "list.example:pass"),
	LINE("192.0.2.25", "two.example", "list.example", "pass", "two.example:fail,list.example:pass"),
	LINE("192.0.2.25", "none.example", "list.example", "pass", "list.example:pass,+2"),
	/* fwd.example signs, but its client also sent one held message unsigned */
	LINE("198.51.100.7", "none.example", "fwd.example", "pass", "fwd.example:pass"),
	LINE("198.51.100.7", "none.example", "fwd.example", "pass", "fwd.example:pass"),
	LINE("198.51.100.7", "none.example", "fwd.example", "pass", "fwd.example:pass"),
	LINE("198.51.100.7", "none.example", "fwd.example", "pass", "none"),
	/* aligned signer (a subdomain of From): never a forwarder */
	LINE("192.0.2.80", "corp.example", "corp.example", "pass", "mail.corp.example:pass"),
	LINE("192.0.2.80", "corp.example", "corp.example", "pass", "mail.corp.example:pass"),
	LINE("192.0.2.80", "corp.example", "corp.example", "pass", "mail.corp.example:pass"),
	/* partner.example: SPF fail, always from 203.0.113.0/24 */
	LINE("203.0.113.5", "partner.example", "partner.example", "fail", "none"),
	LINE("203.0.113.9", "partner.example", "partner.example", "softfail", "none"),
	LINE("203.0.113.200", "partner.example", "partner.example", "fail", "none"),
	/* spread.example: SPF fail from two blocks */
	LINE("203.0.113.5", "spread.example", "spread.example", "fail", "none"),
	LINE("198.51.100.9", "spread.example", "spread.example", "fail", "none"),
	LINE("203.0.113.6", "spread.example", "spread.example", "fail", "none"),
};

/* held_set_of_lines - a set with one held message per alert line */
static struct held_set *
held_set_of_lines(void)
{
	struct held_set *set = held_set_new();

	for (size_t i = 0; i < sizeof(held_lines) / sizeof(held_lines[0]); i++) {
		char qid[16], scratch[2048];
		struct record r;
		const char *why;
		struct held *h;

		snprintf(qid, sizeof(qid), "ABCDEF%04zu", i);
		ck_assert_msg(record_parse(&r, held_lines[i], strlen(held_lines[i]), scratch,
					   sizeof(scratch), &why) == 0, "line %zu: %s", i, why);
		h = held_set_add(set, qid);
		h->verdict = verdict_new(&r);
	}
	return set;
}

/* suggestions - the JSON output for min */
static char *
suggestions(unsigned long min)
{
	struct held_set *set = held_set_of_lines();
	struct suggest *sg = suggest_new(set, min);
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);

	suggest_print_json(sg, f);
	fclose(f);
	suggest_free(&sg);
	ck_assert_ptr_null(sg);
	held_set_free(&set);
	return out;
}

/* compact - out without white space, for comparisons */
static char *
compact(char *out)
{
	char *o = out;

	for (char *p = out; *p; p++)
		if (*p != ' ' && *p != '\n')
			*o++ = *p;
	*o = '\0';
	return out;
}

START_TEST(test_min_3)
{
	char *out = compact(suggestions(3));

	ck_assert_str_eq(out,
		"{\"forwarders\":[{\"domain\":\"list.example\",\"by\":\"dkim\",\"held\":3,"
		"\"clients\":1,\"from_domains\":2,\"suggestion\":\"TrustedForwarders\"}],"
		"\"spf\":[{\"domain\":\"partner.example\",\"block\":\"203.0.113.0/24\",\"held\":3,"
		"\"spf\":\"fail\",\"from_domains\":1}],\"held_with_alert\":16,\"min\":3}");
	free(out);
}
END_TEST

START_TEST(test_min_4)
{
	char *out = compact(suggestions(4));

	ck_assert_str_eq(out, "{\"forwarders\":[],\"spf\":[],\"held_with_alert\":16,\"min\":4}");
	free(out);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("quarantine_suggest");
	TCase *tc = tcase_create("suggest");

	tcase_add_test(tc, test_min_3);
	tcase_add_test(tc, test_min_4);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
