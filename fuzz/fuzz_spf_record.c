/*
 * fuzz_spf_record - the RFC 7208 record checker (spf_record_parse) and
 * the libspf2 form of what it accepts (spf_rewrite) on any bytes.
 *
 * Input: one byte choosing the client (even: IPv4 192.0.2.1, odd: IPv6
 * 2001:db8::1), then the record text (NUL bytes included).
 *
 * Invariants checked (abort on violation):
 *  - parse returns 0 with a record, or -1 with a reason and no record;
 *  - every term's name and argument lie inside the input, prefix lengths
 *    are -1 or within 0-32 / 0-128, at most one redirect= and one exp=;
 *  - the rewritten text is printable ASCII, starts with "v=spf1", parses
 *    again, and rewriting that gives the same text (nothing is left for
 *    libspf2 to refuse, such as a /0, that a second pass would change).
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_util.h"
#include "spf_record.h"
#include "spf_rewrite.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_terms(const struct spf_record *r, const char *text, size_t len)
{
	int redirects = 0, exps = 0;

	for (size_t i = 0; i < r->count; i++) {
		const struct spf_record_term *t = &r->terms[i];

		if (t->name < text || t->name + t->name_len > text + len)
			fuzz_die("term %zu name outside the record", i);
		if (t->arg_len > 0 && (t->arg < text || t->arg + t->arg_len > text + len))
			fuzz_die("term %zu argument outside the record", i);
		if (t->cidr4 < -1 || t->cidr4 > 32 || t->cidr6 < -1 || t->cidr6 > 128)
			fuzz_die("term %zu prefix length out of range", i);
		redirects += t->kind == SPF_RECORD_REDIRECT;
		exps += t->kind == SPF_RECORD_EXP;
	}
	if (redirects > 1 || exps > 1)
		fuzz_die("redirect= or exp= twice");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spf_rewrite_client client = { 0 };
	struct spf_record *r = NULL, *again = NULL;
	const char *text = (const char *)data + 1, *error = NULL;
	char *out = NULL, *out2 = NULL;
	long len, len2;
	int rc;

	if (size < 1)
		return 0;
	if (data[0] & 1) {
		client.family = AF_INET6;
		inet_pton(AF_INET6, "2001:db8::1", &client.v6);
	} else {
		client.family = AF_INET;
		inet_pton(AF_INET, "192.0.2.1", &client.v4);
	}
	rc = spf_record_parse(text, size - 1, &r, &error);
	if (rc == -1) {
		if (r != NULL || error == NULL)
			fuzz_die("a refusal without a reason, or with a record");
		return 0;
	}
	if (rc != 0 || r == NULL)
		fuzz_die("parse returned %d", rc);
	check_terms(r, text, size - 1);
	if ((len = spf_rewrite(r, &client, "_dg0-0123456789abcdef", &out)) < 0)
		fuzz_die("rewrite failed");
	if ((size_t)len != strlen(out) || strncmp(out, "v=spf1", 6) != 0)
		fuzz_die("rewrite gave '%s'", out);
	for (long i = 0; i < len; i++)
		if (out[i] < 0x20 || out[i] > 0x7e)
			fuzz_die("rewrite wrote a control byte");
	if (spf_record_parse(out, (size_t)len, &again, &error) != 0)
		fuzz_die("rewrite '%s' does not parse: %s", out, error);
	if ((len2 = spf_rewrite(again, &client, "_dg0-0123456789abcdef", &out2)) < 0
	    || len2 != len || strcmp(out, out2) != 0)
		fuzz_die("rewriting '%s' again gave '%s'", out, out2 != NULL ? out2 : "");
	free(out);
	free(out2);
	spf_record_free(&again);
	spf_record_free(&r);
	return 0;
}
