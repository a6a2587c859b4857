/*
 * sendmail - Sendmail's quarantined queue files (see mta.h). Sendmail
 * keeps a quarantined message's control file as hf<QID> instead of
 * qf<QID>, its reason in a q record. The tool reads the queue directory
 * named by QueueDirectory in the .cf (-C FILE; /etc/mail/sendmail.cf by
 * default), with its qf/ and df/ subdirectories when they exist:
 *
 *   list     every hf file, parsed strictly (qf_parse.h); a file that
 *            cannot be parsed is still listed, with the reason why in
 *            its mta_reason, so that it can be looked at and deleted
 *   details  with headers: the named files read again
 *   release  "sendmail -C CF -v -qQ -qI<QID> -Q", Sendmail's documented
 *            unquarantine (done only when it says "QID: Removed
 *            quarantine"), then "sendmail -C CF -qI<QID>" to deliver now
 *   delete   sm_remove.h: Sendmail has no delete command
 *
 * -qI matches a substring of the queue id, so release refuses when
 * another quarantined id contains the one named.
 *
 * Thread-safety: see mta.h.
 */
#include "errbuf.h"
#include "mta.h"
#include "qf_parse.h"
#include "runcmd.h"
#include "sm_queue.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ERRBUF 256

/* queue - the queue directories from the .cf, once; 0 or -1 */
static int
queue(struct mta *m, const char **error_r)
{
	const char *why;

	if (m->sm.control_dir[0] != '\0')
		return 0;
	if (sm_queue_find(&m->sm, m->config, &why) < 0)
		return ERRBUF_SET(m->error, error_r, "%s", why);
	return 0;
}

/* read_one - parse the control file of h (hf); 0 read, 1 gone, -1 no access */
static int
read_one(struct mta *m, struct held_set *set, struct held *h, int keep_headers,
	 const char **error_r)
{
	char eb[ERRBUF], why_buf[ERRBUF + 64];
	const char *why;
	char *text;
	size_t len;
	time_t mtime;
	int rc = sm_queue_read(&m->sm, h->qid, &text, &len, &mtime, &h->size, &why);

	if (rc == 1)
		return 1;
	if (rc < 0)
		return ERRBUF_SET(m->error, error_r, "%s", why);
	if (qf_parse(set, h, text, len, keep_headers, eb, sizeof(eb), &why) < 0) {
		snprintf(why_buf, sizeof(why_buf), "hf%s not understood: %s", h->qid, why);
		h->mta_reason = held_set_strdup(set, why_buf, strlen(why_buf));
		if (h->sender == NULL) {
			h->sender = h->recipients = "?";
			h->arrival = mtime;	/* the best guess without a T record */
		}
		h->details_read = 1;
	}
	free(text);
	return 0;
}

/* still_there - its file did not vanish between the directory listing and the read */
static int
still_there(const struct held *h, void *ctx)
{
	(void)ctx;
	return !h->dropped;
}

/* sm_list - every hf file of the queue */
static int
sm_list(struct mta *m, struct held_set *set, const char **error_r)
{
	char **ids;
	size_t n;
	const char *why;
	int rc = 0;

	if (queue(m, error_r) < 0)
		return -1;
	if (sm_queue_held_ids(&m->sm, &ids, &n, &why) < 0)
		return ERRBUF_SET(m->error, error_r, "%s", why);
	for (size_t i = 0; i < n; i++) {
		struct held *h = held_set_add(set, ids[i]);

		if (h != NULL && rc == 0 && (rc = read_one(m, set, h, 0, error_r)) == 1) {
			h->dropped = 1;	/* gone since the directory was read */
			rc = 0;
		}
	}
	sm_queue_ids_free(ids, n);
	if (rc < 0)
		return -1;
	held_set_keep(set, still_there, NULL);
	return 0;
}

/* sm_details - with headers, the messages of the set read again */
static int
sm_details(struct mta *m, struct held_set *set, int keep_headers, const char **error_r)
{
	if (!keep_headers)
		return 0;
	for (size_t i = 0; i < held_set_count(set); i++) {
		struct held *h = held_set_at(set, i);
		int rc = read_one(m, set, h, 1, error_r);

		if (rc < 0)
			return -1;
		if (rc == 1)
			h->details_read = 0;
	}
	return 0;
}

/* hint - advice for Sendmail's complaint */
static const char *
hint(const char *complaint)
{
	if (strstr(complaint, "not trusted") != NULL || strstr(complaint, "ermission denied") != NULL)
		return " (permission problem: run as root, e.g. through sudo)";
	return "";
}

/* sendmail_cmd - run the sendmail command with -C CF and args (NULL-terminated) */
static int
sendmail_cmd(struct mta *m, struct runcmd_result *res, const char **error_r, ...)
{
	char *argv[16];
	size_t n = 0;
	const char *why, *arg;
	va_list ap;

	argv[n++] = (char *)sm_queue_command();
	if (m->config != NULL) {
		argv[n++] = "-C";
		argv[n++] = (char *)m->config;
	}
	va_start(ap, error_r);
	while ((arg = va_arg(ap, const char *)) != NULL && n < 15)
		argv[n++] = (char *)arg;
	va_end(ap);
	argv[n] = NULL;
	if (runcmd_run(argv, res, &why) < 0)
		return ERRBUF_SET(m->error, error_r, "cannot run %s: %s", argv[0], why);
	return 0;
}

/* sm_release - unquarantine with Sendmail's -Q, then a queue run for the id */
static enum mta_outcome
sm_release(struct mta *m, const char *qid, const char **error_r)
{
	struct runcmd_result res;
	char select[64], want[96], other[64];
	enum mta_outcome out;
	const char *why;
	int held;

	if (queue(m, error_r) < 0)
		return MTA_FAILED;
	if ((held = sm_queue_is_held(&m->sm, qid, other, sizeof(other), &why)) < 0) {
		ERRBUF_SET(m->error, error_r, "%s", why);
		return MTA_FAILED;
	}
	if (held == 0)
		return MTA_NOT_HELD;
	if (other[0] != '\0') {
		ERRBUF_SET(m->error, error_r, "sendmail -qI%s would also match %s: release it by hand",
			  qid, other);
		return MTA_FAILED;
	}
	snprintf(select, sizeof(select), "-qI%s", qid);
	if (sendmail_cmd(m, &res, error_r, "-v", "-qQ", select, "-Q", (char *)NULL) < 0)
		return MTA_FAILED;
	snprintf(want, sizeof(want), "%s: Removed quarantine", qid);
	if (strstr(res.out, want) != NULL) {
		out = MTA_DONE;
	} else if (!runcmd_ok(&res)) {
		const char *last = runcmd_last_error(&res);

		if (*last == '\0')
			last = res.out;
		ERRBUF_SET(m->error, error_r, "sendmail -qQ %s -Q failed: %.200s%s", select,
			  *last ? last : "no message", hint(last));
		out = MTA_FAILED;
	} else if (sm_queue_is_held(&m->sm, qid, other, sizeof(other), &why) == 1) {
		ERRBUF_SET(m->error, error_r, "sendmail left it quarantined (busy? try again): %.200s",
			  res.out);
		out = MTA_FAILED;
	} else {
		out = MTA_NOT_HELD;
	}
	runcmd_result_clear(&res);
	if (out == MTA_DONE && sendmail_cmd(m, &res, &why, select, (char *)NULL) == 0)
		runcmd_result_clear(&res);	/* a failure only waits for the next queue run */
	return out;
}

/* sm_delete - the control file locked as Sendmail locks it, then removed */
static enum mta_outcome
sm_delete(struct mta *m, const char *qid, const char **error_r)
{
	const char *why;

	if (queue(m, error_r) < 0)
		return MTA_FAILED;
	switch (sm_queue_remove(&m->sm, qid, &why)) {
	case SM_REMOVED:
		return MTA_DONE;
	case SM_NOT_HELD:
		return MTA_NOT_HELD;
	default:
		ERRBUF_SET(m->error, error_r, "%s", why);
		return MTA_FAILED;
	}
}

const struct mta_ops sendmail_ops = {
	.name = "sendmail",
	.where = "Sendmail's quarantine",
	.qid_kind = QID_SENDMAIL,
	.list = sm_list,
	.details = sm_details,
	.release = sm_release,
	.remove = sm_delete,
};
