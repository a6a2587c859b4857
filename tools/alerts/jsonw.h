/*
 * jsonw - a small streaming JSON writer for the --json reports: objects,
 * arrays, strings, numbers, booleans and null, with commas and (when
 * pretty) indentation handled here. Strings are written as valid UTF-8:
 * quotes, backslashes and control bytes are escaped, and a byte that is
 * not part of a valid UTF-8 sequence becomes U+FFFD, so a log line with
 * stray bytes cannot make the output unparsable.
 *
 * Pass a key inside objects and NULL inside arrays and at the top.
 *
 * Thread-safety: a writer belongs to one thread.
 */
#ifndef DMARCGUARD_ALERTS_JSONW_H
#define DMARCGUARD_ALERTS_JSONW_H

#include <stdio.h>
#include <time.h>

#define JSONW_MAX_DEPTH 16

struct jsonw {
	FILE *f;
	int pretty;
	int depth;
	int count[JSONW_MAX_DEPTH];	/* members written at each depth */
};

void jsonw_init(struct jsonw *w, FILE *f, int pretty);
void jsonw_object(struct jsonw *w, const char *key);
void jsonw_array(struct jsonw *w, const char *key);
/* jsonw_end - close the innermost object or array */
void jsonw_end(struct jsonw *w, char close);
void jsonw_string(struct jsonw *w, const char *key, const char *value);	/* NULL: null */
void jsonw_uint(struct jsonw *w, const char *key, unsigned long long value);
void jsonw_double(struct jsonw *w, const char *key, double value);
void jsonw_bool(struct jsonw *w, const char *key, int value);
/* jsonw_time - local RFC 3339 time, or null without one */
void jsonw_time(struct jsonw *w, const char *key, time_t t, int has_time);
/* jsonw_finish - the final newline */
void jsonw_finish(struct jsonw *w);

#endif
