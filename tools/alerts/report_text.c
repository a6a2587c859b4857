/*
 * report_text - the report as aligned text tables (see report.h).
 *
 * Thread-safety: see report.h.
 */
#include "report.h"
#include "logtime.h"
#include "hashtab.h"
#include "mem.h"
#include "table.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define CHART_WIDTH 40
#define CHART_ZERO_FILL_HOURS 48

/* A row of short cells (numbers, times) built in place; long ones point elsewhere. */
struct cells {
	char v[10][64];
	const char *p[10];
};

static void cells_set(struct cells *c, int i, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* cells_set - cell i of the row as printf text */
static void
cells_set(struct cells *c, int i, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->v[i], sizeof(c->v[i]), fmt, ap);
	va_end(ap);
	c->p[i] = c->v[i];
}

/* when - a local time stamp, or "-" without one */
static const char *
when(char *buf, size_t size, time_t t, int has_time)
{
	if (!has_time)
		return "-";
	logtime_format(t, buf, size);
	return buf;
}

/* percent - part of whole in percent */
static double
percent(unsigned long long part, unsigned long long whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

void
report_action_text(char *buf, size_t size, enum record_action action,
		   enum record_action would, int is_dry_run)
{
	if (is_dry_run)
		snprintf(buf, size, "%s, would %s", record_action_name(action),
			 record_action_name(would));
	else
		snprintf(buf, size, "%s", record_action_name(action));
}

/* section - a blank line and a title */
static void
section(FILE *f, const char *title)
{
	fprintf(f, "\n%s\n", title);
}

/* input_section - where every line went */
static void
input_section(FILE *f, const struct report *r)
{
	const struct scan_counts *c = r->counts;
	const struct agg_totals *t = agg_totals(r->agg);
	struct table *tab = table_new(2, "lr", NULL);
	struct cells row;
	char a[32], b[32];
	const struct { const char *what; unsigned long long n; } lines[] = {
		{ "lines read", c->lines + c->overlong },
		{ "alerts in this report", c->alerts },
		{ "alerts left out by the filters", c->filtered },
		{ "stderr copies of syslog alerts", c->duplicates },
		{ "malformed alert lines", c->malformed },
		{ "other dmarcguard lines", c->other },
		{ "lines of other programs", c->foreign },
		{ "overlong lines skipped", c->overlong },
	};

	fprintf(f, "dmarcguard alerts: %zu source%s, %s to %s\n", r->nsources,
		r->nsources == 1 ? "" : "s", when(a, sizeof(a), t->first, t->has_time),
		when(b, sizeof(b), t->last, t->has_time));
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		cells_set(&row, 0, "%s", lines[i].what);
		cells_set(&row, 1, "%llu", lines[i].n);
		table_row(tab, row.p);
	}
	section(f, "Input");
	table_print(tab, f, "  ");
	table_free(&tab);
	for (size_t i = 0; i < r->nexamples; i++)
		fprintf(f, "  malformed: %s:%lu: %s\n", r->examples[i].source, r->examples[i].line,
			r->examples[i].error);
}

/* counts_section - one table of name, count, percentage */
static void
counts_section(FILE *f, const char *title, const char *what, const char *const *names,
	       const unsigned long long *counts, size_t n, unsigned long long whole)
{
	const char *head[] = { what, "ALERTS", "%" };
	struct table *tab = table_new(3, "lrr", head);
	struct cells row;

	for (size_t i = 0; i < n; i++) {
		cells_set(&row, 0, "%s", names[i]);
		cells_set(&row, 1, "%llu", counts[i]);
		cells_set(&row, 2, "%.1f", percent(counts[i], whole));
		table_row(tab, row.p);
	}
	section(f, title);
	table_print(tab, f, "  ");
	table_free(&tab);
}

/* summary_sections - actions, dry run, overrides, reasons, DMARC results */
/* reasons_section - every reason code, most frequent first */
static void
reasons_section(FILE *f, const struct report *r)
{
	size_t n;
	struct agg_row *rows = agg_rows(r->agg, AGG_REASONS, 0, &n);
	const char **names = xcalloc(n + 1, sizeof(*names));
	unsigned long long *counts = xcalloc(n + 1, sizeof(*counts));

	for (size_t i = 0; i < n; i++) {
		names[i] = rows[i].key;
		counts[i] = rows[i].stat->alerts;
	}
	counts_section(f, "Reasons", "REASON", names, counts, n, agg_totals(r->agg)->alerts);
	free(names);
	free(counts);
	free(rows);
}

static void
summary_sections(FILE *f, const struct report *r)
{
	const struct agg_totals *t = agg_totals(r->agg);
	const char *names[(int)ACT_COUNT + (int)DM_COUNT];
	unsigned long long counts[(int)ACT_COUNT + (int)DM_COUNT];

	for (int i = 0; i < ACT_COUNT; i++) {
		names[i] = record_action_name((enum record_action)i);
		counts[i] = t->by_action[i];
	}
	counts_section(f, "Actions taken", "ACTION", names, counts, ACT_COUNT, t->alerts);
	if (t->dry_run > 0) {
		char title[120];

		for (int i = 0; i < ACT_COUNT; i++)
			counts[i] = t->would[i];
		snprintf(title, sizeof(title),
			 "Dry run (dry_run=yes): %llu alerts; what would have been done",
			 (unsigned long long)t->dry_run);
		counts_section(f, title, "WOULD", names, counts, ACT_COUNT, t->dry_run);
	}
	section(f, "Local override");
	fprintf(f, "  raised above the published policy (override=yes)  %llu\n",
		(unsigned long long)t->overrides);
	fprintf(f, "  of which the domain publishes p=none              %llu\n",
		(unsigned long long)t->overrides_p_none);
	reasons_section(f, r);
	for (int i = 0; i < DM_COUNT; i++) {
		names[i] = record_dmarc_name((enum record_dmarc)i);
		counts[i] = t->by_dmarc[i];
	}
	counts_section(f, "DMARC results", "DMARC", names, counts, DM_COUNT, t->alerts);
}

/* top_section - one of the top tables, as many rows as --top */
static void
top_section(FILE *f, const struct report *r, enum agg_table which)
{
	static const char *const dom_head[] = { "FROM DOMAIN", "ALERTS", "P", "OVERRIDES",
						"ADDRESSES", "HELOS", "FIRST SEEN", "LAST SEEN" };
	static const char *const addr_head[] = { "ADDRESS", "ALERTS", "DOMAINS", "NETWORK",
						 "FIRST SEEN", "LAST SEEN" };
	static const char *const net_head[] = { "NETWORK", "ALERTS", "ADDRESSES", "DOMAINS",
						"FIRST SEEN", "LAST SEEN" };
	size_t n, total = agg_table_size(r->agg, which);
	struct agg_row *rows = agg_rows(r->agg, which, r->top, &n);
	struct table *tab;
	struct cells row;
	char title[160];

	if (which == AGG_DOMAINS)
		tab = table_new(8, "lrlrrrll", dom_head);
	else if (which == AGG_ADDRESSES)
		tab = table_new(6, "lrrlll", addr_head);
	else
		tab = table_new(6, "lrrrll", net_head);
	for (size_t i = 0; i < n; i++) {
		const struct agg_stat *s = rows[i].stat;
		int c = 0;

		row.p[c++] = rows[i].key[0] ? rows[i].key : "(none)";	/* any length */
		cells_set(&row, c++, "%llu", (unsigned long long)s->alerts);
		if (which == AGG_DOMAINS) {
			cells_set(&row, c++, "%s", s->p);
			cells_set(&row, c++, "%llu", (unsigned long long)s->overrides);
			cells_set(&row, c++, "%llu", (unsigned long long)s->addresses);
			cells_set(&row, c++, "%llu", (unsigned long long)s->helos);
		} else if (which == AGG_ADDRESSES) {
			cells_set(&row, c++, "%llu", (unsigned long long)s->domains);
			row.p[c++] = strmap_value_key(s->network);
		} else {
			cells_set(&row, c++, "%llu", (unsigned long long)s->addresses);
			cells_set(&row, c++, "%llu", (unsigned long long)s->domains);
		}
		row.p[c] = when(row.v[c], sizeof(row.v[c]), s->first, s->has_time);
		c++;
		row.p[c] = when(row.v[c], sizeof(row.v[c]), s->last, s->has_time);
		table_row(tab, row.p);
	}
	snprintf(title, sizeof(title), "%s (dmarc=fail): %zu of %zu",
		 which == AGG_DOMAINS ? "Top spoofed From domains"
		 : which == AGG_ADDRESSES ? "Top sending addresses behind failures"
		 : "Top sending networks behind failures (/24, /48)", n, total);
	section(f, title);
	if (n > 0)
		table_print(tab, f, "  ");
	table_free(&tab);
	free(rows);
}

/* A count column of a keyed table: its heading and which count. */
struct count_column {
	const char *head;
	enum agg_count count;
};

#define MAX_COUNTS 6	/* key, counts, first and last seen fit struct cells */

/* keyed_section - a table of rows counted under a key (look-alikes,
 * forwarders): the key, the counts, first and last seen; nothing when empty */
static void
keyed_section(FILE *f, const struct report *r, enum agg_table which, const char *title,
	      const char *key_head, const struct count_column *cols, size_t ncols)
{
	size_t n, total = agg_table_size(r->agg, which);
	const char *head[MAX_COUNTS + 3];
	char align[MAX_COUNTS + 4], line[200];
	struct agg_row *rows;
	struct table *tab;
	struct cells row;
	size_t last = ncols + 2;

	if (total == 0 || ncols > MAX_COUNTS)
		return;
	head[0] = key_head;
	align[0] = 'l';
	for (size_t c = 0; c < ncols; c++) {
		head[c + 1] = cols[c].head;
		align[c + 1] = 'r';
	}
	head[last - 1] = "FIRST SEEN";
	head[last] = "LAST SEEN";
	memcpy(align + last - 1, "ll", 3);
	rows = agg_rows(r->agg, which, r->top, &n);
	tab = table_new(last + 1, align, head);
	for (size_t i = 0; i < n; i++) {
		const struct agg_stat *s = rows[i].stat;

		row.p[0] = rows[i].key;
		for (size_t c = 0; c < ncols; c++)
			cells_set(&row, (int)c + 1, "%llu",
				  (unsigned long long)agg_stat_count(s, cols[c].count));
		row.p[last - 1] = when(row.v[last - 1], sizeof(row.v[0]), s->first, s->has_time);
		row.p[last] = when(row.v[last], sizeof(row.v[0]), s->last, s->has_time);
		table_row(tab, row.p);
	}
	snprintf(line, sizeof(line), "%s: %zu of %zu", title, n, total);
	section(f, line);
	table_print(tab, f, "  ");
	table_free(&tab);
	free(rows);
}

/* lookalike_section - look-alike senders per protected domain */
static void
lookalike_section(FILE *f, const struct report *r)
{
	static const struct count_column cols[] = {
		{ "ALERTS", AGG_COUNT_ALERTS }, { "FROM DOMAINS", AGG_COUNT_DOMAINS },
	};

	keyed_section(f, r, AGG_LOOKALIKES, "Look-alike senders by protected domain (lookalike_of)",
		      "PROTECTED DOMAIN", cols, sizeof(cols) / sizeof(cols[0]));
}

/* forwarder_section - forwarded overrides per forwarder */
static void
forwarder_section(FILE *f, const struct report *r)
{
	static const struct count_column cols[] = {
		{ "ALERTS", AGG_COUNT_ALERTS }, { "ARC", AGG_COUNT_ARC },
		{ "TRUSTED", AGG_COUNT_TRUSTED }, { "ACCEPTED", AGG_COUNT_ACCEPTED },
		{ "FROM DOMAINS", AGG_COUNT_DOMAINS },
	};

	keyed_section(f, r, AGG_FORWARDERS, "Forwarded overrides by forwarder (arc_sealer, forwarder)",
		      "FORWARDER", cols, sizeof(cols) / sizeof(cols[0]));
}

/* client_text - "203.0.113.66", with the host name when the MTA had one */
static void
client_text(char *buf, size_t size, const char *ip, const char *client)
{
	if (client[0] == '\0' || strcmp(client, "unknown") == 0)
		snprintf(buf, size, "%s", ip);
	else
		snprintf(buf, size, "%s (%s)", ip, client);
}

/* detail_section - every alert of the --domain */
static void
detail_section(FILE *f, const struct report *r)
{
	static const char *const head[] = { "TIME", "ACTION", "REASON", "OVERRIDE", "CLIENT",
					    "HELO", "MAIL FROM", "SPF", "DKIM", "QID" };
	size_t n;
	const struct agg_detail *d = agg_details(r->agg, &n);
	struct table *tab = table_new(10, "llllllllll", head);
	char title[300], action[64], client[300];

	for (size_t i = 0; i < n; i++) {
		const char *cells[10];
		char stamp[32];

		report_action_text(action, sizeof(action), d[i].action, d[i].would, d[i].is_dry_run);
		client_text(client, sizeof(client), d[i].ip, d[i].client);
		cells[0] = when(stamp, sizeof(stamp), d[i].when, d[i].has_time);
		cells[1] = action;
		cells[2] = d[i].reason;
		cells[3] = d[i].overridden ? "yes" : "no";
		cells[4] = client;
		cells[5] = d[i].helo;
		cells[6] = d[i].mfrom[0] ? d[i].mfrom : "<>";
		cells[7] = d[i].spf;
		cells[8] = d[i].dkim;
		cells[9] = d[i].qid;
		table_row(tab, cells);
	}
	snprintf(title, sizeof(title), "Alerts for %s: %zu", r->domain, n);
	section(f, title);
	if (n > 0)
		table_print(tab, f, "  ");
	table_free(&tab);
}

/* chart_row - one hour of the chart: stamp, bar, count */
static void
chart_row(FILE *f, time_t hour, unsigned long long count, unsigned long long max)
{
	char stamp[32];
	int bar = max ? (int)((count * CHART_WIDTH + max - 1) / max) : 0;

	logtime_format(hour, stamp, sizeof(stamp));
	stamp[16] = '\0';	/* to the minute */
	fprintf(f, "  %s  %-*.*s %llu\n", stamp, CHART_WIDTH, bar,
		"########################################", count);
}

/* chart_section - alerts per hour; empty hours shown only over short spans */
static void
chart_section(FILE *f, const struct report *r)
{
	size_t n;
	struct agg_hour *h = agg_hours(r->agg, &n);
	unsigned long long max = 0;
	int fill;

	for (size_t i = 0; i < n; i++)
		if (h[i].alerts > max)
			max = h[i].alerts;
	fill = n > 0 && h[n - 1].hour - h[0].hour <= CHART_ZERO_FILL_HOURS * 3600;
	section(f, fill ? "Alerts per hour" : "Alerts per hour (hours without alerts left out)");
	for (size_t i = 0; i < n; i++) {
		chart_row(f, h[i].hour, h[i].alerts, max);
		if (fill && i + 1 < n) {
			/* Empty hours between two with alerts, an hour apart. */
			for (time_t t = h[i].hour + 3600; t < h[i + 1].hour; t += 3600)
				chart_row(f, t, 0, max);
		}
	}
	free(h);
}

void
report_text(FILE *f, const struct report *r)
{
	input_section(f, r);
	summary_sections(f, r);
	top_section(f, r, AGG_DOMAINS);
	top_section(f, r, AGG_ADDRESSES);
	top_section(f, r, AGG_NETWORKS);
	lookalike_section(f, r);
	forwarder_section(f, r);
	if (r->domain != NULL) {
		detail_section(f, r);
		chart_section(f, r);
	}
}

void
report_text_alert(FILE *f, const struct record *r)
{
	char stamp[32], action[64], client[300], line[1024], safe[4 * sizeof(line)];
	int via_arc = 0;
	const char *via = record_forwarder(r, &via_arc);
	int lookalike = r->lookalike_of != NULL && r->lookalike_of[0] != '\0';

	report_action_text(action, sizeof(action), r->action_code, r->would_code, r->is_dry_run);
	client_text(client, sizeof(client), r->ip, r->client);
	/* who vouched for a forwarded message, whom a look-alike imitates */
	snprintf(line, sizeof(line), "%s  %-10s  %-24s  %-30s  %s%s%s%s%s%s%s",
		 when(stamp, sizeof(stamp), r->when, r->has_time), action,
		 r->from[0] ? r->from : "(none)", client, r->reason,
		 r->overridden ? "  override=yes" : "", via != NULL ? "  via=" : "",
		 via != NULL ? via : "", via != NULL && via_arc ? " (arc)" : "",
		 lookalike ? "  lookalike_of=" : "", lookalike ? r->lookalike_of : "");
	text_escape(safe, sizeof(safe), line);
	fprintf(f, "%s\n", safe);
}
