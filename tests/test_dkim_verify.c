/*
 * test_dkim_verify - DKIM verification against a real nsd serving
 * tests/zones/dkim.example.zone. The messages of tests/messages/dkim are
 * signed at run time with libopendkim and the test-only keys of
 * tests/keys, then changed or not, and fed to dkim_verify the way a milter
 * feeds it: header values after the colon with bare-LF folding, the body
 * in chunks. Also: the DNS hooks on their own, canonical body lengths,
 * the signature cap, timeouts, flat memory and shared use by threads.
 */
#include <check.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <opendkim/dkim.h>

#include "dkim_bodylen.h"
#include "dkim_dns.h"
#include "dkim_verify.h"
#include "nsd_server.h"
#include "resolver.h"
#include "test_paths.h"

#define MAX_FIELDS 64

static struct nsd_server server;
static DKIM_LIB *signer;

/* A message as an MTA hands it over: values keep their leading space and
 * their folding as bare "\n"; the body has LF line ends. */
struct field {
	char *name, *value;
};

struct message {
	struct field fields[MAX_FIELDS];
	size_t nfields;
	char *body;
};

/*
 * libopendkim 2.11 leaks the Ed25519 private key of each signing handle
 * (dkim_free frees RSA keys only). Signing is test-only here, so tell
 * LeakSanitizer (in -DDMARCGUARD_SANITIZE=ON builds) to let it be; the
 * slow unwinder finds the frame in libraries built without frame pointers.
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

static char *
read_file(const char *dir, const char *name)
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

static void
add_field(struct message *m, size_t at, const char *name, const char *value)
{
	ck_assert_uint_lt(m->nfields, MAX_FIELDS);
	memmove(&m->fields[at + 1], &m->fields[at], (m->nfields - at) * sizeof(m->fields[0]));
	m->fields[at].name = strdup(name);
	m->fields[at].value = strdup(value);
	m->nfields++;
}

static void
load_message(struct message *m, const char *file)
{
	char *text = read_file("messages/dkim", file), *line = text, *next;

	memset(m, 0, sizeof(*m));
	for (; *line != '\n'; line = next) {
		next = strchr(line, '\n') + 1;
		if (*line == ' ' || *line == '\t') {	/* continuation line */
			struct field *f = &m->fields[m->nfields - 1];
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

static void
free_message(struct message *m)
{
	for (size_t i = 0; i < m->nfields; i++) {
		free(m->fields[i].name);
		free(m->fields[i].value);
	}
	free(m->body);
}

struct sig_spec {
	const char *key;	/* tests/keys/KEY.pem; NULL: no signature */
	const char *selector;
	const char *domain;
	dkim_alg_t alg;
	int simple;		/* simple/simple, else relaxed/relaxed */
	int with_l;		/* l= covering the body as signed */
	int expired;		/* t= ten days ago, x= an hour after that */
};

/* signer_clock - sign as if at `when` (0: now), with x= ttl seconds later */
static void
signer_clock(uint64_t when, uint64_t ttl)
{
	ck_assert_int_eq(dkim_options(signer, DKIM_OP_SETOPT, DKIM_OPTS_FIXEDTIME,
				      &when, sizeof(when)), DKIM_STAT_OK);
	ck_assert_int_eq(dkim_options(signer, DKIM_OP_SETOPT, DKIM_OPTS_SIGNATURETTL,
				      &ttl, sizeof(ttl)), DKIM_STAT_OK);
}

/* sign - add a DKIM-Signature on top, as a signer upstream would */
static void
sign(struct message *m, const struct sig_spec *s)
{
	char keyfile[64], *key, *body, *value;
	dkim_canon_t canon = s->simple ? DKIM_CANON_SIMPLE : DKIM_CANON_RELAXED;
	unsigned char *hdr;
	size_t len;
	DKIM_STAT st;
	DKIM *d;

	snprintf(keyfile, sizeof(keyfile), "%s.pem", s->key);
	if (s->expired)
		signer_clock(time(NULL) - 10 * 86400, 3600);
	key = read_file("keys", keyfile);
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
		signer_clock(0, 0);
}

struct feed {
	int crlf_headers;	/* fold with CRLF instead of bare LF */
	int crlf_body;		/* body with CRLF instead of LF */
	size_t chunk;		/* body chunk size, 0: all at once */
};

/* verify - feed m to a new dkimv; copies up to max results to out */
static size_t
verify(struct dkimv_lib *lib, const struct message *m, const struct feed *f,
       struct dkimv_signature *out, size_t max)
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
	dkimv_free(&v);
	ck_assert_ptr_null(v);
	return count;
}

static struct resolver *
resolver_for(const char *nameservers, unsigned timeout_ms)
{
	struct resolver_settings s;
	struct resolver *r;
	const char *error = NULL;

	resolver_settings_init(&s);
	s.nameservers = nameservers;
	s.timeout_ms = timeout_ms;
	r = resolver_new(&s, &error);
	ck_assert_msg(r != NULL, "resolver_new: %s", error ? error : "?");
	return r;
}

static struct dkimv_lib *
lib_for(struct resolver *r, unsigned max_signatures, unsigned timeout_ms)
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

enum mutation {
	M_NONE,
	M_BODY,			/* change one body letter */
	M_HEADER,		/* change the Subject */
	M_APPEND_TEXT,		/* text after the signed body */
	M_APPEND_BLANK,		/* empty lines after the signed body */
	M_TRAILING_WSP,		/* white space at the end of body lines */
	M_BROKEN_SIG,		/* a malformed DKIM-Signature on top */
	M_TRUNCATE,		/* the last body line removed */
};

static void
mutate(struct message *m, enum mutation how)
{
	char *p, *old = m->body;

	switch (how) {
	case M_NONE:
		break;
	case M_BODY:
		for (p = m->body; *p && !(*p >= 'a' && *p <= 'z'); p++)
			;
		*p = (char)(*p - 'a' + 'A');
		break;
	case M_HEADER:
		for (size_t i = 0; i < m->nfields; i++) {
			if (strcasecmp(m->fields[i].name, "Subject") == 0) {
				free(m->fields[i].value);
				m->fields[i].value = strdup(" Quarterly report (final)");
			}
		}
		break;
	case M_APPEND_TEXT:
	case M_APPEND_BLANK:
		m->body = malloc(strlen(old) + 64);
		strcpy(m->body, old);
		strcat(m->body, how == M_APPEND_TEXT ? "Unsigned text added later.\n" : "\n\n\n");
		free(old);
		break;
	case M_TRAILING_WSP:
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
	case M_TRUNCATE:
		p = m->body + strlen(m->body) - 1;	/* on the final LF */
		while (p > m->body && p[-1] != '\n')
			p--;
		*p = '\0';
		break;
	case M_BROKEN_SIG:
		add_field(m, 0, "DKIM-Signature", " v=1; a=rsa-sha256; d=dkim.example;\n"
			  "\ts=rsa2048; c=relaxed/relaxed; h=from:subject; bh=; b=");
		break;
	}
}

#define RSA2048 { "rsa2048", "rsa2048", "dkim.example", DKIM_SIGN_RSASHA256, 0, 0, 0 }
#define SIGNED(key, sel, dom, alg, simple, l) { key, sel, dom, alg, simple, l, 0 }
#define NOSIG { NULL, NULL, NULL, 0, 0, 0, 0 }
/* 244 octets: with "._domainkey.dkim.example" over what libopendkim takes */
#define LONG_SELECTOR "s123456789012345678901234567890123456789012345678901234567890." \
	"s123456789012345678901234567890123456789012345678901234567890." \
	"s123456789012345678901234567890123456789012345678901234567890." \
	"s123456789012345678901234567890123456789012345678901234567"

struct want {
	enum dkimv_result result;
	const char *reason;
	int partial;
};

/* One row per message: signatures made in order (the last ends on top),
 * a change after signing, how it is fed, and the results in header order. */
static const struct {
	const char *name;
	const char *message;
	struct sig_spec sigs[2];
	enum mutation mutation;
	struct feed feed;
	size_t count;
	struct want want[2];
	unsigned key_bits;	/* of the top signature; 0: not checked */
} cases[] = {
	{ "rsa-sha256 2048 relaxed", "plain.eml", { RSA2048, NOSIG }, M_NONE, { 0, 0, 0 },
	  1, { { DKIMV_PASS, NULL, 0 } }, 2048 },
	{ "rsa-sha256 2048 simple", "plain.eml",
	  { SIGNED("rsa2048", "rsa2048", "dkim.example", DKIM_SIGN_RSASHA256, 1, 0), NOSIG },
	  M_NONE, { 0, 0, 0 }, 1, { { DKIMV_PASS, NULL, 0 } }, 2048 },
	{ "rsa-sha256 1024", "plain.eml",
	  { SIGNED("rsa1024", "rsa1024", "dkim.example", DKIM_SIGN_RSASHA256, 0, 0), NOSIG },
	  M_NONE, { 0, 0, 0 }, 1, { { DKIMV_PASS, NULL, 0 } }, 1024 },
	{ "ed25519-sha256", "plain.eml",
	  { SIGNED("ed25519", "ed25519", "dkim.example", DKIM_SIGN_ED25519SHA256, 0, 0), NOSIG },
	  M_NONE, { 0, 0, 0 }, 1, { { DKIMV_PASS, NULL, 0 } }, 256 },
	{ "body tampered", "plain.eml", { RSA2048, NOSIG }, M_BODY, { 0, 0, 0 },
	  1, { { DKIMV_FAIL, "body-hash-mismatch", 0 } }, 2048 },
	{ "ed25519 body tampered", "plain.eml",
	  { SIGNED("ed25519", "ed25519", "dkim.example", DKIM_SIGN_ED25519SHA256, 0, 0), NOSIG },
	  M_BODY, { 0, 0, 0 }, 1, { { DKIMV_FAIL, "body-hash-mismatch", 0 } }, 256 },
	{ "header tampered", "plain.eml", { RSA2048, NOSIG }, M_HEADER, { 0, 0, 0 },
	  1, { { DKIMV_FAIL, "signature-mismatch", 0 } }, 2048 },
	{ "rsa-sha1 refused", "plain.eml",
	  { SIGNED("rsa2048", "rsa2048", "dkim.example", DKIM_SIGN_RSASHA1, 0, 0), NOSIG },
	  M_NONE, { 0, 0, 0 }, 1, { { DKIMV_POLICY, "rsa-sha1", 0 } }, 2048 },
	{ "512-bit key refused", "plain.eml",
	  { SIGNED("rsa512", "rsa512", "dkim.example", DKIM_SIGN_RSASHA256, 0, 0), NOSIG },
	  M_NONE, { 0, 0, 0 }, 1, { { DKIMV_POLICY, "key-too-short", 0 } }, 512 },
	{ "l= then text appended", "plain.eml",
	  { SIGNED("rsa2048", "rsa2048", "dkim.example", DKIM_SIGN_RSASHA256, 0, 1), NOSIG },
	  M_APPEND_TEXT, { 0, 0, 0 }, 1, { { DKIMV_POLICY, "partial-body", 1 } }, 2048 },
	{ "l= whole body", "plain.eml",
	  { SIGNED("rsa2048", "rsa2048", "dkim.example", DKIM_SIGN_RSASHA256, 0, 1), NOSIG },
	  M_NONE, { 0, 0, 0 }, 1, { { DKIMV_PASS, NULL, 0 } }, 2048 },
	{ "l= relaxed, empty lines appended", "folded.eml",
	  { SIGNED("rsa2048", "rsa2048", "dkim.example", DKIM_SIGN_RSASHA256, 0, 1), NOSIG },
	  M_APPEND_BLANK, { 0, 0, 0 }, 1, { { DKIMV_PASS, NULL, 0 } }, 2048 },
	{ "l= simple, empty lines appended", "folded.eml",
	  { SIGNED("rsa2048", "rsa2048", "dkim.example", DKIM_SIGN_RSASHA256, 1, 1), NOSIG },
	  M_APPEND_BLANK, { 0, 0, 0 }, 1, { { DKIMV_PASS, NULL, 0 } }, 2048 },
	{ "l= relaxed, trailing white space", "folded.eml",
	  { SIGNED("rsa2048", "rsa2048", "dkim.example", DKIM_SIGN_RSASHA256, 0, 1), NOSIG },
	  M_TRAILING_WSP, { 0, 0, 0 }, 1, { { DKIMV_PASS, NULL, 0 } }, 2048 },
	{ "l= longer than the body", "plain.eml",
	  { SIGNED("rsa2048", "rsa2048", "dkim.example", DKIM_SIGN_RSASHA256, 0, 1), NOSIG },
	  M_TRUNCATE, { 0, 0, 0 }, 1, { { DKIMV_FAIL, "body-truncated", 0 } }, 2048 },
	{ "signature expired", "plain.eml",
	  { { "rsa2048", "rsa2048", "dkim.example", DKIM_SIGN_RSASHA256, 0, 0, 1 }, NOSIG },
	  M_NONE, { 0, 0, 0 }, 1, { { DKIMV_NEUTRAL, "signature-expired", 0 } }, 0 },
	{ "key NXDOMAIN", "plain.eml",
	  { SIGNED("rsa2048", "absent", "dkim.example", DKIM_SIGN_RSASHA256, 0, 0), NOSIG },
	  M_NONE, { 0, 0, 0 }, 1, { { DKIMV_PERMERROR, "key-not-found", 0 } }, 0 },
	{ "key NODATA", "plain.eml",
	  { SIGNED("rsa2048", "nodata", "dkim.example", DKIM_SIGN_RSASHA256, 0, 0), NOSIG },
	  M_NONE, { 0, 0, 0 }, 1, { { DKIMV_PERMERROR, "key-not-found", 0 } }, 0 },
	{ "key revoked", "plain.eml",
	  { SIGNED("rsa2048", "revoked", "dkim.example", DKIM_SIGN_RSASHA256, 0, 0), NOSIG },
	  M_NONE, { 0, 0, 0 }, 1, { { DKIMV_PERMERROR, "key-revoked", 0 } }, 0 },
	{ "two key records", "plain.eml",
	  { SIGNED("rsa2048", "twokeys", "dkim.example", DKIM_SIGN_RSASHA256, 0, 0), NOSIG },
	  M_NONE, { 0, 0, 0 }, 1, { { DKIMV_PERMERROR, "key-multiple-records", 0 } }, 0 },
	{ "key not base64", "plain.eml",
	  { SIGNED("rsa2048", "badkey", "dkim.example", DKIM_SIGN_RSASHA256, 0, 0), NOSIG },
	  M_NONE, { 0, 0, 0 }, 1, { { DKIMV_PERMERROR, "key-syntax", 0 } }, 0 },
	{ "key SERVFAIL", "plain.eml",
	  { SIGNED("rsa2048", "rsa2048", "servfail-dkim.example", DKIM_SIGN_RSASHA256, 0, 0),
	    NOSIG },
	  M_NONE, { 0, 0, 0 }, 1, { { DKIMV_TEMPERROR, "key-dns-temperror", 0 } }, 0 },
	{ "wrong key", "plain.eml",
	  { SIGNED("rsa2048", "wrongkey", "dkim.example", DKIM_SIGN_RSASHA256, 0, 0), NOSIG },
	  M_NONE, { 0, 0, 0 }, 1, { { DKIMV_FAIL, "signature-mismatch", 0 } }, 1024 },
	{ "one valid, one invalid", "plain.eml",
	  { RSA2048, SIGNED("rsa2048", "wrongkey", "dkim.example", DKIM_SIGN_RSASHA256, 0, 0) },
	  M_NONE, { 0, 0, 0 }, 2,
	  { { DKIMV_FAIL, "signature-mismatch", 0 }, { DKIMV_PASS, NULL, 0 } }, 1024 },
	{ "over-long key name beside a good one", "plain.eml",
	  { RSA2048, SIGNED("rsa2048", LONG_SELECTOR, "dkim.example", DKIM_SIGN_RSASHA256, 0, 0) },
	  M_NONE, { 0, 0, 0 }, 2,
	  { { DKIMV_PERMERROR, "key-name-invalid", 0 }, { DKIMV_PASS, NULL, 0 } }, 0 },
	{ "malformed signature on top", "plain.eml", { RSA2048, NOSIG }, M_BROKEN_SIG,
	  { 0, 0, 0 }, 2,
	  { { DKIMV_NEUTRAL, "signature-syntax", 0 }, { DKIMV_PASS, NULL, 0 } }, 0 },
	{ "folded fields, bare LF, relaxed", "folded.eml", { RSA2048, NOSIG }, M_NONE,
	  { 0, 0, 0 }, 1, { { DKIMV_PASS, NULL, 0 } }, 2048 },
	{ "folded fields, bare LF, simple", "folded.eml",
	  { SIGNED("rsa2048", "rsa2048", "dkim.example", DKIM_SIGN_RSASHA256, 1, 0), NOSIG },
	  M_NONE, { 0, 0, 0 }, 1, { { DKIMV_PASS, NULL, 0 } }, 2048 },
	{ "folded fields, CRLF, simple", "folded.eml",
	  { SIGNED("rsa2048", "rsa2048", "dkim.example", DKIM_SIGN_RSASHA256, 1, 0), NOSIG },
	  M_NONE, { 1, 1, 0 }, 1, { { DKIMV_PASS, NULL, 0 } }, 2048 },
	{ "CRLF body in 1-octet chunks", "plain.eml",
	  { SIGNED("rsa2048", "rsa2048", "dkim.example", DKIM_SIGN_RSASHA256, 1, 0), NOSIG },
	  M_NONE, { 0, 1, 1 }, 1, { { DKIMV_PASS, NULL, 0 } }, 2048 },
	{ "LF body in 7-octet chunks", "folded.eml",
	  { SIGNED("rsa2048", "rsa2048", "dkim.example", DKIM_SIGN_RSASHA256, 1, 0), NOSIG },
	  M_NONE, { 0, 0, 7 }, 1, { { DKIMV_PASS, NULL, 0 } }, 2048 },
	{ "trailing white space, relaxed", "plain.eml", { RSA2048, NOSIG }, M_TRAILING_WSP,
	  { 0, 0, 0 }, 1, { { DKIMV_PASS, NULL, 0 } }, 2048 },
	{ "trailing white space, simple", "plain.eml",
	  { SIGNED("rsa2048", "rsa2048", "dkim.example", DKIM_SIGN_RSASHA256, 1, 0), NOSIG },
	  M_TRAILING_WSP, { 0, 0, 0 }, 1, { { DKIMV_FAIL, "body-hash-mismatch", 0 } }, 2048 },
	{ "ed25519 simple, folded fields", "folded.eml",
	  { SIGNED("ed25519", "ed25519", "dkim.example", DKIM_SIGN_ED25519SHA256, 1, 0), NOSIG },
	  M_NONE, { 0, 0, 0 }, 1, { { DKIMV_PASS, NULL, 0 } }, 256 },
	{ "ed25519 relaxed, folded fields", "folded.eml",
	  { SIGNED("ed25519", "ed25519", "dkim.example", DKIM_SIGN_ED25519SHA256, 0, 0), NOSIG },
	  M_NONE, { 0, 0, 0 }, 1, { { DKIMV_PASS, NULL, 0 } }, 256 },
	{ "rsa over ed25519", "plain.eml",
	  { SIGNED("ed25519", "ed25519", "dkim.example", DKIM_SIGN_ED25519SHA256, 0, 0), RSA2048 },
	  M_NONE, { 0, 0, 0 }, 2, { { DKIMV_PASS, NULL, 0 }, { DKIMV_PASS, NULL, 0 } }, 2048 },
	{ "rsa over rsa1024", "plain.eml",
	  { SIGNED("rsa1024", "rsa1024", "dkim.example", DKIM_SIGN_RSASHA256, 0, 0), RSA2048 },
	  M_NONE, { 0, 0, 0 }, 2, { { DKIMV_PASS, NULL, 0 }, { DKIMV_PASS, NULL, 0 } }, 2048 },
	{ "no signature", "unsigned.eml", { NOSIG, NOSIG }, M_NONE, { 0, 0, 0 }, 0, { { 0 } }, 0 },
};

static const char *
alg_name(dkim_alg_t alg)
{
	return alg == DKIM_SIGN_RSASHA1 ? "rsa-sha1"
	    : alg == DKIM_SIGN_ED25519SHA256 ? "ed25519-sha256" : "rsa-sha256";
}

START_TEST(test_verify_table)
{
	struct resolver *r = resolver_for(server.address, 3000);
	struct dkimv_lib *lib = lib_for(r, 0, 0);
	struct dkimv_signature got[4];
	struct message m;
	size_t n, nsigned = 0;

	load_message(&m, cases[_i].message);
	for (size_t i = 0; i < 2 && cases[_i].sigs[i].key != NULL; i++, nsigned++)
		sign(&m, &cases[_i].sigs[i]);
	mutate(&m, cases[_i].mutation);
	n = verify(lib, &m, &cases[_i].feed, got, 4);
	ck_assert_msg(n == cases[_i].count, "%s: %zu signatures, want %zu",
		      cases[_i].name, n, cases[_i].count);
	for (size_t i = 0; i < n; i++) {
		const struct want *w = &cases[_i].want[i];
		/* header order: a broken signature on top, then the last signed */
		const struct sig_spec *s = i < n - nsigned ? NULL
		    : &cases[_i].sigs[nsigned - 1 - (i - (n - nsigned))];

		ck_assert_msg(got[i].result == w->result
			      && (w->reason == NULL ? got[i].reason == NULL
				  : got[i].reason != NULL && strcmp(got[i].reason, w->reason) == 0),
			      "%s #%zu: got %s (%s), want %s (%s)", cases[_i].name, i,
			      dkimv_result_name(got[i].result), got[i].reason ? got[i].reason : "",
			      dkimv_result_name(w->result), w->reason ? w->reason : "");
		ck_assert_int_eq(got[i].partial_body, w->partial);
		ck_assert_str_eq(got[i].domain, s != NULL ? s->domain : "dkim.example");
		ck_assert_str_eq(got[i].selector, s != NULL ? s->selector : "rsa2048");
		ck_assert_str_eq(got[i].algorithm, s != NULL ? alg_name(s->alg) : "rsa-sha256");
	}
	if (cases[_i].key_bits != 0)
		ck_assert_uint_eq(got[0].key_bits, cases[_i].key_bits);
	free_message(&m);
	dkimv_lib_free(&lib);
	ck_assert_ptr_null(lib);
	resolver_free(&r);
}
END_TEST

START_TEST(test_signature_cap)
{
	struct resolver *r = resolver_for(server.address, 3000);
	struct dkimv_lib *lib = lib_for(r, 10, 0);
	static const struct sig_spec spec = RSA2048;
	static const struct feed feed = { 0, 0, 0 };
	struct dkimv_signature got[16];
	struct resolver_stats st;
	struct message m;

	load_message(&m, "plain.eml");
	for (int i = 0; i < 15; i++)
		sign(&m, &spec);
	ck_assert_uint_eq(verify(lib, &m, &feed, got, 16), 15);
	for (int i = 0; i < 15; i++) {
		ck_assert_msg(got[i].result == (i < 10 ? DKIMV_PASS : DKIMV_NOT_CHECKED),
			      "#%d: %s", i, dkimv_result_name(got[i].result));
		ck_assert_str_eq(got[i].domain, "dkim.example");
		ck_assert_str_eq(got[i].selector, "rsa2048");
	}
	ck_assert_str_eq(dkimv_result_name(got[14].result), "none");
	/* ten signatures with one key: libopendkim asks once */
	resolver_get_stats(r, &st);
	ck_assert_uint_eq(st.lookups, 1);
	free_message(&m);
	dkimv_lib_free(&lib);
	resolver_free(&r);
}
END_TEST

START_TEST(test_key_timeout)
{
	int port, fd = test_silent_udp_socket(&port);
	static const struct sig_spec spec = RSA2048;
	static const struct feed feed = { 0, 0, 0 };
	struct dkimv_signature got[1];
	struct timespec t0, t1;
	struct resolver *r;
	struct dkimv_lib *lib;
	struct message m;
	char ns[64];
	long ms;

	ck_assert_int_ge(fd, 0);
	snprintf(ns, sizeof(ns), "127.0.0.1@%d", port);
	r = resolver_for(ns, 5000);
	lib = lib_for(r, 0, 300);	/* ours is shorter than the resolver's */
	load_message(&m, "plain.eml");
	sign(&m, &spec);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_uint_eq(verify(lib, &m, &feed, got, 1), 1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	ck_assert_int_eq(got[0].result, DKIMV_TEMPERROR);
	ck_assert_str_eq(got[0].reason, "key-dns-temperror");
	ck_assert_int_ge(ms, 250);
	ck_assert_int_lt(ms, 2000);
	free_message(&m);
	dkimv_lib_free(&lib);
	resolver_free(&r);
	close(fd);
}
END_TEST

/* The hooks as libopendkim calls them: start, waitreply, cancel. */
static const struct {
	const char *name;
	int type;
	int start, wait;	/* DKIM_DNS_* from start and waitreply */
	int rcode, ancount;
} hook_cases[] = {
	{ "rsa2048._domainkey.dkim.example", 16, DKIM_DNS_SUCCESS, DKIM_DNS_SUCCESS, 0, 1 },
	{ "RSA2048._DomainKey.DKIM.Example", 16, DKIM_DNS_SUCCESS, DKIM_DNS_SUCCESS, 0, 1 },
	{ "absent._domainkey.dkim.example", 16, DKIM_DNS_SUCCESS, DKIM_DNS_SUCCESS, 3, 0 },
	{ "nodata._domainkey.dkim.example", 16, DKIM_DNS_SUCCESS, DKIM_DNS_SUCCESS, 0, 0 },
	{ "bad..name.dkim.example", 16, DKIM_DNS_SUCCESS, DKIM_DNS_SUCCESS, 3, 0 },
	{ "rsa2048._domainkey.servfail-dkim.example", 16, DKIM_DNS_SUCCESS, DKIM_DNS_ERROR,
	  -1, -1 },
	{ "ns.dkim.example", 1, DKIM_DNS_SUCCESS, DKIM_DNS_SUCCESS, 0, 1 },
	{ "ns.dkim.example", 99, DKIM_DNS_ERROR, -1, -1, -1 },	/* type not served */
};

START_TEST(test_dns_hooks)
{
	struct resolver *r = resolver_for(server.address, 3000);
	struct dkimv_dns *dns = dkimv_dns_new(r, 0);
	unsigned char buf[8192];
	size_t len = 12345;
	int error = -1, dnssec = 5, st;
	void *qh = NULL;

	st = dkimv_dns_start(dns, hook_cases[_i].type, (unsigned char *)hook_cases[_i].name,
			     buf, sizeof(buf), &qh);
	ck_assert_int_eq(st, hook_cases[_i].start);
	if (st == DKIM_DNS_SUCCESS) {
		st = dkimv_dns_waitreply(dns, qh, NULL, &len, &error, &dnssec);
		ck_assert_msg(st == hook_cases[_i].wait, "%s: waitreply %d", hook_cases[_i].name, st);
		ck_assert_int_eq(error, 0);
		ck_assert_int_eq(dnssec, DKIM_DNSSEC_UNKNOWN);
		if (st == DKIM_DNS_SUCCESS) {
			ck_assert_uint_ge(len, 17);
			ck_assert_int_eq(buf[3] & 0x0f, hook_cases[_i].rcode);
			ck_assert_int_eq((buf[4] << 8) | buf[5], 1);	/* the question */
			ck_assert_int_eq((buf[6] << 8) | buf[7], hook_cases[_i].ancount);
			if (hook_cases[_i].type == 16 && hook_cases[_i].ancount == 1) {
				struct dns_answer *a = dns_answer_from_wire(buf, len, 16);

				ck_assert_int_eq(a->status, DNS_STATUS_ANSWER);
				ck_assert(strncmp((const char *)a->records[0].data,
						  "v=DKIM1; k=rsa; p=MIIB", 22) == 0);
				ck_assert_uint_eq(a->records[0].len, 18 + 392);
				dns_answer_unref(&a);
			}
		} else
			ck_assert_uint_eq(len, 0);
		/* asking again gives the same without a second look-up */
		ck_assert_int_eq(dkimv_dns_waitreply(dns, qh, NULL, NULL, NULL, NULL), st);
		ck_assert_int_eq(dkimv_dns_cancel(dns, qh), 0);
	}
	dkimv_dns_free(&dns);
	ck_assert_ptr_null(dns);
	resolver_free(&r);
}
END_TEST

START_TEST(test_dns_small_buffer)
{
	struct resolver *r = resolver_for(server.address, 3000);
	struct dkimv_dns *dns = dkimv_dns_new(r, 0);
	unsigned char buf[64];
	void *qh;

	ck_assert_int_eq(dkimv_dns_start(dns, 16, (unsigned char *)"rsa2048._domainkey.dkim.example",
					 buf, sizeof(buf), &qh), DKIM_DNS_SUCCESS);
	ck_assert_int_eq(dkimv_dns_waitreply(dns, qh, NULL, NULL, NULL, NULL), DKIM_DNS_ERROR);
	dkimv_dns_cancel(dns, qh);
	dkimv_dns_free(&dns);
	resolver_free(&r);
}
END_TEST

/* Deadlines: ours, or libopendkim's wait when that is shorter. */
static const struct {
	unsigned ours_ms;
	long wait_ms;		/* -1: NULL */
	long min_ms, max_ms;
} wait_cases[] = {
	{ 300, -1, 250, 1500 },
	{ 5000, 200, 150, 1500 },
	{ 200, 5000, 150, 1500 },
};

START_TEST(test_dns_expired)
{
	int port, fd = test_silent_udp_socket(&port);
	struct dkimv_dns *dns;
	struct resolver *r;
	struct timeval tv = { wait_cases[_i].wait_ms / 1000, (wait_cases[_i].wait_ms % 1000) * 1000 };
	struct timespec t0, t1;
	unsigned char buf[512];
	char ns[64];
	void *qh;
	long ms;

	snprintf(ns, sizeof(ns), "127.0.0.1@%d", port);
	r = resolver_for(ns, 10000);
	dns = dkimv_dns_new(r, wait_cases[_i].ours_ms);
	ck_assert_int_eq(dkimv_dns_start(dns, 16, (unsigned char *)"x._domainkey.dkim.example",
					 buf, sizeof(buf), &qh), DKIM_DNS_SUCCESS);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ck_assert_int_eq(dkimv_dns_waitreply(dns, qh, wait_cases[_i].wait_ms < 0 ? NULL : &tv,
					     NULL, NULL, NULL), DKIM_DNS_EXPIRED);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
	ck_assert_int_ge(ms, wait_cases[_i].min_ms);
	ck_assert_int_lt(ms, wait_cases[_i].max_ms);
	dkimv_dns_cancel(dns, qh);
	dkimv_dns_free(&dns);
	resolver_free(&r);
	close(fd);
}
END_TEST

/* Canonical body lengths (RFC 6376 3.4.3, 3.4.4) of CRLF bodies. */
static const struct {
	const char *body;
	unsigned long long simple, relaxed;
} bodylen_cases[] = {
	{ "", 2, 0 },
	{ "\r\n", 2, 0 },
	{ "\r\n\r\n\r\n", 2, 0 },
	{ "abc", 5, 5 },
	{ "abc\r\n", 5, 5 },
	{ "abc\r\n\r\n\r\n", 5, 5 },
	{ "\r\nabc\r\n", 7, 7 },
	{ "a  b \t\r\n", 8, 5 },
	{ "  lead\r\n", 8, 7 },
	{ " \t\r\n", 4, 0 },
	{ "x\r\n \r\n", 6, 3 },
	{ "x\r\n\r\n \t \r\ny\r\n", 13, 10 },
	{ "a\rb\r\n", 5, 5 },
	{ "a\nb\r\n", 5, 5 },
	{ "abc\r", 6, 6 },
	{ "abc  ", 7, 5 },
};

START_TEST(test_bodylen)
{
	const char *body = bodylen_cases[_i].body;
	struct dkimv_bodylen whole, bytes;

	dkimv_bodylen_init(&whole);
	dkimv_bodylen_init(&bytes);
	dkimv_bodylen_feed(&whole, (const unsigned char *)body, strlen(body));
	for (const char *p = body; *p; p++)
		dkimv_bodylen_feed(&bytes, (const unsigned char *)p, 1);
	ck_assert_uint_eq(dkimv_bodylen_simple(&whole), bodylen_cases[_i].simple);
	ck_assert_uint_eq(dkimv_bodylen_relaxed(&whole), bodylen_cases[_i].relaxed);
	ck_assert_uint_eq(dkimv_bodylen_simple(&bytes), bodylen_cases[_i].simple);
	ck_assert_uint_eq(dkimv_bodylen_relaxed(&bytes), bodylen_cases[_i].relaxed);
}
END_TEST

static const struct {
	enum dkimv_result result;
	const char *name;
} name_cases[] = {
	{ DKIMV_PASS, "pass" },
	{ DKIMV_FAIL, "fail" },
	{ DKIMV_POLICY, "policy" },
	{ DKIMV_NEUTRAL, "neutral" },
	{ DKIMV_TEMPERROR, "temperror" },
	{ DKIMV_PERMERROR, "permerror" },
	{ DKIMV_NOT_CHECKED, "none" },
};

START_TEST(test_result_names)
{
	ck_assert_str_eq(dkimv_result_name(name_cases[_i].result), name_cases[_i].name);
}
END_TEST

START_TEST(test_settings_and_misuse)
{
	struct resolver *r = resolver_for(server.address, 3000);
	const struct dkimv_signature *sigs;
	struct dkimv_settings s;
	struct dkimv_lib *lib;
	struct dkimv *v;
	const char *error = NULL;
	size_t count;

	dkimv_settings_init(&s);
	ck_assert_uint_eq(s.max_signatures, 10);
	ck_assert_uint_eq(s.min_rsa_bits, 1024);
	ck_assert_int_eq(s.allow_rsa_sha1, 0);
	ck_assert_uint_eq(s.timeout_ms, 0);
	ck_assert_ptr_null(dkimv_lib_new(NULL, &s, &error));
	ck_assert_ptr_nonnull(error);
	lib = dkimv_lib_new(r, NULL, &error);
	ck_assert_ptr_nonnull(lib);
	/* body before the end of headers: refused, and the error sticks */
	v = dkimv_new(lib, NULL, &error);
	ck_assert_int_eq(dkimv_header(v, "From", " a@dkim.example", 15), 0);
	ck_assert_int_eq(dkimv_body(v, (const unsigned char *)"x", 1), -1);
	ck_assert_int_eq(dkimv_eoh(v), -1);
	ck_assert_int_eq(dkimv_eom(v, &sigs, &count, &error), -1);
	ck_assert_str_eq(error, "dkimv_body out of order");
	ck_assert_uint_eq(count, 0);
	dkimv_free(&v);
	dkimv_free(&v);		/* NULL is fine */
	/* no header at all, eom twice */
	v = dkimv_new(lib, "q", &error);
	ck_assert_int_eq(dkimv_eoh(v), 0);
	ck_assert_int_eq(dkimv_eom(v, &sigs, &count, &error), 0);
	ck_assert_int_eq(dkimv_eom(v, &sigs, &count, &error), 0);
	ck_assert_uint_eq(count, 0);
	dkimv_free(&v);
	dkimv_lib_free(&lib);
	dkimv_lib_free(&lib);
	resolver_free(&r);
}
END_TEST

START_TEST(test_memory_flat)
{
	struct resolver *r = resolver_for(server.address, 3000);
	struct dkimv_lib *lib = lib_for(r, 0, 0);
	static const struct sig_spec spec = RSA2048;
	const struct dkimv_signature *sigs;
	const char *error = NULL;
	unsigned char chunk[65536];
	struct dkimv *v;
	struct message m;
	size_t before, count;

	load_message(&m, "plain.eml");
	sign(&m, &spec);
	v = dkimv_new(lib, "big", &error);
	for (size_t i = 0; i < m.nfields; i++)
		ck_assert_int_eq(dkimv_header(v, m.fields[i].name, m.fields[i].value,
					      strlen(m.fields[i].value)), 0);
	ck_assert_int_eq(dkimv_eoh(v), 0);
	for (size_t i = 0; i < sizeof(chunk); i++)
		chunk[i] = i % 64 == 63 ? '\n' : (unsigned char)('a' + i % 26);
	before = mallinfo2().uordblks;
	for (int i = 0; i < 256; i++)		/* 16 MiB */
		ck_assert_int_eq(dkimv_body(v, chunk, sizeof(chunk)), 0);
	ck_assert_uint_lt(mallinfo2().uordblks, before + 256 * 1024);
	ck_assert_int_eq(dkimv_eom(v, &sigs, &count, &error), 0);
	ck_assert_uint_eq(count, 1);
	ck_assert_str_eq(sigs[0].reason, "body-hash-mismatch");
	dkimv_free(&v);
	free_message(&m);
	dkimv_lib_free(&lib);
	resolver_free(&r);
}
END_TEST

struct worker {
	struct dkimv_lib *lib;
	const struct message *m;
	int passes;
};

static void *
verify_worker(void *arg)
{
	struct worker *w = arg;

	for (size_t i = 0; i < 25; i++) {
		struct feed feed = { (int)(i % 2), (int)(i % 3 == 0), i % 5 };
		struct dkimv_signature got[2];

		if (verify(w->lib, w->m, &feed, got, 2) == 2 && got[0].result == DKIMV_PASS
		    && got[1].result == DKIMV_PASS)
			w->passes++;
	}
	return NULL;
}

START_TEST(test_threads_share_lib)
{
	struct resolver *r = resolver_for(server.address, 3000);
	struct dkimv_lib *lib = lib_for(r, 0, 0);
	static const struct sig_spec spec =
	    SIGNED("ed25519", "ed25519", "dkim.example", DKIM_SIGN_ED25519SHA256, 1, 0);
	static const struct sig_spec spec2 = RSA2048;
	struct worker w[4];
	pthread_t th[4];
	struct message m;

	load_message(&m, "folded.eml");
	sign(&m, &spec);
	sign(&m, &spec2);
	for (int i = 0; i < 4; i++) {
		w[i] = (struct worker){ lib, &m, 0 };
		ck_assert_int_eq(pthread_create(&th[i], NULL, verify_worker, &w[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		ck_assert_int_eq(w[i].passes, 25);
	}
	free_message(&m);
	dkimv_lib_free(&lib);
	resolver_free(&r);
}
END_TEST

static void
setup(void)
{
	unsigned int zero = 0;

	if (nsd_server_start(&server) < 0)
		ck_abort_msg("cannot start nsd");
	/* the signer may use the 512-bit key the verifier must refuse */
	signer = dkim_init(NULL, NULL);
	ck_assert_ptr_nonnull(signer);
	ck_assert_int_eq(dkim_options(signer, DKIM_OP_SETOPT, DKIM_OPTS_MINKEYBITS,
				      &zero, sizeof(zero)), DKIM_STAT_OK);
}

static void
teardown(void)
{
	dkim_close(signer);
	nsd_server_stop(&server);
}

int
main(void)
{
	Suite *s = suite_create("dkim_verify");
	TCase *tc = tcase_create("nsd");
	TCase *unit = tcase_create("unit");
	SRunner *sr;
	int failed;

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_verify_table, 0, (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, test_signature_cap);
	tcase_add_test(tc, test_key_timeout);
	tcase_add_loop_test(tc, test_dns_hooks, 0,
			    (int)(sizeof(hook_cases) / sizeof(hook_cases[0])));
	tcase_add_test(tc, test_dns_small_buffer);
	tcase_add_loop_test(tc, test_dns_expired, 0,
			    (int)(sizeof(wait_cases) / sizeof(wait_cases[0])));
	tcase_add_test(tc, test_settings_and_misuse);
	tcase_add_test(tc, test_memory_flat);
	tcase_add_test(tc, test_threads_share_lib);
	tcase_add_loop_test(unit, test_bodylen, 0,
			    (int)(sizeof(bodylen_cases) / sizeof(bodylen_cases[0])));
	tcase_add_loop_test(unit, test_result_names, 0,
			    (int)(sizeof(name_cases) / sizeof(name_cases[0])));
	suite_add_tcase(s, tc);
	suite_add_tcase(s, unit);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
