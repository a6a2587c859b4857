/*
 * test_reply - SMTP reply texts from the RejectText/TempfailText
 * templates: placeholders replaced, every '%' doubled for smfi_setreply,
 * control bytes from a hostile From domain masked, a missing domain named
 * "(unknown)"; and truncation into every buffer size: in bounds,
 * NUL-terminated, a prefix of the whole text, never half a "%%".
 */
#include <string.h>

#include "reply.h"
#include "test_main.h"

#define REJECT "5.7.1 Message from %{domain} rejected by DMARC policy (%{reason})"

static const struct {
	const char *what;
	const char *template, *domain, *reason;
	size_t size;			/* 0: a buffer large enough */
	const char *want;
} rows[] = {
	{ "both placeholders", REJECT, "example.org", "published-reject", 0,
	  "5.7.1 Message from example.org rejected by DMARC policy (published-reject)" },
	{ "no placeholders", "Temporary failure, try again later", "example.org", "r", 0,
	  "Temporary failure, try again later" },
	{ "placeholder twice", "%{domain}/%{domain}", "a.example", "r", 0,
	  "a.example/a.example" },
	{ "placeholders back to back", "%{reason}%{domain}", "d.example", "why", 0,
	  "whyd.example" },
	{ "NULL domain", "from %{domain}", NULL, "r", 0, "from (unknown)" },
	{ "empty domain", "from %{domain}", "", "r", 0, "from (unknown)" },
	{ "NULL reason", "[%{reason}]", "d.example", NULL, 0, "[]" },
	{ "'%' in the template doubled", "100% sure: %{domain}", "d.example", "r", 0,
	  "100%% sure: d.example" },
	{ "'%%' in the template doubled again", "50%%", "d", "r", 0, "50%%%%" },
	{ "'%' in the domain doubled", "%{domain}", "ex%ample.org", "r", 0,
	  "ex%%ample.org" },
	{ "'%' in the reason doubled", "%{reason}", "d", "%s%n", 0, "%%s%%n" },
	{ "a placeholder in the domain is not expanded", "%{domain}", "%{reason}", "no", 0,
	  "%%{reason}" },
	{ "unknown placeholder kept, '%' doubled", "%{other} %{domain}", "d", "r", 0,
	  "%%{other} d" },
	{ "unfinished placeholder", "x %{domain", "d", "r", 0, "x %%{domain" },
	{ "upper-case placeholder is not ours", "%{DOMAIN}", "d", "r", 0, "%%{DOMAIN}" },
	{ "CR LF in the domain", "from %{domain}", "evil.example\r\n250 OK", "r", 0,
	  "from evil.example??250 OK" },
	{ "LF in the reason", "%{reason}", "d", "a\nb", 0, "a?b" },
	{ "tab, BEL and DEL", "%{domain}", "a\tb\ac\x7f", "r", 0, "a?b?c?" },
	{ "control bytes in the template", "a\tb\r\n", "d", "r", 0, "a?b??" },
	{ "empty template", "", "d", "r", 0, "" },
	/* truncation: the text is cut, never the buffer overrun */
	{ "size 1: empty", "abc", "d", "r", 1, "" },
	{ "exact fit", "abc", "d", "r", 4, "abc" },
	{ "one byte short", "abc", "d", "r", 3, "ab" },
	{ "'%%' does not fit whole: left out", "a%", "d", "r", 3, "a" },
	{ "'%%' fits whole", "a%", "d", "r", 4, "a%%" },
	{ "only '%', room for one byte", "%", "d", "r", 2, "" },
	{ "a domain cut inside", "from %{domain}", "example.org", "r", 10, "from exam" },
	{ "a domain's '%' at the cut", "%{domain}", "ab%c", "r", 4, "ab" },
	{ "(unknown) cut", "%{domain}", NULL, "r", 5, "(unk" },
};

START_TEST(test_expand)
{
	char buf[512];
	size_t size = rows[_i].size ? rows[_i].size : 256;

	memset(buf, 'Z', sizeof(buf));
	reply_expand(rows[_i].template, rows[_i].domain, rows[_i].reason, buf, size);
	ck_assert_msg(strcmp(buf, rows[_i].want) == 0, "%s: got [%s], want [%s]",
		      rows[_i].what, buf, rows[_i].want);
	ck_assert_msg(buf[size] == 'Z', "%s: wrote past size %zu", rows[_i].what, size);
}
END_TEST

/* templates whose truncation is checked at every buffer size */
static const struct {
	const char *template, *domain, *reason;
} cuts[] = {
	{ REJECT, "example.org", "published-reject" },
	{ "%%%", "d", "r" },
	{ "a%b%%c%%%d", "%x%%y", "%" },
	{ "100% of %{domain} (%{reason}) 100%", "ex%am%%ple.org", "p%%" },
	{ "%{domain}", NULL, NULL },
	{ "\r\n%{domain}\r\n", "a\r\nb%", "" },
};

/* trailing_percents - how many '%' end s */
static size_t
trailing_percents(const char *s)
{
	size_t n = 0, len = strlen(s);

	while (n < len && s[len - 1 - n] == '%')
		n++;
	return n;
}

START_TEST(test_truncation)
{
	char full[512], buf[512];
	size_t len;

	reply_expand(cuts[_i].template, cuts[_i].domain, cuts[_i].reason, full, sizeof(full));
	len = strlen(full);
	ck_assert_uint_lt(len, sizeof(full) - 1);
	/* a whole text has only doubled '%' */
	ck_assert_uint_eq(trailing_percents(full) % 2, 0);
	for (size_t size = 0; size <= len + 2; size++) {
		size_t got;

		memset(buf, 'Z', sizeof(buf));
		reply_expand(cuts[_i].template, cuts[_i].domain, cuts[_i].reason, buf, size);
		ck_assert_msg(buf[size] == 'Z', "template %zu: wrote past size %zu", (size_t)_i,
			      size);
		if (size == 0) {
			ck_assert_int_eq(buf[0], 'Z');
			continue;
		}
		ck_assert_msg(memchr(buf, '\0', size) != NULL, "size %zu: not terminated", size);
		got = strlen(buf);
		ck_assert_msg(strncmp(buf, full, got) == 0, "size %zu: [%s] not a prefix of [%s]",
			      size, buf, full);
		ck_assert_msg(trailing_percents(buf) % 2 == 0, "size %zu: [%s] ends in a lone %%",
			      size, buf);
		/* the buffer is used to the last byte, less one when a "%%" did not fit */
		if (size > len)
			ck_assert_str_eq(buf, full);
		else
			ck_assert_msg(got == size - 1 || (got == size - 2 && full[got] == '%'),
				      "size %zu: only %zu bytes [%s]", size, got, buf);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("reply");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_expand, 0, TEST_ROWS(rows));
	tcase_add_loop_test(tc, test_truncation, 0, TEST_ROWS(cuts));
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
