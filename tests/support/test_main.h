/*
 * test_main - run one Check suite and turn its outcome into an exit code,
 * so every tests/test_<module>.c ends with the same two lines. Thread-safety:
 * main thread only.
 */
#ifndef DMARCGUARD_TEST_MAIN_H
#define DMARCGUARD_TEST_MAIN_H

#include <check.h>

#define TEST_ROWS(table) ((int)(sizeof(table) / sizeof((table)[0])))

/* test_run_suite - run all of s (fork mode), print Check's summary; 0 or 1 */
int test_run_suite(Suite *s);

#endif
