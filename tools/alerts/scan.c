/*
 * scan - a log line through envelope, record, filters and aggregate (see
 * scan.h).
 *
 * Thread-safety: see scan.h.
 */
#include "scan.h"
#include "dedupe.h"
#include "envelope.h"
#include "mem.h"

#include <stdio.h>
#include <stdlib.h>

struct scan {
	struct filter filter;
	struct logtime clock;
	struct agg *agg;
	scan_alert_fn *on_alert;
	void *ctx;
	struct scan_counts counts;
	struct scan_example examples[SCAN_EXAMPLES];
	size_t nexamples;
	struct dedupe dedupe;
	char *scratch[2];	/* envelope (JSON) and field decoding */
	size_t scratch_size;
};

struct scan *
scan_new(const struct filter *filter, time_t now, struct agg *agg, scan_alert_fn *on_alert,
	 void *ctx)
{
	struct scan *s = xcalloc(1, sizeof(*s));

	s->filter = *filter;
	logtime_init(&s->clock, now);
	s->agg = agg;
	s->on_alert = on_alert;
	s->ctx = ctx;
	dedupe_init(&s->dedupe);
	return s;
}

void
scan_set_now(struct scan *s, time_t now)
{
	logtime_init(&s->clock, now);
}

/* room - scratch buffers of at least len + 1 bytes */
static void
room(struct scan *s, size_t len)
{
	if (len + 1 <= s->scratch_size)
		return;
	s->scratch_size = len + 1 > 4096 ? len + 1 : 4096;
	for (int i = 0; i < 2; i++) {
		free(s->scratch[i]);
		s->scratch[i] = xmalloc(s->scratch_size);
	}
}

/* malformed - count a malformed alert line and keep the first few as examples */
static void
malformed(struct scan *s, const char *source, unsigned long lineno, const char *why)
{
	struct scan_example *e;

	s->counts.malformed++;
	if (s->nexamples == SCAN_EXAMPLES)
		return;
	e = &s->examples[s->nexamples++];
	snprintf(e->source, sizeof(e->source), "%s", source);
	e->line = lineno;
	snprintf(e->error, sizeof(e->error), "%s", why);
}

void
scan_line(struct scan *s, const char *line, size_t len, const char *source,
	  unsigned long lineno)
{
	struct envelope env;
	struct record r;
	const char *why;

	s->counts.lines++;
	room(s, len);
	switch (envelope_parse(&s->clock, line, len, s->scratch[0], s->scratch_size, &env)) {
	case ENVELOPE_FOREIGN:
		s->counts.foreign++;
		return;
	case ENVELOPE_UNUSABLE:
		malformed(s, source, lineno, env.why);
		return;
	case ENVELOPE_OURS:
		break;
	}
	if (env.msg_len < 2 || env.msg[0] != 'v' || env.msg[1] != '=') {
		s->counts.other++;
		return;
	}
	if (record_parse(&r, env.msg, env.msg_len, s->scratch[1], s->scratch_size, &why) < 0) {
		malformed(s, source, lineno, why);
		return;
	}
	if (dedupe_is_copy(&s->dedupe, env.msg, env.msg_len, env.when, (int)env.origin)) {
		s->counts.duplicates++;
		return;
	}
	r.when = env.when;
	r.has_time = env.has_time;
	if (!filter_match(&s->filter, &r)) {
		s->counts.filtered++;
		return;
	}
	s->counts.alerts++;
	if (s->agg != NULL)
		agg_add(s->agg, &r);
	if (s->on_alert != NULL)
		s->on_alert(s->ctx, &r);
}

struct scan_counts *
scan_counts(struct scan *s)
{
	return &s->counts;
}

const struct scan_example *
scan_examples(const struct scan *s, size_t *count_r)
{
	*count_r = s->nexamples;
	return s->examples;
}

void
scan_free(struct scan **sp)
{
	if (sp == NULL || *sp == NULL)
		return;
	free((*sp)->scratch[0]);
	free((*sp)->scratch[1]);
	free(*sp);
	*sp = NULL;
}
