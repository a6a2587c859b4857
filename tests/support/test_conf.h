/*
 * test_conf - configuration files for the config suites: text written to
 * a new temporary file whose path the suite unlinks when done.
 *
 * Ownership: the path is a buffer of this module, valid until the next
 * write; the file is the caller's to unlink.
 *
 * Thread-safety: none; a suite's test runs in its own process (Check's
 * fork mode) and writes one file at a time.
 */
#ifndef DMARCGUARD_TEST_CONF_H
#define DMARCGUARD_TEST_CONF_H

#include <stddef.h>

/* test_conf_write_n - len bytes of text into a new temporary file; its path */
const char *test_conf_write_n(const char *text, size_t len);
/* test_conf_write - a NUL-terminated text into a new temporary file; its path */
const char *test_conf_write(const char *text);
/* test_conf_path - the path of the file written last */
const char *test_conf_path(void);

#endif
