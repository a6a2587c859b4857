/*
 * resolver - libunbound behind a cache, with merged in-flight look-ups and
 * per-look-up deadlines (see resolver.h for the contract).
 *
 * Threads: callers block on a condition variable of the in-flight entry
 * they wait for; one poller thread runs ub_process(), whose callback
 * completes the entry, fills the cache and wakes the waiters. No libunbound
 * function is called while our lock is held, so the lock order is never in
 * question.
 *
 * Thread-safety: all shared state is under `lock`; statistics are atomic.
 */
#include "resolver.h"
#include "dns_name.h"
#include "resolver_upstream.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <unbound.h>

struct inflight {
	struct inflight *next;
	struct resolver *resolver;
	pthread_cond_t done_cond;
	int waiters;
	int done;
	struct dns_answer *answer;
	uint16_t type;
	char name[DNS_NAME_BUFSIZE];
};

struct resolver {
	struct ub_ctx *ub;
	pthread_t poller;
	int wake[2];			/* written once to stop the poller */
	pthread_mutex_t lock;
	struct dns_cache *cache;	/* under lock */
	struct inflight *inflight;	/* under lock */
	unsigned timeout_ms;
	struct dns_cache_limits limits;
	atomic_uint_fast64_t lookups, cache_hits, merged, upstream, timeouts;
	atomic_uint_fast64_t by_status[4];	/* answers returned, by dns_status */
	atomic_uint_fast64_t in_flight;		/* look-ups not yet returned */
};

void
resolver_settings_init(struct resolver_settings *s)
{
	memset(s, 0, sizeof(*s));
	s->timeout_ms = 3000;
	s->cache_entries = 20000;
	s->cache_limits.max_ttl = 3600;
	s->cache_limits.max_negative_ttl = 900;
	s->cache_limits.tempfail_ttl = 2;
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int
resolver_check_nameservers(const char *list, const char **error_r)
{
	return resolver_upstream_check(list, error_r);
}

static void *
poller_main(void *arg)
{
	struct resolver *r = arg;
	struct pollfd fds[2] = {
		{ .fd = ub_fd(r->ub), .events = POLLIN },
		{ .fd = r->wake[0], .events = POLLIN },
	};

	for (;;) {
		if (poll(fds, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (fds[1].revents != 0)
			break;
		if (fds[0].revents != 0)
			ub_process(r->ub);
	}
	return NULL;
}

struct resolver *
resolver_new(const struct resolver_settings *s, const char **error_r)
{
	struct resolver *r = calloc(1, sizeof(*r));
	int err;

	if (r == NULL) {
		*error_r = "out of memory";
		return NULL;
	}
	r->wake[0] = r->wake[1] = -1;
	r->timeout_ms = s->timeout_ms ? s->timeout_ms : 3000;
	r->limits = s->cache_limits;
	pthread_mutex_init(&r->lock, NULL);
	if ((r->cache = dns_cache_new(s->cache_entries)) == NULL
	    || (r->ub = ub_ctx_create()) == NULL) {
		*error_r = "out of memory";
		goto fail;
	}
	if ((err = ub_ctx_async(r->ub, 1)) != 0) {
		*error_r = ub_strerror(err);
		goto fail;
	}
	if (resolver_upstream_configure(r->ub, s, error_r) < 0)
		goto fail;
	if (pipe2(r->wake, O_CLOEXEC) < 0) {
		*error_r = "cannot create the resolver's wake-up pipe";
		goto fail;
	}
	if (pthread_create(&r->poller, NULL, poller_main, r) != 0) {
		*error_r = "cannot start the resolver thread";
		goto fail;
	}
	return r;
fail:
	if (r->wake[0] >= 0) {
		close(r->wake[0]);
		close(r->wake[1]);
	}
	if (r->ub)
		ub_ctx_delete(r->ub);
	dns_cache_free(&r->cache);
	pthread_mutex_destroy(&r->lock);
	free(r);
	return NULL;
}

static void
inflight_free(struct inflight *e)
{
	pthread_cond_destroy(&e->done_cond);
	dns_answer_unref(&e->answer);
	free(e);
}

void
resolver_free(struct resolver **rp)
{
	struct resolver *r = *rp;

	if (r == NULL)
		return;
	*rp = NULL;
	(void)!write(r->wake[1], "x", 1);
	pthread_join(r->poller, NULL);
	ub_ctx_delete(r->ub);	/* drops queries still out; no callbacks after */
	close(r->wake[0]);
	close(r->wake[1]);
	while (r->inflight != NULL) {
		struct inflight *e = r->inflight;

		r->inflight = e->next;
		inflight_free(e);
	}
	dns_cache_free(&r->cache);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

/* inflight_complete - under lock: publish the answer and wake waiters */
static void
inflight_complete(struct resolver *r, struct inflight *e, struct dns_answer *answer)
{
	uint64_t now = now_ms();
	struct inflight **pp;

	for (pp = &r->inflight; *pp != NULL; pp = &(*pp)->next) {
		if (*pp == e) {
			*pp = e->next;
			break;
		}
	}
	e->answer = answer;
	e->done = 1;
	dns_cache_put(r->cache, e->name, e->type, answer, now,
		      now + 1000ULL * dns_cache_lifetime(answer, &r->limits));
	if (e->waiters == 0)
		inflight_free(e);
	else
		pthread_cond_broadcast(&e->done_cond);
}

/* on_result - libunbound callback, run by the poller inside ub_process */
static void
on_result(void *arg, int err, struct ub_result *result)
{
	struct inflight *e = arg;
	struct resolver *r = e->resolver;
	struct dns_answer *answer;

	if (err != 0 || result == NULL)
		answer = dns_answer_tempfail(e->type, "resolver-error");
	else if (result->bogus)
		answer = dns_answer_tempfail(e->type, "dnssec-bogus");
	else if (result->answer_packet != NULL && result->answer_len > 0)
		answer = dns_answer_from_wire(result->answer_packet,
					      (size_t)result->answer_len, e->type);
	else
		answer = dns_answer_tempfail(e->type, "no-reply");
	if (result != NULL)
		ub_resolve_free(result);
	if (answer == NULL)
		answer = dns_answer_oom();
	pthread_mutex_lock(&r->lock);
	inflight_complete(r, e, answer);
	pthread_mutex_unlock(&r->lock);
}

static struct inflight *
inflight_find(struct resolver *r, const char *name, uint16_t type)
{
	for (struct inflight *e = r->inflight; e != NULL; e = e->next)
		if (e->type == type && strcmp(e->name, name) == 0)
			return e;
	return NULL;
}

static struct inflight *
inflight_new(struct resolver *r, const char *name, uint16_t type)
{
	struct inflight *e = calloc(1, sizeof(*e));
	pthread_condattr_t attr;

	if (e == NULL)
		return NULL;
	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&e->done_cond, &attr);
	pthread_condattr_destroy(&attr);
	e->resolver = r;
	e->type = type;
	snprintf(e->name, sizeof(e->name), "%s", name);
	e->next = r->inflight;
	r->inflight = e;
	return e;
}

/* lookup - resolver_lookup without the per-result statistics */
static struct dns_answer *
lookup(struct resolver *r, const char *qname, uint16_t type, unsigned timeout_ms)
{
	char name[DNS_NAME_BUFSIZE];
	const char *error;
	struct dns_answer *answer;
	struct inflight *e;
	struct timespec deadline;
	int submit = 0;

	atomic_fetch_add(&r->lookups, 1);
	if (dns_name_normalize_query(qname, name, sizeof(name), &error) < 0) {
		answer = dns_answer_negative(type, DNS_STATUS_NXDOMAIN, 0);
		return answer ? answer : dns_answer_oom();
	}
	if (!dns_answer_type_supported(type))
		return dns_answer_tempfail(type, "unsupported-type");
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	timeout_ms = timeout_ms ? timeout_ms : r->timeout_ms;
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (deadline.tv_nsec >= 1000000000L) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000L;
	}

	pthread_mutex_lock(&r->lock);
	if ((answer = dns_cache_get(r->cache, name, type, now_ms())) != NULL) {
		pthread_mutex_unlock(&r->lock);
		atomic_fetch_add(&r->cache_hits, 1);
		return answer;
	}
	if ((e = inflight_find(r, name, type)) != NULL) {
		atomic_fetch_add(&r->merged, 1);
	} else if ((e = inflight_new(r, name, type)) != NULL) {
		submit = 1;
	} else {
		pthread_mutex_unlock(&r->lock);
		return dns_answer_oom();
	}
	e->waiters++;
	pthread_mutex_unlock(&r->lock);

	if (submit) {
		atomic_fetch_add(&r->upstream, 1);
		if (ub_resolve_async(r->ub, name, type, 1, e, on_result, NULL) != 0) {
			struct dns_answer *fail = dns_answer_tempfail(type, "resolver-error");

			pthread_mutex_lock(&r->lock);
			inflight_complete(r, e, fail ? fail : dns_answer_oom());
			pthread_mutex_unlock(&r->lock);
		}
	}

	pthread_mutex_lock(&r->lock);
	while (!e->done) {
		if (pthread_cond_timedwait(&e->done_cond, &r->lock, &deadline) == ETIMEDOUT)
			break;
	}
	if (e->done) {
		answer = dns_answer_ref(e->answer);
	} else {
		atomic_fetch_add(&r->timeouts, 1);
		answer = dns_answer_tempfail(type, "timeout");
		if (answer == NULL)
			answer = dns_answer_oom();
	}
	/* The last waiter frees a completed entry; an open one stays linked
	 * for the poller to complete and free. */
	if (--e->waiters == 0 && e->done)
		inflight_free(e);
	pthread_mutex_unlock(&r->lock);
	return answer;
}

struct dns_answer *
resolver_lookup(struct resolver *r, const char *qname, uint16_t type,
		unsigned timeout_ms)
{
	struct dns_answer *answer;

	atomic_fetch_add_explicit(&r->in_flight, 1, memory_order_relaxed);
	answer = lookup(r, qname, type, timeout_ms);
	atomic_fetch_sub_explicit(&r->in_flight, 1, memory_order_relaxed);
	if (answer == NULL)	/* the unsupported-type answer could not be made */
		answer = dns_answer_oom();
	if ((unsigned)answer->status < 4)
		atomic_fetch_add_explicit(&r->by_status[answer->status], 1, memory_order_relaxed);
	return answer;
}

void
resolver_get_stats(struct resolver *r, struct resolver_stats *st)
{
	st->lookups = atomic_load(&r->lookups);
	st->cache_hits = atomic_load(&r->cache_hits);
	st->merged = atomic_load(&r->merged);
	st->upstream = atomic_load(&r->upstream);
	st->timeouts = atomic_load(&r->timeouts);
	for (size_t i = 0; i < 4; i++)
		st->by_status[i] = atomic_load(&r->by_status[i]);
	st->in_flight = atomic_load(&r->in_flight);
}
