/*
 * domain_set - a set of domain names with optional subdomain matching, for
 * allow lists (From domains, DKIM signing domains).
 *
 * Entry syntax: "example.org" matches exactly that domain; ".example.org"
 * or "*.example.org" matches every subdomain of it (not example.org
 * itself: list both when both are meant). Comparison ignores case and one
 * trailing dot. Entries are separated by spaces or commas.
 *
 * Thread-safety: built once, then read-only.
 */
#ifndef DMARCGUARD_DOMAIN_SET_H
#define DMARCGUARD_DOMAIN_SET_H

#include <stddef.h>

struct domain_set;

struct domain_set *domain_set_new(void);
/* domain_set_add - add the entries of text; 0, or -1 with *error_r */
int domain_set_add(struct domain_set *set, const char *text, const char **error_r);
void domain_set_free(struct domain_set **set);
size_t domain_set_count(const struct domain_set *set);
/*
 * domain_set_load - a new set from a file of entries, any number per line,
 * '#' to the end of a line a comment. NULL with "path:line: reason" (or
 * "path: reason") in error.
 */
struct domain_set *domain_set_load(const char *path, char *error, size_t size);
/* domain_set_match - 1 if domain is listed (exactly or as a subdomain) */
int domain_set_match(const struct domain_set *set, const char *domain);

#endif
