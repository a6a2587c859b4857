/*
 * reader - buffered line reader over zlib or a plain descriptor (see
 * reader.h).
 *
 * Thread-safety: see reader.h.
 */
#include "reader.h"
#include "mem.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define CHUNK (256 * 1024)

struct reader {
	gzFile gz;		/* or NULL for fd */
	int fd;
	int partial_wait;
	char *buf;
	size_t size, start, fill;	/* unread bytes are buf[start..fill) */
	int eof, skipping;		/* skipping: inside an overlong line */
	unsigned long lineno, overlong;
	const char *error;
	char errbuf[128];
};

static struct reader *
reader_alloc(void)
{
	struct reader *r = xcalloc(1, sizeof(*r));

	r->size = CHUNK;
	r->buf = xmalloc(r->size);
	r->fd = -1;
	return r;
}

struct reader *
reader_open(const char *path, const char **error_r)
{
	struct reader *r;
	int fd = strcmp(path, "-") == 0 ? dup(STDIN_FILENO) : open(path, O_RDONLY | O_CLOEXEC);
	gzFile gz;

	if (fd < 0) {
		*error_r = strerror(errno);
		return NULL;
	}
	if ((gz = gzdopen(fd, "rb")) == NULL) {
		close(fd);
		*error_r = "cannot set up decompression";
		return NULL;
	}
	gzbuffer(gz, CHUNK);
	r = reader_alloc();
	r->gz = gz;
	return r;
}

struct reader *
reader_fd(int fd, int partial_wait)
{
	struct reader *r = reader_alloc();

	r->fd = fd;
	r->partial_wait = partial_wait;
	return r;
}

/* fill - read more after the unread bytes; bytes read, 0 at the end, -1 */
static ssize_t
fill(struct reader *r)
{
	ssize_t n;

	if (r->start > 0 && (r->fill == r->size || r->start == r->fill)) {
		memmove(r->buf, r->buf + r->start, r->fill - r->start);
		r->fill -= r->start;
		r->start = 0;
	}
	if (r->fill == r->size) {
		r->size *= 2;
		r->buf = xrealloc(r->buf, r->size);
	}
	if (r->gz != NULL) {
		int errnum;

		n = gzread(r->gz, r->buf + r->fill, (unsigned)(r->size - r->fill));
		if (n < 0) {
			const char *msg = gzerror(r->gz, &errnum);

			snprintf(r->errbuf, sizeof(r->errbuf), "%s",
				 errnum == Z_ERRNO ? strerror(errno) : msg);
			r->error = r->errbuf;
		} else if (n == 0 && (gzerror(r->gz, &errnum), errnum == Z_BUF_ERROR)) {
			/* zlib's way to say the input ended inside a gzip stream */
			r->error = "gzip data cut short (file truncated or still being written?)";
			n = -1;
		}
	} else {
		struct pollfd pfd = { .fd = r->fd, .events = POLLIN };

		r->eof = 0;
		if (r->partial_wait && poll(&pfd, 1, READER_POLL_MS) <= 0)
			return 0;	/* nothing yet, or a signal: the caller looks */
		do
			n = read(r->fd, r->buf + r->fill, r->size - r->fill);
		while (n < 0 && errno == EINTR && !r->partial_wait);
		if (n < 0 && errno == EINTR)
			n = 0;
		else if (n < 0)
			r->error = strerror(errno);
		else if (n == 0)
			r->eof = 1;
	}
	if (n > 0)
		r->fill += (size_t)n;
	return n;
}

static void
line_out(struct reader *r, size_t end, const char **line_r, size_t *len_r)
{
	size_t len = end - r->start;

	if (len > 0 && r->buf[r->start + len - 1] == '\r')
		len--;
	*line_r = r->buf + r->start;
	*len_r = len;
	r->lineno++;
}

enum reader_status
reader_next(struct reader *r, const char **line_r, size_t *len_r)
{
	size_t scanned = r->start;

	for (;;) {
		char *nl = memchr(r->buf + scanned, '\n', r->fill - scanned);
		ssize_t n;

		if (nl != NULL) {
			size_t end = (size_t)(nl - r->buf);

			if (r->skipping || end - r->start > READER_MAX_LINE) {
				if (!r->skipping) {
					r->overlong++;
					r->lineno++;
				}
				r->skipping = 0;
				r->start = scanned = end + 1;
				continue;
			}
			line_out(r, end, line_r, len_r);
			r->start = end + 1;
			return READER_LINE;
		}
		if (r->fill - r->start > READER_MAX_LINE) {
			/* Too long for any line of ours: drop it up to its end. */
			if (!r->skipping) {
				r->overlong++;
				r->lineno++;
			}
			r->skipping = 1;
			r->start = r->fill;
		}
		scanned = r->fill - r->start;
		n = fill(r);
		scanned += r->start;
		if (n < 0)
			return READER_ERROR;
		if (n > 0)
			continue;
		/* End of the input, for now. */
		if (r->start == r->fill || r->partial_wait)
			return READER_EOF;
		if (r->skipping) {
			r->skipping = 0;
			r->start = r->fill;
			return READER_EOF;
		}
		line_out(r, r->fill, line_r, len_r);
		r->start = r->fill;
		return READER_LINE;
	}
}

int
reader_take_partial(struct reader *r, const char **line_r, size_t *len_r)
{
	int had = r->start < r->fill && !r->skipping;

	if (had)
		line_out(r, r->fill, line_r, len_r);
	r->start = r->fill;
	r->skipping = 0;
	return had;
}

void
reader_reset(struct reader *r, int fd)
{
	r->start = r->fill = 0;
	r->skipping = 0;
	r->fd = fd;
}

const char *
reader_error(const struct reader *r)
{
	return r->error ? r->error : "read error";
}

unsigned long
reader_lineno(const struct reader *r)
{
	return r->lineno;
}

unsigned long
reader_overlong(const struct reader *r)
{
	return r->overlong;
}

int
reader_at_eof(const struct reader *r)
{
	return r->eof;
}

void
reader_close(struct reader **rp)
{
	struct reader *r;

	if (rp == NULL || (r = *rp) == NULL)
		return;
	if (r->gz != NULL)
		gzclose(r->gz);
	free(r->buf);
	free(r);
	*rp = NULL;
}
