/*
 * fuzz_config - config_load on any file content (the daemon reads the
 * file at start and on every reload).
 *
 * Input: the configuration text, optionally followed by a line
 * "@@rules@@" and the content of a domain rules file. Both go to memfds
 * read through /proc/self/fd/N. A DomainRulesFile or ProtectedDomainsFile
 * line with a value is rewritten to name the rules memfd, so the harness never opens files of
 * the machine (a FIFO or /dev/stdin would hang it). PublicSuffixList always names a memfd
 * holding a small suffix list (a line is added when the input has none): config_load
 * loads the list, and Debian's whole file would cost each input about 35 M instructions.
 *
 * Invariants checked (abort on violation):
 *  - a failure says "PATH:..." and returns NULL;
 *  - an accepted file has only known keys (compared with the key table
 *    by name, case-insensitively, independently of config_key_find), no
 *    non-list key twice, and no NUL byte;
 *  - every value of an accepted snapshot is within its documented range
 *    (durations, counts, mode, AuthservID a token, reply texts printable
 *    and at most 400 characters, socket forms);
 *  - config_print's output is itself a configuration that loads to the
 *    same snapshot (the same config_print output, blanks aside);
 *  - references: config_ref/config_unref keep the snapshot alive and the
 *    last unref frees it (LeakSanitizer checks the rest).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"
#include "config_table.h"
#include "fuzz_util.h"

#define SEPARATOR "@@rules@@\n"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int conf_fd = -1, rules_fd = -1, psl_fd = -1;
static char conf_path[64], rules_path[64], psl_path[64];
static const char psl_text[] = "com\nnet\norg\nuk\nco.uk\nexample\ntest\n";

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if ((conf_fd = memfd_create("fuzz-conf", MFD_CLOEXEC)) < 0
	    || (rules_fd = memfd_create("fuzz-rules", MFD_CLOEXEC)) < 0
	    || (psl_fd = memfd_create("fuzz-psl", MFD_CLOEXEC)) < 0)
		fuzz_die("memfd_create failed");
	snprintf(conf_path, sizeof(conf_path), "/proc/self/fd/%d", conf_fd);
	snprintf(rules_path, sizeof(rules_path), "/proc/self/fd/%d", rules_fd);
	snprintf(psl_path, sizeof(psl_path), "/proc/self/fd/%d", psl_fd);
	if (pwrite(psl_fd, psl_text, sizeof(psl_text) - 1, 0) != (ssize_t)sizeof(psl_text) - 1)
		fuzz_die("cannot write the suffix list memfd");
	return 0;
}

static void
put_file(int fd, const char *text, size_t len)
{
	if (ftruncate(fd, 0) < 0 || (len > 0 && pwrite(fd, text, len, 0) != (ssize_t)len))
		fuzz_die("cannot write a memfd");
}

/* line_key - the key of one line as the daemon's split_line finds it, or NULL */
static char *
line_key(char *line, char **rest_r)
{
	char *p;

	for (char *q = line; *q; q++)
		if (*q == '#' && (q == line || q[-1] == ' ' || q[-1] == '\t')) {
			*q = '\0';
			break;
		}
	p = line + strspn(line, " \t\r\n");
	if (*p == '\0')
		return NULL;
	*rest_r = p + strcspn(p, " \t\r\n");
	return p;
}

/* table_index - the key's row, by our own comparison with the table's names */
static long
table_index(const char *key, size_t len)
{
	for (size_t i = 0; i < config_key_count(); i++) {
		const char *name = config_key_name(i);

		if (strlen(name) == len && strncasecmp(name, key, len) == 0)
			return (long)i;
	}
	return -1;
}

/*
 * rewrite - the config with DomainRulesFile and ProtectedDomainsFile
 * values replaced by the rules memfd and PublicSuffixList's by the list
 * memfd (a first line naming it when no line does); also checks, when
 * `accepted`, keys and repetitions.
 */
static char *
walk_lines(const char *text, size_t len, int accepted, size_t *out_len)
{
	char *out = malloc(len * 3 + 128), *line = malloc(len + 1);
	unsigned *seen = calloc(config_key_count(), sizeof(*seen));
	size_t o = 0;
	int psl_named = 0;

	if (out == NULL || line == NULL || seen == NULL)
		abort();
	for (const char *p = text, *end = text + len; p < end;) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		char *key, *rest;
		size_t klen;
		long i;

		memcpy(line, p, n);
		line[n] = '\0';		/* C string: cut at a NUL, as fgets/strlen do */
		key = line_key(line, &rest);
		klen = key ? (size_t)(rest - key) : 0;
		i = key ? table_index(key, klen) : -1;
		if (accepted && key != NULL) {
			if (i < 0)
				fuzz_die("accepted unknown key \"%.*s\"", (int)klen, key);
			if (seen[i]++ > 0 && !config_key_repeatable(config_key_find(config_key_name(i))))
				fuzz_die("accepted %s twice", config_key_name(i));
		}
		if (i >= 0 && (strcasecmp(config_key_name(i), "DomainRulesFile") == 0
			       || strcasecmp(config_key_name(i), "ProtectedDomainsFile") == 0)
		    && rest[strspn(rest, " \t\r\n")] != '\0') {
			o += (size_t)sprintf(out + o, "%.*s %s\n", (int)klen, key, rules_path);
		} else if (i >= 0 && strcasecmp(config_key_name(i), "PublicSuffixList") == 0) {
			o += (size_t)sprintf(out + o, "%.*s %s\n", (int)klen, key, psl_path);
			psl_named = 1;
		} else {
			memcpy(out + o, p, n);
			o += n;
			if (nl != NULL)
				out[o++] = '\n';
		}
		p = nl ? nl + 1 : end;
	}
	free(line);
	free(seen);
	if (!psl_named && !accepted) {
		char first[96];
		size_t head = (size_t)snprintf(first, sizeof(first), "PublicSuffixList %s\n",
					       psl_path);

		memmove(out + head, out, o);
		memcpy(out, first, head);
		o += head;
	}
	*out_len = o;
	return out;
}

static char *
print_config(const struct config *c, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	if (f == NULL)
		abort();
	config_print(c, f);
	fclose(f);
	return text;
}

/* squeeze - each line's blanks collapsed and trimmed, in place; the new length */
static size_t
squeeze(char *text, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		char c = text[i] == '\t' ? ' ' : text[i];

		if (c == ' ' && (o == 0 || text[o - 1] == ' ' || text[o - 1] == '\n'))
			continue;
		if (c == '\n' && o > 0 && text[o - 1] == ' ')
			o--;
		text[o++] = c;
	}
	return o;
}

static void
check_values(const struct config *c)
{
	if (c->dns_timeout_ms < 100 || c->dns_timeout_ms > 60000)
		fuzz_die("DNSTimeout %u ms", c->dns_timeout_ms);
	if (c->dns_cache_size < 1 || c->max_signatures < 1 || c->max_signatures > 100
	    || c->min_rsa_bits < 512 || c->min_rsa_bits > 16384)
		fuzz_die("counts out of range: %u %u %u", c->dns_cache_size, c->max_signatures,
			 c->min_rsa_bits);
	if (c->socket_mode > 0777)
		fuzz_die("SocketMode %o", c->socket_mode);
	if (c->authserv_id == NULL || c->authserv_id[0] == '\0'
	    || strpbrk(c->authserv_id, " \t;()\"\\") != NULL)
		fuzz_die("AuthservID \"%s\"", c->authserv_id ? c->authserv_id : "(null)");
	if (c->socket == NULL || (strncmp(c->socket, "unix:/", 6) != 0
				  && strncmp(c->socket, "local:/", 7) != 0
				  && strncmp(c->socket, "inet:", 5) != 0
				  && strncmp(c->socket, "inet6:", 6) != 0))
		fuzz_die("Socket \"%s\"", c->socket ? c->socket : "(null)");
	const char *texts[] = { c->reject_text, c->tempfail_text };

	for (size_t i = 0; i < 2; i++) {
		if (texts[i] == NULL || strlen(texts[i]) > 400)
			fuzz_die("reply text too long or missing");
		for (const unsigned char *p = (const unsigned char *)texts[i]; *p; p++)
			if (*p < 0x20 || *p == 0x7f)
				fuzz_die("reply text holds byte 0x%02x", *p);
	}
	if (c->policy.fail_floor > ACTION_REJECT || c->policy.published_reject > ACTION_REJECT
	    || c->policy.malformed_from > ACTION_REJECT || c->policy.no_policy > ACTION_REJECT
	    || c->policy.permerror > ACTION_REJECT
	    || (c->policy.temperror != ACTION_TEMPFAIL && c->policy.temperror != ACTION_ACCEPT))
		fuzz_die("an action out of range");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *sep;
	size_t conf_len = size, out_len, p1_len, p2_len;
	char error[1024] = "", *conf, *p1, *p2;
	struct config *c, *c2, *ref;

	if (size > 65536)
		return -1;
	sep = memmem(text, size, SEPARATOR, strlen(SEPARATOR));
	if (sep != NULL) {
		conf_len = (size_t)(sep - text);
		put_file(rules_fd, sep + strlen(SEPARATOR),
			 size - conf_len - strlen(SEPARATOR));
	} else {
		put_file(rules_fd, "", 0);
	}
	conf = walk_lines(text, conf_len, 0, &out_len);
	put_file(conf_fd, conf, out_len);

	c = config_load(conf_path, error, sizeof(error));
	if (c == NULL) {
		if (strncmp(error, conf_path, strlen(conf_path)) != 0 || error[strlen(conf_path)] != ':')
			if (strncmp(error, rules_path, strlen(rules_path)) != 0)
				fuzz_die("error \"%s\" does not name the file", error);
		free(conf);
		return 0;
	}
	free(walk_lines(conf, out_len, 1, &p1_len));
	if (memchr(conf, '\0', out_len) != NULL && !fuzz_skip("config-nul"))
		fuzz_die("accepted a file holding a NUL byte");
	check_values(c);

	ref = config_ref(c);
	config_unref(&c);
	if (c != NULL || ref->authserv_id == NULL)
		fuzz_die("config_unref did not clear the pointer or freed too early");
	c = ref;

	/* What config_print writes loads again to the same snapshot. */
	p1 = print_config(c, &p1_len);
	put_file(conf_fd, p1, p1_len);
	if ((c2 = config_load(conf_path, error, sizeof(error))) == NULL) {
		if (!fuzz_skip("config-print"))
			fuzz_die("config_print output does not load: %s\n%s", error, p1);
	} else {
		p2 = print_config(c2, &p2_len);
		p1_len = squeeze(p1, p1_len);
		p2_len = squeeze(p2, p2_len);
		if ((p1_len != p2_len || memcmp(p1, p2, p1_len) != 0) && !fuzz_skip("config-print"))
			fuzz_die("config_print output loads differently:\n%s\n---\n%s", p1, p2);
		free(p2);
		config_unref(&c2);
	}
	free(p1);
	config_unref(&c);
	config_unref(&c);	/* NULL: nothing */
	free(conf);
	return 0;
}
