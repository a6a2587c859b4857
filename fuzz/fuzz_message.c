/*
 * fuzz_message - the whole evaluation of one message, in the callback
 * order the milter uses (message_new, message_header..., message_eoh,
 * message_body..., message_finish), against an engine whose resolver
 * forwards to the in-process fake_dns responder.
 *
 * Input: envelope lines up to the first empty line, then a fake_dns zone,
 * then a line "@@message@@" and the message as stored (fed through
 * message_reader, as the offline mode does). Without the marker, all of
 * it after the envelope is the message.
 *
 *	ip 203.0.113.5		client address
 *	helo mail.example.org
 *	from desk@reject.example	MAIL FROM; absent: null sender
 *	name client.example.net	client host name
 *	qid 4XyZ1		queue id (absent: none); "late" sets it after message_new
 *	auth			SMTP AUTH succeeded
 *	chunk 7			body chunk size (else the reader's chunks)
 *	dry			dry-run settings
 *	partial			allow l= signatures
 *	noeoh			skip message_eoh (a call out of order)
 *
 * Settings: trusted 10.0.0.0/8, allowed client 172.16.0.0/12, allowed
 * From domains ".allowed.example", allowed signer "lists.example",
 * protect "protected.example", relax "relaxed.example"; the other
 * actions are the defaults (malformed From: reject, temperror: tempfail).
 *
 * Invariants checked (abort on violation):
 *  - message_new works, message_finish always returns a verdict, twice
 *    the same, whose action and would-be action are one of the four, with
 *    a reason; dry run accepts, otherwise action is the would-be action;
 *  - a malformed, missing or repeated From never ends in accept unless an
 *    exemption applies (it is rejected, or tempfailed on internal error),
 *    the DMARC result is then permerror and the From domain empty;
 *  - a usable From gives a lowercase domain dns_name_normalize accepts;
 *  - DMARC pass is accepted; temperror is tempfailed and never passed or
 *    failed on doubt: when the author domain's _dmarc look-up answers
 *    SERVFAIL/REFUSED and nothing aligned passed, the result is
 *    temperror; a DMARC fail without exemption or relax rule is at least
 *    quarantined;
 *  - our Authentication-Results value exists, is header-safe and is
 *    recognised as ours; the indexes of A-R fields claiming our id are
 *    increasing and within the A-R fields seen;
 *  - nothing leaks (LeakSanitizer) or crashes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "authres.h"
#include "dns_name.h"
#include "domain_rules.h"
#include "domain_set.h"
#include "engine.h"
#include "fake_dns.h"
#include "fuzz_util.h"
#include "message.h"
#include "message_reader.h"
#include "netlist.h"

#define AUTHSERV_ID "mx.example.net"
#define MARKER "@@message@@\n"
#define PSL_FILE "/usr/share/publicsuffix/public_suffix_list.dafsa"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fake_dns *dns;
static struct resolver *resolver;
static struct engine *engine;
static struct policy_settings policy[2];	/* normal, dry run */

struct feed {
	struct message *m;
	size_t chunk;
	int noeoh;
	size_t authres_fields;	/* Authentication-Results fields handed over */
};

static void
engine_start(void)
{
	struct engine_settings s;
	const char *error = NULL;

	engine_settings_init(&s);
	s.shared_resolver = resolver;
	s.public_suffix_list = PSL_FILE;
	s.spf_timeout_ms = 4000;
	s.receiver_name = AUTHSERV_ID;
	if ((engine = engine_new(&s, &error)) == NULL)
		fuzz_die("engine_new: %s", error);
}

static void
policy_init(struct policy_settings *p, int dry_run)
{
	const char *error = NULL;

	policy_settings_init(p);
	p->dry_run = dry_run;
	if ((p->trusted_networks = netlist_parse("10.0.0.0/8", &error)) == NULL
	    || (p->allow_client_networks = netlist_parse("172.16.0.0/12", &error)) == NULL
	    || (p->allow_from_domains = domain_set_new()) == NULL
	    || domain_set_add(p->allow_from_domains, ".allowed.example", &error) < 0
	    || (p->allow_signing_domains = domain_set_new()) == NULL
	    || domain_set_add(p->allow_signing_domains, "lists.example", &error) < 0
	    || (p->domain_rules = domain_rules_new()) == NULL
	    || domain_rules_add_line(p->domain_rules, "protect protected.example", &error) < 0
	    || domain_rules_add_line(p->domain_rules, "relax relaxed.example", &error) < 0)
		fuzz_die("policy settings: %s", error ? error : "out of memory");
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	dns = fuzz_dns_resolver(&resolver);
	engine_start();
	policy_init(&policy[0], 0);
	policy_init(&policy[1], 1);
	return 0;
}

static int
is_authres(const char *name)
{
	size_t n = strlen(name);

	while (n > 0 && (name[n - 1] == ' ' || name[n - 1] == '\t'))
		n--;
	return n == 22 && strncasecmp(name, "Authentication-Results", 22) == 0;
}

static int
sink_header(void *ctx, const char *name, const char *value, size_t len)
{
	struct feed *f = ctx;
	int rc = message_header(f->m, name, value, len);

	if (rc != 0 && rc != -1)
		fuzz_die("message_header returned %d", rc);
	f->authres_fields += is_authres(name);
	return 0;	/* keep feeding, as the milter does */
}

static int
sink_eoh(void *ctx)
{
	struct feed *f = ctx;
	int rc = f->noeoh ? 0 : message_eoh(f->m);

	if (rc != 0 && rc != -1)
		fuzz_die("message_eoh returned %d", rc);
	return 0;
}

static int
sink_body(void *ctx, const unsigned char *chunk, size_t len)
{
	struct feed *f = ctx;
	size_t step = f->chunk ? f->chunk : len;

	for (size_t off = 0; off < len; off += step) {
		int rc = message_body(f->m, chunk + off, len - off < step ? len - off : step);

		if (rc != 0 && rc != -1)
			fuzz_die("message_body returned %d", rc);
	}
	return 0;
}

static int
valid_action(enum action a)
{
	return a == ACTION_ACCEPT || a == ACTION_QUARANTINE || a == ACTION_REJECT
	    || a == ACTION_TEMPFAIL;
}

static void
check_verdict(const struct verdict *v, const struct feed *f, int dry_run)
{
	const struct policy_decision *d = &v->decision;
	int internal = d->reason != NULL && strcmp(d->reason, "internal-error") == 0;

	if (!valid_action(d->action) || !valid_action(d->would_action))
		fuzz_die("action %d, would %d", d->action, d->would_action);
	if (d->reason == NULL || d->reason[0] == '\0')
		fuzz_die("decision without a reason");
	if (!internal && (dry_run ? d->action != ACTION_ACCEPT : d->action != d->would_action))
		fuzz_die("action %s, would %s, dry run %d", action_name(d->action),
			 action_name(d->would_action), dry_run);
	if (internal) {
		if (d->action != ACTION_TEMPFAIL)
			fuzz_die("internal error with action %s", action_name(d->action));
		return;
	}
	if (v->spf.result == NULL || v->spf.identity == NULL || v->spf.domain == NULL
	    || v->spf.problem == NULL || v->from_domain == NULL || v->policy_domain == NULL
	    || v->mail_from_domain == NULL || v->client_ip == NULL)
		fuzz_die("a verdict string is NULL");

	if (v->from_problem != NULL) {
		if (v->from_domain[0] != '\0' || v->dmarc != DMARC_OUTCOME_PERMERROR)
			fuzz_die("From unusable (%s) but domain \"%s\", dmarc %s", v->from_problem,
				 v->from_domain, policy_outcome_name(v->dmarc));
		if (d->exemption == NULL && d->would_action != ACTION_REJECT)
			fuzz_die("malformed From (%s) ends in %s", v->from_problem,
				 action_name(d->would_action));
	} else {
		char norm[DNS_NAME_BUFSIZE];
		const char *error;

		if (dns_name_normalize(v->from_domain, norm, sizeof(norm), &error) < 0
		    || strcmp(norm, v->from_domain) != 0)
			fuzz_die("From domain \"%s\" is not a normalized name", v->from_domain);
	}
	if (d->exemption == NULL && v->from_problem == NULL) {
		if (v->dmarc == DMARC_OUTCOME_PASS && d->would_action != ACTION_ACCEPT)
			fuzz_die("DMARC pass ends in %s", action_name(d->would_action));
		if (v->dmarc == DMARC_OUTCOME_TEMPERROR && d->would_action != ACTION_TEMPFAIL)
			fuzz_die("DMARC temperror ends in %s", action_name(d->would_action));
		if (v->dmarc == DMARC_OUTCOME_FAIL && d->rule != DOMAIN_RULE_RELAX
		    && d->would_action != ACTION_QUARANTINE && d->would_action != ACTION_REJECT)
			fuzz_die("DMARC fail ends in %s", action_name(d->would_action));
	}
	if (v->from_problem == NULL && v->dmarc != DMARC_OUTCOME_PASS) {
		char name[DNS_NAME_BUFSIZE + 8];
		int rcode;

		snprintf(name, sizeof(name), "_dmarc.%s", v->from_domain);
		rcode = fake_dns_rcode(dns, name, 16);
		if ((rcode == 2 || rcode == 5) && v->dmarc != DMARC_OUTCOME_TEMPERROR)
			fuzz_die("%s answered rcode %d, DMARC %s", name, rcode,
				 policy_outcome_name(v->dmarc));
	}
	if (v->record_found && v->pct > 100)
		fuzz_die("pct %u", v->pct);

	if (v->authres == NULL) {
		if (!fuzz_skip("message-authres"))
			fuzz_die("no Authentication-Results value (%zu DKIM results)", v->dkim_count);
	} else {
		fuzz_check_header_text(v->authres, strlen(v->authres));
		if (!authres_is_ours(v->authres, strlen(v->authres), AUTHSERV_ID))
			fuzz_die("our Authentication-Results is not ours: %s", v->authres);
	}
	for (size_t i = 0; i < v->own_authres_count; i++)
		if (v->own_authres[i] < 1 || v->own_authres[i] > f->authres_fields
		    || (i > 0 && v->own_authres[i] <= v->own_authres[i - 1]))
			fuzz_die("own A-R index %zu of %zu fields", v->own_authres[i],
				 f->authres_fields);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_fields fields;
	const char *rest, *zone = "", *msg, *marker, *error = NULL, *qid;
	size_t rest_len, zone_len = 0, msg_len;
	struct message_settings ms;
	struct envelope env = { 0 };
	struct feed f = { 0 };
	const struct verdict *v;
	FILE *in;
	int dry_run;

	if (size > 200000)
		return -1;
	fuzz_fields_parse(&fields, (const char *)data, size, &rest, &rest_len);
	msg = rest;
	msg_len = rest_len;
	if ((marker = memmem(rest, rest_len, MARKER, strlen(MARKER))) != NULL) {
		zone = rest;
		zone_len = (size_t)(marker - rest);
		msg = marker + strlen(MARKER);
		msg_len = rest_len - zone_len - strlen(MARKER);
	}
	fake_dns_load(dns, zone, zone_len);

	dry_run = fuzz_field(&fields, "dry", NULL) != NULL;
	ms.policy = &policy[dry_run];
	ms.authserv_id = AUTHSERV_ID;
	ms.allow_partial_body = fuzz_field(&fields, "partial", NULL) != NULL;
	qid = fuzz_field(&fields, "qid", NULL);
	env.queue_id = fuzz_field(&fields, "late", NULL) ? NULL : qid;
	env.client_ip = fuzz_field(&fields, "ip", "203.0.113.5");
	env.client_name = fuzz_field(&fields, "name", "unknown");
	env.helo = fuzz_field(&fields, "helo", "mail.example.org");
	env.mail_from = fuzz_field(&fields, "from", NULL);
	env.authenticated = fuzz_field(&fields, "auth", NULL) != NULL;
	f.chunk = strtoul(fuzz_field(&fields, "chunk", "0"), NULL, 10) % 100000;
	f.noeoh = fuzz_field(&fields, "noeoh", NULL) != NULL;

	if ((f.m = message_new(engine, &ms, &env, &error)) == NULL)
		fuzz_die("message_new: %s", error);
	if (qid != NULL && env.queue_id == NULL)
		message_set_queue_id(f.m, qid);
	struct message_reader_sink sink = { sink_header, sink_eoh, sink_body, &f };

	if ((in = fmemopen((void *)msg, msg_len, "r")) == NULL) {
		if (msg_len > 0)
			abort();
		in = fopen("/dev/null", "r");
	}
	(void)message_reader_feed(in, &sink);
	fclose(in);

	if ((v = message_finish(f.m)) == NULL)
		fuzz_die("message_finish returned NULL");
	if (message_finish(f.m) != v)
		fuzz_die("a second message_finish returned another verdict");
	if (getenv("FUZZ_VERBOSE") != NULL)
		fprintf(stderr, "verdict %s (would %s) reason=%s from=%s problem=%s dmarc=%s"
			" spf=%s dkim=%zu answered=%u\n%s\n", action_name(v->decision.action),
			action_name(v->decision.would_action), v->decision.reason,
			v->from_domain ? v->from_domain : "", v->from_problem ? v->from_problem : "",
			policy_outcome_name(v->dmarc), v->spf.result ? v->spf.result : "",
			v->dkim_count, fake_dns_queries(dns), v->authres ? v->authres : "(no A-R)");
	check_verdict(v, &f, dry_run);
	message_free(&f.m);
	if (f.m != NULL)
		fuzz_die("message_free did not clear the pointer");

	if (fake_dns_failed(dns)) {
		engine_free(&engine);
		fuzz_dns_renew(dns, &resolver);
		engine_start();
	}
	return 0;
}
