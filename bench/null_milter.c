/*
 * null_milter - the cost of libmilter alone, for bench/run.sh.
 *
 * A milter that negotiates exactly the protocol steps, no-reply flags and
 * actions dmarcguard does (milter/negotiation.h) and does nothing else: every
 * callback continues (without a reply where the step was negotiated
 * no-reply, as libmilter requires), and at end of message it inserts one fixed
 * Authentication-Results field and accepts, as dmarcguard's lightest
 * verdict does. Run under the same load as dmarcguard, its CPU per message
 * is the floor that libmilter's protocol handling (reads, polls, its
 * worker pool's hand-offs) puts under any milter built on it; the
 * difference is what dmarcguard's evaluation costs. Not a test, and not
 * installed.
 *
 *   dmarcguard-null-milter unix:/path/to/socket
 *
 * Runs until SIGTERM or SIGINT (libmilter's own handling).
 *
 * Thread-safety: the only state is each connection's negotiated steps,
 * in its own libmilter private pointer.
 */
#include <libmilter/mfapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "negotiation.h"

/* reply - what libmilter expects back for a step, by this connection's negotiation */
static sfsistat
reply(SMFICTX *ctx, unsigned long no_reply_flag)
{
	const unsigned long *steps = smfi_getpriv(ctx);

	return steps != NULL ? negotiation_reply(*steps, no_reply_flag) : SMFIS_CONTINUE;
}

static sfsistat
on_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2,
	     unsigned long f3, unsigned long *pf0, unsigned long *pf1,
	     unsigned long *pf2, unsigned long *pf3)
{
	unsigned long *steps = smfi_getpriv(ctx);

	(void)f2;
	(void)f3;
	if (steps == NULL && ((steps = malloc(sizeof(*steps))) == NULL
			      || smfi_setpriv(ctx, steps) != MI_SUCCESS)) {
		free(steps);
		return SMFIS_REJECT;
	}
	negotiation_choose(f0, f1, pf0, pf1, pf2, pf3);
	*steps = *pf1;
	return SMFIS_CONTINUE;
}

static sfsistat
on_connect(SMFICTX *ctx, char *hostname, _SOCK_ADDR *hostaddr)
{
	(void)hostname;
	(void)hostaddr;
	return reply(ctx, SMFIP_NR_CONN);
}

static sfsistat
on_helo(SMFICTX *ctx, char *helo)
{
	(void)helo;
	return reply(ctx, SMFIP_NR_HELO);
}

static sfsistat
on_envfrom(SMFICTX *ctx, char **argv)
{
	(void)argv;
	return reply(ctx, SMFIP_NR_MAIL);
}

static sfsistat
on_envrcpt(SMFICTX *ctx, char **argv)
{
	(void)argv;
	return reply(ctx, SMFIP_NR_RCPT);
}

static sfsistat
on_header(SMFICTX *ctx, char *name, char *value)
{
	(void)name;
	(void)value;
	return reply(ctx, SMFIP_NR_HDR);
}

static sfsistat
on_eoh(SMFICTX *ctx)
{
	return reply(ctx, SMFIP_NR_EOH);
}

static sfsistat
on_body(SMFICTX *ctx, unsigned char *chunk, size_t len)
{
	(void)chunk;
	(void)len;
	return reply(ctx, SMFIP_NR_BODY);
}

static sfsistat
on_eom(SMFICTX *ctx)
{
	char value[] = " bench.example; spf=none smtp.mailfrom=example.org;"
		       "\n\tdkim=none; dmarc=none header.from=example.org";

	if (smfi_insheader(ctx, 0, "Authentication-Results", value) != MI_SUCCESS)
		return SMFIS_TEMPFAIL;
	return SMFIS_ACCEPT;
}

static sfsistat
on_close(SMFICTX *ctx)
{
	free(smfi_getpriv(ctx));
	smfi_setpriv(ctx, NULL);
	return SMFIS_CONTINUE;
}

static struct smfiDesc description = {
	.xxfi_name = "dmarcguard-null-milter",
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
	.xxfi_close = on_close,
	.xxfi_negotiate = on_negotiate,
};

int
main(int argc, char **argv)
{
	if (argc != 2 || strncmp(argv[1], "unix:", 5) != 0) {
		fprintf(stderr, "usage: dmarcguard-null-milter unix:/path/to/socket\n");
		return 2;
	}
	if (smfi_setconn(argv[1]) != MI_SUCCESS || smfi_register(description) != MI_SUCCESS
	    || smfi_opensocket(1) != MI_SUCCESS) {
		fprintf(stderr, "dmarcguard-null-milter: cannot listen on %s\n", argv[1]);
		return 1;
	}
	return smfi_main() == MI_SUCCESS ? 0 : 1;
}
