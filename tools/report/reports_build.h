/*
 * reports_build - one report: the records of one policy domain and UTC
 * day from the store, as RFC 9990 XML, gzip'ed, with its Report-ID and
 * destinations.
 *
 * The Report-ID is the begin time and a hash of submitter, domain and
 * day, letters and digits only: the same report built again has the
 * same ID and file name (RFC 9990 asks a re-sent report to keep its
 * name), and two submitters never share one.
 *
 * Size cap: a report whose gzip'ed XML would be larger than max_bytes
 * is split into parts, each a complete RFC 9990 document with the same
 * date range, policy and metadata, its own Report-ID (the report's with
 * "p" and the part number) and an <error> note "part N of M"; the
 * records are dealt out in the store's order, each record whole in one
 * part, so the parts' counts add up to the day's. The number of parts
 * doubles until every part fits; when one record alone does not fit,
 * nothing is built (never a cut or broken file). One part, the usual
 * case, is the report as before: the Report-ID without a suffix and no
 * note.
 *
 * Destinations: the mailto: URIs of the record's rua, at most two, with
 * a size limit ("!10m") cut off; other schemes are ignored.
 *
 * Ownership: reports_build_clear frees what a built report holds.
 * Thread-safety: one report, one thread.
 */
#ifndef DMARCGUARD_REPORTS_BUILD_H
#define DMARCGUARD_REPORTS_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "report_store.h"
#include "reports_mail.h"

#define REPORTS_BUILD_MAX_DESTINATIONS 2
#define REPORTS_BUILD_ID_SIZE 40

struct reports_identity {
	const char *org_name;
	const char *email;		/* ReportFrom */
	const char *contact;		/* ReportContact, may be "" */
	const char *submitter;		/* domain of ReportFrom */
	const char *generator;
};

/* One document to send: the whole report, or a part of it */
struct reports_part {
	char report_id[REPORTS_BUILD_ID_SIZE];
	uint64_t messages;
	size_t records;
	unsigned char *gzip;
	size_t gzip_len;
	char *xml;			/* the document before compression */
	size_t xml_len;
};

struct reports_built {
	char report_id[REPORTS_BUILD_ID_SIZE];	/* the report's, whatever its parts */
	char to[REPORTS_BUILD_MAX_DESTINATIONS][REPORT_RUA_SIZE];
	size_t to_count;
	uint64_t messages;		/* over all parts */
	size_t records;
	int64_t begin, end;
	struct reports_part *parts;	/* part_count >= 1 after a build */
	size_t part_count;
};

/*
 * reports_build - 0 with *out filled, or -1 with *error_r; max_bytes
 * caps each part's gzip'ed size (0: no cap)
 */
int reports_build(struct report_store *store, const struct reports_identity *id,
		  const char *domain, int64_t day, size_t max_bytes, struct reports_built *out,
		  const char **error_r);
void reports_build_clear(struct reports_built *out);

/*
 * reports_build_part_mail - part j's Report-ID, counts and attachment
 * into m (whose other fields the caller sets); m points into b
 */
void reports_build_part_mail(const struct reports_built *b, size_t j, struct reports_mail *m);

/* reports_build_destinations - the mailto addresses of rua into out */
void reports_build_destinations(const char *rua, struct reports_built *out);

#endif
