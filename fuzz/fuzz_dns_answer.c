/*
 * fuzz_dns_answer - dns_answer_from_wire on any reply packet, and the
 * round trip through dns_answer_to_wire (which the DKIM hooks rely on).
 *
 * Input: one byte choosing the question type (A, PTR, MX, TXT, AAAA or,
 * rarely, an unsupported one), then the packet.
 *
 * Invariants checked (abort on violation):
 *  - an answer always comes back, with the type asked and a valid status;
 *    a temporary failure has a reason and no records; a negative answer
 *    has no records; a positive one has at least one;
 *  - TTLs respect RFC 2181 8 (never above 2^31 - 1);
 *  - record data is NUL-terminated beyond its length; A and AAAA are 4
 *    and 16 bytes; MX and PTR targets are lowercase presentation names
 *    of the stated length;
 *  - what parses re-encodes: dns_answer_to_wire succeeds in a large
 *    buffer, and parsing that reply gives the same status and the same
 *    records (preference, length, bytes) with the same TTL;
 *  - dns_answer_to_wire never writes past the size it is given (the
 *    buffers are exactly that size, for AddressSanitizer) and refuses a
 *    buffer one byte short;
 *  - references: ref then two unrefs free the answer exactly once.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns_answer.h"
#include "fuzz_util.h"

#define QNAME "fuzz.example"
#define BIG (1 << 24)	/* 65535 uncompressed records fit */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint16_t qtypes[] = { DNS_TYPE_A, DNS_TYPE_PTR, DNS_TYPE_MX, DNS_TYPE_TXT,
				   DNS_TYPE_AAAA };

static void
check_answer(const struct dns_answer *a, uint16_t qtype)
{
	if (a == NULL)
		fuzz_die("no answer");
	if (a->type != qtype)
		fuzz_die("type %u for a question of type %u", a->type, qtype);
	switch (a->status) {
	case DNS_STATUS_TEMPFAIL:
		if (a->reason == NULL || a->reason[0] == '\0' || a->count != 0)
			fuzz_die("tempfail without reason or with records");
		return;
	case DNS_STATUS_NXDOMAIN:
	case DNS_STATUS_NODATA:
		if (a->count != 0)
			fuzz_die("negative answer with %zu records", a->count);
		break;
	case DNS_STATUS_ANSWER:
		if (a->count == 0)
			fuzz_die("positive answer without records");
		break;
	default:
		fuzz_die("status %d", a->status);
	}
	if (a->ttl > 0x7fffffffU)
		fuzz_die("ttl %u", a->ttl);
	for (size_t i = 0; i < a->count; i++) {
		const struct dns_record *r = &a->records[i];

		if (r->data == NULL || r->data[r->len] != '\0')
			fuzz_die("record %zu not terminated", i);
		if ((qtype == DNS_TYPE_A && r->len != 4) || (qtype == DNS_TYPE_AAAA && r->len != 16))
			fuzz_die("address of %zu bytes", r->len);
		if (qtype == DNS_TYPE_MX || qtype == DNS_TYPE_PTR) {
			if (strlen((const char *)r->data) != r->len)
				fuzz_die("name length %zu, strlen %zu", r->len,
					 strlen((const char *)r->data));
			for (size_t k = 0; k < r->len; k++)
				if (r->data[k] <= 0x20 || r->data[k] >= 0x7f
				    || (r->data[k] >= 'A' && r->data[k] <= 'Z'))
					fuzz_die("name \"%s\" holds byte 0x%02x", r->data, r->data[k]);
		}
	}
}

/* wire_len - octets of a presentation name on the wire, escapes decoded */
static size_t
wire_len(const char *name)
{
	size_t n = 1, label = 0;

	for (const char *p = name; *p; p++) {
		if (*p == '.') {
			n += label + 1;
			label = 0;
			continue;
		}
		if (*p == '\\')
			p += p[1] >= '0' && p[1] <= '9' ? 3 : 1;
		label++;
	}
	return label ? n + label + 1 : n;
}

/* has_long_name - a target name of more than 255 octets (reported bug) */
static int
has_long_name(const struct dns_answer *a)
{
	for (size_t i = 0; i < a->count; i++)
		if ((a->type == DNS_TYPE_MX || a->type == DNS_TYPE_PTR)
		    && wire_len((const char *)a->records[i].data) > 255)
			return 1;
	return 0;
}

static void
check_same(const struct dns_answer *a, const struct dns_answer *b)
{
	if (a->status != b->status || a->type != b->type)
		fuzz_die("round trip: status %d/%d type %u/%u", a->status, b->status, a->type,
			 b->type);
	if (a->status != DNS_STATUS_ANSWER)
		return;
	if (a->count != b->count || a->ttl != b->ttl)
		fuzz_die("round trip: %zu/%zu records, ttl %u/%u", a->count, b->count, a->ttl,
			 b->ttl);
	for (size_t i = 0; i < a->count; i++) {
		const struct dns_record *x = &a->records[i], *y = &b->records[i];

		if (x->len != y->len || memcmp(x->data, y->data, x->len) != 0
		    || (a->type == DNS_TYPE_MX && x->preference != y->preference))
			fuzz_die("round trip: record %zu differs", i);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned char big[BIG];
	struct dns_answer *a, *b, *extra;
	unsigned char *exact;
	uint16_t qtype;
	size_t n;

	if (size < 1 || size > 65536)
		return -1;
	qtype = data[0] < 250 ? qtypes[data[0] % 5] : (uint16_t)data[0];
	a = dns_answer_from_wire(data + 1, size - 1, qtype);
	check_answer(a, qtype);

	n = dns_answer_to_wire(a, QNAME, big, BIG);
	if (n == 0) {
		if (!(has_long_name(a) && fuzz_skip("dns-name-256")))
			fuzz_die("a parsed answer (status %s, %zu records) does not re-encode",
				 dns_answer_status_name(a->status), a->count);
	} else {
		b = dns_answer_from_wire(big, n, qtype);
		check_answer(b, qtype);
		if (a->status != DNS_STATUS_TEMPFAIL)
			check_same(a, b);
		else if (b->status != DNS_STATUS_TEMPFAIL)
			fuzz_die("tempfail re-encodes as %s", dns_answer_status_name(b->status));
		dns_answer_unref(&b);

		/* exact-size buffers: enough, and one byte short */
		if ((exact = malloc(n)) == NULL)
			abort();
		if (dns_answer_to_wire(a, QNAME, exact, n) != n || memcmp(exact, big, n) != 0)
			fuzz_die("an exact buffer gives another reply");
		free(exact);
		if ((exact = malloc(n - 1)) == NULL && n > 1)
			abort();
		if (dns_answer_to_wire(a, QNAME, exact, n - 1) != 0)
			fuzz_die("a buffer one byte short is not refused");
		free(exact);
	}

	extra = dns_answer_ref(a);
	if (extra != a)
		fuzz_die("dns_answer_ref returned another answer");
	dns_answer_unref(&extra);
	if (extra != NULL)
		fuzz_die("dns_answer_unref did not clear the pointer");
	dns_answer_unref(&a);
	return 0;
}
