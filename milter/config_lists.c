/*
 * config_lists - name lists, names files, domain files and the domain rules
 * file of the configuration (see config_lists.h).
 *
 * Thread-safety: reentrant; no state outside the objects being built.
 */
#include "config_lists.h"
#include "config.h"
#include "config_file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A names file as one text, grown by doubling so that loading is linear. */
struct names_text {
	char *buf;
	size_t len, cap;
};

/* names_line - append one line of a names file and its newline */
static int
names_line(void *context, char *line, unsigned lineno, char *reason, size_t reason_size)
{
	struct names_text *t = context;
	size_t n = strlen(line);

	(void)lineno;
	if (t->len + n + 2 > CONFIG_LISTS_NAMES_FILE_MAX) {
		snprintf(reason, reason_size, "longer than %u MiB in all",
			 CONFIG_LISTS_NAMES_FILE_MAX >> 20);
		return -1;
	}
	if (t->len + n + 2 > t->cap) {
		size_t cap = t->cap ? t->cap : 4096;
		char *grown;

		while (cap < t->len + n + 2)
			cap *= 2;
		if ((grown = realloc(t->buf, cap)) == NULL) {
			snprintf(reason, reason_size, "out of memory");
			return -1;
		}
		t->buf = grown;
		t->cap = cap;
	}
	memcpy(t->buf + t->len, line, n);
	t->len += n;
	t->buf[t->len++] = '\n';
	t->buf[t->len] = '\0';
	return 0;
}

int
config_lists_read_names(const char *path, char **text, char *error, size_t size)
{
	struct names_text t = { NULL, 0, 0 };

	if (config_file_read(path, CONFIG_LINE_MAX, names_line, &t, error, size) < 0) {
		free(t.buf);
		return -1;
	}
	if (t.buf == NULL && (t.buf = strdup("")) == NULL) {
		snprintf(error, size, "%s: out of memory", path);
		return -1;
	}
	free(*text);
	*text = t.buf;
	return 0;
}

int
config_lists_append_names(char **list, const char *key, const char *names, char *error,
			  size_t size)
{
	char *joined;

	/* each line copies what came before: the bound keeps that cheap */
	if (strlen(*list) + strlen(names) + 1 > CONFIG_LISTS_NAMELIST_MAX) {
		snprintf(error, size, "%s: more than %d characters in all; put long lists in"
			 " ProtectedDomainsFile", key, CONFIG_LISTS_NAMELIST_MAX);
		return -1;
	}
	if (asprintf(&joined, "%s %s", *list, names) < 0) {
		snprintf(error, size, "out of memory");
		return -1;
	}
	free(*list);
	*list = joined;
	return 0;
}

/* domains_line - the names on one line of a domains file; '#' starts a comment */
static int
domains_line(void *context, char *line, unsigned lineno, char *reason, size_t reason_size)
{
	const char *why = NULL;
	char *hash = strchr(line, '#');

	(void)lineno;
	if (hash != NULL)
		*hash = '\0';
	if (domain_set_add(context, line, &why) < 0) {
		snprintf(reason, reason_size, "%s", why);
		return -1;
	}
	return 0;
}

int
config_lists_load_domains(struct domain_set **out, const char *path, char *error,
			  size_t size)
{
	domain_set_free(out);
	if (path[0] == '\0')
		return 0;
	if ((*out = domain_set_new()) == NULL) {
		snprintf(error, size, "%s: out of memory", path);
		return -1;
	}
	if (config_file_read(path, CONFIG_LINE_MAX, domains_line, *out, error, size) < 0) {
		domain_set_free(out);
		return -1;
	}
	return 0;
}

/* rules_line - one line of a DomainRulesFile (config_file_line_fn) */
static int
rules_line(void *rules, char *line, unsigned lineno, char *reason, size_t size)
{
	const char *why;

	(void)lineno;
	if (domain_rules_add_line(rules, line, &why) < 0) {
		snprintf(reason, size, "%s", why);
		return -1;
	}
	return 0;
}

int
config_lists_load_rules(struct domain_rules **out, const char *path, char *error,
			size_t size)
{
	domain_rules_free(out);
	if (path[0] == '\0')
		return 0;
	if ((*out = domain_rules_new()) == NULL) {
		snprintf(error, size, "%s: out of memory", path);
		return -1;
	}
	if (config_file_read(path, DOMAIN_RULES_LINE_MAX, rules_line, *out, error, size) < 0) {
		domain_rules_free(out);
		return -1;
	}
	return 0;
}
