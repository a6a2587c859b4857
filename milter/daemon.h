/*
 * daemon - run dmarcguard as a milter daemon until told to stop.
 *
 * Signals: SIGTERM and SIGINT stop it (libmilter's own signal thread);
 * in-flight messages are given up to DAEMON_DRAIN_SECONDS to finish.
 * SIGUSR1 reloads the configuration file: a bad file is logged with
 * file:line and the running configuration stays. SIGHUP is ignored,
 * because libmilter would otherwise stop the filter on it (see
 * docs/operations in the README).
 *
 * Thread-safety: main thread only.
 */
#ifndef DMARCGUARD_DAEMON_H
#define DMARCGUARD_DAEMON_H

#include "config.h"

#define DAEMON_DRAIN_SECONDS 30

/* daemon_run - takes over the config reference; returns the exit status */
int daemon_run(const char *config_path, struct config *config, int foreground);

#endif
