/*
 * test_conf - temporary configuration files for the tests (see
 * test_conf.h).
 *
 * Thread-safety: one writer at a time (the path buffer is shared).
 */
#include "test_conf.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char path[64];

const char *
test_conf_write_n(const char *text, size_t len)
{
	int fd;

	strcpy(path, "/tmp/dmarcguard-conf-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, len), (int)len);
	close(fd);
	return path;
}

const char *
test_conf_write(const char *text)
{
	return test_conf_write_n(text, strlen(text));
}

const char *
test_conf_path(void)
{
	return path;
}
