/*
 * preflight - what start-up checks before it changes anything, so that
 * `dmarcguard -n` says all that would stop the daemon from starting, not
 * only what the file's syntax allows:
 *
 *  - UserID's user (and group) and SocketGroup's group exist;
 *  - a unix Socket's path is free or holds a socket, and its directory
 *    exists or can be made (its parent exists); an inet Socket's host
 *    resolves in the socket's address family;
 *  - PidFile's directory exists, and the file, if there, is a regular file.
 *
 * The Public Suffix List and the look-alike names are not checked here:
 * config_load builds them (config_objects.h), so a snapshot that exists
 * has them loaded, and `-n` and start-up load the list once.
 *
 * What only the running system can tell (the socket is in use, another
 * user may not write the PID file's directory) is left to start-up.
 *
 * Thread-safety: reads the snapshot only; creates no thread, so it may run
 * before the daemon forks.
 */
#ifndef DMARCGUARD_PREFLIGHT_H
#define DMARCGUARD_PREFLIGHT_H

#include <stddef.h>

#include "config.h"

/* preflight_check - 0, or -1 with "Key: reason" written to error */
int preflight_check(const struct config *config, char *error, size_t size);

#endif
