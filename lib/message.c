/*
 * message - the push interface of one message evaluation (see message.h);
 * the evaluation itself is in message_verdict.c.
 *
 * As header fields pass, only what the verdict needs is kept: the count
 * of From fields and the parse of the first, and the positions of
 * Authentication-Results fields that claim our authserv-id. Everything
 * else goes straight into the DKIM verifier.
 *
 * Thread-safety: one thread at a time per message.
 */
#include "message_state.h"
#include "authres.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static char *
dup_text(const char *s)
{
	return strdup(s != NULL ? s : "");
}

struct message *
message_new(struct engine *engine, const struct message_settings *settings,
	    const struct envelope *env, const char **error_r)
{
	struct message *m = calloc(1, sizeof(*m));

	if (m == NULL) {
		*error_r = "out of memory";
		return NULL;
	}
	m->engine = engine;
	m->settings = settings;
	m->authenticated = env->authenticated;
	m->queue_id = env->queue_id ? strdup(env->queue_id) : NULL;
	m->client_ip = dup_text(env->client_ip);
	m->client_name = dup_text(env->client_name);
	m->helo = dup_text(env->helo);
	m->mail_from = dup_text(env->mail_from);
	if (m->client_ip == NULL || m->client_name == NULL || m->helo == NULL
	    || m->mail_from == NULL) {
		*error_r = "out of memory";
		message_free(&m);
		return NULL;
	}
	if ((m->dkim = dkimv_new(engine_dkim(engine), m->queue_id, error_r)) == NULL) {
		message_free(&m);
		return NULL;
	}
	return m;
}

void
message_set_queue_id(struct message *m, const char *queue_id)
{
	char *copy;

	if (queue_id == NULL || (m->queue_id != NULL && strcmp(m->queue_id, queue_id) == 0))
		return;
	if ((copy = strdup(queue_id)) != NULL) {
		free(m->queue_id);
		m->queue_id = copy;
	}
}

/* name_is - header name comparison: case-insensitive, trailing WSP ignored */
static int
name_is(const char *name, const char *want)
{
	size_t n = strlen(name), w = strlen(want);

	while (n > w && (name[n - 1] == ' ' || name[n - 1] == '\t'))
		n--;
	return n == w && strncasecmp(name, want, w) == 0;
}

int
message_header(struct message *m, const char *name, const char *value, size_t len)
{
	if (m->failure != NULL)
		return -1;
	m->header_count++;
	m->header_bytes += strlen(name) + len + 3;
	if (m->header_bytes > MESSAGE_MAX_HEADER_BYTES || m->header_count > MESSAGE_MAX_HEADERS) {
		/* keep reading, stop looking: the verdict rejects the message */
		m->headers_too_large = 1;
		return 0;
	}
	if (name_is(name, "From")) {
		if (++m->from_count == 1)
			from_header_parse(value, len, &m->from);
	} else if (name_is(name, "Authentication-Results")) {
		m->authres_seen++;
		if (authres_is_ours(value, len, m->settings->authserv_id)
		    && m->own_authres_count < MESSAGE_MAX_OWN_AUTHRES)
			m->own_authres[m->own_authres_count++] = m->authres_seen;
	}
	if (dkimv_header(m->dkim, name, value, len) < 0) {
		m->failure = "dkim-header";
		return -1;
	}
	return 0;
}

int
message_eoh(struct message *m)
{
	if (m->failure != NULL)
		return -1;
	if (dkimv_eoh(m->dkim) < 0) {
		m->failure = "dkim-eoh";
		return -1;
	}
	return 0;
}

int
message_body(struct message *m, const unsigned char *chunk, size_t len)
{
	if (m->failure != NULL)
		return -1;
	if (dkimv_body(m->dkim, chunk, len) < 0) {
		m->failure = "dkim-body";
		return -1;
	}
	return 0;
}

const struct verdict *
message_finish(struct message *m)
{
	if (!m->finished) {
		m->finished = 1;
		message_evaluate(m);
	}
	return &m->verdict;
}

void
message_free(struct message **mp)
{
	struct message *m = *mp;

	if (m == NULL)
		return;
	*mp = NULL;
	dkimv_free(&m->dkim);
	dmarc_discovery_clear(&m->dmarc);
	free(m->dkim_results);
	free(m->authres);
	free(m->queue_id);
	free(m->client_ip);
	free(m->client_name);
	free(m->helo);
	free(m->mail_from);
	free(m);
}
