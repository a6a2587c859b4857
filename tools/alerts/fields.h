/*
 * fields - the strict key=value parser for the message part of an alert
 * line, format version 1 (docs/alerts.md, "Quoting"):
 *
 *   fields  = field *(" " field)          exactly one space between fields
 *   field   = key "=" value
 *   key     = 1*(a-z / 0-9 / "_")
 *   value   = bare / quoted
 *   bare    = 1*(%x21-7E except " \ =)    what needs no quotes
 *   quoted  = DQUOTE *(char / "\" DQUOTE / "\\" / "\x" HEXDIG HEXDIG) DQUOTE
 *   char    = any byte but " \ control bytes and 0x7f (bytes >= 0x80 raw)
 *
 * \xHH must stand for a control byte or 0x7f (the only bytes the writer
 * escapes that way) and never for NUL; any other escape, a raw control
 * byte, an unterminated quote (a truncated line), text right after a
 * closing quote, an empty bare value (empty is written "") or a byte that
 * needed quotes in a bare value is an error. A value the writer would not
 * have quoted may still come quoted: that reads the same either way.
 *
 * Use: fields_init over the text, then fields_next until it returns 0 (no
 * more fields) or -1 (error, with a static message in *error_r). Keys
 * point into the text; values are decoded and NUL-terminated in the
 * caller's scratch buffer, which needs len + 1 bytes. Nothing is
 * allocated.
 *
 * Thread-safety: a parser belongs to one thread; no shared state.
 */
#ifndef DMARCGUARD_ALERTS_FIELDS_H
#define DMARCGUARD_ALERTS_FIELDS_H

#include <stddef.h>

struct field {
	const char *key;	/* not NUL-terminated: key_len bytes */
	size_t key_len;
	const char *value;	/* decoded, NUL-terminated, in scratch */
	size_t value_len;
};

struct fields_parser {
	const unsigned char *p, *end;
	char *out, *out_end;
	int started;
};

/* fields_init - parse len bytes of text, decoding into scratch (len + 1 bytes) */
void fields_init(struct fields_parser *fp, const char *text, size_t len, char *scratch,
		 size_t scratch_size);
/* fields_next - 1 with the next field in *f, 0 at the end, -1 on an error */
int fields_next(struct fields_parser *fp, struct field *f, const char **error_r);

#endif
