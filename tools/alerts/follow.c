/*
 * follow - tail a log across rotation (see follow.h).
 *
 * Thread-safety: see follow.h.
 */
#include "follow.h"
#include "reader.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct tail {
	const char *path;
	int fd;
	dev_t dev;
	ino_t ino;
	struct reader *reader;
	struct scan *scan;
	volatile sig_atomic_t *stop;
};

/* drain - scan every complete line available now; 0, or -1 on a read error */
static int
drain(struct tail *t)
{
	const char *line;
	size_t len;
	enum reader_status st = READER_EOF;

	while (!*t->stop && (st = reader_next(t->reader, &line, &len)) == READER_LINE)
		scan_line(t->scan, line, len, t->path, reader_lineno(t->reader));
	return *t->stop || st != READER_ERROR ? 0 : -1;
}

/* pause_briefly - sleep FOLLOW_POLL_MS, less when a signal comes */
static void
pause_briefly(void)
{
	struct timespec ts = { 0, FOLLOW_POLL_MS * 1000000L };

	nanosleep(&ts, NULL);	/* a signal cuts it short, as it should */
}

/* reopen - follow the new file at path from its start */
static int
reopen(struct tail *t, const struct stat *st)
{
	const char *line;
	size_t len;
	int fd = open(t->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;	/* gone again: keep the old one, look later */
	if (drain(t) < 0) {
		close(fd);
		return -1;
	}
	if (reader_take_partial(t->reader, &line, &len))
		scan_line(t->scan, line, len, t->path, reader_lineno(t->reader));
	close(t->fd);
	t->fd = fd;
	t->dev = st->st_dev;
	t->ino = st->st_ino;
	reader_reset(t->reader, fd);
	return 0;
}

/* check_rotation - the path names another file, or ours shrank */
static void
check_rotation(struct tail *t)
{
	struct stat st;
	off_t pos;

	if (stat(t->path, &st) < 0)
		return;		/* between rename and create */
	if (st.st_dev != t->dev || st.st_ino != t->ino) {
		reopen(t, &st);
		return;
	}
	pos = lseek(t->fd, 0, SEEK_CUR);
	if (pos >= 0 && st.st_size < pos) {
		lseek(t->fd, 0, SEEK_SET);
		reader_reset(t->reader, t->fd);
	}
}

/* follow_file - tail one file from its end until stopped */
static int
follow_file(struct tail *t, const char **error_r)
{
	struct stat st;

	if ((t->fd = open(t->path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(t->fd, &st) < 0) {
		*error_r = strerror(errno);
		if (t->fd >= 0)
			close(t->fd);
		return -1;
	}
	t->dev = st.st_dev;
	t->ino = st.st_ino;
	lseek(t->fd, 0, SEEK_END);
	t->reader = reader_fd(t->fd, 1);
	while (!*t->stop) {
		if (drain(t) < 0) {
			*error_r = reader_error(t->reader);
			break;
		}
		check_rotation(t);
		scan_set_now(t->scan, time(NULL));
		if (!*t->stop)
			pause_briefly();
	}
	reader_close(&t->reader);
	close(t->fd);
	return *t->stop ? 0 : -1;
}

/* follow_stdin - read standard input until it ends or we are stopped */
static int
follow_stdin(struct tail *t, const char **error_r)
{
	const char *line;
	size_t len;

	t->reader = reader_fd(STDIN_FILENO, 1);
	while (!*t->stop) {
		if (drain(t) < 0) {
			*error_r = reader_error(t->reader);
			reader_close(&t->reader);
			return -1;
		}
		if (reader_at_eof(t->reader)) {
			if (reader_take_partial(t->reader, &line, &len))
				scan_line(t->scan, line, len, t->path, reader_lineno(t->reader));
			break;
		}
		scan_set_now(t->scan, time(NULL));
	}
	reader_close(&t->reader);
	return 0;
}

int
follow_run(const char *path, struct scan *scan, volatile sig_atomic_t *stop,
	   const char **error_r)
{
	struct tail t = { .path = path, .fd = -1, .scan = scan, .stop = stop };

	if (strcmp(path, "-") == 0) {
		t.path = "(stdin)";
		return follow_stdin(&t, error_r);
	}
	return follow_file(&t, error_r);
}
