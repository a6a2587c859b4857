/*
 * dns_fixture - the nsd fixture every DNS test shares: one real nsd
 * (nsd_server.h) serving tests/zones for the whole test process, and
 * resolvers and engines pointed at it.
 *
 * dns_fixture_up and dns_fixture_down are Check unchecked fixtures: pass
 * them to tcase_add_unchecked_fixture, or call them from a test file's own
 * setup and teardown. dns_fixture_up aborts the test run (ck_abort_msg)
 * when nsd does not come up. The other functions are for tests running
 * between the two; they assert (ck_assert_msg) instead of returning
 * errors, so a test never goes on with a half-made object.
 *
 * Whoever gets a resolver or an engine frees it (resolver_free,
 * engine_free).
 *
 * Thread-safety: dns_fixture_up and dns_fixture_down on the main thread
 * only (one server per test process); dns_fixture_address and
 * dns_fixture_queries read state that does not change between them.
 */
#ifndef DMARCGUARD_DNS_FIXTURE_H
#define DMARCGUARD_DNS_FIXTURE_H

struct engine;
struct resolver;

/* dns_fixture_up - start nsd, or abort the test run */
void dns_fixture_up(void);
void dns_fixture_down(void);

/* dns_fixture_address - "127.0.0.1@PORT" of the running nsd */
const char *dns_fixture_address(void);

/* dns_fixture_queries - queries nsd has answered so far, or -1 */
long dns_fixture_queries(void);

/*
 * dns_fixture_resolver - a new resolver asking `nameservers` (NULL: the
 * fixture's nsd) with a time limit of timeout_ms per look-up
 */
struct resolver *dns_fixture_resolver(const char *nameservers, unsigned timeout_ms);

/*
 * dns_fixture_engine - a new engine whose own resolver asks the fixture's
 * nsd (in dns_fixture_engine.c, linked only by suites of the engine)
 */
struct engine *dns_fixture_engine(unsigned timeout_ms);

/*
 * dns_fixture_engine_method - the same with OrgDomainMethod `method`, an
 * enum dmarc_method value (this header stays below lib/dmarc)
 */
struct engine *dns_fixture_engine_method(unsigned timeout_ms, int method);

struct message;

/*
 * dns_fixture_feed - a stored message (tests/messages/..., tests/arc/...)
 * into message_header/eoh/body through message_reader, as the offline mode
 * feeds it (in dns_fixture_engine.c)
 */
void dns_fixture_feed(struct message *m, const char *path);

#endif
