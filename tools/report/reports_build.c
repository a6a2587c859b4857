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

/* One pass over the day's records, dealt out into k parts */
struct walk {
	const struct report_meta *meta;	/* the report's; parts change id and error */
	const char *base_id;
	struct report_xml **xml;	/* k of them, each begun with its first record */
	struct reports_part *parts;
	size_t k;
	size_t n;			/* records of the day, or 0 while not known */
	size_t i;			/* records seen */
	const char *error;
};

/* part_begin - part j's document up to the records */
static struct report_xml *
part_begin(struct walk *w, size_t j, const struct report_policy *policy)
{
	struct report_meta meta = *w->meta;
	char note[128];

	if (w->k > 1) {
		snprintf(w->parts[j].report_id, sizeof(w->parts[j].report_id), "%sp%zu", w->base_id,
			 j + 1);
		snprintf(note, sizeof(note), "part %zu of %zu of report %s, split under the size limit",
			 j + 1, w->k, w->base_id);
		meta.error = note;
	} else {
		snprintf(w->parts[j].report_id, sizeof(w->parts[j].report_id), "%s", w->base_id);
	}
	meta.report_id = w->parts[j].report_id;
	return report_xml_new(&meta, policy, &w->error);
}

static int
add_record(const struct report_record *rec, uint64_t count, void *ctx)
{
	struct walk *w = ctx;
	/* in order, each part a run of about n/k records, none empty while k <= n */
	size_t j = w->n > 0 ? w->i * w->k / w->n : 0;

	if (j >= w->k)
		j = w->k - 1;	/* more records than the first pass saw: the last part */
	w->i++;
	if (w->xml[j] == NULL && (w->xml[j] = part_begin(w, j, &rec->policy)) == NULL)
		return 1;
	if (report_xml_record(w->xml[j], rec, count, &w->error) < 0)
		return 1;
	w->parts[j].messages += count;
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

/* parts_clear - free k parts and their array */
static void
parts_clear(struct reports_part **parts, size_t k)
{
	for (size_t j = 0; *parts != NULL && j < k; j++) {
		free((*parts)[j].gzip);
		free((*parts)[j].xml);
	}
	free(*parts);
	*parts = NULL;
}

/* part_finish - close part j's document, keep and compress it */
static int
part_finish(struct report_xml *xml, struct reports_part *part, const char **error_r)
{
	const char *text;
	size_t len;

	part->records = report_xml_records(xml);
	if ((text = report_xml_finish(xml, &len, error_r)) == NULL)
		return -1;
	if ((part->xml = malloc(len + 1)) == NULL) {
		*error_r = "out of memory";
		return -1;
	}
	memcpy(part->xml, text, len + 1);
	part->xml_len = len;
	return report_gzip_compress(part->xml, part->xml_len, &part->gzip, &part->gzip_len,
				    error_r);
}

/*
 * build_pass - the day's records in k parts into out->parts; *largest_r
 * the largest part's gzip'ed size. n: the records a previous pass saw.
 */
static int
build_pass(struct report_store *store, struct walk *w, const char *domain, int64_t day,
	   struct reports_built *out, struct report_policy *policy, size_t *largest_r,
	   const char **error_r)
{
	int rc = -1;

	w->i = 0;
	w->error = NULL;
	w->xml = calloc(w->k, sizeof(*w->xml));
	w->parts = calloc(w->k, sizeof(*w->parts));
	if (w->xml == NULL || w->parts == NULL) {
		*error_r = "out of memory";
		goto done;
	}
	if (report_store_aggregate(store, domain, day, policy, add_record, w, error_r) < 0
	    || w->error != NULL) {
		if (w->error != NULL)
			*error_r = w->error;
		goto done;
	}
	if (w->i == 0) {
		*error_r = "no records for this domain and day";
		goto done;
	}
	out->messages = 0;
	*largest_r = 0;
	for (size_t j = 0; j < w->k; j++) {
		if (w->xml[j] == NULL) {
			*error_r = "the records changed while the report was built";
			goto done;
		}
		if (part_finish(w->xml[j], &w->parts[j], error_r) < 0)
			goto done;
		out->messages += w->parts[j].messages;
		if (w->parts[j].gzip_len > *largest_r)
			*largest_r = w->parts[j].gzip_len;
	}
	out->records = w->i;
	out->parts = w->parts;
	out->part_count = w->k;
	w->parts = NULL;
	rc = 0;
done:
	for (size_t j = 0; w->xml != NULL && j < w->k; j++)
		report_xml_free(&w->xml[j]);
	free(w->xml);
	w->xml = NULL;
	parts_clear(&w->parts, w->k);
	return rc;
}

int
reports_build(struct report_store *store, const struct reports_identity *id, const char *domain,
	      int64_t day, size_t max_bytes, struct reports_built *out, const char **error_r)
{
	struct report_policy policy;
	struct report_meta meta;
	struct walk w = { 0 };
	char key[600];
	size_t largest = 0;

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
	w.base_id = out->report_id;
	w.k = 1;
	if (build_pass(store, &w, domain, day, out, &policy, &largest, error_r) < 0)
		goto err;
	/* too large: split into about as many parts as needed, more until each fits */
	while (max_bytes > 0 && largest > max_bytes) {
		size_t k = out->part_count == 1 ? largest / max_bytes + 1 : out->part_count * 2;

		if (out->part_count >= out->records) {
			*error_r = "a single record's report is larger than ReportMaxBytes";
			goto err;
		}
		w.n = out->records;
		w.k = k < w.n ? k : w.n;
		parts_clear(&out->parts, out->part_count);
		if (build_pass(store, &w, domain, day, out, &policy, &largest, error_r) < 0)
			goto err;
	}
	reports_build_destinations(policy.rua, out);
	return 0;
err:
	reports_build_clear(out);
	return -1;
}

void
reports_build_clear(struct reports_built *out)
{
	parts_clear(&out->parts, out->part_count);
	out->part_count = 0;
}

void
reports_build_part_mail(const struct reports_built *b, size_t j, struct reports_mail *m)
{
	m->report_id = b->parts[j].report_id;
	m->messages = b->parts[j].messages;
	m->records = b->parts[j].records;
	m->gzip = b->parts[j].gzip;
	m->gzip_len = b->parts[j].gzip_len;
}
