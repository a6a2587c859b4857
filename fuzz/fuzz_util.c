/*
 * fuzz_util - helpers shared by the harnesses (see fuzz_util.h).
 */
#include "fuzz_util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fake_dns.h"
#include "resolver.h"

void
fuzz_die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "INVARIANT BROKEN: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

int
fuzz_skip(const char *id)
{
	const char *list = getenv("FUZZ_SKIP");
	size_t n = strlen(id);

	for (const char *p = list; p != NULL && *p != '\0'; p += strcspn(p, ",")) {
		p += strspn(p, ",");
		if (strncmp(p, id, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return 1;
	}
	return 0;
}

void
fuzz_fields_parse(struct fuzz_fields *f, const char *text, size_t len,
		  const char **rest_r, size_t *rest_len_r)
{
	const char *p = text, *end = text + len;
	size_t used = 0;

	f->count = 0;
	*rest_r = end;
	*rest_len_r = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		size_t n = (size_t)(eol - p), k;

		if (n == 0 || (n == 1 && *p == '\r')) {
			/* the empty line may be the last bytes, with no '\n' */
			*rest_r = nl ? nl + 1 : end;
			*rest_len_r = (size_t)(end - *rest_r);
			return;
		}
		if (f->count < FUZZ_MAX_FIELDS && used + n + 2 <= sizeof(f->buf)) {
			char *line = f->buf + used;

			memcpy(line, p, n);
			line[n] = '\0';
			if (n > 0 && line[n - 1] == '\r')
				line[n - 1] = '\0';
			used += n + 2;
			k = strcspn(line, " ");
			f->key[f->count] = line;
			f->value[f->count] = line + k + (line[k] != '\0');
			line[k] = '\0';
			f->count++;
		}
		p = nl ? nl + 1 : end;
	}
}

const char *
fuzz_field(const struct fuzz_fields *f, const char *key, const char *def)
{
	for (size_t i = 0; i < f->count; i++)
		if (strcmp(f->key[i], key) == 0)
			return f->value[i];
	return def;
}

static void
resolver_start(struct fake_dns *dns, struct resolver **resolver_r)
{
	struct resolver_settings settings;
	const char *error = NULL;

	resolver_settings_init(&settings);
	settings.nameservers = fake_dns_address(dns);
	settings.timeout_ms = 2000;
	settings.cache_entries = 1;
	/* nothing cached: every input gets answers from its own zone */
	settings.cache_limits.max_ttl = 0;
	settings.cache_limits.max_negative_ttl = 0;
	settings.cache_limits.tempfail_ttl = 0;
	if ((*resolver_r = resolver_new(&settings, &error)) == NULL)
		fuzz_die("resolver_new: %s", error);
}

void
fuzz_check_header_text(const char *s, size_t len)
{
	int quoted = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\n') {
			if (quoted || i + 1 >= len || s[i + 1] != '\t')
				fuzz_die("bad fold at %zu in \"%s\"", i, s);
			continue;
		}
		if (c == '\t' && i > 0 && s[i - 1] == '\n')
			continue;
		if (c < 0x20 || c > 0x7e)
			fuzz_die("byte 0x%02x at %zu in \"%s\"", c, i, s);
		if (c == '"')
			quoted = !quoted;
		else if (c == '\\') {
			if (!quoted || i + 1 >= len)
				fuzz_die("stray backslash at %zu in \"%s\"", i, s);
			i++;
		}
	}
	if (quoted)
		fuzz_die("unclosed quoted-string in \"%s\"", s);
}

struct fake_dns *
fuzz_dns_resolver(struct resolver **resolver_r)
{
	struct fake_dns *dns = fake_dns_start();

	if (dns == NULL)
		fuzz_die("cannot start the fake DNS responder");
	resolver_start(dns, resolver_r);
	return dns;
}

int
fuzz_dns_renew(struct fake_dns *dns, struct resolver **resolver_r)
{
	if (!fake_dns_failed(dns))
		return 0;
	resolver_free(resolver_r);
	resolver_start(dns, resolver_r);
	return 1;
}
