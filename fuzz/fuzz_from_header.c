/*
 * fuzz_from_header - from_header_parse on any byte string (the value of
 * a From: field as the MTA hands it over: folding, NUL bytes, raw UTF-8).
 *
 * Invariants checked (abort on violation):
 *  - the return value, status and reason agree; a malformed result has a
 *    known FROM_REASON_* code and empty domain and address;
 *  - an OK result has a non-empty domain of at most 253 characters that
 *    is a lowercase host name (letters, digits, inner hyphens, labels of
 *    1-63, no trailing dot, not an all-numeric last label), that
 *    dns_name_normalize accepts unchanged;
 *  - the address for logs holds '@', is valid UTF-8 without control
 *    characters, and fits its buffer;
 *  - the parse is deterministic, and the domain it found is a fixed
 *    point: "x@DOMAIN" parses OK to the same domain.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "dns_name.h"
#include "from_header.h"
#include "from_tokenizer.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const reasons[] = {
	FROM_REASON_MISSING, FROM_REASON_MULTIPLE, FROM_REASON_EMPTY, FROM_REASON_GROUP,
	FROM_REASON_MULTIPLE_ADDRESSES, FROM_REASON_NO_DOMAIN, FROM_REASON_ENCODED_WORD,
	FROM_REASON_TRAILING_TEXT, FROM_REASON_UNBALANCED, FROM_REASON_CONTROL_CHAR,
	FROM_REASON_BAD_DOMAIN, FROM_REASON_IDN, FROM_REASON_SYNTAX,
};

static void
check_reason(const char *r)
{
	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (r != NULL && strcmp(r, reasons[i]) == 0)
			return;
	fuzz_die("unknown reason %s", r ? r : "(null)");
}

/* check_host_name - lowercase LDH labels, RFC 1123 (the contract of from_domain) */
static void
check_host_name(const char *d)
{
	size_t len = strlen(d), label = 0, digits = 0;
	char norm[DNS_NAME_BUFSIZE];
	const char *error;

	if (len == 0 || len > DNS_NAME_MAX)
		fuzz_die("domain of %zu characters", len);
	if (d[len - 1] == '.' || d[0] == '.')
		fuzz_die("domain \"%s\" has a leading or trailing dot", d);
	for (size_t i = 0; i <= len; i++) {
		char c = d[i];

		if (c == '.' || c == '\0') {
			if (label == 0 || label > 63)
				fuzz_die("domain \"%s\" has a label of %zu", d, label);
			if (d[i - 1] == '-' || d[i - label] == '-')
				fuzz_die("domain \"%s\" has a label with an outer hyphen", d);
			if (c == '\0' && digits == label)
				fuzz_die("domain \"%s\" ends in a numeric label", d);
			label = digits = 0;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			fuzz_die("domain \"%s\" holds byte 0x%02x", d, (unsigned char)c);
		label++;
		digits += c >= '0' && c <= '9';
	}
	if (dns_name_normalize(d, norm, sizeof(norm), &error) < 0)
		fuzz_die("dns_name_normalize refuses \"%s\": %s", d, error);
	if (strcmp(norm, d) != 0)
		fuzz_die("domain \"%s\" is not normalized (\"%s\")", d, norm);
}

static void
check_address(const char *a)
{
	size_t len = strnlen(a, FROM_ADDRESS_SIZE);

	if (len == FROM_ADDRESS_SIZE)
		fuzz_die("address not terminated");
	if (strchr(a, '@') == NULL)
		fuzz_die("address \"%s\" without '@'", a);
	if (!from_tokenizer_utf8_valid((const unsigned char *)a, len))
		fuzz_die("address \"%s\" is not UTF-8", a);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)a[i] < 0x20 || a[i] == 0x7f)
			fuzz_die("address holds control byte 0x%02x", (unsigned char)a[i]);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct from_parse_result res, again;
	char fixed[FROM_DOMAIN_SIZE + 8];
	int rc;

	if (size > 65536)
		return -1;
	rc = from_header_parse((const char *)data, size, &res);
	if (rc != 0 && rc != -1)
		fuzz_die("from_header_parse returned %d", rc);
	if ((rc == 0) != (res.status == FROM_OK) || (rc == 0) != (res.reason == NULL))
		fuzz_die("rc %d, status %d, reason %s disagree", rc, res.status,
			 res.reason ? res.reason : "(null)");
	if (rc < 0) {
		check_reason(res.reason);
		if (res.domain[0] != '\0' || res.address[0] != '\0')
			fuzz_die("malformed (%s) but domain \"%s\" address \"%s\"", res.reason,
				 res.domain, res.address);
	} else {
		check_host_name(res.domain);
		check_address(res.address);
	}

	rc = from_header_parse((const char *)data, size, &again);
	if (memcmp(&res, &again, sizeof(res)) != 0)
		fuzz_die("second parse differs");
	if (res.status != FROM_OK)
		return 0;
	snprintf(fixed, sizeof(fixed), "x@%s", res.domain);
	if (from_header_parse(fixed, strlen(fixed), &again) != 0
	    || strcmp(again.domain, res.domain) != 0)
		fuzz_die("\"%s\" gives %s", fixed, again.reason ? again.reason : again.domain);
	return 0;
}
