/*
 * test_config_lists - the list keys and what is built from them: lists
 * given on many lines, config_print of long lists, the operator files
 * (DomainRulesFile, TrustedForwardersFile, ProtectedDomainsFile) with
 * errors naming their lines, and the objects a snapshot builds and owns
 * (the Public Suffix List, the look-alike set), whose errors name the
 * key's file and line.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "lookalike_set.h"
#include "runtime.h"
#include "test_conf.h"
#include "test_main.h"

/* key_lines tells a file that sets nothing (empty, comments) from one that does */
static const struct {
	const char *text;
	unsigned want;
} key_lines_cases[] = {
	{ "", 0 },
	{ "\n\n", 0 },
	{ "# only a comment\n   # and another\n", 0 },
	{ "DryRun yes", 1 },
	{ "# comment\nDryRun yes\n", 1 },
	{ "TrustedNetworks 10.0.0.0/8\nTrustedNetworks ::1\nSyslog no\n", 3 },
};

START_TEST(test_key_lines)
{
	char error[512] = "";
	struct config *c = config_load(test_conf_write(key_lines_cases[_i].text), error, sizeof(error));

	ck_assert_msg(c != NULL, "%s", error);
	ck_assert_uint_eq(c->key_lines, key_lines_cases[_i].want);
	unlink(test_conf_path());
	config_unref(&c);
}
END_TEST

/* a list key given on many lines keeps all its text, in order */
START_TEST(test_list_raw_text)
{
	char error[512] = "", want[64];
	struct config *c = config_load(test_conf_write("AllowFromDomains a.example\n"
						  "AllowFromDomains b.example c.example\n"
						  "AllowFromDomains d.example\n"), error, sizeof(error));
	size_t k;

	ck_assert_msg(c != NULL, "%s", error);
	for (k = 0; k < config_key_count(); k++)
		if (strcmp(config_key_name(k), "AllowFromDomains") == 0)
			break;
	snprintf(want, sizeof(want), "a.example b.example c.example d.example");
	ck_assert_str_eq(c->raw[k], want);
	ck_assert_uint_eq(domain_set_count(c->policy.allow_from_domains), 4);
	unlink(test_conf_path());
	config_unref(&c);
}
END_TEST

/* config_print of a list given on thousands of lines loads again (found by fuzz_config) */
START_TEST(test_print_reloads)
{
	char error[512] = "", *text = NULL, *printed = NULL, *again = NULL, printed_path[64];
	size_t len = 0, printed_len = 0, again_len = 0;
	FILE *f = open_memstream(&text, &len);
	struct config *c, *d;
	int fd;

	for (int i = 0; i < 3000; i++)
		fprintf(f, "AllowFromDomains d%d.example .d%d.example\nTrustedNetworks 10.%d.%d.0/24\n",
			i, i, i / 256, i % 256);
	fclose(f);
	c = config_load(test_conf_write(text), error, sizeof(error));
	ck_assert_msg(c != NULL, "%s", error);
	unlink(test_conf_path());
	f = open_memstream(&printed, &printed_len);
	config_print(c, f);
	fclose(f);
	strcpy(printed_path, "/tmp/dmarcguard-printed-XXXXXX");
	fd = mkstemp(printed_path);
	ck_assert_int_eq(write(fd, printed, printed_len), (ssize_t)printed_len);
	close(fd);
	d = config_load(printed_path, error, sizeof(error));
	ck_assert_msg(d != NULL, "config_print output refused: %s", error);
	unlink(printed_path);
	ck_assert_uint_eq(domain_set_count(d->policy.allow_from_domains), 6000);
	ck_assert_uint_eq(netlist_count(d->policy.trusted_networks), 3000);
	f = open_memstream(&again, &again_len);
	config_print(d, f);
	fclose(f);
	/* the same text but for the first line, which names the source */
	ck_assert_str_eq(strchr(again, '\n'), strchr(printed, '\n'));
	config_unref(&c);
	config_unref(&d);
	free(text);
	free(printed);
	free(again);
}
END_TEST

START_TEST(test_rules_file_error_names_its_line)
{
	char error[512] = "", rules[64], conf[256];
	int fd;

	strcpy(rules, "/tmp/dmarcguard-rules-XXXXXX");
	fd = mkstemp(rules);
	ck_assert_int_eq(write(fd, "protect a.example\nprotekt b.example\n", 36), 36);
	close(fd);
	snprintf(conf, sizeof(conf), "\nDomainRulesFile %s\n", rules);
	ck_assert_ptr_null(config_load(test_conf_write(conf), error, sizeof(error)));
	ck_assert_msg(strstr(error, ":2: rule must start with") != NULL, "%s", error);
	unlink(test_conf_path());
	unlink(rules);
}
END_TEST

/* TrustedForwardersFile: domains loaded (comments, commas, several a line), a bad one named by line */
START_TEST(test_forwarders_file)
{
	static const char good[] = "# lists we read\nlists.example.org, fwd.example\n\n"
				   "googlegroups.com # Google Groups\n";
	static const char bad[] = "lists.example.org\nbad..name\n";
	char error[512] = "", file[64], conf[256];
	struct config *c;
	int fd;

	strcpy(file, "/tmp/dmarcguard-fwd-XXXXXX");
	fd = mkstemp(file);
	ck_assert_int_eq(write(fd, good, sizeof(good) - 1), (int)sizeof(good) - 1);
	close(fd);
	snprintf(conf, sizeof(conf), "TrustedForwarders other.example\nTrustedForwardersFile %s\n",
		 file);
	c = config_load(test_conf_write(conf), error, sizeof(error));
	ck_assert_msg(c != NULL, "%s", error);
	ck_assert_uint_eq(domain_set_count(c->policy.trusted_forwarders_file), 3);
	ck_assert(domain_set_match(c->policy.trusted_forwarders_file, "googlegroups.com"));
	ck_assert(!domain_set_match(c->policy.trusted_forwarders_file, "other.example"));
	ck_assert(domain_set_match(c->policy.trusted_forwarders, "other.example"));
	config_unref(&c);
	unlink(test_conf_path());
	fd = open(file, O_WRONLY | O_TRUNC);
	ck_assert_int_eq(write(fd, bad, sizeof(bad) - 1), (int)sizeof(bad) - 1);
	close(fd);
	ck_assert_ptr_null(config_load(test_conf_write(conf), error, sizeof(error)));
	ck_assert_msg(strstr(error, ":2: ") != NULL && strstr(error, file) != NULL, "%s", error);
	unlink(test_conf_path());
	unlink(file);
}
END_TEST

/* the look-alike keys: defaults, lists that add up, the file, the action */
START_TEST(test_lookalike_keys)
{
	char error[512] = "", conf[512], names[] = "/tmp/dmarcguard-names-XXXXXX";
	struct config *c = config_load(NULL, error, sizeof(error));
	int fd;

	ck_assert_msg(c != NULL, "%s", error);
	ck_assert_str_eq(c->protected_domains, "");
	ck_assert_ptr_null(c->protected_domains_file_text);
	ck_assert_int_eq(c->protect_recipient_domains, 1);
	ck_assert_int_eq(c->policy.lookalike, ACTION_QUARANTINE);
	config_unref(&c);

	fd = mkstemp(names);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "# ours\nministry.gov.uk, b\xd0\xb0nk.test\n", 35), 35);
	close(fd);
	snprintf(conf, sizeof(conf), "ProtectedDomains bank.example\n"
		 "ProtectedDomains gov.example paypal.com\n"
		 "ProtectedDomainsFile %s\n"
		 "ProtectRecipientDomains no\n"
		 "LookalikeAllow banks.example\n"
		 "LookalikeAction reject\n", names);
	c = config_load(test_conf_write(conf), error, sizeof(error));
	ck_assert_msg(c != NULL, "%s", error);
	ck_assert_str_eq(c->protected_domains, "bank.example gov.example paypal.com");
	ck_assert_str_eq(c->protected_domains_file_text, "# ours\nministry.gov.uk, b\xd0\xb0nk.test\n");
	ck_assert_int_eq(c->protect_recipient_domains, 0);
	ck_assert_str_eq(c->lookalike_allow, "banks.example");
	ck_assert_int_eq(c->policy.lookalike, ACTION_REJECT);
	config_unref(&c);
	unlink(test_conf_path());

	/* a bad name in the file is named with the file */
	fd = open(names, O_WRONLY | O_TRUNC);
	ck_assert_int_eq(write(fd, "ok.example\ncom\n", 15), 15);
	close(fd);
	c = config_load(test_conf_write(conf), error, sizeof(error));
	ck_assert_ptr_null(c);
	ck_assert_msg(strstr(error, ": ProtectedDomainsFile: com: no-registrable-domain") != NULL
		      && strstr(error, names) == error, "%s", error);
	unlink(test_conf_path());
	unlink(names);
}
END_TEST

/*
 * The objects a snapshot builds (config_objects.h): a file that sets the
 * key refuses with this "file:line: Key: reason" fragment, a default with
 * "file: Key: reason".
 */
static const struct {
	const char *text;
	const char *want;
} object_cases[] = {
	{ "ProtectedDomains bank.example co.uk\n", ":1: ProtectedDomains: co.uk: no-registrable-domain" },
	{ "ProtectedDomains xn--zz.example\n", ":1: ProtectedDomains: xn--zz.example: invalid-a-label" },
	{ "LookalikeAllow bank..example\n", ":1: LookalikeAllow: bank..example: no-registrable-domain" },
	{ "DryRun no\n\nProtectedDomains bank.example\nLookalikeAllow com\n",
	  ":4: LookalikeAllow: com: no-registrable-domain" },
	{ "# a list on two lines: the first one is named\nProtectedDomains a.example\n"
	  "ProtectedDomains co.uk\n", ":2: ProtectedDomains: co.uk: no-registrable-domain" },
	/* the Public Suffix List is loaded when the file is (issue 19: regular files only) */
	{ "PublicSuffixList /dev/zero\n",
	  ":1: PublicSuffixList: /dev/zero: a character device, not a regular file" },
	{ "DryRun no\nPublicSuffixList /usr/share/publicsuffix\n",
	  ":2: PublicSuffixList: /usr/share/publicsuffix: a directory, not a regular file" },
	{ "PublicSuffixList /nonexistent/psl.dat\n",
	  ":1: PublicSuffixList: /nonexistent/psl.dat: No such file or directory" },
};

START_TEST(test_object_errors)
{
	char error[512] = "", want[600];
	const char *p = test_conf_write(object_cases[_i].text);
	struct config *c = config_load(p, error, sizeof(error));

	ck_assert_msg(c == NULL, "accepted: %s", object_cases[_i].text);
	snprintf(want, sizeof(want), "%s%s", p, object_cases[_i].want);
	ck_assert_msg(strncmp(error, want, strlen(want)) == 0, "got \"%s\", want \"%s...\"",
		      error, want);
	unlink(p);
}
END_TEST

/*
 * The snapshot owns the list and the set, and the engine built from it
 * borrows them: the list is loaded and the set precomputed once per
 * configuration, not again by the engine.
 */
START_TEST(test_engine_borrows_objects)
{
	char error[512] = "";
	const char *why = NULL;
	struct config *c = config_load(test_conf_write("PublicSuffixList\n"
						       "ProtectedDomains bank.example paypal.com\n"),
				       error, sizeof(error));
	struct runtime *rt;

	unlink(test_conf_path());
	ck_assert_msg(c != NULL, "%s", error);
	ck_assert_ptr_nonnull(c->orgdomain);
	ck_assert_ptr_nonnull(c->lookalike);
	ck_assert_uint_eq(lookalike_set_count(c->lookalike), 2);
	rt = runtime_new(config_ref(c), NULL, &why);
	ck_assert_msg(rt != NULL, "runtime_new: %s", why ? why : "?");
	ck_assert_ptr_eq(engine_orgdomain(rt->engine), c->orgdomain);
	ck_assert_ptr_eq(engine_lookalike(rt->engine), c->lookalike);
	config_unref(&c);
	/* the runtime's reference keeps them alive after ours is gone */
	ck_assert_uint_eq(lookalike_set_count(engine_lookalike(rt->engine)), 2);
	runtime_unref(&rt);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("config_lists");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_key_lines, 0, TEST_ROWS(key_lines_cases));
	tcase_add_test(tc, test_list_raw_text);
	tcase_add_test(tc, test_print_reloads);
	tcase_add_test(tc, test_rules_file_error_names_its_line);
	tcase_add_test(tc, test_forwarders_file);
	tcase_add_test(tc, test_lookalike_keys);
	tcase_add_loop_test(tc, test_object_errors, 0, TEST_ROWS(object_cases));
	tcase_add_test(tc, test_engine_borrows_objects);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
