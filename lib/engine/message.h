/*
 * message - the evaluation of one message, from envelope to verdict.
 *
 * A push interface in the order the MTA delivers a message:
 * message_new (envelope known), message_recipient for each RCPT TO
 * address (only their domains are kept: the first one for aggregate
 * reports' envelope_to, and for the look-alike check at most
 * LOOKALIKE_MAX_EXTRA distinct ones), message_header for each header field in
 * arrival order, message_eoh, message_body for each chunk, message_finish
 * for the verdict. The daemon's callbacks and the offline test mode run
 * exactly this code. The body is streamed into the DKIM hashes and never
 * kept. Memory per message is bounded: header fields are looked at as
 * they pass (only From and our own Authentication-Results are noted), and
 * the header block beyond MESSAGE_MAX_HEADER_BYTES makes the message
 * malformed ("malformed-header-too-large").
 *
 * message_finish runs SPF, completes DKIM, finds the DMARC record,
 * evaluates alignment, applies the local policy, and checks the From
 * domain and display name for look-alikes of the protected domains. Internal failures (out
 * of memory, calls out of order) never pass a message: the verdict then
 * says tempfail with reason "internal-error".
 *
 * Thread-safety: one message is used by one thread at a time (any thread);
 * the engine and settings it points to must outlive it and are shared.
 */
#ifndef DMARCGUARD_MESSAGE_H
#define DMARCGUARD_MESSAGE_H

#include <stddef.h>

#include "engine.h"
#include "policy.h"
#include "verdict.h"

#define MESSAGE_MAX_HEADER_BYTES (1024 * 1024)
#define MESSAGE_MAX_HEADERS 5000

struct envelope {
	const char *queue_id;		/* may be NULL until known */
	const char *client_ip;		/* textual; ::ffff:a.b.c.d is IPv4 */
	const char *client_name;	/* reverse name as the MTA saw it */
	const char *helo;
	const char *mail_from;		/* without <>; "" or NULL: null sender */
	int authenticated;		/* SMTP AUTH succeeded */
};

struct message_settings {
	const struct policy_settings *policy;
	const char *authserv_id;
	int allow_partial_body;		/* l= signatures may give an aligned pass */
	int protect_recipients;		/* RCPT TO domains are protected (look-alikes) */
};

struct message;

/* message_new - copies the envelope; NULL with *error_r on failure */
struct message *message_new(struct engine *engine, const struct message_settings *settings,
			    const struct envelope *envelope, const char **error_r);
/* message_set_queue_id - the queue id, once the MTA tells it */
void message_set_queue_id(struct message *message, const char *queue_id);
/* message_recipient - one RCPT TO address (with or without <>); 0, or -1 out of memory */
int message_recipient(struct message *message, const char *address);
/* message_header - one field; value as on the wire after the colon (see dkimv.h) */
int message_header(struct message *message, const char *name, const char *value, size_t len);
int message_eoh(struct message *message);
int message_body(struct message *message, const unsigned char *chunk, size_t len);
/* message_finish - evaluate; the verdict is owned by message, valid until message_free */
const struct verdict *message_finish(struct message *message);
void message_free(struct message **message);

#endif
