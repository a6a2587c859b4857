/*
 * alert - format the per-message alert line (see alert.h); the fields
 * and their order come from alert_fields.h.
 *
 * Thread-safety: pure.
 */
#include "alert.h"
#include "alert_fields.h"

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

/* The fields of alert_fields.h, numbered in their order. */
enum field_id {
#define X(key, presence, help) FIELD_##key,
	ALERT_FIELDS(X)
#undef X
};

static const struct {
	const char *key;
	enum alert_fields_presence presence;
} fields[] = {
#define X(key, presence, help) [FIELD_##key] = { #key, ALERT_FIELDS_##presence },
	ALERT_FIELDS(X)
#undef X
};

/* the values computed once per line, for field_value */
struct line_values {
	char dkim[1024], pct[16];
};

/*
 * field_value - the value of field id for this verdict; NULL is written
 * as "" for an always-present field and leaves an optional one out.
 */
static const char *
field_value(enum field_id id, const struct verdict *v, const struct line_values *lv)
{
	const struct policy_decision *d = &v->decision;

	switch (id) {
	case FIELD_v: return "1";
	case FIELD_qid: return v->queue_id ? v->queue_id : "NOQUEUE";
	case FIELD_ip: return v->client_ip;
	case FIELD_client: return v->client_name;
	case FIELD_helo: return v->helo;
	case FIELD_mfrom: return v->mail_from_domain;
	case FIELD_from: return v->from_domain;
	case FIELD_spf: return v->spf.result;
	case FIELD_spf_domain: return v->spf.domain;
	case FIELD_spf_id: return v->spf.identity;
	case FIELD_dkim: return lv->dkim;
	case FIELD_dmarc: return policy_outcome_name(v->dmarc);
	case FIELD_policy_domain: return v->policy_domain;
	case FIELD_p: return v->record_found ? dmarc_record_request_name(v->p) : "-";
	case FIELD_sp: return v->record_found ? dmarc_record_request_name(v->sp) : "-";
	case FIELD_pct: return v->record_found ? lv->pct : "-";
	case FIELD_published: return dmarc_record_request_name(d->published);
	case FIELD_action: return action_name(d->action);
	case FIELD_reason: return d->reason;
	case FIELD_override: return d->raised ? "yes" : "no";
	case FIELD_exempt: return d->exemption;
	case FIELD_rule: return d->rule != DOMAIN_RULE_NONE ? domain_rules_name(d->rule) : NULL;
	case FIELD_dry_run: return d->dry_run ? "yes" : NULL;
	case FIELD_would: return d->dry_run ? action_name(d->would_action) : NULL;
	case FIELD_problem: return v->dmarc_problem;
	}
	return NULL;
}

size_t
alert_format(const struct verdict *v, char *buf, size_t size)
{
	struct out o = { .buf = buf, .size = size, .len = 0 };
	struct line_values lv;

	if (size == 0)
		return 0;
	buf[0] = '\0';
	dkim_list(v, lv.dkim, sizeof(lv.dkim));
	snprintf(lv.pct, sizeof(lv.pct), "%u", v->pct);
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const char *value = field_value((enum field_id)i, v, &lv);

		if (value != NULL || fields[i].presence == ALERT_FIELDS_ALWAYS)
			field(&o, fields[i].key, value);
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
