/*
 * process - the daemon's life as a Unix process: detaching, the PID
 * file, the unix socket's directory and permissions, the open-file limit,
 * dropping privileges.
 * Every function returns 0, or -1 with a reason written to error.
 *
 * Thread-safety: called by the main thread during start-up and shutdown
 * only (fork and setuid are process-wide).
 */
#ifndef DMARCGUARD_PROCESS_H
#define DMARCGUARD_PROCESS_H

#include <stddef.h>
#include <sys/resource.h>

/* process_daemonize - fork, setsid, chdir /, stdio to /dev/null */
int process_daemonize(char *error, size_t size);

/* process_write_pidfile - write our pid to path (empty path: nothing) */
int process_write_pidfile(const char *path, char *error, size_t size);
/* process_remove_pidfile - 0, or -1 with why (after dropping privileges) */
int process_remove_pidfile(const char *path, char *error, size_t size);

/* process_socket_path - the file of a unix:/local: socket spec, or NULL */
const char *process_socket_path(const char *socket_spec);

/* process_prepare_socket_dir - create the unix socket's directory if missing */
int process_prepare_socket_dir(const char *socket_spec, char *error, size_t size);

/* process_socket_permissions - chmod and chgrp a unix socket after it exists */
int process_socket_permissions(const char *socket_spec, unsigned mode,
			       const char *group, char *error, size_t size);

/* process_check_user - does UserID's user (and group) exist? (empty: yes) */
int process_check_user(const char *user, char *error, size_t size);
/* process_check_group - does SocketGroup's group, a name or number, exist? (empty: yes) */
int process_check_group(const char *group, char *error, size_t size);

/*
 * process_raise_fd_limit - raise the soft RLIMIT_NOFILE to the hard one
 * (idle MTA connections each hold a descriptor; systemd's soft default is
 * 1024). *limit_r is the soft limit in force afterwards, also on failure.
 */
int process_raise_fd_limit(rlim_t *limit_r, char *error, size_t size);

/*
 * process_drop_privileges - become "user" or "user:group" (empty: stay).
 * Refuses to run as root when asked to become another user and that fails.
 */
int process_drop_privileges(const char *user, char *error, size_t size);

#endif
