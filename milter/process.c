/*
 * process - start-up and shutdown chores of the daemon (see process.h).
 *
 * Thread-safety: main thread, before worker threads exist (daemonize,
 * privileges) or after they stopped (PID file removal).
 */
#include "process.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

int
process_daemonize(char *error, size_t size)
{
	pid_t pid = fork();
	int fd;

	if (pid < 0) {
		snprintf(error, size, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid > 0)
		_exit(0);
	if (setsid() < 0) {
		snprintf(error, size, "setsid: %s", strerror(errno));
		return -1;
	}
	if ((pid = fork()) < 0) {
		snprintf(error, size, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid > 0)
		_exit(0);
	if (chdir("/") < 0) {
		snprintf(error, size, "chdir /: %s", strerror(errno));
		return -1;
	}
	if ((fd = open("/dev/null", O_RDWR)) < 0) {
		snprintf(error, size, "/dev/null: %s", strerror(errno));
		return -1;
	}
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
	return 0;
}

int
process_write_pidfile(const char *path, char *error, size_t size)
{
	FILE *f;

	if (path == NULL || path[0] == '\0')
		return 0;
	if ((f = fopen(path, "w")) == NULL) {
		snprintf(error, size, "%s: %s", path, strerror(errno));
		return -1;
	}
	fprintf(f, "%ld\n", (long)getpid());
	if (fclose(f) != 0) {
		snprintf(error, size, "%s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

int
process_remove_pidfile(const char *path, char *error, size_t size)
{
	if (path == NULL || path[0] == '\0' || unlink(path) == 0 || errno == ENOENT)
		return 0;
	snprintf(error, size, "cannot remove %s: %s (put PidFile in a directory UserID"
		 " may write)", path, strerror(errno));
	return -1;
}

const char *
process_socket_path(const char *spec)
{
	if (strncmp(spec, "unix:", 5) == 0)
		return spec + 5;
	if (strncmp(spec, "local:", 6) == 0)
		return spec + 6;
	return NULL;
}

int
process_prepare_socket_dir(const char *spec, char *error, size_t size)
{
	const char *path = process_socket_path(spec);
	char dir[256];
	char *slash;

	if (path == NULL)
		return 0;
	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) == NULL || slash == dir)
		return 0;
	*slash = '\0';
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		snprintf(error, size, "cannot create socket directory %s: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* group_lookup - numeric gid for a name or number */
static int
group_lookup(const char *name, gid_t *gid)
{
	struct group gr, *res = NULL;
	char buf[4096];
	char *end;
	long n = strtol(name, &end, 10);

	if (*name != '\0' && *end == '\0' && n >= 0) {
		*gid = (gid_t)n;
		return 0;
	}
	if (getgrnam_r(name, &gr, buf, sizeof(buf), &res) != 0 || res == NULL)
		return -1;
	*gid = gr.gr_gid;
	return 0;
}

int
process_socket_permissions(const char *spec, unsigned mode, const char *group,
			   char *error, size_t size)
{
	const char *path = process_socket_path(spec);
	gid_t gid;

	if (path == NULL)
		return 0;
	if (group != NULL && group[0] != '\0') {
		if (group_lookup(group, &gid) < 0) {
			snprintf(error, size, "SocketGroup: no group \"%s\"", group);
			return -1;
		}
		if (chown(path, (uid_t)-1, gid) < 0) {
			snprintf(error, size, "chgrp %s %s: %s", group, path, strerror(errno));
			return -1;
		}
	}
	if (chmod(path, (mode_t)mode) < 0) {
		snprintf(error, size, "chmod %o %s: %s", mode, path, strerror(errno));
		return -1;
	}
	return 0;
}

/* a UserID resolved: the passwd entry (its strings in buf), user name, group */
struct user_id {
	struct passwd pw;
	gid_t gid;
	char name[256];
	char buf[4096];
};

/*
 * user_lookup - resolve "user" or "user:group" into u: 0, 1 for an empty
 * spec (stay as started), or -1 with why.
 */
static int
user_lookup(const char *spec, struct user_id *u, char *error, size_t size)
{
	struct passwd *res = NULL;
	const char *colon;

	if (spec == NULL || spec[0] == '\0')
		return 1;
	colon = strchr(spec, ':');
	snprintf(u->name, sizeof(u->name), "%s", spec);
	if (colon != NULL && (size_t)(colon - spec) < sizeof(u->name))
		u->name[colon - spec] = '\0';
	if (getpwnam_r(u->name, &u->pw, u->buf, sizeof(u->buf), &res) != 0 || res == NULL) {
		snprintf(error, size, "UserID: no user \"%s\"", u->name);
		return -1;
	}
	u->gid = u->pw.pw_gid;
	if (colon != NULL && group_lookup(colon + 1, &u->gid) < 0) {
		snprintf(error, size, "UserID: no group \"%s\"", colon + 1);
		return -1;
	}
	return 0;
}

int
process_check_user(const char *spec, char *error, size_t size)
{
	struct user_id u;

	return user_lookup(spec, &u, error, size) < 0 ? -1 : 0;
}

int
process_check_group(const char *group, char *error, size_t size)
{
	gid_t gid;

	if (group == NULL || group[0] == '\0' || group_lookup(group, &gid) == 0)
		return 0;
	snprintf(error, size, "SocketGroup: no group \"%s\"", group);
	return -1;
}

int
process_drop_privileges(const char *spec, char *error, size_t size)
{
	struct user_id u;
	int rc = user_lookup(spec, &u, error, size);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	if (getuid() == u.pw.pw_uid && getgid() == u.gid)
		return 0;
	if (initgroups(u.name, u.gid) < 0 || setgid(u.gid) < 0 || setuid(u.pw.pw_uid) < 0) {
		snprintf(error, size, "cannot become %s: %s", spec, strerror(errno));
		return -1;
	}
	if (u.pw.pw_uid != 0 && setuid(0) == 0) {
		snprintf(error, size, "dropped privileges to %s but could regain root", spec);
		return -1;
	}
	return 0;
}

int
process_raise_fd_limit(rlim_t *limit_r, char *error, size_t size)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0) {
		snprintf(error, size, "getrlimit RLIMIT_NOFILE: %s", strerror(errno));
		return -1;
	}
	if (rl.rlim_cur != rl.rlim_max) {
		rlim_t was = rl.rlim_cur;

		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
			snprintf(error, size, "cannot raise the open-file limit from %llu to %llu: %s",
				 (unsigned long long)was, (unsigned long long)rl.rlim_max,
				 strerror(errno));
			*limit_r = was;
			return -1;
		}
	}
	*limit_r = rl.rlim_cur;
	return 0;
}
