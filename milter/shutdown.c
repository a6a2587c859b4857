/*
 * shutdown - graceful and immediate stop (see shutdown.h).
 *
 * Thread-safety: no state of its own; the counts are admission.c's atomics.
 */
#include "shutdown.h"
#include "admission.h"
#include "log.h"

#include <libmilter/mfapi.h>
#include <time.h>
#include <unistd.h>

/* wait_for - poll count() every 100 ms until it is 0 or seconds have passed */
static int
wait_for(int (*count)(void), unsigned seconds)
{
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		int n = count();

		clock_gettime(CLOCK_MONOTONIC, &now);
		if (n == 0 || now.tv_sec - start.tv_sec >= (time_t)seconds)
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
	if ((left = wait_for(admission_messages, seconds)) > 0)
		log_msg(LOG_WARNING, "stopping with %d message(s) still in flight after %u s;"
			" the MTA applies its milter_default_action to them", left, seconds);
	smfi_stop();
}

void
shutdown_wait_verdicts(unsigned seconds)
{
	int left = wait_for(admission_verdicts, seconds);

	if (left > 0)
		log_msg(LOG_WARNING, "stopping with %d verdict(s) still being computed", left);
}
