/*
 * message_verdict - the evaluation at the end of a message: SPF, DKIM
 * results, DMARC discovery, identifier alignment, the ARC chain and the
 * trusted forwarders, the local policy, and the Authentication-Results
 * text, into m->verdict.
 *
 * DMARC outcome (RFC 9989 with our rule for DNS doubt):
 *   an aligned SPF or DKIM pass          -> pass (whatever else failed)
 *   a _dmarc look-up failed for now      -> temperror
 *   no record / unusable record          -> none / permerror
 *   an aligned check failed for now, or
 *   a passing identifier's alignment
 *   could not be worked out (tree walk)  -> temperror (it might have passed)
 *   otherwise                            -> fail
 * Discovery and alignment use the engine's OrgDomainMethod (tree walk or
 * Public Suffix List); pct is not acted on (RFC 9989 removed it).
 *
 * Look-alikes: when From is usable, its domain and display name are
 * checked against the engine's protected set and the message's recipient
 * domains (lookalike.h), whatever the DMARC result; a match goes through
 * policy_apply_lookalike, which never weakens the decision.
 *
 * Thread-safety: one message, one thread at a time.
 */
#include "message_state.h"
#include "authres.h"
#include "dmarc_align.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AUTHRES_MAX 8192

/* mail_from_domain - the part after the last '@', or "" */
static const char *
mail_from_domain(const char *mail_from)
{
	const char *at = strrchr(mail_from, '@');

	return at != NULL ? at + 1 : "";
}

static void
internal_error(struct message *m, const char *what)
{
	struct verdict *v = &m->verdict;

	v->decision.action = v->decision.would_action = ACTION_TEMPFAIL;
	v->decision.reason = "internal-error";
	v->dmarc_problem = what;
}

/* check_from - the author domain, or the reason From is unusable */
static void
check_from(struct message *m)
{
	struct verdict *v = &m->verdict;
	const char *problem = from_header_count_check(m->from_count);

	if (m->headers_too_large)
		problem = "malformed-header-too-large";
	else if (problem == NULL && m->from.status != FROM_OK)
		problem = m->from.reason ? m->from.reason : "malformed-from";
	v->from_problem = problem;
	v->from_domain = problem == NULL ? m->from.domain : "";
}

static void
run_spf(struct message *m)
{
	const struct engine_settings *es = engine_settings(m->engine);
	struct spf_eval_request req = {
		.client_ip = m->client_ip,
		.helo = m->helo,
		.mail_from = m->mail_from,
		.receiver = es->receiver_name,
		.timeout_ms = es->spf_timeout_ms,
	};
	struct verdict_spf *s = &m->verdict.spf;

	if (spf_eval_check(engine_spf(m->engine), &req, &m->spf) < 0 && m->spf.problem[0] == '\0')
		snprintf(m->spf.problem, sizeof(m->spf.problem), "spf evaluation failed");
	s->result = spf_eval_result_name(m->spf.result);
	s->identity = m->spf.identity ? m->spf.identity : "mailfrom";
	s->domain = m->spf.domain;
	s->helo_result = m->spf.helo_result != SPF_EVAL_NONE
	    ? spf_eval_result_name(m->spf.helo_result) : NULL;
	s->problem = m->spf.problem;
}

/* dkim_counts - a signature result that may decide DMARC as a pass */
static int
dkim_counts(const struct message *m, const struct dkimv_signature *sig)
{
	if (sig->result == DKIMV_PASS)
		return 1;
	return m->settings->allow_partial_body && sig->result == DKIMV_POLICY
	    && sig->partial_body && sig->reason != NULL
	    && strcmp(sig->reason, "partial-body") == 0;
}

/* align_ctx - how this engine finds organizational domains */
static struct dmarc_align_ctx
align_ctx(struct message *m)
{
	struct dmarc_align_ctx ctx = {
		.method = engine_settings(m->engine)->org_domain_method,
		.resolver = engine_resolver(m->engine),
		.od = engine_orgdomain(m->engine),
	};

	return ctx;
}

/*
 * aligned - whether an identifier that may decide DMARC is aligned with
 * the From domain; a tree walk that failed for now sets *temp (the
 * identifier might have been aligned) and counts as not aligned.
 */
static int
aligned(struct message *m, const char *identifier, enum align_mode mode, int *temp)
{
	struct dmarc_align_ctx ctx = align_ctx(m);

	switch (dmarc_align_check(&ctx, identifier, m->verdict.from_domain, mode, NULL)) {
	case DMARC_ALIGN_YES:
		return 1;
	case DMARC_ALIGN_TEMPERROR:
		*temp = 1;
		return 0;
	default:
		return 0;
	}
}

/*
 * collect_dkim - copy results; note aligned passes and aligned temperrors.
 * Alignment is worked out only for signatures that may decide DMARC (a
 * pass, or a temperror that might have been one): RFC 9989 walks the tree
 * for authenticated identifiers only, and a failed signature's d= is the
 * sender's choice, so it must not buy DNS look-ups.
 */
static int
collect_dkim(struct message *m, enum align_mode mode, int *pass, int *temp)
{
	const struct dkimv_signature *sigs;
	const char *error = NULL;
	struct verdict *v = &m->verdict;
	size_t n = 0;

	if (dkimv_eom(m->dkim, &sigs, &n, &error) < 0)
		return -1;
	if (n > 0 && (m->dkim_results = calloc(n, sizeof(*m->dkim_results))) == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct verdict_dkim *d = &m->dkim_results[i];

		d->domain = sigs[i].domain;
		d->selector = sigs[i].selector;
		d->algorithm = sigs[i].algorithm;
		d->result = dkimv_result_name(sigs[i].result);
		d->reason = sigs[i].reason;
		d->counts = dkim_counts(m, &sigs[i]);
		if (v->from_domain[0] != '\0'
		    && (d->counts || sigs[i].result == DKIMV_TEMPERROR))
			d->aligned = aligned(m, sigs[i].domain, mode, temp);
		if (d->aligned && d->counts)
			*pass = 1;
		if (d->aligned && sigs[i].result == DKIMV_TEMPERROR)
			*temp = 1;
	}
	v->dkim = m->dkim_results;
	v->dkim_count = n;
	v->dkim_skipped = dkimv_skipped(m->dkim);
	return 0;
}

/* record_facts - published tags into the verdict */
static void
record_facts(struct message *m)
{
	struct verdict *v = &m->verdict;
	const struct dmarc_discovery *d = &m->dmarc;

	v->adkim = v->aspf = 'r';
	if (v->from_problem != NULL)
		return;		/* no discovery was made: m->dmarc is all zero */
	v->policy_domain = d->domain;
	v->discovery = dmarc_discovery_method_name(d->method);
	v->record_found = d->status == DMARC_DISCOVERY_FOUND;
	if (!v->record_found)
		return;
	v->p = d->record.p;
	v->sp = d->record.sp;
	v->np = d->record.np;
	v->pct = d->record.pct;
	v->testing = d->record.testing;
	v->psd = d->record.psd;
	v->removed_tags = dmarc_record_removed_tags(d->record.tags);
	v->adkim = d->record.adkim == ALIGN_STRICT ? 's' : 'r';
	v->aspf = d->record.aspf == ALIGN_STRICT ? 's' : 'r';
	v->from_org_domain = d->from_org_domain;
	v->request = dmarc_discovery_request(d);
	v->rua = d->record.rua_valid > 0 ? d->record.rua : NULL;
}

/*
 * outcome - RFC 7489 11.2: without a usable record the result is none or
 * permerror even when an identifier aligns (the policy still sees the
 * aligned pass for protected domains); an aligned pass decides even when
 * the record look-up failed for now, since no record could turn it into
 * a failure.
 */
static enum dmarc_outcome
outcome(const struct message *m, int aligned_pass, int aligned_temp)
{
	switch (m->dmarc.status) {
	case DMARC_DISCOVERY_NONE: return DMARC_OUTCOME_NONE;
	case DMARC_DISCOVERY_PERMERROR: return DMARC_OUTCOME_PERMERROR;
	case DMARC_DISCOVERY_TEMPERROR:
		return aligned_pass ? DMARC_OUTCOME_PASS : DMARC_OUTCOME_TEMPERROR;
	case DMARC_DISCOVERY_FOUND: break;
	}
	if (aligned_pass)
		return DMARC_OUTCOME_PASS;
	return aligned_temp ? DMARC_OUTCOME_TEMPERROR : DMARC_OUTCOME_FAIL;
}

/*
 * run_arc - the ARC chain, and what a trusted forwarder vouches for when
 * DMARC failed. ARC never fails the message: its trouble is a chain fail.
 */
static void
run_arc(struct message *m, enum align_mode adkim, enum align_mode aspf)
{
	struct verdict *v = &m->verdict;
	const struct policy_settings *ps = m->settings->policy;
	const struct arc_chain_result *r = arc_chain_finish(m->arc, engine_resolver(m->engine));
	struct forwarder_list trusted = { { ps->trusted_forwarders, ps->trusted_forwarders_file } };
	struct forwarder_evidence ev = {
		.arc = r,
		.from_domain = v->from_domain,
		.orgdomain = engine_orgdomain(m->engine),
		.adkim = adkim,
		.aspf = aspf,
		.mail_from_domain = v->mail_from_domain,
		.spf_pass = m->spf.result == SPF_EVAL_PASS && strcmp(v->spf.identity, "mailfrom") == 0,
	};
	struct forwarder_finding found;
	size_t n = 0;

	v->arc = arc_chain_status_name(r->status);
	v->arc_reason = r->reason;
	if (v->dmarc != DMARC_OUTCOME_FAIL)
		return;
	if (v->dkim_count > 0
	    && (m->dkim_pass_domains = calloc(v->dkim_count, sizeof(char *))) != NULL)
		for (size_t i = 0; i < v->dkim_count; i++)
			if (v->dkim[i].counts)
				m->dkim_pass_domains[n++] = v->dkim[i].domain;
	ev.dkim_pass_domains = m->dkim_pass_domains;
	ev.dkim_pass_count = n;
	forwarder_find(&trusted, &ev, &found);
	v->forwarded = found.kind;
	v->arc_sealer = found.sealer;
	v->arc_instance = found.instance;
	v->forwarder = found.forwarder;
}

static void
decide(struct message *m, int aligned_pass, int aligned_temp)
{
	struct verdict *v = &m->verdict;
	const char *signers[64];
	size_t nsigners = 0;
	struct policy_input in = {
		.malformed_from = v->from_problem,
		.author_domain = v->from_domain[0] ? v->from_domain : NULL,
		.outcome = v->dmarc,
		.request = dmarc_discovery_request(&m->dmarc),
		.testing = v->testing,
		.aligned_pass = aligned_pass,
		.aligned_temperror = aligned_temp,
		.client_authenticated = m->authenticated,
		.client_address = m->client_ip,
		.forwarded = v->forwarded,
	};

	for (size_t i = 0; i < v->dkim_count && nsigners < 64; i++)
		if (v->dkim[i].counts)
			signers[nsigners++] = v->dkim[i].domain;
	in.passing_signers = signers;
	in.passing_signer_count = nsigners;
	policy_decide(m->settings->policy, &in, &v->decision);
}

/* check_lookalike - look-alike sender of a protected domain? */
static void
check_lookalike(struct message *m)
{
	static const char *const reasons[] = {
		[LOOKALIKE_HOMOGLYPH] = "lookalike-homoglyph",
		[LOOKALIKE_TYPO] = "lookalike-typo",
		[LOOKALIKE_SUFFIX] = "lookalike-suffix",
		[LOOKALIKE_EMBEDDED] = "lookalike-embedded",
		[LOOKALIKE_DISPLAY_NAME] = "lookalike-display-name",
	};
	struct verdict *v = &m->verdict;
	struct lookalike_input in = {
		.from_domain = v->from_domain,
		.display_name = m->display,
		.display_problem = m->display_problem,
		.extra = (const char *const *)m->rcpt_domains,
		.extra_count = m->rcpt_count,
	};
	enum lookalike_kind kind;

	if (v->from_problem != NULL)
		return;
	kind = lookalike_check(engine_lookalike(m->engine), &in, &m->lookalike);
	if (kind == LOOKALIKE_NONE)
		return;
	v->lookalike = lookalike_kind_name(kind);
	v->lookalike_of = m->lookalike.protected_domain;
	policy_apply_lookalike(m->settings->policy, reasons[kind], &v->decision);
}

void
message_verdict_evaluate(struct message *m)
{
	struct verdict *v = &m->verdict;
	int dkim_pass = 0, dkim_temp = 0, spf_pass = 0, spf_temp = 0;
	enum align_mode adkim = ALIGN_RELAXED, aspf = ALIGN_RELAXED;

	v->queue_id = m->queue_id;
	v->client_ip = m->client_ip;
	v->client_name = m->client_name;
	v->helo = m->helo;
	v->mail_from_domain = mail_from_domain(m->mail_from);
	v->rcpt_to_domain = m->rcpt_first_domain != NULL ? m->rcpt_first_domain : "";
	v->policy_domain = "";
	v->spf.result = "none";
	v->spf.identity = "mailfrom";
	v->spf.domain = v->spf.problem = "";
	v->arc = "none";
	v->own_authres = m->own_authres;
	v->own_authres_count = m->own_authres_count;
	check_from(m);
	if (m->failure != NULL) {
		internal_error(m, m->failure);
		return;
	}
	run_spf(m);
	if (v->from_problem == NULL) {
		dmarc_discovery_lookup(engine_resolver(m->engine), engine_orgdomain(m->engine),
				       engine_settings(m->engine)->org_domain_method,
				       v->from_domain, &m->dmarc);
		if (m->dmarc.status == DMARC_DISCOVERY_FOUND) {
			adkim = m->dmarc.record.adkim;
			aspf = m->dmarc.record.aspf;
		}
		if (m->dmarc.status == DMARC_DISCOVERY_TEMPERROR || m->dmarc.status
		    == DMARC_DISCOVERY_PERMERROR)
			v->dmarc_problem = m->dmarc.reason;
	}
	record_facts(m);
	if (collect_dkim(m, adkim, &dkim_pass, &dkim_temp) < 0) {
		internal_error(m, "dkim-eom");
		return;
	}
	/* as for DKIM, only an SPF result that may decide DMARC is aligned */
	if (v->from_domain[0] != '\0' && m->spf.domain[0] != '\0'
	    && (m->spf.result == SPF_EVAL_PASS || m->spf.result == SPF_EVAL_TEMPERROR)) {
		v->spf.aligned = aligned(m, m->spf.domain, aspf, &spf_temp);
		spf_pass = v->spf.aligned && m->spf.result == SPF_EVAL_PASS;
		if (v->spf.aligned && m->spf.result == SPF_EVAL_TEMPERROR)
			spf_temp = 1;
	}
	v->dmarc = v->from_problem != NULL ? DMARC_OUTCOME_PERMERROR
	    : outcome(m, dkim_pass || spf_pass, dkim_temp || spf_temp);
	run_arc(m, adkim, aspf);
	decide(m, dkim_pass || spf_pass, dkim_temp || spf_temp);
	check_lookalike(m);
	if ((m->authres = malloc(AUTHRES_MAX)) != NULL
	    && authres_format(v, m->settings->authserv_id, m->authres, AUTHRES_MAX) > 0)
		v->authres = m->authres;
}
