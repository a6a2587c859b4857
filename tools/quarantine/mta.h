/*
 * mta - what the tool needs from an MTA's quarantine, as a small table of
 * operations with one implementation per MTA (postfix.c; Sendmail's
 * quarantined queue files may follow): list the held messages, read
 * their queue files for the client and the headers, release one, delete
 * one. Every operation runs the MTA's own commands with an argv (runcmd.h)
 * and passes its configuration choice on: Postfix's "-c DIR" or, without
 * it, MAIL_CONFIG in the environment, as Postfix's commands do.
 *
 * Release and delete say apart "done", "not held (any more)" and "could
 * not ask the MTA" (with the MTA's own words in *error_r).
 *
 * Ownership: error strings point into the struct mta and live until the
 * next call on it.
 *
 * Thread-safety: a struct mta belongs to one thread.
 */
#ifndef DMARCGUARD_QUARANTINE_MTA_H
#define DMARCGUARD_QUARANTINE_MTA_H

#include "held.h"
#include "qid.h"

enum mta_outcome {
	MTA_DONE,
	MTA_NOT_HELD,
	MTA_FAILED,
};

struct mta;

struct mta_ops {
	const char *name;
	enum qid_mta qid_kind;
	/* list - add every held message to set; 0 or -1 */
	int (*list)(struct mta *m, struct held_set *set, const char **error_r);
	/* details - read client, HELO and headers of every message of set; 0 or -1 */
	int (*details)(struct mta *m, struct held_set *set, int keep_headers,
		       const char **error_r);
	enum mta_outcome (*release)(struct mta *m, const char *qid, const char **error_r);
	enum mta_outcome (*remove)(struct mta *m, const char *qid, const char **error_r);
};

struct mta {
	const struct mta_ops *ops;
	const char *config;	/* Postfix config directory, or NULL */
	char error[512];
};

extern const struct mta_ops postfix_ops;

#endif
