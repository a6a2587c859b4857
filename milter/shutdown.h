/*
 * shutdown - how the daemon stops (README "Signals" says the same).
 *
 * SIGTERM and SIGINT belong to libmilter's own signal thread: it stops at
 * once. From that moment libmilter reads nothing more from any
 * connection (its worker pool drops sessions waiting for their next
 * command) and smfi_main returns within its 5 s check; a message whose
 * end had not been read gets no verdict, and the connection closes when
 * the process exits. The MTA then applies milter_default_action (Postfix
 * with "tempfail" answers 4xx and the client retries: nothing is lost).
 *
 * SIGQUIT is ours (systemd's KillSignal): a graceful stop. New MTA
 * connections are answered "451 4.3.2" at connect, messages in flight
 * get their verdicts until none has been left for half a second or the
 * drain time has passed, and only then is libmilter stopped. A message
 * an open connection begins after that gets no verdict (as with SIGTERM).
 *
 * Either way, once smfi_main has returned, a verdict still being
 * computed is given a few seconds to be sent before the process exits.
 *
 * Thread-safety: shutdown_drain runs on the daemon's signal thread,
 * shutdown_wait_verdicts on the main thread; they share atomics only.
 */
#ifndef DMARCGUARD_SHUTDOWN_H
#define DMARCGUARD_SHUTDOWN_H

/* shutdown_drain - the graceful stop; returns once smfi_stop is called */
void shutdown_drain(unsigned seconds);

/*
 * shutdown_wait_verdicts - after smfi_main returned: end a drain still
 * under way (a SIGTERM came during it), and wait (at most seconds) for
 * end-of-message callbacks to return
 */
void shutdown_wait_verdicts(unsigned seconds);

#endif
