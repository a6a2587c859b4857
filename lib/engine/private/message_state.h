/*
 * message_state - the private state of one message evaluation, shared by
 * message.c (the push interface) and message_verdict.c (the evaluation at
 * the end). Not for use outside those two files.
 *
 * Thread-safety: one thread at a time, as message.h.
 */
#ifndef DMARCGUARD_MESSAGE_STATE_H
#define DMARCGUARD_MESSAGE_STATE_H

#include "display_name.h"
#include "arc_chain.h"
#include "dkimv.h"
#include "dmarc_discovery.h"
#include "from_header.h"
#include "lookalike.h"
#include "message.h"
#include "spf_eval.h"
#include "verdict.h"

struct message {
	struct engine *engine;
	const struct message_settings *settings;
	char *queue_id, *client_ip, *client_name, *helo, *mail_from;
	int authenticated;

	struct dkimv *dkim;
	struct arc_chain *arc;
	const char *failure;		/* first internal error, or NULL */
	int finished;

	size_t header_bytes, header_count;
	int headers_too_large;
	size_t from_count;
	struct from_parse_result from;	/* of the first From field */
	char display[DISPLAY_NAME_SIZE];	/* its decoded display name */
	const char *display_problem;	/* why it could not be decoded, or NULL */
	char *rcpt_domains[LOOKALIKE_MAX_EXTRA];	/* distinct RCPT TO domains */
	char *rcpt_first_domain;	/* the first RCPT TO's domain (reports), or NULL */
	size_t rcpt_count;
	struct lookalike_result lookalike;
	size_t authres_seen;		/* Authentication-Results fields so far */
	size_t *own_authres;		/* grows; bounded by MESSAGE_MAX_HEADERS */
	size_t own_authres_count, own_authres_alloc;

	struct spf_eval_outcome spf;
	struct dmarc_discovery dmarc;
	struct verdict_dkim *dkim_results;
	const char **dkim_pass_domains;	/* d= of verified signatures, for forwarders */
	char *authres;
	struct verdict verdict;
};

/* message_verdict_evaluate - fill m->verdict (message_finish calls it once) */
void message_verdict_evaluate(struct message *m);

#endif
