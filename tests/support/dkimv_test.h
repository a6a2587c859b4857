/*
 * dkimv_test_message - messages for the DKIM tests, signed at run time.
 *
 * dkimv_test_load reads tests/messages/dkim/FILE the way an MTA hands a
 * message to the milter: header values after the colon keep their leading
 * space and their folding as bare "\n"; the body has LF line ends.
 * dkimv_test_sign adds a DKIM-Signature on top with libopendkim's signer and
 * a test-only key of tests/keys, as a signer upstream would;
 * dkimv_test_mutate changes the message afterwards; dkimv_test_verify feeds
 * it to dkimv as the milter does (header fields, end of header, the
 * body in chunks) and returns the results.
 *
 * Every function asserts (ck_assert) instead of returning an error, so
 * call them from Check tests only. The message owns its strings:
 * dkimv_test_free releases them. The signer comes from
 * dkimv_test_signer_new and is released with dkim_close.
 *
 * Linking this module also silences LeakSanitizer about a known leak of
 * libopendkim's signer (see dkimv_test.c).
 *
 * Thread-safety: dkimv_test_verify may run on many threads at once with a
 * message no one changes; the others belong to one thread, and
 * dkimv_test_sign changes the signer's clock while it runs.
 */
#ifndef DMARCGUARD_DKIMV_TEST_H
#define DMARCGUARD_DKIMV_TEST_H

#include <stddef.h>

#include <opendkim/dkim.h>

#include "dkimv.h"
#include "resolver.h"

#define DKIMV_TEST_MAX_FIELDS 64

struct dkimv_test_field {
	char *name, *value;
};

struct dkimv_test_message {
	struct dkimv_test_field fields[DKIMV_TEST_MAX_FIELDS];
	size_t nfields;
	char *body;
};

/* A signature to make. */
struct dkimv_test_sig {
	const char *key;	/* tests/keys/KEY.pem; NULL: no signature */
	const char *selector;
	const char *domain;
	dkim_alg_t alg;
	int simple;		/* simple/simple, else relaxed/relaxed */
	int with_l;		/* l= covering the body as signed */
	int expired;		/* t= ten days ago, x= an hour after that */
};

/* the usual signature: RSA-SHA256, 2048 bits, rsa2048._domainkey.dkim.example */
#define DKIMV_TEST_RSA2048 { "rsa2048", "rsa2048", "dkim.example", DKIM_SIGN_RSASHA256, 0, 0, 0 }

/* How dkimv_test_verify feeds a message. */
struct dkimv_test_feed {
	int crlf_headers;	/* fold with CRLF instead of bare LF */
	int crlf_body;		/* body with CRLF instead of LF */
	size_t chunk;		/* body chunk size, 0: all at once */
};

/* Changes made to a message after it was signed. */
enum dkimv_test_mutation {
	DKIMV_TEST_UNCHANGED,
	DKIMV_TEST_BODY,			/* change one body letter */
	DKIMV_TEST_HEADER,		/* change the Subject */
	DKIMV_TEST_APPEND_TEXT,		/* text after the signed body */
	DKIMV_TEST_APPEND_BLANK,		/* empty lines after the signed body */
	DKIMV_TEST_TRAILING_WSP,		/* white space at the end of body lines */
	DKIMV_TEST_BROKEN_SIG,		/* a malformed DKIM-Signature on top */
	DKIMV_TEST_TRUNCATE,		/* the last body line removed */
};

/* dkimv_test_signer_new - a signer that also takes the 512-bit test key */
DKIM_LIB *dkimv_test_signer_new(void);

/* dkimv_test_load - tests/messages/dkim/FILE into *m */
void dkimv_test_load(struct dkimv_test_message *m, const char *file);
void dkimv_test_free(struct dkimv_test_message *m);

/* dkimv_test_sign - add a DKIM-Signature made as s says on top of m */
void dkimv_test_sign(DKIM_LIB *signer, struct dkimv_test_message *m,
		    const struct dkimv_test_sig *s);

/* dkimv_test_mutate - change m after signing */
void dkimv_test_mutate(struct dkimv_test_message *m, enum dkimv_test_mutation how);

/*
 * dkimv_test_lib - a dkimv_lib over r; max_signatures 0 keeps the default,
 * timeout_ms 0 leaves the time limit to the resolver
 */
struct dkimv_lib *dkimv_test_lib(struct resolver *r, unsigned max_signatures,
				unsigned timeout_ms);

/*
 * dkimv_test_verify - feed m to a new dkimv of lib as f says; copies up to
 * max results to out and returns how many signatures there were
 */
size_t dkimv_test_verify(struct dkimv_lib *lib, const struct dkimv_test_message *m,
			const struct dkimv_test_feed *f, struct dkimv_signature *out, size_t max);

/* dkimv_test_verify_skipped - the same, and *skipped_r gets dkimv_skipped */
size_t dkimv_test_verify_skipped(struct dkimv_lib *lib, const struct dkimv_test_message *m,
				 const struct dkimv_test_feed *f, struct dkimv_signature *out,
				 size_t max, size_t *skipped_r);

#endif
