/*
 * spf_eval - SPF (RFC 7208) results for the evaluation core, on libspf2.
 *
 * spf_eval_check runs check_host() for the MAIL FROM identity, or for
 * "postmaster@<HELO>" when MAIL FROM is the null sender (identity
 * "helo"), and optionally for the HELO identity as well. All DNS goes
 * through our resolver via the spf_dns layer, which enforces RFC 7208's
 * look-up limits and one time budget for the whole call, checks every
 * record against RFC 7208's grammar (spf_record.h) and hands libspf2 a
 * form it evaluates as the RFC means (spf_rewrite.h); see spf_dns.h.
 * tests/spf_suite runs the RFC 7208 and RFC 4408 test suites through it
 * (docs/spf-conformance.md).
 *
 * What is mapped from libspf2 1.2.10: a temporary DNS failure fetching
 * the record (libspf2: "invalid" with SPF_E_DNS_ERROR) is temperror; a
 * record that does not compile (libspf2: "invalid", SPF_E_NOT_SPF) is
 * permerror; several SPF records are permerror; no record is none. A
 * client address ::ffff:a.b.c.d is checked as IPv4. libspf2 gives
 * loopback clients (127/8, ::1) "pass" without looking at DNS.
 *
 * Inputs are bounded before libspf2 sees them: a MAIL FROM or HELO domain
 * that is not a multi-label name of letters, digits, '-', '_' and '.'
 * (at most 253 characters, labels at most 63) gives none, as RFC 7208 4.3
 * says for malformed domains. A local-part longer than 64 characters or
 * outside printable ASCII, and a HELO outside printable ASCII or longer
 * than 253 characters, are not handed to libspf2's macro expander: a
 * record using them (%{l}, %{s}, %{h}) is permerror. A space is printable:
 * a HELO with one expands (the suite's invalid-hello-macro).
 *
 * libspf2's message handlers are process-wide: spf_eval_new installs
 * silent ones once. libspf2 still aborts the process on its internal
 * assertions (SPF_error), which our layer does not trigger except when
 * memory runs out.
 *
 * Thread-safety: an evaluator is immutable after spf_eval_new; any
 * number of threads may call spf_eval_check with it at once. Each call
 * builds its own libspf2 server and DNS layer (about 2 us) and keeps no
 * state afterwards.
 */
#ifndef DMARCGUARD_SPF_EVAL_H
#define DMARCGUARD_SPF_EVAL_H

struct resolver;

#define SPF_EVAL_DEFAULT_TIMEOUT_MS 20000	/* RFC 7208 4.6.4: at least 20 s */

enum spf_eval_result {
	SPF_EVAL_NONE,
	SPF_EVAL_NEUTRAL,
	SPF_EVAL_PASS,
	SPF_EVAL_FAIL,
	SPF_EVAL_SOFTFAIL,
	SPF_EVAL_TEMPERROR,
	SPF_EVAL_PERMERROR,
};

struct spf_eval_request {
	const char *client_ip;	/* "192.0.2.1", "2001:db8::1" or "::ffff:192.0.2.1" */
	const char *helo;	/* may be NULL or "" */
	const char *mail_from;	/* envelope sender without <>; NULL or "": null sender */
	const char *receiver;	/* our host name, for %{r}; NULL: "localhost" */
	unsigned timeout_ms;	/* budget for all DNS of the call; 0: the default */
	int check_helo;		/* also check HELO when MAIL FROM is not null */
};

struct spf_eval_outcome {
	enum spf_eval_result result;	/* for the identity below */
	const char *identity;		/* "mailfrom" or "helo" (static) */
	char domain[256];		/* the domain checked, lowercase */
	enum spf_eval_result helo_result; /* HELO identity's, if checked; else NONE */
	char problem[256];		/* why, for permerror/temperror; else "" */
	unsigned dns_terms;		/* DNS-querying terms of the identity's check */
	unsigned void_lookups;		/* void answers to those terms */
	unsigned dns_queries;		/* look-ups sent to the resolver for it */
};

struct spf_eval;

/*
 * spf_eval_new - an evaluator using this resolver, which must outlive
 * it. Returns NULL with *error_r (static text) when memory runs out.
 */
struct spf_eval *spf_eval_new(struct resolver *resolver,
					const char **error_r);
/* spf_eval_free - accepts NULL; sets *evaluator to NULL */
void spf_eval_free(struct spf_eval **evaluator);

/*
 * spf_eval_check - fill *out for this request. Returns 0, or -1 when the
 * request is unusable (client_ip is not an address) or memory runs out;
 * *out then says temperror with the reason in problem.
 */
int spf_eval_check(const struct spf_eval *evaluator,
		 const struct spf_eval_request *request,
		 struct spf_eval_outcome *out)
	__attribute__((warn_unused_result));

/* spf_eval_result_name - the RFC 8601 word: "pass", "fail", ... */
const char *spf_eval_result_name(enum spf_eval_result result);

#endif
