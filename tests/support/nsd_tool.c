/*
 * nsd_tool - the nsd test fixture (nsd_server.h) as a command for shell
 * tests: starts nsd on a free loopback port serving tests/zones, prints
 * "127.0.0.1@PORT" and a newline on stdout, then waits until it receives
 * SIGTERM, SIGINT or SIGHUP or its standard input reaches end of file, and
 * stops nsd. A test that keeps the write end of a pipe to our stdin gets
 * the server stopped when it dies, even without a cleanup trap.
 *
 * Exit status: 0 after a clean stop, 1 when nsd did not start (why is on
 * stderr), 2 for a bad command line.
 *
 * Thread-safety: single-threaded.
 */
#include "nsd_server.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t stop_requested;

static void
on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* input_closed - drain what is readable on fd; 1 at end of file or error */
static int
input_closed(int fd)
{
	char buf[256];
	ssize_t n = read(fd, buf, sizeof(buf));

	return n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN);
}

/* wait_for_stop - until a stop signal or end of file on stdin */
static void
wait_for_stop(const sigset_t *unblocked)
{
	struct pollfd pfd = { .fd = STDIN_FILENO, .events = POLLIN };
	int watch_stdin = 1;

	while (!stop_requested) {
		/* Signals are blocked except inside ppoll, so none is lost
		 * between the flag test and the wait. */
		int n = ppoll(&pfd, watch_stdin ? 1 : 0, NULL, unblocked);

		if (n < 0 && errno != EINTR)
			break;
		if (n > 0 && (pfd.revents & POLLNVAL))
			watch_stdin = 0;	/* no stdin at all: signals only */
		else if (n > 0 && input_closed(STDIN_FILENO))
			break;
	}
}

int
main(int argc, char **argv)
{
	static const int stop_signals[] = { SIGTERM, SIGINT, SIGHUP };
	struct nsd_server server;
	struct sigaction sa;
	sigset_t blocked, unblocked;

	if (argc != 1) {
		fprintf(stderr, "usage: %s (no arguments; stop with SIGTERM or by closing stdin)\n",
			argv[0]);
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&blocked);
	for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++) {
		sigaction(stop_signals[i], &sa, NULL);
		sigaddset(&blocked, stop_signals[i]);
	}
	signal(SIGPIPE, SIG_IGN);
	/* Block only after nsd is forked: it must not inherit the mask. A
	 * signal during the start sets the flag, tested before any wait. */
	if (nsd_server_start(&server) < 0)
		return 1;
	sigprocmask(SIG_BLOCK, &blocked, &unblocked);
	if (printf("%s\n", server.address) < 0 || fflush(stdout) != 0)
		stop_requested = 1;
	wait_for_stop(&unblocked);
	nsd_server_stop(&server);
	return 0;
}
