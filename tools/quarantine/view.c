/*
 * view - list and show output (see view.h).
 *
 * Thread-safety: see view.h.
 */
#include "view.h"
#include "jsonw.h"
#include "logtime.h"
#include "table.h"
#include "verdict.h"

#include <ctype.h>
#include <string.h>

/* the alert fields shown as the "results" of a listed message, when present */
static const char *const result_keys[] = {
	"spf", "dkim", "dmarc", "arc", "arc_sealer", "lookalike", "lookalike_of",
};

#define NRESULTS (sizeof(result_keys) / sizeof(result_keys[0]))

const char *
view_from_domain(const struct held *h, char *buf, size_t size)
{
	const char *at, *end;
	size_t n;

	if (h->verdict != NULL && verdict_get(h->verdict, "from") != NULL
	    && *verdict_get(h->verdict, "from") != '\0') {
		snprintf(buf, size, "%s", verdict_get(h->verdict, "from"));
	} else {
		if (h->from_hdr == NULL || (at = strrchr(h->from_hdr, '@')) == NULL)
			return NULL;
		at++;
		for (end = at; *end && *end != '>' && *end != ' ' && *end != ','; end++)
			;
		n = (size_t)(end - at);
		if (n == 0 || n >= size)
			return NULL;
		memcpy(buf, at, n);
		buf[n] = '\0';
	}
	for (char *p = buf; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return buf;
}

/* age - "45s", "12m", "5h", "3d" */
static const char *
age(char *buf, size_t size, time_t now, time_t then)
{
	long long s = now > then ? (long long)(now - then) : 0;

	if (s < 60)
		snprintf(buf, size, "%llds", s);
	else if (s < 3600)
		snprintf(buf, size, "%lldm", s / 60);
	else if (s < 86400)
		snprintf(buf, size, "%lldh", s / 3600);
	else
		snprintf(buf, size, "%lldd", s / 86400);
	return buf;
}

/* results - "spf=... dkim=... dmarc=..." and the ARC/look-alike fields when there */
static const char *
results(char *buf, size_t size, const struct verdict *v)
{
	size_t len = 0;

	buf[0] = '\0';
	for (size_t i = 0; v != NULL && i < NRESULTS; i++) {
		const char *val = verdict_get(v, result_keys[i]);

		if (val != NULL && len < size)
			len += (size_t)snprintf(buf + len, size - len, "%s%s=%s", len ? " " : "",
						result_keys[i], val);
	}
	return buf;
}

/* reason_cell - dmarcguard's reason, or who else held it */
static const char *
reason_cell(char *buf, size_t size, const struct held *h)
{
	if (held_is_ours(h))
		return verdict_get(h->verdict, "reason");
	if (h->verdict == NULL && h->mta_reason != NULL) {
		snprintf(buf, size, "(no alert; MTA: %s)", h->mta_reason);
		return buf;
	}
	if (h->verdict == NULL)
		return "(held elsewhere, no alert)";
	snprintf(buf, size, "(held elsewhere; dmarcguard: %s %s)", verdict_get(h->verdict, "action"),
		 verdict_get(h->verdict, "reason"));
	return buf;
}

/* counts_text - the join's counts after the table */
static void
counts_text(FILE *f, const struct held_set *set, const struct join_counts *c, size_t nlogs)
{
	size_t n = held_set_count(set);

	fprintf(f, "%zu held (of %llu in quarantine): %llu by dmarcguard, %llu by something"
		" else (%llu of them without an alert)\n", n, c->in_queue, c->ours,
		(unsigned long long)n - c->ours, (unsigned long long)n - c->matched);
	fprintf(f, "%llu quarantine alerts whose message is no longer held"
		" (released, deleted or expired)\n", c->gone);
	if (nlogs == 0)
		fprintf(f, "no log read: reasons are unknown (give --log FILE)\n");
	else
		fprintf(f, "log: %llu lines, %llu alerts, %llu malformed alert lines,"
			" %llu lines of other programs%s\n", c->scan.lines,
			c->scan.alerts + c->scan.filtered, c->scan.malformed, c->scan.foreign,
			c->unreadable ? ", some files unreadable (see above)" : "");
}

/* list_text - the aligned table */
static void
list_text(FILE *f, const struct held_set *set, time_t now)
{
	static const char *const headers[] = {
		"QUEUE ID", "AGE", "CLIENT", "SENDER", "FROM", "SUBJECT", "REASON", "RESULTS",
	};
	struct table *t = table_new(8, "lrllllll", headers);

	for (size_t i = 0; i < held_set_count(set); i++) {
		const struct held *h = held_set_at(set, i);
		char agebuf[32], res[512], reason[160];
		const char *cells[8] = {
			h->qid, age(agebuf, sizeof(agebuf), now, h->arrival), h->client_addr,
			*h->sender ? h->sender : "<>", h->from_hdr, h->subject,
			reason_cell(reason, sizeof(reason), h),
			results(res, sizeof(res), h->verdict),
		};

		table_row(t, cells);
	}
	table_print(t, f, "");
	table_free(&t);
}

/* verdict_json - every field of the alert, and when it was logged */
static void
verdict_json(struct jsonw *w, const struct verdict *v)
{
	time_t when;
	int has_time;

	if (v == NULL) {
		jsonw_string(w, "alert", NULL);
		return;
	}
	jsonw_object(w, "alert");
	has_time = verdict_time(v, &when);
	jsonw_time(w, "logged", when, has_time);
	for (size_t i = 0; i < verdict_nfields(); i++)
		if (verdict_at(v, i) != NULL)
			jsonw_string(w, verdict_key(i), verdict_at(v, i));
	jsonw_end(w, '}');
}

/* message_json - one held message as a JSON object */
static void
message_json(struct jsonw *w, const struct held *h, time_t now, int with_headers)
{
	char dom[256];

	jsonw_object(w, NULL);
	jsonw_string(w, "queue_id", h->qid);
	jsonw_time(w, "arrival", h->arrival, 1);
	jsonw_uint(w, "age_seconds", now > h->arrival ? (unsigned long long)(now - h->arrival) : 0);
	jsonw_uint(w, "size", h->size);
	jsonw_string(w, "client_address", h->client_addr);
	jsonw_string(w, "client_name", h->client_name);
	jsonw_string(w, "helo", h->helo);
	jsonw_string(w, "sender", h->sender);
	jsonw_string(w, "recipients", h->recipients);
	jsonw_string(w, "from", h->from_hdr);
	jsonw_string(w, "from_domain", view_from_domain(h, dom, sizeof(dom)));
	jsonw_string(w, "subject", h->subject);
	jsonw_string(w, "message_id", h->message_id);
	jsonw_string(w, "held_by", held_is_ours(h) ? "dmarcguard" : "other");
	jsonw_string(w, "mta_reason", h->mta_reason);
	jsonw_string(w, "reason", held_is_ours(h) ? verdict_get(h->verdict, "reason") : NULL);
	verdict_json(w, h->verdict);
	if (with_headers)
		jsonw_string(w, "headers", h->headers);
	jsonw_end(w, '}');
}

void
view_list(FILE *f, const struct held_set *set, const struct join_counts *c, size_t nlogs,
	  time_t now, int json)
{
	struct jsonw w;

	if (!json) {
		if (held_set_count(set) > 0)
			list_text(f, set, now);
		counts_text(f, set, c, nlogs);
		return;
	}
	jsonw_init(&w, f, 1);
	jsonw_object(&w, NULL);
	jsonw_array(&w, "held");
	for (size_t i = 0; i < held_set_count(set); i++)
		message_json(&w, held_set_at(set, i), now, 0);
	jsonw_end(&w, ']');
	jsonw_object(&w, "counts");
	jsonw_uint(&w, "held", held_set_count(set));
	jsonw_uint(&w, "in_hold_queue", c->in_queue);
	jsonw_uint(&w, "held_by_dmarcguard", c->ours);
	jsonw_uint(&w, "held_by_other", held_set_count(set) - c->ours);
	jsonw_uint(&w, "without_alert", held_set_count(set) - c->matched);
	jsonw_uint(&w, "alerts_gone", c->gone);
	jsonw_uint(&w, "logs_read", nlogs);
	jsonw_uint(&w, "log_lines", c->scan.lines);
	jsonw_uint(&w, "malformed_alert_lines", c->scan.malformed);
	jsonw_uint(&w, "other_program_lines", c->scan.foreign);
	jsonw_uint(&w, "unreadable_logs", c->unreadable);
	jsonw_end(&w, '}');
	jsonw_end(&w, '}');
	jsonw_finish(&w);
}

/* line_escaped - "label: value" with control bytes escaped, nothing when value is NULL */
static void
line_escaped(FILE *f, const char *label, const char *value)
{
	char buf[4096];

	if (value == NULL)
		return;
	text_escape(buf, sizeof(buf), value);
	fprintf(f, "%-16s %s\n", label, buf);
}

void
view_show(FILE *f, const struct held *h, time_t now, int json)
{
	char when[32], agebuf[32], size[32];
	struct jsonw w;

	if (json) {
		jsonw_init(&w, f, 1);
		message_json(&w, h, now, 1);
		jsonw_finish(&w);
		return;
	}
	logtime_format(h->arrival, when, sizeof(when));
	snprintf(size, sizeof(size), "%llu bytes", h->size);
	line_escaped(f, "Queue id:", h->qid);
	fprintf(f, "%-16s %s (%s ago)\n", "Held since:", when,
		age(agebuf, sizeof(agebuf), now, h->arrival));
	line_escaped(f, "Size:", size);
	line_escaped(f, "Client:", h->client_addr);
	line_escaped(f, "Client name:", h->client_name);
	line_escaped(f, "HELO:", h->helo);
	line_escaped(f, "Sender:", *h->sender ? h->sender : "<>");
	line_escaped(f, "Recipients:", h->recipients);
	line_escaped(f, "MTA's reason:", h->mta_reason);
	if (h->verdict == NULL) {
		fprintf(f, "\nNo dmarcguard alert for this queue id in the logs read: held by"
			" something else, or its log is not among them.\n");
	} else {
		time_t t;
		int has_time = verdict_time(h->verdict, &t);

		logtime_format(t, when, sizeof(when));
		fprintf(f, "\nVerdict (dmarcguard alert logged %s):\n", has_time ? when : "-");
		for (size_t i = 0; i < verdict_nfields(); i++) {
			char label[64];

			snprintf(label, sizeof(label), "  %s", verdict_key(i));
			line_escaped(f, label, verdict_at(h->verdict, i));
		}
	}
	if (h->headers != NULL) {
		char buf[8192];
		const char *p = h->headers;

		fprintf(f, "\nHeaders:\n");
		while (*p) {
			const char *nl = strchr(p, '\n');
			size_t n = nl ? (size_t)(nl - p) : strlen(p);
			char one[4096];

			snprintf(one, sizeof(one), "%.*s", (int)(n < sizeof(one) - 1 ? n : sizeof(one) - 1), p);
			for (char *t = one; *t; t++)
				if (*t == '\t')
					*t = ' ';	/* folding white space, shown plainly */
			text_escape(buf, sizeof(buf), one);
			fprintf(f, "  %s\n", buf);
			p += n + (nl != NULL);
		}
	}
}
