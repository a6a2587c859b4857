/*
 * dkimv_fixture - the fixture of the DKIM suites that verify against nsd:
 * the nsd fixture (dns_fixture.h, tests/zones with dkim.example) and one
 * libopendkim signer (dkimv_test_signer_new) that the tests sign with.
 *
 * Use: tcase_add_unchecked_fixture(tc, dkimv_fixture_up, dkimv_fixture_down),
 * then dkimv_fixture_signer() in the tests. A suite that calls
 * dkimv_fixture_up is labelled "dns" by tests/CMakeLists.txt.
 *
 * Ownership: the signer belongs to the fixture; dkimv_fixture_down closes
 * it and stops nsd.
 *
 * Thread-safety: up and down run in Check's parent process, once; the
 * forked tests share the signer read-only (dkimv_test_sign changes its
 * clock while it signs: one signing thread at a time).
 */
#ifndef DMARCGUARD_DKIMV_FIXTURE_H
#define DMARCGUARD_DKIMV_FIXTURE_H

#include <opendkim/dkim.h>

/* dkimv_fixture_up - start nsd and make the signer */
void dkimv_fixture_up(void);
/* dkimv_fixture_down - close the signer and stop nsd */
void dkimv_fixture_down(void);
/* dkimv_fixture_signer - the signer made by dkimv_fixture_up */
DKIM_LIB *dkimv_fixture_signer(void);

#endif
