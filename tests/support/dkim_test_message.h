/*
 * dkim_test_message - messages for the DKIM tests, signed at run time.
 *
 * dkim_test_load reads tests/messages/dkim/FILE the way an MTA hands a
 * message to the milter: header values after the colon keep their leading
 * space and their folding as bare "\n"; the body has LF line ends.
 * dkim_test_sign adds a DKIM-Signature on top with libopendkim's signer and
 * a test-only key of tests/keys, as a signer upstream would;
 * dkim_test_mutate changes the message afterwards; dkim_test_verify feeds
 * it to dkim_verify as the milter does (header fields, end of header, the
 * body in chunks) and returns the results.
 *
 * Every function asserts (ck_assert) instead of returning an error, so
 * call them from Check tests only. The message owns its strings:
 * dkim_test_free releases them. The signer comes from
 * dkim_test_signer_new and is released with dkim_close.
 *
 * Linking this module also silences LeakSanitizer about a known leak of
 * libopendkim's signer (see dkim_test_message.c).
 *
 * Thread-safety: dkim_test_verify may run on many threads at once with a
 * message no one changes; the others belong to one thread, and
 * dkim_test_sign changes the signer's clock while it runs.
 */
#ifndef DMARCGUARD_DKIM_TEST_MESSAGE_H
#define DMARCGUARD_DKIM_TEST_MESSAGE_H

#include <stddef.h>

#include <opendkim/dkim.h>

#include "dkim_verify.h"
#include "resolver.h"

#define DKIM_TEST_MAX_FIELDS 64

struct dkim_test_field {
	char *name, *value;
};

struct dkim_test_message {
	struct dkim_test_field fields[DKIM_TEST_MAX_FIELDS];
	size_t nfields;
	char *body;
};

/* A signature to make. */
struct dkim_test_sig {
	const char *key;	/* tests/keys/KEY.pem; NULL: no signature */
	const char *selector;
	const char *domain;
	dkim_alg_t alg;
	int simple;		/* simple/simple, else relaxed/relaxed */
	int with_l;		/* l= covering the body as signed */
	int expired;		/* t= ten days ago, x= an hour after that */
};

/* How dkim_test_verify feeds a message. */
struct dkim_test_feed {
	int crlf_headers;	/* fold with CRLF instead of bare LF */
	int crlf_body;		/* body with CRLF instead of LF */
	size_t chunk;		/* body chunk size, 0: all at once */
};

/* Changes made to a message after it was signed. */
enum dkim_test_mutation {
	DKIM_TEST_UNCHANGED,
	DKIM_TEST_BODY,			/* change one body letter */
	DKIM_TEST_HEADER,		/* change the Subject */
	DKIM_TEST_APPEND_TEXT,		/* text after the signed body */
	DKIM_TEST_APPEND_BLANK,		/* empty lines after the signed body */
	DKIM_TEST_TRAILING_WSP,		/* white space at the end of body lines */
	DKIM_TEST_BROKEN_SIG,		/* a malformed DKIM-Signature on top */
	DKIM_TEST_TRUNCATE,		/* the last body line removed */
};

/* dkim_test_signer_new - a signer that also takes the 512-bit test key */
DKIM_LIB *dkim_test_signer_new(void);

/* dkim_test_load - tests/messages/dkim/FILE into *m */
void dkim_test_load(struct dkim_test_message *m, const char *file);
void dkim_test_free(struct dkim_test_message *m);

/* dkim_test_sign - add a DKIM-Signature made as s says on top of m */
void dkim_test_sign(DKIM_LIB *signer, struct dkim_test_message *m,
		    const struct dkim_test_sig *s);

/* dkim_test_mutate - change m after signing */
void dkim_test_mutate(struct dkim_test_message *m, enum dkim_test_mutation how);

/*
 * dkim_test_lib - a dkimv_lib over r; max_signatures 0 keeps the default,
 * timeout_ms 0 leaves the time limit to the resolver
 */
struct dkimv_lib *dkim_test_lib(struct resolver *r, unsigned max_signatures,
				unsigned timeout_ms);

/*
 * dkim_test_verify - feed m to a new dkimv of lib as f says; copies up to
 * max results to out and returns how many signatures there were
 */
size_t dkim_test_verify(struct dkimv_lib *lib, const struct dkim_test_message *m,
			const struct dkim_test_feed *f, struct dkimv_signature *out, size_t max);

/* dkim_test_verify_skipped - the same, and *skipped_r gets dkimv_skipped */
size_t dkim_test_verify_skipped(struct dkimv_lib *lib, const struct dkim_test_message *m,
				const struct dkim_test_feed *f, struct dkimv_signature *out,
				size_t max, size_t *skipped_r);

#endif
