/*
 * report_gzip - one-shot gzip with zlib's deflate (see report_gzip.h).
 *
 * Thread-safety: reentrant.
 */
#include "report_gzip.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

int
report_gzip_compress(const void *in, size_t len, unsigned char **out_r, size_t *out_len_r,
		     const char **error_r)
{
	z_stream z;
	gz_header header;
	unsigned char *out;
	uLong bound;
	int rc;

	if (len > (size_t)UINT32_MAX) {
		*error_r = "gzip: a report over 4 GB";
		return -1;
	}
	memset(&z, 0, sizeof(z));
	/* 15 + 16: a gzip wrapper rather than zlib's */
	if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY)
	    != Z_OK) {
		*error_r = "gzip: deflateInit2 failed";
		return -1;
	}
	memset(&header, 0, sizeof(header));
	header.os = 3;		/* Unix */
	deflateSetHeader(&z, &header);
	bound = deflateBound(&z, (uLong)len) + 32;
	if ((out = malloc(bound)) == NULL) {
		deflateEnd(&z);
		*error_r = "out of memory";
		return -1;
	}
	z.next_in = (Bytef *)(uintptr_t)in;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)bound;
	rc = deflate(&z, Z_FINISH);
	*out_len_r = z.total_out;
	deflateEnd(&z);
	if (rc != Z_STREAM_END) {
		free(out);
		*error_r = "gzip: deflate did not finish";
		return -1;
	}
	*out_r = out;
	return 0;
}
