/*
 * metrics_server - GET /metrics over libmicrohttpd (see metrics_server.h).
 *
 * Every request is answered on libmicrohttpd's first call for it, before
 * any body is read: nothing we serve needs one, and a client that sends a
 * body anyway gets its answer and the connection closed.
 *
 * Thread-safety: the handler runs on libmicrohttpd's one polling thread,
 * so scrapes are served one after the other and the registry's sampler
 * never runs twice at once.
 */
#include "metrics_server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

struct metrics_server {
	struct MHD_Daemon *mhd;
	struct metrics *metrics;
};

/* parsed MetricsSocket */
struct endpoint {
	int family;			/* AF_INET, AF_INET6, AF_UNIX */
	unsigned port;
	char address[108];		/* numeric address, or the unix path */
};

/* parse - spec into ep; NULL, or why the spec is wrong */
static const char *
parse(const char *spec, struct endpoint *ep)
{
	const char *rest, *at;
	unsigned char buf[sizeof(struct in6_addr)];
	char *end;
	unsigned long port;

	memset(ep, 0, sizeof(*ep));
	if (strncmp(spec, "unix:", 5) == 0 || strncmp(spec, "local:", 6) == 0) {
		rest = strchr(spec, ':') + 1;
		if (rest[0] != '/')
			return "MetricsSocket: a unix socket needs an absolute path";
		if (strlen(rest) >= sizeof(ep->address))
			return "MetricsSocket: unix socket path longer than 107 characters";
		ep->family = AF_UNIX;
		snprintf(ep->address, sizeof(ep->address), "%s", rest);
		return NULL;
	}
	if (strncmp(spec, "inet:", 5) == 0)
		ep->family = AF_INET;
	else if (strncmp(spec, "inet6:", 6) == 0)
		ep->family = AF_INET6;
	else
		return "MetricsSocket must be empty or start with inet:, inet6:, unix: or local:";
	rest = strchr(spec, ':') + 1;
	if ((at = strchr(rest, '@')) == NULL || at[1] == '\0')
		return "MetricsSocket needs PORT@ADDRESS, e.g. inet:9464@127.0.0.1";
	errno = 0;
	port = strtoul(rest, &end, 10);
	if (rest[0] < '0' || rest[0] > '9' || end != at || errno != 0 || port == 0 || port > 65535)
		return "MetricsSocket port must be a number from 1 to 65535";
	if (strlen(at + 1) >= sizeof(ep->address) || inet_pton(ep->family, at + 1, buf) != 1)
		return ep->family == AF_INET ? "MetricsSocket address must be an IPv4 address"
		    : "MetricsSocket address must be an IPv6 address";
	ep->port = (unsigned)port;
	snprintf(ep->address, sizeof(ep->address), "%s", at + 1);
	return NULL;
}

const char *
metrics_server_check(const char *spec)
{
	struct endpoint ep;

	return spec[0] == '\0' ? NULL : parse(spec, &ep);
}

/* unix_in_use - whether a server answers on path (then it is not stale) */
static int
unix_in_use(const struct sockaddr_un *sun)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), live;

	if (fd < 0)
		return 0;
	live = connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) == 0;
	close(fd);
	return live;
}

int
metrics_server_listen(const char *spec, char *error, size_t size)
{
	struct endpoint ep;
	struct sockaddr_storage ss;
	struct sockaddr_un *sun = (struct sockaddr_un *)&ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	struct stat st;
	socklen_t len;
	const char *why;
	int fd, one = 1;

	if ((why = parse(spec, &ep)) != NULL) {
		snprintf(error, size, "%s", why);
		return -1;
	}
	memset(&ss, 0, sizeof(ss));
	if (ep.family == AF_UNIX) {
		sun->sun_family = AF_UNIX;
		memcpy(sun->sun_path, ep.address, strlen(ep.address) + 1);
		len = sizeof(*sun);
		if (lstat(ep.address, &st) == 0) {
			if (!S_ISSOCK(st.st_mode) || unix_in_use(sun)) {
				snprintf(error, size, "MetricsSocket %s: %s", ep.address,
					 S_ISSOCK(st.st_mode) ? "in use by another process"
					 : "exists and is not a socket");
				return -1;
			}
			unlink(ep.address);
		}
	} else if (ep.family == AF_INET) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)ep.port);
		inet_pton(AF_INET, ep.address, &sin->sin_addr);
		len = sizeof(*sin);
	} else {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)ep.port);
		inet_pton(AF_INET6, ep.address, &sin6->sin6_addr);
		len = sizeof(*sin6);
	}
	if ((fd = socket(ep.family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0) {
		snprintf(error, size, "MetricsSocket %s: socket: %s", spec, strerror(errno));
		return -1;
	}
	if (ep.family != AF_UNIX)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ep.family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&ss, len) < 0 || listen(fd, 32) < 0
	    || (ep.family == AF_UNIX && chmod(ep.address, 0666) < 0)) {
		snprintf(error, size, "MetricsSocket %s: %s", spec, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* answer - queue a response of static text with a status */
static enum MHD_Result
answer(struct metrics_server *s, struct MHD_Connection *conn, unsigned status,
       const char *code, const char *text)
{
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(text), (void *)text,
								 MHD_RESPMEM_PERSISTENT);
	enum MHD_Result rc;

	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, "text/plain; charset=utf-8");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	rc = MHD_queue_response(conn, status, r);
	MHD_destroy_response(r);
	metrics_add(s->metrics, METRICS_HTTP_REQUESTS, code, NULL, 1);
	return rc;
}

/* exposition - 200 with the metrics, or 500 when they cannot be written */
static enum MHD_Result
exposition(struct metrics_server *s, struct MHD_Connection *conn)
{
	struct MHD_Response *r;
	enum MHD_Result rc;
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);
	int bad = out == NULL || metrics_write(s->metrics, out) < 0;

	if (out != NULL && fclose(out) != 0)
		bad = 1;
	if (bad || (r = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE))
	    == NULL) {
		free(text);
		return answer(s, conn, MHD_HTTP_INTERNAL_SERVER_ERROR, "500",
			      "cannot write the metrics\n");
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
				"text/plain; version=0.0.4; charset=utf-8");
	rc = MHD_queue_response(conn, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	metrics_add(s->metrics, METRICS_HTTP_REQUESTS, "200", NULL, 1);
	return rc;
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url, const char *method,
	   const char *version, const char *upload_data, size_t *upload_data_size,
	   void **request)
{
	struct metrics_server *s = cls;

	(void)version;
	(void)upload_data;
	if (*request != NULL) {
		/* a body after our answer: drop it, the connection closes */
		*upload_data_size = 0;
		return MHD_YES;
	}
	*request = s;
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return answer(s, conn, MHD_HTTP_METHOD_NOT_ALLOWED, "405",
			      "only GET and HEAD are served\n");
	if (strcmp(url, "/metrics") != 0)
		return answer(s, conn, MHD_HTTP_NOT_FOUND, "404", "not found; try /metrics\n");
	return exposition(s, conn);
}

struct metrics_server *
metrics_server_start(int fd, struct metrics *metrics, const char **error_r)
{
	struct metrics_server *s = calloc(1, sizeof(*s));

	if (s == NULL) {
		close(fd);
		*error_r = "out of memory";
		return NULL;
	}
	s->metrics = metrics;
	s->mhd = MHD_start_daemon(MHD_USE_POLL_INTERNAL_THREAD | MHD_USE_ITC, 0, NULL, NULL,
				  on_request, s,
				  MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
				  MHD_OPTION_CONNECTION_LIMIT, (unsigned)METRICS_SERVER_CONNECTIONS,
				  MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)METRICS_SERVER_TIMEOUT,
				  MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)METRICS_SERVER_MEMORY,
				  MHD_OPTION_END);
	if (s->mhd == NULL) {
		close(fd);
		free(s);
		*error_r = "libmicrohttpd cannot serve MetricsSocket";
		return NULL;
	}
	return s;
}

void
metrics_server_stop(struct metrics_server **sp)
{
	struct metrics_server *s = *sp;

	if (s == NULL)
		return;
	*sp = NULL;
	MHD_stop_daemon(s->mhd);	/* closes the listening socket too */
	free(s);
}
