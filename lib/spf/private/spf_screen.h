/*
 * spf_screen - the screening of TXT answers before libspf2 sees them, for
 * spf_dns.c: which are SPF records, and which SPF records must be refused
 * (a term whose compiled form could reach libspf2 1.2.10's
 * CVE-2023-42118 integer underflow, a byte outside printable ASCII, a
 * %{l}/%{s} or %{h} macro whose input the caller marked unusable).
 *
 * Thread-safety: pure functions.
 */
#ifndef DMARCGUARD_SPF_SCREEN_H
#define DMARCGUARD_SPF_SCREEN_H

#include <stddef.h>

#include "spf_dns.h"

/* spf_screen_is_spf - whether TXT data is an SPF record: "v=spf1", then space or end */
int spf_screen_is_spf(const unsigned char *data, size_t len);

/*
 * spf_screen_refusal - why libspf2 must not see this SPF record (static
 * text), or NULL; unsafe is a set of SPF_DNS_UNSAFE_* bits
 */
const char *spf_screen_refusal(const unsigned char *txt, size_t len, unsigned unsafe);

#endif
