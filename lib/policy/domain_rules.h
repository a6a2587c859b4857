/*
 * domain_rules - the operator's per-domain rules: author domains to
 * protect harder and author domains to relax.
 *
 * File format, one rule a line, `#` starts a comment:
 *
 *	protect  example.org        # DMARC fail -> reject; no record -> enforced as p=reject
 *	protect  .example.org       # every subdomain of example.org
 *	relax    lists.example.net  # only the published policy applies
 *
 * Domain patterns are those of domain_set ("name" exact, ".name" or
 * "*.name" subdomains). When a domain matches both lists, protect wins: a
 * typo must not weaken protection.
 *
 * Thread-safety: loaded once, then read-only.
 */
#ifndef DMARCGUARD_DOMAIN_RULES_H
#define DMARCGUARD_DOMAIN_RULES_H

#include <stddef.h>

enum domain_rule {
	DOMAIN_RULE_NONE,
	DOMAIN_RULE_PROTECT,
	DOMAIN_RULE_RELAX,
};

struct domain_rules;

/*
 * domain_rules_load - read a rules file. NULL on error, with "path:line:
 * reason" (or "path: reason") written to error (size bytes).
 */
struct domain_rules *domain_rules_load(const char *path, char *error, size_t size);
/* domain_rules_new - an empty rule set; domain_rules_add_line adds one line (0, or -1 with *error_r) */
struct domain_rules *domain_rules_new(void);
int domain_rules_add_line(struct domain_rules *rules, const char *line,
			  const char **error_r);
void domain_rules_free(struct domain_rules **rules);

/* domain_rules_lookup - the rule for an author domain (NULL rules: none) */
enum domain_rule domain_rules_lookup(const struct domain_rules *rules,
				     const char *domain);
/* domain_rules_name - "none", "protect", "relax" */
const char *domain_rules_name(enum domain_rule rule);

#endif
