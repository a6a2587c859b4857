/*
 * admission - which new MTA connections the daemon serves, and how many
 * messages are in flight.
 *
 * A connection is admitted at its first callback (option negotiation)
 * unless MaxConnections are already open or the daemon is draining for a
 * graceful stop. A refused connection is answered "451 4.3.2" at connect
 * (filter.c) and so costs its MTA one round trip, never a timeout; but
 * it stays open as long as the MTA keeps it (Postfix: the SMTP session),
 * so while a few such connections are open (ADMISSION_POLITE_REFUSALS, or
 * a quarter of the descriptors above the limit if fewer), further
 * ones are closed at once at negotiation instead (the MTA then applies
 * its milter_default_action, a tempfail with Postfix's default). The
 * limit sits below the open-file limit (see admission_limit) so that the
 * descriptors libmilter needs to accept and refuse, and those of DNS
 * queries, stay free: at the open-file limit itself libmilter's accept
 * loop retries EMFILE forever and every session waits. A peer that
 * connects and never negotiates is not counted (docs/limits.md).
 *
 * Logging: a warning when admitted connections pass 90 % of the limit
 * (again after they fell below 80 %), and at most one line per 10 s while
 * connections are refused, with how many.
 *
 * Thread-safety: admission_init and admission_limit on the main thread
 * before libmilter starts; everything else from any thread (atomics).
 */
#ifndef DMARCGUARD_ADMISSION_H
#define DMARCGUARD_ADMISSION_H

#include <sys/resource.h>

/*
 * admission_limit - MaxConnections as configured (0: automatic) against
 * the open-file limit fd_limit: the automatic value is half of fd_limit;
 * a configured value that leaves fewer than ADMISSION_FD_RESERVE
 * descriptors free is lowered to fd_limit - ADMISSION_FD_RESERVE, and
 * *lowered_r says so.
 */
#define ADMISSION_FD_RESERVE 64
#define ADMISSION_POLITE_REFUSALS 32
unsigned admission_limit(unsigned configured, rlim_t fd_limit, int *lowered_r);

/* admission_init - the connection limit in force and the open-file limit (before libmilter starts) */
void admission_init(unsigned max_connections, rlim_t fd_limit);

enum admission {
	ADMISSION_ADMITTED,	/* counted until admission_close */
	ADMISSION_BUSY,		/* MaxConnections are open */
	ADMISSION_STOPPING,	/* a graceful stop is under way */
	ADMISSION_CLOSE,	/* refused, and too many refusals open: close now */
};

/* admission_open - a new connection: admitted, or why and how it is refused */
enum admission admission_open(void);
/* admission_close - a connection ends, with what admission_open said of it */
void admission_close(enum admission admission);

/* admission_message_begin/end - bracket one message (MAIL to its end) */
void admission_message_begin(void);
void admission_message_end(void);

/* admission_verdict_begin/end - bracket an end-of-message callback */
void admission_verdict_begin(void);
void admission_verdict_end(void);

/* admission_drain - refuse every new connection from now on */
void admission_drain(void);

int admission_connections(void);
int admission_messages(void);
int admission_verdicts(void);

#endif
