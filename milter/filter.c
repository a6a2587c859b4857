/*
 * filter - libmilter callbacks (see filter.h).
 *
 * Per connection: client address and name, HELO, negotiated flags. Per
 * message (MAIL FROM to end of message or abort): a reference to the
 * runtime in force when it started, and the lib/ message evaluation.
 * Anything that goes wrong on a message ends in a 451 tempfail at end of
 * message: mail is never lost and never passed on doubt.
 *
 * A connection that admission.c refuses (MaxConnections reached, or a
 * graceful stop under way) negotiates a reply to connect and gets
 * "451 4.3.2" there, so the MTA is answered at once; any later message on
 * it ends in a tempfail.
 *
 * Thread-safety: see filter.h; the counts live in admission.c (atomics).
 */
#include "filter.h"
#include "admission.h"
#include "alert_log.h"
#include "log.h"
#include "metrics_record.h"
#include "negotiation.h"
#include "reply.h"
#include "runtime.h"

#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <time.h>

struct conn {
	unsigned long steps;		/* negotiated protocol flags */
	enum admission admission;	/* refused connections only answer 4xx */
	int in_message;			/* counted by admission_message_begin */
	char client_ip[INET6_ADDRSTRLEN];
	char client_name[256];
	char helo[256];
	struct runtime *rt;		/* of the message in progress */
	struct message *msg;
	const char *failure;		/* first internal error of the message */
};

static sfsistat
reply(struct conn *c, unsigned long no_reply_flag)
{
	return c != NULL ? negotiation_reply(c->steps, no_reply_flag) : SMFIS_CONTINUE;
}

/* conn_end_message - drop the message and its runtime reference */
static void
conn_end_message(struct conn *c)
{
	if (c->in_message)
		admission_message_end();
	c->in_message = 0;
	message_free(&c->msg);
	runtime_unref(&c->rt);
	c->failure = NULL;
}

/* conn_get - the connection's state, made on first use */
static struct conn *
conn_get(SMFICTX *ctx)
{
	struct conn *c = smfi_getpriv(ctx);

	if (c == NULL && (c = calloc(1, sizeof(*c))) != NULL) {
		smfi_setpriv(ctx, c);
		c->admission = admission_open();
	}
	return c;
}

/* on_negotiate - called once per milter connection, before connect */
static sfsistat
on_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2,
	     unsigned long f3, unsigned long *pf0, unsigned long *pf1,
	     unsigned long *pf2, unsigned long *pf3)
{
	struct conn *c = conn_get(ctx);

	(void)f2;
	(void)f3;
	if (c != NULL && c->admission == ADMISSION_CLOSE) {
		free(c);
		smfi_setpriv(ctx, NULL);
		c = NULL;
	}
	if (c == NULL)
		return SMFIS_REJECT;	/* libmilter closes the connection */
	negotiation_choose(f0, f1, pf0, pf1, pf2, pf3);
	if (c->admission != ADMISSION_ADMITTED)
		*pf1 &= ~(unsigned long)SMFIP_NR_CONN;	/* the refusal is the connect reply */
	c->steps = *pf1;
	/* The protocol's flags are 32 bits; libmilter widens them from a signed
	 * int, so a high bit set would print sign-extended as 64 bits. */
	if ((f0 & NEGOTIATION_ACTIONS) != NEGOTIATION_ACTIONS)
		log_msg(LOG_WARNING, "MTA lacks header or quarantine actions (offered 0x%08" PRIx32 ")",
			(uint32_t)f0);
	return SMFIS_CONTINUE;
}

/* address_text - sockaddr to text, IPv4-mapped IPv6 as IPv4 */
static void
address_text(const struct sockaddr *sa, char *out, size_t size)
{
	out[0] = '\0';
	if (sa == NULL)
		return;
	if (sa->sa_family == AF_INET) {
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)size);
	} else if (sa->sa_family == AF_INET6) {
		const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;

		if (IN6_IS_ADDR_V4MAPPED(a))
			inet_ntop(AF_INET, a->s6_addr + 12, out, (socklen_t)size);
		else
			inet_ntop(AF_INET6, a, out, (socklen_t)size);
	}
}

static sfsistat
on_connect(SMFICTX *ctx, char *hostname, _SOCK_ADDR *hostaddr)
{
	struct conn *c = conn_get(ctx);

	if (c == NULL)
		return SMFIS_TEMPFAIL;
	if (c->admission != ADMISSION_ADMITTED) {
		smfi_setreply(ctx, "451", "4.3.2", c->admission == ADMISSION_BUSY
			      ? "dmarcguard is busy, try again later"
			      : "dmarcguard is stopping, try again later");
		return SMFIS_TEMPFAIL;
	}
	address_text((const struct sockaddr *)hostaddr, c->client_ip, sizeof(c->client_ip));
	snprintf(c->client_name, sizeof(c->client_name), "%s", hostname ? hostname : "");
	return reply(c, SMFIP_NR_CONN);
}

static sfsistat
on_helo(SMFICTX *ctx, char *helo)
{
	struct conn *c = smfi_getpriv(ctx);

	if (c != NULL)
		snprintf(c->helo, sizeof(c->helo), "%s", helo ? helo : "");
	return reply(c, SMFIP_NR_HELO);
}

/* strip_angles - "<a@b>" to "a@b", in place */
static char *
strip_angles(char *addr)
{
	size_t n;

	if (addr == NULL)
		return "";
	addr += strspn(addr, " \t");
	n = strlen(addr);
	if (n >= 2 && addr[0] == '<' && addr[n - 1] == '>') {
		addr[n - 1] = '\0';
		addr++;
	}
	return addr;
}

static sfsistat
on_envfrom(SMFICTX *ctx, char **argv)
{
	struct conn *c = smfi_getpriv(ctx);
	struct envelope env;
	const char *error = NULL;
	const char *auth = smfi_getsymval(ctx, "{auth_authen}");

	if (c == NULL)
		return SMFIS_TEMPFAIL;
	conn_end_message(c);
	if (c->admission != ADMISSION_ADMITTED) {
		c->failure = "connection refused at connect";
		return reply(c, SMFIP_NR_MAIL);
	}
	admission_message_begin();
	c->in_message = 1;
	memset(&env, 0, sizeof(env));
	env.queue_id = smfi_getsymval(ctx, "i");
	env.client_ip = c->client_ip;
	env.client_name = c->client_name;
	env.helo = c->helo;
	env.mail_from = strip_angles(argv ? argv[0] : NULL);
	env.authenticated = auth != NULL && auth[0] != '\0';
	if ((c->rt = runtime_acquire()) == NULL)
		c->failure = "no configuration";
	else if ((c->msg = message_new(c->rt->engine, &c->rt->message_settings, &env,
				       &error)) == NULL)
		c->failure = error ? error : "cannot start evaluation";
	return reply(c, SMFIP_NR_MAIL);
}

/*
 * on_envrcpt - the first recipient's domain is the reports' envelope_to;
 * each may be protected from look-alikes
 */
static sfsistat
on_envrcpt(SMFICTX *ctx, char **argv)
{
	struct conn *c = smfi_getpriv(ctx);

	if (c != NULL && c->msg != NULL && c->failure == NULL && argv != NULL
	    && message_recipient(c->msg, strip_angles(argv[0])) < 0)
		c->failure = "recipient processing failed";
	return reply(c, SMFIP_NR_RCPT);
}

static sfsistat
on_header(SMFICTX *ctx, char *name, char *value)
{
	struct conn *c = smfi_getpriv(ctx);
	char *spaced = NULL;
	int rc = 0;

	if (c == NULL || c->msg == NULL || c->failure != NULL)
		return reply(c, SMFIP_NR_HDR);
	/* Without SMFIP_HDR_LEADSPC the MTA ate the space after the colon;
	 * put the usual one back so DKIM's simple canonicalization can work. */
	if (!(c->steps & SMFIP_HDR_LEADSPC) && asprintf(&spaced, " %s", value) < 0)
		rc = -1;
	if (rc == 0)
		rc = message_header(c->msg, name, spaced ? spaced : value,
				    strlen(spaced ? spaced : value));
	free(spaced);
	if (rc < 0)
		c->failure = "header processing failed";
	return reply(c, SMFIP_NR_HDR);
}

static sfsistat
on_eoh(SMFICTX *ctx)
{
	struct conn *c = smfi_getpriv(ctx);

	if (c != NULL && c->msg != NULL && c->failure == NULL && message_eoh(c->msg) < 0)
		c->failure = "end of headers failed";
	return reply(c, SMFIP_NR_EOH);
}

static sfsistat
on_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	struct conn *c = smfi_getpriv(ctx);

	if (c != NULL && c->msg != NULL && c->failure == NULL
	    && message_body(c->msg, chunk, len) < 0)
		c->failure = "body processing failed";
	return reply(c, SMFIP_NR_BODY);
}

/* apply_headers - drop A-R fields claiming our id, add ours on top */
static int
apply_headers(SMFICTX *ctx, const struct conn *c, const struct config *cfg,
	      const struct verdict *v)
{
	char value[8192];

	if (cfg->remove_own_authentication_results) {
		for (size_t i = v->own_authres_count; i > 0; i--)
			if (smfi_chgheader(ctx, "Authentication-Results",
					   (int)v->own_authres[i - 1], NULL) != MI_SUCCESS)
				return -1;
	}
	if (cfg->add_authentication_results && v->authres != NULL) {
		/* with SMFIP_HDR_LEADSPC the value carries its own leading space */
		snprintf(value, sizeof(value), "%s%s",
			 (c->steps & SMFIP_HDR_LEADSPC) ? " " : "", v->authres);
		if (smfi_insheader(ctx, 0, "Authentication-Results", value) != MI_SUCCESS)
			return -1;
	}
	return 0;
}

static sfsistat
tempfail(SMFICTX *ctx, const struct config *cfg, const char *domain, const char *reason)
{
	char text[1024];

	reply_expand(cfg ? cfg->tempfail_text : "Temporary failure, try again later",
		     domain, reason, text, sizeof(text));
	smfi_setreply(ctx, "451", "4.7.0", text);
	return SMFIS_TEMPFAIL;
}

static sfsistat
carry_out(SMFICTX *ctx, struct conn *c, const struct verdict *v)
{
	const struct config *cfg = c->rt->config;
	char text[1024], why[512];

	switch (v->decision.action) {
	case ACTION_ACCEPT:
		return SMFIS_ACCEPT;
	case ACTION_QUARANTINE:
		snprintf(why, sizeof(why), "dmarcguard: %s (From domain %s)", v->decision.reason,
			 v->from_domain[0] ? v->from_domain : "unknown");
		if (smfi_quarantine(ctx, why) != MI_SUCCESS) {
			log_queue(LOG_ERR, v->queue_id, "the MTA refused the quarantine request;"
				  " answering tempfail");
			return tempfail(ctx, cfg, v->from_domain, "quarantine-failed");
		}
		return SMFIS_ACCEPT;
	case ACTION_REJECT:
		reply_expand(cfg->reject_text, v->from_domain, v->decision.reason, text,
			     sizeof(text));
		smfi_setreply(ctx, "550", "5.7.1", text);
		return SMFIS_REJECT;
	case ACTION_TEMPFAIL:
		break;
	}
	return tempfail(ctx, cfg, v->from_domain, v->decision.reason);
}

/* elapsed_us - microseconds since start (CLOCK_MONOTONIC) */
static uint64_t
elapsed_us(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)(now.tv_sec - start->tv_sec) * 1000000u
	    + (uint64_t)((now.tv_nsec - start->tv_nsec) / 1000);
}

static sfsistat
verdict(SMFICTX *ctx)
{
	struct conn *c = smfi_getpriv(ctx);
	const struct verdict *v;
	const char *qid = smfi_getsymval(ctx, "i");
	const char *reason;
	enum action done;
	struct timespec start;
	uint64_t eval_us;
	sfsistat rc;

	if (c == NULL)
		return SMFIS_TEMPFAIL;
	if (c->msg == NULL || c->failure != NULL) {
		log_queue(LOG_ERR, qid, "internal error, answering tempfail: %s",
			  c->failure ? c->failure : "no message state");
		rc = tempfail(ctx, c->rt ? c->rt->config : NULL, "", "internal-error");
		metrics_record_failure(c->rt ? c->rt->metrics : NULL, "internal-error");
		conn_end_message(c);
		return rc;
	}
	if (qid != NULL)
		message_set_queue_id(c->msg, qid);
	clock_gettime(CLOCK_MONOTONIC, &start);
	v = message_finish(c->msg);
	eval_us = elapsed_us(&start);
	done = v->decision.action;
	reason = v->decision.reason;
	if (v->decision.action != ACTION_TEMPFAIL && apply_headers(ctx, c, c->rt->config, v) < 0) {
		log_queue(LOG_ERR, qid, "cannot change headers, answering tempfail");
		rc = tempfail(ctx, c->rt->config, v->from_domain, "header-change-failed");
		done = ACTION_TEMPFAIL;
		reason = "header-change-failed";
	} else if ((rc = carry_out(ctx, c, v)) == SMFIS_TEMPFAIL && done != ACTION_TEMPFAIL) {
		done = ACTION_TEMPFAIL;		/* the MTA refused the quarantine */
		reason = "quarantine-failed";
	}
	metrics_record_verdict(c->rt->metrics, v, done, reason, eval_us);
	alert_log(v);
	if (c->rt->recorder != NULL)
		report_recorder_push(c->rt->recorder, v, (int64_t)time(NULL));
	conn_end_message(c);
	return rc;
}

/* on_eom - the verdict; counted so that a stopping daemon waits for its reply */
static sfsistat
on_eom(SMFICTX *ctx)
{
	sfsistat rc;

	admission_verdict_begin();
	rc = verdict(ctx);
	admission_verdict_end();
	return rc;
}

static sfsistat
on_abort(SMFICTX *ctx)
{
	struct conn *c = smfi_getpriv(ctx);

	if (c != NULL)
		conn_end_message(c);
	return SMFIS_CONTINUE;
}

static sfsistat
on_close(SMFICTX *ctx)
{
	struct conn *c = smfi_getpriv(ctx);

	if (c != NULL) {
		conn_end_message(c);
		admission_close(c->admission);
		free(c);
		smfi_setpriv(ctx, NULL);
	}
	return SMFIS_CONTINUE;
}

static struct smfiDesc description = {
	.xxfi_name = "dmarcguard",
	.xxfi_version = SMFI_VERSION,
	.xxfi_flags = NEGOTIATION_ACTIONS,
	.xxfi_connect = on_connect,
	.xxfi_helo = on_helo,
	.xxfi_envfrom = on_envfrom,
	.xxfi_envrcpt = on_envrcpt,
	.xxfi_header = on_header,
	.xxfi_eoh = on_eoh,
	.xxfi_body = on_body,
	.xxfi_eom = on_eom,
	.xxfi_abort = on_abort,
	.xxfi_close = on_close,
	.xxfi_negotiate = on_negotiate,
};

struct smfiDesc *
filter_description(void)
{
	return &description;
}
