/*
 * config - load, share and release configuration snapshots (see config.h;
 * the keys themselves are in config_table.c).
 *
 * Thread-safety: config_load builds a private snapshot; afterwards it is
 * read-only and its reference count atomic.
 */
#include "config.h"
#include "config_table.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define LINE_MAX_LEN 4096

static void
config_free(struct config *c)
{
	for (size_t i = 0; i < config_keys_count; i++) {
		config_value_release(c, &config_keys[i]);
		if (c->raw != NULL)
			free(c->raw[i]);
	}
	policy_settings_release(&c->policy);
	free(c->raw);
	free(c->source);
	free(c);
}

struct config *
config_ref(struct config *c)
{
	atomic_fetch_add(&c->refs, 1);
	return c;
}

void
config_unref(struct config **cp)
{
	struct config *c = *cp;

	if (c == NULL)
		return;
	*cp = NULL;
	if (atomic_fetch_sub(&c->refs, 1) == 1)
		config_free(c);
}

/* remember_raw - keep the configured text of key i (appending for lists) */
static int
remember_raw(struct config *c, size_t i, const char *value, int append)
{
	char *text;

	if (append && c->raw[i] != NULL && c->raw[i][0] != '\0') {
		if (asprintf(&text, "%s %s", c->raw[i], value) < 0)
			return -1;
	} else if ((text = strdup(value)) == NULL) {
		return -1;
	}
	free(c->raw[i]);
	c->raw[i] = text;
	return 0;
}

/* split_line - "Key value # comment" into key and trimmed value, in place */
static int
split_line(char *line, char **key_r, char **value_r)
{
	char *p = line, *end;

	for (char *q = line; *q; q++) {
		if (*q == '#' && (q == line || *(q - 1) == ' ' || *(q - 1) == '\t')) {
			*q = '\0';
			break;
		}
	}
	p += strspn(p, " \t\r\n");
	if (*p == '\0')
		return 0;
	*key_r = p;
	p += strcspn(p, " \t\r\n");
	if (*p != '\0')
		*p++ = '\0';
	p += strspn(p, " \t");
	end = p + strlen(p);
	while (end > p && strchr(" \t\r\n", end[-1]) != NULL)
		*--end = '\0';
	*value_r = p;
	return 1;
}

static int
read_file(struct config *c, const char *path, char *error, size_t size)
{
	unsigned *first_line = calloc(config_keys_count, sizeof(*first_line));
	char *line = NULL, reason[512];
	size_t cap = 0;
	ssize_t got;
	unsigned lineno = 0;
	FILE *f;
	int rc = -1;

	if (first_line == NULL || (f = fopen(path, "r")) == NULL) {
		snprintf(error, size, "%s: %s", path, first_line ? strerror(errno) : "out of memory");
		free(first_line);
		return -1;
	}
	while ((got = getline(&line, &cap, f)) > 0) {
		const struct config_key *key;
		char *name, *value;
		size_t i;
		int append;

		lineno++;
		if (got > LINE_MAX_LEN) {
			snprintf(error, size, "%s:%u: line longer than %d characters", path, lineno,
				 LINE_MAX_LEN);
			goto out;
		}
		/* getline counts every byte read, so a NUL cannot hide the rest */
		if (memchr(line, '\0', (size_t)got) != NULL) {
			snprintf(error, size, "%s:%u: NUL byte in line", path, lineno);
			goto out;
		}
		if (!split_line(line, &name, &value))
			continue;
		if ((key = config_key_find(name)) == NULL) {
			snprintf(error, size, "%s:%u: unknown key \"%s\"", path, lineno, name);
			goto out;
		}
		i = (size_t)(key - config_keys);
		append = first_line[i] != 0;
		if (append && !config_key_repeatable(key)) {
			snprintf(error, size, "%s:%u: %s given again (first at line %u)", path,
				 lineno, key->name, first_line[i]);
			goto out;
		}
		if (value[0] == '\0' && !config_key_repeatable(key) && key->type != CONFIG_STRING
		    && key->type != CONFIG_PATH && key->type != CONFIG_RULES_FILE
		    && key->type != CONFIG_DOMAINS_FILE
		    && key->type != CONFIG_NAMESERVERS) {
			snprintf(error, size, "%s:%u: %s needs a value", path, lineno, key->name);
			goto out;
		}
		if (config_value_set(c, key, value, append, reason, sizeof(reason)) < 0) {
			snprintf(error, size, "%s:%u: %s", path, lineno, reason);
			goto out;
		}
		if (remember_raw(c, i, value, append) < 0) {
			snprintf(error, size, "%s:%u: out of memory", path, lineno);
			goto out;
		}
		if (!append)
			first_line[i] = lineno;
	}
	if (ferror(f)) {
		snprintf(error, size, "%s: read error", path);
		goto out;
	}
	rc = 0;
out:
	fclose(f);
	free(line);
	free(first_line);
	return rc;
}

struct config *
config_load(const char *path, char *error, size_t size)
{
	struct config *c = calloc(1, sizeof(*c));
	char reason[512];

	if (c == NULL || (c->raw = calloc(config_keys_count, sizeof(*c->raw))) == NULL) {
		snprintf(error, size, "out of memory");
		free(c);
		return NULL;
	}
	atomic_init(&c->refs, 1);
	policy_settings_init(&c->policy);
	for (size_t i = 0; i < config_keys_count; i++) {
		const struct config_key *key = &config_keys[i];

		if (config_value_set(c, key, key->default_value, 0, reason, sizeof(reason)) < 0
		    || remember_raw(c, i, key->default_value, 0) < 0) {
			/* a bad default is a bug in the table, caught by the tests */
			snprintf(error, size, "default of %s: %s", key->name, reason);
			config_free(c);
			return NULL;
		}
	}
	c->source = strdup(path ? path : "(embedded defaults)");
	if (c->source == NULL || (path != NULL && read_file(c, path, error, size) < 0)) {
		if (c->source == NULL)
			snprintf(error, size, "out of memory");
		config_free(c);
		return NULL;
	}
	return c;
}

size_t
config_key_count(void)
{
	return config_keys_count;
}

const char *
config_key_name(size_t i)
{
	return i < config_keys_count ? config_keys[i].name : NULL;
}

const char *
config_key_default(size_t i)
{
	return i < config_keys_count ? config_keys[i].default_value : NULL;
}

const char *
config_key_help(size_t i)
{
	return i < config_keys_count ? config_keys[i].help : NULL;
}

void
config_print(const struct config *c, FILE *out)
{
	fprintf(out, "# dmarcguard configuration from %s\n", c->source);
	for (size_t i = 0; i < config_keys_count; i++)
		fprintf(out, "%-32s %s\n", config_keys[i].name, c->raw[i] ? c->raw[i] : "");
}

/* config_write_sample - the sample configuration file, from the table */
void
config_write_sample(FILE *out)
{
	fprintf(out,
		"# dmarcguard.conf - configuration of the dmarcguard milter.\n"
		"#\n"
		"# \"Key value\" lines; '#' starts a comment. Every key is shown here\n"
		"# commented out with its default: uncomment and change what you need.\n"
		"# Keys marked (list) may repeat; their values add up, and the first\n"
		"# one in the file replaces the default. See dmarcguard.conf(5).\n"
		"# This file is checked against the daemon's key table by the tests.\n");
	for (size_t i = 0; i < config_keys_count; i++) {
		const struct config_key *key = &config_keys[i];

		fprintf(out, "\n## %s%s - %s\n# %s%s%s\n", key->name,
			config_key_repeatable(key) ? " (list)" : "", key->help, key->name,
			key->default_value[0] ? " " : "", key->default_value);
	}
}
