/*
 * offline - the offline test mode: evaluate one stored message through
 * the same code the milter runs, and print the verdict.
 *
 * Output: a first line of key=value fields (the alert line, which holds
 * action= and reason=), then "Authentication-Results: ..." as the daemon
 * would insert it. Exit status 0 when the evaluation completed (whatever
 * the action), 2 for a missing file or a bad argument, 1 when the engine
 * cannot start.
 *
 * Thread-safety: main thread, one run.
 */
#ifndef DMARCGUARD_OFFLINE_H
#define DMARCGUARD_OFFLINE_H

#include <stdio.h>

#include "config.h"

struct offline_request {
	const char *message_path;
	const char *client_ip;
	const char *client_name;
	const char *helo;
	const char *mail_from;		/* "" or "<>" for the null sender */
	const char *rcpt;
	int authenticated;
};

int offline_run(struct config *config, const struct offline_request *request, FILE *out,
		FILE *err);

#endif
