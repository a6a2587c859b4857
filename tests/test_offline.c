/*
 * test_offline - the offline test mode of the dmarcguard executable on the
 * committed message files, against a real nsd: the first output line
 * holds action= and reason=, the second is our Authentication-Results;
 * exit status 0 for a completed evaluation, 2 for bad input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dns_fixture.h"
#include "test_main.h"
#include "test_paths.h"

static char conf_path[64];

static void
setup(void)
{
	FILE *f;
	int fd;

	dns_fixture_up();
	strcpy(conf_path, "/tmp/dmarcguard-offline-XXXXXX");
	fd = mkstemp(conf_path);
	f = fdopen(fd, "w");
	fprintf(f, "AuthservID mx.test.example\nNameservers %s\nDNSTimeout 2s\n",
		dns_fixture_address());
	fclose(f);
}

static void
teardown(void)
{
	dns_fixture_down();
	unlink(conf_path);
}

/* run - the command's stdout+stderr into out; returns the exit status */
static int
run(const char *args, char *out, size_t size)
{
	char cmd[2048];
	size_t n;
	FILE *p;
	int status;

	snprintf(cmd, sizeof(cmd), "cd %s/messages/policy && %s %s 2>&1", test_source_dir(),
		 test_dmarcguard_binary(), args);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	n = fread(out, 1, size - 1, p);
	out[n] = '\0';
	status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static const struct {
	const char *file, *ip, *helo, *mail_from;
	const char *want_action, *want_reason;
} cases[] = {
	{ "unsigned-none.eml", "203.0.113.66", "mx.attacker.example", "x@attacker.example",
	  "action=quarantine", "reason=dmarc-fail-local-floor" },
	{ "signed-none.eml", "203.0.113.66", "mx.attacker.example", "x@attacker.example",
	  "action=accept", "reason=dmarc-pass" },
	{ "unsigned-reject.eml", "203.0.113.66", "x", "x@attacker.example",
	  "action=reject", "reason=published-reject" },
	{ "unsigned-servfail.eml", "203.0.113.66", "x", "x@attacker.example",
	  "action=tempfail", "reason=dns-temperror" },
	{ "unsigned-two-from.eml", "192.0.2.10", "x", "bounce@none.example",
	  "action=reject", "reason=malformed-from-multiple" },
	{ "unsigned-none.eml", "192.0.2.10", "mail.none.example", "",
	  "action=accept", "reason=dmarc-pass" },
};

/* look-alike senders: configured and recipient domains, fields on the line */
static const struct {
	const char *conf, *rcpt;
	const char *want;
} lookalikes[] = {
	{ "ProtectedDomains bank.example\n", NULL,
	  "action=quarantine reason=lookalike-typo override=yes discovery=treewalk lookalike=typo"
	  " lookalike_of=bank.example" },
	{ "ProtectedDomains bank.example\nLookalikeAction accept\n", NULL,
	  "action=accept reason=lookalike-typo override=no discovery=treewalk lookalike=typo"
	  " lookalike_of=bank.example" },
	{ "", "<ceo@banq.example>",
	  "action=quarantine reason=lookalike-typo override=yes discovery=treewalk lookalike=typo"
	  " lookalike_of=banq.example" },
	{ "ProtectRecipientDomains no\n", "<ceo@banq.example>",
	  "action=accept reason=dmarc-pass override=no discovery=treewalk\n" },
	{ "LookalikeAllow banc.example\nProtectedDomains bank.example\n", NULL,
	  "action=accept reason=dmarc-pass override=no discovery=treewalk\n" },
};

START_TEST(test_lookalike)
{
	char conf[] = "/tmp/dmarcguard-offline-lk-XXXXXX", args[1024], out[8192];
	int fd = mkstemp(conf), rc;
	FILE *f = fdopen(fd, "w");

	fprintf(f, "AuthservID mx.test.example\nNameservers %s\nDNSTimeout 2s\n%s",
		dns_fixture_address(), lookalikes[_i].conf);
	fclose(f);
	snprintf(args, sizeof(args), "-c %s --test unsigned-lookalike-banc.eml --client-ip"
		 " 192.0.2.10 --helo mail.banc.example --mail-from bounce@banc.example%s%s%s",
		 conf, lookalikes[_i].rcpt ? " --rcpt '" : "",
		 lookalikes[_i].rcpt ? lookalikes[_i].rcpt : "", lookalikes[_i].rcpt ? "'" : "");
	rc = run(args, out, sizeof(out));
	unlink(conf);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, out);
	ck_assert_msg(strstr(out, lookalikes[_i].want) != NULL, "got \"%s\", want %s", out,
		      lookalikes[_i].want);
}
END_TEST

START_TEST(test_verdicts)
{
	char args[1024], out[8192];
	char *second;
	int rc;

	snprintf(args, sizeof(args), "-c %s --test %s --client-ip %s --helo %s --mail-from '%s'",
		 conf_path, cases[_i].file, cases[_i].ip, cases[_i].helo, cases[_i].mail_from);
	rc = run(args, out, sizeof(out));
	ck_assert_msg(rc == 0, "exit %d: %s", rc, out);
	second = strchr(out, '\n');
	ck_assert_ptr_nonnull(second);
	*second++ = '\0';
	ck_assert_msg(strncmp(out, "v=1 ", 4) == 0, "first line: %s", out);
	ck_assert_msg(strstr(out, cases[_i].want_action) != NULL
		      && strstr(out, cases[_i].want_reason) != NULL,
		      "%s: got \"%s\", want %s %s", cases[_i].file, out, cases[_i].want_action,
		      cases[_i].want_reason);
	ck_assert_msg(strncmp(second, "Authentication-Results: mx.test.example;", 40) == 0,
		      "second line: %s", second);
}
END_TEST

/*
 * OrgDomainMethod reaches the engine: two DMARC records at two.example are
 * none there for the tree walk (the walk goes on and finds nothing) and a
 * permerror with the PSL; the alert line names the method, and so does
 * the Authentication-Results comment when a record is found.
 */
static const struct {
	const char *method;	/* NULL: the default */
	const char *file;
	const char *want[3];
} method_cases[] = {
	{ NULL, "unsigned-two-records.eml",
	  { "reason=no-policy", "discovery=treewalk", "dmarc=none" } },
	{ "treewalk", "unsigned-two-records.eml",
	  { "reason=no-policy", "discovery=treewalk", "dmarc=none" } },
	{ "psl", "unsigned-two-records.eml",
	  { "reason=dmarc-permerror", "discovery=psl", "dmarc=permerror" } },
	{ "psl", "unsigned-pct0.eml",
	  { "reason=published-reject", "removed_tags=pct", "dis=reject discovery=psl)" } },
	{ NULL, "unsigned-pct0.eml",
	  { "reason=published-reject", "removed_tags=pct", "dis=reject discovery=treewalk)" } },
};

START_TEST(test_org_domain_method)
{
	char conf[64], args[1024], out[8192];
	FILE *f;
	int fd, rc;

	strcpy(conf, "/tmp/dmarcguard-offline-m-XXXXXX");
	fd = mkstemp(conf);
	f = fdopen(fd, "w");
	fprintf(f, "AuthservID mx.test.example\nNameservers %s\nDNSTimeout 2s\n",
		dns_fixture_address());
	if (method_cases[_i].method != NULL)
		fprintf(f, "OrgDomainMethod %s\n", method_cases[_i].method);
	fclose(f);
	snprintf(args, sizeof(args), "-c %s --test %s --client-ip 203.0.113.66 --helo x "
		 "--mail-from x@attacker.example", conf, method_cases[_i].file);
	rc = run(args, out, sizeof(out));
	unlink(conf);
	ck_assert_msg(rc == 0, "exit %d: %s", rc, out);
	for (int k = 0; k < 3; k++)
		ck_assert_msg(strstr(out, method_cases[_i].want[k]) != NULL, "%s %s: no %s in %s",
			      method_cases[_i].method ? method_cases[_i].method : "(default)",
			      method_cases[_i].file, method_cases[_i].want[k], out);
}
END_TEST

static const struct {
	const char *args;
	int want_status;
	const char *want_text;
} bad_cases[] = {
	{ "--test no-such-file.eml --client-ip 192.0.2.1 --helo x --mail-from a@b", 2,
	  "no-such-file.eml: No such file or directory" },
	{ "--test unsigned-none.eml --client-ip 999.1.1.1 --helo x --mail-from a@b", 2,
	  "is not an IPv4 or IPv6 address" },
	{ "--test unsigned-none.eml --helo x --mail-from a@b", 2, "--test needs --client-ip" },
	{ "--test unsigned-none.eml --client-ip 192.0.2.1 --helo x --mail-from a@b extra", 2,
	  "unexpected argument" },
	{ "--bogus", 2, "usage:" },
	{ "-c /nonexistent.conf --test unsigned-none.eml --client-ip 192.0.2.1 --helo x "
	  "--mail-from a@b", 2, "/nonexistent.conf: No such file" },
};

START_TEST(test_bad_arguments)
{
	char out[8192];
	int rc = run(bad_cases[_i].args, out, sizeof(out));

	ck_assert_msg(rc == bad_cases[_i].want_status, "%s: exit %d: %s", bad_cases[_i].args, rc,
		      out);
	ck_assert_msg(strstr(out, bad_cases[_i].want_text) != NULL, "%s: output %s",
		      bad_cases[_i].args, out);
}
END_TEST

START_TEST(test_version_and_check)
{
	char out[8192], args[256];

	ck_assert_int_eq(run("-V", out, sizeof(out)), 0);
	ck_assert_msg(strncmp(out, "dmarcguard ", 11) == 0, "%s", out);
	snprintf(args, sizeof(args), "-n -c %s", conf_path);
	ck_assert_int_eq(run(args, out, sizeof(out)), 0);
	ck_assert_int_eq(run("-n -c /nonexistent.conf", out, sizeof(out)), 1);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("offline");
	TCase *tc = tcase_create("offline");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_verdicts, 0, TEST_ROWS(cases));
	tcase_add_loop_test(tc, test_org_domain_method, 0, TEST_ROWS(method_cases));
	tcase_add_loop_test(tc, test_lookalike, 0, TEST_ROWS(lookalikes));
	tcase_add_loop_test(tc, test_bad_arguments, 0, TEST_ROWS(bad_cases));
	tcase_add_test(tc, test_version_and_check);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
