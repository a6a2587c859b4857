/*
 * metrics_server - the HTTP endpoint of MetricsSocket: GET /metrics answers
 * the Prometheus text exposition of the registry (metrics.h).
 *
 * It runs on libmicrohttpd's own polling thread, never on a milter
 * thread's path: a scraper that is slow, stuck or gone costs that thread
 * at most METRICS_SERVER_TIMEOUT seconds per connection and never touches
 * mail flow. Bounds: METRICS_SERVER_CONNECTIONS connections at once (more
 * are closed at once), a request head of at most METRICS_SERVER_MEMORY
 * bytes (libmicrohttpd answers 414 or 431 past it), a connection idle
 * for METRICS_SERVER_TIMEOUT seconds closed. A client trickling a byte
 * at a time stays within the memory bound and holds one of the
 * connections until it is done: the worst a local attacker can do is
 * delay scrapes, never mail. Other paths get 404, other methods 405 with
 * "Allow: GET, HEAD".
 *
 * Socket forms: "inet:PORT@ADDRESS", "inet6:PORT@ADDRESS" (numeric
 * addresses only: no DNS at start), "unix:/path" or "local:/path" (mode
 * 0666; the counters carry no addresses or domain names). Empty: off.
 *
 * Life cycle: metrics_server_listen before detaching and dropping
 * privileges (errors reach the terminal; a port below 1024 works);
 * metrics_server_start once threads may start; metrics_server_stop before
 * the registry and what its sampler reads are freed.
 *
 * Thread-safety: call from the main thread; the server's thread reads the
 * registry through metrics_write only.
 */
#ifndef DMARCGUARD_METRICS_SERVER_H
#define DMARCGUARD_METRICS_SERVER_H

#include <stddef.h>

#include "metrics.h"

#define METRICS_SERVER_CONNECTIONS 16
#define METRICS_SERVER_TIMEOUT 5	/* seconds */
#define METRICS_SERVER_MEMORY 16384	/* bytes per connection */

struct metrics_server;

/* metrics_server_check - NULL when spec is a valid MetricsSocket, else why not */
const char *metrics_server_check(const char *spec);

/*
 * metrics_server_listen - bind and listen on spec. Returns the listening
 * descriptor, or -1 with the reason in error. A stale unix socket (nobody
 * answers on it) is replaced; a live one is "in use".
 */
int metrics_server_listen(const char *spec, char *error, size_t size);

/*
 * metrics_server_start - serve metrics on fd (taken over, closed on
 * failure too). NULL with *error_r on failure.
 */
struct metrics_server *metrics_server_start(int fd, struct metrics *metrics,
					    const char **error_r);

/* metrics_server_stop - stop the thread, close the socket; accepts NULL, sets *server NULL */
void metrics_server_stop(struct metrics_server **server);

#endif
