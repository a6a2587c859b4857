/*
 * aggregate - totals and per-key tables of the alerts (see aggregate.h).
 *
 * Thread-safety: see aggregate.h.
 */
#include "aggregate.h"
#include "hashtab.h"
#include "mem.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Kinds of pair counted in the one pair set. */
enum { PAIR_DOMAIN_ADDRESS = 1, PAIR_DOMAIN_HELO, PAIR_NETWORK_DOMAIN, PAIR_LOOKALIKE_FROM,
       PAIR_FORWARDER_FROM };

struct agg {
	struct agg_totals totals;
	struct strmap *tables[AGG_TABLES];
	struct u64set *pairs;
	int keep_detail;
	struct agg_detail *details;
	size_t ndetails, details_cap;
	struct strmap *hours;		/* time_t key bytes -> uint64_t */
	struct arena *arena;		/* strings of the kept alerts */
	char lower[2][256];
};

struct agg *
agg_new(int keep_detail)
{
	struct agg *a = xcalloc(1, sizeof(*a));

	for (int t = 0; t < AGG_TABLES; t++)
		a->tables[t] = strmap_new(sizeof(struct agg_stat));
	a->pairs = u64set_new();
	a->keep_detail = keep_detail;
	if (keep_detail) {
		a->hours = strmap_new(sizeof(uint64_t));
		a->arena = arena_new();
	}
	return a;
}

void
agg_free(struct agg **ap)
{
	struct agg *a;

	if (ap == NULL || (a = *ap) == NULL)
		return;
	for (int t = 0; t < AGG_TABLES; t++)
		strmap_free(&a->tables[t]);
	u64set_free(&a->pairs);
	strmap_free(&a->hours);
	arena_free(&a->arena);
	free(a->details);
	free(a);
	*ap = NULL;
}

int
agg_network_of(const char *ip, char *buf, size_t size)
{
	unsigned char addr[16];
	char text[INET6_ADDRSTRLEN];

	if (inet_pton(AF_INET, ip, addr) == 1) {
		snprintf(buf, size, "%u.%u.%u.0/24", addr[0], addr[1], addr[2]);
		return 0;
	}
	if (inet_pton(AF_INET6, ip, addr) == 1) {
		memset(addr + 6, 0, 10);
		inet_ntop(AF_INET6, addr, text, sizeof(text));
		snprintf(buf, size, "%s/48", text);
		return 0;
	}
	return -1;
}

/* lowercase - s in lower case in buf, or s itself when too long for it */
static const char *
lowercase(char *buf, size_t size, const char *s, size_t *len_r)
{
	size_t n = strlen(s);

	*len_r = n;
	if (n >= size)
		return s;
	for (size_t i = 0; i <= n; i++)
		buf[i] = (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]);
	return buf;
}

/* seen - count r in s: alerts, overrides, first and last seen */
static void
seen(struct agg_stat *s, const struct record *r)
{
	s->alerts++;
	s->overrides += (uint64_t)r->overridden;
	if (!r->has_time)
		return;
	if (!s->has_time || r->when < s->first)
		s->first = r->when;
	if (!s->has_time || r->when > s->last)
		s->last = r->when;
	s->has_time = 1;
}

/* add_failure - a DMARC failure into the domain, address and network tables */
static void
add_failure(struct agg *a, const struct record *r)
{
	struct agg_stat *dom, *addr;
	size_t dlen, hlen, alen = strlen(r->ip);
	const char *domain = lowercase(a->lower[0], sizeof(a->lower[0]), r->from, &dlen);
	const char *helo = lowercase(a->lower[1], sizeof(a->lower[1]), r->helo, &hlen);
	uint64_t hd = hash_bytes(domain, dlen);
	int added;

	dom = strmap_upsert(a->tables[AGG_DOMAINS], domain, dlen, NULL);
	/* the policy as of the latest alert, whatever order the files came in */
	if (!dom->has_time || !r->has_time || r->when >= dom->last)
		snprintf(dom->p, sizeof(dom->p), "%s", r->p);
	seen(dom, r);
	addr = strmap_upsert(a->tables[AGG_ADDRESSES], r->ip, alen, &added);
	seen(addr, r);
	if (added) {
		char network[INET6_ADDRSTRLEN + 8];

		if (agg_network_of(r->ip, network, sizeof(network)) < 0)
			snprintf(network, sizeof(network), "(not an address)");
		addr->network = strmap_upsert(a->tables[AGG_NETWORKS], network, strlen(network),
					      NULL);
		addr->network->addresses++;
	}
	seen(addr->network, r);
	if (u64set_add(a->pairs, hash_pair(hd, hash_bytes(r->ip, alen), PAIR_DOMAIN_ADDRESS))) {
		dom->addresses++;
		addr->domains++;
	}
	if (u64set_add(a->pairs, hash_pair(hd, hash_bytes(helo, hlen), PAIR_DOMAIN_HELO)))
		dom->helos++;
	/* A network's stat never moves, so its address names it. */
	if (u64set_add(a->pairs, hash_pair((uint64_t)(uintptr_t)addr->network, hd,
					   PAIR_NETWORK_DOMAIN)))
		addr->network->domains++;
}

void
agg_detail_of(struct agg_detail *d, const struct record *r)
{
	*d = (struct agg_detail){
		.when = r->when, .has_time = r->has_time, .qid = r->qid, .ip = r->ip,
		.client = r->client, .helo = r->helo, .mfrom = r->mfrom, .from = r->from,
		.spf = r->spf, .dkim = r->dkim, .dmarc = r->dmarc, .p = r->p,
		.reason = r->reason, .exempt = r->exempt, .rule = r->rule, .problem = r->problem,
		.lookalike = r->lookalike, .lookalike_of = r->lookalike_of, .arc = r->arc,
		.arc_sealer = r->arc_sealer, .arc_instance = r->arc_instance,
		.forwarder = r->forwarder,
		.action = r->action_code, .would = r->would_code, .is_dry_run = r->is_dry_run,
		.overridden = r->overridden,
	};
}

/* add_keyed - r counted in table under key (case folded), with its distinct
 * From domains told apart by the pair kind; the row */
static struct agg_stat *
add_keyed(struct agg *a, enum agg_table table, const char *key, int pair,
	  const struct record *r)
{
	size_t klen, flen;
	const char *k = lowercase(a->lower[0], sizeof(a->lower[0]), key, &klen);
	struct agg_stat *s = strmap_upsert(a->tables[table], k, klen, NULL);
	uint64_t hk = hash_bytes(k, klen);
	const char *from = lowercase(a->lower[1], sizeof(a->lower[1]), r->from, &flen);

	seen(s, r);
	if (u64set_add(a->pairs, hash_pair(hk, hash_bytes(from, flen), (unsigned)pair)))
		s->domains++;
	return s;
}

/* add_forwarded - a forwarded override, counted under the forwarder that lifted it */
static void
add_forwarded(struct agg *a, const struct record *r, const char *who, int via_arc)
{
	struct agg_stat *s = add_keyed(a, AGG_FORWARDERS, who, PAIR_FORWARDER_FROM, r);

	s->via_arc += (uint64_t)via_arc;
	s->accepted += r->action_code == ACT_ACCEPT;
}

/* next_detail - a new slot at the end of the kept alerts */
static struct agg_detail *
next_detail(struct agg *a)
{
	if (a->ndetails == a->details_cap) {
		a->details_cap = a->details_cap ? a->details_cap * 2 : 64;
		a->details = xrealloc(a->details, a->details_cap * sizeof(*a->details));
	}
	return &a->details[a->ndetails++];
}

/* add_detail - keep a copy of the alert and count it in its local hour */
static void
add_detail(struct agg *a, const struct record *r)
{
	struct agg_detail *d = next_detail(a);
	const char **copy[] = { &d->qid, &d->ip, &d->client, &d->helo, &d->mfrom, &d->from,
				&d->spf, &d->dkim, &d->dmarc, &d->p, &d->reason, &d->exempt,
				&d->rule, &d->problem, &d->lookalike, &d->lookalike_of,
				&d->arc, &d->arc_sealer, &d->arc_instance, &d->forwarder };

	agg_detail_of(d, r);
	for (size_t i = 0; i < sizeof(copy) / sizeof(copy[0]); i++)
		if (*copy[i] != NULL)
			*copy[i] = arena_strndup(a->arena, *copy[i], strlen(*copy[i]));
	if (r->has_time) {
		struct tm tm;
		time_t hour;

		localtime_r(&r->when, &tm);
		tm.tm_min = tm.tm_sec = 0;
		hour = mktime(&tm);
		++*(uint64_t *)strmap_upsert(a->hours, (const char *)&hour, sizeof(hour), NULL);
	}
}

void
agg_add(struct agg *a, const struct record *r)
{
	struct agg_totals *t = &a->totals;
	const char *forwarder;
	int via_arc;

	t->alerts++;
	t->by_action[r->action_code]++;
	t->by_dmarc[r->dmarc_code]++;
	if (r->overridden) {
		t->overrides++;
		t->overrides_p_none += strcmp(r->p, "none") == 0;
	}
	if (r->is_dry_run) {
		t->dry_run++;
		t->would[r->would_code]++;
	}
	if (r->has_time) {
		if (!t->has_time || r->when < t->first)
			t->first = r->when;
		if (!t->has_time || r->when > t->last)
			t->last = r->when;
		t->has_time = 1;
	}
	seen(strmap_upsert(a->tables[AGG_REASONS], r->reason, strlen(r->reason), NULL), r);
	if (r->dmarc_code == DM_FAIL) {
		t->failures++;
		add_failure(a, r);
	}
	/* look-alike senders, under the domain they imitate */
	if (r->lookalike_of != NULL)
		add_keyed(a, AGG_LOOKALIKES, r->lookalike_of, PAIR_LOOKALIKE_FROM, r);
	if ((forwarder = record_forwarder(r, &via_arc)) != NULL)
		add_forwarded(a, r, forwarder, via_arc);
	if (a->keep_detail)
		add_detail(a, r);
}

uint64_t
agg_stat_count(const struct agg_stat *s, enum agg_count count)
{
	switch (count) {
	case AGG_COUNT_ALERTS: return s->alerts;
	case AGG_COUNT_DOMAINS: return s->domains;
	case AGG_COUNT_ARC: return s->via_arc;
	case AGG_COUNT_TRUSTED: return s->alerts - s->via_arc;
	case AGG_COUNT_ACCEPTED: return s->accepted;
	}
	return 0;
}

const struct agg_totals *
agg_totals(const struct agg *a)
{
	return &a->totals;
}

size_t
agg_table_size(const struct agg *a, enum agg_table table)
{
	return strmap_count(a->tables[table]);
}

/* by_alerts - qsort order: most alerts first, then by key */
static int
by_alerts(const void *x, const void *y)
{
	const struct agg_row *a = x, *b = y;

	if (a->stat->alerts != b->stat->alerts)
		return a->stat->alerts > b->stat->alerts ? -1 : 1;
	return strcmp(a->key, b->key);
}

struct agg_row *
agg_rows(const struct agg *a, enum agg_table table, size_t limit, size_t *count_r)
{
	size_t n;
	struct strmap_entry *e = strmap_entries(a->tables[table], &n);
	struct agg_row *rows = xcalloc(n + 1, sizeof(*rows));

	for (size_t i = 0; i < n; i++) {
		rows[i].key = e[i].key;
		rows[i].stat = e[i].value;
	}
	free(e);
	qsort(rows, n, sizeof(*rows), by_alerts);
	*count_r = limit != 0 && limit < n ? limit : n;
	return rows;
}

const struct agg_detail *
agg_details(const struct agg *a, size_t *count_r)
{
	*count_r = a->ndetails;
	return a->details;
}

/* by_hour - qsort order: earlier hour first */
static int
by_hour(const void *x, const void *y)
{
	const struct agg_hour *a = x, *b = y;

	return (a->hour > b->hour) - (a->hour < b->hour);
}

struct agg_hour *
agg_hours(const struct agg *a, size_t *count_r)
{
	size_t n = 0;
	struct strmap_entry *e = a->hours ? strmap_entries(a->hours, &n) : NULL;
	struct agg_hour *hours = xcalloc(n + 1, sizeof(*hours));

	for (size_t i = 0; i < n; i++) {
		memcpy(&hours[i].hour, e[i].key, sizeof(time_t));
		hours[i].alerts = *(uint64_t *)e[i].value;
	}
	free(e);
	qsort(hours, n, sizeof(*hours), by_hour);
	*count_r = n;
	return hours;
}
