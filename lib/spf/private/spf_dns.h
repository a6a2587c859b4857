/*
 * spf_dns - libspf2's DNS layer over our resolver, one per SPF check.
 *
 * libspf2 asks its SPF_dns_server_t for records and gets no per-request
 * context in the call, so a layer is made for one check_host() evaluation
 * and carries that evaluation's counters and deadline. It answers from
 * resolver_lookup in the form libspf2 wants (A/AAAA as binary addresses,
 * MX/PTR as names, TXT character-strings joined; NXDOMAIN as
 * HOST_NOT_FOUND, NODATA as NO_DATA, a temporary failure as TRY_AGAIN)
 * and enforces what libspf2 1.2.10 does not:
 *
 * - RFC 7208 4.6.4: more than 10 DNS-querying terms (counted across
 *   include and redirect, which libspf2 counts per record) or more than 2
 *   void answers (NXDOMAIN/NODATA) to those terms stop the check;
 * - PTR answers are cut to their first 10 names (libspf2 would make the
 *   "ptr" mechanism a permerror instead of ignoring the rest); an address
 *   look-up of a PTR name that fails is answered "no data", so the name
 *   is skipped (RFC 7208 5.5);
 * - an "mx" term whose MX answer has more than 10 names is permerror
 *   (libspf2 only fails when it reaches the 11th);
 * - every SPF record is checked by spf_record_parse (a syntax error is
 *   permerror) and handed to libspf2 as spf_rewrite writes it; look-ups
 *   for names under the layer's marker label (a/0, mx/0 terms) are made
 *   without it and any address found is answered as the client's own;
 * - names longer than 253 characters lose labels on the left (RFC 7208
 *   4.8); the obsolete SPF RR type is never queried;
 * - the whole check shares one deadline; once it passes, no more look-ups;
 * - TXT answers reach libspf2 only as SPF records ("v=spf1" alone gains
 *   the space libspf2 needs to see it); a record that could reach the
 *   CVE-2023-42118 integer underflow in libspf2's record compiler (a term
 *   whose compiled form could come within 4 bytes of libspf2's 511-byte
 *   limit), that holds a byte outside printable ASCII, or that uses a
 *   macro whose input was refused (see SPF_DNS_UNSAFE_*) is refused.
 *
 * When a limit is hit the layer answers TRY_AGAIN from then on, so
 * libspf2 stops at once, and spf_dns_layer_stop tells the caller why: the
 * result is then permerror (limits, refused record) or temperror (time),
 * whatever libspf2 concluded. A separate safety net stops a check after
 * SPF_DNS_MAX_QUERIES look-ups, more than the limits above allow.
 *
 * Explanations (exp=) are never fetched: the layer's get_exp hook hands
 * back fixed text, so an exp= domain costs no look-up and its TXT record
 * is never expanded.
 *
 * Thread-safety: a layer belongs to one check on one thread at a time;
 * different layers may run at once (the resolver is thread-safe).
 */
#ifndef DMARCGUARD_SPF_DNS_H
#define DMARCGUARD_SPF_DNS_H

#include <stdint.h>

#include "spf_rewrite.h"

struct resolver;
struct SPF_dns_server_struct;		/* libspf2's SPF_dns_server_t */

#define SPF_DNS_MAX_TERMS 10
#define SPF_DNS_MAX_VOIDS 2
#define SPF_DNS_MAX_QUERIES 128
#define SPF_DNS_MAX_MX_NAMES 10		/* more: permerror (RFC 7208 4.6.4) */
#define SPF_DNS_MAX_PTR_NAMES 10	/* we ignore the rest */

/* Inputs the check could not pass to libspf2 as they are. */
#define SPF_DNS_UNSAFE_LOCAL 0x1	/* local-part: records using %{l}/%{s} refused */
#define SPF_DNS_UNSAFE_HELO 0x2		/* HELO: records using %{h} refused */

enum spf_dns_stop {
	SPF_DNS_GO = 0,		/* no limit reached */
	SPF_DNS_STOP_TERMS,	/* more than 10 DNS-querying terms */
	SPF_DNS_STOP_VOIDS,	/* more than 2 void look-ups */
	SPF_DNS_STOP_QUERIES,	/* more than SPF_DNS_MAX_QUERIES look-ups */
	SPF_DNS_STOP_RECORD,	/* a record was refused */
	SPF_DNS_STOP_MX,	/* an "mx" term got more than 10 names */
	SPF_DNS_STOP_TIMEOUT,	/* the deadline passed */
	SPF_DNS_STOP_MEMORY,	/* out of memory building an answer */
};

struct spf_dns_counts {
	unsigned terms;		/* DNS-querying terms seen */
	unsigned voids;		/* void answers to those terms */
	unsigned queries;	/* look-ups sent to the resolver */
	int top_records;	/* SPF records at the checked domain; -1: not fetched */
};

struct spf_dns_layer;

/*
 * spf_dns_layer_new - a layer for one check, with an absolute deadline in
 * CLOCK_MONOTONIC milliseconds (spf_dns_now_ms), a mask of
 * SPF_DNS_UNSAFE_* flags and the client being checked (for the /0 terms
 * of spf_rewrite.h). NULL when memory runs out. The caller frees it with
 * spf_dns_layer_free after the SPF_server_t using it.
 */
struct spf_dns_layer *spf_dns_layer_new(struct resolver *resolver,
					uint64_t deadline_ms, unsigned unsafe,
					const struct spf_rewrite_client *client);
/* spf_dns_layer_free - accepts NULL; sets *layer to NULL */
void spf_dns_layer_free(struct spf_dns_layer **layer);

/*
 * spf_dns_layer_server - the SPF_dns_server_t to give SPF_server_new_dns.
 * Its destroy hook is NULL, so SPF_server_free leaves it to its owner.
 */
struct SPF_dns_server_struct *spf_dns_layer_server(struct spf_dns_layer *layer);

/* spf_dns_layer_stop - why the check was stopped, with a short text */
enum spf_dns_stop spf_dns_layer_stop(const struct spf_dns_layer *layer,
				     const char **problem_r);
void spf_dns_layer_counts(const struct spf_dns_layer *layer,
			  struct spf_dns_counts *counts);

/* spf_dns_now_ms - CLOCK_MONOTONIC in milliseconds */
uint64_t spf_dns_now_ms(void);

#endif
