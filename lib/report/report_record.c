/*
 * report_record - a verdict as a report record, and the names RFC 9990
 * gives to dispositions, override types and discovery methods.
 *
 * Thread-safety: pure functions and constant tables.
 */
#include "report_record.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

/*
 * Our reason codes (lib/policy/policy.c, and those that the ARC and
 * look-alike work adds) that change the disposition away from the
 * published policy, and the RFC 9990 type each is reported as. A code
 * ending in '-' matches every code it begins.
 */
static const struct {
	const char *code;
	enum report_override type;
} override_table[] = {
	{ "dmarc-fail-local-floor", REPORT_OVERRIDE_LOCAL_POLICY },
	{ "dmarc-fail-protected-domain", REPORT_OVERRIDE_LOCAL_POLICY },
	{ "exempt-allowed-from", REPORT_OVERRIDE_LOCAL_POLICY },
	{ "exempt-allowed-client", REPORT_OVERRIDE_TRUSTED_FORWARDER },
	{ "exempt-allowed-signer", REPORT_OVERRIDE_MAILING_LIST },
	{ "forwarded-arc", REPORT_OVERRIDE_TRUSTED_FORWARDER },
	{ "forwarded-trusted", REPORT_OVERRIDE_TRUSTED_FORWARDER },
	{ "lookalike-", REPORT_OVERRIDE_LOCAL_POLICY },
	{ "published-reject", REPORT_OVERRIDE_LOCAL_POLICY },	/* PublishedRejectAction */
};

static const char *const disposition_names[] = { "none", "pass", "quarantine", "reject" };
static const char *const override_names[] = {
	"local_policy", "mailing_list", "other", "policy_test_mode", "trusted_forwarder",
};
static const char *const discovery_names[] = { "", "psl", "treewalk" };

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

int
report_record_override_type(const char *code)
{
	if (code == NULL)
		return -1;
	for (size_t i = 0; i < COUNT(override_table); i++) {
		const char *c = override_table[i].code;
		size_t n = strlen(c);

		if (c[n - 1] == '-' ? strncmp(code, c, n) == 0 : strcmp(code, c) == 0)
			return (int)override_table[i].type;
	}
	return -1;
}

const char *
report_record_disposition_name(enum report_disposition d)
{
	return (size_t)d < COUNT(disposition_names) ? disposition_names[d] : "none";
}

const char *
report_record_override_name(enum report_override o)
{
	return (size_t)o < COUNT(override_names) ? override_names[o] : "other";
}

const char *
report_record_discovery_name(enum report_discovery d)
{
	return (size_t)d < COUNT(discovery_names) ? discovery_names[d] : "";
}

/* parse_word - index of word in names[0..n), or -1 */
static int
parse_word(const char *word, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (word != NULL && strcmp(word, names[i]) == 0)
			return (int)i;
	return -1;
}

int
report_record_disposition_parse(const char *word, enum report_disposition *d_r)
{
	int i = parse_word(word, disposition_names, COUNT(disposition_names));

	if (i < 0)
		return -1;
	*d_r = (enum report_disposition)i;
	return 0;
}

int
report_record_override_parse(const char *word, enum report_override *o_r)
{
	int i = parse_word(word, override_names, COUNT(override_names));

	if (i < 0)
		return -1;
	*o_r = (enum report_override)i;
	return 0;
}

int
report_record_discovery_parse(const char *word, enum report_discovery *d_r)
{
	int i = parse_word(word, discovery_names, COUNT(discovery_names));

	if (i < 0)
		return -1;
	*d_r = (enum report_discovery)i;
	return 0;
}

int
report_record_request_parse(const char *word, enum dmarc_request *r_r)
{
	static const char *const names[] = { "", "none", "quarantine", "reject" };
	int i = parse_word(word, names, COUNT(names));

	if (i < 0)
		return -1;
	*r_r = (enum dmarc_request)i;
	return 0;
}

int
report_record_wanted(const struct verdict *v)
{
	const char *ex = v->decision.exemption;

	if (!v->record_found || v->rua == NULL || v->from_problem != NULL)
		return 0;
	if (v->dmarc != DMARC_OUTCOME_PASS && v->dmarc != DMARC_OUTCOME_FAIL)
		return 0;
	if (ex != NULL && (strcmp(ex, "exempt-authenticated") == 0
			   || strcmp(ex, "exempt-trusted-network") == 0))
		return 0;
	return v->decision.action != ACTION_TEMPFAIL;
}

/* copy_lower - a lowercase copy that must fit; -1 when it does not */
static int
copy_lower(char *dst, size_t size, const char *src)
{
	size_t n = src != NULL ? strlen(src) : 0;

	if (n >= size)
		return -1;
	for (size_t i = 0; i < n; i++)
		dst[i] = (char)tolower((unsigned char)src[i]);
	dst[n] = '\0';
	return 0;
}

static void
add_reason(struct report_record *rec, enum report_override type, const char *comment)
{
	struct report_reason *r;

	if (rec->reason_count >= REPORT_REASON_MAX)
		return;
	r = &rec->reasons[rec->reason_count++];
	r->type = type;
	if (copy_lower(r->comment, sizeof(r->comment), comment) < 0)
		r->comment[0] = '\0';
}

/*
 * disposition - what was done, in RFC 9990 words: an accepted message
 * that passed DMARC is "pass", otherwise "none"; quarantine and reject
 * as they are.
 */
static enum report_disposition
disposition(const struct verdict *v)
{
	switch (v->decision.action) {
	case ACTION_QUARANTINE: return REPORT_DISPOSITION_QUARANTINE;
	case ACTION_REJECT: return REPORT_DISPOSITION_REJECT;
	default:
		return v->dmarc == DMARC_OUTCOME_PASS ? REPORT_DISPOSITION_PASS
		    : REPORT_DISPOSITION_NONE;
	}
}

/* requested - the disposition the published policy alone asks for */
static enum report_disposition
requested(const struct verdict *v)
{
	if (v->dmarc == DMARC_OUTCOME_PASS)
		return REPORT_DISPOSITION_PASS;
	switch (v->request) {
	case DMARC_REQUEST_QUARANTINE: return REPORT_DISPOSITION_QUARANTINE;
	case DMARC_REQUEST_REJECT: return REPORT_DISPOSITION_REJECT;
	default: return REPORT_DISPOSITION_NONE;
	}
}

/* reasons - why the disposition differs from what was published */
static void
reasons(const struct verdict *v, struct report_record *rec)
{
	int type;

	if (rec->disposition == requested(v))
		return;
	if (v->decision.dry_run) {
		add_reason(rec, REPORT_OVERRIDE_LOCAL_POLICY, "dry-run");
		return;
	}
	if (v->dmarc == DMARC_OUTCOME_FAIL && v->decision.published < v->request) {
		if (v->testing)
			add_reason(rec, REPORT_OVERRIDE_POLICY_TEST_MODE, "");
		else if (v->pct < 100)
			add_reason(rec, REPORT_OVERRIDE_OTHER, "sampled_out");
	}
	type = report_record_override_type(v->decision.reason);
	if (type >= 0)
		add_reason(rec, (enum report_override)type, v->decision.reason);
	else if (rec->reason_count == 0)
		add_reason(rec, REPORT_OVERRIDE_OTHER, v->decision.reason);
}

int
report_record_from_verdict(const struct verdict *v, int64_t now, struct report_record *rec,
			   const char **error_r)
{
	struct report_policy *p = &rec->policy;

	memset(rec, 0, sizeof(*rec));
	rec->time = now;
	if (copy_lower(rec->source_ip, sizeof(rec->source_ip), v->client_ip) < 0
	    || copy_lower(rec->header_from, sizeof(rec->header_from), v->from_domain) < 0
	    || copy_lower(rec->envelope_from, sizeof(rec->envelope_from), v->mail_from_domain) < 0
	    || copy_lower(p->domain, sizeof(p->domain), v->policy_domain) < 0
	    || copy_lower(rec->spf_domain, sizeof(rec->spf_domain), v->spf.domain) < 0
	    || copy_lower(rec->spf_result, sizeof(rec->spf_result), v->spf.result) < 0) {
		*error_r = "report: a field is longer than a report record holds";
		return -1;
	}
	/* an envelope_to that does not fit (no domain is that long) is left out,
	 * not the whole record */
	if (v->rcpt_to_domain != NULL
	    && copy_lower(rec->envelope_to, sizeof(rec->envelope_to), v->rcpt_to_domain) < 0)
		rec->envelope_to[0] = '\0';
	if (v->rua != NULL && strlen(v->rua) >= sizeof(p->rua)) {
		*error_r = "report: rua longer than a report record holds";
		return -1;
	}
	snprintf(p->rua, sizeof(p->rua), "%s", v->rua != NULL ? v->rua : "");
	p->p = v->p;
	p->sp = v->sp;
	p->np = v->np;
	p->adkim = v->adkim == 's' ? 's' : 'r';
	p->aspf = v->aspf == 's' ? 's' : 'r';
	p->testing = v->testing != 0;
	p->psd = v->psd == DMARC_PSD_Y ? 1 : v->psd == DMARC_PSD_N ? 0 : -1;
	if (v->discovery == NULL
	    || report_record_discovery_parse(v->discovery, &p->discovery) < 0)
		p->discovery = REPORT_DISCOVERY_UNKNOWN;
	snprintf(rec->spf_scope, sizeof(rec->spf_scope), "%s",
		 v->spf.identity != NULL && strcmp(v->spf.identity, "helo") == 0 ? "helo" : "mfrom");
	for (size_t i = 0; i < v->dkim_count && rec->dkim_count < REPORT_DKIM_MAX; i++) {
		const struct verdict_dkim *d = &v->dkim[i];
		struct report_dkim *out = &rec->dkim[rec->dkim_count];

		if (copy_lower(out->domain, sizeof(out->domain), d->domain) < 0
		    || copy_lower(out->selector, sizeof(out->selector), d->selector) < 0
		    || copy_lower(out->result, sizeof(out->result), d->result) < 0)
			continue;	/* a signature a report cannot carry is left out */
		rec->dkim_count++;
		if (d->aligned && d->counts)
			rec->dkim_aligned = 1;
	}
	rec->spf_aligned = v->spf.aligned && strcmp(rec->spf_result, "pass") == 0;
	rec->disposition = disposition(v);
	reasons(v, rec);
	return 0;
}

/* append - add text to buf at *len; -1 when it does not fit */
static int
append(char *buf, size_t size, size_t *len, const char *a, const char *b, const char *c)
{
	int n = snprintf(buf + *len, size - *len, "%s%s%s%s%s%s", *len > 0 ? "," : "", a,
			 b != NULL ? " " : "", b != NULL ? b : "", c != NULL ? " " : "",
			 c != NULL ? c : "");

	if (n < 0 || (size_t)n >= size - *len)
		return -1;
	*len += (size_t)n;
	return 0;
}

int
report_record_dkim_format(const struct report_record *rec, char *buf, size_t size)
{
	size_t len = 0;

	if (size == 0)
		return -1;
	buf[0] = '\0';
	for (size_t i = 0; i < rec->dkim_count; i++)
		if (append(buf, size, &len, rec->dkim[i].domain, rec->dkim[i].selector,
			   rec->dkim[i].result) < 0)
			return -1;
	return 0;
}

int
report_record_reasons_format(const struct report_record *rec, char *buf, size_t size)
{
	size_t len = 0;

	if (size == 0)
		return -1;
	buf[0] = '\0';
	for (size_t i = 0; i < rec->reason_count; i++) {
		const char *comment = rec->reasons[i].comment;

		if (append(buf, size, &len, report_record_override_name(rec->reasons[i].type),
			   comment[0] != '\0' ? comment : NULL, NULL) < 0)
			return -1;
	}
	return 0;
}

/* next_word - copy the word at *p (up to ' ', ',' or the end) into dst */
static int
next_word(const char **p, char *dst, size_t size)
{
	size_t n = strcspn(*p, " ,");

	if (n >= size)
		return -1;
	memcpy(dst, *p, n);
	dst[n] = '\0';
	*p += n;
	return 0;
}

int
report_record_dkim_parse(const char *text, struct report_record *rec)
{
	const char *p = text;

	rec->dkim_count = 0;
	while (*p != '\0') {
		struct report_dkim *d;

		if (rec->dkim_count >= REPORT_DKIM_MAX)
			return -1;
		d = &rec->dkim[rec->dkim_count++];
		if (next_word(&p, d->domain, sizeof(d->domain)) < 0 || *p++ != ' '
		    || next_word(&p, d->selector, sizeof(d->selector)) < 0 || *p++ != ' '
		    || next_word(&p, d->result, sizeof(d->result)) < 0)
			return -1;
		if (*p == ',')
			p++;
		else if (*p != '\0')
			return -1;
	}
	return 0;
}

int
report_record_reasons_parse(const char *text, struct report_record *rec)
{
	const char *p = text;

	rec->reason_count = 0;
	while (*p != '\0') {
		char type[REPORT_COMMENT_SIZE];
		struct report_reason *r;

		if (rec->reason_count >= REPORT_REASON_MAX)
			return -1;
		r = &rec->reasons[rec->reason_count++];
		r->comment[0] = '\0';
		if (next_word(&p, type, sizeof(type)) < 0 || report_record_override_parse(type, &r->type) < 0)
			return -1;
		if (*p == ' ' && (p++, next_word(&p, r->comment, sizeof(r->comment)) < 0))
			return -1;
		if (*p == ',')
			p++;
		else if (*p != '\0')
			return -1;
	}
	return 0;
}
