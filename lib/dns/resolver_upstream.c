/*
 * resolver_upstream - where the resolver sends its queries (see
 * private/resolver_upstream.h): the Nameservers list parsed and checked,
 * forwarders with the special-use zones handed to them, the system's
 * resolv.conf, or recursion with the root trust anchor.
 *
 * Thread-safety: reentrant; the libunbound context is configured by the
 * thread that creates it, before any query.
 */
#include "resolver_upstream.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <unbound.h>

#define DEFAULT_RESOLV_CONF "/etc/resolv.conf"
#define DEFAULT_TRUST_ANCHOR "/usr/share/dns/root.key"

/*
 * parse_nameserver - one "host[@port]" token into unbound's "addr@port".
 * IPv6 literals may be bracketed: "[::1]@53" as well as "::1@53".
 */
static int
parse_nameserver(const char *tok, size_t len, char *out, size_t size,
		 const char **error_r)
{
	char host[INET6_ADDRSTRLEN + 3], buf[16];
	const char *at = memchr(tok, '@', len);
	size_t hostlen = at ? (size_t)(at - tok) : len;
	unsigned char addr[16];
	long port = 53;

	if (hostlen >= sizeof(host) || hostlen == 0) {
		*error_r = "nameserver address missing or too long";
		return -1;
	}
	memcpy(host, tok, hostlen);
	host[hostlen] = '\0';
	if (host[0] == '[' && host[hostlen - 1] == ']') {
		memmove(host, host + 1, hostlen - 2);
		host[hostlen - 2] = '\0';
	}
	if (inet_pton(AF_INET, host, addr) != 1 && inet_pton(AF_INET6, host, addr) != 1) {
		*error_r = "nameserver must be an IPv4 or IPv6 address, not a host name";
		return -1;
	}
	if (at != NULL) {
		size_t plen = len - hostlen - 1;
		char *end;

		if (plen == 0 || plen >= sizeof(buf)) {
			*error_r = "nameserver port missing or too long";
			return -1;
		}
		memcpy(buf, at + 1, plen);
		buf[plen] = '\0';
		port = strtol(buf, &end, 10);
		if (*end != '\0' || port < 1 || port > 65535) {
			*error_r = "nameserver port must be a number from 1 to 65535";
			return -1;
		}
	}
	if (out != NULL)
		snprintf(out, size, "%s@%ld", host, port);
	return 0;
}

/*
 * for_each_nameserver - call fn for each entry of the list; stops at the
 * first error. Returns the entry count or -1.
 */
static int
for_each_nameserver(const char *list, struct ub_ctx *ub, const char **error_r)
{
	int count = 0;

	for (const char *p = list; p != NULL && *p != '\0';) {
		char entry[INET6_ADDRSTRLEN + 16];
		size_t len;
		int err;

		p += strspn(p, " \t,");
		if ((len = strcspn(p, " \t,")) == 0)
			break;
		if (parse_nameserver(p, len, entry, sizeof(entry), error_r) < 0)
			return -1;
		if (ub != NULL && (err = ub_ctx_set_fwd(ub, entry)) != 0) {
			*error_r = ub_strerror(err);
			return -1;
		}
		count++;
		p += len;
	}
	return count;
}

/* resolver_upstream_check - resolver_check_nameservers (see resolver.h) */
int
resolver_upstream_check(const char *list, const char **error_r)
{
	int n = for_each_nameserver(list, NULL, error_r);

	if (n == 0) {
		*error_r = "empty nameserver list";
		return -1;
	}
	return n;
}

/*
 * Reverse and special-use zones that libunbound answers locally with
 * NXDOMAIN by default. When we forward, the upstream resolver decides about
 * them: private networks have PTR records there, and test networks use the
 * documentation ranges.
 */
static const char *const forward_nodefault_zones[] = {
	"10.in-addr.arpa.", "168.192.in-addr.arpa.", "16.172.in-addr.arpa.",
	"17.172.in-addr.arpa.", "18.172.in-addr.arpa.", "19.172.in-addr.arpa.",
	"20.172.in-addr.arpa.", "21.172.in-addr.arpa.", "22.172.in-addr.arpa.",
	"23.172.in-addr.arpa.", "24.172.in-addr.arpa.", "25.172.in-addr.arpa.",
	"26.172.in-addr.arpa.", "27.172.in-addr.arpa.", "28.172.in-addr.arpa.",
	"29.172.in-addr.arpa.", "30.172.in-addr.arpa.", "31.172.in-addr.arpa.",
	"2.0.192.in-addr.arpa.", "100.51.198.in-addr.arpa.",
	"113.0.203.in-addr.arpa.", "8.b.d.0.1.0.0.2.ip6.arpa.", "test.",
};

static int
forward_everything(struct ub_ctx *ub, const char **error_r)
{
	size_t n = sizeof(forward_nodefault_zones) / sizeof(forward_nodefault_zones[0]);
	int err;

	for (size_t i = 0; i < n; i++) {
		if ((err = ub_ctx_zone_add(ub, forward_nodefault_zones[i], "nodefault")) != 0) {
			*error_r = ub_strerror(err);
			return -1;
		}
	}
	return 0;
}

int
resolver_upstream_configure(struct ub_ctx *ub, const struct resolver_settings *s,
			    const char **error_r)
{
	int err;

	/* Forwarders on loopback (a local cache, our test servers) must work. */
	if ((err = ub_ctx_set_option(ub, "do-not-query-localhost:", "no")) != 0)
		goto fail;
	if (s->nameservers != NULL && s->nameservers[strspn(s->nameservers, " \t,")] != '\0')
		return resolver_upstream_check(s->nameservers, error_r) < 0
		    || for_each_nameserver(s->nameservers, ub, error_r) < 0
		    || forward_everything(ub, error_r) < 0 ? -1 : 0;
	if (s->recursive) {
		const char *ta = s->trust_anchor_file ? s->trust_anchor_file : DEFAULT_TRUST_ANCHOR;

		if (access(ta, R_OK) == 0 && (err = ub_ctx_add_ta_file(ub, ta)) != 0)
			goto fail;
		return 0;
	}
	if ((err = ub_ctx_resolvconf(ub, s->resolv_conf ? s->resolv_conf
				     : DEFAULT_RESOLV_CONF)) != 0)
		goto fail;
	return forward_everything(ub, error_r);
fail:
	*error_r = ub_strerror(err);
	return -1;
}
