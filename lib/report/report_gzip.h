/*
 * report_gzip - gzip (RFC 1952) of a report in memory, with zlib.
 *
 * The gzip header carries no file name and a zero time, so the same
 * report compresses to the same bytes (a re-sent report is the same file,
 * as RFC 9990 section 5.3 asks of its name).
 *
 * Ownership: *out_r is malloc'ed, the caller frees it.
 * Thread-safety: reentrant.
 */
#ifndef DMARCGUARD_REPORT_GZIP_H
#define DMARCGUARD_REPORT_GZIP_H

#include <stddef.h>

/* report_gzip_compress - 0 with *out_r, *out_len_r; -1 with *error_r */
int report_gzip_compress(const void *in, size_t len, unsigned char **out_r, size_t *out_len_r,
			 const char **error_r);

#endif
