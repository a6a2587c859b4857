/*
 * offline - evaluate one message file and print the verdict (see
 * offline.h).
 *
 * Thread-safety: single-threaded use.
 */
#include "offline.h"
#include "alert.h"
#include "message.h"
#include "message_reader.h"
#include "report_recorder.h"
#include "runtime.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <time.h>

static int
on_header(void *ctx, const char *name, const char *value, size_t len)
{
	return message_header(ctx, name, value, len);
}

static int
on_eoh(void *ctx)
{
	return message_eoh(ctx);
}

static int
on_body(void *ctx, const unsigned char *chunk, size_t len)
{
	return message_body(ctx, chunk, len);
}

/* check_request - every argument there and sane; 0 or -1 with a message */
static int
check_request(const struct offline_request *r, FILE *err)
{
	unsigned char addr[16];

	if (r->client_ip == NULL || r->helo == NULL || r->mail_from == NULL) {
		fprintf(err, "dmarcguard: --test needs --client-ip, --helo and --mail-from"
			" (use --mail-from '' for the null sender)\n");
		return -1;
	}
	if (inet_pton(AF_INET, r->client_ip, addr) != 1
	    && inet_pton(AF_INET6, r->client_ip, addr) != 1) {
		fprintf(err, "dmarcguard: --client-ip \"%s\" is not an IPv4 or IPv6 address\n",
			r->client_ip);
		return -1;
	}
	return 0;
}

/*
 * record - with ReportStore set, record the verdict as the daemon would
 * and say how it went (the verdict printed above is the same either way)
 */
static void
record(const struct config *config, const struct verdict *v, FILE *err)
{
	struct report_recorder *rec;
	struct report_recorder_stats st;
	const char *why = NULL;

	if (config->report_store[0] == '\0')
		return;
	if ((rec = report_recorder_new(config->report_store, 16, &why)) == NULL) {
		fprintf(err, "dmarcguard: report store: %s\n", why);
		return;
	}
	report_recorder_push(rec, v, (int64_t)time(NULL));
	report_recorder_free(&rec, &st);	/* writes what was queued */
	fprintf(err, "dmarcguard: report store: %llu recorded, %llu dropped\n",
		(unsigned long long)st.written, (unsigned long long)st.dropped);
}

int
offline_run(struct config *config, const struct offline_request *r, FILE *out, FILE *err)
{
	struct runtime *rt;
	struct message *msg;
	struct envelope env = { 0 };
	const struct verdict *v;
	const char *why = NULL;
	char line[ALERT_LINE_MAX];
	FILE *f;
	int rc;

	if (check_request(r, err) < 0)
		return 2;
	if ((f = fopen(r->message_path, "r")) == NULL) {
		fprintf(err, "dmarcguard: %s: %s\n", r->message_path, strerror(errno));
		return 2;
	}
	if ((rt = runtime_new(config_ref(config), NULL, &why)) == NULL) {
		fprintf(err, "dmarcguard: cannot start the evaluation engine: %s\n", why);
		fclose(f);
		return 1;
	}
	env.queue_id = "OFFLINE";
	env.client_ip = r->client_ip;
	env.client_name = r->client_name ? r->client_name : "";
	env.helo = r->helo;
	env.mail_from = strcmp(r->mail_from, "<>") == 0 ? "" : r->mail_from;
	env.authenticated = r->authenticated;
	if ((msg = message_new(rt->engine, &rt->message_settings, &env, &why)) == NULL) {
		fprintf(err, "dmarcguard: cannot start the evaluation: %s\n", why);
		fclose(f);
		runtime_unref(&rt);
		return 1;
	}
	/* the recipient's domain is protected from look-alikes, as at RCPT TO */
	if (r->rcpt != NULL && message_recipient(msg, r->rcpt) < 0) {
		fprintf(err, "dmarcguard: out of memory\n");
		message_free(&msg);
		fclose(f);
		runtime_unref(&rt);
		return 1;
	}
	struct message_reader_sink sink = { on_header, on_eoh, on_body, msg };

	rc = message_reader_feed(f, &sink);
	fclose(f);
	if (rc == -2) {
		fprintf(err, "dmarcguard: %s: read error or header line over 1 MB\n",
			r->message_path);
		message_free(&msg);
		runtime_unref(&rt);
		return 2;
	}
	/* a sink failure is recorded in the message and ends in its verdict */
	v = message_finish(msg);
	alert_format(v, line, sizeof(line));
	fprintf(out, "%s\n", line);
	if (v->authres != NULL)
		fprintf(out, "Authentication-Results: %s\n", v->authres);
	record(config, v, err);
	message_free(&msg);
	runtime_unref(&rt);
	return 0;
}
