/*
 * milter_proto - packet framing and deadline-bounded socket I/O for the
 * MTA side of the milter protocol (see milter_proto.h).
 *
 * Diagnostics are static strings returned through error_r; nothing here
 * prints.
 *
 * Thread-safety: reentrant.
 */
#include "milter_proto.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

void
milter_buf_reset(struct milter_buf *b)
{
	b->len = 0;
	b->failed = 0;
}

void
milter_buf_free(struct milter_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->size = 0;
}

/* reserve - room for n more bytes */
static int
reserve(struct milter_buf *b, size_t n)
{
	size_t want = b->len + n;
	unsigned char *p;

	if (want <= b->size)
		return 0;
	if (want < 256)
		want = 256;
	if (want < 2 * b->size)
		want = 2 * b->size;
	if ((p = realloc(b->data, want)) == NULL) {
		b->failed = 1;
		return -1;
	}
	b->data = p;
	b->size = want;
	return 0;
}

void
milter_buf_bytes(struct milter_buf *b, const void *p, size_t n)
{
	if (n == 0 || reserve(b, n) < 0)
		return;
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

void
milter_buf_byte(struct milter_buf *b, unsigned char c)
{
	milter_buf_bytes(b, &c, 1);
}

void
milter_buf_u16(struct milter_buf *b, uint16_t v)
{
	uint16_t n = htons(v);

	milter_buf_bytes(b, &n, 2);
}

void
milter_buf_u32(struct milter_buf *b, uint32_t v)
{
	uint32_t n = htonl(v);

	milter_buf_bytes(b, &n, 4);
}

void
milter_buf_str(struct milter_buf *b, const char *s)
{
	milter_buf_bytes(b, s, strlen(s) + 1);
}

size_t
milter_buf_packet(struct milter_buf *b, char cmd)
{
	size_t start = b->len;
	unsigned char head[5] = { 0, 0, 0, 0, (unsigned char)cmd };

	milter_buf_bytes(b, head, sizeof(head));
	return start;
}

void
milter_buf_packet_end(struct milter_buf *b, size_t start)
{
	uint32_t n;

	if (b->failed || b->len < start + 5)
		return;
	n = htonl((uint32_t)(b->len - start - 4));
	memcpy(b->data + start, &n, 4);
}

static long
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* wait_fd - poll for events until the deadline (connect only); 1 ready, 0 timeout, -1 error */
static int
wait_fd(int fd, short events, long deadline)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int rc;

	for (;;) {
		long left = deadline - now_ms();

		if (left <= 0)
			return 0;
		rc = poll(&pfd, 1, (int)left);
		if (rc > 0)
			return 1;
		if (rc == 0)
			return 0;
		if (errno != EINTR)
			return -1;
	}
}

/* parse_inet - "PORT@HOST" into a sockaddr */
static int
parse_inet(const char *rest, int family, struct sockaddr_storage *ss, socklen_t *len)
{
	const char *at = strchr(rest, '@');
	char *end;
	unsigned long port = strtoul(rest, &end, 10);

	if (at == NULL || end != at || port == 0 || port > 65535)
		return -1;
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *sin = (struct sockaddr_in *)ss;

		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		*len = sizeof(*sin);
		return inet_pton(AF_INET, at + 1, &sin->sin_addr) == 1 ? 0 : -1;
	}
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	sin6->sin6_family = AF_INET6;
	sin6->sin6_port = htons((uint16_t)port);
	*len = sizeof(*sin6);
	return inet_pton(AF_INET6, at + 1, &sin6->sin6_addr) == 1 ? 0 : -1;
}

int
milter_proto_connect(const char *spec, int timeout_ms, const char **error_r)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int fd, err = 0;
	socklen_t errlen = sizeof(err);

	if (strncmp(spec, "unix:", 5) == 0 || strncmp(spec, "local:", 6) == 0) {
		struct sockaddr_un *sun = (struct sockaddr_un *)&ss;
		const char *path = strchr(spec, ':') + 1;

		if (strlen(path) >= sizeof(sun->sun_path)) {
			*error_r = "unix socket path too long";
			return -1;
		}
		memset(&ss, 0, sizeof(ss));
		sun->sun_family = AF_UNIX;
		strcpy(sun->sun_path, path);
		len = sizeof(*sun);
	} else if (strncmp(spec, "inet:", 5) == 0) {
		if (parse_inet(spec + 5, AF_INET, &ss, &len) < 0) {
			*error_r = "socket must be inet:PORT@ADDRESS";
			return -1;
		}
	} else if (strncmp(spec, "inet6:", 6) == 0) {
		if (parse_inet(spec + 6, AF_INET6, &ss, &len) < 0) {
			*error_r = "socket must be inet6:PORT@ADDRESS";
			return -1;
		}
	} else {
		*error_r = "socket must start with unix:, local:, inet: or inet6:";
		return -1;
	}
	if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0) {
		*error_r = "socket() failed";
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&ss, len) < 0) {
		if (errno != EINPROGRESS) {
			*error_r = errno == EAGAIN ? "connect: listen queue full"
				: "connect: milter not listening";
			close(fd);
			return -1;
		}
		if (wait_fd(fd, POLLOUT, now_ms() + timeout_ms) != 1
		    || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &errlen) < 0 || err != 0) {
			*error_r = "connect: timeout or refused";
			close(fd);
			return -1;
		}
	}
	/* from here on the socket blocks; reads and writes carry socket timeouts */
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0) {
		*error_r = "cannot make the socket blocking";
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * set_timeout - SO_RCVTIMEO or SO_SNDTIMEO, changed only when it differs
 * from what the socket has: the sockets block, and a timed-out call fails
 * with EAGAIN. One blocking call instead of recv, poll, recv keeps the
 * load generator's own CPU time small next to the milters'.
 */
static int
set_timeout(struct milter_io *io, int option, int timeout_ms)
{
	int *current = option == SO_RCVTIMEO ? &io->rcv_timeout_ms : &io->snd_timeout_ms;
	struct timeval tv = { .tv_sec = timeout_ms / 1000, .tv_usec = (timeout_ms % 1000) * 1000 };

	if (*current == timeout_ms)
		return 0;
	if (setsockopt(io->fd, SOL_SOCKET, option, &tv, sizeof(tv)) < 0)
		return -1;
	*current = timeout_ms;
	return 0;
}

/* write_all - send n bytes, each send bounded by timeout_ms */
static int
write_all(struct milter_io *io, const unsigned char *p, size_t n, int timeout_ms,
	  const char **error_r)
{
	if (set_timeout(io, SO_SNDTIMEO, timeout_ms) < 0) {
		*error_r = "cannot set the write timeout";
		return -1;
	}
	while (n > 0) {
		ssize_t w = send(io->fd, p, n, MSG_NOSIGNAL);

		if (w > 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		*error_r = w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) ? "write timeout"
			: "write failed: milter closed the connection";
		return -1;
	}
	return 0;
}

/* read_some - one recv of at most n bytes, bounded by the read timeout */
static ssize_t
read_some(struct milter_io *io, unsigned char *p, size_t n, const char **error_r)
{
	for (;;) {
		ssize_t got = recv(io->fd, p, n, 0);

		if (got > 0)
			return got;
		if (got == 0) {
			*error_r = "read: milter closed the connection";
			return -1;
		}
		if (errno == EINTR)
			continue;
		*error_r = errno == EAGAIN || errno == EWOULDBLOCK ? "read timeout" : "read failed";
		return -1;
	}
}

/* read_exact - n bytes, from what is pending first, refilling in big reads */
static int
read_exact(struct milter_io *io, unsigned char *p, size_t n, const char **error_r)
{
	while (n > 0) {
		size_t take = io->len - io->off;
		ssize_t got;

		if (take > 0) {
			if (take > n)
				take = n;
			memcpy(p, io->pending + io->off, take);
			io->off += take;
			p += take;
			n -= take;
			continue;
		}
		if (n >= sizeof(io->pending)) {	/* large data goes straight to its place */
			if ((got = read_some(io, p, n, error_r)) < 0)
				return -1;
			p += got;
			n -= (size_t)got;
			continue;
		}
		if ((got = read_some(io, io->pending, sizeof(io->pending), error_r)) < 0)
			return -1;
		io->off = 0;
		io->len = (size_t)got;
	}
	return 0;
}

void
milter_io_init(struct milter_io *io, int fd)
{
	memset(io, 0, sizeof(*io));
	io->fd = fd;
	io->rcv_timeout_ms = io->snd_timeout_ms = -1;
}

int
milter_proto_write(struct milter_io *io, char cmd, const void *data, size_t len, int timeout_ms,
		   const char **error_r)
{
	unsigned char head[5];
	uint32_t n = htonl((uint32_t)(len + 1));

	memcpy(head, &n, 4);
	head[4] = (unsigned char)cmd;
	if (write_all(io, head, sizeof(head), timeout_ms, error_r) < 0)
		return -1;
	return len == 0 ? 0 : write_all(io, data, len, timeout_ms, error_r);
}

int
milter_proto_send(struct milter_io *io, const struct milter_buf *b, int timeout_ms,
		  const char **error_r)
{
	if (b->failed) {
		*error_r = "out of memory";
		return -1;
	}
	return write_all(io, b->data, b->len, timeout_ms, error_r);
}

int
milter_proto_read(struct milter_io *io, struct milter_buf *buf, char *cmd_r, int timeout_ms,
		  const char **error_r)
{
	unsigned char head[5];
	uint32_t n;

	if (set_timeout(io, SO_RCVTIMEO, timeout_ms) < 0) {
		*error_r = "cannot set the read timeout";
		return -1;
	}
	if (read_exact(io, head, sizeof(head), error_r) < 0)
		return -1;
	memcpy(&n, head, 4);
	n = ntohl(n);
	if (n == 0 || n > MILTER_PROTO_MAX_PACKET) {
		*error_r = "bad packet length from milter";
		return -1;
	}
	*cmd_r = (char)head[4];
	milter_buf_reset(buf);
	/* one spare byte keeps a NUL after the data for the string readers */
	if (reserve(buf, n) < 0) {
		*error_r = "out of memory";
		return -1;
	}
	if (read_exact(io, buf->data, n - 1, error_r) < 0)
		return -1;
	buf->len = n - 1;
	buf->data[buf->len] = '\0';
	return 0;
}

uint32_t
milter_proto_get_u32(const struct milter_buf *buf, size_t off)
{
	uint32_t v;

	if (buf->len < off + 4)
		return 0;
	memcpy(&v, buf->data + off, 4);
	return ntohl(v);
}

const char *
milter_proto_get_str(const struct milter_buf *buf, size_t *off)
{
	const char *s;
	const void *nul;

	if (*off >= buf->len)
		return NULL;
	s = (const char *)buf->data + *off;
	if ((nul = memchr(s, '\0', buf->len - *off)) == NULL)
		return NULL;
	*off += (size_t)((const char *)nul - s) + 1;
	return s;
}
