/*
 * dns_fixture - the shared nsd fixture for DNS tests (see dns_fixture.h).
 *
 * Thread-safety: see dns_fixture.h; the server's state is written only by
 * dns_fixture_up and dns_fixture_down.
 */
#include "dns_fixture.h"

#include <check.h>
#include <stddef.h>

#include "nsd_server.h"
#include "resolver.h"

/* The one nsd of this test process, between dns_fixture_up and _down. */
static struct nsd_server server;

/* dns_fixture_up - start nsd, or abort the test run */
void
dns_fixture_up(void)
{
	if (nsd_server_start(&server) < 0)
		ck_abort_msg("cannot start nsd");
}

/* dns_fixture_down - stop nsd and remove its directory */
void
dns_fixture_down(void)
{
	nsd_server_stop(&server);
}

/* dns_fixture_address - where the fixture's nsd listens */
const char *
dns_fixture_address(void)
{
	return server.address;
}

/* dns_fixture_queries - nsd's query counter */
long
dns_fixture_queries(void)
{
	return nsd_server_queries(&server);
}

/* dns_fixture_resolver - a resolver for nameservers, or the fixture's */
struct resolver *
dns_fixture_resolver(const char *nameservers, unsigned timeout_ms)
{
	struct resolver_settings s;
	struct resolver *r;
	const char *error = NULL;

	resolver_settings_init(&s);
	s.nameservers = nameservers != NULL ? nameservers : server.address;
	s.timeout_ms = timeout_ms;
	r = resolver_new(&s, &error);
	ck_assert_msg(r != NULL, "resolver_new: %s", error ? error : "?");
	return r;
}
