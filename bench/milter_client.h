/*
 * milter_client - one MTA-side conversation with one milter (protocol
 * version 6), as Postfix's milter8 client holds it: option negotiation,
 * then the SMTP events of a connection, each sent only when the milter
 * did not ask to skip it (SMFIP_NO*) and answered only when it did not
 * mark it no-reply (SMFIP_NR_*). Header values go out with the leading
 * space eaten unless SMFIP_HDR_LEADSPC was negotiated, and header edits
 * come back in the stored form (" value") either way.
 *
 * Every event returns a verdict. MILTER_VERDICT_ERROR means the
 * conversation is broken (timeout, closed socket, protocol violation):
 * reply->text says why and every later call returns the same error.
 *
 * Memory: milter_client_open allocates; milter_client_close(&c) sends
 * QUIT, closes and frees, and accepts NULL. Edits collected at end of
 * message are owned by the caller's milter_edits (milter_edits_release).
 *
 * Thread-safety: one client is used by one thread at a time.
 */
#ifndef DMARCGUARD_BENCH_MILTER_CLIENT_H
#define DMARCGUARD_BENCH_MILTER_CLIENT_H

#include <stddef.h>
#include <stdint.h>

enum milter_verdict {
	MILTER_VERDICT_CONTINUE,
	MILTER_VERDICT_ACCEPT,
	MILTER_VERDICT_REJECT,
	MILTER_VERDICT_TEMPFAIL,
	MILTER_VERDICT_DISCARD,
	MILTER_VERDICT_SKIP,	/* body chunk: send no more body */
	MILTER_VERDICT_ERROR,
};

struct milter_reply {
	enum milter_verdict verdict;
	char text[512];		/* SMFIR_REPLYCODE text, or the error */
};

enum milter_edit_type {
	MILTER_EDIT_ADD_HEADER,		/* SMFIR_ADDHEADER */
	MILTER_EDIT_INSERT_HEADER,	/* SMFIR_INSHEADER */
	MILTER_EDIT_CHANGE_HEADER,	/* SMFIR_CHGHEADER; empty value deletes */
	MILTER_EDIT_QUARANTINE,		/* SMFIR_QUARANTINE; value is the reason */
};

struct milter_edit {
	enum milter_edit_type type;
	uint32_t index;
	char *name;
	char *value;	/* header value in stored form (leading space included) */
};

struct milter_edits {
	struct milter_edit *items;
	size_t count;
	size_t size;
};

void milter_edits_release(struct milter_edits *e);

struct milter_client_options {
	int connect_timeout_ms;		/* Postfix: milter_connect_timeout, 30 s */
	int command_timeout_ms;		/* Postfix: milter_command_timeout, 30 s */
	int content_timeout_ms;		/* Postfix: milter_content_timeout, 300 s */
	/*
	 * 0: write no-reply commands only when a reply is awaited or
	 * MILTER_CLIENT_STREAM_BUFFER octets are pending, as Postfix does;
	 * 1: write every command at once, as Sendmail does.
	 */
	int write_each_command;
};

/* Postfix's VSTREAM buffer (VSTREAM_BUFSIZE) */
#define MILTER_CLIENT_STREAM_BUFFER 4096

/* body chunks are at most this long (libmilter's MILTER_CHUNK_SIZE) */
#define MILTER_CLIENT_MAX_CHUNK 65535

struct milter_client;

/* milter_client_open - connect to spec and negotiate; NULL with *error_r */
struct milter_client *milter_client_open(const char *spec,
					 const struct milter_client_options *options,
					 const char **error_r);
void milter_client_close(struct milter_client **c);

/* what the milter asked for at negotiation */
uint32_t milter_client_actions(const struct milter_client *c);
uint32_t milter_client_protocol(const struct milter_client *c);

/*
 * Events. macros is a NULL-terminated list of name, value pairs (NULL for
 * none); pairs whose value is NULL are left out, as Postfix leaves out
 * undefined macros.
 */
enum milter_verdict milter_client_connect(struct milter_client *c, const char *hostname,
					  const char *address, uint16_t port,
					  const char *const *macros, struct milter_reply *reply);
enum milter_verdict milter_client_helo(struct milter_client *c, const char *helo,
				       struct milter_reply *reply);
enum milter_verdict milter_client_mail(struct milter_client *c, const char *sender,
				       const char *const *macros, struct milter_reply *reply);
enum milter_verdict milter_client_rcpt(struct milter_client *c, const char *recipient,
				       struct milter_reply *reply);
enum milter_verdict milter_client_data(struct milter_client *c, struct milter_reply *reply);
/* milter_client_header - value in stored form, leading space included */
enum milter_verdict milter_client_header(struct milter_client *c, const char *name,
					 const char *value, struct milter_reply *reply);
enum milter_verdict milter_client_eoh(struct milter_client *c, const char *const *macros,
				      struct milter_reply *reply);
/* milter_client_body - one chunk of at most MILTER_CHUNK_SIZE bytes */
enum milter_verdict milter_client_body(struct milter_client *c, const unsigned char *chunk,
				       size_t len, struct milter_reply *reply);
/* milter_client_eom - end of message; modification requests go to edits */
enum milter_verdict milter_client_eom(struct milter_client *c, const char *const *macros,
				      struct milter_edits *edits, struct milter_reply *reply);
/* milter_client_abort - end the message without a verdict (no reply) */
int milter_client_abort(struct milter_client *c);

/* milter_client_verdict_name - "accept", "reject", ... */
const char *milter_client_verdict_name(enum milter_verdict v);

#endif
