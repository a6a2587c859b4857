/*
 * audit - the syslog line of each release and delete (see audit.h).
 *
 * Thread-safety: see audit.h.
 */
#include "audit.h"
#include "logtime.h"
#include "verdict.h"

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#define AUDIT_LINE 2048

struct line {
	char buf[AUDIT_LINE];
	size_t len;
};

/* put - append one byte, keeping room for the NUL (a too long line is cut) */
static void
put(struct line *l, char c)
{
	if (l->len + 1 < sizeof(l->buf))
		l->buf[l->len++] = c;
	l->buf[l->len] = '\0';
}

/* needs_quotes - the value must be written in double quotes */
static int
needs_quotes(const char *v)
{
	if (*v == '\0')
		return 1;
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p <= ' ' || *p > 0x7e || *p == '"' || *p == '\\' || *p == '=')
			return 1;
	return 0;
}

/* field - " key=value", quoted when needed; nothing when value is NULL */
static void
field(struct line *l, const char *key, const char *value)
{
	static const char hex[] = "0123456789abcdef";
	int quote;

	if (value == NULL)
		return;
	if (l->len > 0)
		put(l, ' ');
	for (const char *k = key; *k; k++)
		put(l, *k);
	put(l, '=');
	quote = needs_quotes(value);
	if (quote)
		put(l, '"');
	for (const unsigned char *p = (const unsigned char *)value; *p; p++) {
		if (*p == '"' || *p == '\\') {
			put(l, '\\');
			put(l, (char)*p);
		} else if (*p < 0x20 || *p == 0x7f) {
			put(l, '\\');
			put(l, 'x');
			put(l, hex[*p >> 4]);
			put(l, hex[*p & 15]);
		} else {
			put(l, (char)*p);
		}
	}
	if (quote)
		put(l, '"');
}

/* user_name - the real user's name, or its number */
static const char *
user_name(char *buf, size_t size)
{
	struct passwd pw, *found = NULL;
	char pwbuf[1024];

	if (getpwuid_r(getuid(), &pw, pwbuf, sizeof(pwbuf), &found) == 0 && found != NULL)
		snprintf(buf, size, "%s", pw.pw_name);
	else
		snprintf(buf, size, "%u", (unsigned)getuid());
	return buf;
}

void
audit_log(const char *action, const char *qid, const struct held *h, const char *result,
	  const char *detail, FILE *echo)
{
	struct line l = { .len = 0 };
	char user[256], uid[32], at[32], since[32];
	const struct verdict *v = h != NULL ? h->verdict : NULL;

	l.buf[0] = '\0';
	logtime_format_rfc3339(time(NULL), at, sizeof(at));
	snprintf(uid, sizeof(uid), "%u", (unsigned)getuid());
	field(&l, "action", action);
	field(&l, "qid", qid);
	field(&l, "result", result);
	field(&l, "user", user_name(user, sizeof(user)));
	field(&l, "uid", uid);
	field(&l, "sudo_user", getenv("SUDO_USER"));
	field(&l, "at", at);
	if (h != NULL) {
		logtime_format_rfc3339(h->arrival, since, sizeof(since));
		field(&l, "held_since", since);
		field(&l, "sender", h->sender);
		field(&l, "client", h->client_addr);
	}
	if (h != NULL)
		field(&l, "held_by", held_is_ours(h) ? "dmarcguard" : "other");
	if (v != NULL) {
		field(&l, "from", verdict_get(v, "from"));
		field(&l, "reason", verdict_get(v, "reason"));
		field(&l, "dmarc", verdict_get(v, "dmarc"));
	} else if (h != NULL) {
		field(&l, "reason", "no-alert");
	}
	field(&l, "detail", detail);
	openlog("dmarcguard-quarantine", LOG_PID, LOG_MAIL);
	syslog(strcmp(result, "done") == 0 ? LOG_NOTICE : LOG_WARNING, "%s", l.buf);
	closelog();
	if (echo != NULL)
		fprintf(echo, "%s\n", l.buf);
}
