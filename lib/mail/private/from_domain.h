/*
 * from_domain - the author domain of a From: header in the one form
 * DMARC looks it up by: lowercase, A-labels, no trailing dot.
 *
 * Input is the raw domain as the parser found it (dot-atom text, possibly
 * raw UTF-8 per RFC 6532, possibly one trailing dot). It must be a host
 * name (RFC 1123: letters, digits, inner hyphens; labels of 1-63 octets;
 * at most 253 octets; not an all-numeric last label, which would be an
 * IPv4 address without brackets). U-labels are converted with libidn2
 * (IDNA2008 with UTS #46 non-transitional mapping); existing A-labels must
 * decode. Diagnostics are FROM_REASON_* codes from from_header.h.
 *
 * Thread-safety: pure; libidn2 keeps no shared state.
 */
#ifndef DMARCGUARD_FROM_DOMAIN_H
#define DMARCGUARD_FROM_DOMAIN_H

#include <stddef.h>

/*
 * from_domain_normalize - raw[0..len) to out (FROM_DOMAIN_SIZE bytes).
 * Returns NULL, or a reason code with out unspecified.
 */
const char *from_domain_normalize(const unsigned char *raw, size_t len,
				  char *out);

#endif
