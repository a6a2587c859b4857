/*
 * sm_queue - Sendmail's queue directory as files (see sm_queue.h).
 *
 * Thread-safety: see sm_queue.h.
 */
#include "sm_queue.h"
#include "errbuf.h"
#include "mem.h"
#include "qf_parse.h"
#include "qid.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define PERMISSION_HINT " (permission problem: run as root, e.g. through sudo)"

/* errno_hint - advice for errno after a failed call */
static const char *
errno_hint(int err)
{
	return err == EACCES || err == EPERM ? PERMISSION_HINT : "";
}

/* is_dir - path names a directory */
static int
is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

/* option_value - the value of "O QueueDirectory=..." (or the old "OQ...") in line */
static const char *
option_value(char *line)
{
	static const char name[] = "O QueueDirectory";
	char *p, *end = line + strcspn(line, "\r\n");

	*end = '\0';
	if (strncmp(line, "OQ", 2) == 0)
		return line + 2;
	if (strncmp(line, name, sizeof(name) - 1) != 0)
		return NULL;
	p = line + sizeof(name) - 1;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p != '=')
		return NULL;
	for (p++; *p == ' ' || *p == '\t'; p++)
		;
	return p;
}

int
sm_queue_find(struct sm_queue *q, const char *cf, const char **error_r)
{
	FILE *f;
	char *line = NULL, dir[PATH_MAX] = "";
	size_t cap = 0;
	int groups = 0, n;

	if (cf == NULL)
		cf = SM_DEFAULT_CF;
	if ((f = fopen(cf, "r")) == NULL)
		return ERRBUF_SET(q->error, error_r, "cannot read Sendmail's configuration %s: %s%s", cf,
				 strerror(errno), errno_hint(errno));
	while (getline(&line, &cap, f) > 0) {
		const char *v = option_value(line);

		if (v != NULL)
			snprintf(dir, sizeof(dir), "%s", v);
		groups += line[0] == 'Q';
	}
	free(line);
	fclose(f);
	if (dir[0] == '\0')
		snprintf(dir, sizeof(dir), "/var/spool/mqueue");
	if (dir[0] != '/' || strchr(dir, '*') != NULL)
		return ERRBUF_SET(q->error, error_r, "%s: QueueDirectory=%s: only one absolute queue"
				 " directory is supported", cf, dir);
	if (groups > 0)
		return ERRBUF_SET(q->error, error_r, "%s defines queue groups (Q lines): only the"
				 " QueueDirectory queue is supported", cf);
	n = snprintf(q->control_dir, sizeof(q->control_dir), "%s/qf", dir);
	if (n < 0 || (size_t)n >= sizeof(q->control_dir))
		return ERRBUF_SET(q->error, error_r, "queue directory name too long");
	if (!is_dir(q->control_dir))
		snprintf(q->control_dir, sizeof(q->control_dir), "%s", dir);
	snprintf(q->data_dir, sizeof(q->data_dir), "%s/df", dir);
	if (!is_dir(q->data_dir))
		snprintf(q->data_dir, sizeof(q->data_dir), "%s", dir);
	return 0;
}

const char *
sm_queue_command(void)
{
	const char *path = getenv("PATH");
	char buf[PATH_MAX];

	for (const char *p = path; p != NULL && *p != '\0';) {
		size_t n = strcspn(p, ":");

		if (n > 0 && n + sizeof("/sendmail") <= sizeof(buf)) {
			memcpy(buf, p, n);
			memcpy(buf + n, "/sendmail", sizeof("/sendmail"));
			if (access(buf, X_OK) == 0)
				return "sendmail";
		}
		p += n + (p[n] == ':');
	}
	return "/usr/sbin/sendmail";
}

/* by_name - qsort order of strings */
static int
by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
sm_queue_held_ids(struct sm_queue *q, char ***ids_r, size_t *n_r, const char **error_r)
{
	DIR *d = opendir(q->control_dir);
	struct dirent *e;
	char **ids = NULL;
	size_t n = 0, cap = 0;
	const char *why;

	if (d == NULL)
		return ERRBUF_SET(q->error, error_r, "cannot read Sendmail's queue directory %s: %s%s",
				 q->control_dir, strerror(errno), errno_hint(errno));
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, "hf", 2) != 0 || qid_check(QID_SENDMAIL, e->d_name + 2, &why) < 0)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			ids = xrealloc(ids, cap * sizeof(*ids));
		}
		ids[n++] = xstrdup(e->d_name + 2);
	}
	closedir(d);
	if (n > 0)
		qsort(ids, n, sizeof(*ids), by_name);
	*ids_r = ids;
	*n_r = n;
	return 0;
}

void
sm_queue_ids_free(char **ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

/* file_name - DIR/PREFIXqid into buf */
static const char *
file_name(char *buf, size_t size, const char *dir, const char *prefix, const char *qid)
{
	snprintf(buf, size, "%s/%s%s", dir, prefix, qid);
	return buf;
}

int
sm_queue_read(struct sm_queue *q, const char *qid, char **text_r, size_t *len_r,
	      time_t *mtime_r, unsigned long long *size_r, const char **error_r)
{
	char path[PATH_MAX + 32], df[PATH_MAX + 32];
	struct stat st;
	char *text;
	size_t len = 0;
	int fd = open(file_name(path, sizeof(path), q->control_dir, "hf", qid),
		      O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0 && errno == ENOENT)
		return 1;
	if (fd < 0)
		return ERRBUF_SET(q->error, error_r, "cannot read %s: %s%s", path, strerror(errno),
				 errno_hint(errno));
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size > QF_MAX_SIZE) {
		close(fd);
		return ERRBUF_SET(q->error, error_r, "%s: not a regular file of at most %u bytes", path,
				 QF_MAX_SIZE);
	}
	*mtime_r = st.st_mtime;
	text = xmalloc((size_t)st.st_size + 1);
	while (len < (size_t)st.st_size) {
		ssize_t r = read(fd, text + len, (size_t)st.st_size - len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(text);
			close(fd);
			return ERRBUF_SET(q->error, error_r, "cannot read %s: %s", path, strerror(errno));
		}
		if (r == 0)
			break;	/* shorter than it was: the parser finds it cut short */
		len += (size_t)r;
	}
	close(fd);
	text[len] = '\0';
	*text_r = text;
	*len_r = len;
	*size_r = stat(file_name(df, sizeof(df), q->data_dir, "df", qid), &st) == 0
		  ? (unsigned long long)st.st_size : 0;
	return 0;
}

int
sm_queue_is_held(struct sm_queue *q, const char *qid, char *other, size_t size,
		 const char **error_r)
{
	char path[PATH_MAX + 32];
	char **ids;
	size_t n;
	int held;

	other[0] = '\0';
	if (access(file_name(path, sizeof(path), q->control_dir, "hf", qid), F_OK) == 0)
		held = 1;
	else if (errno == ENOENT)
		held = 0;
	else
		return ERRBUF_SET(q->error, error_r, "cannot look at %s: %s%s", path, strerror(errno),
				 errno_hint(errno));
	if (sm_queue_held_ids(q, &ids, &n, error_r) < 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (strcmp(ids[i], qid) != 0 && strstr(ids[i], qid) != NULL && other[0] == '\0')
			snprintf(other, size, "%s", ids[i]);
	sm_queue_ids_free(ids, n);
	return held;
}

/* lock - Sendmail's exclusive lock on fd, without waiting: flock and fcntl; 0 or errno */
static int
lock(int fd)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };

	if (flock(fd, LOCK_EX | LOCK_NB) < 0)
		return errno;
	if (fcntl(fd, F_SETLK, &fl) < 0)
		return errno;
	return 0;
}

/* still_named - path leads to the open file fd (not renamed or replaced meanwhile) */
static int
still_named(int fd, const char *path)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && a.st_nlink > 0 && lstat(path, &b) == 0
	       && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

enum sm_remove_outcome
sm_queue_remove(struct sm_queue *q, const char *qid, const char **error_r)
{
	char hf[PATH_MAX + 32], df[PATH_MAX + 32];
	int fd, err;

	file_name(hf, sizeof(hf), q->control_dir, "hf", qid);
	file_name(df, sizeof(df), q->data_dir, "df", qid);
	/* A rewrite replaces the file under its name: try the new one, a few times. */
	for (int attempt = 0; attempt < 3; attempt++) {
		if ((fd = open(hf, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)) < 0) {
			if (errno == ENOENT)
				return SM_NOT_HELD;
			ERRBUF_SET(q->error, error_r, "cannot open %s: %s%s", hf, strerror(errno),
				  errno_hint(errno));
			return SM_FAILED;
		}
		if ((err = lock(fd)) != 0) {
			close(fd);
			ERRBUF_SET(q->error, error_r, "%s is locked (%s): Sendmail is working on this"
				  " message; nothing done, try again", hf, strerror(err));
			return SM_FAILED;
		}
		if (still_named(fd, hf))
			break;
		close(fd);
		fd = -1;
	}
	if (fd < 0) {
		if (access(hf, F_OK) < 0 && errno == ENOENT)
			return SM_NOT_HELD;
		ERRBUF_SET(q->error, error_r, "%s keeps changing under the lock: nothing done", hf);
		return SM_FAILED;
	}
	if (unlink(df) < 0 && errno != ENOENT) {
		err = errno;
		close(fd);
		ERRBUF_SET(q->error, error_r, "cannot remove %s: %s%s; nothing done", df, strerror(err),
			  errno_hint(err));
		return SM_FAILED;
	}
	if (unlink(hf) < 0) {
		err = errno;
		close(fd);
		ERRBUF_SET(q->error, error_r, "removed %s but not %s: %s%s", df, hf, strerror(err),
			  errno_hint(err));
		return SM_FAILED;
	}
	close(fd);
	return SM_REMOVED;
}
