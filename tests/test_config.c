/*
 * test_config - the configuration file and its values: embedded defaults,
 * every value type, errors that name file and line, files that are not
 * regular or have endless lines, and the sample conf/dmarcguard.conf and
 * the man page kept in step with the key table. The list keys, operator
 * files and the objects built from them are in test_config_lists.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "config.h"
#include "test_conf.h"
#include "test_main.h"
#include "test_paths.h"

START_TEST(test_embedded_defaults)
{
	char error[512] = "";
	struct config *c = config_load(NULL, error, sizeof(error));

	ck_assert_msg(c != NULL, "%s", error);
	ck_assert_str_eq(c->socket, "local:/run/dmarcguard/dmarcguard.sock");
	ck_assert_str_eq(c->source, "(embedded defaults)");
	ck_assert_int_eq(c->syslog, 1);
	ck_assert_int_eq(c->syslog_facility, LOG_MAIL);
	ck_assert_uint_eq(c->dns_timeout_ms, 3000);
	ck_assert_uint_eq(c->max_signatures, 10);
	ck_assert_uint_eq(c->socket_mode, 0660);
	ck_assert_int_eq(c->policy.fail_floor, ACTION_QUARANTINE);
	ck_assert_int_eq(c->policy.malformed_from, ACTION_REJECT);
	ck_assert_int_eq(c->policy.temperror, ACTION_TEMPFAIL);
	ck_assert_int_eq(c->policy.no_policy, ACTION_ACCEPT);
	ck_assert_int_eq(c->policy.dry_run, 0);
	ck_assert_int_eq(netlist_match(c->policy.trusted_networks, "127.0.0.1"), 1);
	ck_assert_int_eq(netlist_match(c->policy.trusted_networks, "::1"), 1);
	ck_assert_int_eq(netlist_match(c->policy.trusted_networks, "192.0.2.1"), 0);
	ck_assert_ptr_nonnull(c->authserv_id);
	ck_assert_str_ne(c->authserv_id, "HOSTNAME");
	ck_assert_str_eq(c->nameservers, "");
	ck_assert_ptr_null(c->policy.domain_rules);
	config_unref(&c);
	ck_assert_ptr_null(c);
}
END_TEST

START_TEST(test_minimal_file)
{
	char error[512] = "";
	struct config *c = config_load(test_conf_write("Socket inet:8891@127.0.0.1\n"
						  "AuthservID mx.example.org\n"), error, sizeof(error));

	ck_assert_msg(c != NULL, "%s", error);
	ck_assert_str_eq(c->socket, "inet:8891@127.0.0.1");
	ck_assert_str_eq(c->authserv_id, "mx.example.org");
	ck_assert_uint_eq(c->dns_timeout_ms, 3000);
	ck_assert_int_eq(c->org_domain_method, DMARC_METHOD_TREEWALK);	/* RFC 9989 */
	unlink(test_conf_path());
	config_unref(&c);
}
END_TEST

START_TEST(test_all_types)
{
	char error[512] = "";
	struct config *c = config_load(test_conf_write(
		"# a comment\n"
		"  socket   unix:/run/x.sock   # trailing comment\n"
		"SocketMode 0600\n"
		"MetricsSocket inet6:9464@::1\n"
		"Syslog no\n"
		"SyslogFacility local3\n"
		"DNSTimeout 1500ms\n"
		"Nameservers 127.0.0.1@5353, ::1\n"
		"FailFloor reject\n"
		"TempErrorAction accept\n"
		"TrustedNetworks 10.0.0.0/8\n"
		"TrustedNetworks 192.0.2.0/24\n"
		"AllowFromDomains partner.example .lists.example\n"
		"DryRun yes\n"
		"OrgDomainMethod PSL\n"
		"RejectText Go away: %{domain}#1 # a comment\n"), error, sizeof(error));

	ck_assert_msg(c != NULL, "%s", error);
	ck_assert_str_eq(c->socket, "unix:/run/x.sock");
	ck_assert_uint_eq(c->socket_mode, 0600);
	ck_assert_str_eq(c->metrics_socket, "inet6:9464@::1");
	ck_assert_int_eq(c->syslog, 0);
	ck_assert_int_eq(c->syslog_facility, LOG_LOCAL3);
	ck_assert_uint_eq(c->dns_timeout_ms, 1500);
	ck_assert_str_eq(c->nameservers, "127.0.0.1@5353, ::1");
	ck_assert_int_eq(c->policy.fail_floor, ACTION_REJECT);
	ck_assert_int_eq(c->policy.temperror, ACTION_ACCEPT);
	/* the file's first TrustedNetworks replaces the default, the second adds */
	ck_assert_int_eq(netlist_match(c->policy.trusted_networks, "127.0.0.1"), 0);
	ck_assert_int_eq(netlist_match(c->policy.trusted_networks, "10.1.2.3"), 1);
	ck_assert_int_eq(netlist_match(c->policy.trusted_networks, "192.0.2.9"), 1);
	ck_assert_int_eq(domain_set_match(c->policy.allow_from_domains, "a.lists.example"), 1);
	ck_assert_int_eq(c->policy.dry_run, 1);
	ck_assert_int_eq(c->org_domain_method, DMARC_METHOD_PSL);
	ck_assert_str_eq(c->reject_text, "Go away: %{domain}#1");
	unlink(test_conf_path());
	config_unref(&c);
}
END_TEST

/* Each bad file must be refused with this "line: reason" fragment. */
static const struct {
	const char *text;
	const char *want;
} bad_cases[] = {
	{ "Sokcet local:/x\n", ":1: unknown key \"Sokcet\"" },
	{ "\n\nDryRun maybe\n", ":3: DryRun takes yes or no" },
	{ "Socket /run/x.sock\n", ":1: socket must start with" },
	{ "Socket local:run/x.sock\n", ":1: a unix socket needs an absolute path" },
	{ "Socket inet:99999@127.0.0.1\n", ":1: socket port must be" },
	{ "Socket inet:25@\n", ":1: inet socket host is empty" },
	{ "MetricsSocket inet:9464\n", ":1: MetricsSocket needs PORT@ADDRESS" },
	{ "MetricsSocket inet:9464@localhost\n", ":1: MetricsSocket address must be an IPv4" },
	{ "MetricsSocket http://127.0.0.1:9464/\n", ":1: MetricsSocket must be empty or start" },
	{ "DNSTimeout 0\n", ":1: DNSTimeout must be a duration" },
	{ "DNSTimeout 5 minutes\n", ":1: DNSTimeout must be a duration" },
	{ "MaxSignatures 1000\n", ":1: MaxSignatures must be a number from 1 to 100" },
	{ "MaxSignatures -1\n", ":1: MaxSignatures must be a number" },
	{ "SocketMode 0999\n", ":1: SocketMode must be an octal mode" },
	{ "SyslogFacility kern\n", ":1: SyslogFacility: unknown syslog facility" },
	{ "Nameservers dns.example.com\n", ":1: Nameservers: nameserver must be an IPv4" },
	{ "FailFloor tempfail\n", ":1: FailFloor takes accept, quarantine or reject" },
	{ "TempErrorAction quarantine\n", ":1: TempErrorAction takes tempfail or accept" },
	{ "OrgDomainMethod dns\n", ":1: OrgDomainMethod takes treewalk or psl" },
	{ "OrgDomainMethod tree walk\n", ":1: OrgDomainMethod takes treewalk or psl" },
	{ "TrustedNetworks 10.0.0.1/8\n", ":1: TrustedNetworks: address has bits set" },
	{ "AllowFromDomains a..b\n", ":1: AllowFromDomains: empty label" },
	{ "PidFile run/x.pid\n", ":1: PidFile must be an absolute path" },
	{ "DomainRulesFile /nonexistent/rules\n", ":1: /nonexistent/rules: No such file" },
	/* only regular files are read (issue 19): no endless read, no silent empty set */
	{ "DomainRulesFile /tmp\n", ":1: /tmp: a directory, not a regular file" },
	{ "DomainRulesFile /dev/zero\n", ":1: /dev/zero: a character device, not a regular file" },
	{ "DomainRulesFile /dev/null\n", ":1: /dev/null: a character device, not a regular file" },
	{ "TrustedForwardersFile /nonexistent/fwd\n", ":1: /nonexistent/fwd: No such file" },
	{ "TrustedForwardersFile fwd\n", ":1: TrustedForwardersFile must be an absolute path" },
	{ "TrustedForwarders lists..example\n", ":1: TrustedForwarders: empty label" },
	{ "AuthservID two words\n", ":1: AuthservID must be one token" },
	{ "AuthservID mx\x01.example\n", ":1: AuthservID must be one token" },
	{ "AuthservID mx.ex\xc3\xa4mple\n", ":1: AuthservID must be one token" },
	{ "DryRun yes\nDryRun no\n", ":2: DryRun given again (first at line 1)" },
	{ "DryRun\n", ":1: DryRun needs a value" },
	{ "FailFloor\n", ":1: FailFloor needs a value" },
	{ "ReportStore /var/lib/reports.db\n", ":1: ReportStore: report store: expected scheme:location" },
	{ "ReportStore mysql:db\n", ":1: ReportStore: report store: unknown scheme" },
	{ "ReportStore sqlite:\n", ":1: ReportStore: report store: no location" },
	{ "ReportQueueSize 8\n", ":1: ReportQueueSize must be a number from 16 to 1000000" },
	{ "LookalikeAction tempfail\n", ":1: LookalikeAction takes accept, quarantine or reject" },
	{ "ProtectedDomainsFile domains.txt\n", ":1: ProtectedDomainsFile must be an absolute path" },
	{ "ProtectedDomainsFile /nonexistent/domains\n", ":1: /nonexistent/domains: No such file or directory" },
	{ "ProtectedDomainsFile /dev/zero\n", ":1: /dev/zero: a character device, not a regular file" },
	{ "ProtectRecipientDomains sometimes\n", ":1: ProtectRecipientDomains takes yes or no" },
};

START_TEST(test_bad_files)
{
	char error[512] = "", want[600];
	const char *p = test_conf_write(bad_cases[_i].text);
	struct config *c = config_load(p, error, sizeof(error));

	ck_assert_msg(c == NULL, "accepted: %s", bad_cases[_i].text);
	snprintf(want, sizeof(want), "%s%s", p, bad_cases[_i].want);
	ck_assert_msg(strncmp(error, want, strlen(want)) == 0, "got \"%s\", want \"%s...\"",
		      error, want);
	unlink(p);
}
END_TEST

/* A NUL byte never hides the rest of its line (found by fuzz_config). */
static const char nul_hides_key[] = "DryRun no\nSyslog yes\0 Sokcet x\n";
static const char nul_alone[] = "DryRun no\nSyslog yes\0\nSocket unix:/x\n";

START_TEST(test_nul_byte)
{
	const char *text = _i == 0 ? nul_hides_key : nul_alone;
	size_t len = _i == 0 ? sizeof(nul_hides_key) - 1 : sizeof(nul_alone) - 1;
	char error[512] = "", want[600];
	const char *p = test_conf_write_n(text, len);

	ck_assert_ptr_null(config_load(p, error, sizeof(error)));
	snprintf(want, sizeof(want), "%s:2: NUL byte in line", p);
	ck_assert_str_eq(error, want);
	unlink(p);
}
END_TEST

/* The configuration file itself must be a regular file; a FIFO is refused
 * without waiting for a writer, a device without reading it (issue 19). */
static const struct {
	const char *path;	/* NULL: a FIFO made by the test */
	const char *want;
} not_regular_cases[] = {
	{ "/dev/zero", ": a character device, not a regular file" },
	{ "/dev/null", ": a character device, not a regular file" },
	{ "/tmp", ": a directory, not a regular file" },
	{ NULL, ": a FIFO, not a regular file" },
};

START_TEST(test_not_regular)
{
	char error[512] = "", fifo[64] = "/tmp/dmarcguard-fifo-XXXXXX", want[600];
	const char *p = not_regular_cases[_i].path;

	if (p == NULL) {
		ck_assert_ptr_nonnull(mkdtemp(fifo));
		strcat(fifo, "/conf");
		ck_assert_int_eq(mkfifo(fifo, 0600), 0);
		p = fifo;
	}
	ck_assert_ptr_null(config_load(p, error, sizeof(error)));
	snprintf(want, sizeof(want), "%s%s", p, not_regular_cases[_i].want);
	ck_assert_str_eq(error, want);
	if (p == fifo) {
		unlink(fifo);
		*strrchr(fifo, '/') = '\0';
		rmdir(fifo);
	}
}
END_TEST

/*
 * limit_address_space - this test process may take 128 MB more than it
 * has, so that a reader holding a whole 1 GB line fails (not under ASan,
 * whose shadow memory is terabytes of address space).
 */
static void
limit_address_space(void)
{
#ifndef __SANITIZE_ADDRESS__
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmSize: %ld kB", &kb) == 1)
			break;
	if (f != NULL)
		fclose(f);
	if (kb > 0) {
		struct rlimit rl = { .rlim_cur = ((rlim_t)kb << 10) + (128 << 20) };

		rl.rlim_max = rl.rlim_cur;
		ck_assert_int_eq(setrlimit(RLIMIT_AS, &rl), 0);
	}
#endif
}

/*
 * A long line is refused where it passes the limit, without reading the
 * rest: here a line that goes on for 1 GB (a sparse file, no disk used),
 * in the configuration and in a rules file (issue 19).
 */
START_TEST(test_long_line_not_read_whole)
{
	char error[512] = "", want[600], rules[64], conf[128], text[6000];
	const char *p;
	int fd;

	memset(text, 'a', sizeof(text));
	memcpy(text, "AllowFromDomains ", 17);
	p = test_conf_write_n(text, sizeof(text));
	ck_assert_int_eq(truncate(p, 1L << 30), 0);
	limit_address_space();
	ck_assert_ptr_null(config_load(p, error, sizeof(error)));
	snprintf(want, sizeof(want), "%s:1: line longer than 4096 characters", p);
	ck_assert_str_eq(error, want);
	unlink(p);

	strcpy(rules, "/tmp/dmarcguard-rules-XXXXXX");
	fd = mkstemp(rules);
	ck_assert_int_eq(write(fd, "protect ", 8), 8);
	ck_assert_int_eq(write(fd, text, 1100), 1100);
	ck_assert_int_eq(ftruncate(fd, 1L << 30), 0);
	close(fd);
	snprintf(conf, sizeof(conf), "DomainRulesFile %s\n", rules);
	p = test_conf_write(conf);
	ck_assert_ptr_null(config_load(p, error, sizeof(error)));
	snprintf(want, sizeof(want), "%s:1: %s:1: line longer than 1023 characters", p, rules);
	ck_assert_str_eq(error, want);
	unlink(p);
	unlink(rules);
}
END_TEST

START_TEST(test_unreadable_file)
{
	char error[512] = "";

	ck_assert_ptr_null(config_load("/nonexistent/dmarcguard.conf", error, sizeof(error)));
	ck_assert_str_eq(error, "/nonexistent/dmarcguard.conf: No such file or directory");
}
END_TEST

START_TEST(test_sample_in_step_with_table)
{
	char sample_path[512], error[512] = "";
	char *want = NULL, *have;
	size_t want_len = 0, have_len;
	FILE *mem = open_memstream(&want, &want_len), *f;
	struct config *c;

	config_write_sample(mem);
	fclose(mem);
	snprintf(sample_path, sizeof(sample_path), "%s/../conf/dmarcguard.conf", test_source_dir());
	f = fopen(sample_path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", sample_path);
	have = calloc(1, want_len + 65536);
	have_len = fread(have, 1, want_len + 65535, f);
	fclose(f);
	ck_assert_msg(have_len == want_len && memcmp(have, want, want_len) == 0,
		      "conf/dmarcguard.conf is out of step with the key table; regenerate it "
		      "with: dmarcguard --sample-config > conf/dmarcguard.conf");
	/* and it loads: everything commented, so the defaults */
	c = config_load(sample_path, error, sizeof(error));
	ck_assert_msg(c != NULL, "%s", error);
	config_unref(&c);
	free(want);
	free(have);
}
END_TEST

/* every key is described in the man page, as \fBKey\fR at the start of a .TP item */
START_TEST(test_man_page_lists_every_key)
{
	char man_path[512], want[128], *text;
	size_t n;
	FILE *f;

	snprintf(man_path, sizeof(man_path), "%s/../docs/dmarcguard.conf.5", test_source_dir());
	f = fopen(man_path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", man_path);
	text = calloc(1, 1 << 20);
	n = fread(text, 1, (1 << 20) - 1, f);
	fclose(f);
	text[n] = '\0';
	for (size_t i = 0; i < config_key_count(); i++) {
		snprintf(want, sizeof(want), ".TP\n\\fB%s\\fR", config_key_name(i));
		ck_assert_msg(strstr(text, want) != NULL, "dmarcguard.conf(5) lacks %s",
			      config_key_name(i));
	}
	free(text);
}
END_TEST

START_TEST(test_every_default_is_valid_and_helped)
{
	for (size_t i = 0; i < config_key_count(); i++) {
		ck_assert_ptr_nonnull(config_key_default(i));
		ck_assert_msg(strlen(config_key_help(i)) > 10, "%s lacks help", config_key_name(i));
	}
	ck_assert_ptr_null(config_key_name(config_key_count()));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_embedded_defaults);
	tcase_add_test(tc, test_minimal_file);
	tcase_add_test(tc, test_all_types);
	tcase_add_loop_test(tc, test_bad_files, 0, TEST_ROWS(bad_cases));
	tcase_add_loop_test(tc, test_nul_byte, 0, 2);
	tcase_add_test(tc, test_unreadable_file);
	tcase_add_loop_test(tc, test_not_regular, 0, TEST_ROWS(not_regular_cases));
	tcase_add_test(tc, test_long_line_not_read_whole);
	tcase_add_test(tc, test_sample_in_step_with_table);
	tcase_add_test(tc, test_every_default_is_valid_and_helped);
	tcase_add_test(tc, test_man_page_lists_every_key);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
