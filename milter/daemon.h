/*
 * daemon - run dmarcguard as a milter daemon until told to stop.
 *
 * Signals: SIGTERM and SIGINT stop it at once (libmilter's own signal
 * thread); SIGQUIT stops it gracefully, giving messages in flight up to
 * DAEMON_DRAIN_SECONDS (see shutdown.h for both). SIGUSR1 reloads the
 * configuration file: a bad file is logged with file:line and the running
 * configuration stays. SIGHUP is ignored, because libmilter would
 * otherwise stop the filter on it (see "Signals" in the README).
 *
 * Start-up: a unix socket another process answers on is refused
 * (socket_claim.h); the open-file limit is raised to its hard limit and
 * MaxConnections set below it (admission.h).
 *
 * Thread-safety: main thread only.
 */
#ifndef DMARCGUARD_DAEMON_H
#define DMARCGUARD_DAEMON_H

#include "config.h"

#define DAEMON_DRAIN_SECONDS 30		/* SIGQUIT: messages in flight */
#define DAEMON_VERDICT_SECONDS 5	/* after libmilter stopped: verdicts being sent */

/* daemon_run - takes over the config reference; returns the exit status */
int daemon_run(const char *config_path, struct config *config, int foreground);

#endif
