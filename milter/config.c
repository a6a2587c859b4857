/*
 * config - load, share and release configuration snapshots (see config.h;
 * the keys themselves are in config_table.c, the names of earlier releases
 * and typo suggestions in config_compat.c).
 *
 * Thread-safety: config_load builds a private snapshot; afterwards it is
 * read-only and its reference count atomic.
 */
#include "config.h"
#include "config_compat.h"
#include "config_file.h"
#include "config_objects.h"
#include "config_table.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* config_print's longest list line, well inside CONFIG_LINE_MAX */
#define CONFIG_PRINT_WIDTH 1000


static void
config_free(struct config *c)
{
	for (size_t i = 0; i < config_keys_count; i++) {
		config_value_release(c, &config_keys[i]);
		if (c->raw != NULL)
			free(c->raw[i]);
	}
	config_objects_release(c);
	policy_settings_release(&c->policy);
	for (size_t i = 0; i < c->warning_count; i++)
		free(c->warnings[i]);
	free(c->warnings);
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

/*
 * Per-key state while one file is read: the line that first set the key
 * and the name it used there (the key's, or an earlier release's), and
 * the length and capacity of its raw text, so that a list key given on a
 * million lines is appended to in amortized constant time.
 */
struct key_state {
	unsigned first_line;
	const char *first_name;
	size_t raw_len, raw_cap;
};

struct reader {
	struct config *config;
	const struct config_compat *compat;
	const char *path;
	struct key_state *keys;
};

/* add_warning - keep "path:line: text" for whoever shows the snapshot's warnings */
static int
add_warning(struct config *c, const char *path, unsigned lineno, const char *text)
{
	char **list = realloc(c->warnings, (c->warning_count + 1) * sizeof(*list));
	int n;

	if (list == NULL)
		return -1;
	c->warnings = list;
	n = snprintf(NULL, 0, "%s:%u: %s", path, lineno, text);
	if (n < 0 || (list[c->warning_count] = malloc((size_t)n + 1)) == NULL)
		return -1;
	snprintf(list[c->warning_count++], (size_t)n + 1, "%s:%u: %s", path, lineno, text);
	return 0;
}

/*
 * find_key - the table entry for a name as written, through the earlier
 * releases' names: 1 with *key_r and *name_r (the spelling's own constant
 * text), 0 for a removed key that is ignored, -1 refused (reason written).
 */
static int
find_key(struct reader *r, const char *name, const char *value, unsigned lineno,
	 const struct config_key **key_r, const char **name_r, char *reason, size_t size)
{
	char text[512];

	if ((*key_r = config_key_find(name)) != NULL) {
		*name_r = (*key_r)->name;
		return 1;
	}
	if (config_compat_resolve(r->compat, name, value, key_r, name_r, text, sizeof(text))
	    == CONFIG_COMPAT_REFUSED) {
		snprintf(reason, size, "%s", text);
		return -1;
	}
	if (add_warning(r->config, r->path, lineno, text) < 0) {
		snprintf(reason, size, "out of memory");
		return -1;
	}
	return *key_r != NULL;
}

/* remember_raw - keep the configured text of key i (appending for lists) */
static int
remember_raw(struct config *c, size_t i, struct key_state *k, const char *value, int append)
{
	size_t len = strlen(value), need;
	char *text;

	if (!append || k->raw_len == 0) {
		if ((text = strdup(value)) == NULL)
			return -1;
		free(c->raw[i]);
		c->raw[i] = text;
		k->raw_len = len;
		k->raw_cap = len + 1;
		return 0;
	}
	need = k->raw_len + 1 + len + 1;
	if (need > k->raw_cap) {
		size_t cap = k->raw_cap * 2 > need ? k->raw_cap * 2 : need;

		if ((text = realloc(c->raw[i], cap)) == NULL)
			return -1;
		c->raw[i] = text;
		k->raw_cap = cap;
	}
	c->raw[i][k->raw_len] = ' ';
	memcpy(c->raw[i] + k->raw_len + 1, value, len + 1);
	k->raw_len += 1 + len;
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

/* read_line - one line of the file (config_file_line_fn) */
static int
read_line(void *context, char *line, unsigned lineno, char *reason, size_t size)
{
	struct reader *r = context;
	struct config *c = r->config;
	const struct config_key *key;
	struct key_state *k;
	const char *spelling;
	char *name, *value;
	size_t i;
	int append, found;

	if (!split_line(line, &name, &value))
		return 0;
	if ((found = find_key(r, name, value, lineno, &key, &spelling, reason, size)) <= 0)
		return found;
	i = (size_t)(key - config_keys);
	k = &r->keys[i];
	append = k->first_line != 0;
	if (append && spelling != k->first_name) {
		/* which one the operator meant is not ours to guess */
		snprintf(reason, size, "%s and %s (line %u) both set %s; keep only %s",
			 spelling, k->first_name, k->first_line, key->name, key->name);
		return -1;
	}
	if (append && !config_key_repeatable(key)) {
		snprintf(reason, size, "%s given again (first at line %u)", spelling,
			 k->first_line);
		return -1;
	}
	if (value[0] == '\0' && !config_key_repeatable(key) && key->type != CONFIG_STRING
	    && key->type != CONFIG_PATH && key->type != CONFIG_RULES_FILE
	    && key->type != CONFIG_NAMES_FILE && key->type != CONFIG_DOMAINS_FILE
	    && key->type != CONFIG_NAMESERVERS && key->type != CONFIG_REPORT_STORE
	    && key->type != CONFIG_METRICS_SOCKET) {
		snprintf(reason, size, "%s needs a value", key->name);
		return -1;
	}
	if (config_value_set(c, key, value, append, reason, size) < 0)
		return -1;
	if (remember_raw(c, i, k, value, append) < 0) {
		snprintf(reason, size, "out of memory");
		return -1;
	}
	if (!append) {
		k->first_line = lineno;
		k->first_name = spelling;
	}
	c->key_lines++;
	return 0;
}

/* read_file - read path into c; key_lines[i] gets the line that first set key i */
static int
read_file(struct config *c, const char *path, const struct config_compat *compat,
	  unsigned *key_lines, char *error, size_t size)
{
	struct reader r = { .config = c, .compat = compat, .path = path,
			    .keys = calloc(config_keys_count, sizeof(*r.keys)) };
	int rc;

	if (r.keys == NULL) {
		snprintf(error, size, "%s: out of memory", path);
		return -1;
	}
	rc = config_file_read(path, CONFIG_LINE_MAX, read_line, &r, error, size);
	for (size_t i = 0; i < config_keys_count; i++)
		key_lines[i] = r.keys[i].first_line;
	free(r.keys);
	return rc;
}

struct config *
config_load(const char *path, char *error, size_t size)
{
	return config_load_compat(path, &config_compat_release, error, size);
}

struct config *
config_load_compat(const char *path, const struct config_compat *compat, char *error,
		   size_t size)
{
	struct config *c = calloc(1, sizeof(*c));
	unsigned *key_lines = calloc(config_keys_count, sizeof(*key_lines));
	char reason[512];

	if (c == NULL || key_lines == NULL
	    || (c->raw = calloc(config_keys_count, sizeof(*c->raw))) == NULL) {
		snprintf(error, size, "out of memory");
		free(key_lines);
		free(c);
		return NULL;
	}
	atomic_init(&c->refs, 1);
	policy_settings_init(&c->policy);
	for (size_t i = 0; i < config_keys_count; i++) {
		const struct config_key *key = &config_keys[i];
		struct key_state k = { 0 };

		if (config_value_set(c, key, key->default_value, 0, reason, sizeof(reason)) < 0
		    || remember_raw(c, i, &k, key->default_value, 0) < 0) {
			/* a bad default is a bug in the table, caught by the tests */
			snprintf(error, size, "default of %s: %s", key->name, reason);
			free(key_lines);
			config_free(c);
			return NULL;
		}
	}
	c->source = strdup(path ? path : "(embedded defaults)");
	/* building the snapshot's objects is what checks the PSL and the names */
	if (c->source == NULL
	    || (path != NULL && read_file(c, path, compat, key_lines, error, size) < 0)
	    || config_objects_build(c, key_lines, error, size) < 0) {
		if (c->source == NULL)
			snprintf(error, size, "out of memory");
		free(key_lines);
		config_free(c);
		return NULL;
	}
	free(key_lines);
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

/*
 * print_list - a list key's text on as many lines as it takes, each within
 * CONFIG_PRINT_WIDTH, cut between entries: a list given on thousands of
 * lines must print as a file that loads again (found by fuzz_config).
 */
static void
print_list(FILE *out, const char *name, const char *text)
{
	size_t len = strlen(text);

	do {
		size_t n = len;

		if (n > CONFIG_PRINT_WIDTH) {
			n = CONFIG_PRINT_WIDTH;
			while (n > 0 && text[n] != ' ')
				n--;
			if (n == 0)	/* no entry is this long; never cut one */
				n = strcspn(text, " ");
		}
		fprintf(out, "%-32s %.*s\n", name, (int)n, text);
		text += n;
		len -= n;
		while (*text == ' ') {
			text++;
			len--;
		}
	} while (len > 0);
}

void
config_print(const struct config *c, FILE *out)
{
	fprintf(out, "# dmarcguard configuration from %s\n", c->source);
	for (size_t i = 0; i < config_keys_count; i++) {
		const char *text = c->raw[i] ? c->raw[i] : "";

		if (config_key_repeatable(&config_keys[i]))
			print_list(out, config_keys[i].name, text);
		else
			fprintf(out, "%-32s %s\n", config_keys[i].name, text);
	}
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
