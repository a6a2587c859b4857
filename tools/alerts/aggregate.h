/*
 * aggregate - the counts behind the reports, built one alert at a time in
 * memory that grows with the distinct domains, addresses and networks
 * seen, not with the number of lines.
 *
 * Totals cover every alert added: by action, by DMARC result, by reason,
 * local overrides (override=yes, and of those the ones where the domain
 * published p=none), dry-run alerts by the action they would have had.
 * The domain, address and network tables cover DMARC failures only (the
 * spoofing the tool is for): per From domain the alerts, overrides,
 * distinct client addresses and HELO names, the last published p and the
 * first and last time seen; per client address and per network (/24 for
 * IPv4, /48 for IPv6) the alerts, distinct From domains (and addresses,
 * for networks) and first and last seen. Domain and HELO names are
 * counted case-insensitively.
 *
 * Look-alike senders (alerts with lookalike_of) are counted per protected
 * domain, whatever their DMARC result: the alerts, the distinct From
 * domains imitating it, and first and last seen.
 *
 * Forwarded overrides (alerts with arc_sealer or forwarder, see
 * record_forwarder) are counted per forwarder, case folded: the alerts,
 * how many through an ARC seal (forwarded-arc; the rest were
 * forwarded-trusted), how many were accepted, the distinct From domains
 * it vouched for, and first and last seen.
 *
 * With keep_detail, every alert added is also kept (for --domain: the
 * filter has already narrowed them to one domain) with an hourly count.
 *
 * Thread-safety: an aggregate belongs to one thread.
 */
#ifndef DMARCGUARD_ALERTS_AGGREGATE_H
#define DMARCGUARD_ALERTS_AGGREGATE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "record.h"

enum agg_table {
	AGG_DOMAINS, AGG_ADDRESSES, AGG_NETWORKS, AGG_REASONS,
	AGG_LOOKALIKES,		/* by protected domain (lookalike_of), whatever DMARC said */
	AGG_FORWARDERS,		/* by the trusted forwarder that lifted the alert */
	AGG_TABLES
};

struct agg_stat {
	uint64_t alerts, overrides;
	uint64_t addresses, helos, domains;	/* distinct, where the table has them */
	uint64_t via_arc, accepted;	/* forwarders: forwarded-arc, action=accept */
	time_t first, last;
	int has_time;
	char p[12];		/* domains: published p of the last alert */
	struct agg_stat *network;	/* addresses: the network's row */
};

/* The counts of a row that the reports show by name (agg_stat_count). */
enum agg_count {
	AGG_COUNT_ALERTS, AGG_COUNT_DOMAINS,
	AGG_COUNT_ARC, AGG_COUNT_TRUSTED, AGG_COUNT_ACCEPTED,	/* forwarders */
};

struct agg_row {
	const char *key;
	const struct agg_stat *stat;
};

struct agg_totals {
	uint64_t alerts, failures;
	uint64_t by_action[ACT_COUNT], by_dmarc[DM_COUNT];
	uint64_t overrides, overrides_p_none;
	uint64_t dry_run, would[ACT_COUNT];
	time_t first, last;
	int has_time;
};

struct agg_detail {
	time_t when;
	int has_time;
	const char *qid, *ip, *client, *helo, *mfrom, *from, *spf, *dkim, *dmarc, *p;
	const char *reason, *exempt, *rule, *problem, *lookalike, *lookalike_of;
	const char *arc, *arc_sealer, *arc_instance, *forwarder;
	enum record_action action, would;
	int is_dry_run, overridden;
};

struct agg_hour {
	time_t hour;		/* start of the local hour */
	uint64_t alerts;
};

struct agg *agg_new(int keep_detail);
void agg_add(struct agg *agg, const struct record *r);
const struct agg_totals *agg_totals(const struct agg *agg);
size_t agg_table_size(const struct agg *agg, enum agg_table table);
/*
 * agg_rows - the rows of table by alerts, most first (ties by key), at
 * most limit of them (0: all); a malloc'ed array the caller frees.
 */
struct agg_row *agg_rows(const struct agg *agg, enum agg_table table, size_t limit,
			 size_t *count_r);
/* agg_details - the kept alerts in input order (NULL without keep_detail) */
const struct agg_detail *agg_details(const struct agg *agg, size_t *count_r);
/* agg_hours - alerts per local hour, in time order; malloc'ed, caller frees */
struct agg_hour *agg_hours(const struct agg *agg, size_t *count_r);
void agg_free(struct agg **agg);
/* agg_stat_count - one count of a row (TRUSTED: the alerts not lifted by ARC) */
uint64_t agg_stat_count(const struct agg_stat *s, enum agg_count count);

/* agg_detail_of - a detail view of r, borrowing its strings */
void agg_detail_of(struct agg_detail *d, const struct record *r);

/* agg_network_of - "a.b.c.0/24" or "x:y:z::/48" for an address; 0 or -1 */
int agg_network_of(const char *ip, char *buf, size_t size);

#endif
