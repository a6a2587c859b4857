/*
 * dns_answer - one typed, three-state DNS result, immutable and refcounted.
 *
 * A dns_answer is what every DNS look-up of dmarcguard yields: records of
 * the requested type with the smallest TTL among them, a "does not exist"
 * (NXDOMAIN, or NODATA: the name exists without records of that type) with
 * its negative TTL, or a temporary failure with a short reason. A temporary
 * failure is never folded into "does not exist".
 *
 * Record data: A and AAAA are the 4 or 16 address bytes; MX and PTR are the
 * target name in presentation form (lowercase, no trailing dot) with the MX
 * preference in `preference`; TXT is the record's character-strings joined
 * with nothing between them (RFC 7208 3.3, RFC 7489 6.6.3). Every data
 * buffer is NUL-terminated beyond `len` for convenience; TXT data may also
 * contain NUL bytes of its own, so use `len`.
 *
 * Thread-safety: an answer is never modified after it is built, so any
 * number of threads may read it; dns_answer_ref/unref are atomic.
 */
#ifndef DMARCGUARD_DNS_ANSWER_H
#define DMARCGUARD_DNS_ANSWER_H

#include <stddef.h>
#include <stdint.h>

enum dns_type {
	DNS_TYPE_A = 1,
	DNS_TYPE_PTR = 12,
	DNS_TYPE_MX = 15,
	DNS_TYPE_TXT = 16,
	DNS_TYPE_AAAA = 28,
};

enum dns_status {
	DNS_STATUS_ANSWER,	/* at least one record of the type */
	DNS_STATUS_NXDOMAIN,	/* the name does not exist */
	DNS_STATUS_NODATA,	/* the name exists, no record of the type */
	DNS_STATUS_TEMPFAIL,	/* SERVFAIL, REFUSED, timeout, bad reply... */
};

struct dns_record {
	uint16_t preference;	/* MX only */
	size_t len;
	const unsigned char *data;
};

struct dns_answer {
	enum dns_status status;
	uint16_t type;
	uint32_t ttl;		/* answer: smallest record TTL; negative: SOA */
	const char *reason;	/* TEMPFAIL: static text such as "timeout" */
	size_t count;
	const struct dns_record *records;
};

/* dns_answer_type_name - "A", "TXT", ... or "TYPE<n>" is not needed: NULL if unknown */
const char *dns_answer_type_name(uint16_t type);
/* dns_answer_status_name - "answer", "nxdomain", "nodata", "tempfail" */
const char *dns_answer_status_name(enum dns_status status);
/* dns_answer_type_supported - whether look-ups of this type are implemented */
int dns_answer_type_supported(uint16_t type);

/*
 * dns_answer_from_wire - build an answer from a DNS reply packet for
 * (qname, qtype). Records are those of qtype in the answer section (CNAME
 * chains are followed by the upstream resolver, which puts the target's
 * records in the same section). A reply that cannot be parsed is a
 * TEMPFAIL with reason "malformed-reply". Never returns NULL except on
 * memory exhaustion. The caller owns the returned reference.
 */
struct dns_answer *dns_answer_from_wire(const unsigned char *packet, size_t len,
					uint16_t qtype);

/* dns_answer_tempfail - a new TEMPFAIL answer; reason must be static text */
struct dns_answer *dns_answer_tempfail(uint16_t qtype, const char *reason);

/* dns_answer_negative - a new NXDOMAIN or NODATA answer with this TTL */
struct dns_answer *dns_answer_negative(uint16_t qtype, enum dns_status status,
				       uint32_t ttl);

/*
 * dns_answer_to_wire - write a complete DNS reply for (qname, qtype) holding
 * this answer, question section included, as libopendkim's resolver hooks
 * want it. TEMPFAIL becomes rcode SERVFAIL, NXDOMAIN rcode 3. Returns the
 * length, or 0 if buf is too small or qname is not a valid name.
 */
size_t dns_answer_to_wire(const struct dns_answer *answer, const char *qname,
			  unsigned char *buf, size_t size);

/*
 * dns_answer_oom - a shared TEMPFAIL answer with reason "out-of-memory",
 * for paths that must return an answer when allocation fails. Ref and
 * unref work on it as on any other and never free it.
 */
struct dns_answer *dns_answer_oom(void);

struct dns_answer *dns_answer_ref(struct dns_answer *answer);
/* dns_answer_unref - drop a reference, free on the last; accepts NULL, sets *answer to NULL */
void dns_answer_unref(struct dns_answer **answer);

#endif
