/*
 * postfix - the Postfix hold queue through Postfix's own commands (see
 * mta.h): "postqueue -j" lists it, "postcat -e -h -q" reads the queue
 * files, "postsuper -H" releases (then "postqueue -i" delivers at once)
 * and "postsuper -d QID hold" deletes,
 * naming the hold queue so that a message released meanwhile (and now
 * on its way) is never deleted instead.
 *
 * postcat stops at the first queue file that has gone, so files are read
 * in batches and, when a batch fails, one by one for the rest of it.
 *
 * Thread-safety: see mta.h.
 */
#include "errbuf.h"
#include "mta.h"
#include "mem.h"
#include "postcat_parse.h"
#include "pq_json.h"
#include "runcmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define POSTCAT_BATCH 256
#define MAX_ARGS (POSTCAT_BATCH + 8)

/* command - argv of a Postfix command with "-c DIR" when one was chosen */
static size_t
command(const struct mta *m, const char *name, char **argv)
{
	size_t n = 0;

	argv[n++] = (char *)name;
	if (m->config != NULL) {
		argv[n++] = "-c";
		argv[n++] = (char *)m->config;
	}
	return n;
}

/* hint - advice for a permission problem in a command's complaint */
static const char *
hint(const char *complaint)
{
	if (getuid() != 0 && strstr(complaint, "main.cf") != NULL)
		return " (as a user other than root, Postfix takes -c DIR or MAIL_CONFIG only"
		       " for a directory listed in alternate_config_directories of its default"
		       " main.cf; or run as root)";
	if (strstr(complaint, "Permission denied") != NULL
	    || strstr(complaint, "reserved for the superuser") != NULL
	    || strstr(complaint, "not authorized") != NULL)
		return " (permission problem: run as root, e.g. through sudo)";
	if (strstr(complaint, "main.cf") != NULL)
		return " (is the Postfix configuration directory right? -c DIR or MAIL_CONFIG)";
	return "";
}

/* run - run argv; 0 when it could be run, else -1 with an error naming it */
static int
run(struct mta *m, char **argv, struct runcmd_result *res, const char **error_r)
{
	const char *why;

	if (runcmd_run(argv, res, &why) < 0)
		return ERRBUF_SET(m->error, error_r, "cannot run %s: %s", argv[0], why);
	return 0;
}

/* pf_list - "postqueue -j", the messages of the hold queue */
static int
pf_list(struct mta *m, struct held_set *set, const char **error_r)
{
	struct runcmd_result res;
	char *argv[8];
	size_t n = command(m, "postqueue", argv);
	char *scratch = NULL;
	size_t scratch_size = 0;
	unsigned long lineno = 0;

	argv[n++] = "-j";
	argv[n] = NULL;
	if (run(m, argv, &res, error_r) < 0)
		return -1;
	if (!runcmd_ok(&res)) {
		const char *last = runcmd_last_error(&res);

		ERRBUF_SET(m->error, error_r, "postqueue -j failed: %s%s", *last ? last : "no message",
			  hint(last));
		runcmd_result_clear(&res);
		return -1;
	}
	for (char *p = res.out, *nl; *p != '\0'; p = nl + 1) {
		struct pq_entry e;
		const char *why;
		struct held *h;
		size_t len;

		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p) - 1;
		len = (size_t)(nl - p) + (*nl != '\n');
		lineno++;
		if (len == 0)
			continue;
		if (2 * len + 16 > scratch_size) {
			scratch_size = 2 * len + 16;
			scratch = xrealloc(scratch, scratch_size);
		}
		if (pq_json_parse(p, len, scratch, scratch_size, &e, &why) < 0) {
			ERRBUF_SET(m->error, error_r, "postqueue -j, line %lu: %s", lineno, why);
			free(scratch);
			runcmd_result_clear(&res);
			return -1;
		}
		if (strcmp(e.queue_name, "hold") != 0 || (h = held_set_add(set, e.queue_id)) == NULL)
			continue;
		h->arrival = e.arrival_time;
		h->size = e.message_size;
		h->sender = held_set_strdup(set, e.sender, strlen(e.sender));
		h->recipients = held_set_strdup(set, e.recipients, strlen(e.recipients));
	}
	free(scratch);
	runcmd_result_clear(&res);
	return 0;
}

/* postcat - one postcat run over ids[0..count); 1 when it ran clean, 0 when it stopped */
static int
postcat(struct mta *m, struct held_set *set, struct held **ids, size_t count,
	int keep_headers, const char **error_r)
{
	struct runcmd_result res;
	char *argv[MAX_ARGS];
	size_t n = command(m, "postcat", argv);
	int clean;

	argv[n++] = "-e";
	argv[n++] = "-h";
	argv[n++] = "-q";
	for (size_t i = 0; i < count; i++)
		argv[n++] = (char *)ids[i]->qid;
	argv[n] = NULL;
	if (run(m, argv, &res, error_r) < 0)
		return -1;
	postcat_parse(set, res.out, res.out_len, keep_headers);
	clean = runcmd_ok(&res);
	if (!clean && strstr(res.err, "Permission denied") != NULL) {
		const char *last = runcmd_last_error(&res);

		ERRBUF_SET(m->error, error_r, "postcat cannot read the queue: %s%s", last, hint(last));
		runcmd_result_clear(&res);
		return -1;
	}
	runcmd_result_clear(&res);
	return clean;
}

/* pf_details - postcat over the whole set in batches */
static int
pf_details(struct mta *m, struct held_set *set, int keep_headers, const char **error_r)
{
	size_t total = held_set_count(set);
	struct held *batch[POSTCAT_BATCH];

	for (size_t i = 0; i < total; i += POSTCAT_BATCH) {
		size_t count = total - i < POSTCAT_BATCH ? total - i : POSTCAT_BATCH;
		int rc;

		for (size_t k = 0; k < count; k++)
			batch[k] = held_set_at(set, i + k);
		if ((rc = postcat(m, set, batch, count, keep_headers, error_r)) < 0)
			return -1;
		if (rc == 1)
			continue;
		/* A file went away under us: the rest one at a time. */
		for (size_t k = 0; k < count; k++)
			if (!batch[k]->details_read
			    && postcat(m, set, &batch[k], 1, keep_headers, error_r) < 0)
				return -1;
	}
	return 0;
}

/*
 * postsuper - "postsuper -FLAG QID [QUEUE]"; done when postsuper names
 * the message with the word it uses for that action
 */
static enum mta_outcome
postsuper(struct mta *m, const char *flag, const char *qid, const char *queue,
	  const char *done_word, const char **error_r)
{
	struct runcmd_result res;
	char *argv[10], want[128];
	size_t n = command(m, "postsuper", argv);
	enum mta_outcome outcome;

	argv[n++] = (char *)flag;
	argv[n++] = (char *)qid;
	if (queue != NULL)
		argv[n++] = (char *)queue;
	argv[n] = NULL;
	if (run(m, argv, &res, error_r) < 0)
		return MTA_FAILED;
	snprintf(want, sizeof(want), "postsuper: %s: %s\n", qid, done_word);
	if (!runcmd_ok(&res)) {
		const char *last = runcmd_last_error(&res);

		ERRBUF_SET(m->error, error_r, "postsuper %s %s failed: %s%s", flag, qid,
			  *last ? last : "no message", hint(last));
		outcome = MTA_FAILED;
	} else if (strstr(res.err, want) != NULL || strstr(res.out, want) != NULL) {
		outcome = MTA_DONE;
	} else {
		outcome = MTA_NOT_HELD;
	}
	runcmd_result_clear(&res);
	return outcome;
}

/*
 * pf_release - "postsuper -H" moves the message to the deferred queue,
 * where it would wait for the next queue run: "postqueue -i" asks for
 * its delivery now (a failure there only delays it)
 */
static enum mta_outcome
pf_release(struct mta *m, const char *qid, const char **error_r)
{
	enum mta_outcome out = postsuper(m, "-H", qid, NULL, "released from hold", error_r);
	struct runcmd_result res;
	char *argv[8];
	size_t n;

	if (out != MTA_DONE)
		return out;
	n = command(m, "postqueue", argv);
	argv[n++] = "-i";
	argv[n++] = (char *)qid;
	argv[n] = NULL;
	if (run(m, argv, &res, error_r) == 0)
		runcmd_result_clear(&res);
	return out;
}

static enum mta_outcome
pf_remove(struct mta *m, const char *qid, const char **error_r)
{
	return postsuper(m, "-d", qid, "hold", "removed", error_r);
}

const struct mta_ops postfix_ops = {
	.name = "postfix",
	.where = "the hold queue",
	.qid_kind = QID_POSTFIX,
	.list = pf_list,
	.details = pf_details,
	.release = pf_release,
	.remove = pf_remove,
};
