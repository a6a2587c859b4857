/*
 * dkimv_fixture - nsd plus a signer for the DKIM suites (see
 * dkimv_fixture.h).
 *
 * Thread-safety: the signer pointer is set once by dkimv_fixture_up,
 * before any test runs, and cleared by dkimv_fixture_down after them.
 */
#include "dkimv_fixture.h"
#include "dkimv_test.h"
#include "dns_fixture.h"

#include <stddef.h>

static DKIM_LIB *signer;

void
dkimv_fixture_up(void)
{
	dns_fixture_up();
	signer = dkimv_test_signer_new();
}

void
dkimv_fixture_down(void)
{
	dkim_close(signer);
	signer = NULL;
	dns_fixture_down();
}

DKIM_LIB *
dkimv_fixture_signer(void)
{
	return signer;
}
