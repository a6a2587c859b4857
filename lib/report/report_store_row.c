/*
 * report_store_row - a record as the text values of a message row and
 * back (see private/report_store_row.h).
 *
 * Thread-safety: pure functions.
 */
#include "report_store_row.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const state_names[] = {
	[REPORT_STATE_NONE] = "", [REPORT_STATE_SENDING] = "sending",
	[REPORT_STATE_PENDING] = "pending", [REPORT_STATE_DONE] = "done",
};
static const char *const delivery_names[] = {
	[REPORT_DELIVERY_NONE] = "", [REPORT_DELIVERY_SENT] = "sent",
	[REPORT_DELIVERY_FAILED] = "failed", [REPORT_DELIVERY_GIVEN_UP] = "given-up",
	[REPORT_DELIVERY_REFUSED] = "refused",
};

/* report_store_row_fill - every column as text, in REPORT_STORE_ROW_COLUMNS order */
int
report_store_row_fill(struct report_store_row *row, const char *host,
		      const struct report_record *r)
{
	const struct report_policy *p = &r->policy;
	int i = 0;

	if (report_record_dkim_format(r, row->dkim, sizeof(row->dkim)) < 0
	    || report_record_reasons_format(r, row->reasons, sizeof(row->reasons)) < 0)
		return -1;
	snprintf(row->time, sizeof(row->time), "%lld", (long long)r->time);
	snprintf(row->day, sizeof(row->day), "%lld", (long long)(r->time / 86400));
	snprintf(row->adkim, sizeof(row->adkim), "%c", p->adkim);
	snprintf(row->aspf, sizeof(row->aspf), "%c", p->aspf);
	snprintf(row->testing, sizeof(row->testing), "%d", p->testing ? 1 : 0);
	snprintf(row->psd, sizeof(row->psd), "%d", p->psd < 0 ? -1 : p->psd > 0);
	snprintf(row->dkim_aligned, sizeof(row->dkim_aligned), "%d", r->dkim_aligned ? 1 : 0);
	snprintf(row->spf_aligned, sizeof(row->spf_aligned), "%d", r->spf_aligned ? 1 : 0);
	row->values[i++] = host;
	row->values[i++] = row->time;
	row->values[i++] = row->day;
	row->values[i++] = r->source_ip;
	row->values[i++] = r->header_from;
	row->values[i++] = r->envelope_from;
	row->values[i++] = r->envelope_to;
	row->values[i++] = p->domain;
	row->values[i++] = p->p ? dmarc_record_request_name(p->p) : "";
	row->values[i++] = p->sp ? dmarc_record_request_name(p->sp) : "";
	row->values[i++] = p->np ? dmarc_record_request_name(p->np) : "";
	row->values[i++] = row->adkim;
	row->values[i++] = row->aspf;
	row->values[i++] = row->testing;
	row->values[i++] = row->psd;
	row->values[i++] = report_record_discovery_name(p->discovery);
	row->values[i++] = p->rua;
	row->values[i++] = row->dkim;
	row->values[i++] = r->spf_domain;
	row->values[i++] = r->spf_scope;
	row->values[i++] = r->spf_result;
	row->values[i++] = row->dkim_aligned;
	row->values[i++] = row->spf_aligned;
	row->values[i++] = report_record_disposition_name(r->disposition);
	row->values[i++] = row->reasons;
	return 0;
}

static void
copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src != NULL ? src : "");
}

/* report_store_row_policy - REPORT_STORE_POLICY_COLUMNS into *p */
void
report_store_row_policy(const char *const cols[REPORT_STORE_POLICY_COUNT], const char *domain,
			struct report_policy *p)
{
	memset(p, 0, sizeof(*p));
	copy(p->domain, sizeof(p->domain), domain);
	report_record_request_parse(cols[0], &p->p);
	report_record_request_parse(cols[1], &p->sp);
	report_record_request_parse(cols[2], &p->np);
	p->adkim = cols[3][0] == 's' ? 's' : 'r';
	p->aspf = cols[4][0] == 's' ? 's' : 'r';
	p->testing = strcmp(cols[5], "1") == 0;
	p->psd = strcmp(cols[6], "1") == 0 ? 1 : strcmp(cols[6], "0") == 0 ? 0 : -1;
	report_record_discovery_parse(cols[7], &p->discovery);
	copy(p->rua, sizeof(p->rua), cols[8]);
}

/* report_store_row_group - REPORT_STORE_GROUP_COLUMNS into *rec */
int
report_store_row_group(const char *const cols[REPORT_STORE_GROUP_COUNT],
		       const struct report_policy *policy, struct report_record *rec)
{
	memset(rec, 0, sizeof(*rec));
	rec->policy = *policy;
	copy(rec->source_ip, sizeof(rec->source_ip), cols[0]);
	copy(rec->header_from, sizeof(rec->header_from), cols[1]);
	copy(rec->envelope_from, sizeof(rec->envelope_from), cols[2]);
	copy(rec->envelope_to, sizeof(rec->envelope_to), cols[3]);
	copy(rec->spf_domain, sizeof(rec->spf_domain), cols[5]);
	copy(rec->spf_scope, sizeof(rec->spf_scope), cols[6]);
	copy(rec->spf_result, sizeof(rec->spf_result), cols[7]);
	rec->dkim_aligned = strcmp(cols[8], "1") == 0;
	rec->spf_aligned = strcmp(cols[9], "1") == 0;
	if (report_record_dkim_parse(cols[4], rec) < 0
	    || report_record_disposition_parse(cols[10], &rec->disposition) < 0
	    || report_record_reasons_parse(cols[11], rec) < 0)
		return -1;
	return 0;
}

const char *
report_store_row_state_name(enum report_state state)
{
	return (size_t)state < sizeof(state_names) / sizeof(state_names[0]) ? state_names[state] : "";
}

enum report_state
report_store_row_state_parse(const char *word)
{
	for (size_t i = 1; i < sizeof(state_names) / sizeof(state_names[0]); i++)
		if (strcmp(word, state_names[i]) == 0)
			return (enum report_state)i;
	return REPORT_STATE_NONE;
}

const char *
report_store_row_delivery_name(enum report_delivery_state state)
{
	return (size_t)state < sizeof(delivery_names) / sizeof(delivery_names[0])
		? delivery_names[state] : "";
}

enum report_delivery_state
report_store_row_delivery_parse(const char *word)
{
	for (size_t i = 1; i < sizeof(delivery_names) / sizeof(delivery_names[0]); i++)
		if (strcmp(word, delivery_names[i]) == 0)
			return (enum report_delivery_state)i;
	return REPORT_DELIVERY_NONE;
}

/* report_store_row_number - v in decimal */
const char *
report_store_row_number(char *buf, size_t size, int64_t v)
{
	snprintf(buf, size, "%" PRId64, v);
	return buf;
}

/* report_store_row_delivery_fill - key and columns of d, in table order */
void
report_store_row_delivery_fill(struct report_store_delivery_row *row, const char *domain,
			       int64_t day, const struct report_delivery *d)
{
	int i = 0;

	row->values[i++] = domain;
	row->values[i++] = report_store_row_number(row->day, sizeof(row->day), day);
	row->values[i++] = d->destination;
	row->values[i++] = report_store_row_delivery_name(d->state);
	row->values[i++] = report_store_row_number(row->attempts, sizeof(row->attempts),
						   d->attempts);
	row->values[i++] = report_store_row_number(row->first_failure, sizeof(row->first_failure),
						   d->first_failure);
	row->values[i++] = report_store_row_number(row->last_failure, sizeof(row->last_failure),
						   d->last_failure);
	row->values[i++] = d->reason;
	row->values[i++] = d->report_id;
	row->values[i++] = report_store_row_number(row->sent_time, sizeof(row->sent_time),
						   d->sent_time);
}

/* report_store_row_delivery_read - the columns after the key into *d */
void
report_store_row_delivery_read(const char *const cols[REPORT_STORE_DELIVERY_COUNT],
			       struct report_delivery *d)
{
	d->state = report_store_row_delivery_parse(cols[0]);
	d->attempts = (unsigned)strtoul(cols[1], NULL, 10);
	d->first_failure = strtoll(cols[2], NULL, 10);
	d->last_failure = strtoll(cols[3], NULL, 10);
	copy(d->reason, sizeof(d->reason), cols[4]);
	copy(d->report_id, sizeof(d->report_id), cols[5]);
	d->sent_time = strtoll(cols[6], NULL, 10);
}
