/*
 * report_store_row - what the SQL back ends (SQLite, PostgreSQL) share:
 * a report record as the text values of one message row, and the text
 * columns of the aggregate and policy queries back into a record. Both
 * back ends send every value as a query parameter, never inside SQL.
 *
 * Ownership: a row's values point into the row itself (and into the
 * record and host given to report_store_row_fill); keep them alive
 * while the values are used.
 * Thread-safety: pure functions.
 */
#ifndef DMARCGUARD_REPORT_STORE_ROW_H
#define DMARCGUARD_REPORT_STORE_ROW_H

#include "report_store.h"

/* The message table's columns, in the order of report_store_row.values */
#define REPORT_STORE_ROW_COLUMNS "host, time, day, source_ip, header_from, envelope_from," \
	" envelope_to, policy_domain, p, sp, np, adkim, aspf, testing, psd, discovery, rua," \
	" dkim, spf_domain, spf_scope, spf_result, dkim_aligned, spf_aligned, disposition," \
	" reasons"
#define REPORT_STORE_ROW_COUNT 25

/* The columns aggregation groups by, in the order report_store_row_group reads */
#define REPORT_STORE_GROUP_COLUMNS "source_ip, header_from, envelope_from, envelope_to," \
	" dkim, spf_domain, spf_scope, spf_result, dkim_aligned, spf_aligned, disposition," \
	" reasons"
#define REPORT_STORE_GROUP_COUNT 12

/* The policy columns, in the order report_store_row_policy reads */
#define REPORT_STORE_POLICY_COLUMNS "p, sp, np, adkim, aspf, testing, psd, discovery, rua"
#define REPORT_STORE_POLICY_COUNT 9

struct report_store_row {
	const char *values[REPORT_STORE_ROW_COUNT];
	char time[24], day[24], adkim[2], aspf[2], testing[4], psd[4];
	char dkim_aligned[4], spf_aligned[4];
	char dkim[REPORT_DKIM_MAX * (REPORT_DOMAIN_SIZE + REPORT_SELECTOR_SIZE + 24)];
	char reasons[REPORT_REASON_MAX * (REPORT_COMMENT_SIZE + 24)];
};

/* The delivery table's columns after the key (policy_domain, day, destination) */
#define REPORT_STORE_DELIVERY_COLUMNS "state, attempts, first_failure, last_failure, reason," \
	" report_id, sent_time"
#define REPORT_STORE_DELIVERY_COUNT 7

/* A delivery's row: the key and REPORT_STORE_DELIVERY_COLUMNS, as text */
struct report_store_delivery_row {
	const char *values[3 + REPORT_STORE_DELIVERY_COUNT];
	char day[24], attempts[24], first_failure[24], last_failure[24], sent_time[24];
};

/* report_store_row_number - v as decimal text in buf (at least 24 bytes), which it returns */
const char *report_store_row_number(char *buf, size_t size, int64_t v);
/* report_store_row_delivery_fill - the values of d's row under domain and day */
void report_store_row_delivery_fill(struct report_store_delivery_row *row, const char *domain,
				    int64_t day, const struct report_delivery *d);
/* report_store_row_delivery_read - REPORT_STORE_DELIVERY_COLUMNS (texts) into *d */
void report_store_row_delivery_read(const char *const cols[REPORT_STORE_DELIVERY_COUNT],
				    struct report_delivery *d);
/* report_store_row_fill - the values of r's row as written by host; -1: too large */
int report_store_row_fill(struct report_store_row *row, const char *host,
			  const struct report_record *r);
/* report_store_row_policy - the policy columns (texts) of domain into *p */
void report_store_row_policy(const char *const cols[REPORT_STORE_POLICY_COUNT],
			     const char *domain, struct report_policy *p);
/* report_store_row_group - the group columns (texts) into *rec under policy; -1: malformed */
int report_store_row_group(const char *const cols[REPORT_STORE_GROUP_COUNT],
			   const struct report_policy *policy, struct report_record *rec);
/* report_store_row_state_name / _parse - the words the state columns hold */
const char *report_store_row_state_name(enum report_state state);
enum report_state report_store_row_state_parse(const char *word);
const char *report_store_row_delivery_name(enum report_delivery_state state);
enum report_delivery_state report_store_row_delivery_parse(const char *word);

#endif
