/*
 * mta - what the tool needs from an MTA's quarantine, as a small table of
 * operations with one implementation per MTA: list the held messages, read
 * their queue files for the client and the headers, release one, delete
 * one (postfix.c, sendmail.c). Every command runs from an argv (runcmd.h)
 * and gets the configuration choice: Postfix's "-c DIR" or, without it,
 * MAIL_CONFIG in the environment, as Postfix's commands do; Sendmail's
 * "-C FILE" (its .cf, which also names the queue directory read).
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
#include "sm_queue.h"

enum mta_outcome {
	MTA_DONE,
	MTA_NOT_HELD,
	MTA_FAILED,
};

struct mta;

struct mta_ops {
	const char *name;
	const char *where;	/* "the hold queue", for messages */
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
	const char *config;	/* Postfix config directory or Sendmail .cf, or NULL */
	struct sm_queue sm;	/* Sendmail: where its queue is */
	char error[512];
};

extern const struct mta_ops postfix_ops;
extern const struct mta_ops sendmail_ops;

/* Where mta_choose looks for an installed MTA (tests point elsewhere). */
struct mta_probe {
	const char *postfix_main_cf;	/* /etc/postfix/main.cf */
	const char *sendmail_cf;	/* /etc/mail/sendmail.cf */
};

/*
 * mta_choose - m->ops: the MTA named ("postfix" or "sendmail", NULL:
 * choose), else the one whose configuration was given (pf_dir: -c or
 * MAIL_CONFIG; sm_cf: -C), else the one installed by probe (NULL: the
 * default places; both installed is an error: name one). Sets m->config.
 * 0, or -1 with *error_r (static)
 */
int mta_choose(struct mta *m, const char *name, const char *pf_dir, const char *mail_config,
	       const char *sm_cf, const struct mta_probe *probe, const char **error_r);

#endif
