/*
 * test_paths - build-time paths handed in by CMake. Thread-safety: pure.
 */
#include "test_paths.h"

const char *
test_source_dir(void)
{
	return DMARCGUARD_TEST_SOURCE_DIR;
}

const char *
test_binary_dir(void)
{
	return DMARCGUARD_TEST_BINARY_DIR;
}

const char *
test_dmarcguard_binary(void)
{
	return DMARCGUARD_BINARY;
}
