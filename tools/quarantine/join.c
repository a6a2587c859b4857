/*
 * join - alerts to held messages by queue id (see join.h).
 *
 * Thread-safety: see join.h.
 */
#include "join.h"
#include "filter.h"
#include "hashtab.h"
#include "reader.h"
#include "verdict.h"

#include <stdio.h>
#include <string.h>

/* An alert is logged after its message arrived; this much clock skew is allowed. */
#define JOIN_CLOCK_SLACK 300

struct join_ctx {
	struct held_set *set;
	struct u64set *gone;
	int has_since;
	time_t since;
};

/* on_alert - the scan callback: attach, or count as gone */
static void
on_alert(void *ctx, const struct record *r)
{
	struct join_ctx *j = ctx;
	struct held *h = held_set_find(j->set, r->qid, strlen(r->qid));

	if (h != NULL && h->dropped)
		return;
	if (h != NULL && r->has_time && r->when + JOIN_CLOCK_SLACK < h->arrival)
		return;		/* an earlier message that had the same queue id */
	if (h != NULL) {
		verdict_free(&h->verdict);
		h->verdict = verdict_new(r);
		return;
	}
	if (r->action_code != ACT_QUARANTINE || r->is_dry_run)
		return;
	if (strcmp(r->qid, "NOQUEUE") == 0 || strcmp(r->qid, "OFFLINE") == 0)
		return;
	if (j->has_since && (!r->has_time || r->when < j->since))
		return;
	u64set_add(j->gone, hash_bytes(r->qid, strlen(r->qid)));
}

/* read_one - every line of one file into the scan; 0, or -1 after saying why */
static int
read_one(struct scan *scan, const char *path, const char *prog)
{
	const char *why, *line, *name = strcmp(path, "-") == 0 ? "(stdin)" : path;
	struct reader *r = reader_open(path, &why);
	enum reader_status st;
	size_t len;

	if (r == NULL) {
		fprintf(stderr, "%s: cannot read the log %s: %s\n", prog, name, why);
		return -1;
	}
	while ((st = reader_next(r, &line, &len)) == READER_LINE)
		scan_line(scan, line, len, name, reader_lineno(r));
	scan_counts(scan)->overlong += reader_overlong(r);
	if (st == READER_ERROR)
		fprintf(stderr, "%s: %s: read error after line %lu: %s\n", prog, name,
			reader_lineno(r), reader_error(r));
	reader_close(&r);
	return st == READER_ERROR ? -1 : 0;
}

void
join_logs(struct held_set *set, char *const *paths, size_t npaths, int has_since,
	  time_t since, const char *prog, struct join_counts *counts)
{
	struct join_ctx j = { .set = set, .gone = u64set_new(), .has_since = has_since,
			      .since = since };
	struct filter all;
	struct scan *scan;

	filter_init(&all);
	scan = scan_new(&all, time(NULL), NULL, on_alert, &j);
	memset(counts, 0, sizeof(*counts));
	for (size_t i = 0; i < npaths; i++)
		if (read_one(scan, paths[i], prog) < 0)
			counts->unreadable++;
	counts->scan = *scan_counts(scan);
	counts->gone = u64set_count(j.gone);
	for (size_t i = 0; i < held_set_count(set); i++)
		if (held_set_at(set, i)->verdict != NULL) {
			counts->matched++;
			counts->ours += held_is_ours(held_set_at(set, i));
		}
	scan_free(&scan);
	u64set_free(&j.gone);
}
