/*
 * metrics_record - one judged message into the counters (see
 * metrics_record.h).
 *
 * Thread-safety: only metrics_add calls.
 */
#include "metrics_record.h"

#include <string.h>

/* override_kind - the kind of a raised decision, named after its reason */
static const char *
override_kind(const char *reason)
{
	static const struct { const char *reason, *kind; } kinds[] = {
		{ "dmarc-fail-local-floor", "local-floor" },
		{ "dmarc-fail-protected-domain", "protected-domain" },
		{ "protected-no-policy", "protected-no-policy" },
		{ "no-policy", "no-policy-action" },
		{ "dmarc-permerror", "permerror-action" },
		{ "forwarded-arc", "forwarded-arc" },
		{ "forwarded-trusted", "forwarded-trusted" },
	};

	if (reason != NULL && strncmp(reason, "lookalike-", 10) == 0)
		return "lookalike";
	for (size_t i = 0; reason != NULL && i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].reason, reason) == 0)
			return kinds[i].kind;
	return NULL;	/* counted as "other" */
}

void
metrics_record_verdict(struct metrics *m, const struct verdict *v, enum action action,
		       const char *reason, uint64_t eval_us)
{
	if (m == NULL)
		return;
	metrics_add(m, METRICS_MESSAGES, action_name(action), reason, 1);
	metrics_add(m, METRICS_DMARC, policy_outcome_name(v->dmarc), NULL, 1);
	metrics_add(m, METRICS_SPF, v->spf.result, NULL, 1);
	for (size_t i = 0; i < v->dkim_count; i++)
		metrics_add(m, METRICS_DKIM, v->dkim[i].result, NULL, 1);
	if (v->dkim_count == 0)
		metrics_add(m, METRICS_DKIM, "none", NULL, 1);
	if (v->dmarc == DMARC_OUTCOME_FAIL)
		metrics_add(m, METRICS_FAIL_POLICY,
			    dmarc_record_request_name(v->decision.published), NULL, 1);
	metrics_add(m, METRICS_ARC, v->arc != NULL ? v->arc : "none", NULL, 1);
	/* raised above the published policy, or lifted by a trusted forwarder */
	if (v->decision.raised || v->forwarded != FORWARDER_NONE)
		metrics_add(m, METRICS_OVERRIDES, override_kind(v->decision.reason), NULL, 1);
	metrics_observe_us(m, METRICS_EVALUATION_SECONDS, eval_us);
}

void
metrics_record_failure(struct metrics *m, const char *reason)
{
	metrics_add(m, METRICS_MESSAGES, action_name(ACTION_TEMPFAIL), reason, 1);
}
