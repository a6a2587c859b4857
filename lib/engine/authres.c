/*
 * authres - format our Authentication-Results and recognise ours (see
 * authres.h).
 *
 * Thread-safety: pure.
 */
#include "authres.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* skip_cfws - past white space, folds and (nested) comments */
static size_t
skip_cfws(const char *s, size_t len, size_t i)
{
	int depth = 0;

	while (i < len) {
		char c = s[i];

		if (depth > 0) {
			if (c == '\\' && i + 1 < len)
				i++;
			else if (c == '(')
				depth++;
			else if (c == ')')
				depth--;
		} else if (c == '(') {
			depth = 1;
		} else if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
			break;
		}
		i++;
	}
	return i;
}

int
authres_is_ours(const char *value, size_t len, const char *authserv_id)
{
	size_t start = skip_cfws(value, len, 0), end = start;
	size_t idlen = strlen(authserv_id);

	while (end < len && value[end] != ';' && value[end] != '(' && value[end] != ' '
	       && value[end] != '\t' && value[end] != '\r' && value[end] != '\n')
		end++;
	/* a quoted authserv-id is a value too: "id" */
	if (end - start >= 2 && value[start] == '"' && value[end - 1] == '"') {
		start++;
		end--;
	}
	return end - start == idlen && idlen > 0
	    && strncasecmp(value + start, authserv_id, idlen) == 0;
}

struct out {
	char *buf;
	size_t size, len;
	int overflow;
};

static void put(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
put(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= o->size - o->len)
		o->overflow = 1;
	else
		o->len += (size_t)n;
}

/* is_token - RFC 2045 token, so it may stand unquoted as a value */
static int
is_token(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f
		    || strchr("()<>@,;:\\\"/[]?=", *s) != NULL)
			return 0;
	return 1;
}

/* put_value - a property value: a token as it is... */
static void
put_value(struct out *o, const char *v)
{
	if (is_token(v)) {
		put(o, "%s", v);
		return;
	}
	/* ...otherwise a quoted-string with only printable ASCII kept */
	put(o, "\"");
	for (; *v; v++) {
		unsigned char c = (unsigned char)*v;

		if (c == '"' || c == '\\')
			put(o, "\\%c", c);
		else if (c >= ' ' && c < 0x7f)
			put(o, "%c", c);
	}
	put(o, "\"");
}

static void
put_spf(struct out *o, const struct verdict *v)
{
	put(o, ";\n\tspf=%s", v->spf.result);
	if (v->spf.problem != NULL && v->spf.problem[0] != '\0') {
		put(o, " reason=");
		put_value(o, v->spf.problem);
	}
	if (v->spf.domain != NULL && v->spf.domain[0] != '\0') {
		put(o, strcmp(v->spf.identity, "helo") == 0 ? " smtp.helo=" : " smtp.mailfrom=");
		put_value(o, v->spf.domain);
	}
}

static void
put_dkim(struct out *o, const struct verdict *v)
{
	if (v->dkim_count == 0 && v->dkim_skipped == 0) {
		put(o, ";\n\tdkim=none");
		return;
	}
	for (size_t i = 0; i < v->dkim_count; i++) {
		const struct verdict_dkim *d = &v->dkim[i];

		put(o, ";\n\tdkim=%s", d->result);
		if (d->reason != NULL) {
			put(o, " reason=");
			put_value(o, d->reason);
		}
		if (d->domain[0] != '\0') {
			put(o, " header.d=");
			put_value(o, d->domain);
		}
		if (d->selector[0] != '\0') {
			put(o, " header.s=");
			put_value(o, d->selector);
		}
		if (d->algorithm[0] != '\0') {
			put(o, " header.a=");
			put_value(o, d->algorithm);
		}
	}
	/* fields past MaxSignatures were never parsed: one entry for them all */
	if (v->dkim_skipped > 0)
		put(o, ";\n\tdkim=none reason=over-signature-limit (%zu signatures not evaluated)",
		    v->dkim_skipped);
}

/* disposition - RFC 7489's words for what was applied: none, quarantine, reject */
static const char *
disposition(enum action a)
{
	return a == ACTION_ACCEPT ? "none" : action_name(a);
}

static void
put_dmarc(struct out *o, const struct verdict *v)
{
	const struct policy_decision *d = &v->decision;

	if (v->from_problem != NULL) {
		put(o, ";\n\tdmarc=permerror reason=");
		put_value(o, v->from_problem);
	} else {
		put(o, ";\n\tdmarc=%s", policy_outcome_name(v->dmarc));
		/* RFC 9989 removed pct: the comment names the discovery method instead */
		if (v->record_found)
			put(o, " (p=%s sp=%s dis=%s discovery=%s)", dmarc_record_request_name(v->p),
			    dmarc_record_request_name(v->sp), disposition(d->would_action),
			    v->discovery != NULL ? v->discovery : "treewalk");
		if (v->from_domain[0] != '\0') {
			put(o, " header.from=");
			put_value(o, v->from_domain);
		}
	}
	put(o, "\n\tpolicy.dmarc=%s", disposition(d->would_action));
	if (d->dry_run)
		put(o, " (dry run: accepted)");
	/* a trusted forwarder lifted the disposition: say whose word it was */
	if (v->forwarded == FORWARDER_ARC && v->arc_sealer != NULL && is_token(v->arc_sealer))
		put(o, " (forwarded-arc: sealer %s i=%u)", v->arc_sealer, v->arc_instance);
	else if (v->forwarded == FORWARDER_TRUSTED && v->forwarder != NULL
		 && is_token(v->forwarder))
		put(o, " (forwarded-trusted: %s)", v->forwarder);
}

/* put_arc - RFC 8617 registers "arc" for Authentication-Results */
static void
put_arc(struct out *o, const struct verdict *v)
{
	put(o, ";\n\tarc=%s", v->arc != NULL ? v->arc : "none");
	if (v->arc_reason != NULL) {
		put(o, " reason=");
		put_value(o, v->arc_reason);
	}
}

size_t
authres_format(const struct verdict *v, const char *authserv_id, char *buf, size_t size)
{
	struct out o = { .buf = buf, .size = size };

	if (size == 0)
		return 0;
	buf[0] = '\0';
	put_value(&o, authserv_id);
	put_spf(&o, v);
	put_dkim(&o, v);
	put_arc(&o, v);
	put_dmarc(&o, v);
	if (o.overflow) {
		buf[0] = '\0';
		return 0;
	}
	return o.len;
}
