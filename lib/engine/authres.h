/*
 * authres - our Authentication-Results header (RFC 8601), and spotting the
 * ones that claim our authserv-id.
 *
 * The value we write, folded with "\n\t" between clauses:
 *
 *   mx.example.org;
 *	spf=pass smtp.mailfrom=example.org;
 *	dkim=pass header.d=example.org header.s=sel header.a=rsa-sha256;
 *	dmarc=fail (p=none sp=none dis=quarantine discovery=treewalk) header.from=example.org
 *	policy.dmarc=quarantine
 *
 * Headers that carry our authserv-id arrived from outside (we add ours
 * after removing them), so they are forgeries or loops: the daemon deletes
 * them. Identification compares the first token after optional CFWS with
 * our id, case-insensitively (RFC 8601 2.5, 5).
 *
 * Thread-safety: pure.
 */
#ifndef DMARCGUARD_AUTHRES_H
#define DMARCGUARD_AUTHRES_H

#include <stddef.h>

#include "verdict.h"

/* authres_is_ours - 1 if the header value's authserv-id is authserv_id */
int authres_is_ours(const char *value, size_t len, const char *authserv_id);

/* authres_format - our header value for v; returns its length (0 if it did not fit) */
size_t authres_format(const struct verdict *v, const char *authserv_id, char *buf,
		      size_t size);

#endif
