/*
 * arc_chain - verification of a message's ARC chain (RFC 8617 5.2).
 *
 * A push parser beside the DKIM verifier: arc_chain_new at the first
 * header, arc_chain_header for every header field in message order,
 * arc_chain_eoh, arc_chain_body for each body chunk, arc_chain_finish for
 * the result, arc_chain_free. ARC signs nothing here: a receiving MX only
 * verifies.
 *
 * The chain (RFC 8617 5.2), checked in this order:
 *   - no ARC field at all                                   -> none
 *   - every ARC-Seal (AS), ARC-Message-Signature (AMS) and
 *     ARC-Authentication-Results (AAR) parses and carries an instance
 *     1..ARC_CHAIN_MAX_INSTANCES; exactly one of each per instance,
 *     instances 1..N without a gap
 *   - the newest seal is not cv=fail; cv=none on instance 1, cv=pass on
 *     every other
 *   - the newest AMS verifies with the DKIM rules: rsa-sha256, h= must
 *     not name ARC-Seal, the body hash (c=, l=) computed by dkimv_bodyhash,
 *     a key of at least min_rsa_bits
 *   - every AS verifies, from N down to 1, over the sets 1..i with the
 *     relaxed header canonicalization
 * anything else                                               -> fail
 * Any failure, a key that cannot be fetched now included, makes the chain
 * fail with a reason (see arc_chain.c); ARC never makes a message
 * temporarily fail. Tolerated: a seal without t=, unknown tags, unknown
 * methods in the recorded results, folded fields, RSA keys up to the
 * size OpenSSL decodes (16384 bits).
 *
 * Memory: nothing is kept before the first (topmost) ARC field, only a
 * fingerprint of each field's name in a fixed table, so mail without ARC
 * fields costs no copy and no allocation per field. From the first ARC
 * field on, the fields are kept (the AMS may select any of them) up to
 * ARC_CHAIN_MAX_HEADER_BYTES / ARC_CHAIN_MAX_FIELDS; beyond that the rest
 * is counted, and the chain fails "headers-too-large". An AMS whose h=
 * selects a field above every ARC field fails
 * "ams-covers-field-above-chain" (see private/arc_fields.h and
 * docs/limits.md). The body costs constant memory.
 *
 * Input: as dkimv.h says: `value` is the field body as it followed the
 * colon, leading white space included, folded with "\n" or "\r\n"; body
 * chunks may use bare LF (turned into CRLF).
 *
 * Errors: the push functions return 0, or -1 when out of memory or called
 * out of order; arc_chain_finish then gives fail "internal-error".
 *
 * Thread-safety: a chain belongs to one message and one thread at a time.
 */
#ifndef DMARCGUARD_ARC_CHAIN_H
#define DMARCGUARD_ARC_CHAIN_H

#include <stddef.h>

struct resolver;

#define ARC_CHAIN_MAX_INSTANCES 50
#define ARC_CHAIN_MAX_HEADER_BYTES (1024 * 1024)
#define ARC_CHAIN_MAX_FIELDS 5000

enum arc_chain_status { ARC_CHAIN_NONE, ARC_CHAIN_PASS, ARC_CHAIN_FAIL };

struct arc_chain_settings {
	unsigned min_rsa_bits;		/* 1024 */
	unsigned timeout_ms;		/* per key look-up, 0: resolver default */
};

/* one ARC set of a chain that passed or failed only in its signatures */
struct arc_chain_set {
	unsigned instance;
	const char *sealer;		/* the AS d=, lowercase */
	const char *aar;		/* the AAR's value after "i=N;" */
	size_t aar_len;
};

struct arc_chain_result {
	enum arc_chain_status status;
	const char *reason;		/* static text; NULL for pass and none */
	unsigned instances;		/* N, or 0 when the structure is broken */
	const struct arc_chain_set *sets;	/* sets[i - 1] for i = 1..instances */
};

/* arc_chain_settings_init - the defaults */
void arc_chain_settings_init(struct arc_chain_settings *settings);

/* arc_chain_new - NULL with *error_r when out of memory */
struct arc_chain *arc_chain_new(const struct arc_chain_settings *settings,
				const char **error_r);

int arc_chain_header(struct arc_chain *c, const char *name, const char *value, size_t len);
int arc_chain_eoh(struct arc_chain *c);
int arc_chain_body(struct arc_chain *c, const unsigned char *chunk, size_t len);

/* arc_chain_present - whether any ARC field was seen (after arc_chain_eoh) */
int arc_chain_present(const struct arc_chain *c);

/*
 * arc_chain_finish - verify (key look-ups through `resolver`, one after
 * the other) and return the result, owned by the chain. A second call
 * returns the same result.
 */
const struct arc_chain_result *arc_chain_finish(struct arc_chain *c, struct resolver *resolver);

/* arc_chain_status_name - "none", "pass", "fail" */
const char *arc_chain_status_name(enum arc_chain_status status);

/* arc_chain_free - accepts NULL; *c becomes NULL */
void arc_chain_free(struct arc_chain **c);

#endif
