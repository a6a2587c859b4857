/*
 * test_quarantine_mta_choose - which MTA the tool works on
 * (tools/quarantine/mta.h, mta_choose): --mta wins, then the option
 * given (-c or MAIL_CONFIG for Postfix, -C for Sendmail), then what is
 * installed (the probe points at files that exist or not); both
 * installed, both options, an option of the other MTA and an unknown
 * name are errors.
 */
#include <string.h>

#include "mta.h"
#include "test_main.h"

#define HERE "/dev/null"	/* a file that exists */
#define GONE "/nonexistent/dmarcguard-test/x.cf"

static const struct {
	const char *name, *pf_dir, *mail_config, *sm_cf;
	const char *pf_probe, *sm_probe;
	const char *want;		/* "postfix", "sendmail", or a part of the error */
	const char *want_config;
} cases[] = {
	{ "postfix", NULL, NULL, NULL, GONE, HERE, "postfix", NULL },
	{ "sendmail", NULL, NULL, "/etc/mail/x.cf", HERE, GONE, "sendmail", "/etc/mail/x.cf" },
	{ "exim", NULL, NULL, NULL, HERE, HERE, "expected postfix or sendmail", NULL },
	{ NULL, "/etc/postfix-out", NULL, NULL, GONE, HERE, "postfix", "/etc/postfix-out" },
	{ NULL, NULL, NULL, "/etc/mail/x.cf", HERE, GONE, "sendmail", "/etc/mail/x.cf" },
	{ NULL, NULL, "/etc/postfix-out", NULL, GONE, HERE, "postfix", NULL },
	{ NULL, NULL, "", NULL, GONE, HERE, "sendmail", NULL },	/* empty MAIL_CONFIG: unset */
	{ NULL, NULL, "/etc/postfix-out", "/etc/mail/x.cf", HERE, HERE, "sendmail", "/etc/mail/x.cf" },
	{ NULL, NULL, NULL, NULL, HERE, GONE, "postfix", NULL },
	{ NULL, NULL, NULL, NULL, GONE, HERE, "sendmail", NULL },
	{ NULL, NULL, NULL, NULL, GONE, GONE, "postfix", NULL },
	{ NULL, NULL, NULL, NULL, HERE, HERE, "both Postfix and Sendmail", NULL },
	{ NULL, "/etc/postfix", NULL, "/etc/mail/x.cf", HERE, HERE, "choose one MTA", NULL },
	{ "postfix", NULL, NULL, "/etc/mail/x.cf", HERE, HERE, "is for Sendmail", NULL },
	{ "sendmail", "/etc/postfix", NULL, NULL, HERE, HERE, "is for Postfix", NULL },
};

START_TEST(test_choose)
{
	const struct mta_probe probe = { cases[_i].pf_probe, cases[_i].sm_probe };
	struct mta m;
	const char *why = NULL;
	int rc;

	memset(&m, 0, sizeof(m));
	rc = mta_choose(&m, cases[_i].name, cases[_i].pf_dir, cases[_i].mail_config,
			cases[_i].sm_cf, &probe, &why);
	if (strcmp(cases[_i].want, "postfix") != 0 && strcmp(cases[_i].want, "sendmail") != 0) {
		ck_assert_msg(rc < 0, "row %d accepted as %s", _i, rc == 0 ? m.ops->name : "?");
		ck_assert_msg(strstr(why, cases[_i].want) != NULL, "row %d: \"%s\"", _i, why);
		return;
	}
	ck_assert_msg(rc == 0, "row %d: %s", _i, why);
	ck_assert_str_eq(m.ops->name, cases[_i].want);
	if (cases[_i].want_config == NULL)
		ck_assert_ptr_null(m.config);
	else
		ck_assert_str_eq(m.config, cases[_i].want_config);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("quarantine_mta_choose");
	TCase *tc = tcase_create("choose");

	tcase_add_loop_test(tc, test_choose, 0, TEST_ROWS(cases));
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
