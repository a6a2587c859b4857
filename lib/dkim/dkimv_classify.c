/*
 * dkimv_classify - libopendkim signature states to our results (see
 * dkimv_classify.h).
 *
 * Thread-safety: no state of its own.
 */
#include "dkimv_classify.h"

#include <stdio.h>

/* copy_tag - a signature tag's value as written, or "" */
static void
copy_tag(char *out, size_t size, DKIM_SIGINFO *sig, const char *tag)
{
	const unsigned char *value = dkim_sig_gettagvalue(sig, 0, (unsigned char *)tag);

	snprintf(out, size, "%s", value != NULL ? (const char *)value : "");
}

/* is_partial - l= is shorter than the canonical body */
static int
is_partial(DKIM *dkim, DKIM_SIGINFO *sig, const struct dkimv_body_outcome *body)
{
	ssize_t signlen = -1;

	if (!body->measured
	    || dkim_sig_getcanonlen(dkim, sig, NULL, NULL, &signlen) != DKIM_STAT_OK
	    || signlen < 0)
		return 0;
	return body->canon_len > (unsigned long long)signlen;
}

/* Signature errors of libopendkim other than BADSIG; the rest: neutral. */
static const struct {
	int error;
	enum dkimv_result result;
	const char *reason;
} sigerrors[] = {
	{ DKIM_SIGERROR_NOKEY, DKIMV_PERMERROR, "key-not-found" },
	{ DKIM_SIGERROR_KEYFAIL, DKIMV_TEMPERROR, "key-dns-temperror" },
	{ DKIM_SIGERROR_MULTIREPLY, DKIMV_PERMERROR, "key-multiple-records" },
	{ DKIM_SIGERROR_KEYREVOKED, DKIMV_PERMERROR, "key-revoked" },
	{ DKIM_SIGERROR_DNSSYNTAX, DKIMV_PERMERROR, "key-syntax" },
	{ DKIM_SIGERROR_KEYVERSION, DKIMV_PERMERROR, "key-syntax" },
	{ DKIM_SIGERROR_KEYTYPEMISSING, DKIMV_PERMERROR, "key-syntax" },
	{ DKIM_SIGERROR_KEYTYPEUNKNOWN, DKIMV_PERMERROR, "key-syntax" },
	{ DKIM_SIGERROR_KEYUNKNOWNHASH, DKIMV_PERMERROR, "key-syntax" },
	{ DKIM_SIGERROR_KEYDECODE, DKIMV_PERMERROR, "key-syntax" },
	{ DKIM_SIGERROR_KEYHASHMISMATCH, DKIMV_PERMERROR, "key-hash-mismatch" },
	{ DKIM_SIGERROR_NOTEMAILKEY, DKIMV_PERMERROR, "key-not-for-email" },
	{ DKIM_SIGERROR_KEYTOOSMALL, DKIMV_POLICY, "key-too-short" },
	{ DKIM_SIGERROR_TOOLARGE_L, DKIMV_FAIL, "body-truncated" },
	{ DKIM_SIGERROR_SUBDOMAIN, DKIMV_FAIL, "subdomain-not-allowed" },
	{ DKIM_SIGERROR_MBSFAILED, DKIMV_FAIL, "unsigned-header" },
	{ DKIM_SIGERROR_EXPIRED, DKIMV_NEUTRAL, "signature-expired" },
	{ DKIM_SIGERROR_FUTURE, DKIMV_NEUTRAL, "signature-in-future" },
	{ DKIM_SIGERROR_INVALID_A, DKIMV_NEUTRAL, "algorithm-unsupported" },
	/* never finished, e.g. out of memory at end of message */
	{ DKIM_SIGERROR_UNKNOWN, DKIMV_TEMPERROR, "not-evaluated" },
};

void
dkimv_classify(DKIM *dkim, DKIM_SIGINFO *sig, int screen, const struct dkimv_settings *set,
	       const struct dkimv_body_outcome *body, struct dkimv_signature *out)
{
	int err = body->error;
	dkim_alg_t alg = DKIM_SIGN_UNKNOWN;
	unsigned int bits = 0;

	copy_tag(out->domain, sizeof(out->domain), sig, "d");
	copy_tag(out->selector, sizeof(out->selector), sig, "s");
	copy_tag(out->algorithm, sizeof(out->algorithm), sig, "a");
	(void)dkim_sig_getsignalg(sig, &alg);
	if (dkim_sig_getkeysize(sig, &bits) == DKIM_STAT_OK)
		out->key_bits = bits;
	if (alg == DKIM_SIGN_ED25519SHA256 && (err == DKIM_SIGERROR_OK
					       || err == DKIM_SIGERROR_BADSIG))
		out->key_bits = 256;	/* libopendkim leaves it 0 */
	out->partial_body = is_partial(dkim, sig, body);
	out->result = DKIMV_NEUTRAL;
	out->reason = "signature-syntax";
	if (screen == SCREEN_BADNAME) {
		out->result = DKIMV_PERMERROR;
		out->reason = "key-name-invalid";
	} else if (err == DKIM_SIGERROR_OK
		   && (dkim_sig_getflags(sig) & DKIM_SIGFLAG_PASSED) != 0
		   && body->bh == DKIM_SIGBH_MATCH) {
		out->result = DKIMV_POLICY;
		if (alg == DKIM_SIGN_RSASHA1 && !set->allow_rsa_sha1)
			out->reason = "rsa-sha1";
		else if (alg != DKIM_SIGN_ED25519SHA256 && bits < set->min_rsa_bits)
			out->reason = "key-too-short";
		else if (out->partial_body)
			out->reason = "partial-body";
		else {
			out->result = DKIMV_PASS;
			out->reason = NULL;
		}
	} else if (err == DKIM_SIGERROR_BADSIG) {
		out->result = DKIMV_FAIL;
		out->reason = body->bh == DKIM_SIGBH_MISMATCH
		    ? "body-hash-mismatch" : "signature-mismatch";
	} else {
		for (size_t i = 0; i < sizeof(sigerrors) / sizeof(sigerrors[0]); i++) {
			if (sigerrors[i].error == err) {
				out->result = sigerrors[i].result;
				out->reason = sigerrors[i].reason;
				break;
			}
		}
	}
}

