/*
 * dkimv_test_message - messages for the DKIM tests, signed at run time
 * (see dkimv_test.h).
 *
 * Thread-safety: see dkimv_test.h.
 */
#include "dkimv_test.h"

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "test_paths.h"

/*
 * libopendkim 2.11 leaks the Ed25519 private key of each signing handle
 * (dkim_free frees RSA keys only). Signing is test-only here, so tell
 * LeakSanitizer (in -DDMARCGUARD_SANITIZE=ON builds) to let it be; the
 * slow unwinder finds the frame in libraries built without frame pointers.
 * The hooks live beside the signer so that every test executable that
 * signs (and so links this file from the static support library) gets
 * them, and no other does.
 */
const char *__lsan_default_suppressions(void);
const char *__asan_default_options(void);

const char *
__lsan_default_suppressions(void)
{
	return "leak:dkim_privkey_load\n";
}

const char *
__asan_default_options(void)
{
	return "fast_unwind_on_malloc=0";
}

/* read_test_file - tests/DIR/NAME, malloc'd and NUL-terminated */
static char *
read_test_file(const char *dir, const char *name)
{
	char path[1024];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s/%s", test_source_dir(), dir, name);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert(fread(buf, 1, (size_t)n, f) == (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* crlf - a copy with every bare LF turned into CRLF */
static char *
crlf(const char *s)
{
	char *out = malloc(2 * strlen(s) + 1), *p = out;

	for (; *s; s++) {
		if (*s == '\n' && (p == out || p[-1] != '\r'))
			*p++ = '\r';
		*p++ = *s;
	}
	*p = '\0';
	return out;
}

/* add_field - a copy of name and value, inserted as field number `at` */
static void
add_field(struct dkimv_test_message *m, size_t at, const char *name, const char *value)
{
	ck_assert_uint_lt(m->nfields, DKIMV_TEST_MAX_FIELDS);
	memmove(&m->fields[at + 1], &m->fields[at], (m->nfields - at) * sizeof(m->fields[0]));
	m->fields[at].name = strdup(name);
	m->fields[at].value = strdup(value);
	m->nfields++;
}

/* dkimv_test_load - a message as an MTA hands it over */
void
dkimv_test_load(struct dkimv_test_message *m, const char *file)
{
	char *text = read_test_file("messages/dkim", file), *line = text, *next;

	memset(m, 0, sizeof(*m));
	for (; *line != '\n'; line = next) {
		next = strchr(line, '\n') + 1;
		if (*line == ' ' || *line == '\t') {	/* continuation line */
			struct dkimv_test_field *f = &m->fields[m->nfields - 1];
			size_t old = strlen(f->value), add = (size_t)(next - line - 1);

			f->value = realloc(f->value, old + add + 2);
			f->value[old] = '\n';
			memcpy(f->value + old + 1, line, add);
			f->value[old + 1 + add] = '\0';
		} else {
			char *colon = strchr(line, ':');

			*colon = '\0';
			next[-1] = '\0';
			add_field(m, m->nfields, line, colon + 1);
		}
	}
	m->body = strdup(line + 1);
	free(text);
}

/* dkimv_test_free - release what the message owns */
void
dkimv_test_free(struct dkimv_test_message *m)
{
	for (size_t i = 0; i < m->nfields; i++) {
		free(m->fields[i].name);
		free(m->fields[i].value);
	}
	free(m->body);
}

/* dkimv_test_signer_new - libopendkim's signer, any key size allowed */
DKIM_LIB *
dkimv_test_signer_new(void)
{
	unsigned int zero = 0;
	DKIM_LIB *signer = dkim_init(NULL, NULL);

	ck_assert_ptr_nonnull(signer);
	/* the signer may use the 512-bit key the verifier must refuse */
	ck_assert_int_eq(dkim_options(signer, DKIM_OP_SETOPT, DKIM_OPTS_MINKEYBITS,
				      &zero, sizeof(zero)), DKIM_STAT_OK);
	return signer;
}

/* signer_clock - sign as if at `when` (0: now), with x= ttl seconds later */
static void
signer_clock(DKIM_LIB *signer, uint64_t when, uint64_t ttl)
{
	ck_assert_int_eq(dkim_options(signer, DKIM_OP_SETOPT, DKIM_OPTS_FIXEDTIME,
				      &when, sizeof(when)), DKIM_STAT_OK);
	ck_assert_int_eq(dkim_options(signer, DKIM_OP_SETOPT, DKIM_OPTS_SIGNATURETTL,
				      &ttl, sizeof(ttl)), DKIM_STAT_OK);
}

/* dkimv_test_sign - add a DKIM-Signature on top, as a signer upstream would */
void
dkimv_test_sign(DKIM_LIB *signer, struct dkimv_test_message *m,
	       const struct dkimv_test_sig *s)
{
	char keyfile[64], *key, *body, *value;
	dkim_canon_t canon = s->simple ? DKIM_CANON_SIMPLE : DKIM_CANON_RELAXED;
	unsigned char *hdr;
	size_t len;
	DKIM_STAT st;
	DKIM *d;

	snprintf(keyfile, sizeof(keyfile), "%s.pem", s->key);
	if (s->expired)
		signer_clock(signer, time(NULL) - 10 * 86400, 3600);
	key = read_test_file("keys", keyfile);
	d = dkim_sign(signer, (const unsigned char *)"signer", NULL, (dkim_sigkey_t)key,
		      (const unsigned char *)s->selector, (const unsigned char *)s->domain,
		      canon, canon, s->alg, -1, &st);
	ck_assert_msg(d != NULL, "dkim_sign: %d", st);
	if (s->with_l)
		ck_assert_int_eq(dkim_setpartial(d, 1), DKIM_STAT_OK);
	/*
	 * libopendkim's signer folds an Ed25519 signature field differently
	 * once b= is filled in than when it hashed it, which breaks "simple"
	 * header canonicalization; an unfolded field avoids that.
	 */
	if (s->alg == DKIM_SIGN_ED25519SHA256)
		ck_assert_int_eq(dkim_set_margin(d, 0), DKIM_STAT_OK);
	for (size_t i = 0; i < m->nfields; i++) {
		char *folded = crlf(m->fields[i].value);
		size_t n = strlen(m->fields[i].name) + 1 + strlen(folded);
		char *field = malloc(n + 1);

		snprintf(field, n + 1, "%s:%s", m->fields[i].name, folded);
		ck_assert_int_eq(dkim_header(d, (unsigned char *)field, n), DKIM_STAT_OK);
		free(field);
		free(folded);
	}
	ck_assert_int_eq(dkim_eoh(d), DKIM_STAT_OK);
	body = crlf(m->body);
	if (*body != '\0')
		ck_assert_int_eq(dkim_body(d, (unsigned char *)body, strlen(body)), DKIM_STAT_OK);
	st = dkim_eom(d, NULL);
	ck_assert_msg(st == DKIM_STAT_OK, "dkim_eom: %s", dkim_geterror(d));
	ck_assert_int_eq(dkim_getsighdr_d(d, strlen("DKIM-Signature: "), &hdr, &len),
			 DKIM_STAT_OK);
	/* the MTA shows folding as bare LF: drop the CRs libopendkim wrote */
	value = malloc(len + 2);
	value[0] = ' ';
	len = 1;
	for (const unsigned char *p = hdr; *p; p++)
		if (*p != '\r')
			value[len++] = (char)*p;
	value[len] = '\0';
	add_field(m, 0, "DKIM-Signature", value);
	free(value);
	free(body);
	free(key);
	dkim_free(d);
	if (s->expired)
		signer_clock(signer, 0, 0);
}

/* dkimv_test_mutate - change a signed message */
void
dkimv_test_mutate(struct dkimv_test_message *m, enum dkimv_test_mutation how)
{
	char *p, *old = m->body;

	switch (how) {
	case DKIMV_TEST_UNCHANGED:
		break;
	case DKIMV_TEST_BODY:
		for (p = m->body; *p && !(*p >= 'a' && *p <= 'z'); p++)
			;
		*p = (char)(*p - 'a' + 'A');
		break;
	case DKIMV_TEST_HEADER:
		for (size_t i = 0; i < m->nfields; i++) {
			if (strcasecmp(m->fields[i].name, "Subject") == 0) {
				free(m->fields[i].value);
				m->fields[i].value = strdup(" Quarterly report (final)");
			}
		}
		break;
	case DKIMV_TEST_APPEND_TEXT:
	case DKIMV_TEST_APPEND_BLANK:
		m->body = malloc(strlen(old) + 64);
		strcpy(m->body, old);
		strcat(m->body, how == DKIMV_TEST_APPEND_TEXT ? "Unsigned text added later.\n"
		       : "\n\n\n");
		free(old);
		break;
	case DKIMV_TEST_TRAILING_WSP:
		m->body = malloc(4 * strlen(old) + 1);
		p = m->body;
		for (const char *s = old; *s; s++) {
			if (*s == '\n') {
				memcpy(p, "  \t", 3);
				p += 3;
			}
			*p++ = *s;
		}
		*p = '\0';
		free(old);
		break;
	case DKIMV_TEST_TRUNCATE:
		p = m->body + strlen(m->body) - 1;	/* on the final LF */
		while (p > m->body && p[-1] != '\n')
			p--;
		*p = '\0';
		break;
	case DKIMV_TEST_BROKEN_SIG:
		add_field(m, 0, "DKIM-Signature", " v=1; a=rsa-sha256; d=dkim.example;\n"
			  "\ts=rsa2048; c=relaxed/relaxed; h=from:subject; bh=; b=");
		break;
	}
}

/* dkimv_test_lib - a verifier over r with these limits */
struct dkimv_lib *
dkimv_test_lib(struct resolver *r, unsigned max_signatures, unsigned timeout_ms)
{
	struct dkimv_settings s;
	const char *error = NULL;
	struct dkimv_lib *lib;

	dkimv_settings_init(&s);
	if (max_signatures != 0)
		s.max_signatures = max_signatures;
	s.timeout_ms = timeout_ms;
	lib = dkimv_lib_new(r, &s, &error);
	ck_assert_msg(lib != NULL, "dkimv_lib_new: %s", error);
	return lib;
}

/* dkimv_test_verify - feed m to a new dkimv; copies up to max results to out */
size_t
dkimv_test_verify(struct dkimv_lib *lib, const struct dkimv_test_message *m,
		 const struct dkimv_test_feed *f, struct dkimv_signature *out, size_t max)
{
	return dkimv_test_verify_skipped(lib, m, f, out, max, NULL);
}

/* dkimv_test_verify_skipped - dkimv_test_verify, and dkimv_skipped's count */
size_t
dkimv_test_verify_skipped(struct dkimv_lib *lib, const struct dkimv_test_message *m,
			 const struct dkimv_test_feed *f, struct dkimv_signature *out,
			 size_t max, size_t *skipped_r)
{
	const struct dkimv_signature *sigs;
	const char *error = NULL;
	struct dkimv *v = dkimv_new(lib, "4XyQID", &error);
	char *body;
	size_t count, len;

	ck_assert_msg(v != NULL, "dkimv_new: %s", error);
	for (size_t i = 0; i < m->nfields; i++) {
		char *value = f->crlf_headers ? crlf(m->fields[i].value)
		    : strdup(m->fields[i].value);

		ck_assert_int_eq(dkimv_header(v, m->fields[i].name, value, strlen(value)), 0);
		free(value);
	}
	ck_assert_int_eq(dkimv_eoh(v), 0);
	body = f->crlf_body ? crlf(m->body) : strdup(m->body);
	len = strlen(body);
	for (size_t off = 0, n; off < len; off += n) {
		n = f->chunk == 0 || f->chunk > len - off ? len - off : f->chunk;
		ck_assert_int_eq(dkimv_body(v, (unsigned char *)body + off, n), 0);
	}
	free(body);
	ck_assert_msg(dkimv_eom(v, &sigs, &count, &error) == 0, "dkimv_eom: %s", error);
	if (count > 0)
		memcpy(out, sigs, (count < max ? count : max) * sizeof(*out));
	if (skipped_r != NULL)
		*skipped_r = dkimv_skipped(v);
	dkimv_free(&v);
	ck_assert_ptr_null(v);
	return count;
}
