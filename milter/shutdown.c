/*
 * shutdown - graceful and immediate stop (see shutdown.h).
 *
 * Thread-safety: one atomic flag of its own, set by the main thread and
 * read by the signal thread's drain; the counts are admission.c's atomics.
 */
#include "shutdown.h"
#include "admission.h"
#include "log.h"

#include <libmilter/mfapi.h>
#include <stdatomic.h>
#include <time.h>
#include <unistd.h>

#define QUIET_MS 500

static atomic_bool libmilter_stopped;

/*
 * wait_for - poll count() every 100 ms until it has been 0 for quiet_ms
 * or seconds have passed; the count left. The quiet time covers commands
 * already sent but not yet read: a MAIL in the socket buffer makes a
 * message in flight only once libmilter has handed it to us.
 */
static int
wait_for(int (*count)(void), unsigned seconds, long quiet_ms)
{
	struct timespec start, now;
	long zero_since = -1;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		int n = count();
		long ms;

		clock_gettime(CLOCK_MONOTONIC, &now);
		ms = (long)(now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
		if (n != 0)
			zero_since = -1;
		else if (zero_since < 0)
			zero_since = ms;
		if ((n == 0 && ms - zero_since >= quiet_ms) || ms >= (long)seconds * 1000
		    || (quiet_ms > 0 && atomic_load(&libmilter_stopped)))
			return n;
		usleep(100 * 1000);
	}
}

void
shutdown_drain(unsigned seconds)
{
	int left;

	admission_drain();
	log_msg(LOG_NOTICE, "stopping on SIGQUIT: new connections get 451 4.3.2; waiting up to"
		" %u s for %d message(s) in flight", seconds, admission_messages());
	if ((left = wait_for(admission_messages, seconds, QUIET_MS)) > 0)
		log_msg(LOG_WARNING, "stopping with %d message(s) still in flight; the MTA"
			" applies its milter_default_action to them", left);
	smfi_stop();
}

void
shutdown_wait_verdicts(unsigned seconds)
{
	/* a SIGTERM during a drain: nothing more will be read, stop draining */
	atomic_store(&libmilter_stopped, 1);
	int left = wait_for(admission_verdicts, seconds, 0);

	if (left > 0)
		log_msg(LOG_WARNING, "stopping with %d verdict(s) still being computed", left);
}
