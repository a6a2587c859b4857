/*
 * errbuf - a formatted error message in a buffer its caller owns (a
 * struct's error field), handed out through the error_r convention: the
 * one way the quarantine tool's modules say what went wrong.
 *
 * Ownership: *error_r points into buf, valid while buf is and until the
 * next message written to it. A message too long for buf is cut.
 *
 * Thread-safety: no shared state.
 */
#ifndef DMARCGUARD_QUARANTINE_ERRBUF_H
#define DMARCGUARD_QUARANTINE_ERRBUF_H

#include <stddef.h>

/* errbuf_set - the message in buf, *error_r = buf; always -1 */
int errbuf_set(char *buf, size_t size, const char **error_r, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* ERRBUF_SET - errbuf_set for an array buf (its size taken from it) */
#define ERRBUF_SET(buf, error_r, ...) errbuf_set((buf), sizeof(buf), (error_r), __VA_ARGS__)

#endif
