/*
 * preflight - start-up checks that change nothing (see preflight.h).
 *
 * Thread-safety: reentrant; no thread is started.
 */
#include "preflight.h"
#include "process.h"

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

/* check_dir - dir exists and is a directory; key names the setting in the error */
static int
check_dir(const char *key, const char *dir, char *error, size_t size)
{
	struct stat st;

	if (stat(dir, &st) < 0) {
		snprintf(error, size, "%s: directory %s: %s", key, dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(error, size, "%s: %s is not a directory", key, dir);
		return -1;
	}
	return 0;
}

/* parent_of - the directory part of path ("/" for "/x"); 0, or -1 if too long */
static int
parent_of(const char *path, char *out, size_t size)
{
	const char *slash = strrchr(path, '/');
	size_t n = slash == NULL || slash == path ? 1 : (size_t)(slash - path);

	if (n >= size)
		return -1;
	memcpy(out, slash == NULL ? "." : path, n);
	out[n] = '\0';
	if (slash == path)
		out[0] = '/';
	return 0;
}

/* check_unix_socket - the path is free or a socket; its directory exists or can be made */
static int
check_unix_socket(const char *spec, const char *path, char *error, size_t size)
{
	char dir[256], parent[256];
	struct stat st;

	if (lstat(path, &st) == 0) {
		if (S_ISSOCK(st.st_mode))
			return 0;
		/* the words start-up used when libmilter found the file in the way */
		snprintf(error, size, "cannot open socket %s: %s exists and is not a socket",
			 spec, path);
		return -1;
	}
	if (parent_of(path, dir, sizeof(dir)) < 0)
		return 0;	/* config_table refuses such lengths already */
	if (stat(dir, &st) == 0 || errno != ENOENT)
		return check_dir("Socket", dir, error, size);
	/* start-up creates the socket's directory, one level only */
	if (parent_of(dir, parent, sizeof(parent)) < 0 || check_dir("Socket", parent, error, size) < 0)
		return -1;
	return 0;
}

/* check_inet_socket - "inet:PORT@HOST": HOST resolves in the socket's family */
static int
check_inet_socket(const char *spec, char *error, size_t size)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL;
	const char *at = strchr(spec, '@');
	int rc;

	if (at == NULL)
		return 0;	/* every address */
	hints.ai_family = strncmp(spec, "inet6:", 6) == 0 ? AF_INET6 : AF_INET;
	if ((rc = getaddrinfo(at + 1, NULL, &hints, &res)) != 0) {
		snprintf(error, size, "Socket: host %s: %s", at + 1, gai_strerror(rc));
		return -1;
	}
	freeaddrinfo(res);
	return 0;
}

/* check_pid_file - the directory exists; a file already there is a regular file */
static int
check_pid_file(const char *path, char *error, size_t size)
{
	char dir[512];
	struct stat st;

	if (path == NULL || path[0] == '\0')
		return 0;
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		snprintf(error, size, "PidFile: %s exists and is not a regular file", path);
		return -1;
	}
	if (parent_of(path, dir, sizeof(dir)) < 0) {
		snprintf(error, size, "PidFile: path too long");
		return -1;
	}
	return check_dir("PidFile", dir, error, size);
}

int
preflight_check(const struct config *c, char *error, size_t size)
{
	const char *unix_path = process_socket_path(c->socket);

	if (process_check_user(c->user, error, size) < 0)
		return -1;
	if (unix_path != NULL) {
		if (process_check_group(c->socket_group, error, size) < 0
		    || check_unix_socket(c->socket, unix_path, error, size) < 0)
			return -1;
	} else if (check_inet_socket(c->socket, error, size) < 0) {
		return -1;
	}
	return check_pid_file(c->pid_file, error, size);
}
