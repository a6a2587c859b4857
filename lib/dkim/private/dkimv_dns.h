/*
 * dkimv_dns - libopendkim's DNS hooks, answered by our resolver.
 *
 * libopendkim fetches keys through four hooks (dkim_dns_set_query_*): it
 * calls start with a question and a reply buffer, then waitreply with a
 * wait limit, then cancel, and parses the buffer as a DNS reply packet
 * itself. Its stock hooks share one res_state between threads and turn
 * NXDOMAIN into a temporary failure, so dkimv_dns_install replaces all of
 * them, and clears the init and close hooks so that libopendkim neither
 * creates a resolver of its own nor frees ours in dkim_close.
 *
 * Contract of the hooks, as read from libopendkim 2.11 (dkim-keys.c):
 * - start only records the question; it returns DKIM_DNS_SUCCESS, or
 *   DKIM_DNS_ERROR for an unsupported type or no memory (no handle then).
 * - waitreply does the look-up, blocking the calling thread for at most
 *   the smaller of our per-look-up timeout and the wait libopendkim asks
 *   for (NULL: ours alone), and writes a complete reply packet, question
 *   included, into the buffer given to start:
 *     records, NODATA -> DKIM_DNS_SUCCESS, rcode 0 (NODATA: no answers)
 *     NXDOMAIN        -> DKIM_DNS_SUCCESS, rcode 3 (key absent: permanent)
 *     timeout         -> DKIM_DNS_EXPIRED (temporary)
 *     SERVFAIL, other trouble, reply too big -> DKIM_DNS_ERROR (temporary)
 *   It never returns DKIM_DNS_NOREPLY: without a DNS callback libopendkim
 *   takes that for success and parses an unwritten buffer. A second call
 *   on the same handle returns the first result again.
 * - cancel frees the handle; libopendkim calls it once after every
 *   successful start.
 * A name that is not a valid DNS name gets an NXDOMAIN reply.
 *
 * Thread-safety: one struct dkimv_dns serves every thread at once (it is
 * read-only after dkimv_dns_new; the resolver is thread-safe); a query
 * handle belongs to the one thread that started it.
 */
#ifndef DMARCGUARD_DKIMV_DNS_H
#define DMARCGUARD_DKIMV_DNS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>
#include <sys/types.h>

#include <opendkim/dkim.h>

struct resolver;
struct dkimv_dns;

/*
 * dkimv_dns_new - a query service on `resolver` (which must outlive it),
 * each look-up bounded by timeout_ms (0: the resolver's default). NULL
 * when out of memory.
 */
struct dkimv_dns *dkimv_dns_new(struct resolver *resolver, unsigned timeout_ms);

/* dkimv_dns_free - free the service (after dkim_close); accepts NULL */
void dkimv_dns_free(struct dkimv_dns **dns);

/*
 * dkimv_dns_install - make `lib` send every DNS query to `dns`. Call once,
 * before any thread uses lib. The caller still owns dns.
 */
void dkimv_dns_install(struct dkimv_dns *dns, DKIM_LIB *lib);

/* The hooks themselves, with libopendkim's signatures; public for tests. */
int dkimv_dns_start(void *srv, int type, unsigned char *query,
		    unsigned char *buf, size_t buflen, void **qh);
int dkimv_dns_waitreply(void *srv, void *qh, struct timeval *timeout,
			size_t *bytes, int *error, int *dnssec);
int dkimv_dns_cancel(void *srv, void *qh);

#endif
