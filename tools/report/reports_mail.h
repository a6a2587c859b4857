/*
 * reports_mail - one aggregate report as an RFC 5322 message (RFC 9990
 * section 5.3): From, To (the report's destinations), Date, Message-ID,
 * the Subject "Report Domain: D Submitter: S Report-ID: <ID>", a short
 * text part and the gzip'ed XML as an application/gzip attachment named
 * submitter!policy-domain!begin!end!id.xml.gz, in base64.
 *
 * Thread-safety: reentrant.
 */
#ifndef DMARCGUARD_REPORTS_MAIL_H
#define DMARCGUARD_REPORTS_MAIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct reports_mail {
	const char *from;		/* ReportFrom */
	const char *const *to;		/* addresses, to_count of them */
	size_t to_count;
	const char *submitter;		/* our domain */
	const char *domain;		/* the policy domain */
	const char *report_id;		/* letters and digits */
	int64_t begin, end, now;
	uint64_t messages;		/* for the text part */
	size_t records;
	const unsigned char *gzip;
	size_t gzip_len;
};

/* reports_mail_filename - "submitter!domain!begin!end!id" + suffix into buf; -1 if too long */
int reports_mail_filename(const struct reports_mail *m, const char *suffix, char *buf,
			  size_t size);
/* reports_mail_write - the whole message to out; -1 on a write error */
int reports_mail_write(const struct reports_mail *m, FILE *out);

#endif
