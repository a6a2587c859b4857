/*
 * runcmd - run a command with captured output (see runcmd.h).
 *
 * Thread-safety: see runcmd.h.
 */
#include "runcmd.h"
#include "mem.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

struct sink {
	char *buf;
	size_t len, cap;
};

/* sink_read - one read from fd into s; 0 at end of file, 1 for more, -1 on error */
static int
sink_read(int fd, struct sink *s)
{
	ssize_t n;

	if (s->cap - s->len < 65536 + 1) {
		s->cap = s->cap ? s->cap * 2 : 131072;
		s->buf = xrealloc(s->buf, s->cap);
	}
	n = read(fd, s->buf + s->len, s->cap - s->len - 1);
	if (n < 0)
		return errno == EINTR ? 1 : -1;
	s->len += (size_t)n;
	return n > 0;
}

/* drain - read both pipes until both are closed */
static void
drain(int out_fd, int err_fd, struct sink *out, struct sink *err)
{
	struct pollfd pfd[2] = { { .fd = out_fd, .events = POLLIN },
				 { .fd = err_fd, .events = POLLIN } };
	struct sink *sinks[2] = { out, err };

	while (pfd[0].fd >= 0 || pfd[1].fd >= 0) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (int i = 0; i < 2; i++) {
			if (pfd[i].fd < 0 || pfd[i].revents == 0)
				continue;
			if (sink_read(pfd[i].fd, sinks[i]) <= 0)
				pfd[i].fd = -1;
		}
	}
}

/* terminate - the sink as a NUL-terminated string */
static char *
terminate(struct sink *s, size_t *len_r)
{
	if (s->buf == NULL)
		s->buf = xmalloc(1);
	s->buf[s->len] = '\0';
	*len_r = s->len;
	return s->buf;
}

int
runcmd_run(char *const argv[], struct runcmd_result *res, const char **error_r)
{
	posix_spawn_file_actions_t fa;
	struct sink out = { 0 }, err = { 0 };
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 }, rc, wstatus;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	if (pipe2(po, O_CLOEXEC) < 0 || pipe2(pe, O_CLOEXEC) < 0) {
		*error_r = strerror(errno);
		goto err;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, po[1], 1);
	posix_spawn_file_actions_adddup2(&fa, pe[1], 2);
	rc = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		*error_r = rc == ENOENT ? "not found in PATH (is the MTA installed?)" : strerror(rc);
		goto err;
	}
	close(po[1]);
	close(pe[1]);
	drain(po[0], pe[0], &out, &err);
	close(po[0]);
	close(pe[0]);
	while (waitpid(pid, &wstatus, 0) < 0)
		if (errno != EINTR) {
			*error_r = strerror(errno);
			free(out.buf);
			free(err.buf);
			return -1;
		}
	res->out = terminate(&out, &res->out_len);
	res->err = terminate(&err, &res->err_len);
	res->exited = WIFEXITED(wstatus);
	res->status = res->exited ? WEXITSTATUS(wstatus) : WTERMSIG(wstatus);
	return 0;
err:
	for (int i = 0; i < 2; i++) {
		if (po[i] >= 0)
			close(po[i]);
		if (pe[i] >= 0)
			close(pe[i]);
	}
	return -1;
}

int
runcmd_ok(const struct runcmd_result *res)
{
	return res->exited && res->status == 0;
}

const char *
runcmd_last_error(struct runcmd_result *res)
{
	char *end;

	if (res->err == NULL)
		return "";
	end = res->err + res->err_len;
	while (end > res->err && (end[-1] == '\n' || end[-1] == '\r' || end[-1] == ' '))
		*--end = '\0';
	while (end > res->err && end[-1] != '\n')
		end--;
	return end;
}

void
runcmd_result_clear(struct runcmd_result *res)
{
	free(res->out);
	free(res->err);
	memset(res, 0, sizeof(*res));
}
