/*
 * reports_build - aggregate, write the XML, compress (see reports_build.h).
 *
 * Thread-safety: one report, one thread.
 */
#include "reports_build.h"
#include "report_gzip.h"
#include "report_xml.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct walk {
	const struct report_meta *meta;
	struct report_xml *xml;		/* begun with the first record's policy */
	uint64_t messages;
	const char *error;
};

static int
add_record(const struct report_record *rec, uint64_t count, void *ctx)
{
	struct walk *w = ctx;

	if (w->xml == NULL && (w->xml = report_xml_new(w->meta, &rec->policy, &w->error)) == NULL)
		return 1;
	if (report_xml_record(w->xml, rec, count, &w->error) < 0)
		return 1;
	w->messages += count;
	return 0;
}

/* fnv1a - 64-bit FNV-1a of the string */
static uint64_t
fnv1a(const char *s, uint64_t h)
{
	for (; *s != '\0'; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

void
reports_build_destinations(const char *rua, struct reports_built *out)
{
	const char *p = rua;

	out->to_count = 0;
	while (p != NULL && *p != '\0' && out->to_count < REPORTS_BUILD_MAX_DESTINATIONS) {
		size_t n = strcspn(p, ",");
		const char *u = p;
		size_t len;

		while (n > 0 && (*u == ' ' || *u == '\t'))
			u++, n--;
		len = n;
		while (len > 0 && (u[len - 1] == ' ' || u[len - 1] == '\t'))
			len--;
		if (len > 7 && strncasecmp(u, "mailto:", 7) == 0) {
			size_t addr = strcspn(u + 7, "!");

			if (addr > len - 7)
				addr = len - 7;
			if (addr > 0 && addr < REPORT_RUA_SIZE && memchr(u + 7, '@', addr) != NULL) {
				memcpy(out->to[out->to_count], u + 7, addr);
				out->to[out->to_count][addr] = '\0';
				out->to_count++;
			}
		}
		p = u + n;
		if (*p == ',')
			p++;
	}
}

int
reports_build(struct report_store *store, const struct reports_identity *id, const char *domain,
	      int64_t day, struct reports_built *out, const char **error_r)
{
	struct report_policy policy;
	struct report_meta meta;
	struct walk w = { 0 };
	char key[600];
	const char *text;
	size_t len;

	memset(out, 0, sizeof(*out));
	out->begin = day * 86400;
	out->end = out->begin + 86399;
	snprintf(key, sizeof(key), "%s!%s!%" PRId64, id->submitter, domain, day);
	snprintf(out->report_id, sizeof(out->report_id), "%" PRId64 "%016" PRIx64, out->begin,
		 fnv1a(key, 0xcbf29ce484222325ULL));
	memset(&meta, 0, sizeof(meta));
	meta.org_name = id->org_name;
	meta.email = id->email;
	meta.extra_contact_info = id->contact;
	meta.report_id = out->report_id;
	meta.begin = out->begin;
	meta.end = out->end;
	meta.generator = id->generator;
	w.meta = &meta;
	if (report_store_aggregate(store, domain, day, &policy, add_record, &w, error_r) < 0
	    || w.error != NULL) {
		if (w.error != NULL)
			*error_r = w.error;
		goto err;
	}
	if (w.xml == NULL) {
		*error_r = "no records for this domain and day";
		return -1;
	}
	out->messages = w.messages;
	out->records = report_xml_records(w.xml);
	if ((text = report_xml_finish(w.xml, &len, error_r)) == NULL)
		goto err;
	if ((out->xml = malloc(len + 1)) == NULL) {
		*error_r = "out of memory";
		goto err;
	}
	memcpy(out->xml, text, len + 1);
	out->xml_len = len;
	report_xml_free(&w.xml);
	if (report_gzip_compress(out->xml, out->xml_len, &out->gzip, &out->gzip_len, error_r) < 0)
		goto err;
	reports_build_destinations(policy.rua, out);
	return 0;
err:
	report_xml_free(&w.xml);
	reports_build_clear(out);
	return -1;
}

void
reports_build_clear(struct reports_built *out)
{
	free(out->gzip);
	free(out->xml);
	out->gzip = NULL;
	out->xml = NULL;
}
