/*
 * filter - alert filters from the command line (see filter.h).
 *
 * Thread-safety: see filter.h.
 */
#include "filter.h"
#include "logtime.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char time_help[] =
	"expected \"YYYY-MM-DD\", \"YYYY-MM-DD HH:MM[:SS]\" or \"YYYY-MM-DDTHH:MM:SS\"";

void
filter_init(struct filter *f)
{
	memset(f, 0, sizeof(*f));
}

int
filter_set_since(struct filter *f, const char *arg, const char **error_r)
{
	if (logtime_parse_arg(arg, &f->since) < 0) {
		*error_r = time_help;
		return -1;
	}
	f->has_since = 1;
	return 0;
}

int
filter_set_until(struct filter *f, const char *arg, const char **error_r)
{
	char day_end[32];

	/* A bare date means up to the end of that day. */
	if (strlen(arg) == 10) {
		snprintf(day_end, sizeof(day_end), "%s 23:59:59", arg);
		arg = day_end;
	}
	if (logtime_parse_arg(arg, &f->until) < 0) {
		*error_r = time_help;
		return -1;
	}
	f->has_until = 1;
	return 0;
}

int
filter_set_actions(struct filter *f, const char *arg, const char **error_r)
{
	const char *p = arg;

	while (*p != '\0') {
		size_t n = strcspn(p, ",");
		char word[16];
		int code;

		if (n == 0 || n >= sizeof(word)) {
			*error_r = "expected accept, quarantine, reject or tempfail (comma list)";
			return -1;
		}
		memcpy(word, p, n);
		word[n] = '\0';
		if ((code = record_action_code(word)) < 0) {
			*error_r = "expected accept, quarantine, reject or tempfail (comma list)";
			return -1;
		}
		f->actions |= 1u << code;
		p += n;
		if (*p == ',' && *++p == '\0') {
			*error_r = "trailing comma";
			return -1;
		}
	}
	if (f->actions == 0) {
		*error_r = "expected accept, quarantine, reject or tempfail (comma list)";
		return -1;
	}
	return 0;
}

/* domain_arg - "D" or ".D" (D and its subdomains) into *name_r; 0 or -1 */
static int
domain_arg(const char *arg, const char **name_r, int *subdomains_r, const char **error_r)
{
	*subdomains_r = arg[0] == '.';
	*name_r = arg + *subdomains_r;
	if ((*name_r)[0] == '\0' || strchr(*name_r, ' ') != NULL) {
		*error_r = "expected a domain name, or .domain for it and its subdomains";
		return -1;
	}
	return 0;
}

int
filter_set_domain(struct filter *f, const char *arg, const char **error_r)
{
	return domain_arg(arg, &f->domain, &f->domain_and_subdomains, error_r);
}

int
filter_set_forwarder(struct filter *f, const char *arg, const char **error_r)
{
	return domain_arg(arg, &f->forwarder, &f->forwarder_and_subdomains, error_r);
}

int
filter_set_reasons(struct filter *f, const char *arg, const char **error_r)
{
	static const char help[] = "expected a comma list of reason codes (code* for a prefix)";
	const char *p = arg;

	if (*p == '\0') {
		*error_r = help;
		return -1;
	}
	/* Codes are open-ended (docs/alerts.md adds some now and then), so
	 * only their shape is checked: letters, digits and hyphens, one
	 * optional trailing star. */
	while (*p != '\0') {
		size_t n = strspn(p, "abcdefghijklmnopqrstuvwxyz0123456789-");

		if (p[n] == '*')
			n++;
		if (n == 0 || (p[n] != ',' && p[n] != '\0') || (n == 1 && p[0] == '*')) {
			*error_r = help;
			return -1;
		}
		p += n;
		if (*p == ',' && *++p == '\0') {
			*error_r = "trailing comma";
			return -1;
		}
	}
	f->reasons = arg;
	return 0;
}

int
filter_set_client(struct filter *f, const char *arg, const char **error_r)
{
	char addr[64];
	const char *slash = strchr(arg, '/');
	size_t n = slash ? (size_t)(slash - arg) : strlen(arg);
	int bits;

	if (n >= sizeof(addr))
		goto name;
	memcpy(addr, arg, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET, addr, f->client_net) == 1) {
		f->client_family = AF_INET;
		bits = 32;
	} else if (inet_pton(AF_INET6, addr, f->client_net) == 1) {
		f->client_family = AF_INET6;
		bits = 128;
	} else {
		goto name;
	}
	f->client_prefix = bits;
	if (slash != NULL) {
		char *end;
		long prefix = strtol(slash + 1, &end, 10);

		if (slash[1] == '\0' || *end != '\0' || prefix < 0 || prefix > bits) {
			*error_r = "bad network prefix length";
			return -1;
		}
		f->client_prefix = (int)prefix;
	}
	return 0;
name:
	if (slash != NULL || arg[0] == '\0') {
		*error_r = "expected an address, a network (CIDR) or a host name";
		return -1;
	}
	f->client_name = arg;
	return 0;
}

int
filter_check(const struct filter *f, const char **error_r)
{
	if (f->has_since && f->has_until && f->since > f->until) {
		*error_r = "--since is after --until";
		return -1;
	}
	return 0;
}

/* prefix_equal - the first bits bits of a and b agree */
static int
prefix_equal(const unsigned char *a, const unsigned char *b, int bits)
{
	int whole = bits / 8, rest = bits % 8;

	if (memcmp(a, b, (size_t)whole) != 0)
		return 0;
	if (rest == 0)
		return 1;
	return ((a[whole] ^ b[whole]) & (0xff << (8 - rest))) == 0;
}

/* client_match - --client against the alert's address or host name */
static int
client_match(const struct filter *f, const struct record *r)
{
	unsigned char addr[16];

	if (f->client_name != NULL)
		return strcasecmp(f->client_name, r->client) == 0;
	if (inet_pton(f->client_family, r->ip, addr) != 1)
		return 0;
	return prefix_equal(addr, f->client_net, f->client_prefix);
}

/* domain_match - name is want (or under it, with subdomains), case-insensitive */
static int
domain_match(const char *want, int subdomains, const char *name)
{
	size_t n = strlen(name), d = strlen(want);

	if (strcasecmp(name, want) == 0)
		return 1;
	return subdomains && n > d && name[n - d - 1] == '.'
	       && strcasecmp(name + n - d, want) == 0;
}

/* reason_match - the reason is one of the --reason list (code* a prefix) */
static int
reason_match(const char *list, const char *reason)
{
	size_t len = strlen(reason);

	while (*list != '\0') {
		size_t n = strcspn(list, ",");

		if (list[n - 1] == '*' ? len >= n - 1 && strncmp(reason, list, n - 1) == 0
		    : len == n && strncmp(reason, list, n) == 0)
			return 1;
		list += n + (list[n] == ',');
	}
	return 0;
}

/* forwarder_match - --forwarder against the forwarder that lifted the alert */
static int
forwarder_match(const struct filter *f, const struct record *r)
{
	int via_arc;
	const char *who = record_forwarder(r, &via_arc);

	return who != NULL && domain_match(f->forwarder, f->forwarder_and_subdomains, who);
}

int
filter_match(const struct filter *f, const struct record *r)
{
	if ((f->has_since || f->has_until) && !r->has_time)
		return 0;
	if (f->has_since && r->when < f->since)
		return 0;
	if (f->has_until && r->when > f->until)
		return 0;
	if (f->actions != 0 && !(f->actions & (1u << r->action_code))
	    && !(r->is_dry_run && (f->actions & (1u << r->would_code))))
		return 0;
	if (f->domain != NULL && !domain_match(f->domain, f->domain_and_subdomains, r->from))
		return 0;
	if (f->forwarder != NULL && !forwarder_match(f, r))
		return 0;
	if (f->reasons != NULL && !reason_match(f->reasons, r->reason))
		return 0;
	if (f->client_family != 0 || f->client_name != NULL)
		if (!client_match(f, r))
			return 0;
	return 1;
}
