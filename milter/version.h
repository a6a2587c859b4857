/*
 * version - the version string of the build. Thread-safety: constant.
 */
#ifndef DMARCGUARD_VERSION_H
#define DMARCGUARD_VERSION_H

const char *dmarcguard_version(void);

#endif
