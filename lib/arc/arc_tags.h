/*
 * arc_tags - the DKIM tag-list syntax (RFC 6376 3.2) that ARC-Seal and
 * ARC-Message-Signature use (RFC 8617 4.1.2, 4.1.3).
 *
 * arc_tags_parse splits a field value into tags without copying: every
 * name and value points into the caller's text, which must outlive the
 * result. Values lose the folding white space at both ends; white space
 * inside a value (a folded b= or bh=) is left for the caller, which
 * knows whether it matters. Unknown tags are kept like any other, so a
 * verifier can ignore them (RFC 6376 3.2: "unrecognized tags MUST be
 * ignored"). A duplicate tag, a tag without "=", an empty or malformed
 * name, or more than ARC_TAGS_MAX tags make the list unusable.
 *
 * Thread-safety: pure functions.
 */
#ifndef DMARCGUARD_ARC_TAGS_H
#define DMARCGUARD_ARC_TAGS_H

#include <stddef.h>

#define ARC_TAGS_MAX 32

struct arc_tag {
	const char *name;
	size_t name_len;
	const char *value;	/* trimmed; may be empty */
	size_t value_len;
};

struct arc_tags {
	size_t count;
	struct arc_tag tag[ARC_TAGS_MAX];
};

/*
 * arc_tags_parse - split s[0..len) into tags. Returns 0, or -1 with
 * *error_r set to a static reason ("tag-syntax", "tag-duplicate",
 * "tag-too-many").
 */
int arc_tags_parse(const char *s, size_t len, struct arc_tags *out, const char **error_r);

/* arc_tags_get - the tag named `name` (case-sensitive, as RFC 6376), or NULL */
const struct arc_tag *arc_tags_get(const struct arc_tags *tags, const char *name);

/* arc_tags_is - whether a tag's value is exactly `want` (case-insensitive) */
int arc_tags_is(const struct arc_tag *tag, const char *want);

#endif
