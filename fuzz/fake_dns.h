/*
 * fake_dns - an in-process UDP DNS responder for the fuzz harnesses that
 * need DNS (fuzz_spf, fuzz_message).
 *
 * lib/ has no resolver seam yet, so these harnesses run the real resolver
 * (libunbound behind our cache) forwarding to this responder on
 * 127.0.0.1:PORT, and the fuzz input supplies the zone it answers from.
 * The zone is text, one record a line, so seeds stay readable:
 *
 *	NAME A 192.0.2.1
 *	NAME AAAA 2001:db8::1
 *	NAME MX 10 mx.example.org
 *	NAME PTR host.example.org
 *	NAME CNAME other.example.org
 *	NAME TXT any bytes up to the end of the line (cut into 255-byte strings)
 *	NAME SERVFAIL [TYPE]	NAME and every name below it answer SERVFAIL
 *	NAME REFUSED [TYPE]	(for every type, or only for TYPE)
 *	NAME NXDOMAIN
 *
 * Names compare case-insensitively without a trailing dot. A name with
 * records but none of the asked type is NODATA; an unknown name is
 * NXDOMAIN. Every answer has TTL 0 and negative answers carry a root SOA
 * with TTL and minimum 0, so neither libunbound nor our cache keeps
 * anything from one fuzz input to the next, except what fake_dns_failed
 * reports (the harness then renews the resolver). Malformed lines are
 * skipped.
 *
 * Replies are always well formed (ID, question and flags echoed) and fit
 * in 1232 bytes: raw wire parsing is fuzz_dns_answer's job, and a
 * forwarder that misbehaves would only get itself shunned by libunbound.
 *
 * Thread-safety: fake_dns_load swaps the zone under a mutex; the
 * responder thread reads it under the same mutex.
 */
#ifndef DMARCGUARD_FUZZ_FAKE_DNS_H
#define DMARCGUARD_FUZZ_FAKE_DNS_H

#include <stddef.h>

struct fake_dns;

/* fake_dns_start - bind 127.0.0.1 on a free port and start answering; NULL on error */
struct fake_dns *fake_dns_start(void);
/* fake_dns_address - "127.0.0.1@PORT" for resolver_settings.nameservers */
const char *fake_dns_address(const struct fake_dns *dns);
/* fake_dns_load - replace the zone with the one in text[0..len) */
void fake_dns_load(struct fake_dns *dns, const char *text, size_t len);
/*
 * fake_dns_rcode - the rcode the responder gives (qname, qtype): 0 (records
 * or NODATA), 2 (SERVFAIL), 3 (NXDOMAIN) or 5 (REFUSED); -1 for a name too long
 */
int fake_dns_rcode(struct fake_dns *dns, const char *qname, unsigned qtype);
/*
 * fake_dns_failed - a SERVFAIL, REFUSED or CNAME was sent since the last
 * fake_dns_load: answers libunbound may keep despite TTL 0
 */
int fake_dns_failed(struct fake_dns *dns);
/* fake_dns_queries - queries answered since the last fake_dns_load */
unsigned fake_dns_queries(struct fake_dns *dns);

#endif
