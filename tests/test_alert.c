/*
 * test_alert - the alert line, format version 1 (docs/alerts.md): exact
 * lines for whole verdicts, the optional fields only when they apply, the
 * quoting rules one value at a time, the dkim list, truncation into every
 * buffer size, and one row per rule of alert_level_of.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert.h"
#include "test_main.h"

static const struct verdict_dkim one_pass[] = {
	{ .domain = "example.org", .selector = "s", .algorithm = "rsa-sha256",
	  .result = "pass", .aligned = 1, .counts = 1 },
};

#define SPF_NONE { .result = "none", .identity = "mailfrom", \
		   .domain = "attacker.example", .problem = "" }
#define SPF_PASS { .result = "pass", .identity = "mailfrom", \
		   .domain = "example.org", .problem = "" }
#define CLIENT .queue_id = "4Xk2p1Zz3Qz9", .client_ip = "203.0.113.66", \
	       .client_name = "unknown", .helo = "mx.attacker.example"

static const struct {
	const char *what;
	struct verdict v;
	const char *want;
} lines[] = {
	{ "docs/alerts.md example: p=none fail raised to quarantine", {
		CLIENT, .mail_from_domain = "attacker.example", .from_domain = "none.example",
		.spf = SPF_NONE, .dmarc = DMARC_OUTCOME_FAIL, .policy_domain = "none.example",
		.record_found = 1, .p = DMARC_REQUEST_NONE, .sp = DMARC_REQUEST_NONE,
		.pct = 100, .decision = { .action = ACTION_QUARANTINE,
		.would_action = ACTION_QUARANTINE, .published = DMARC_REQUEST_NONE,
		.raised = 1, .reason = "dmarc-fail-local-floor" }, .discovery = "treewalk" },
	  "v=1 qid=4Xk2p1Zz3Qz9 ip=203.0.113.66 client=unknown helo=mx.attacker.example"
	  " mfrom=attacker.example from=none.example spf=none spf_domain=attacker.example"
	  " spf_id=mailfrom dkim=none dmarc=fail policy_domain=none.example p=none sp=none"
	  " pct=100 published=none action=quarantine reason=dmarc-fail-local-floor"
	  " override=yes discovery=treewalk" },
	{ "pass, unknown queue id, pct=50", {
		.client_ip = "192.0.2.10", .client_name = "mail.example.org",
		.helo = "mail.example.org", .mail_from_domain = "example.org",
		.from_domain = "example.org", .spf = SPF_PASS, .dkim = one_pass,
		.dkim_count = 1, .dmarc = DMARC_OUTCOME_PASS, .policy_domain = "example.org",
		.record_found = 1, .p = DMARC_REQUEST_REJECT, .sp = DMARC_REQUEST_QUARANTINE,
		.pct = 50, .decision = { .published = DMARC_REQUEST_UNSPECIFIED,
		.reason = "dmarc-pass" } },
	  "v=1 qid=NOQUEUE ip=192.0.2.10 client=mail.example.org helo=mail.example.org"
	  " mfrom=example.org from=example.org spf=pass spf_domain=example.org"
	  " spf_id=mailfrom dkim=example.org:pass dmarc=pass policy_domain=example.org"
	  " p=reject sp=quarantine pct=50 published=unspecified action=accept"
	  " reason=dmarc-pass override=no" },
	{ "no record: p, sp, pct are -", {
		CLIENT, .mail_from_domain = "attacker.example", .from_domain = "n.example",
		.spf = SPF_NONE, .dmarc = DMARC_OUTCOME_NONE, .policy_domain = "",
		.pct = 100, .decision = { .reason = "no-policy" } },
	  "v=1 qid=4Xk2p1Zz3Qz9 ip=203.0.113.66 client=unknown helo=mx.attacker.example"
	  " mfrom=attacker.example from=n.example spf=none spf_domain=attacker.example"
	  " spf_id=mailfrom dkim=none dmarc=none policy_domain=\"\" p=- sp=- pct=-"
	  " published=unspecified action=accept reason=no-policy override=no" },
	{ "null sender, HELO identity", {
		CLIENT, .mail_from_domain = "", .from_domain = "n.example",
		.spf = { .result = "fail", .identity = "helo", .domain = "mx.attacker.example",
			 .problem = "" },
		.dmarc = DMARC_OUTCOME_NONE, .policy_domain = "",
		.decision = { .reason = "no-policy" } },
	  "v=1 qid=4Xk2p1Zz3Qz9 ip=203.0.113.66 client=unknown helo=mx.attacker.example"
	  " mfrom=\"\" from=n.example spf=fail spf_domain=mx.attacker.example spf_id=helo"
	  " dkim=none dmarc=none policy_domain=\"\" p=- sp=- pct=- published=unspecified"
	  " action=accept reason=no-policy override=no" },
	{ "malformed From: from is empty, no problem field", {
		CLIENT, .mail_from_domain = "attacker.example", .from_domain = "",
		.from_problem = "malformed-from-multiple", .spf = SPF_NONE,
		.dmarc = DMARC_OUTCOME_PERMERROR, .policy_domain = "",
		.decision = { .action = ACTION_REJECT, .would_action = ACTION_REJECT,
		.reason = "malformed-from-multiple" } },
	  "v=1 qid=4Xk2p1Zz3Qz9 ip=203.0.113.66 client=unknown helo=mx.attacker.example"
	  " mfrom=attacker.example from=\"\" spf=none spf_domain=attacker.example"
	  " spf_id=mailfrom dkim=none dmarc=permerror policy_domain=\"\" p=- sp=- pct=-"
	  " published=unspecified action=reject reason=malformed-from-multiple override=no" },
	{ "temperror with problem", {
		CLIENT, .mail_from_domain = "attacker.example", .from_domain = "slow.example",
		.spf = SPF_NONE, .dmarc = DMARC_OUTCOME_TEMPERROR,
		.dmarc_problem = "servfail", .policy_domain = "",
		.decision = { .action = ACTION_TEMPFAIL, .would_action = ACTION_TEMPFAIL,
		.reason = "dns-temperror" } },
	  "v=1 qid=4Xk2p1Zz3Qz9 ip=203.0.113.66 client=unknown helo=mx.attacker.example"
	  " mfrom=attacker.example from=slow.example spf=none spf_domain=attacker.example"
	  " spf_id=mailfrom dkim=none dmarc=temperror policy_domain=\"\" p=- sp=- pct=-"
	  " published=unspecified action=tempfail reason=dns-temperror override=no"
	  " problem=servfail" },
	{ "exemption", {
		CLIENT, .mail_from_domain = "example.org", .from_domain = "example.org",
		.spf = SPF_PASS, .dmarc = DMARC_OUTCOME_FAIL, .policy_domain = "example.org",
		.record_found = 1, .p = DMARC_REQUEST_REJECT, .sp = DMARC_REQUEST_REJECT,
		.pct = 100, .decision = { .reason = "exempt-authenticated",
		.exemption = "exempt-authenticated" } },
	  "v=1 qid=4Xk2p1Zz3Qz9 ip=203.0.113.66 client=unknown helo=mx.attacker.example"
	  " mfrom=example.org from=example.org spf=pass spf_domain=example.org"
	  " spf_id=mailfrom dkim=none dmarc=fail policy_domain=example.org p=reject"
	  " sp=reject pct=100 published=unspecified action=accept"
	  " reason=exempt-authenticated override=no exempt=exempt-authenticated" },
	{ "protected domain", {
		CLIENT, .mail_from_domain = "attacker.example", .from_domain = "ministry.example",
		.spf = SPF_NONE, .dmarc = DMARC_OUTCOME_FAIL, .policy_domain = "ministry.example",
		.record_found = 1, .p = DMARC_REQUEST_NONE, .sp = DMARC_REQUEST_NONE, .pct = 100,
		.decision = { .action = ACTION_REJECT, .would_action = ACTION_REJECT,
		.published = DMARC_REQUEST_NONE, .raised = 1,
		.reason = "dmarc-fail-protected-domain", .rule = DOMAIN_RULE_PROTECT } },
	  "v=1 qid=4Xk2p1Zz3Qz9 ip=203.0.113.66 client=unknown helo=mx.attacker.example"
	  " mfrom=attacker.example from=ministry.example spf=none"
	  " spf_domain=attacker.example spf_id=mailfrom dkim=none dmarc=fail"
	  " policy_domain=ministry.example p=none sp=none pct=100 published=none"
	  " action=reject reason=dmarc-fail-protected-domain override=yes rule=protect" },
	{ "dry run", {
		CLIENT, .mail_from_domain = "attacker.example", .from_domain = "r.example",
		.spf = SPF_NONE, .dmarc = DMARC_OUTCOME_FAIL, .policy_domain = "r.example",
		.record_found = 1, .p = DMARC_REQUEST_REJECT, .sp = DMARC_REQUEST_NONE,
		.pct = 100, .decision = { .action = ACTION_ACCEPT,
		.would_action = ACTION_REJECT, .published = DMARC_REQUEST_REJECT,
		.dry_run = 1, .reason = "published-reject" } },
	  "v=1 qid=4Xk2p1Zz3Qz9 ip=203.0.113.66 client=unknown helo=mx.attacker.example"
	  " mfrom=attacker.example from=r.example spf=none spf_domain=attacker.example"
	  " spf_id=mailfrom dkim=none dmarc=fail policy_domain=r.example p=reject sp=none"
	  " pct=100 published=reject action=accept reason=published-reject override=no"
	  " dry_run=yes would=reject" },
	{ "every optional field, in order", {
		CLIENT, .mail_from_domain = "lists.example", .from_domain = "a.relaxed.example",
		.spf = SPF_NONE, .dmarc = DMARC_OUTCOME_PERMERROR,
		.dmarc_problem = "two records", .policy_domain = "relaxed.example",
		.decision = { .action = ACTION_ACCEPT, .would_action = ACTION_ACCEPT,
		.reason = "exempt-allowed-client", .exemption = "exempt-allowed-client",
		.rule = DOMAIN_RULE_RELAX, .dry_run = 1 }, .discovery = "psl",
		.removed_tags = "pct,rf,ri" },
	  "v=1 qid=4Xk2p1Zz3Qz9 ip=203.0.113.66 client=unknown helo=mx.attacker.example"
	  " mfrom=lists.example from=a.relaxed.example spf=none"
	  " spf_domain=attacker.example spf_id=mailfrom dkim=none dmarc=permerror"
	  " policy_domain=relaxed.example p=- sp=- pct=- published=unspecified"
	  " action=accept reason=exempt-allowed-client override=no"
	  " exempt=exempt-allowed-client rule=relax dry_run=yes would=accept"
	  " problem=\"two records\" discovery=psl removed_tags=pct,rf,ri" },
	{ "RFC 9989: the method, and a record still carrying pct", {
		CLIENT, .mail_from_domain = "attacker.example", .from_domain = "pct0.example",
		.spf = SPF_NONE, .dmarc = DMARC_OUTCOME_FAIL, .policy_domain = "pct0.example",
		.record_found = 1, .p = DMARC_REQUEST_REJECT, .sp = DMARC_REQUEST_REJECT,
		.pct = 0, .discovery = "treewalk", .removed_tags = "pct",
		.decision = { .action = ACTION_REJECT, .would_action = ACTION_REJECT,
		.published = DMARC_REQUEST_REJECT, .reason = "published-reject" } },
	  "v=1 qid=4Xk2p1Zz3Qz9 ip=203.0.113.66 client=unknown helo=mx.attacker.example"
	  " mfrom=attacker.example from=pct0.example spf=none spf_domain=attacker.example"
	  " spf_id=mailfrom dkim=none dmarc=fail policy_domain=pct0.example p=reject"
	  " sp=reject pct=0 published=reject action=reject reason=published-reject"
	  " override=no discovery=treewalk removed_tags=pct" },
	{ "look-alike: check and protected domain last", {
		CLIENT, .mail_from_domain = "banc.example", .from_domain = "banc.example",
		.spf = SPF_NONE, .dmarc = DMARC_OUTCOME_PASS, .policy_domain = "banc.example",
		.decision = { .action = ACTION_QUARANTINE, .would_action = ACTION_QUARANTINE,
		.raised = 1, .reason = "lookalike-typo" },
		.lookalike = "typo", .lookalike_of = "bank.example" },
	  "v=1 qid=4Xk2p1Zz3Qz9 ip=203.0.113.66 client=unknown helo=mx.attacker.example"
	  " mfrom=banc.example from=banc.example spf=none"
	  " spf_domain=attacker.example spf_id=mailfrom dkim=none dmarc=pass"
	  " policy_domain=banc.example p=- sp=- pct=- published=unspecified"
	  " action=quarantine reason=lookalike-typo override=yes"
	  " lookalike=typo lookalike_of=bank.example" },
	{ "a list post lifted by a trusted sealer", {
		CLIENT, .mail_from_domain = "lists.example", .from_domain = "none.example",
		.spf = SPF_NONE, .dmarc = DMARC_OUTCOME_FAIL, .policy_domain = "none.example",
		.record_found = 1, .p = DMARC_REQUEST_NONE, .sp = DMARC_REQUEST_NONE, .pct = 100,
		.arc = "pass", .arc_sealer = "lists.example", .arc_instance = 2,
		.forwarded = FORWARDER_ARC,
		.decision = { .action = ACTION_ACCEPT, .would_action = ACTION_ACCEPT,
		.published = DMARC_REQUEST_NONE, .reason = "forwarded-arc",
		.exemption = "forwarded-arc" } },
	  "v=1 qid=4Xk2p1Zz3Qz9 ip=203.0.113.66 client=unknown helo=mx.attacker.example"
	  " mfrom=lists.example from=none.example spf=none spf_domain=attacker.example"
	  " spf_id=mailfrom dkim=none dmarc=fail policy_domain=none.example p=none sp=none"
	  " pct=100 published=none action=accept reason=forwarded-arc override=no"
	  " exempt=forwarded-arc arc=pass arc_sealer=lists.example arc_instance=2" },
	{ "a broken chain, the floor lifted for a trusted forwarder", {
		CLIENT, .mail_from_domain = "lists.example", .from_domain = "none.example",
		.spf = SPF_NONE, .dmarc = DMARC_OUTCOME_FAIL, .policy_domain = "none.example",
		.record_found = 1, .p = DMARC_REQUEST_NONE, .sp = DMARC_REQUEST_NONE, .pct = 100,
		.arc = "fail", .forwarded = FORWARDER_TRUSTED, .forwarder = "lists.example",
		.decision = { .action = ACTION_ACCEPT, .would_action = ACTION_ACCEPT,
		.published = DMARC_REQUEST_NONE, .reason = "forwarded-trusted",
		.exemption = "forwarded-trusted" } },
	  "v=1 qid=4Xk2p1Zz3Qz9 ip=203.0.113.66 client=unknown helo=mx.attacker.example"
	  " mfrom=lists.example from=none.example spf=none spf_domain=attacker.example"
	  " spf_id=mailfrom dkim=none dmarc=fail policy_domain=none.example p=none sp=none"
	  " pct=100 published=none action=accept reason=forwarded-trusted override=no"
	  " exempt=forwarded-trusted arc=fail forwarder=lists.example" },
};

START_TEST(test_line)
{
	char buf[1024];
	size_t n = alert_format(&lines[_i].v, buf, sizeof(buf));

	ck_assert_msg(strcmp(buf, lines[_i].want) == 0, "%s:\ngot  [%s]\nwant [%s]",
		      lines[_i].what, buf, lines[_i].want);
	ck_assert_uint_eq(n, strlen(buf));
}
END_TEST

/* one value through the helo field, which sits between client= and mfrom= */
static const struct {
	const char *what;
	const char *value;
	const char *want;
} quoting[] = {
	{ "token as it is", "mail.example.org", "mail.example.org" },
	{ "address literal as it is", "[192.0.2.1]", "[192.0.2.1]" },
	{ "punctuation other than the four", "a,b:c;d(e)f/g@h", "a,b:c;d(e)f/g@h" },
	{ "space", "two words", "\"two words\"" },
	{ "quote", "say\"hi", "\"say\\\"hi\"" },
	{ "backslash", "back\\slash", "\"back\\\\slash\"" },
	{ "equals sign", "k=v", "\"k=v\"" },
	{ "fake field after a space", "x action=accept", "\"x action=accept\"" },
	{ "tab", "a\tb", "\"a\\x09b\"" },
	{ "CR LF", "a\r\nb", "\"a\\x0d\\x0ab\"" },
	{ "low control bytes", "\x01\x1f", "\"\\x01\\x1f\"" },
	{ "DEL", "a\x7f", "\"a\\x7f\"" },
	{ "bytes above 0x7e quoted, kept as they are", "caf\xc3\xa9", "\"caf\xc3\xa9\"" },
	{ "empty", "", "\"\"" },
	{ "NULL", NULL, "\"\"" },
	{ "everything at once", "\" \\=\x02", "\"\\\" \\\\=\\x02\"" },
};

START_TEST(test_quoting)
{
	struct verdict v = {
		.queue_id = "Q", .client_ip = "192.0.2.1", .client_name = "c",
		.helo = quoting[_i].value, .mail_from_domain = "m", .from_domain = "f",
		.spf = SPF_PASS, .decision = { .reason = "r" },
	};
	char buf[512], want[512];

	snprintf(want, sizeof(want),
		 "v=1 qid=Q ip=192.0.2.1 client=c helo=%s mfrom=m from=f spf=pass"
		 " spf_domain=example.org spf_id=mailfrom dkim=none dmarc=none"
		 " policy_domain=\"\" p=- sp=- pct=- published=unspecified action=accept"
		 " reason=r override=no", quoting[_i].want);
	alert_format(&v, buf, sizeof(buf));
	ck_assert_msg(strcmp(buf, want) == 0, "%s:\ngot  [%s]\nwant [%s]", quoting[_i].what,
		      buf, want);
}
END_TEST

static const struct verdict_dkim several[] = {
	{ .domain = "example.org", .selector = "a", .algorithm = "rsa-sha256",
	  .result = "pass" },
	{ .domain = "lists.example", .selector = "b", .algorithm = "rsa-sha256",
	  .result = "fail" },
	{ .domain = "third.example", .selector = "c", .algorithm = "rsa-sha256",
	  .result = "neutral" },
};

static const struct verdict_dkim no_domain[] = {
	{ .domain = "", .selector = "", .algorithm = "", .result = "permerror" },
	{ .domain = "example.org", .selector = "a", .algorithm = "rsa-sha256",
	  .result = "temperror" },
};

static const struct verdict_dkim odd_domain[] = {
	{ .domain = "bad domain", .selector = "", .algorithm = "", .result = "permerror" },
};

static const struct {
	const char *what;
	const struct verdict_dkim *dkim;
	size_t count, skipped;
	const char *want;
} dkims[] = {
	{ "none", NULL, 0, 0, "none" },
	{ "one", one_pass, 1, 0, "example.org:pass" },
	{ "several, in header order", several, 3, 0,
	  "example.org:pass,lists.example:fail,third.example:neutral" },
	{ "a signature without domain", no_domain, 2, 0, "?:permerror,example.org:temperror" },
	{ "a domain with a space quotes the whole list", odd_domain, 1, 0,
	  "\"bad domain:permerror\"" },
	/* fields past MaxSignatures: counted, never parsed, so no names */
	{ "signatures past the cap are a count", several, 3, 4890,
	  "example.org:pass,lists.example:fail,third.example:neutral,+4890" },
};

START_TEST(test_dkim_list)
{
	struct verdict v = {
		.queue_id = "Q", .client_ip = "192.0.2.1", .client_name = "c", .helo = "h",
		.mail_from_domain = "m", .from_domain = "f", .spf = SPF_PASS,
		.dkim = dkims[_i].dkim, .dkim_count = dkims[_i].count,
		.dkim_skipped = dkims[_i].skipped, .decision = { .reason = "r" },
	};
	char buf[512], want[256];

	snprintf(want, sizeof(want), " spf_id=mailfrom dkim=%s dmarc=none ", dkims[_i].want);
	alert_format(&v, buf, sizeof(buf));
	ck_assert_msg(strstr(buf, want) != NULL, "%s: [%s] lacks [%s]", dkims[_i].what, buf,
		      want);
}
END_TEST

/*
 * test_dkim_list_long - more signatures than the list holds: whole entries
 * only, never a cut domain (a bug once: the entry that did not fit was
 * left half written).
 */
START_TEST(test_dkim_list_long)
{
	static char names[40][64];
	struct verdict_dkim sigs[40];
	struct verdict v = {
		.queue_id = "Q", .client_ip = "192.0.2.1", .client_name = "c", .helo = "h",
		.mail_from_domain = "m", .from_domain = "f", .spf = SPF_PASS,
		.dkim = sigs, .dkim_count = 40, .decision = { .reason = "r" },
	};
	char buf[4096];
	const char *list, *end;
	size_t entries = 0;

	for (int i = 0; i < 40; i++) {
		snprintf(names[i], sizeof(names[i]), "signer-%02d.%s.example", i,
			 "abcdefghijklmnopqrstuvwxyz");
		sigs[i] = (struct verdict_dkim){ .domain = names[i], .selector = "s",
						 .algorithm = "rsa-sha256", .result = "pass" };
	}
	alert_format(&v, buf, sizeof(buf));
	list = strstr(buf, " dkim=");
	ck_assert_ptr_nonnull(list);
	list += strlen(" dkim=");
	end = strstr(list, " dmarc=none ");
	ck_assert_ptr_nonnull(end);
	/* every entry is "signer-NN.abc...z.example:pass", and a last "+N"
	 * counts the signatures that did not fit */
	for (const char *p = list; p < end; entries++) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		size_t len = comma ? (size_t)(comma - p) : (size_t)(end - p);

		if (*p == '+') {
			ck_assert_msg(comma == NULL, "+N is not last");
			ck_assert_uint_eq(entries + strtoul(p + 1, NULL, 10), 40);
			break;
		}
		ck_assert_msg(entries < 40 && len == strlen(names[0]) + strlen(":pass")
			      && strncmp(p, names[entries], strlen(names[entries])) == 0,
			      "entry %zu cut: %.*s", entries, (int)len, p);
		p += len + (comma ? 1 : 0);
	}
	ck_assert_uint_gt(entries, 1);
	ck_assert_uint_lt(entries, 40);
}
END_TEST

/* test_truncation - every buffer size: in bounds, NUL-terminated, a prefix */
START_TEST(test_truncation)
{
	char full[1024], buf[1100];
	size_t len = alert_format(&lines[_i].v, full, sizeof(full));

	for (size_t size = 0; size <= len + 2; size++) {
		size_t n;

		memset(buf, 'Z', sizeof(buf));
		n = alert_format(&lines[_i].v, buf, size);
		ck_assert_msg(buf[size] == 'Z', "%s: wrote past size %zu", lines[_i].what, size);
		if (size == 0) {
			ck_assert_uint_eq(n, 0);
			ck_assert_int_eq(buf[0], 'Z');
			continue;
		}
		ck_assert_msg(memchr(buf, '\0', size) != NULL, "%s: size %zu not terminated",
			      lines[_i].what, size);
		ck_assert_uint_eq(n, strlen(buf));
		ck_assert_uint_eq(n, size - 1 < len ? size - 1 : len);
		ck_assert_msg(strncmp(buf, full, n) == 0, "%s: size %zu not a prefix",
			      lines[_i].what, size);
	}
}
END_TEST

static const struct {
	const char *what;
	enum dmarc_outcome dmarc;
	const char *from_problem;
	enum action action, would;
	int raised, dry_run;
	const char *exemption;
	enum alert_level want;
} levels[] = {
	{ "pass", DMARC_OUTCOME_PASS, NULL, ACTION_ACCEPT, ACTION_ACCEPT, 0, 0, NULL,
	  ALERT_INFO },
	{ "no policy, accepted", DMARC_OUTCOME_NONE, NULL, ACTION_ACCEPT, ACTION_ACCEPT, 0,
	  0, NULL, ALERT_INFO },
	{ "exempt own user, DMARC pass", DMARC_OUTCOME_PASS, NULL, ACTION_ACCEPT,
	  ACTION_ACCEPT, 0, 0, "exempt-trusted-network", ALERT_INFO },
	{ "exempt own user, DMARC fail: nothing enforced", DMARC_OUTCOME_FAIL, NULL,
	  ACTION_ACCEPT, ACTION_ACCEPT, 0, 0, "exempt-authenticated", ALERT_INFO },
	{ "exempt own user, DMARC temperror", DMARC_OUTCOME_TEMPERROR, NULL, ACTION_ACCEPT,
	  ACTION_ACCEPT, 0, 0, "exempt-trusted-network", ALERT_INFO },
	{ "allow list skipped the floor, p=none", DMARC_OUTCOME_FAIL, NULL, ACTION_ACCEPT,
	  ACTION_ACCEPT, 0, 0, "exempt-allowed-signer", ALERT_INFO },
	{ "allow list, published quarantine still applies", DMARC_OUTCOME_FAIL, NULL,
	  ACTION_QUARANTINE, ACTION_QUARANTINE, 0, 0, "exempt-allowed-client",
	  ALERT_NOTICE },
	{ "allow list, published reject still applies", DMARC_OUTCOME_FAIL, NULL,
	  ACTION_REJECT, ACTION_REJECT, 0, 0, "exempt-allowed-from", ALERT_WARNING },
	{ "fail honoured as published: quarantine", DMARC_OUTCOME_FAIL, NULL,
	  ACTION_QUARANTINE, ACTION_QUARANTINE, 0, 0, NULL, ALERT_NOTICE },
	{ "fail honoured as published: none (relaxed domain)", DMARC_OUTCOME_FAIL, NULL,
	  ACTION_ACCEPT, ACTION_ACCEPT, 0, 0, NULL, ALERT_NOTICE },
	{ "temperror tempfailed", DMARC_OUTCOME_TEMPERROR, NULL, ACTION_TEMPFAIL,
	  ACTION_TEMPFAIL, 0, 0, NULL, ALERT_NOTICE },
	{ "temperror accepted by configuration", DMARC_OUTCOME_TEMPERROR, NULL,
	  ACTION_ACCEPT, ACTION_ACCEPT, 0, 0, NULL, ALERT_NOTICE },
	{ "permerror accepted", DMARC_OUTCOME_PERMERROR, NULL, ACTION_ACCEPT, ACTION_ACCEPT,
	  0, 0, NULL, ALERT_NOTICE },
	{ "no record, DNS doubt on a protected domain", DMARC_OUTCOME_NONE, NULL,
	  ACTION_TEMPFAIL, ACTION_TEMPFAIL, 0, 0, NULL, ALERT_NOTICE },
	{ "published reject", DMARC_OUTCOME_FAIL, NULL, ACTION_REJECT, ACTION_REJECT, 0, 0,
	  NULL, ALERT_WARNING },
	{ "local override to quarantine", DMARC_OUTCOME_FAIL, NULL, ACTION_QUARANTINE,
	  ACTION_QUARANTINE, 1, 0, NULL, ALERT_WARNING },
	{ "protected domain without record", DMARC_OUTCOME_NONE, NULL, ACTION_REJECT,
	  ACTION_REJECT, 1, 0, NULL, ALERT_WARNING },
	{ "malformed From", DMARC_OUTCOME_PERMERROR, "malformed-from-empty", ACTION_REJECT,
	  ACTION_REJECT, 0, 0, NULL, ALERT_WARNING },
	{ "malformed From accepted by configuration", DMARC_OUTCOME_PERMERROR,
	  "malformed-from-group", ACTION_ACCEPT, ACTION_ACCEPT, 0, 0, NULL, ALERT_WARNING },
	{ "dry run: the action it would have taken counts", DMARC_OUTCOME_FAIL, NULL,
	  ACTION_ACCEPT, ACTION_REJECT, 0, 1, NULL, ALERT_WARNING },
	{ "dry run of a quarantine", DMARC_OUTCOME_FAIL, NULL, ACTION_ACCEPT,
	  ACTION_QUARANTINE, 0, 1, NULL, ALERT_NOTICE },
};

START_TEST(test_level)
{
	struct verdict v = {
		.dmarc = levels[_i].dmarc, .from_problem = levels[_i].from_problem,
		.decision = { .action = levels[_i].action, .would_action = levels[_i].would,
		.raised = levels[_i].raised, .dry_run = levels[_i].dry_run,
		.exemption = levels[_i].exemption, .reason = "r" },
	};
	enum alert_level got = alert_level_of(&v);

	ck_assert_msg(got == levels[_i].want, "%s: level %d, want %d", levels[_i].what, got,
		      levels[_i].want);
}
END_TEST

/* a look-alike is at least a notice, also when only logged */
START_TEST(test_level_lookalike)
{
	struct verdict v = {
		.dmarc = DMARC_OUTCOME_PASS, .lookalike = "typo", .lookalike_of = "bank.example",
		.decision = { .action = ACTION_ACCEPT, .would_action = ACTION_ACCEPT,
			      .reason = "lookalike-typo" },
	};

	ck_assert_int_eq(alert_level_of(&v), ALERT_NOTICE);
	v.lookalike = NULL;
	ck_assert_int_eq(alert_level_of(&v), ALERT_INFO);
	v.lookalike = "homoglyph";
	v.decision.action = v.decision.would_action = ACTION_QUARANTINE;
	v.decision.raised = 1;
	ck_assert_int_eq(alert_level_of(&v), ALERT_WARNING);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("alert");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_line, 0, TEST_ROWS(lines));
	tcase_add_loop_test(tc, test_quoting, 0, TEST_ROWS(quoting));
	tcase_add_loop_test(tc, test_dkim_list, 0, TEST_ROWS(dkims));
	tcase_add_test(tc, test_dkim_list_long);
	tcase_add_loop_test(tc, test_truncation, 0, TEST_ROWS(lines));
	tcase_add_test(tc, test_level_lookalike);
	tcase_add_loop_test(tc, test_level, 0, TEST_ROWS(levels));
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
