/*
 * corpus - a benchmark corpus directory: an "envelope" file with one line
 * per message,
 *
 *     FILE CLIENT_IP HELO MAIL_FROM [EXPECT [auth]]
 *
 * (MAIL_FROM "<>" for the null sender; EXPECT the action dmarcguard must
 * take: accept, quarantine, reject, tempfail, or "-"; "auth" marks an
 * SMTP-authenticated client), and the message files it names. '#' starts
 * a comment line.
 *
 * Entries with the same client address and HELO form a group: messages
 * sent over one milter connection come from one group, since one SMTP
 * connection has one client.
 *
 * Memory: corpus_load allocates everything, corpus_free(&c) releases it.
 *
 * Thread-safety: read-only after corpus_load; shared by the load threads.
 */
#ifndef DMARCGUARD_BENCH_CORPUS_H
#define DMARCGUARD_BENCH_CORPUS_H

#include <stddef.h>

#include "mail_message.h"

struct corpus_entry {
	char *file;
	char *client_ip;
	char *helo;
	char *mail_from;	/* "" for <> */
	char *expect;		/* "-" when not given */
	int authenticated;
	size_t next_in_group;	/* next entry with the same client and HELO (circular) */
	struct mail_message *msg;
};

struct corpus {
	struct corpus_entry *entries;
	size_t count;
	size_t bytes;		/* body bytes of all messages */
};

struct corpus *corpus_load(const char *dir, char *error, size_t error_size);
void corpus_free(struct corpus **c);

#endif
