/*
 * test_alerts_cli - the dmarcguard-alerts executable: exit status 0 with
 * the report (text and --json, from a file, a .gz or standard input) and
 * 2 with a clear message for bad arguments and unreadable files; the
 * forwarded overrides by forwarder with their --forwarder and --reason
 * filters; and
 * --follow on a growing file through a partial line, logrotate's rename
 * and create, copytruncate, and a clean stop on SIGTERM.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test_main.h"

#define LINE(from, action) \
	"Nov 22 04:37:55 mx1 dmarcguard[7]: v=1 qid=Q ip=203.0.113.66 client=unknown " \
	"helo=mx.attacker.example mfrom=attacker.example from=" from " spf=none " \
	"spf_domain=attacker.example spf_id=mailfrom dkim=none dmarc=fail policy_domain=" from \
	" p=none sp=none pct=100 published=none action=" action \
	" reason=dmarc-fail-local-floor override=yes\n"

static const char sample[] =
	LINE("none.example", "quarantine") LINE("none.example", "quarantine")
	LINE("other.example", "reject")
	"Nov 22 04:37:56 mx1 postfix/smtpd[1]: connect from unknown[203.0.113.66]\n"
	"Nov 22 04:37:57 mx1 dmarcguard[7]: v=1 qid=Q ip=1 client=\"cut\n";

/* forwarded overrides (and a look-alike): from, action, reason, p, the optional fields */
#define FWD(from, action, reason, p, extra) \
	"Nov 22 05:10:00 mx1 dmarcguard[7]: v=1 qid=Q ip=198.51.100.20 client=unknown " \
	"helo=mx.lists.example mfrom=lists.example from=" from " spf=pass " \
	"spf_domain=lists.example spf_id=mailfrom dkim=lists.example:pass dmarc=fail " \
	"policy_domain=" from " p=" p " sp=" p " pct=100 published=" p " action=" action \
	" reason=" reason " override=no" extra "\n"

static const char forwarded[] =
	FWD("none.example", "accept", "forwarded-arc", "none",
	    " arc=pass arc_sealer=lists.example arc_instance=1")
	FWD("reject.example", "accept", "forwarded-arc", "reject",
	    " arc=pass arc_sealer=Lists.Example arc_instance=2")
	FWD("none.example", "accept", "forwarded-trusted", "none",
	    " arc=fail forwarder=lists.example")
	FWD("quarantine.example", "quarantine", "published-quarantine", "quarantine",
	    " exempt=forwarded-trusted forwarder=fwd.example")
	FWD("none.example", "quarantine", "dmarc-fail-local-floor", "none", " arc=pass")
	FWD("banc.example", "reject", "published-reject", "reject",
	    " lookalike=typo lookalike_of=Bank.Example");

static char dir[64], log_path[128];

static void
setup(void)
{
	char cmd[512];
	FILE *f;

	strcpy(dir, "/tmp/alerts-cli-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(log_path, sizeof(log_path), "%s/mail.log", dir);
	f = fopen(log_path, "w");
	fputs(sample, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "gzip -c %s > %s/mail.log.2.gz", log_path, dir);
	ck_assert_int_eq(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "%s/forward.log", dir);
	f = fopen(cmd, "w");
	fputs(forwarded, f);
	fclose(f);
}

static void
teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* squeeze - runs of spaces to one, so expectations need not know widths */
static void
squeeze(char *s)
{
	char *w = s;

	for (char *r = s; *r != '\0'; r++)
		if (!(*r == ' ' && w > s && w[-1] == ' '))
			*w++ = *r;
	*w = '\0';
}

/* run - the tool with args in dir; stdout and stderr into out; exit status */
static int
run(const char *args, char *out, size_t size)
{
	char cmd[1024];
	size_t n;
	FILE *p;
	int status;

	snprintf(cmd, sizeof(cmd), "cd %s && TZ=UTC %s %s 2>&1", dir, ALERTS_TOOL, args);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	n = fread(out, 1, size - 1, p);
	out[n] = '\0';
	squeeze(out);
	status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static const struct {
	const char *args;
	int want_status;
	const char *want[3];	/* pieces of the output */
} cases[] = {
	{ "--help", 0, { "usage: dmarcguard-alerts", "--follow", "Exit status" } },
	{ "mail.log", 0, { "alerts in this report 3", "malformed alert lines 1",
	  "none.example" } },
	{ "mail.log.2.gz mail.log", 0, { "2 sources", "alerts in this report 6",
	  "mail.log.2.gz:5: unterminated" } },
	{ "< mail.log", 0, { "(stdin):5:", "lines of other programs 1", NULL } },
	{ "- < mail.log", 0, { "1 source,", "(stdin):5:", NULL } },
	{ "--top 1 mail.log", 0, { "Top spoofed From domains (dmarc=fail): 1 of 2", NULL } },
	{ "--action reject mail.log", 0, { "alerts in this report 1",
	  "alerts left out by the filters 2", "other.example" } },
	{ "--domain none.example mail.log", 0, { "Alerts for none.example: 2",
	  "2026-11-22 04:00 ####", "override" } },
	{ "--client 203.0.113.0/24 --since 2026-01-01 mail.log", 0,
	  { "alerts in this report 3", NULL } },
	{ "--json mail.log", 0, { "\"top_domains\": [", "\"domain\": \"none.example\"",
	  "\"error\": \"unterminated quoted value (truncated line?)\"" } },
	{ "--json --domain none.example mail.log", 0, { "\"hourly\": [",
	  "\"hour\": \"2026-11-22T04:00:00+00:00\"", "\"would\": null" } },
	{ "forward.log", 0, { "Forwarded overrides by forwarder (arc_sealer, forwarder): 2 of 2",
	  "\n lists.example 3 2 1 3 2 2026-11-22 05:10:00 2026-11-22 05:10:00\n",
	  "\n fwd.example 1 0 1 0 1 2026-11-22" } },
	{ "--top 1 forward.log", 0, { "(arc_sealer, forwarder): 1 of 2", NULL } },
	{ "forward.log", 0, { "Look-alike senders by protected domain (lookalike_of): 1 of 1",
	  "\n PROTECTED DOMAIN ALERTS FROM DOMAINS FIRST SEEN LAST SEEN\n"
	  " bank.example 1 1 2026-11-22 05:10:00 2026-11-22 05:10:00\n",
	  "\n FORWARDER ALERTS ARC TRUSTED ACCEPTED FROM DOMAINS FIRST SEEN LAST SEEN\n" } },
	{ "--forwarder LISTS.example forward.log", 0, { "alerts in this report 3",
	  "alerts left out by the filters 3", "Top spoofed From domains (dmarc=fail): 2 of 2" } },
	{ "--forwarder .example forward.log", 0, { "alerts in this report 4", NULL } },
	{ "--reason 'forwarded-*,published-quarantine' forward.log", 0,
	  { "alerts in this report 4", "alerts left out by the filters 2", NULL } },
	{ "--reason forwarded-arc --forwarder lists.example forward.log", 0,
	  { "alerts in this report 2", "\n lists.example 2 2 0 2 2 ", NULL } },
	{ "--json forward.log", 0, { "\"lookalikes\": [\n {\n \"protected_domain\": \"bank.example\",\n"
	  " \"alerts\": 1,\n \"from_domains\": 1,\n \"first_seen\": \"2026-11-22T05:10:00+00:00\"",
	  NULL } },
	{ "--json forward.log", 0, { "\"forwarders\": [", "\"forwarder\": \"lists.example\",\n"
	  " \"alerts\": 3,\n \"arc\": 2,\n \"trusted\": 1,\n \"accepted\": 3,\n \"from_domains\": 2",
	  "\"forwarder\": \"fwd.example\",\n \"alerts\": 1,\n \"arc\": 0,\n \"trusted\": 1" } },
	{ "--json --domain reject.example forward.log", 0, { "\"arc\": \"pass\"",
	  "\"arc_sealer\": \"Lists.Example\",\n \"arc_instance\": \"2\",\n \"forwarder\": null",
	  NULL } },
	{ "--forwarder . forward.log", 2, { "--forwarder: expected a domain name", NULL } },
	{ "--reason Forwarded-Arc forward.log", 2, { "--reason: expected a comma list", NULL } },
	{ "/nonexistent.log", 2, { "dmarcguard-alerts: /nonexistent.log: No such file", NULL } },
	{ "mail.log /nonexistent.log", 2, { "/nonexistent.log: No such file", NULL } },
	{ "--top 0 mail.log", 2, { "--top: expected a number", NULL } },
	{ "--top ten mail.log", 2, { "--top: expected a number", NULL } },
	{ "--since yesterday mail.log", 2, { "--since: expected", NULL } },
	{ "--since 2026-11-22 --until 2026-11-21 mail.log", 2, { "after --until", NULL } },
	{ "--action hold mail.log", 2, { "--action: expected accept", NULL } },
	{ "--client 10.0.0.0/40 mail.log", 2, { "--client: bad network prefix", NULL } },
	{ "--follow a.log b.log", 2, { "--follow: follows one file", NULL } },
	{ "--bogus", 2, { "unknown option", "usage:" } },
	{ "--top", 2, { "missing value", NULL } },
};

START_TEST(test_cli)
{
	char out[65536];
	int rc = run(cases[_i].args, out, sizeof(out));

	ck_assert_msg(rc == cases[_i].want_status, "%s: exit %d: %s", cases[_i].args, rc, out);
	for (int k = 0; k < 3 && cases[_i].want[k] != NULL; k++)
		ck_assert_msg(strstr(out, cases[_i].want[k]) != NULL, "%s: no \"%s\" in:\n%s",
			      cases[_i].args, cases[_i].want[k], out);
}
END_TEST

struct follower {
	pid_t pid;
	int out;
	char buf[16384];
	size_t len;
};

/* has_open - within 10 s, pid has path open (seen in /proc/PID/fd) */
static int
has_open(pid_t pid, const char *path)
{
	for (int tries = 0; tries < 200; tries++) {
		for (int fd = 0; fd < 16; fd++) {
			char link[64], target[256];
			ssize_t n;

			snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)pid, fd);
			n = readlink(link, target, sizeof(target) - 1);
			if (n > 0) {
				target[n] = '\0';
				if (strcmp(target, path) == 0)
					return 1;
			}
		}
		usleep(50 * 1000);
	}
	return 0;
}

static void
follower_start(struct follower *fw, const char *extra)
{
	int fds[2];

	ck_assert_int_eq(pipe(fds), 0);
	fw->len = 0;
	fw->pid = fork();
	ck_assert_int_ge(fw->pid, 0);
	if (fw->pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		setenv("TZ", "UTC", 1);
		if (extra != NULL)
			execl(ALERTS_TOOL, ALERTS_TOOL, "--follow", extra, log_path, (char *)NULL);
		else
			execl(ALERTS_TOOL, ALERTS_TOOL, "--follow", log_path, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	fw->out = fds[0];
	/* It starts at the end of the file: wait until it has the file open. */
	ck_assert_msg(has_open(fw->pid, log_path), "the follower never opened %s", log_path);
	usleep(200 * 1000);
}

/* wait_for - until text is in the output, for at most 5 s; 1 when seen */
static int
wait_for(struct follower *fw, const char *text)
{
	time_t deadline = time(NULL) + 5;

	for (;;) {
		struct pollfd pfd = { .fd = fw->out, .events = POLLIN };
		ssize_t n;

		fw->buf[fw->len] = '\0';
		if (strstr(fw->buf, text) != NULL)
			return 1;
		if (time(NULL) > deadline || poll(&pfd, 1, 200) < 0)
			return 0;
		if (pfd.revents == 0)
			continue;
		n = read(fw->out, fw->buf + fw->len, sizeof(fw->buf) - 1 - fw->len);
		if (n <= 0)
			return 0;
		fw->len += (size_t)n;
	}
}

static int
occurrences(const char *s, const char *text)
{
	int n = 0;

	while ((s = strstr(s, text)) != NULL) {
		n++;
		s++;
	}
	return n;
}

static void
append(const char *path, const char *text, const char *mode)
{
	FILE *f = fopen(path, mode);

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

START_TEST(test_follow)
{
	struct follower fw;
	char rotated[160];
	int status;
	static const char b_line[] = LINE("b.example", "reject");
	size_t half = sizeof(b_line) / 2;
	char first_half[sizeof(b_line)];

	follower_start(&fw, NULL);
	append(log_path, LINE("a.example", "quarantine"), "a");
	ck_assert_msg(wait_for(&fw, "a.example"), "no a.example in \"%s\"", fw.buf);
	ck_assert_msg(strstr(fw.buf, "none.example") == NULL, "old lines printed: %s", fw.buf);
	ck_assert_ptr_nonnull(strstr(fw.buf, "2026-11-22 04:37:55  quarantine  a.example"));
	ck_assert_ptr_nonnull(strstr(fw.buf, "dmarc-fail-local-floor  override=yes"));

	/* a line written in two pieces comes out once, whole */
	memcpy(first_half, b_line, half);
	first_half[half] = '\0';
	append(log_path, first_half, "a");
	usleep(700 * 1000);
	append(log_path, b_line + half, "a");
	ck_assert_msg(wait_for(&fw, "b.example"), "no b.example in \"%s\"", fw.buf);
	ck_assert_int_eq(occurrences(fw.buf, "b.example"), 1);

	/* logrotate: rename, the daemon still writes to the old file, then create */
	snprintf(rotated, sizeof(rotated), "%s.1", log_path);
	ck_assert_int_eq(rename(log_path, rotated), 0);
	append(rotated, LINE("c.example", "quarantine"), "a");
	usleep(400 * 1000);
	append(log_path, LINE("d.example", "quarantine"), "w");
	ck_assert_msg(wait_for(&fw, "d.example"), "no d.example in \"%s\"", fw.buf);
	ck_assert_msg(strstr(fw.buf, "c.example") != NULL, "c.example lost: %s", fw.buf);
	ck_assert(strstr(fw.buf, "c.example") < strstr(fw.buf, "d.example"));

	/* copytruncate: the same file starts again from nothing */
	usleep(400 * 1000);
	append(log_path, "", "w");
	usleep(400 * 1000);
	append(log_path, LINE("e.example", "reject"), "a");
	ck_assert_msg(wait_for(&fw, "e.example"), "no e.example in \"%s\"", fw.buf);

	kill(fw.pid, SIGTERM);
	ck_assert_int_eq(waitpid(fw.pid, &status, 0), fw.pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(fw.out);
}
END_TEST

START_TEST(test_follow_json)
{
	struct follower fw;
	int status;

	follower_start(&fw, "--json");
	append(log_path, LINE("j.example", "reject"), "a");
	ck_assert_msg(wait_for(&fw, "\"from\":\"j.example\""), "got \"%s\"", fw.buf);
	ck_assert_int_eq(fw.buf[0], '{');
	ck_assert_ptr_nonnull(strstr(fw.buf, "\"action\":\"reject\",\"dry_run\":false"));
	kill(fw.pid, SIGINT);
	ck_assert_int_eq(waitpid(fw.pid, &status, 0), fw.pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(fw.out);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("alerts_cli");
	TCase *tc = tcase_create("cli");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_cli, 0, TEST_ROWS(cases));
	tcase_add_test(tc, test_follow);
	tcase_add_test(tc, test_follow_json);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
