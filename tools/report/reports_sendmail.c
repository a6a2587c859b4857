/*
 * reports_sendmail - the MTA's sendmail as a child process (see
 * reports_sendmail.h).
 *
 * Thread-safety: forks; single-threaded programs only.
 */
#include "reports_sendmail.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define ARGS_MAX 16

/* split - the command's words into argv (in buf); -1 when empty or too many */
static int
split(const char *command, char *buf, size_t size, char **argv)
{
	int n = 0;
	char *save = NULL;

	if (snprintf(buf, size, "%s", command) >= (int)size)
		return -1;
	for (char *w = strtok_r(buf, " \t", &save); w != NULL; w = strtok_r(NULL, " \t", &save)) {
		if (n == ARGS_MAX)
			return -1;
		argv[n++] = w;
	}
	argv[n] = NULL;
	return n > 0 && argv[0][0] == '/' ? 0 : -1;
}

int
reports_sendmail_send(const char *command, const struct reports_mail *m, char *error,
		      size_t size)
{
	char buf[1024], *argv[ARGS_MAX + 1];
	int fds[2], status, rc;
	pid_t pid;
	FILE *in;

	if (split(command, buf, sizeof(buf), argv) < 0) {
		snprintf(error, size, "ReportSendmail \"%s\" is not an absolute command", command);
		return -1;
	}
	if (pipe(fds) < 0 || (pid = fork()) < 0) {
		snprintf(error, size, "cannot start %s: %s", argv[0], strerror(errno));
		return -1;
	}
	if (pid == 0) {
		dup2(fds[0], 0);
		close(fds[0]);
		close(fds[1]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(fds[0]);
	/* a sendmail that exits early must not kill us with SIGPIPE */
	signal(SIGPIPE, SIG_IGN);
	if ((in = fdopen(fds[1], "w")) == NULL) {
		close(fds[1]);
		rc = -1;
	} else {
		rc = reports_mail_write(m, in);
		if (fclose(in) != 0)
			rc = -1;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			snprintf(error, size, "%s: waitpid: %s", argv[0], strerror(errno));
			return -1;
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && rc == 0)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		snprintf(error, size, "%s: the message could not be written to it", argv[0]);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		snprintf(error, size, "%s could not be run", argv[0]);
	else if (WIFEXITED(status))
		snprintf(error, size, "%s exited with status %d", argv[0], WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(error, size, "%s was killed by signal %d", argv[0], WTERMSIG(status));
	else
		snprintf(error, size, "%s ended abnormally", argv[0]);
	return -1;
}
