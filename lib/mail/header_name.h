/*
 * header_name - the one comparison of a header field's name, as the MTA
 * hands it over, with a name we look for: case-insensitive (RFC 5322
 * field names), white space before the colon ignored ("From :" is a From
 * field to every reader of the message, so it must be one to us too).
 *
 * Thread-safety: pure.
 */
#ifndef DMARCGUARD_HEADER_NAME_H
#define DMARCGUARD_HEADER_NAME_H

#include <stddef.h>

/* header_name_is - field name equals want (want_len octets, no NUL needed) */
int header_name_is(const char *name, const char *want, size_t want_len);

#endif
