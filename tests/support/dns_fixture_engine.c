/*
 * dns_fixture_engine - an engine over the shared nsd fixture (see
 * dns_fixture.h). Apart from dns_fixture.c so that suites below the engine
 * link the fixture without the engine: this file goes into the engine's test
 * support library.
 *
 * Thread-safety: see dns_fixture.h.
 */
#include "dns_fixture.h"

#include <check.h>
#include <stddef.h>

#include "engine.h"

/* dns_fixture_engine - an engine over the fixture's nsd */
struct engine *
dns_fixture_engine(unsigned timeout_ms)
{
	return dns_fixture_engine_method(timeout_ms, DMARC_METHOD_TREEWALK);
}

struct engine *
dns_fixture_engine_method(unsigned timeout_ms, int method)
{
	struct engine_settings es;
	struct engine *e;
	const char *error = NULL;

	engine_settings_init(&es);
	es.org_domain_method = (enum dmarc_method)method;
	es.resolver.nameservers = dns_fixture_address();
	es.resolver.timeout_ms = timeout_ms;
	e = engine_new(&es, &error);
	ck_assert_msg(e != NULL, "engine_new: %s", error ? error : "?");
	return e;
}
