/*
 * socket_claim - refuse a live unix socket, remove only our own (see
 * socket_claim.h).
 *
 * Thread-safety: main thread only; no state but the caller's claim.
 */
#include "socket_claim.h"
#include "process.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

int
socket_claim_check(const char *spec, char *error, size_t size)
{
	const char *path = process_socket_path(spec);
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct stat st;
	int fd, rc, saved;

	if (path == NULL || lstat(path, &st) < 0 || !S_ISSOCK(st.st_mode))
		return 0;
	if (strlen(path) >= sizeof(sun.sun_path))
		return 0;	/* libmilter refuses the name with its own reason */
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) < 0) {
		snprintf(error, size, "cannot probe socket %s: %s", spec, strerror(errno));
		return -1;
	}
	/* Non-blocking: a listener with a full backlog answers EAGAIN, and
	 * that is a live daemon too, not a stale file. */
	rc = connect(fd, (struct sockaddr *)&sun, sizeof(sun));
	saved = errno;
	close(fd);
	if (rc == 0 || saved == EAGAIN || saved == EINPROGRESS) {
		snprintf(error, size, "socket %s is in use: another process (a running dmarcguard?)"
			 " accepts connections on it; stop that one first, or choose another Socket",
			 spec);
		return -1;
	}
	if (saved == ECONNREFUSED || saved == ENOENT)
		return 0;	/* stale: nobody listens any more */
	snprintf(error, size, "cannot tell whether socket %s is in use: %s", spec,
		 strerror(saved));
	return -1;
}

void
socket_claim_remember(const char *spec, struct socket_claim *claim)
{
	const char *path = process_socket_path(spec);
	struct stat st;

	claim->valid = path != NULL && lstat(path, &st) == 0 && S_ISSOCK(st.st_mode);
	if (claim->valid) {
		claim->dev = st.st_dev;
		claim->ino = st.st_ino;
	}
}

int
socket_claim_release(const char *spec, const struct socket_claim *claim, char *error,
		     size_t size)
{
	const char *path = process_socket_path(spec);
	struct stat st;

	if (path == NULL || !claim->valid || lstat(path, &st) < 0)
		return 0;
	if (st.st_dev != claim->dev || st.st_ino != claim->ino)
		return 0;	/* not ours any more: leave it to its owner */
	if (unlink(path) < 0 && errno != ENOENT) {
		snprintf(error, size, "cannot remove socket %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}
