/*
 * fuzz_spf - SPF evaluation (spf_eval over spf_dns over the resolver)
 * with DNS answers taken from the fuzz input.
 *
 * Input: request lines up to the first empty line, then a fake_dns zone:
 *
 *	ip 192.0.2.1			client address (any text)
 *	helo mail.example.org
 *	from user@example.org		MAIL FROM without <>; absent: null sender
 *	receiver mx.example.net		for %{r}
 *	checkhelo			also check the HELO identity
 *	<empty line>
 *	example.org TXT v=spf1 mx -all	zone lines, see fake_dns.h
 *
 * The resolver is made once and forwards to the in-process responder;
 * every answer has TTL 0, so no input sees another's data.
 *
 * Invariants checked (abort on violation):
 *  - spf_eval_check returns 0, or -1 with temperror and a reason;
 *  - the result is one of the seven, identity is "helo" exactly for the
 *    null sender (once the client address parsed), domain and problem are printable ASCII;
 *  - RFC 7208 4.6.4 is enforced: more than 10 DNS-querying terms or more
 *    than 2 void look-ups always end in permerror, and no check sends
 *    more than SPF_DNS_MAX_QUERIES look-ups;
 *  - permerror and temperror carry a reason;
 *  - a temporary failure is never "none", "pass" or "fail": when the
 *    checked domain's own TXT look-up is answered SERVFAIL or REFUSED, the
 *    result is temperror; when it is NXDOMAIN, the result is none.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_dns.h"
#include "fuzz_util.h"
#include "resolver.h"
#include "spf_dns.h"
#include "spf_eval.h"

static struct fake_dns *dns;
static struct resolver *resolver;
static struct spf_eval *evaluator;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	dns = fuzz_dns_resolver(&resolver);
	const char *error = NULL;

	if ((evaluator = spf_eval_new(resolver, &error)) == NULL)
		fuzz_die("spf_eval_new: %s", error);
	if (fuzz_dns_renew(dns, &resolver)) {
		const char *why = NULL;

		spf_eval_free(&evaluator);
		if ((evaluator = spf_eval_new(resolver, &why)) == NULL)
			fuzz_die("spf_eval_new: %s", why);
	}
	return 0;
}

static void
check_text(const char *what, const char *s, size_t size)
{
	if (memchr(s, '\0', size) == NULL)
		fuzz_die("%s is not terminated", what);
	for (; *s; s++)
		if (*s < 0x20 || *s > 0x7e)
			fuzz_die("%s holds byte 0x%02x", what, (unsigned char)*s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_fields f;
	struct spf_eval_request req = { 0 };
	struct spf_eval_outcome out;
	const char *zone;
	size_t zone_len;
	int rc;

	if (size > 16384)
		return -1;
	fuzz_fields_parse(&f, (const char *)data, size, &zone, &zone_len);
	fake_dns_load(dns, zone, zone_len);
	req.client_ip = fuzz_field(&f, "ip", "203.0.113.5");
	req.helo = fuzz_field(&f, "helo", NULL);
	req.mail_from = fuzz_field(&f, "from", NULL);
	req.receiver = fuzz_field(&f, "receiver", NULL);
	req.check_helo = fuzz_field(&f, "checkhelo", NULL) != NULL;
	req.timeout_ms = 5000;

	rc = spf_eval_check(evaluator, &req, &out);
	if (getenv("FUZZ_VERBOSE") != NULL)
		fprintf(stderr, "spf rc=%d %s identity=%s domain=%s problem=%s terms=%u voids=%u"
			" queries=%u helo=%s answered=%u\n", rc, spf_eval_result_name(out.result),
			out.identity, out.domain, out.problem, out.dns_terms, out.void_lookups,
			out.dns_queries, spf_eval_result_name(out.helo_result),
			fake_dns_queries(dns));
	if (rc != 0 && rc != -1)
		fuzz_die("spf_eval_check returned %d", rc);
	if (rc < 0 && (out.result != SPF_EVAL_TEMPERROR || out.problem[0] == '\0'))
		fuzz_die("failed evaluation is %s (%s)", spf_eval_result_name(out.result),
			 out.problem);
	if ((unsigned)out.result > SPF_EVAL_PERMERROR || (unsigned)out.helo_result > SPF_EVAL_PERMERROR)
		fuzz_die("result out of range: %d/%d", out.result, out.helo_result);
	int null_sender = req.mail_from == NULL || req.mail_from[0] == '\0';

	if (rc == 0 && (out.identity == NULL
			|| strcmp(out.identity, null_sender ? "helo" : "mailfrom") != 0))
		fuzz_die("identity %s for %s sender", out.identity ? out.identity : "(null)",
			 null_sender ? "the null" : "a");
	check_text("domain", out.domain, sizeof(out.domain));
	check_text("problem", out.problem, sizeof(out.problem));
	if ((out.dns_terms > SPF_DNS_MAX_TERMS || out.void_lookups > SPF_DNS_MAX_VOIDS)
	    && out.result != SPF_EVAL_PERMERROR)
		fuzz_die("%u terms, %u voids, result %s", out.dns_terms, out.void_lookups,
			 spf_eval_result_name(out.result));
	if (out.dns_queries > SPF_DNS_MAX_QUERIES + 1)
		fuzz_die("%u look-ups", out.dns_queries);
	if ((out.result == SPF_EVAL_PERMERROR || out.result == SPF_EVAL_TEMPERROR)
	    && out.problem[0] == '\0')
		fuzz_die("%s without a reason", spf_eval_result_name(out.result));

	/* The checked domain's own record: a temporary failure stays one. */
	if (rc == 0 && out.dns_queries > 0 && out.domain[0] != '\0') {
		int rcode = fake_dns_rcode(dns, out.domain, 16);

		if ((rcode == 2 || rcode == 5) && out.result != SPF_EVAL_TEMPERROR)
			fuzz_die("SPF record look-up for %s failed (rcode %d), result %s (%s)",
				 out.domain, rcode, spf_eval_result_name(out.result), out.problem);
		if (rcode == 3 && out.result != SPF_EVAL_NONE)
			fuzz_die("%s does not exist, result %s (%s)", out.domain,
				 spf_eval_result_name(out.result), out.problem);
	}
	if (fuzz_dns_renew(dns, &resolver)) {
		const char *why = NULL;

		spf_eval_free(&evaluator);
		if ((evaluator = spf_eval_new(resolver, &why)) == NULL)
			fuzz_die("spf_eval_new: %s", why);
	}
	return 0;
}
