/*
 * dkimv - DKIM verification of one message, on libopendkim.
 *
 * A push parser: dkimv_new at the first header, dkimv_header for each
 * header field in message order, dkimv_eoh, dkimv_body for each body chunk,
 * dkimv_eom for one result per DKIM-Signature, dkimv_free. Key look-ups go
 * to our resolver (dkimv_dns) and run one after the other inside dkimv_eoh,
 * blocking the caller for at most timeout_ms per distinct key (so at worst
 * max_signatures * timeout_ms); signatures sharing d= and s= share one
 * look-up.
 *
 * Signature cap: the first max_signatures DKIM-Signature fields in header
 * order (top first: the newest signers) are evaluated, whatever they hold;
 * the fields after them are counted (dkimv_skipped) and never parsed, so
 * memory per message stays a small multiple of its header size however
 * many signatures it carries. A skipped field is not hashed for the other
 * signatures either: a signature whose h= covers a skipped DKIM-Signature
 * field fails, which only happens past the cap.
 *
 * Results, per signature and in header order (top first), with reasons:
 *   pass       signature and body hash verify, and local rules accept it
 *   fail       "body-hash-mismatch", "signature-mismatch", "body-truncated"
 *              (l= longer than the body), "subdomain-not-allowed" (t=s)
 *   policy     verifies but is refused: "rsa-sha1" (RFC 8301), "key-too-short"
 *              (RSA under min_rsa_bits), "partial-body" (l= leaves part of
 *              the body unsigned); never count a policy result as a pass
 *   neutral    the signature field is unusable: "signature-syntax",
 *              "algorithm-unsupported", "signature-expired",
 *              "signature-in-future"
 *   temperror  "key-dns-temperror" (SERVFAIL, timeout), "not-evaluated"
 *   permerror  "key-not-found" (NXDOMAIN, no TXT), "key-revoked",
 *              "key-syntax", "key-multiple-records", "key-hash-mismatch",
 *              "key-not-for-email", "key-name-invalid" (s= and d= make a
 *              name over 253 octets)
 *
 * Header input: `value` is the field body exactly as it followed the colon
 * on the wire, leading white space included (the milter negotiates
 * SMFIP_HDR_LEADSPC for this), without the final line break; folded
 * lines may be joined with bare "\n" (as Postfix and Sendmail give them)
 * or "\r\n". The field is rebuilt as name ":" value with CRLF folding, so
 * "simple" header canonicalization sees the original bytes. A value
 * stripped of its leading space would still verify under "relaxed" only.
 * Body input: bare LF is turned into CRLF on the fly, so LF files verify;
 * memory does not grow with the body.
 *
 * Errors: the push functions return 0, or -1 when the message cannot be
 * evaluated (out of memory, calls out of order); later calls then return
 * -1 too, and dkimv_eom gives the first error in *error_r. The caller
 * should treat that as a temporary failure of DKIM for the message.
 *
 * Thread-safety: one dkimv_lib per process, created before threads start
 * and shared read-only afterwards; a struct dkimv belongs to one message
 * and may be used by one thread at a time, any thread (no thread-local
 * state: libmilter moves connections between threads).
 */
#ifndef DMARCGUARD_DKIMV_H
#define DMARCGUARD_DKIMV_H

#include <stddef.h>

struct resolver;

/*
 * DKIMV_GUARD_FIELD - the header field dkimv_eoh adds after the message's
 * own, as libopendkim sees the message (never the message itself): a name
 * with a space inside, which no h= entry can select, so that libopendkim
 * never selects every field it holds (its h= overrun, see dkimv.c).
 */
#define DKIMV_GUARD_FIELD "X-Dmarcguard Guard:"

struct dkimv_settings {
	unsigned max_signatures;	/* fields evaluated per message; default 10 */
	unsigned min_rsa_bits;		/* shorter RSA keys: policy; 1024 */
	int allow_rsa_sha1;		/* default 0: rsa-sha1 is policy */
	unsigned timeout_ms;		/* per key look-up, 0: resolver default */
};

enum dkimv_result {
	DKIMV_PASS,
	DKIMV_FAIL,
	DKIMV_POLICY,		/* verified but refused: rsa-sha1, weak key, l= */
	DKIMV_NEUTRAL,		/* syntax errors in the signature etc. */
	DKIMV_TEMPERROR,
	DKIMV_PERMERROR,
};

struct dkimv_signature {
	char domain[256];	/* d= as written (compare case-insensitively) */
	char selector[256];	/* s= */
	char algorithm[32];	/* a=, e.g. "rsa-sha256", "ed25519-sha256" */
	enum dkimv_result result;
	const char *reason;	/* static short text, NULL for a plain pass */
	unsigned key_bits;	/* key size once the key was loaded, else 0 */
	int partial_body;	/* l= left part of the body unsigned */
};

struct dkimv_lib;
struct dkimv;

/* dkimv_settings_init - the documented defaults */
void dkimv_settings_init(struct dkimv_settings *settings);

/*
 * dkimv_lib_new - set up libopendkim (dkim_init, dkim_options) with key
 * look-ups through `resolver`, which must outlive the result. settings
 * NULL: defaults. Returns NULL with *error_r (static text) on failure.
 * Call once, before threads start.
 */
struct dkimv_lib *dkimv_lib_new(struct resolver *resolver,
				const struct dkimv_settings *settings,
				const char **error_r);

/* dkimv_lib_free - after every dkimv is freed; accepts NULL, sets NULL */
void dkimv_lib_free(struct dkimv_lib **lib);

/*
 * dkimv_new - a verifier for one message; id (the queue id, may be NULL)
 * is copied and shown to libopendkim. NULL with *error_r on failure.
 */
struct dkimv *dkimv_new(struct dkimv_lib *lib, const char *id,
			const char **error_r);

/* dkimv_header - one header field, before dkimv_eoh; see above */
int dkimv_header(struct dkimv *v, const char *name, const char *value,
		 size_t value_len);

/* dkimv_eoh - end of headers: fetches the keys (blocks, see above) */
int dkimv_eoh(struct dkimv *v);

/* dkimv_body - one body chunk of any size, after dkimv_eoh */
int dkimv_body(struct dkimv *v, const unsigned char *chunk, size_t len);

/*
 * dkimv_eom - finish; *sigs_r gets one entry per DKIM-Signature field in
 * header order (*count_r 0 for an unsigned message), owned by v and valid
 * until dkimv_free. Returns 0, or -1 with *error_r (see Errors above).
 * A second call returns the same results.
 */
int dkimv_eom(struct dkimv *v, const struct dkimv_signature **sigs_r,
	      size_t *count_r, const char **error_r);

/*
 * dkimv_skipped - DKIM-Signature fields seen beyond max_signatures: not
 * parsed, not evaluated, absent from dkimv_eom's results. Any time.
 */
size_t dkimv_skipped(const struct dkimv *v);

/* dkimv_free - free the verifier; accepts NULL, sets *v to NULL */
void dkimv_free(struct dkimv **v);

/* dkimv_result_name - the RFC 8601 word: "pass", ..., "permerror" */
const char *dkimv_result_name(enum dkimv_result result);

#endif
