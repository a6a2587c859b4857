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
#include <stdio.h>

#include "engine.h"
#include "message.h"
#include "message_reader.h"

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

static int
sink_header(void *m, const char *n, const char *v, size_t l)
{
	return message_header(m, n, v, l);
}

static int
sink_eoh(void *m)
{
	return message_eoh(m);
}

static int
sink_body(void *m, const unsigned char *c, size_t l)
{
	return message_body(m, c, l);
}

void
dns_fixture_feed(struct message *m, const char *path)
{
	struct message_reader_sink sink = { sink_header, sink_eoh, sink_body, m };
	FILE *f = fopen(path, "r");

	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert_int_eq(message_reader_feed(f, &sink), 0);
	fclose(f);
}
