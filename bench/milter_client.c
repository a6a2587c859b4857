/*
 * milter_client - the MTA side of one milter conversation (see
 * milter_client.h). We offer what Postfix 3.7 offers: every action up to
 * SMFIF_SETSYMLIST and every protocol step flag up to SMFIP_HDR_LEADSPC,
 * and then do exactly what the milter chose.
 *
 * Thread-safety: one thread per client at a time.
 */
#include "milter_client.h"
#include "milter_proto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define OFFER_VERSION 6
#define OFFER_ACTIONS 0x000001FFU	/* SMFIF_ADDHDRS ... SMFIF_SETSYMLIST */
#define OFFER_PROTOCOL 0x001FFFFFU	/* SMFIP_NOCONNECT ... SMFIP_HDR_LEADSPC */

struct milter_client {
	int fd;
	struct milter_io io;
	uint32_t version;
	uint32_t actions;
	uint32_t protocol;
	struct milter_client_options options;
	struct milter_buf out;		/* framed packets not yet written */
	size_t mark;			/* out's length before the current event */
	struct milter_buf in;
	const char *broken;	/* why the conversation ended, or NULL */
};

const char *
milter_client_verdict_name(enum milter_verdict v)
{
	static const char *const names[] = {
		"continue", "accept", "reject", "tempfail", "discard", "skip", "error",
	};

	return (unsigned)v < sizeof(names) / sizeof(names[0]) ? names[v] : "?";
}

void
milter_edits_release(struct milter_edits *e)
{
	for (size_t i = 0; i < e->count; i++) {
		free(e->items[i].name);
		free(e->items[i].value);
	}
	free(e->items);
	memset(e, 0, sizeof(*e));
}

static enum milter_verdict
fail(struct milter_client *c, const char *why, struct milter_reply *reply)
{
	if (c->broken == NULL)
		c->broken = why;
	if (reply != NULL) {
		reply->verdict = MILTER_VERDICT_ERROR;
		snprintf(reply->text, sizeof(reply->text), "%s", c->broken);
	}
	return MILTER_VERDICT_ERROR;
}

/* send_out - write the framed packets in c->out, which is then empty */
static int
send_out(struct milter_client *c, int timeout_ms)
{
	const char *error = NULL;
	int ret = 0;

	if (c->out.len > 0 && milter_proto_send(&c->io, &c->out, timeout_ms, &error) < 0) {
		c->broken = error;
		ret = -1;
	}
	milter_buf_reset(&c->out);
	return ret;
}

/*
 * begin - append to c->out the SMFIC_MACRO packet for cmd's stage (when
 * there are macros) and then the packet of cmd itself; the caller appends
 * the command's data and calls milter_buf_packet_end with the result.
 * c->out may still hold earlier no-reply commands (see event()).
 */
static size_t
begin(struct milter_client *c, char cmd, const char *const *macros)
{
	c->mark = c->out.len;
	if (macros != NULL) {
		size_t start = milter_buf_packet(&c->out, SMFIC_MACRO);

		/* the macro stage byte is the command the macros belong to */
		milter_buf_byte(&c->out, (unsigned char)cmd);
		for (size_t i = 0; macros[i] != NULL; i += 2) {
			if (macros[i + 1] == NULL)
				continue;
			milter_buf_str(&c->out, macros[i]);
			milter_buf_str(&c->out, macros[i + 1]);
		}
		milter_buf_packet_end(&c->out, start);
	}
	return milter_buf_packet(&c->out, cmd);
}

/* add_edit - record a modification request in stored form */
static int
add_edit(struct milter_client *c, struct milter_edits *edits, enum milter_edit_type type,
	 uint32_t index, const char *name, const char *value)
{
	struct milter_edit *e;
	int leadspc = (c->protocol & SMFIP_HDR_LEADSPC) != 0;

	if (edits->count == edits->size) {
		size_t size = edits->size ? 2 * edits->size : 8;

		if ((e = realloc(edits->items, size * sizeof(*e))) == NULL)
			return -1;
		edits->items = e;
		edits->size = size;
	}
	e = &edits->items[edits->count];
	e->type = type;
	e->index = index;
	e->name = strdup(name ? name : "");
	/* without SMFIP_HDR_LEADSPC the MTA puts the space after the colon back */
	if (type != MILTER_EDIT_QUARANTINE && !leadspc && value[0] != '\0') {
		if (asprintf(&e->value, " %s", value) < 0)
			e->value = NULL;
	} else {
		e->value = strdup(value);
	}
	if (e->name == NULL || e->value == NULL) {
		free(e->name);
		free(e->value);
		return -1;
	}
	edits->count++;
	return 0;
}

/* read_edit - a modification request at end of message; 0 or -1 */
static int
read_edit(struct milter_client *c, char cmd, struct milter_edits *edits)
{
	size_t off = 0;
	uint32_t index = 0;
	const char *name, *value;

	switch (cmd) {
	case SMFIR_QUARANTINE:
		if ((value = milter_proto_get_str(&c->in, &off)) == NULL)
			return -1;
		return add_edit(c, edits, MILTER_EDIT_QUARANTINE, 0, NULL, value);
	case SMFIR_INSHEADER:
	case SMFIR_CHGHEADER:
		if (c->in.len < 4)
			return -1;
		index = milter_proto_get_u32(&c->in, 0);
		off = 4;
		/* FALLTHROUGH */
	case SMFIR_ADDHEADER:
		if ((name = milter_proto_get_str(&c->in, &off)) == NULL
		    || (value = milter_proto_get_str(&c->in, &off)) == NULL)
			return -1;
		return add_edit(c, edits, cmd == SMFIR_ADDHEADER ? MILTER_EDIT_ADD_HEADER
				: cmd == SMFIR_INSHEADER ? MILTER_EDIT_INSERT_HEADER
				: MILTER_EDIT_CHANGE_HEADER, index, name, value);
	}
	return -1;
}

/* edit_action - the action flag a modification request needs */
static uint32_t
edit_action(char cmd)
{
	switch (cmd) {
	case SMFIR_ADDHEADER: return SMFIF_ADDHDRS;
	case SMFIR_INSHEADER: return SMFIF_ADDHDRS;
	case SMFIR_CHGHEADER: return SMFIF_CHGHDRS;
	case SMFIR_QUARANTINE: return SMFIF_QUARANTINE;
	}
	return 0;
}

/*
 * await - read until a verdict. edits is non-NULL only at end of message,
 * the one place where modification requests and progress are allowed.
 */
static enum milter_verdict
await(struct milter_client *c, int timeout_ms, struct milter_edits *edits,
      struct milter_reply *reply)
{
	const char *error = NULL;
	char cmd;

	for (;;) {
		if (milter_proto_read(&c->io, &c->in, &cmd, timeout_ms, &error) < 0)
			return fail(c, error, reply);
		switch (cmd) {
		case SMFIR_CONTINUE: reply->verdict = MILTER_VERDICT_CONTINUE; return reply->verdict;
		case SMFIR_ACCEPT: reply->verdict = MILTER_VERDICT_ACCEPT; return reply->verdict;
		case SMFIR_REJECT: reply->verdict = MILTER_VERDICT_REJECT; return reply->verdict;
		case SMFIR_TEMPFAIL: reply->verdict = MILTER_VERDICT_TEMPFAIL; return reply->verdict;
		case SMFIR_DISCARD: reply->verdict = MILTER_VERDICT_DISCARD; return reply->verdict;
		case SMFIR_SKIP:
			if (!(c->protocol & SMFIP_SKIP))
				return fail(c, "skip reply without SMFIP_SKIP", reply);
			reply->verdict = MILTER_VERDICT_SKIP;
			return reply->verdict;
		case SMFIR_REPLYCODE:
			snprintf(reply->text, sizeof(reply->text), "%.*s", (int)c->in.len,
				 (const char *)c->in.data);
			if (reply->text[0] == '4')
				reply->verdict = MILTER_VERDICT_TEMPFAIL;
			else if (reply->text[0] == '5')
				reply->verdict = MILTER_VERDICT_REJECT;
			else
				return fail(c, "reply code neither 4xx nor 5xx", reply);
			return reply->verdict;
		case SMFIR_CONN_FAIL:
		case SMFIR_SHUTDOWN:
			c->broken = "milter ended the connection (conn_fail/shutdown)";
			reply->verdict = MILTER_VERDICT_TEMPFAIL;
			snprintf(reply->text, sizeof(reply->text), "421 4.7.0 %s", c->broken);
			return reply->verdict;
		case SMFIR_PROGRESS:
			if (edits == NULL)
				return fail(c, "progress outside end of message", reply);
			continue;
		default:
			if (edits == NULL || edit_action(cmd) == 0)
				return fail(c, "unexpected reply from milter", reply);
			if (!(c->actions & edit_action(cmd)))
				return fail(c, "modification the milter did not negotiate", reply);
			if (read_edit(c, cmd, edits) < 0)
				return fail(c, "malformed modification request", reply);
		}
	}
}

/*
 * event - send what begin() and the caller framed in c->out unless the
 * milter skips the step, then wait for the reply unless it marked the
 * step no-reply.
 *
 * How commands reach the socket follows the MTA being imitated. Postfix
 * (milter8.c) writes into a stream buffer and flushes it only when it
 * must read a reply or the buffer is full, so the no-reply commands of a
 * message (headers, end of headers, body chunks) arrive together; that is
 * the default here, with Postfix's 4 KB stream buffer. Sendmail writes
 * every command as it goes (write_each_command).
 */
static enum milter_verdict
event(struct milter_client *c, char cmd, size_t start, uint32_t skip_flag,
      uint32_t noreply_flag, struct milter_edits *edits, struct milter_reply *reply)
{
	int timeout = (cmd == SMFIC_BODY || cmd == SMFIC_BODYEOB || cmd == SMFIC_HEADER
		       || cmd == SMFIC_EOH) ? c->options.content_timeout_ms
		: c->options.command_timeout_ms;
	int no_reply;

	reply->verdict = MILTER_VERDICT_CONTINUE;
	reply->text[0] = '\0';
	if (c->broken != NULL)
		return fail(c, c->broken, reply);
	if (skip_flag != 0 && (c->protocol & skip_flag)) {
		c->out.len = c->mark;	/* neither the command nor its macros */
		return MILTER_VERDICT_CONTINUE;
	}
	milter_buf_packet_end(&c->out, start);
	no_reply = noreply_flag != 0 && (c->protocol & noreply_flag);
	if (no_reply && !c->options.write_each_command && !c->out.failed
	    && c->out.len < MILTER_CLIENT_STREAM_BUFFER)
		return MILTER_VERDICT_CONTINUE;	/* goes with the next write */
	if (send_out(c, timeout) < 0)
		return fail(c, c->broken, reply);
	return no_reply ? MILTER_VERDICT_CONTINUE : await(c, timeout, edits, reply);
}

struct milter_client *
milter_client_open(const char *spec, const struct milter_client_options *options,
		   const char **error_r)
{
	struct milter_client *c = calloc(1, sizeof(*c));
	const char *error = NULL;
	char cmd;

	if (c == NULL) {
		*error_r = "out of memory";
		return NULL;
	}
	c->options = *options;
	if ((c->fd = milter_proto_connect(spec, options->connect_timeout_ms, error_r)) < 0) {
		free(c);
		return NULL;
	}
	milter_io_init(&c->io, c->fd);
	size_t start = begin(c, SMFIC_OPTNEG, NULL);

	milter_buf_u32(&c->out, OFFER_VERSION);
	milter_buf_u32(&c->out, OFFER_ACTIONS);
	milter_buf_u32(&c->out, OFFER_PROTOCOL);
	milter_buf_packet_end(&c->out, start);
	if (send_out(c, options->command_timeout_ms) < 0)
		error = c->broken;
	else if (milter_proto_read(&c->io, &c->in, &cmd, options->command_timeout_ms,
				   &error) < 0)
		c->broken = error;
	else if (cmd != SMFIC_OPTNEG || c->in.len < 12)
		error = "bad option negotiation reply";
	else {
		/* version 6 may append macro lists (SMFIR_SETSYMLIST); we send our own set */
		c->version = milter_proto_get_u32(&c->in, 0);
		c->actions = milter_proto_get_u32(&c->in, 4);
		c->protocol = milter_proto_get_u32(&c->in, 8);
		if (c->version < 2 || c->version > OFFER_VERSION)
			error = "milter protocol version not supported";
		else if ((c->actions & ~OFFER_ACTIONS) != 0)
			error = "milter asks for actions we did not offer";
		else if ((c->protocol & ~(OFFER_PROTOCOL | SMFIP_MDS_256K | SMFIP_MDS_1M)) != 0)
			error = "milter asks for protocol steps we did not offer";
	}
	if (error != NULL) {
		*error_r = error;
		c->broken = error;
		milter_client_close(&c);
		return NULL;
	}
	return c;
}

void
milter_client_close(struct milter_client **cp)
{
	struct milter_client *c = *cp;
	const char *error;

	if (c == NULL)
		return;
	if (c->broken == NULL && send_out(c, 1000) == 0)
		(void)milter_proto_write(&c->io, SMFIC_QUIT, "", 0, 1000, &error);
	close(c->fd);
	milter_buf_free(&c->out);
	milter_buf_free(&c->in);
	free(c);
	*cp = NULL;
}

uint32_t
milter_client_actions(const struct milter_client *c)
{
	return c->actions;
}

uint32_t
milter_client_protocol(const struct milter_client *c)
{
	return c->protocol;
}

enum milter_verdict
milter_client_connect(struct milter_client *c, const char *hostname, const char *address,
		      uint16_t port, const char *const *macros, struct milter_reply *reply)
{
	size_t start = begin(c, SMFIC_CONNECT, macros);

	milter_buf_str(&c->out, hostname);
	milter_buf_byte(&c->out, strchr(address, ':') ? '6' : '4');
	milter_buf_u16(&c->out, port);
	milter_buf_str(&c->out, address);
	return event(c, SMFIC_CONNECT, start, SMFIP_NOCONNECT, SMFIP_NR_CONN, NULL, reply);
}

enum milter_verdict
milter_client_helo(struct milter_client *c, const char *helo, struct milter_reply *reply)
{
	size_t start = begin(c, SMFIC_HELO, NULL);

	milter_buf_str(&c->out, helo);
	return event(c, SMFIC_HELO, start, SMFIP_NOHELO, SMFIP_NR_HELO, NULL, reply);
}

enum milter_verdict
milter_client_mail(struct milter_client *c, const char *sender, const char *const *macros,
		   struct milter_reply *reply)
{
	char addr[1024];

	size_t start = begin(c, SMFIC_MAIL, macros);

	snprintf(addr, sizeof(addr), "<%s>", sender);
	milter_buf_str(&c->out, addr);
	return event(c, SMFIC_MAIL, start, SMFIP_NOMAIL, SMFIP_NR_MAIL, NULL, reply);
}

enum milter_verdict
milter_client_rcpt(struct milter_client *c, const char *recipient, struct milter_reply *reply)
{
	char addr[1024];

	size_t start = begin(c, SMFIC_RCPT, NULL);

	snprintf(addr, sizeof(addr), "<%s>", recipient);
	milter_buf_str(&c->out, addr);
	return event(c, SMFIC_RCPT, start, SMFIP_NORCPT, SMFIP_NR_RCPT, NULL, reply);
}

enum milter_verdict
milter_client_data(struct milter_client *c, struct milter_reply *reply)
{
	size_t start = begin(c, SMFIC_DATA, NULL);

	return event(c, SMFIC_DATA, start, SMFIP_NODATA, SMFIP_NR_DATA, NULL, reply);
}

enum milter_verdict
milter_client_header(struct milter_client *c, const char *name, const char *value,
		     struct milter_reply *reply)
{
	/* Sendmail, and Postfix after it, eat one space (not a tab) after the colon */
	if (!(c->protocol & SMFIP_HDR_LEADSPC) && value[0] == ' ')
		value++;
	size_t start = begin(c, SMFIC_HEADER, NULL);

	milter_buf_str(&c->out, name);
	milter_buf_str(&c->out, value);
	return event(c, SMFIC_HEADER, start, SMFIP_NOHDRS, SMFIP_NR_HDR, NULL, reply);
}

enum milter_verdict
milter_client_eoh(struct milter_client *c, const char *const *macros, struct milter_reply *reply)
{
	size_t start = begin(c, SMFIC_EOH, macros);

	return event(c, SMFIC_EOH, start, SMFIP_NOEOH, SMFIP_NR_EOH, NULL, reply);
}

enum milter_verdict
milter_client_body(struct milter_client *c, const unsigned char *chunk, size_t len,
		   struct milter_reply *reply)
{
	if (len > MILTER_CLIENT_MAX_CHUNK)
		return fail(c, "body chunk over 65535 bytes", reply);
	size_t start = begin(c, SMFIC_BODY, NULL);

	milter_buf_bytes(&c->out, chunk, len);
	return event(c, SMFIC_BODY, start, SMFIP_NOBODY, SMFIP_NR_BODY, NULL, reply);
}

enum milter_verdict
milter_client_eom(struct milter_client *c, const char *const *macros, struct milter_edits *edits,
		  struct milter_reply *reply)
{
	size_t start = begin(c, SMFIC_BODYEOB, macros);

	return event(c, SMFIC_BODYEOB, start, 0, 0, edits, reply);
}

int
milter_client_abort(struct milter_client *c)
{
	const char *error = NULL;

	if (c->broken != NULL)
		return -1;
	/* buffered no-reply commands go first, as Postfix's stream flush does */
	if (send_out(c, c->options.command_timeout_ms) < 0)
		return -1;
	if (milter_proto_write(&c->io, SMFIC_ABORT, "", 0, c->options.command_timeout_ms,
			       &error) < 0) {
		c->broken = error;
		return -1;
	}
	return 0;
}
