/*
 * reports_mail - the report message (see reports_mail.h). Lines end in
 * LF, as sendmail -t and mailbox files expect; the MTA writes CRLF on
 * the wire.
 *
 * Thread-safety: reentrant.
 */
#include "reports_mail.h"

#include <inttypes.h>
#include <string.h>
#include <time.h>

int
reports_mail_filename(const struct reports_mail *m, const char *suffix, char *buf, size_t size)
{
	int n = snprintf(buf, size, "%s!%s!%" PRId64 "!%" PRId64 "!%s%s", m->submitter, m->domain,
			 m->begin, m->end, m->report_id, suffix);

	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* base64 - RFC 2045 base64 in lines of 76 characters */
static void
base64(const unsigned char *p, size_t len, FILE *out)
{
	static const char alphabet[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	int col = 0;

	for (size_t i = 0; i < len; i += 3) {
		unsigned v = (unsigned)p[i] << 16;
		char q[4];

		if (i + 1 < len)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < len)
			v |= p[i + 2];
		q[0] = alphabet[(v >> 18) & 63];
		q[1] = alphabet[(v >> 12) & 63];
		q[2] = i + 1 < len ? alphabet[(v >> 6) & 63] : '=';
		q[3] = i + 2 < len ? alphabet[v & 63] : '=';
		fwrite(q, 1, 4, out);
		if ((col += 4) == 76) {
			fputc('\n', out);
			col = 0;
		}
	}
	if (col > 0)
		fputc('\n', out);
}

/* utc - the time as RFC 5322 wants it (rfc5322 set) or as YYYY-MM-DD HH:MM:SS */
static void
utc(int64_t when, int rfc5322, char *buf, size_t size)
{
	time_t t = (time_t)when;
	struct tm tm;

	gmtime_r(&t, &tm);
	if (rfc5322)
		strftime(buf, size, "%a, %d %b %Y %H:%M:%S +0000", &tm);
	else
		strftime(buf, size, "%Y-%m-%d %H:%M:%S", &tm);
}

int
reports_mail_write(const struct reports_mail *m, FILE *out)
{
	char name[1024], date[64], begin[32], end[32];

	if (reports_mail_filename(m, ".xml.gz", name, sizeof(name)) < 0)
		return -1;
	utc(m->now, 1, date, sizeof(date));
	utc(m->begin, 0, begin, sizeof(begin));
	utc(m->end, 0, end, sizeof(end));
	fprintf(out, "From: %s\n", m->from);
	fprintf(out, "To: ");
	for (size_t i = 0; i < m->to_count; i++)
		fprintf(out, "%s%s", i > 0 ? ",\n " : "", m->to[i]);
	fprintf(out, "\nSubject: Report Domain: %s Submitter: %s\n Report-ID: <%s>\n", m->domain,
		m->submitter, m->report_id);
	fprintf(out, "Date: %s\n", date);
	fprintf(out, "Message-ID: <%s@%s>\n", m->report_id, m->submitter);
	fprintf(out, "MIME-Version: 1.0\n");
	fprintf(out, "Content-Type: multipart/mixed; boundary=\"=_%s\"\n\n", m->report_id);
	fprintf(out, "This is a DMARC aggregate report (RFC 9990) in MIME format.\n\n");
	fprintf(out, "--=_%s\nContent-Type: text/plain; charset=us-ascii\n\n", m->report_id);
	fprintf(out, "DMARC aggregate report for %s from %s\n", m->domain, m->submitter);
	fprintf(out, "Period: %s to %s UTC\n", begin, end);
	fprintf(out, "Messages: %" PRIu64 " in %zu record(s)\n", m->messages, m->records);
	fprintf(out, "Report-ID: %s\n\n", m->report_id);
	fprintf(out, "--=_%s\nContent-Type: application/gzip; name=\"%s\"\n", m->report_id, name);
	fprintf(out, "Content-Transfer-Encoding: base64\n");
	fprintf(out, "Content-Disposition: attachment; filename=\"%s\"\n\n", name);
	base64(m->gzip, m->gzip_len, out);
	fprintf(out, "\n--=_%s--\n", m->report_id);
	return ferror(out) ? -1 : 0;
}
