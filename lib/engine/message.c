/*
 * message - the push interface of one message evaluation (see message.h);
 * the evaluation itself is in message_verdict.c.
 *
 * As header fields pass, only what the verdict needs is kept: the count
 * of From fields and the parse of the first, and the positions of
 * Authentication-Results fields that claim our authserv-id. Every field
 * goes to the DKIM verifier and to the ARC verifier (which keeps the
 * fields from the first ARC field on, bounded, since the newest
 * ARC-Message-Signature may select any of them, and nothing of mail
 * without ARC fields).
 *
 * Thread-safety: one thread at a time per message.
 */
#include "message_state.h"
#include "authres.h"
#include "header_name.h"

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
	{
		const struct engine_settings *es = engine_settings(engine);
		struct arc_chain_settings as;

		arc_chain_settings_init(&as);
		as.min_rsa_bits = es->dkim.min_rsa_bits;
		as.timeout_ms = es->dkim.timeout_ms;
		if ((m->arc = arc_chain_new(&as, error_r)) == NULL) {
			message_free(&m);
			return NULL;
		}
	}
	return m;
}

int
message_recipient(struct message *m, const char *address)
{
	const char *at = address != NULL ? strrchr(address, '@') : NULL;
	size_t n;
	char *domain;

	if (at == NULL)
		return 0;
	n = strcspn(at + 1, ">");
	/* aggregate reports carry one envelope_to: the first recipient's domain */
	if (m->rcpt_first_domain == NULL && n > 0
	    && (m->rcpt_first_domain = strndup(at + 1, n)) == NULL)
		return -1;
	if (!m->settings->protect_recipients || m->rcpt_count == LOOKALIKE_MAX_EXTRA)
		return 0;
	for (size_t i = 0; i < m->rcpt_count; i++)
		if (strncasecmp(m->rcpt_domains[i], at + 1, n) == 0 && m->rcpt_domains[i][n] == '\0')
			return 0;
	if (n == 0 || (domain = strndup(at + 1, n)) == NULL)
		return n == 0 ? 0 : -1;
	m->rcpt_domains[m->rcpt_count++] = domain;
	return 0;
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

/* note_own_authres - remember this A-R field's position: every one is deleted */
static int
note_own_authres(struct message *m)
{
	if (m->own_authres_count == m->own_authres_alloc) {
		size_t n = m->own_authres_alloc ? 2 * m->own_authres_alloc : 8;
		size_t *grown = realloc(m->own_authres, n * sizeof(*grown));

		if (grown == NULL) {
			m->failure = "out-of-memory";
			return -1;
		}
		m->own_authres = grown;
		m->own_authres_alloc = n;
	}
	m->own_authres[m->own_authres_count++] = m->authres_seen;
	return 0;
}

/*
 * feed_dkim - one field to the verifier. A NUL byte has no place in a
 * header (RFC 5322) and libopendkim would hash the value only up to it, so
 * text appended after a NUL would still verify: each NUL becomes a byte no
 * signer signed ('?'), which breaks any signature over the field.
 */
static int
feed_dkim(struct message *m, const char *name, const char *value, size_t len)
{
	char *clean = NULL;
	int rc;

	if (memchr(value, '\0', len) != NULL) {
		if ((clean = malloc(len + 1)) == NULL) {
			m->failure = "out-of-memory";
			return -1;
		}
		for (size_t i = 0; i < len; i++)
			clean[i] = value[i] == '\0' ? '?' : value[i];
		clean[len] = '\0';
	}
	rc = dkimv_header(m->dkim, name, clean ? clean : value, len);
	free(clean);
	if (rc < 0) {
		m->failure = "dkim-header";
		return -1;
	}
	return 0;
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
	if (header_name_is(name, "From", 4)) {
		if (++m->from_count == 1) {
			from_header_parse(value, len, &m->from);
			if (display_name_extract(value, len, m->display, sizeof(m->display),
						 &m->display_problem) < 0)
				m->display[0] = '\0';
		}
	} else if (header_name_is(name, "Authentication-Results", 22)) {
		m->authres_seen++;
		if (authres_is_ours(value, len, m->settings->authserv_id)
		    && note_own_authres(m) < 0)
			return -1;
	}
	if (feed_dkim(m, name, value, len) < 0)
		return -1;
	/* ARC trouble is the chain's (it fails), never the message's */
	(void)arc_chain_header(m->arc, name, value, len);
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
	(void)arc_chain_eoh(m->arc);
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
	(void)arc_chain_body(m->arc, chunk, len);
	return 0;
}

const struct verdict *
message_finish(struct message *m)
{
	if (!m->finished) {
		m->finished = 1;
		message_verdict_evaluate(m);
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
	arc_chain_free(&m->arc);
	free(m->dkim_pass_domains);
	dmarc_discovery_clear(&m->dmarc);
	free(m->dkim_results);
	free(m->own_authres);
	for (size_t i = 0; i < m->rcpt_count; i++)
		free(m->rcpt_domains[i]);
	free(m->authres);
	free(m->rcpt_first_domain);
	free(m->queue_id);
	free(m->client_ip);
	free(m->client_name);
	free(m->helo);
	free(m->mail_from);
	free(m);
}
