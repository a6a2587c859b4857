/*
 * offline_lines - alert lines from the real daemon for the rsyslog
 * end-to-end test (rsyslog_e2e.sh): starts the nsd fixture
 * (tests/support/nsd_server.h) on the test zones, then for each line of
 * standard input, "MESSAGE CLIENT-IP HELO MAIL-FROM" (MAIL-FROM "<>" for
 * the null sender; MESSAGE relative to tests/messages/policy), runs
 * "dmarcguard --test" against it and prints the alert line the daemon
 * printed first. Stops nsd before exiting.
 *
 * Exit status: 0 when every message gave an alert line, 1 otherwise (the
 * daemon's output is on stderr), 2 for bad input lines.
 *
 * Thread-safety: single-threaded tool.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nsd_server.h"
#include "test_paths.h"

/* verdict - the daemon's first output line for one message into line */
static int
verdict(const char *conf, const char *file, const char *ip, const char *helo,
	const char *mail_from, char *line, size_t size)
{
	char cmd[2048];
	FILE *p;
	int status;

	snprintf(cmd, sizeof(cmd),
		 "cd %s/messages/policy && %s -c %s --test %s --client-ip %s --helo %s "
		 "--mail-from '%s' 2>&1", test_source_dir(), test_dmarcguard_binary(), conf, file,
		 ip, helo, mail_from);
	if ((p = popen(cmd, "r")) == NULL)
		return -1;
	if (fgets(line, (int)size, p) == NULL)
		line[0] = '\0';
	while (fgetc(p) != EOF)
		;
	status = pclose(p);
	line[strcspn(line, "\n")] = '\0';
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || strncmp(line, "v=1 ", 4) != 0) {
		fprintf(stderr, "offline_lines: %s: %s\n", file, line);
		return -1;
	}
	return 0;
}

int
main(void)
{
	struct nsd_server server;
	char conf[] = "/tmp/alerts-offline-XXXXXX", in[1024], line[8192];
	int fd, rc = 0;
	FILE *f;

	if (nsd_server_start(&server) < 0)
		return 1;
	if ((fd = mkstemp(conf)) < 0 || (f = fdopen(fd, "w")) == NULL) {
		perror("offline_lines: configuration");
		nsd_server_stop(&server);
		return 1;
	}
	fprintf(f, "AuthservID mx.test.example\nNameservers %s\nDNSTimeout 2s\n", server.address);
	fclose(f);
	while (fgets(in, sizeof(in), stdin) != NULL) {
		char file[256], ip[64], helo[256], mail_from[256];

		if (in[0] == '#' || in[0] == '\n')
			continue;
		if (sscanf(in, "%255s %63s %255s %255s", file, ip, helo, mail_from) != 4) {
			fprintf(stderr, "offline_lines: bad input line: %s", in);
			rc = 2;
			break;
		}
		if (strcmp(mail_from, "<>") == 0)
			mail_from[0] = '\0';
		if (verdict(conf, file, ip, helo, mail_from, line, sizeof(line)) < 0) {
			rc = 1;
			continue;
		}
		printf("%s\n", line);
		fflush(stdout);
	}
	unlink(conf);
	nsd_server_stop(&server);
	return rc;
}
