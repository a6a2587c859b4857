/*
 * domain_rules - per-domain protect/relax rules (see domain_rules.h); two
 * domain_sets, one per rule.
 *
 * Thread-safety: read-only after loading.
 */
#include "domain_rules.h"
#include "domain_set.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct domain_rules {
	struct domain_set *protect;
	struct domain_set *relax;
};

struct domain_rules *
domain_rules_new(void)
{
	struct domain_rules *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->protect = domain_set_new();
	r->relax = domain_set_new();
	if (r->protect == NULL || r->relax == NULL)
		domain_rules_free(&r);
	return r;
}

void
domain_rules_free(struct domain_rules **rp)
{
	if (*rp == NULL)
		return;
	domain_set_free(&(*rp)->protect);
	domain_set_free(&(*rp)->relax);
	free(*rp);
	*rp = NULL;
}

int
domain_rules_add_line(struct domain_rules *r, const char *line, const char **error_r)
{
	char buf[1024], *word, *rest, *save = NULL;
	struct domain_set *set;

	if (strlen(line) >= sizeof(buf)) {
		*error_r = "line too long";
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s", line);
	buf[strcspn(buf, "#\r\n")] = '\0';
	if ((word = strtok_r(buf, " \t", &save)) == NULL)
		return 0;	/* blank or comment */
	if (strcasecmp(word, "protect") == 0)
		set = r->protect;
	else if (strcasecmp(word, "relax") == 0)
		set = r->relax;
	else {
		*error_r = "rule must start with \"protect\" or \"relax\"";
		return -1;
	}
	rest = save + strspn(save, " \t");
	if (*rest == '\0') {
		*error_r = "rule names no domain";
		return -1;
	}
	return domain_set_add(set, rest, error_r);
}

struct domain_rules *
domain_rules_load(const char *path, char *error, size_t size)
{
	struct domain_rules *r;
	char line[1100];
	const char *reason;
	unsigned lineno = 0;
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		snprintf(error, size, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if ((r = domain_rules_new()) == NULL) {
		snprintf(error, size, "%s: out of memory", path);
		fclose(f);
		return NULL;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		lineno++;
		if (strchr(line, '\n') == NULL && !feof(f)) {
			snprintf(error, size, "%s:%u: line too long", path, lineno);
			goto fail;
		}
		if (domain_rules_add_line(r, line, &reason) < 0) {
			snprintf(error, size, "%s:%u: %s", path, lineno, reason);
			goto fail;
		}
	}
	fclose(f);
	return r;
fail:
	fclose(f);
	domain_rules_free(&r);
	return NULL;
}

enum domain_rule
domain_rules_lookup(const struct domain_rules *r, const char *domain)
{
	if (r == NULL || domain == NULL)
		return DOMAIN_RULE_NONE;
	if (domain_set_match(r->protect, domain))
		return DOMAIN_RULE_PROTECT;
	if (domain_set_match(r->relax, domain))
		return DOMAIN_RULE_RELAX;
	return DOMAIN_RULE_NONE;
}

const char *
domain_rules_name(enum domain_rule rule)
{
	switch (rule) {
	case DOMAIN_RULE_PROTECT: return "protect";
	case DOMAIN_RULE_RELAX: return "relax";
	default: return "none";
	}
}
