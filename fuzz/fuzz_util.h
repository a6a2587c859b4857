/*
 * fuzz_util - small helpers shared by the harnesses: dying loudly on a
 * broken invariant, "key value" request lines at the top of an input, and
 * the resolver that forwards to the in-process fake_dns responder.
 *
 * Thread-safety: the harnesses are single-threaded; fuzz_dns_resolver is
 * called once from LLVMFuzzerInitialize.
 */
#ifndef DMARCGUARD_FUZZ_UTIL_H
#define DMARCGUARD_FUZZ_UTIL_H

#include <stddef.h>

struct resolver;

#define FUZZ_MAX_FIELDS 16

struct fuzz_fields {
	size_t count;
	char *key[FUZZ_MAX_FIELDS];
	char *value[FUZZ_MAX_FIELDS];	/* "" for a key alone */
	char buf[4096];
};

/* fuzz_die - print the broken invariant and abort, so libFuzzer saves the input */
void fuzz_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/*
 * fuzz_skip - whether the invariant `id` is listed in the environment
 * variable FUZZ_SKIP (comma-separated): a long run can step past a bug
 * already reported and saved under fuzz/crashes/ to look for others.
 * Every such id is named in docs/security.md.
 */
int fuzz_skip(const char *id);

/*
 * fuzz_fields_parse - "key value" lines of text up to the first empty line
 * (or the end) into f; *rest_r and *rest_len_r get what follows the empty
 * line. Values are cut at a NUL byte; lines beyond FUZZ_MAX_FIELDS or the
 * buffer are ignored.
 */
void fuzz_fields_parse(struct fuzz_fields *f, const char *text, size_t len,
		       const char **rest_r, size_t *rest_len_r);

/* fuzz_field - the value of the first line with this key, or def */
const char *fuzz_field(const struct fuzz_fields *f, const char *key, const char *def);

/*
 * fuzz_check_header_text - s[0..len) is safe as a header value we add:
 * printable ASCII plus "\n\t" folds, every quoted-string closed,
 * backslashes only inside them. Dies otherwise.
 */
void fuzz_check_header_text(const char *s, size_t len);

/*
 * fuzz_dns_resolver - start fake_dns and a resolver forwarding to it with
 * no caching (dies on failure). Returns the responder; *resolver_r is set.
 */
struct fake_dns *fuzz_dns_resolver(struct resolver **resolver_r);

/*
 * fuzz_dns_renew - libunbound keeps a SERVFAIL for 5 seconds (NORR_TTL in
 * its iterator) and a CNAME for the rest of the second, whatever the TTLs
 * say. After an input that was sent either, free *resolver_r and make a
 * fresh one, so the next input does not see that input's answers.
 * Returns 1 if it did.
 */
int fuzz_dns_renew(struct fake_dns *dns, struct resolver **resolver_r);

#endif
