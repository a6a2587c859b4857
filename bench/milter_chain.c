/*
 * milter_chain - Postfix-like sequencing of several milters over one SMTP
 * connection (see milter_chain.h).
 *
 * Thread-safety: one chain per thread.
 */
#include "milter_chain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct milter_chain {
	struct milter_client *clients[MILTER_CHAIN_MAX];
	size_t count;
	int off_for_connection[MILTER_CHAIN_MAX];	/* accepted at connect or HELO */
	enum chain_outcome session;	/* a connect/HELO reject holds for every message */
	char session_reply[512];
	struct mail_headers headers;
};

const char *
milter_chain_outcome_name(enum chain_outcome o)
{
	static const char *const names[] = {
		"continue", "accept", "reject", "tempfail", "discard", "error",
	};

	return (unsigned)o < CHAIN_OUTCOMES ? names[o] : "?";
}

static enum chain_outcome
outcome_of(enum milter_verdict v)
{
	switch (v) {
	case MILTER_VERDICT_ACCEPT: return CHAIN_ACCEPT;
	case MILTER_VERDICT_REJECT: return CHAIN_REJECT;
	case MILTER_VERDICT_TEMPFAIL: return CHAIN_TEMPFAIL;
	case MILTER_VERDICT_DISCARD: return CHAIN_DISCARD;
	case MILTER_VERDICT_ERROR: return CHAIN_ERROR;
	default: return CHAIN_CONTINUE;
	}
}

/* stops - a verdict that ends the transaction (or the session) */
static int
stops(enum milter_verdict v)
{
	return v == MILTER_VERDICT_REJECT || v == MILTER_VERDICT_TEMPFAIL
		|| v == MILTER_VERDICT_DISCARD || v == MILTER_VERDICT_ERROR;
}

struct milter_chain *
milter_chain_open(const char *const *specs, size_t count,
		  const struct milter_client_options *options,
		  const struct chain_connection *conn, const char **error_r)
{
	struct milter_chain *ch = calloc(1, sizeof(*ch));
	const char *const macros[] = {
		"j", conn->mta_name, "_", conn->client_ip, "{daemon_name}", "smtpd", NULL,
	};
	struct milter_reply reply;
	size_t i;

	if (ch == NULL || count == 0 || count > MILTER_CHAIN_MAX) {
		*error_r = ch ? "one to four milters" : "out of memory";
		free(ch);
		return NULL;
	}
	for (i = 0; i < count; i++)
		if ((ch->clients[i] = milter_client_open(specs[i], options, error_r)) == NULL)
			goto err;
	ch->count = count;
	/* Postfix: each event to every milter in turn */
	for (i = 0; i < count && ch->session == CHAIN_CONTINUE; i++) {
		enum milter_verdict v = milter_client_connect(ch->clients[i], conn->client_name,
							      conn->client_ip, conn->client_port,
							      macros, &reply);
		if (v == MILTER_VERDICT_ACCEPT)
			ch->off_for_connection[i] = 1;
		else if (stops(v)) {
			ch->session = outcome_of(v);
			snprintf(ch->session_reply, sizeof(ch->session_reply), "%s", reply.text);
		}
	}
	for (i = 0; i < count && ch->session == CHAIN_CONTINUE; i++) {
		enum milter_verdict v;

		if (ch->off_for_connection[i])
			continue;
		v = milter_client_helo(ch->clients[i], conn->helo, &reply);
		if (v == MILTER_VERDICT_ACCEPT)
			ch->off_for_connection[i] = 1;
		else if (stops(v)) {
			ch->session = outcome_of(v);
			snprintf(ch->session_reply, sizeof(ch->session_reply), "%s", reply.text);
		}
	}
	if (ch->session == CHAIN_ERROR) {
		*error_r = "milter failed at connect or HELO";
		goto err;
	}
	return ch;
err:
	ch->count = count;
	milter_chain_close(&ch);
	return NULL;
}

void
milter_chain_close(struct milter_chain **chp)
{
	struct milter_chain *ch = *chp;

	if (ch == NULL)
		return;
	for (size_t i = 0; i < ch->count; i++)
		milter_client_close(&ch->clients[i]);
	mail_headers_release(&ch->headers);
	free(ch);
	*chp = NULL;
}

const struct mail_headers *
milter_chain_headers(const struct milter_chain *ch)
{
	return &ch->headers;
}

/* apply_edits - one milter's modification requests, in the order sent */
static int
apply_edits(struct milter_chain *ch, const struct milter_edits *edits, struct chain_result *r)
{
	for (size_t i = 0; i < edits->count; i++) {
		const struct milter_edit *e = &edits->items[i];
		int rc = 0;

		switch (e->type) {
		case MILTER_EDIT_ADD_HEADER:
			rc = mail_headers_insert(&ch->headers, ch->headers.count, e->name, e->value);
			break;
		case MILTER_EDIT_INSERT_HEADER:
			rc = mail_headers_insert(&ch->headers, e->index, e->name, e->value);
			break;
		case MILTER_EDIT_CHANGE_HEADER:
			rc = mail_headers_change(&ch->headers, e->name, e->index, e->value);
			break;
		case MILTER_EDIT_QUARANTINE:
			r->quarantined = 1;
			snprintf(r->quarantine_reason, sizeof(r->quarantine_reason), "%s", e->value);
			continue;
		}
		if (rc < 0)
			return -1;
		r->header_edits++;
	}
	return 0;
}

/* content - headers, end of headers, body and end of message to milter i */
static enum milter_verdict
content(struct milter_chain *ch, size_t i, const struct chain_envelope *env,
	const struct mail_message *msg, struct chain_result *r, struct milter_reply *reply,
	int *ended)
{
	struct milter_client *c = ch->clients[i];
	const char *const macros[] = { "i", env->queue_id, NULL };
	struct milter_edits edits = { 0 };
	enum milter_verdict v = MILTER_VERDICT_CONTINUE;

	for (size_t h = 0; h < ch->headers.count && v == MILTER_VERDICT_CONTINUE; h++)
		v = milter_client_header(c, ch->headers.items[h].name, ch->headers.items[h].value,
					 reply);
	if (v == MILTER_VERDICT_CONTINUE)
		v = milter_client_eoh(c, macros, reply);
	for (size_t off = 0; off < msg->body_len && v == MILTER_VERDICT_CONTINUE;) {
		size_t n = msg->body_len - off;

		if (n > MILTER_CLIENT_MAX_CHUNK)
			n = MILTER_CLIENT_MAX_CHUNK;
		v = milter_client_body(c, msg->body + off, n, reply);
		off += n;
	}
	if (v == MILTER_VERDICT_CONTINUE || v == MILTER_VERDICT_SKIP) {
		v = milter_client_eom(c, macros, &edits, reply);
		*ended = 1;
		if (v != MILTER_VERDICT_ERROR && apply_edits(ch, &edits, r) < 0) {
			snprintf(reply->text, sizeof(reply->text), "out of memory applying edits");
			v = MILTER_VERDICT_ERROR;
		}
	}
	milter_edits_release(&edits);
	return v;
}

int
milter_chain_message(struct milter_chain *ch, const struct chain_envelope *env,
		     const struct mail_message *msg, struct chain_result *r)
{
	const char *const mail_macros[] = {
		"i", env->queue_id, "{auth_authen}", env->authenticated ? "bench-user" : NULL, NULL,
	};
	int saw_mail[MILTER_CHAIN_MAX] = { 0 }, done[MILTER_CHAIN_MAX] = { 0 };
	int ended[MILTER_CHAIN_MAX] = { 0 };
	struct milter_reply reply;
	enum milter_verdict v = MILTER_VERDICT_CONTINUE;
	size_t i, step;

	memset(r, 0, sizeof(*r));
	r->decided_by = -1;
	if (ch->session != CHAIN_CONTINUE) {
		r->outcome = ch->session;
		snprintf(r->reply, sizeof(r->reply), "%s", ch->session_reply);
		return 0;
	}
	for (i = 0; i < ch->count; i++)
		done[i] = ch->off_for_connection[i];
	mail_headers_release(&ch->headers);
	if (mail_headers_copy(&ch->headers, &msg->headers) < 0) {
		r->outcome = CHAIN_ERROR;
		snprintf(r->reply, sizeof(r->reply), "out of memory");
		return -1;
	}
	/* envelope steps: MAIL, RCPT, DATA, each to every milter in turn */
	for (step = 0; step < 3 && !stops(v); step++) {
		for (i = 0; i < ch->count && !stops(v); i++) {
			if (done[i])
				continue;
			if (step == 0) {
				v = milter_client_mail(ch->clients[i], env->mail_from, mail_macros, &reply);
				saw_mail[i] = 1;
			} else if (step == 1) {
				v = milter_client_rcpt(ch->clients[i], env->rcpt, &reply);
			} else {
				v = milter_client_data(ch->clients[i], &reply);
			}
			if (v == MILTER_VERDICT_ACCEPT) {
				done[i] = 1;
				r->outcome = CHAIN_ACCEPT;
			} else if (stops(v)) {
				r->decided_by = (int)i;
			}
		}
	}
	/* content: the whole message to each milter in turn, edits applied in between */
	for (i = 0; i < ch->count && !stops(v); i++) {
		if (done[i])
			continue;
		v = content(ch, i, env, msg, r, &reply, &ended[i]);
		done[i] = 1;
		if (v == MILTER_VERDICT_ACCEPT)
			r->outcome = CHAIN_ACCEPT;
		else if (stops(v))
			r->decided_by = (int)i;
	}
	if (stops(v)) {
		r->outcome = outcome_of(v);
		snprintf(r->reply, sizeof(r->reply), "%s", reply.text);
	}
	/* a message that did not reach its end at a milter is aborted there */
	for (i = 0; i < ch->count; i++)
		if (saw_mail[i] && !ended[i])
			(void)milter_client_abort(ch->clients[i]);
	return v == MILTER_VERDICT_ERROR ? -1 : 0;
}
