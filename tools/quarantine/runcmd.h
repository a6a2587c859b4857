/*
 * runcmd - run one MTA command (postqueue, postcat, postsuper, mailq,
 * sendmail) from an argv array, never through a shell, and collect its
 * standard output and standard error in memory.
 *
 * The command inherits the environment (so MAIL_CONFIG reaches the
 * Postfix commands) and gets /dev/null as standard input. Both outputs
 * are read together so neither pipe can fill up and stall the child.
 *
 * Ownership: runcmd_run fills a struct runcmd_result whose buffers the
 * caller releases with runcmd_result_clear.
 *
 * Thread-safety: no shared state; SIGCHLD must not be ignored.
 */
#ifndef DMARCGUARD_QUARANTINE_RUNCMD_H
#define DMARCGUARD_QUARANTINE_RUNCMD_H

#include <stddef.h>

struct runcmd_result {
	char *out;		/* NUL-terminated standard output */
	size_t out_len;
	char *err;		/* NUL-terminated standard error */
	size_t err_len;
	int exited;		/* 1: exit status in status; 0: killed by signal status */
	int status;
};

/*
 * runcmd_run - run argv[0] (looked up in PATH) with argv; 0 once it has
 * ended (whatever its status), -1 with *error_r when it could not be run
 * at all (not installed, no pipes)
 */
int runcmd_run(char *const argv[], struct runcmd_result *res, const char **error_r);
/* runcmd_ok - it exited with status 0 */
int runcmd_ok(const struct runcmd_result *res);
/* runcmd_last_error - the last non-empty line of its standard error, or "" */
const char *runcmd_last_error(struct runcmd_result *res);
void runcmd_result_clear(struct runcmd_result *res);

#endif
