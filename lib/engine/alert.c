/*
 * alert - format the per-message alert line (see alert.h).
 *
 * Thread-safety: pure.
 */
#include "alert.h"

#include <stdio.h>
#include <string.h>

struct out {
	char *buf;
	size_t size, len;
};

static void
put_raw(struct out *o, const char *s, size_t n)
{
	if (o->len + n >= o->size)
		n = o->len + 1 >= o->size ? 0 : o->size - o->len - 1;
	memcpy(o->buf + o->len, s, n);
	o->len += n;
	o->buf[o->len] = '\0';
}

static int
needs_quotes(const char *v)
{
	if (*v == '\0')
		return 1;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p <= ' ' || *p == '"' || *p == '\\' || *p == '=' || *p >= 0x7f)
			return 1;
	return 0;
}

/* field - " key=value", quoting the value when needed */
static void
field(struct out *o, const char *key, const char *value)
{
	char esc[8];

	if (value == NULL)
		value = "";
	if (o->len > 0)
		put_raw(o, " ", 1);
	put_raw(o, key, strlen(key));
	put_raw(o, "=", 1);
	if (!needs_quotes(value)) {
		put_raw(o, value, strlen(value));
		return;
	}
	put_raw(o, "\"", 1);
	for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
		if (*p == '"' || *p == '\\') {
			esc[0] = '\\';
			esc[1] = (char)*p;
			put_raw(o, esc, 2);
		} else if (*p < ' ' || *p == 0x7f) {
			snprintf(esc, sizeof(esc), "\\x%02x", *p);
			put_raw(o, esc, 4);
		} else {
			put_raw(o, (const char *)p, 1);
		}
	}
	put_raw(o, "\"", 1);
}

static void
dkim_list(const struct verdict *v, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	if (v->dkim_count == 0 && v->dkim_skipped == 0) {
		snprintf(buf, size, "none");
		return;
	}
	/* keep room for the "+N" marker that counts signatures left out */
	for (size_t i = 0; i < v->dkim_count; i++) {
		int n = snprintf(buf + len, size - len, "%s%s:%s", i ? "," : "",
				 v->dkim[i].domain[0] ? v->dkim[i].domain : "?", v->dkim[i].result);

		if (n < 0 || (size_t)n >= size - len || len + (size_t)n + 16 >= size) {
			/* never log half a domain: drop this entry, say how many went */
			snprintf(buf + len, size - len, "%s+%zu", i ? "," : "",
				 v->dkim_count - i + v->dkim_skipped);
			return;
		}
		len += (size_t)n;
	}
	/* fields past MaxSignatures were never parsed: only their number */
	if (v->dkim_skipped > 0)
		snprintf(buf + len, size - len, "%s+%zu", len ? "," : "", v->dkim_skipped);
}

size_t
alert_format(const struct verdict *v, char *buf, size_t size)
{
	struct out o = { .buf = buf, .size = size, .len = 0 };
	char dkim[1024], pct[16];
	const struct policy_decision *d = &v->decision;

	if (size == 0)
		return 0;
	buf[0] = '\0';
	dkim_list(v, dkim, sizeof(dkim));
	snprintf(pct, sizeof(pct), "%u", v->pct);
	field(&o, "v", "1");
	field(&o, "qid", v->queue_id ? v->queue_id : "NOQUEUE");
	field(&o, "ip", v->client_ip);
	field(&o, "client", v->client_name);
	field(&o, "helo", v->helo);
	field(&o, "mfrom", v->mail_from_domain);
	field(&o, "from", v->from_domain);
	field(&o, "spf", v->spf.result);
	field(&o, "spf_domain", v->spf.domain);
	field(&o, "spf_id", v->spf.identity);
	field(&o, "dkim", dkim);
	field(&o, "dmarc", policy_outcome_name(v->dmarc));
	field(&o, "policy_domain", v->policy_domain);
	field(&o, "p", v->record_found ? dmarc_record_request_name(v->p) : "-");
	field(&o, "sp", v->record_found ? dmarc_record_request_name(v->sp) : "-");
	field(&o, "pct", v->record_found ? pct : "-");
	field(&o, "published", dmarc_record_request_name(d->published));
	field(&o, "action", action_name(d->action));
	field(&o, "reason", d->reason);
	field(&o, "override", d->raised ? "yes" : "no");
	if (d->exemption != NULL)
		field(&o, "exempt", d->exemption);
	if (d->rule != DOMAIN_RULE_NONE)
		field(&o, "rule", domain_rules_name(d->rule));
	if (d->dry_run) {
		field(&o, "dry_run", "yes");
		field(&o, "would", action_name(d->would_action));
	}
	if (v->dmarc_problem != NULL)
		field(&o, "problem", v->dmarc_problem);
	/* only for mail that carries ARC fields: the rest keeps its line as it was */
	if (v->arc != NULL && strcmp(v->arc, "none") != 0)
		field(&o, "arc", v->arc);
	if (v->forwarded == FORWARDER_ARC && v->arc_sealer != NULL) {
		char inst[16];

		snprintf(inst, sizeof(inst), "%u", v->arc_instance);
		field(&o, "arc_sealer", v->arc_sealer);
		field(&o, "arc_instance", inst);
	} else if (v->forwarded == FORWARDER_TRUSTED && v->forwarder != NULL) {
		field(&o, "forwarder", v->forwarder);
	}
	return o.len;
}

enum alert_level
alert_level_of(const struct verdict *v)
{
	const struct policy_decision *d = &v->decision;

	if (d->raised || v->from_problem != NULL || d->would_action == ACTION_REJECT)
		return ALERT_WARNING;
	if (d->would_action != ACTION_ACCEPT)
		return ALERT_NOTICE;
	/* an exempted message had nothing enforced, whatever DMARC said: info */
	if (d->exemption == NULL
	    && (v->dmarc == DMARC_OUTCOME_FAIL || v->dmarc == DMARC_OUTCOME_TEMPERROR
		|| v->dmarc == DMARC_OUTCOME_PERMERROR))
		return ALERT_NOTICE;
	return ALERT_INFO;
}
