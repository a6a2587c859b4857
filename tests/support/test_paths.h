/*
 * test_paths - where the tests find their data (zones, messages, keys) and
 * where they may write. Thread-safety: pure.
 */
#ifndef DMARCGUARD_TEST_PATHS_H
#define DMARCGUARD_TEST_PATHS_H

/* test_source_dir - absolute path of tests/ in the source tree */
const char *test_source_dir(void);
/* test_binary_dir - absolute path of tests/ in the build tree */
const char *test_binary_dir(void);

/* test_dmarcguard_binary - the built daemon executable */
const char *test_dmarcguard_binary(void);

#endif
