/*
 * dkimv_classify - one libopendkim signature as one of our results, from
 * its state at end of headers and what dkimv_bodycheck found at end of
 * message: verified means no error recorded, the PASSED flag and a
 * matching body hash; otherwise the error tells a key look-up failure
 * (temperror or permerror) from a bad signature (fail).
 * Our local rules then apply to verified signatures: rsa-sha1 and short
 * RSA keys are "policy" (RFC 8301), and so is an l= that leaves part of
 * the body unsigned.
 *
 * Thread-safety: pure over its arguments (libopendkim's getters only read).
 */
#ifndef DMARCGUARD_DKIMV_CLASSIFY_H
#define DMARCGUARD_DKIMV_CLASSIFY_H

#include <opendkim/dkim.h>

#include "dkimv_bodycheck.h"
#include "dkimv.h"

/* what the prescreen decided for a signature */
enum screen { SCREEN_EVALUATE, SCREEN_BADNAME };

/* dkimv_classify - fill out for sig, given its end-of-message outcome */
void dkimv_classify(DKIM *dkim, DKIM_SIGINFO *sig, int screen,
		    const struct dkimv_settings *settings,
		    const struct dkimv_body_outcome *body, struct dkimv_signature *out);

#endif
