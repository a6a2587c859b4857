/*
 * test_preflight - what `dmarcguard -n` and start-up check beyond the
 * file's syntax (issue 19: a directory as DomainRulesFile and an unknown
 * UserID passed -n). Each row is a configuration and the start of the
 * error preflight_check must give ("" for none).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "preflight.h"
#include "test_main.h"

#define GOOD_SOCKET "Socket inet:8891@127.0.0.1\n"

static const struct {
	const char *text;
	const char *want;
} cases[] = {
	{ GOOD_SOCKET, "" },
	{ "Socket inet:8891@localhost\n", "" },
	{ "Socket inet:8891\n", "" },
	{ "Socket inet6:8891@::1\n", "" },
	{ "Socket unix:/tmp/dmarcguard-preflight-none.sock\n", "" },
	{ GOOD_SOCKET "UserID nobody\n", "" },
	{ GOOD_SOCKET "UserID nobody:nogroup\n", "" },
	{ GOOD_SOCKET "UserID root:0\n", "" },
	{ GOOD_SOCKET "UserID no-such-user-dmarcguard\n",
	  "UserID: no user \"no-such-user-dmarcguard\"" },
	{ GOOD_SOCKET "UserID nobody:no-such-group-dmarcguard\n",
	  "UserID: no group \"no-such-group-dmarcguard\"" },
	{ "Socket unix:/tmp/dmarcguard-preflight-none.sock\nSocketGroup no-such-group-dmarcguard\n",
	  "SocketGroup: no group \"no-such-group-dmarcguard\"" },
	{ "Socket unix:/tmp\n", "cannot open socket unix:/tmp: /tmp exists and is not a socket" },
	{ "Socket local:/etc/passwd\n",
	  "cannot open socket local:/etc/passwd: /etc/passwd exists and is not a socket" },
	{ "Socket unix:/etc/passwd/x.sock\n", "Socket: /etc/passwd is not a directory" },
	/* start-up makes the socket's directory, one level deep */
	{ "Socket unix:/tmp/dmarcguard-preflight-none/x.sock\n", "" },
	{ "Socket unix:/nonexistent-dmarcguard/run/x.sock\n",
	  "Socket: directory /nonexistent-dmarcguard: No such file or directory" },
	{ GOOD_SOCKET "PidFile /nonexistent-dmarcguard/x.pid\n",
	  "PidFile: directory /nonexistent-dmarcguard: No such file or directory" },
	{ GOOD_SOCKET "PidFile /tmp\n", "PidFile: /tmp exists and is not a regular file" },
	{ GOOD_SOCKET "PidFile /tmp/dmarcguard-preflight-none.pid\n", "" },
	/* a bad PublicSuffixList: config_load refuses it (test_config_lists) */
	{ GOOD_SOCKET "PublicSuffixList\n", "" },
};

START_TEST(test_preflight)
{
	char path[] = "/tmp/dmarcguard-preflight-XXXXXX", error[512] = "";
	int fd = mkstemp(path);
	size_t len = strlen(cases[_i].text);
	struct config *c;
	int rc;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, cases[_i].text, len), (int)len);
	close(fd);
	c = config_load(path, error, sizeof(error));
	unlink(path);
	ck_assert_msg(c != NULL, "%s", error);
	rc = preflight_check(c, error, sizeof(error));
	if (cases[_i].want[0] == '\0')
		ck_assert_msg(rc == 0, "refused: %s", error);
	else
		ck_assert_msg(rc < 0 && strncmp(error, cases[_i].want, strlen(cases[_i].want)) == 0,
			      "got %d \"%s\", want \"%s\"", rc, rc < 0 ? error : "",
			      cases[_i].want);
	config_unref(&c);
}
END_TEST

/* the embedded defaults pass where the package's directories exist */
START_TEST(test_embedded_defaults)
{
	char error[512] = "";
	struct config *c = config_load(NULL, error, sizeof(error));

	ck_assert_ptr_nonnull(c);
	ck_assert_msg(preflight_check(c, error, sizeof(error)) == 0, "%s", error);
	config_unref(&c);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("preflight");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_preflight, 0, TEST_ROWS(cases));
	tcase_add_test(tc, test_embedded_defaults);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
