/*
 * admission - connection limit, drain flag and in-flight counts (see
 * admission.h).
 *
 * Thread-safety: `limit` is written once before libmilter's threads
 * exist; the counters and flags are atomics, updated from libmilter's
 * worker threads.
 */
#include "admission.h"
#include "log.h"

#include <stdatomic.h>
#include <time.h>

#define REFUSAL_LOG_SECONDS 10

static unsigned limit;
static int polite_refusals;	/* at most this many refusals with 451 open at once */
static atomic_int connections;
static atomic_int refusals_open;	/* polite refusals still connected */
static atomic_int messages;
static atomic_int verdicts;
static atomic_bool draining;
static atomic_bool near_limit_logged;
static atomic_long refused_unlogged;
static atomic_llong refusal_logged_at;

unsigned
admission_limit(unsigned configured, rlim_t fd_limit, int *lowered_r)
{
	rlim_t fds = fd_limit == RLIM_INFINITY || fd_limit > (1u << 30) ? (1u << 30) : fd_limit;
	/* the most connections that still leave the reserve free */
	rlim_t most = fds > 2 * ADMISSION_FD_RESERVE ? fds - ADMISSION_FD_RESERVE : fds / 2;

	*lowered_r = 0;
	if (most < 1)
		most = 1;
	if (configured == 0)
		return fds / 2 > 0 ? (unsigned)(fds / 2) : 1;
	if ((rlim_t)configured > most) {
		*lowered_r = 1;
		return (unsigned)most;
	}
	return configured;
}

void
admission_init(unsigned max_connections, rlim_t fd_limit)
{
	rlim_t spare = fd_limit > max_connections ? (fd_limit - max_connections) / 4 : 0;

	limit = max_connections;
	polite_refusals = spare < ADMISSION_POLITE_REFUSALS ? (int)spare : ADMISSION_POLITE_REFUSALS;
}

/* log_refusal - one line per REFUSAL_LOG_SECONDS, with the refusals since */
static void
log_refusal(enum admission why)
{
	long long now = (long long)time(NULL), last = atomic_load(&refusal_logged_at);
	long count = atomic_fetch_add(&refused_unlogged, 1) + 1;

	if (now - last < REFUSAL_LOG_SECONDS
	    || !atomic_compare_exchange_strong(&refusal_logged_at, &last, now))
		return;
	count = atomic_exchange(&refused_unlogged, 0);
	if (why == ADMISSION_BUSY)
		log_msg(LOG_WARNING, "MaxConnections (%u) reached: refused %ld new MTA connection(s)"
			" (451 4.3.2 at connect, or closed past %d such refusals)", limit, count,
			polite_refusals);
	else
		log_msg(LOG_NOTICE, "stopping: refused %ld new MTA connection(s)", count);
}

/* refuse - a polite refusal while few are open, else close at once */
static enum admission
refuse(enum admission why)
{
	log_refusal(why);
	if (atomic_fetch_add(&refusals_open, 1) >= polite_refusals) {
		atomic_fetch_sub(&refusals_open, 1);
		return ADMISSION_CLOSE;
	}
	return why;
}

enum admission
admission_open(void)
{
	int n;

	if (atomic_load(&draining))
		return refuse(ADMISSION_STOPPING);
	n = atomic_fetch_add(&connections, 1) + 1;
	if ((unsigned)n > limit) {
		atomic_fetch_sub(&connections, 1);
		return refuse(ADMISSION_BUSY);
	}
	if ((unsigned long)n * 10 >= (unsigned long)limit * 9
	    && !atomic_exchange(&near_limit_logged, 1))
		log_msg(LOG_WARNING, "%d MTA connections open, 90 %% of MaxConnections (%u);"
			" beyond it new ones are refused with 451 4.3.2", n, limit);
	return ADMISSION_ADMITTED;
}

void
admission_close(enum admission admission)
{
	int n;

	if (admission == ADMISSION_CLOSE)
		return;
	if (admission != ADMISSION_ADMITTED) {
		atomic_fetch_sub(&refusals_open, 1);
		return;
	}
	n = atomic_fetch_sub(&connections, 1) - 1;
	if ((unsigned long)n * 10 < (unsigned long)limit * 8)
		atomic_store(&near_limit_logged, 0);
}

void
admission_message_begin(void)
{
	atomic_fetch_add(&messages, 1);
}

void
admission_message_end(void)
{
	atomic_fetch_sub(&messages, 1);
}

void
admission_verdict_begin(void)
{
	atomic_fetch_add(&verdicts, 1);
}

void
admission_verdict_end(void)
{
	atomic_fetch_sub(&verdicts, 1);
}

void
admission_drain(void)
{
	atomic_store(&draining, 1);
}

int
admission_connections(void)
{
	return atomic_load(&connections);
}

int
admission_messages(void)
{
	return atomic_load(&messages);
}

int
admission_verdicts(void)
{
	return atomic_load(&verdicts);
}
