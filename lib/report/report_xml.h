/*
 * report_xml - the RFC 9990 aggregate report document, written as it
 * is built: report_xml_new with the report's metadata and the policy
 * published, report_xml_record for each aggregated record with its
 * count, report_xml_finish for the complete document.
 *
 * Namespace urn:ietf:params:xml:ns:dmarc-2.0, version 1.0, elements in
 * the order RFC 9990 section 3 lists them; text escaped (& < > " '),
 * control characters other than tab, LF and CR left out (XML 1.0 cannot
 * carry them). Optional elements are written only with a value:
 * extra_contact_info, error, generator, discovery_method (not before the
 * tree walk says how the policy was found), envelope_to, an SPF scope
 * (mfrom; none for a HELO identity), a reason's comment.
 *
 * Ownership: the caller owns the report_xml and frees it with
 * report_xml_free; report_xml_finish's text belongs to it.
 *
 * Thread-safety: one report_xml, one thread.
 */
#ifndef DMARCGUARD_REPORT_XML_H
#define DMARCGUARD_REPORT_XML_H

#include <stddef.h>
#include <stdint.h>

#include "report_record.h"

#define REPORT_XML_NAMESPACE "urn:ietf:params:xml:ns:dmarc-2.0"

struct report_meta {
	const char *org_name;		/* required */
	const char *email;		/* required */
	const char *extra_contact_info;	/* NULL or "": left out */
	const char *report_id;		/* required */
	int64_t begin, end;		/* seconds since the epoch */
	const char *error;		/* NULL or "": left out */
	const char *generator;		/* NULL or "": left out */
};

struct report_xml;

/* report_xml_new - the document up to the records; NULL with *error_r */
struct report_xml *report_xml_new(const struct report_meta *meta,
				  const struct report_policy *policy, const char **error_r);
/* report_xml_record - one <record> with count; -1 with *error_r (out of memory) */
int report_xml_record(struct report_xml *xml, const struct report_record *rec, uint64_t count,
		      const char **error_r);
/* report_xml_finish - close the document; the text, owned by xml, or NULL */
const char *report_xml_finish(struct report_xml *xml, size_t *len_r, const char **error_r);
/* report_xml_records - how many records were written */
size_t report_xml_records(const struct report_xml *xml);
void report_xml_free(struct report_xml **xml);

#endif
