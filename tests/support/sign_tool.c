/*
 * sign_tool - sign a stored message with DKIM for the test corpus.
 *
 *   test_sign_tool KEY.pem SELECTOR DOMAIN [rsa-sha256|rsa-sha1|ed25519-sha256] [l] < in > out
 *
 * Reads a message (LF line ends), signs header fields and body with
 * relaxed/relaxed canonicalization using libopendkim's signer, and writes
 * the message with the DKIM-Signature field on top. "l" adds a body
 * length tag. Used by tests/messages/policy/generate.sh to make the
 * committed signed messages; not part of the product.
 */
#include <opendkim/dkim.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "message_reader.h"

struct collected {
	DKIM *dkim;
	char *headers;		/* as read, LF line ends */
	size_t hlen;
	FILE *hout;
	char *body;
	size_t blen;
	FILE *bout;
};

/* crlf - copy s with every bare LF made CRLF */
static char *
crlf(const char *s, size_t len, size_t *out_len)
{
	char *out = malloc(2 * len + 1);
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r'))
			out[n++] = '\r';
		out[n++] = s[i];
	}
	out[n] = '\0';
	*out_len = n;
	return out;
}

static int
on_header(void *ctx, const char *name, const char *value, size_t len)
{
	struct collected *c = ctx;
	size_t n;
	char *folded = crlf(value, len, &n);
	char *field;
	int fn;

	fn = asprintf(&field, "%s:%s", name, folded);
	fprintf(c->hout, "%s:%.*s\n", name, (int)len, value);
	if (fn < 0 || dkim_header(c->dkim, (unsigned char *)field, (size_t)fn) != DKIM_STAT_OK)
		return -1;
	free(field);
	free(folded);
	return 0;
}

static int
on_eoh(void *ctx)
{
	struct collected *c = ctx;

	return dkim_eoh(c->dkim) == DKIM_STAT_OK ? 0 : -1;
}

static int
on_body(void *ctx, const unsigned char *chunk, size_t len)
{
	struct collected *c = ctx;
	size_t n;
	char *body = crlf((const char *)chunk, len, &n);
	int rc = dkim_body(c->dkim, (unsigned char *)body, n) == DKIM_STAT_OK ? 0 : -1;

	fwrite(chunk, 1, len, c->bout);
	free(body);
	return rc;
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 65536);

	if (f == NULL || buf == NULL)
		return NULL;
	fread(buf, 1, 65535, f);
	fclose(f);
	return buf;
}

int
main(int argc, char **argv)
{
	struct collected c = { 0 };
	dkim_alg_t alg = DKIM_SIGN_RSASHA256;
	DKIM_STAT st;
	DKIM_LIB *lib;
	unsigned char *sig;
	size_t siglen;
	char *key;

	if (argc < 4) {
		fprintf(stderr, "usage: %s KEY.pem SELECTOR DOMAIN [ALG] [l] < in > out\n", argv[0]);
		return 2;
	}
	if (argc > 4 && strcmp(argv[4], "rsa-sha1") == 0)
		alg = DKIM_SIGN_RSASHA1;
	else if (argc > 4 && strcmp(argv[4], "ed25519-sha256") == 0)
		alg = DKIM_SIGN_ED25519SHA256;
	if ((key = slurp(argv[1])) == NULL || (lib = dkim_init(NULL, NULL)) == NULL) {
		fprintf(stderr, "cannot read %s or start libopendkim\n", argv[1]);
		return 1;
	}
	c.dkim = dkim_sign(lib, (const unsigned char *)"corpus", NULL, (dkim_sigkey_t)key,
			   (const unsigned char *)argv[2], (const unsigned char *)argv[3],
			   DKIM_CANON_RELAXED, DKIM_CANON_RELAXED, alg, -1, &st);
	if (c.dkim == NULL) {
		fprintf(stderr, "dkim_sign: %d\n", st);
		return 1;
	}
	if (argc > 5 && strcmp(argv[5], "l") == 0)
		dkim_setpartial(c.dkim, 1);
	dkim_set_margin(c.dkim, 0);
	c.hout = open_memstream(&c.headers, &c.hlen);
	c.bout = open_memstream(&c.body, &c.blen);
	struct message_reader_sink sink = { on_header, on_eoh, on_body, &c };

	if (message_reader_feed(stdin, &sink) < 0 || dkim_eom(c.dkim, NULL) != DKIM_STAT_OK) {
		fprintf(stderr, "signing failed: %s\n", dkim_geterror(c.dkim));
		return 1;
	}
	fclose(c.hout);
	fclose(c.bout);
	if (dkim_getsighdr_d(c.dkim, strlen("DKIM-Signature: "), &sig, &siglen) != DKIM_STAT_OK)
		return 1;
	/* the corpus uses LF line ends, as MTAs hand folds to milters */
	fputs("DKIM-Signature: ", stdout);
	for (size_t i = 0; i < siglen && sig[i] != '\0'; i++)
		if (sig[i] != '\r')
			putchar(sig[i]);
	printf("\n%s\n", c.headers);
	fwrite(c.body, 1, c.blen, stdout);
	dkim_free(c.dkim);
	dkim_close(lib);
	free(c.headers);
	free(c.body);
	free(key);
	return 0;
}
