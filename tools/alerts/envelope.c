/*
 * envelope - syslog, journal and stderr line formats (see envelope.h).
 *
 * Thread-safety: see envelope.h.
 */
#include "envelope.h"
#include "journal_json.h"

#include <string.h>

#define IDENT "dmarcguard"
#define IDENT_LEN (sizeof(IDENT) - 1)

struct cursor {
	const char *p, *end;
};

/* token - the bytes up to the next space; the cursor moves past one space */
static size_t
token(struct cursor *c, const char **tok_r)
{
	const char *s = c->p;

	while (c->p < c->end && *c->p != ' ')
		c->p++;
	*tok_r = s;
	return (size_t)(c->p - s);
}

/* skip_space - step over one space, if there is one */
static void
skip_space(struct cursor *c)
{
	if (c->p < c->end && *c->p == ' ')
		c->p++;
}

/*
 * tag_kind - 1 for our tag ("dmarcguard:" or "dmarcguard[x]:"), 0 for
 * another program's, -1 for a token that is no tag (a host name).
 */
static int
tag_kind(const char *t, size_t n)
{
	const char *open;

	if (n < 2 || t[n - 1] != ':')
		return -1;
	n--;
	if ((open = memchr(t, '[', n)) != NULL) {
		if (t[n - 1] != ']' || open + 1 == t + n - 1)
			return -1;
		n = (size_t)(open - t);
	}
	return n == IDENT_LEN && memcmp(t, IDENT, IDENT_LEN) == 0;
}

/* stderr_level - the tag is "dmarcguard[<level word>]:", the -f form */
static int
stderr_level(const char *t, size_t n)
{
	return n > IDENT_LEN + 3 && t[IDENT_LEN] == '[' && t[IDENT_LEN + 1] >= 'a'
	       && t[IDENT_LEN + 1] <= 'z';
}

/* message - the rest after the tag: one space, then the message */
static void
message(struct cursor *c, struct envelope *env)
{
	while (c->p < c->end && *c->p == ' ')
		c->p++;
	env->msg = c->p;
	env->msg_len = (size_t)(c->end - c->p);
}

/* traditional - after a stamp: "[host ]tag: msg" */
static enum envelope_kind
traditional(struct cursor *c, struct envelope *env)
{
	const char *t;
	size_t n = token(c, &t);
	int kind = tag_kind(t, n);

	if (kind < 0) {
		skip_space(c);
		n = token(c, &t);
		kind = tag_kind(t, n);
	} else if (kind > 0 && stderr_level(t, n)) {
		env->origin = ENVELOPE_STDERR;
	}
	if (kind <= 0)
		return ENVELOPE_FOREIGN;
	message(c, env);
	return ENVELOPE_OURS;
}

/* rfc5424 - "TS HOST APP PROCID MSGID SD [MSG]" after "1 " */
static enum envelope_kind
rfc5424(struct logtime *lt, struct cursor *c, struct envelope *env)
{
	const char *t;
	size_t n, used;

	if (c->p < c->end && *c->p == '-') {
		c->p++;
	} else {
		if (logtime_parse_rfc3339(lt, c->p, (size_t)(c->end - c->p), &used, &env->when) < 0)
			return ENVELOPE_FOREIGN;
		env->has_time = 1;
		c->p += used;
	}
	skip_space(c);
	token(c, &t);			/* host */
	skip_space(c);
	n = token(c, &t);		/* app-name */
	if (n != IDENT_LEN || memcmp(t, IDENT, IDENT_LEN) != 0)
		return ENVELOPE_FOREIGN;
	skip_space(c);
	token(c, &t);			/* procid */
	skip_space(c);
	token(c, &t);			/* msgid */
	skip_space(c);
	if (c->p < c->end && *c->p == '[') {
		/* SD elements; "]" may hide inside a quoted, escaped value */
		int quoted = 0;

		while (c->p < c->end) {
			char ch = *c->p++;

			if (quoted && ch == '\\' && c->p < c->end)
				c->p++;
			else if (ch == '"')
				quoted = !quoted;
			else if (!quoted && ch == ']' && (c->p == c->end || *c->p != '['))
				break;
		}
	} else {
		token(c, &t);		/* "-" */
	}
	skip_space(c);
	if (c->end - c->p >= 3 && memcmp(c->p, "\xef\xbb\xbf", 3) == 0)
		c->p += 3;
	message(c, env);
	return ENVELOPE_OURS;
}

/*
 * unwrap_stderr - when the message is itself one of the daemon's stderr
 * lines (journald captured -f output), take the message inside it
 */
static void
unwrap_stderr(struct logtime *lt, struct envelope *env)
{
	struct cursor in = { env->msg, env->msg + env->msg_len };
	struct envelope inner = { 0 };
	time_t ignored;
	size_t used;

	if (env->msg_len == 0 || *env->msg < '0' || *env->msg > '9'
	    || logtime_parse_rfc3339(lt, in.p, env->msg_len, &used, &ignored) < 0)
		return;
	in.p += used;
	skip_space(&in);
	if (traditional(&in, &inner) == ENVELOPE_OURS && inner.origin == ENVELOPE_STDERR) {
		env->msg = inner.msg;
		env->msg_len = inner.msg_len;
		env->origin = ENVELOPE_STDERR;
	}
}

/* journal - a journalctl -o json line */
static enum envelope_kind
journal(struct logtime *lt, const char *line, size_t len, char *scratch, size_t size,
	struct envelope *env)
{
	struct journal_entry e;

	if (journal_json_parse(line, len, scratch, size, &e) < 0 || e.identifier == NULL
	    || e.identifier_len != IDENT_LEN || memcmp(e.identifier, IDENT, IDENT_LEN) != 0)
		return ENVELOPE_FOREIGN;
	env->when = e.when;
	env->has_time = e.has_time;
	if (e.message == NULL) {
		env->why = e.message_null ? "MESSAGE left out by journalctl (run it with --all)"
					  : "journal entry without MESSAGE";
		return ENVELOPE_UNUSABLE;
	}
	env->msg = e.message;
	env->msg_len = e.message_len;
	unwrap_stderr(lt, env);
	return ENVELOPE_OURS;
}

enum envelope_kind
envelope_parse(struct logtime *lt, const char *line, size_t len, char *scratch,
	       size_t scratch_size, struct envelope *env)
{
	struct cursor c = { line, line + len };
	enum envelope_kind kind;
	size_t used;

	memset(env, 0, sizeof(*env));
	if (len > 0 && line[0] == '{')
		return journal(lt, line, len, scratch, scratch_size, env);
	if (len > 0 && line[0] == '<') {
		for (c.p++; c.p < c.end && *c.p >= '0' && *c.p <= '9'; c.p++)
			;
		if (c.p == c.end || *c.p != '>' || c.p - line < 2 || c.p - line > 4)
			return ENVELOPE_FOREIGN;
		c.p++;
	}
	if (c.end - c.p >= 2 && c.p[0] == '1' && c.p[1] == ' ') {
		c.p += 2;
		kind = rfc5424(lt, &c, env);
	} else {
		if (c.p < c.end && *c.p >= '0' && *c.p <= '9') {
			if (logtime_parse_rfc3339(lt, c.p, (size_t)(c.end - c.p), &used,
						  &env->when) < 0)
				return ENVELOPE_FOREIGN;
		} else if (logtime_parse_rfc3164(lt, c.p, (size_t)(c.end - c.p), &used,
						 &env->when) < 0) {
			return ENVELOPE_FOREIGN;
		}
		env->has_time = 1;
		c.p += used;
		skip_space(&c);
		kind = traditional(&c, env);
	}
	if (kind == ENVELOPE_OURS && env->origin == ENVELOPE_SYSLOG)
		unwrap_stderr(lt, env);
	return kind;
}
