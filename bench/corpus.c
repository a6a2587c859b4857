/*
 * corpus - load a benchmark corpus directory (see corpus.h).
 *
 * Thread-safety: corpus_load and corpus_free from one thread; the loaded
 * corpus is read-only.
 */
#include "corpus.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* link_groups - chain each entry to the next one with the same client and HELO */
static void
link_groups(struct corpus *c)
{
	for (size_t i = 0; i < c->count; i++) {
		struct corpus_entry *e = &c->entries[i];

		e->next_in_group = i;
		for (size_t k = 1; k < c->count; k++) {
			const struct corpus_entry *o = &c->entries[(i + k) % c->count];

			if (strcmp(o->client_ip, e->client_ip) == 0 && strcmp(o->helo, e->helo) == 0) {
				e->next_in_group = (i + k) % c->count;
				break;
			}
		}
	}
}

static int
add_entry(struct corpus *c, size_t *size, const char *dir, char **f, size_t nf,
	  char *error, size_t error_size)
{
	struct corpus_entry *e;
	char path[4096];
	const char *why = NULL;

	if (c->count == *size) {
		size_t n = *size ? 2 * *size : 64;

		if ((e = realloc(c->entries, n * sizeof(*e))) == NULL)
			return -1;
		c->entries = e;
		*size = n;
	}
	e = &c->entries[c->count];
	memset(e, 0, sizeof(*e));
	e->file = strdup(f[0]);
	e->client_ip = strdup(f[1]);
	e->helo = strdup(f[2]);
	e->mail_from = strdup(strcmp(f[3], "<>") == 0 ? "" : f[3]);
	e->expect = strdup(nf > 4 ? f[4] : "-");
	e->authenticated = nf > 5 && strcmp(f[5], "auth") == 0;
	c->count++;
	snprintf(path, sizeof(path), "%s/%s", dir, f[0]);
	if ((e->msg = mail_message_load(path, &why)) == NULL) {
		snprintf(error, error_size, "%s: %s", path, why);
		return -1;
	}
	c->bytes += e->msg->body_len;
	return 0;
}

struct corpus *
corpus_load(const char *dir, char *error, size_t error_size)
{
	struct corpus *c = calloc(1, sizeof(*c));
	char path[4096], line[2048];
	size_t size = 0, lineno = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/envelope", dir);
	if (c == NULL || (f = fopen(path, "r")) == NULL) {
		snprintf(error, error_size, "cannot open %s", path);
		free(c);
		return NULL;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *fields[6], *save = NULL, *tok;
		size_t nf = 0;

		lineno++;
		for (tok = strtok_r(line, " \t\r\n", &save); tok != NULL && nf < 6;
		     tok = strtok_r(NULL, " \t\r\n", &save))
			fields[nf++] = tok;
		if (nf == 0 || fields[0][0] == '#')
			continue;
		if (nf < 4) {
			snprintf(error, error_size, "%s:%zu: want FILE IP HELO MAIL_FROM [EXPECT [auth]]",
				 path, lineno);
			goto err;
		}
		if (add_entry(c, &size, dir, fields, nf, error, error_size) < 0)
			goto err;
	}
	fclose(f);
	if (c->count == 0) {
		snprintf(error, error_size, "%s: no messages", path);
		corpus_free(&c);
		return NULL;
	}
	link_groups(c);
	return c;
err:
	fclose(f);
	corpus_free(&c);
	return NULL;
}

void
corpus_free(struct corpus **cp)
{
	struct corpus *c = *cp;

	if (c == NULL)
		return;
	for (size_t i = 0; i < c->count; i++) {
		struct corpus_entry *e = &c->entries[i];

		free(e->file);
		free(e->client_ip);
		free(e->helo);
		free(e->mail_from);
		free(e->expect);
		mail_message_free(&e->msg);
	}
	free(c->entries);
	free(c);
	*cp = NULL;
}
