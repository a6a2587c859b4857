/*
 * version - the version string of the build. Thread-safety: constant.
 */
#include "version.h"

const char *
dmarcguard_version(void)
{
	return DMARCGUARD_VERSION;
}
