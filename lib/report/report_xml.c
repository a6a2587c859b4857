/*
 * report_xml - the RFC 9990 document in a growing buffer (see report_xml.h).
 *
 * Thread-safety: one report_xml, one thread.
 */
#include "report_xml.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct report_xml {
	char *buf;
	size_t len, size;
	size_t records;
	int failed;			/* out of memory once: everything after is lost */
};

/* grow - room for n more bytes and a NUL */
static int
grow(struct report_xml *x, size_t n)
{
	size_t size = x->size ? x->size : 4096;
	char *p;

	if (x->failed)
		return -1;
	while (size - x->len < n + 1) {
		if (size > SIZE_MAX / 2)
			goto fail;
		size *= 2;
	}
	if (size == x->size)
		return 0;
	if ((p = realloc(x->buf, size)) == NULL)
		goto fail;
	x->buf = p;
	x->size = size;
	return 0;
fail:
	x->failed = 1;
	return -1;
}

static void
put(struct report_xml *x, const char *s, size_t n)
{
	if (grow(x, n) < 0)
		return;
	memcpy(x->buf + x->len, s, n);
	x->len += n;
	x->buf[x->len] = '\0';
}

static void
puts_raw(struct report_xml *x, const char *s)
{
	put(x, s, strlen(s));
}

/* escaped - text content with the five XML entities, no control characters */
static void
escaped(struct report_xml *x, const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '&': puts_raw(x, "&amp;"); break;
		case '<': puts_raw(x, "&lt;"); break;
		case '>': puts_raw(x, "&gt;"); break;
		case '"': puts_raw(x, "&quot;"); break;
		case '\'': puts_raw(x, "&apos;"); break;
		default:
			if (c >= 0x20 || c == '\t' || c == '\n' || c == '\r')
				put(x, (const char *)&c, 1);
		}
	}
}

/* element - <name>text</name> at depth, text escaped */
static void
element(struct report_xml *x, int depth, const char *name, const char *value)
{
	for (int i = 0; i < depth; i++)
		puts_raw(x, "  ");
	puts_raw(x, "<");
	puts_raw(x, name);
	puts_raw(x, ">");
	escaped(x, value);
	puts_raw(x, "</");
	puts_raw(x, name);
	puts_raw(x, ">\n");
}

static void
optional(struct report_xml *x, int depth, const char *name, const char *value)
{
	if (value != NULL && value[0] != '\0')
		element(x, depth, name, value);
}

/* tag - an opening or closing tag alone on its line */
static void
tag(struct report_xml *x, int depth, const char *t)
{
	for (int i = 0; i < depth; i++)
		puts_raw(x, "  ");
	puts_raw(x, t);
	puts_raw(x, "\n");
}

static void
number(struct report_xml *x, int depth, const char *name, int64_t n)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRId64, n);
	element(x, depth, name, buf);
}

static void
policy_published(struct report_xml *x, const struct report_policy *p)
{
	char adkim[2] = { p->adkim == 's' ? 's' : 'r', '\0' };
	char aspf[2] = { p->aspf == 's' ? 's' : 'r', '\0' };

	tag(x, 1, "<policy_published>");
	element(x, 2, "domain", p->domain);
	optional(x, 2, "discovery_method", report_record_discovery_name(p->discovery));
	element(x, 2, "p", p->p ? dmarc_record_request_name(p->p) : "none");
	if (p->sp)
		element(x, 2, "sp", dmarc_record_request_name(p->sp));
	if (p->np)
		element(x, 2, "np", dmarc_record_request_name(p->np));
	element(x, 2, "adkim", adkim);
	element(x, 2, "aspf", aspf);
	element(x, 2, "testing", p->testing ? "y" : "n");
	tag(x, 1, "</policy_published>");
}

struct report_xml *
report_xml_new(const struct report_meta *m, const struct report_policy *policy,
	       const char **error_r)
{
	struct report_xml *x;

	if (m->org_name == NULL || m->org_name[0] == '\0' || m->email == NULL
	    || m->email[0] == '\0' || m->report_id == NULL || m->report_id[0] == '\0'
	    || policy->domain[0] == '\0') {
		*error_r = "report: org_name, email, report_id and the policy domain are required";
		return NULL;
	}
	if ((x = calloc(1, sizeof(*x))) == NULL) {
		*error_r = "out of memory";
		return NULL;
	}
	puts_raw(x, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		 "<feedback xmlns=\"" REPORT_XML_NAMESPACE "\">\n");
	element(x, 1, "version", "1.0");
	tag(x, 1, "<report_metadata>");
	element(x, 2, "org_name", m->org_name);
	element(x, 2, "email", m->email);
	optional(x, 2, "extra_contact_info", m->extra_contact_info);
	element(x, 2, "report_id", m->report_id);
	tag(x, 2, "<date_range>");
	number(x, 3, "begin", m->begin);
	number(x, 3, "end", m->end);
	tag(x, 2, "</date_range>");
	optional(x, 2, "error", m->error);
	optional(x, 2, "generator", m->generator);
	tag(x, 1, "</report_metadata>");
	policy_published(x, policy);
	if (x->failed) {
		report_xml_free(&x);
		*error_r = "out of memory";
	}
	return x;
}

int
report_xml_record(struct report_xml *x, const struct report_record *r, uint64_t count,
		  const char **error_r)
{
	tag(x, 1, "<record>");
	tag(x, 2, "<row>");
	element(x, 3, "source_ip", r->source_ip);
	number(x, 3, "count", (int64_t)count);
	tag(x, 3, "<policy_evaluated>");
	element(x, 4, "disposition", report_record_disposition_name(r->disposition));
	element(x, 4, "dkim", r->dkim_aligned ? "pass" : "fail");
	element(x, 4, "spf", r->spf_aligned ? "pass" : "fail");
	for (size_t i = 0; i < r->reason_count; i++) {
		tag(x, 4, "<reason>");
		element(x, 5, "type", report_record_override_name(r->reasons[i].type));
		optional(x, 5, "comment", r->reasons[i].comment);
		tag(x, 4, "</reason>");
	}
	tag(x, 3, "</policy_evaluated>");
	tag(x, 2, "</row>");
	tag(x, 2, "<identifiers>");
	element(x, 3, "header_from", r->header_from);
	element(x, 3, "envelope_from", r->envelope_from);
	optional(x, 3, "envelope_to", r->envelope_to);
	tag(x, 2, "</identifiers>");
	tag(x, 2, "<auth_results>");
	for (size_t i = 0; i < r->dkim_count; i++) {
		tag(x, 3, "<dkim>");
		element(x, 4, "domain", r->dkim[i].domain);
		element(x, 4, "selector", r->dkim[i].selector);
		element(x, 4, "result", r->dkim[i].result);
		tag(x, 3, "</dkim>");
	}
	if (r->spf_domain[0] != '\0') {
		tag(x, 3, "<spf>");
		element(x, 4, "domain", r->spf_domain);
		if (strcmp(r->spf_scope, "mfrom") == 0)
			element(x, 4, "scope", "mfrom");
		element(x, 4, "result", r->spf_result);
		tag(x, 3, "</spf>");
	}
	tag(x, 2, "</auth_results>");
	tag(x, 1, "</record>");
	if (x->failed) {
		*error_r = "out of memory";
		return -1;
	}
	x->records++;
	return 0;
}

const char *
report_xml_finish(struct report_xml *x, size_t *len_r, const char **error_r)
{
	puts_raw(x, "</feedback>\n");
	if (x->failed) {
		*error_r = "out of memory";
		return NULL;
	}
	*len_r = x->len;
	return x->buf;
}

size_t
report_xml_records(const struct report_xml *x)
{
	return x->records;
}

void
report_xml_free(struct report_xml **x)
{
	if (x == NULL || *x == NULL)
		return;
	free((*x)->buf);
	free(*x);
	*x = NULL;
}
