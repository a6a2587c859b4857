/*
 * milter_chain - one SMTP connection passed through one or more milters
 * in sequence, the way Postfix's smtpd and cleanup drive smtpd_milters:
 *
 *  - envelope events (connect, HELO, MAIL, RCPT, DATA) go to each milter
 *    in list order; a reject or tempfail stops the event there;
 *  - a milter that accepts at connect is left out for the connection, one
 *    that accepts during a message is left out for the rest of it;
 *  - the content (headers, end of headers, body, end of message) goes to
 *    each milter in turn, complete, and the header edits of one milter
 *    are applied before the next sees the headers, so a header inserted
 *    by the first (e.g. OpenDKIM's Authentication-Results) reaches the
 *    second (e.g. OpenDMARC), as Postfix passes changed headers on;
 *  - a message stopped early is aborted (SMFIC_ABORT) at the milters that
 *    saw its MAIL FROM but not its end.
 *
 * Macros are Postfix's subset that our milter reads: connect "j", "_",
 * "{daemon_name}"; MAIL "i", "{auth_authen}" (only when authenticated);
 * end of headers and end of message "i".
 *
 * Memory: milter_chain_open allocates, milter_chain_close(&ch) sends QUIT
 * to every milter and frees. The headers returned by milter_chain_headers
 * belong to the chain and live until the next message.
 *
 * Thread-safety: one chain per thread.
 */
#ifndef DMARCGUARD_BENCH_MILTER_CHAIN_H
#define DMARCGUARD_BENCH_MILTER_CHAIN_H

#include "mail_message.h"
#include "milter_client.h"

#define MILTER_CHAIN_MAX 4

struct chain_connection {
	const char *client_ip;
	const char *client_name;	/* "unknown" when there is no PTR name */
	uint16_t client_port;
	const char *helo;
	const char *mta_name;		/* macro j */
};

struct chain_envelope {
	const char *queue_id;		/* macro i */
	const char *mail_from;		/* without angle brackets; "" for <> */
	const char *rcpt;
	int authenticated;		/* sets {auth_authen} */
};

enum chain_outcome {
	CHAIN_CONTINUE,		/* every milter said continue: delivered */
	CHAIN_ACCEPT,		/* a milter accepted: delivered */
	CHAIN_REJECT,
	CHAIN_TEMPFAIL,
	CHAIN_DISCARD,
	CHAIN_ERROR,		/* a milter broke the protocol or timed out */
	CHAIN_OUTCOMES
};

struct chain_result {
	enum chain_outcome outcome;
	int quarantined;
	size_t header_edits;
	int decided_by;			/* index of the milter that stopped it, or -1 */
	char reply[512];		/* reply code text or error */
	char quarantine_reason[256];
};

struct milter_chain;

/* milter_chain_open - connect, negotiate, send connect and HELO; NULL with *error_r */
struct milter_chain *milter_chain_open(const char *const *specs, size_t count,
				       const struct milter_client_options *options,
				       const struct chain_connection *conn,
				       const char **error_r);
void milter_chain_close(struct milter_chain **ch);

/* milter_chain_message - one transaction; 0, or -1 when the chain is broken */
int milter_chain_message(struct milter_chain *ch, const struct chain_envelope *env,
			 const struct mail_message *msg, struct chain_result *result);

/* milter_chain_headers - the last message's headers after every edit */
const struct mail_headers *milter_chain_headers(const struct milter_chain *ch);

const char *milter_chain_outcome_name(enum chain_outcome o);

#endif
