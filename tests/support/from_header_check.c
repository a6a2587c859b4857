/*
 * from_header_check - assertions on one parsed From: value (see
 * from_header_check.h).
 */
#include "from_header_check.h"

#include <check.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* describe - printable, shortened copy of an input for failure messages */
static const char *
describe(const char *s, size_t len, char *buf, size_t size)
{
	size_t pos = 0;

	for (size_t i = 0; i < len && pos + 8 < size; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			buf[pos++] = (char)c;
		else
			pos += (size_t)snprintf(buf + pos, size - pos, "\\x%02x", c);
	}
	if (pos + 8 >= size)
		snprintf(buf + pos, size - pos, "...");
	else
		buf[pos] = '\0';
	return buf;
}

/* from_check_parse - parse one input and assert the row's outcome */
void
from_check_parse(int row, const char *in, size_t len, enum from_status want,
		 const char *want_str, const char *want_addr)
{
	struct from_parse_result res;
	char what[200];
	const char *got;
	clock_t t0;
	double cpu;
	int rc;

	describe(in, len, what, sizeof(what));
	t0 = clock();
	rc = from_header_parse(in, len, &res);
	cpu = (double)(clock() - t0) / CLOCKS_PER_SEC;
	got = res.status == FROM_OK ? res.domain : res.reason;
	ck_assert_msg(res.status == want && got != NULL &&
		      strcmp(got, want_str) == 0,
		      "row %d \"%s\": got %s %s, want %s %s", row, what,
		      res.status == FROM_OK ? "OK" : "MALFORMED",
		      got != NULL ? got : "(null)",
		      want == FROM_OK ? "OK" : "MALFORMED", want_str);
	ck_assert_int_eq(rc, want == FROM_OK ? 0 : -1);
	if (want == FROM_OK)
		ck_assert_ptr_null(res.reason);
	else
		ck_assert_msg(res.domain[0] == '\0' && res.address[0] == '\0',
			      "row %d \"%s\": malformed but domain \"%s\"", row, what,
			      res.domain);
	if (want_addr != NULL)
		ck_assert_msg(strcmp(res.address, want_addr) == 0,
			      "row %d \"%s\": address \"%s\", want \"%s\"", row, what,
			      res.address, want_addr);
	ck_assert_msg(cpu < 1.0, "row %d \"%s\": %.3f s of CPU", row, what, cpu);
}
