/*
 * reply - SMTP reply texts from the RejectText/TempfailText templates.
 *
 * %{domain} and %{reason} are replaced; every '%' left in the result is
 * doubled, as smfi_setreply requires; CR, LF and other control bytes
 * (which could come from a hostile From domain) become '?'.
 *
 * Thread-safety: pure.
 */
#ifndef DMARCGUARD_REPLY_H
#define DMARCGUARD_REPLY_H

#include <stddef.h>

/* reply_expand - write the expanded text to out (always NUL-terminated) */
void reply_expand(const char *template, const char *domain, const char *reason,
		  char *out, size_t size);

#endif
