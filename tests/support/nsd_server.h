/*
 * nsd_server - a real authoritative DNS server (Debian's nsd) for tests.
 *
 * nsd_server_start writes an nsd configuration into a fresh temporary
 * directory, serving every tests/zones/NAME.zone as zone NAME and every
 * name listed in tests/zones/servfail-zones.txt as a zone without data
 * (nsd answers SERVFAIL for it), binds 127.0.0.1 on a free port, starts
 * nsd in the foreground as a child process, and waits until it answers.
 * nsd_server_stop ends it and removes the directory. Every step is bounded
 * in time; a server that does not come up fails the test loudly.
 *
 * nsd_server_queries reads the server's query counter through nsd-control
 * (a unix control socket in the temporary directory), so tests can tell
 * how many queries really reached the server.
 *
 * Thread-safety: one server per test process, started and stopped by the
 * main thread (Check's unchecked fixtures).
 */
#ifndef DMARCGUARD_NSD_SERVER_H
#define DMARCGUARD_NSD_SERVER_H

#include <sys/types.h>

struct nsd_server {
	pid_t pid;
	int port;
	char dir[256];
	char address[64];	/* "127.0.0.1@PORT", for resolver settings */
};

/* nsd_server_start - 0, or -1 after printing why to stderr */
int nsd_server_start(struct nsd_server *server);
/*
 * nsd_server_start_listed - the same for the zones that zonedir/zones.list
 * names, one a line: "name. file" (a zone file in zonedir) or "name."
 * alone (a zone without data: SERVFAIL). For suites with their own zones.
 */
int nsd_server_start_listed(struct nsd_server *server, const char *zonedir);
void nsd_server_stop(struct nsd_server *server);
/* nsd_server_queries - queries the server has answered so far, or -1 */
long nsd_server_queries(const struct nsd_server *server);

/* test_free_udp_port - a UDP+TCP port on 127.0.0.1 free right now */
int test_free_port(void);

/*
 * test_silent_udp_socket - bind a UDP socket on 127.0.0.1 that never
 * answers (a dead nameserver); returns the fd and its port in *port.
 */
int test_silent_udp_socket(int *port);

#endif
