/*
 * spf_record - the strict RFC 7208 section 12 syntax of an SPF record.
 *
 * spf_record_parse checks a whole record ("v=spf1 ...") against the
 * grammar before anything evaluates it, as RFC 7208 4.6 asks: a syntax
 * error anywhere is permerror. It checks what libspf2 1.2.10 lets through:
 * every mechanism and its arguments, domain-spec with its domain-end
 * (a "." and a top label that is not all digits, or a macro), macro
 * syntax (a '%' is followed by '{', '%', '_' or '-'; macro letters, digit
 * transformers that are not zero, delimiters; the letters c, r and t
 * belong to explanation text and are refused in records), CIDR lengths
 * (0-32 and 0-128, no leading zero, "/0" included), IPv4 and IPv6
 * networks, modifier names, and at most one redirect= and one exp=.
 * Terms are separated by spaces only; the caller refuses control bytes.
 *
 * On success the record is a list of terms pointing into the caller's
 * text, which must outlive it.
 *
 * Thread-safety: pure functions; a parsed record belongs to its caller.
 */
#ifndef DMARCGUARD_SPF_RECORD_H
#define DMARCGUARD_SPF_RECORD_H

#include <stddef.h>

enum spf_record_kind {
	SPF_RECORD_ALL,
	SPF_RECORD_INCLUDE,
	SPF_RECORD_A,
	SPF_RECORD_MX,
	SPF_RECORD_PTR,
	SPF_RECORD_IP4,
	SPF_RECORD_IP6,
	SPF_RECORD_EXISTS,
	SPF_RECORD_REDIRECT,	/* modifiers from here on */
	SPF_RECORD_EXP,
	SPF_RECORD_UNKNOWN,	/* an unknown modifier: ignored by evaluation */
};

struct spf_record_term {
	enum spf_record_kind kind;
	char qualifier;		/* '+', '-', '~', '?'; 0 for a modifier */
	const char *name;	/* the term's name as written */
	size_t name_len;
	const char *arg;	/* domain-spec, network or modifier value */
	size_t arg_len;		/* 0: none given */
	int cidr4, cidr6;	/* prefix lengths; -1: none given */
};

struct spf_record {
	size_t count;
	int has_all;		/* an "all" mechanism is present */
	struct spf_record_term terms[];
};

/*
 * spf_record_parse - check `len` bytes of text as one SPF record. Returns
 * 0 with *record_r (the caller frees it with spf_record_free); -1 with
 * *error_r (static text) when the record breaks the grammar: permerror;
 * -2 when memory runs out.
 */
int spf_record_parse(const char *text, size_t len, struct spf_record **record_r,
		     const char **error_r)
	__attribute__((warn_unused_result));

/* spf_record_free - accepts NULL; sets *record to NULL */
void spf_record_free(struct spf_record **record);

/*
 * spf_record_domain_spec - whether `len` bytes are a domain-spec of RFC
 * 7208 (macro-string and domain-end); 0, or -1 with *error_r.
 */
int spf_record_domain_spec(const char *spec, size_t len, const char **error_r);

#endif
