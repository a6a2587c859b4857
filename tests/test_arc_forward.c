/*
 * test_arc_forward - the trusted-forwarder rules of issue 14, row by row,
 * through the whole evaluation core against nsd: list posts made by
 * tests/arc/make-chains.pl (tests/arc/forward/), each with the client,
 * MAIL FROM and TrustedForwarders of the row, must give the action,
 * reason, ARC result and sealer (or forwarder) of the row, and our
 * Authentication-Results must carry the arc= result.
 *
 * What lifts: a passing chain whose newest trusted sealers recorded
 * dmarc=pass for the From domain, or an aligned dkim/spf pass (all of
 * the disposition: forwarded-arc); without a usable chain, mail
 * authenticated for a trusted forwarder (the floor only:
 * forwarded-trusted). What does not: List-Id alone, an untrusted sealer,
 * an untrusted newest seal above a trusted one, a broken chain from an
 * unauthenticated client, recorded results saying dmarc=fail or passing
 * another domain, no TrustedForwarders at all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns_fixture.h"
#include "engine.h"
#include "message.h"
#include "test_main.h"
#include "test_paths.h"

#define LIST_IP "198.51.100.20"		/* in lists/fwd/untrusted.arc.example's SPF */
#define BAD_IP "203.0.113.66"
#define LISTS "bounces@lists.arc.example"
#define UNTRUSTED "bounces@untrusted.arc.example"
#define ATTACKER "x@attacker.example"
#define TRUST "lists.arc.example fwd.arc.example"

static const struct {
	const char *file, *ip, *mail_from, *trusted;
	enum action want;
	const char *reason, *arc, *sealer;	/* sealer: arc_sealer, or the forwarder */
	unsigned instance;
} rows[] = {
	/* a p=none author's list post: the case the issue is about */
	{ "list-none", LIST_IP, LISTS, TRUST, ACTION_ACCEPT, "forwarded-arc", "pass",
	  "lists.arc.example", 1 },
	{ "list-none", LIST_IP, LISTS, NULL, ACTION_QUARANTINE, "dmarc-fail-local-floor", "pass",
	  NULL, 0 },
	{ "list-none", LIST_IP, LISTS, "other.example", ACTION_QUARANTINE,
	  "dmarc-fail-local-floor", "pass", NULL, 0 },
	/* the sealer's word lifts a published disposition too */
	{ "list-quarantine", LIST_IP, LISTS, TRUST, ACTION_ACCEPT, "forwarded-arc", "pass",
	  "lists.arc.example", 1 },
	{ "list-reject", LIST_IP, LISTS, TRUST, ACTION_ACCEPT, "forwarded-arc", "pass",
	  "lists.arc.example", 1 },
	{ "list-reject", LIST_IP, LISTS, NULL, ACTION_REJECT, "published-reject", "pass",
	  NULL, 0 },
	/* an aligned dkim= or spf= pass is as good as dmarc=pass */
	{ "list-dkim-aligned", LIST_IP, LISTS, TRUST, ACTION_ACCEPT, "forwarded-arc", "pass",
	  "lists.arc.example", 1 },
	{ "list-spf-aligned", LIST_IP, LISTS, TRUST, ACTION_ACCEPT, "forwarded-arc", "pass",
	  "lists.arc.example", 1 },
	/* recorded results that do not vouch for this From domain lift nothing */
	{ "list-dmarc-fail", LIST_IP, LISTS, TRUST, ACTION_QUARANTINE, "dmarc-fail-local-floor",
	  "pass", NULL, 0 },
	{ "list-pass-other-domain", LIST_IP, LISTS, TRUST, ACTION_QUARANTINE,
	  "dmarc-fail-local-floor", "pass", NULL, 0 },
	{ "list-quarantine-vouches-other", LIST_IP, LISTS, TRUST, ACTION_QUARANTINE,
	  "published-quarantine", "pass", NULL, 0 },
	/* untrusted sealers */
	{ "untrusted-seal", LIST_IP, UNTRUSTED, TRUST, ACTION_QUARANTINE, "dmarc-fail-local-floor",
	  "pass", NULL, 0 },
	{ "untrusted-seal", LIST_IP, UNTRUSTED, "arc.example", ACTION_ACCEPT, "forwarded-arc",
	  "pass", "untrusted.arc.example", 1 },	/* a listed domain covers its subdomains */
	{ "trusted-under-untrusted", LIST_IP, UNTRUSTED, TRUST, ACTION_QUARANTINE,
	  "dmarc-fail-local-floor", "pass", NULL, 0 },
	{ "untrusted-under-trusted", LIST_IP, LISTS, TRUST, ACTION_QUARANTINE,
	  "dmarc-fail-local-floor", "pass", NULL, 0 },
	/* two trusted hops: the older one saw the author authenticated */
	{ "two-trusted-older-vouches", LIST_IP, LISTS, TRUST, ACTION_ACCEPT, "forwarded-arc",
	  "pass", "fwd.arc.example", 1 },
	/* no usable chain: a trusted forwarder's own authentication lifts the floor only */
	{ "list-none-broken", LIST_IP, LISTS, TRUST, ACTION_ACCEPT, "forwarded-trusted", "fail",
	  "lists.arc.example", 0 },
	{ "list-quarantine-broken", LIST_IP, LISTS, TRUST, ACTION_QUARANTINE,
	  "published-quarantine", "fail", "lists.arc.example", 0 },
	{ "list-none-broken", BAD_IP, ATTACKER, TRUST, ACTION_QUARANTINE, "dmarc-fail-local-floor",
	  "fail", NULL, 0 },
	{ "list-dkim-no-arc", BAD_IP, ATTACKER, TRUST, ACTION_ACCEPT, "forwarded-trusted", "none",
	  "lists.arc.example", 0 },
	{ "list-dkim-no-arc", BAD_IP, ATTACKER, NULL, ACTION_QUARANTINE, "dmarc-fail-local-floor",
	  "none", NULL, 0 },
	/* List-Id alone is nothing */
	{ "list-id-only", BAD_IP, ATTACKER, TRUST, ACTION_QUARANTINE, "dmarc-fail-local-floor",
	  "none", NULL, 0 },
};

START_TEST(test_forward_table)
{
	struct engine *e = dns_fixture_engine(2000);
	struct policy_settings ps;
	struct message_settings ms = { .policy = &ps, .authserv_id = "mx.receiver.example" };
	struct envelope env = {
		.queue_id = "TEST", .client_ip = rows[_i].ip, .client_name = "unknown",
		.helo = "mx.lists.arc.example", .mail_from = rows[_i].mail_from,
	};
	const char *error = NULL, *who;
	char path[512], want_arc[64];
	struct message *m;
	const struct verdict *v;

	policy_settings_init(&ps);
	if (rows[_i].trusted != NULL) {
		ps.trusted_forwarders = domain_set_new();
		ck_assert_int_eq(domain_set_add(ps.trusted_forwarders, rows[_i].trusted, &error), 0);
	}
	snprintf(path, sizeof(path), "%s/arc/forward/%s.eml", test_source_dir(), rows[_i].file);
	m = message_new(e, &ms, &env, &error);
	ck_assert_msg(m != NULL, "message_new: %s", error);
	dns_fixture_feed(m, path);
	v = message_finish(m);
	who = v->forwarded == FORWARDER_ARC ? v->arc_sealer
	    : v->forwarded == FORWARDER_TRUSTED ? v->forwarder : NULL;
	ck_assert_msg(v->decision.action == rows[_i].want
		      && strcmp(v->decision.reason, rows[_i].reason) == 0
		      && strcmp(v->arc, rows[_i].arc) == 0
		      && (who == NULL) == (rows[_i].sealer == NULL)
		      && (who == NULL || strcmp(who, rows[_i].sealer) == 0)
		      && v->arc_instance == rows[_i].instance,
		      "%s from %s <%s> trusting [%s]: got %s/%s arc=%s (%s) by %s i=%u dmarc=%s spf=%s,"
		      " want %s/%s arc=%s by %s i=%u", rows[_i].file, rows[_i].ip,
		      rows[_i].mail_from, rows[_i].trusted ? rows[_i].trusted : "",
		      action_name(v->decision.action), v->decision.reason, v->arc,
		      v->arc_reason ? v->arc_reason : "-", who ? who : "-", v->arc_instance,
		      policy_outcome_name(v->dmarc), v->spf.result, action_name(rows[_i].want),
		      rows[_i].reason, rows[_i].arc, rows[_i].sealer ? rows[_i].sealer : "-",
		      rows[_i].instance);
	/* DMARC itself stays fail: a forwarder lifts the action, not the result */
	ck_assert_int_eq(v->dmarc, DMARC_OUTCOME_FAIL);
	snprintf(want_arc, sizeof(want_arc), "\tarc=%s", rows[_i].arc);
	ck_assert_ptr_nonnull(v->authres);
	ck_assert_msg(strstr(v->authres, want_arc) != NULL, "A-R lacks %s: %s", want_arc,
		      v->authres);
	ck_assert_msg(strstr(v->authres, "dmarc=fail") != NULL, "%s", v->authres);
	message_free(&m);
	policy_settings_release(&ps);
	engine_free(&e);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("arc_forward");
	TCase *tc = tcase_create("forwarders");

	tcase_add_unchecked_fixture(tc, dns_fixture_up, dns_fixture_down);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_forward_table, 0, TEST_ROWS(rows));
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
