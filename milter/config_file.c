/*
 * config_file - bounded line reading of operator files (see config_file.h).
 *
 * The file is opened with O_NONBLOCK so that a FIFO does not hold the
 * start-up (or the reload thread) until someone writes to it; fstat then
 * tells a regular file from the rest before a byte is read. Lines are read
 * a character at a time into a buffer of max_line + 1 bytes, which is all
 * the memory a line can take.
 *
 * Thread-safety: reentrant.
 */
#include "config_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* file_kind - what a non-regular file is, for the error message */
static const char *
file_kind(mode_t mode)
{
	if (S_ISDIR(mode))
		return "a directory";
	if (S_ISFIFO(mode))
		return "a FIFO";
	if (S_ISCHR(mode))
		return "a character device";
	if (S_ISBLK(mode))
		return "a block device";
	if (S_ISSOCK(mode))
		return "a socket";
	return "not a regular file";
}

/* open_regular - a stdio stream on path if it is a regular file, else NULL with error */
static FILE *
open_regular(const char *path, char *error, size_t size)
{
	struct stat st;
	FILE *f;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(error, size, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0) {
		snprintf(error, size, "%s: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(error, size, "%s: %s, not a regular file", path, file_kind(st.st_mode));
		close(fd);
		return NULL;
	}
	if ((f = fdopen(fd, "r")) == NULL) {
		snprintf(error, size, "%s: %s", path, strerror(errno));
		close(fd);
	}
	return f;
}

int
config_file_check(const char *path, char *error, size_t size)
{
	FILE *f = open_regular(path, error, size);

	if (f == NULL)
		return -1;
	fclose(f);
	return 0;
}

int
config_file_read(const char *path, size_t max_line, config_file_line_fn *fn, void *context,
		 char *error, size_t size)
{
	char *line = malloc(max_line + 1), reason[512];
	unsigned lineno = 0;
	FILE *f;
	int rc = -1, ch = 0;

	if (line == NULL) {
		snprintf(error, size, "%s: out of memory", path);
		return -1;
	}
	if ((f = open_regular(path, error, size)) == NULL) {
		free(line);
		return -1;
	}
	while (ch != EOF) {
		size_t len = 0;

		while ((ch = getc_unlocked(f)) != EOF && ch != '\n') {
			if (ch == '\0') {
				snprintf(error, size, "%s:%u: NUL byte in line", path, lineno + 1);
				goto out;
			}
			if (len == max_line) {
				snprintf(error, size, "%s:%u: line longer than %zu characters", path,
					 lineno + 1, max_line);
				goto out;
			}
			line[len++] = (char)ch;
		}
		if (ch == EOF && (ferror(f) || len == 0))
			break;
		line[len] = '\0';
		lineno++;
		if (fn(context, line, lineno, reason, sizeof(reason)) < 0) {
			snprintf(error, size, "%s:%u: %s", path, lineno, reason);
			goto out;
		}
	}
	if (ferror(f)) {
		snprintf(error, size, "%s: read error: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	fclose(f);
	free(line);
	return rc;
}
