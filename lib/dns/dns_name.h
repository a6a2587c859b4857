/*
 * dns_name - domain names in presentation and wire form.
 *
 * dns_name_normalize gives the one spelling dmarcguard uses for a name in
 * caches and comparisons: ASCII lowercase, no trailing dot, every label
 * 1-63 octets, at most 253 octets. The wire helpers convert between that
 * form (with RFC 1035 \DDD and \c escapes for unusual octets) and DNS
 * label sequences, following compression pointers with a loop bound.
 *
 * Thread-safety: pure functions on caller-owned buffers.
 */
#ifndef DMARCGUARD_DNS_NAME_H
#define DMARCGUARD_DNS_NAME_H

#include <stddef.h>

#define DNS_NAME_MAX 253		/* presentation form without escapes */
#define DNS_NAME_BUFSIZE 1024		/* presentation form with \DDD escapes */
#define DNS_WIRE_NAME_MAX 255

/*
 * dns_name_normalize - copy `name` to `out` in canonical form. Returns 0, or
 * -1 with *error_r set when the name is empty, too long, has an empty or
 * over-long label, or holds a byte that is not printable ASCII.
 */
int dns_name_normalize(const char *name, char *out, size_t size,
		       const char **error_r);

/*
 * dns_name_normalize_query - the same for a name about to be looked up,
 * which may also hold a space: DNS allows any octet in a label (RFC 2181
 * 11), and SPF macros build such names (RFC 7208 suite:
 * macro-mania-in-domain). Names taken from mail stay with the stricter
 * dns_name_normalize.
 */
int dns_name_normalize_query(const char *name, char *out, size_t size,
			     const char **error_r);

/*
 * dns_name_to_wire - encode a presentation name as labels. Returns the
 * wire length, or 0 when it does not fit or is not a valid name.
 */
size_t dns_name_to_wire(const char *name, unsigned char *out, size_t size);

/*
 * dns_name_from_wire - decode the name at *offset of a packet into
 * lowercase presentation form, advancing *offset past it in the packet.
 * Returns 0, or -1 for a truncated, looping or over-long name.
 */
int dns_name_from_wire(const unsigned char *packet, size_t len, size_t *offset,
		       char *out, size_t size);

/* dns_name_skip - advance *offset past the name there; 0 or -1 */
int dns_name_skip(const unsigned char *packet, size_t len, size_t *offset);

#endif
