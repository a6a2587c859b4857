/*
 * report_json - the report as one JSON document, and single alerts as
 * JSON lines (see report.h).
 *
 * Thread-safety: see report.h.
 */
#include "report.h"
#include "hashtab.h"
#include "jsonw.h"

#include <stdlib.h>

/* input_object - where every line went */
static void
input_object(struct jsonw *w, const struct report *r)
{
	const struct scan_counts *c = r->counts;
	const struct agg_totals *t = agg_totals(r->agg);

	jsonw_object(w, "input");
	jsonw_uint(w, "sources", r->nsources);
	jsonw_uint(w, "lines", c->lines + c->overlong);
	jsonw_uint(w, "alerts", c->alerts);
	jsonw_uint(w, "filtered_out", c->filtered);
	jsonw_uint(w, "stderr_copies", c->duplicates);
	jsonw_uint(w, "malformed", c->malformed);
	jsonw_uint(w, "other_dmarcguard_lines", c->other);
	jsonw_uint(w, "foreign_lines", c->foreign);
	jsonw_uint(w, "overlong_lines", c->overlong);
	jsonw_time(w, "first_seen", t->first, t->has_time);
	jsonw_time(w, "last_seen", t->last, t->has_time);
	jsonw_array(w, "malformed_examples");
	for (size_t i = 0; i < r->nexamples; i++) {
		jsonw_object(w, NULL);
		jsonw_string(w, "source", r->examples[i].source);
		jsonw_uint(w, "line", r->examples[i].line);
		jsonw_string(w, "error", r->examples[i].error);
		jsonw_end(w, '}');
	}
	jsonw_end(w, ']');
	jsonw_end(w, '}');
}

/* summary_objects - actions, dry run, overrides, reasons, DMARC results */
static void
summary_objects(struct jsonw *w, const struct report *r)
{
	const struct agg_totals *t = agg_totals(r->agg);
	struct agg_row *rows;
	size_t n;

	jsonw_object(w, "actions");
	for (int i = 0; i < ACT_COUNT; i++)
		jsonw_uint(w, record_action_name((enum record_action)i), t->by_action[i]);
	jsonw_end(w, '}');
	jsonw_object(w, "dry_run");
	jsonw_uint(w, "alerts", t->dry_run);
	jsonw_object(w, "would");
	for (int i = 0; i < ACT_COUNT; i++)
		jsonw_uint(w, record_action_name((enum record_action)i), t->would[i]);
	jsonw_end(w, '}');
	jsonw_end(w, '}');
	jsonw_object(w, "override");
	jsonw_uint(w, "alerts", t->overrides);
	jsonw_uint(w, "published_none", t->overrides_p_none);
	jsonw_end(w, '}');
	rows = agg_rows(r->agg, AGG_REASONS, 0, &n);
	jsonw_object(w, "reasons");
	for (size_t i = 0; i < n; i++)
		jsonw_uint(w, rows[i].key, rows[i].stat->alerts);
	jsonw_end(w, '}');
	free(rows);
	jsonw_object(w, "dmarc");
	for (int i = 0; i < DM_COUNT; i++)
		jsonw_uint(w, record_dmarc_name((enum record_dmarc)i), t->by_dmarc[i]);
	jsonw_end(w, '}');
}

/* top_array - one of the top tables, as many rows as --top */
static void
top_array(struct jsonw *w, const struct report *r, enum agg_table which, const char *name)
{
	size_t n;
	struct agg_row *rows = agg_rows(r->agg, which, r->top, &n);

	jsonw_array(w, name);
	for (size_t i = 0; i < n; i++) {
		const struct agg_stat *s = rows[i].stat;

		jsonw_object(w, NULL);
		if (which == AGG_DOMAINS) {
			jsonw_string(w, "domain", rows[i].key);
			jsonw_uint(w, "alerts", s->alerts);
			jsonw_string(w, "p", s->p);
			jsonw_uint(w, "overrides", s->overrides);
			jsonw_uint(w, "addresses", s->addresses);
			jsonw_uint(w, "helos", s->helos);
		} else if (which == AGG_ADDRESSES) {
			jsonw_string(w, "address", rows[i].key);
			jsonw_uint(w, "alerts", s->alerts);
			jsonw_uint(w, "domains", s->domains);
			jsonw_string(w, "network", strmap_value_key(s->network));
		} else {
			jsonw_string(w, "network", rows[i].key);
			jsonw_uint(w, "alerts", s->alerts);
			jsonw_uint(w, "addresses", s->addresses);
			jsonw_uint(w, "domains", s->domains);
		}
		jsonw_time(w, "first_seen", s->first, s->has_time);
		jsonw_time(w, "last_seen", s->last, s->has_time);
		jsonw_end(w, '}');
	}
	jsonw_end(w, ']');
	free(rows);
}

/* A count member of a keyed array: its name and which count. */
struct count_member {
	const char *name;
	enum agg_count count;
};

/* keyed_array - rows counted under a key (look-alikes, forwarders), maybe
 * empty: the key, the counts, first and last seen */
static void
keyed_array(struct jsonw *w, const struct report *r, enum agg_table which, const char *array,
	    const char *key_name, const struct count_member *members, size_t nmembers)
{
	size_t n;
	struct agg_row *rows = agg_rows(r->agg, which, r->top, &n);

	jsonw_array(w, array);
	for (size_t i = 0; i < n; i++) {
		const struct agg_stat *s = rows[i].stat;

		jsonw_object(w, NULL);
		jsonw_string(w, key_name, rows[i].key);
		for (size_t m = 0; m < nmembers; m++)
			jsonw_uint(w, members[m].name, agg_stat_count(s, members[m].count));
		jsonw_time(w, "first_seen", s->first, s->has_time);
		jsonw_time(w, "last_seen", s->last, s->has_time);
		jsonw_end(w, '}');
	}
	jsonw_end(w, ']');
	free(rows);
}

/* lookalikes_array - look-alike senders per protected domain */
static void
lookalikes_array(struct jsonw *w, const struct report *r)
{
	static const struct count_member members[] = {
		{ "alerts", AGG_COUNT_ALERTS }, { "from_domains", AGG_COUNT_DOMAINS },
	};

	keyed_array(w, r, AGG_LOOKALIKES, "lookalikes", "protected_domain", members,
		    sizeof(members) / sizeof(members[0]));
}

/* forwarders_array - forwarded overrides per forwarder */
static void
forwarders_array(struct jsonw *w, const struct report *r)
{
	static const struct count_member members[] = {
		{ "alerts", AGG_COUNT_ALERTS }, { "arc", AGG_COUNT_ARC },
		{ "trusted", AGG_COUNT_TRUSTED }, { "accepted", AGG_COUNT_ACCEPTED },
		{ "from_domains", AGG_COUNT_DOMAINS },
	};

	keyed_array(w, r, AGG_FORWARDERS, "forwarders", "forwarder", members,
		    sizeof(members) / sizeof(members[0]));
}

/* alert_members - the fields of one alert, shared by --domain and follow */
static void
alert_members(struct jsonw *w, const struct agg_detail *d)
{
	jsonw_time(w, "time", d->when, d->has_time);
	jsonw_string(w, "action", record_action_name(d->action));
	jsonw_bool(w, "dry_run", d->is_dry_run);
	jsonw_string(w, "would", d->is_dry_run ? record_action_name(d->would) : NULL);
	jsonw_string(w, "reason", d->reason);
	jsonw_bool(w, "override", d->overridden);
	jsonw_string(w, "from", d->from);
	jsonw_string(w, "ip", d->ip);
	jsonw_string(w, "client", d->client);
	jsonw_string(w, "helo", d->helo);
	jsonw_string(w, "mfrom", d->mfrom);
	jsonw_string(w, "spf", d->spf);
	jsonw_string(w, "dkim", d->dkim);
	jsonw_string(w, "dmarc", d->dmarc);
	jsonw_string(w, "p", d->p);
	jsonw_string(w, "qid", d->qid);
	jsonw_string(w, "exempt", d->exempt);
	jsonw_string(w, "rule", d->rule);
	jsonw_string(w, "problem", d->problem);
	jsonw_string(w, "lookalike", d->lookalike);
	jsonw_string(w, "lookalike_of", d->lookalike_of);
	jsonw_string(w, "arc", d->arc);
	jsonw_string(w, "arc_sealer", d->arc_sealer);
	jsonw_string(w, "arc_instance", d->arc_instance);
	jsonw_string(w, "forwarder", d->forwarder);
}

/* domain_object - every alert of the --domain and its hourly counts */
static void
domain_object(struct jsonw *w, const struct report *r)
{
	size_t n;
	const struct agg_detail *d = agg_details(r->agg, &n);
	struct agg_hour *h;

	jsonw_object(w, "domain");
	jsonw_string(w, "name", r->domain);
	jsonw_array(w, "alerts");
	for (size_t i = 0; i < n; i++) {
		jsonw_object(w, NULL);
		alert_members(w, &d[i]);
		jsonw_end(w, '}');
	}
	jsonw_end(w, ']');
	h = agg_hours(r->agg, &n);
	jsonw_array(w, "hourly");
	for (size_t i = 0; i < n; i++) {
		jsonw_object(w, NULL);
		jsonw_time(w, "hour", h[i].hour, 1);
		jsonw_uint(w, "alerts", h[i].alerts);
		jsonw_end(w, '}');
	}
	jsonw_end(w, ']');
	free(h);
	jsonw_end(w, '}');
}

void
report_json(FILE *f, const struct report *r)
{
	struct jsonw w;

	jsonw_init(&w, f, 1);
	jsonw_object(&w, NULL);
	input_object(&w, r);
	summary_objects(&w, r);
	top_array(&w, r, AGG_DOMAINS, "top_domains");
	top_array(&w, r, AGG_ADDRESSES, "top_addresses");
	top_array(&w, r, AGG_NETWORKS, "top_networks");
	lookalikes_array(&w, r);
	forwarders_array(&w, r);
	if (r->domain != NULL)
		domain_object(&w, r);
	jsonw_end(&w, '}');
	jsonw_finish(&w);
}

void
report_json_alert(FILE *f, const struct record *r)
{
	struct jsonw w;
	struct agg_detail d;

	agg_detail_of(&d, r);
	jsonw_init(&w, f, 0);
	jsonw_object(&w, NULL);
	alert_members(&w, &d);
	jsonw_end(&w, '}');
	jsonw_finish(&w);
}
