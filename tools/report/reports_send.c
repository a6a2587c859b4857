/*
 * reports_send - claim, send and keep the delivery state of one report
 * (see reports_send.h).
 *
 * Thread-safety: single-threaded (forks for sendmail).
 */
#include "reports_send.h"
#include "reports_destination.h"
#include "reports_mail.h"
#include "reports_period.h"
#include "reports_sendmail.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* One report being sent: its destinations' deliveries and what is left */
struct attempt {
	const struct reports_sender *s;
	const char *domain;
	int64_t day;
	struct report_delivery d[REPORTS_BUILD_MAX_DESTINATIONS];
	int open;		/* some destination to try again on a later run */
	int sent_any;		/* some destination has the report (now or before) */
	int failed;		/* something went wrong: the exit status */
};

/* write_mail - outdir/NAME.eml through a temporary file and rename */
static int
write_mail(const char *outdir, const struct reports_mail *m, char *path, size_t size)
{
	char name[1024], tmp[1200];
	FILE *f;
	int rc;

	if (reports_mail_filename(m, ".eml", name, sizeof(name)) < 0)
		return -1;
	snprintf(path, size, "%s/%s", outdir, name);
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", outdir, name);
	if ((f = fopen(tmp, "w")) == NULL)
		return -1;
	rc = reports_mail_write(m, f);
	if (fclose(f) != 0 || rc < 0 || rename(tmp, path) < 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* put - write a delivery; a store failure leaves the report open */
static void
put(struct attempt *a, const struct report_delivery *d)
{
	const char *why = NULL;

	if (a->s->outdir != NULL)
		return;		/* a dry run keeps no state */
	if (report_store_delivery_put(a->s->store, a->domain, a->day, d, &why) < 0) {
		fprintf(stderr, "dmarcguard-reports: %s: %s: %s\n", a->domain, d->destination, why);
		a->open = 1;
		a->failed = 1;
	}
}

/* give_up_if_due - give up d when its retry window is over; 1 when given up */
static int
give_up_if_due(struct attempt *a, struct report_delivery *d)
{
	char first[16], day[16];

	if (d->state != REPORT_DELIVERY_FAILED
	    || a->s->now - d->first_failure < (int64_t)a->s->retry_days * 86400)
		return 0;
	d->state = REPORT_DELIVERY_GIVEN_UP;
	reports_period_format(d->first_failure / 86400, first, sizeof(first));
	reports_period_format(a->day, day, sizeof(day));
	fprintf(stderr, "dmarcguard-reports: %s: report of %s to %s given up after %u attempt(s)"
		" since %s (ReportRetryDays %u): %s\n", a->domain, day, d->destination,
		d->attempts, first, a->s->retry_days, d->reason);
	put(a, d);
	return 1;
}

/* failure - one more failed attempt at d for reason; given up when its window is over */
static void
failure(struct attempt *a, struct report_delivery *d, const char *reason)
{
	d->state = REPORT_DELIVERY_FAILED;
	d->attempts++;
	if (d->first_failure == 0)
		d->first_failure = a->s->now;
	d->last_failure = a->s->now;
	snprintf(d->reason, sizeof(d->reason), "%s", reason);
	if (!give_up_if_due(a, d)) {
		put(a, d);
		a->open = 1;
	}
}

/* wanted - whether destination k is to be tried now (checking it), 0 or 1 */
static int
wanted(struct attempt *a, const struct reports_built *b, size_t k)
{
	struct report_delivery *d = &a->d[k];
	const char *why = NULL;

	if (a->s->outdir == NULL) {
		if (report_store_delivery_get(a->s->store, a->domain, a->day, b->to[k], d, &why) < 0) {
			fprintf(stderr, "dmarcguard-reports: %s: %s\n", a->domain, why);
			a->open = a->failed = 1;
			return 0;
		}
	} else {
		memset(d, 0, sizeof(*d));
		snprintf(d->destination, sizeof(d->destination), "%s", b->to[k]);
	}
	a->sent_any |= d->state == REPORT_DELIVERY_SENT;
	if (d->state == REPORT_DELIVERY_SENT || d->state == REPORT_DELIVERY_GIVEN_UP
	    || d->state == REPORT_DELIVERY_REFUSED || give_up_if_due(a, d))
		return 0;
	switch (reports_destination_check(a->s->resolver, a->s->od, a->domain, b->to[k], &why)) {
	case REPORTS_DESTINATION_OK:
		return 1;
	case REPORTS_DESTINATION_REFUSED:
		printf("%s: not sending to %s: %s\n", a->domain, b->to[k], why);
		d->state = REPORT_DELIVERY_REFUSED;
		snprintf(d->reason, sizeof(d->reason), "%s", why);
		put(a, d);
		return 0;
	case REPORTS_DESTINATION_RETRY:
		printf("%s: %s: %s; trying on a later run\n", a->domain, b->to[k], why);
		failure(a, d, why);
		return 0;
	}
	return 0;
}

/* deliver - one report or part to outdir or to sendmail; 0, or -1 with the reason in error */
static int
deliver(struct attempt *a, const struct reports_mail *m, char *error, size_t size)
{
	char path[1400];

	if (a->s->outdir != NULL) {
		if (write_mail(a->s->outdir, m, path, sizeof(path)) < 0) {
			snprintf(error, size, "cannot write %.1400s", path);
			return -1;
		}
		printf("%s: wrote %s (%" PRIu64 " messages, %zu records, to %s%s%s)\n", a->domain,
		       path, m->messages, m->records, m->to[0], m->to_count > 1 ? ", " : "",
		       m->to_count > 1 ? m->to[1] : "");
		return 0;
	}
	if (reports_sendmail_send(a->s->sendmail, m, error, size) < 0)
		return -1;
	printf("%s: sent %s (%" PRIu64 " messages, %zu records, to %s%s%s)\n", a->domain,
	       m->report_id, m->messages, m->records, m->to[0], m->to_count > 1 ? ", " : "",
	       m->to_count > 1 ? m->to[1] : "");
	return 0;
}

/* deliver_all - every part to the destinations idx, then their deliveries' outcome */
static void
deliver_all(struct attempt *a, struct reports_mail *m, const size_t *idx,
	    const struct reports_built *b)
{
	char error[1536];

	if (b->part_count > 1)
		printf("%s: %zu parts under ReportMaxBytes %zu\n", a->domain, b->part_count,
		       a->s->max_bytes);
	for (size_t j = 0; j < b->part_count; j++) {
		reports_build_part_mail(b, j, m);
		if (deliver(a, m, error, sizeof(error)) == 0)
			continue;
		a->failed = 1;
		if (a->s->outdir != NULL) {
			fprintf(stderr, "dmarcguard-reports: %s: %s\n", a->domain, error);
			return;
		}
		fprintf(stderr, "dmarcguard-reports: %s: not sent, trying on a later run: %s\n",
			a->domain, error);
		for (size_t i = 0; i < m->to_count; i++)
			failure(a, &a->d[idx[i]], error);
		return;
	}
	a->sent_any = 1;
	for (size_t i = 0; a->s->outdir == NULL && i < m->to_count; i++) {
		struct report_delivery *d = &a->d[idx[i]];

		d->state = REPORT_DELIVERY_SENT;
		d->sent_time = a->s->now;
		snprintf(d->report_id, sizeof(d->report_id), "%s", b->report_id);
		put(a, d);
	}
}

/* send_built - the built report to the destinations that want it now */
static void
send_built(struct attempt *a, const struct reports_built *b)
{
	const char *to[REPORTS_BUILD_MAX_DESTINATIONS];
	size_t idx[REPORTS_BUILD_MAX_DESTINATIONS], n = 0;
	struct reports_mail m;

	for (size_t k = 0; k < b->to_count; k++)
		if (wanted(a, b, k)) {
			idx[n] = k;
			to[n++] = b->to[k];
		}
	if (n == 0 && !a->open && !a->sent_any)
		printf("%s: no destination to send to\n", a->domain);
	if (n == 0)
		return;
	m = (struct reports_mail){
		.from = a->s->from, .to = to, .to_count = n, .submitter = a->s->id->submitter,
		.domain = a->domain, .begin = b->begin, .end = b->end, .now = a->s->now,
	};
	deliver_all(a, &m, idx, b);
}

/* claim - 1 when this run is to send the report, after saying why not otherwise */
static int
claim(struct attempt *a)
{
	const struct reports_sender *s = a->s;
	enum report_state state = REPORT_STATE_NONE;
	enum report_claim c;
	char report_id[REPORT_STORE_ID_SIZE] = "";
	const char *why = NULL;

	if (s->outdir == NULL && report_store_claim(s->store, a->domain, a->day, s->owner, s->now,
						    s->now - REPORTS_SEND_STALE, &c, &why) < 0)
		goto fail;
	if ((s->outdir != NULL || c == REPORT_CLAIM_DONE)
	    && report_store_state(s->store, a->domain, a->day, &state, report_id, &why) < 0)
		goto fail;
	if (s->outdir != NULL)
		c = state == REPORT_STATE_DONE ? REPORT_CLAIM_DONE : REPORT_CLAIM_TAKEN;
	if (c == REPORT_CLAIM_DONE)	/* no Report-ID: every destination refused or given up */
		printf(report_id[0] != '\0' ? "%s: already sent\n" : "%s: nothing left to send\n",
		       a->domain);
	else if (c == REPORT_CLAIM_BUSY)
		printf("%s: being sent by another run\n", a->domain);
	return c == REPORT_CLAIM_TAKEN;
fail:
	fprintf(stderr, "dmarcguard-reports: %s: %s\n", a->domain, why);
	a->failed = 1;
	return 0;
}

int
reports_send_one(const struct reports_sender *s, const char *domain, int64_t day)
{
	struct attempt a = { .s = s, .domain = domain, .day = day };
	struct reports_built b;
	char report_id[REPORTS_BUILD_ID_SIZE] = "";
	const char *why = NULL;

	if (!claim(&a))
		return a.failed;
	if (reports_build(s->store, s->id, domain, day, s->max_bytes, &b, &why) < 0) {
		fprintf(stderr, "dmarcguard-reports: %s: %s\n", domain, why);
		a.failed = a.open = 1;
	} else {
		send_built(&a, &b);
		snprintf(report_id, sizeof(report_id), "%s", b.report_id);
		reports_build_clear(&b);
	}
	if (s->outdir == NULL
	    && report_store_finish(s->store, domain, day, s->owner,
				   a.open ? REPORT_STATE_PENDING : REPORT_STATE_DONE,
				   a.open || !a.sent_any ? "" : report_id, s->now, &why) < 0) {
		fprintf(stderr, "dmarcguard-reports: %s: %s\n", domain, why);
		a.failed = 1;
	}
	return a.failed;
}
