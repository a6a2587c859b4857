/*
 * report_recorder - bounded queue and writer thread in front of the
 * report store (see report_recorder.h).
 *
 * Thread-safety: the queue and counters are under one mutex; the store
 * is used by the writer thread only.
 */
#include "report_recorder.h"
#include "log.h"
#include "report_store.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BATCH_MAX 256
/* how long the writer gathers records before it writes a batch that is
 * not full: one transaction per message would cost more than the rest of
 * recording (every commit writes whole pages), and reports are daily */
#define GATHER_MS 1000
#define REOPEN_SECONDS 5
#define LOG_SECONDS 60

struct report_recorder {
	char *uri;
	char shown[512];		/* the uri for log lines, without a password */
	pthread_t writer;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	struct report_record *ring;	/* queue_size slots */
	size_t size, head, count;
	int stopping;
	struct report_recorder_stats stats;
	/* writer thread only */
	struct report_store *store;
	time_t next_open;
	time_t last_log;
	uint64_t logged_dropped;
	struct report_record batch[BATCH_MAX];
};


/* log_drops - at most once a minute, what was dropped since the last line */
static void
log_drops(struct report_recorder *r, const char *why, int force)
{
	struct report_recorder_stats s;
	time_t now = time(NULL);

	report_recorder_stats(r, &s);
	if (s.dropped == r->logged_dropped || (!force && now - r->last_log < LOG_SECONDS))
		return;
	log_msg(LOG_WARNING, "report store %s: %llu record(s) dropped (in all: %llu dropped, %llu"
		" with the queue full, %llu by the store; %llu written)%s%s", r->shown,
		(unsigned long long)(s.dropped - r->logged_dropped), (unsigned long long)s.dropped,
		(unsigned long long)s.dropped_full, (unsigned long long)s.dropped_store,
		(unsigned long long)s.written, why != NULL ? ": " : "", why != NULL ? why : "");
	r->logged_dropped = s.dropped;
	r->last_log = now;
}

/* write_batch - writer thread: append n records, or drop them and say why */
static void
write_batch(struct report_recorder *r, size_t n, int last)
{
	char error[256];
	const char *why = NULL;
	time_t now = time(NULL);

	if (r->store == NULL && (now >= r->next_open || last)) {
		if ((r->store = report_store_open(r->uri, error, sizeof(error))) == NULL) {
			r->next_open = now + REOPEN_SECONDS;
			why = error;
		}
	} else if (r->store == NULL) {
		why = "the store could not be opened; trying again later";
	}
	if (r->store != NULL && report_store_append(r->store, r->batch, n, &why) == 0) {
		pthread_mutex_lock(&r->lock);
		r->stats.written += n;
		pthread_mutex_unlock(&r->lock);
		return;
	}
	if (r->store != NULL) {
		/* keep the reason: it lives in the store we are about to close */
		snprintf(error, sizeof(error), "%s", why);
		why = error;
		report_store_close(&r->store);	/* opened again for the next batch */
	}
	pthread_mutex_lock(&r->lock);
	r->stats.dropped += n;
	r->stats.dropped_store += n;
	pthread_mutex_unlock(&r->lock);
	log_drops(r, why, 0);
}

/* gather - writer thread, lock held: wait until a batch is full, GATHER_MS passed or stopping */
static void
gather(struct report_recorder *r)
{
	struct timespec deadline;

	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += GATHER_MS / 1000;
	deadline.tv_nsec += (long)(GATHER_MS % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}
	while (r->count < BATCH_MAX && !r->stopping)
		if (pthread_cond_timedwait(&r->wake, &r->lock, &deadline) == ETIMEDOUT)
			break;
}

static void *
writer_main(void *arg)
{
	struct report_recorder *r = arg;

	pthread_mutex_lock(&r->lock);
	for (;;) {
		size_t n = 0;
		int last;

		while (r->count == 0 && !r->stopping)
			pthread_cond_wait(&r->wake, &r->lock);
		if (r->count == 0 && r->stopping)
			break;
		gather(r);
		while (n < BATCH_MAX && r->count > 0) {
			r->batch[n++] = r->ring[r->head];
			r->head = (r->head + 1) % r->size;
			r->count--;
		}
		last = r->stopping;
		pthread_mutex_unlock(&r->lock);
		write_batch(r, n, last);
		log_drops(r, NULL, 0);
		pthread_mutex_lock(&r->lock);
	}
	pthread_mutex_unlock(&r->lock);
	return NULL;
}

struct report_recorder *
report_recorder_new(const char *uri, unsigned queue_size, const char **error_r)
{
	struct report_recorder *r = calloc(1, sizeof(*r));

	if (r == NULL || (r->uri = strdup(uri)) == NULL
	    || (r->ring = calloc(queue_size, sizeof(*r->ring))) == NULL) {
		*error_r = "out of memory";
		goto err;
	}
	r->size = queue_size;
	report_store_uri_display(uri, r->shown, sizeof(r->shown));
	pthread_mutex_init(&r->lock, NULL);
	{
		pthread_condattr_t ca;

		pthread_condattr_init(&ca);
		pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);	/* gather's deadline */
		pthread_cond_init(&r->wake, &ca);
		pthread_condattr_destroy(&ca);
	}
	if (pthread_create(&r->writer, NULL, writer_main, r) != 0) {
		*error_r = "cannot start the report writer thread";
		pthread_mutex_destroy(&r->lock);
		pthread_cond_destroy(&r->wake);
		goto err;
	}
	return r;
err:
	if (r != NULL) {
		free(r->ring);
		free(r->uri);
		free(r);
	}
	return NULL;
}

void
report_recorder_push(struct report_recorder *r, const struct verdict *v, int64_t now)
{
	struct report_record rec;
	const char *why = NULL;
	int unfit;

	if (!report_record_wanted(v))
		return;
	unfit = report_record_from_verdict(v, now, &rec, &why) < 0;
	pthread_mutex_lock(&r->lock);
	if (unfit || r->count == r->size) {
		r->stats.dropped++;
		r->stats.dropped_full += !unfit;
	} else {
		r->ring[(r->head + r->count) % r->size] = rec;
		r->count++;
		r->stats.queued++;
		/* the writer needs waking only to start gathering and for a full batch */
		if (r->count == 1 || r->count == BATCH_MAX)
			pthread_cond_signal(&r->wake);
	}
	pthread_mutex_unlock(&r->lock);
}

void
report_recorder_stats(struct report_recorder *r, struct report_recorder_stats *out)
{
	pthread_mutex_lock(&r->lock);
	*out = r->stats;
	out->waiting = r->count;
	pthread_mutex_unlock(&r->lock);
}

void
report_recorder_free(struct report_recorder **rp, struct report_recorder_stats *final_r)
{
	struct report_recorder *r = rp != NULL ? *rp : NULL;

	if (r == NULL)
		return;
	*rp = NULL;
	pthread_mutex_lock(&r->lock);
	r->stopping = 1;	/* the writer makes one last try at the store */
	pthread_cond_signal(&r->wake);
	pthread_mutex_unlock(&r->lock);
	pthread_join(r->writer, NULL);
	log_drops(r, NULL, 1);
	if (final_r != NULL)
		*final_r = r->stats;
	report_store_close(&r->store);
	pthread_mutex_destroy(&r->lock);
	pthread_cond_destroy(&r->wake);
	free(r->ring);
	free(r->uri);
	free(r);
}
