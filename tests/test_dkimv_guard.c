/*
 * test_dkimv_guard - libopendkim's h= overrun and dkimv's guard field
 * (dkimv.c, docs/security.md Findings 4).
 *
 * libopendkim 2.11.0~beta2 stores a NULL one pointer past the array of
 * selected header fields when a signature's h= names every field it holds
 * and more names follow. The unit case shows that on libopendkim itself,
 * through its own allocator hooks: every block gets a tail of marker
 * octets, checked when libopendkim frees it. Without DKIMV_GUARD_FIELD the
 * tail is overwritten; with it, for the same shapes, never. The nsd case
 * feeds such signatures through dkimv on top of a good one, with odd
 * and even numbers of fields (before the guard, an odd number aborted the
 * process in glibc's free): the hostile signature fails, the good one
 * still passes, and a field named like the guard changes nothing.
 *
 * Thread-safety: the allocator table is global; Check runs each test in a
 * process of its own, on one thread.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <opendkim/dkim.h>

#include "dkimv_fixture.h"
#include "dkimv_test.h"
#include "dkimv.h"
#include "dns_fixture.h"
#include "resolver.h"
#include "test_main.h"

#define TAIL 16
#define TAIL_OCTET 0xa5
#define MAX_BLOCKS 4096

/* Blocks libopendkim got from tail_malloc: real malloc pointers, so that
 * a block libopendkim hands to plain free() is still freed correctly. */
static struct {
	void *p;
	size_t n;
} blocks[MAX_BLOCKS];
static unsigned overruns;

static void *
tail_malloc(void *closure, size_t n)
{
	unsigned char *p = malloc(n + TAIL);

	(void)closure;
	ck_assert_ptr_nonnull(p);
	memset(p + n, TAIL_OCTET, TAIL);
	for (size_t i = 0; i < MAX_BLOCKS; i++)
		if (blocks[i].p == NULL) {
			blocks[i].p = p;
			blocks[i].n = n;
			return p;
		}
	ck_abort_msg("more than %d blocks at once", MAX_BLOCKS);
	return NULL;
}

static void
tail_free(void *closure, void *p)
{
	(void)closure;
	if (p == NULL)
		return;
	for (size_t i = 0; i < MAX_BLOCKS; i++)
		if (blocks[i].p == p) {
			const unsigned char *tail = (unsigned char *)p + blocks[i].n;

			for (size_t k = 0; k < TAIL; k++)
				if (tail[k] != TAIL_OCTET) {
					overruns++;
					break;
				}
			blocks[i].p = NULL;
			break;
		}
	free(p);
}

/* no_dns - key look-ups must not leave the process (none is expected) */
static int
no_dns(void *srv, int type, unsigned char *query, unsigned char *buf, size_t buflen,
       void **qh)
{
	(void)srv;
	(void)type;
	(void)query;
	(void)buf;
	(void)buflen;
	(void)qh;
	return DKIM_DNS_ERROR;
}

/*
 * overrun_count - give libopendkim a From, `fillers` more fields and one
 * DKIM-Signature whose h= names all of them and then `extra` more names
 * (and the guard field after them when `guard`); the number of blocks
 * whose tail was overwritten by the end of dkim_free
 */
static unsigned
overrun_count(DKIM_LIB *lib, int fillers, int extra, int guard)
{
	char field[4096], h[2048] = "from:dkim-signature";
	DKIM_STAT st;
	DKIM *d = dkim_verify(lib, (const unsigned char *)"guard", NULL, &st);
	int n;

	ck_assert_ptr_nonnull(d);
	overruns = 0;
	ck_assert_int_eq(dkim_header(d, (unsigned char *)"From: a@dkim.example", 20),
			 DKIM_STAT_OK);
	for (int i = 0; i < fillers; i++) {
		n = snprintf(field, sizeof(field), "X-Filler: %d", i);
		ck_assert_int_eq(dkim_header(d, (unsigned char *)field, (size_t)n), DKIM_STAT_OK);
		strcat(h, ":x-filler");
	}
	for (int i = 0; i < extra; i++)
		strcat(h, ":subject");
	n = snprintf(field, sizeof(field), "DKIM-Signature: v=1; a=rsa-sha256; d=dkim.example;"
		     " s=rsa2048; h=%s; bh=AAAA; b=AAAA", h);
	ck_assert_int_eq(dkim_header(d, (unsigned char *)field, (size_t)n), DKIM_STAT_OK);
	if (guard)
		ck_assert_int_eq(dkim_header(d, (unsigned char *)DKIMV_GUARD_FIELD,
					     sizeof(DKIMV_GUARD_FIELD) - 1), DKIM_STAT_OK);
	st = dkim_eoh(d);
	ck_assert_msg(st == DKIM_STAT_OK, "dkim_eoh: %s", dkim_getresultstr(st));
	(void)dkim_free(d);
	return overruns;
}

START_TEST(test_library_overrun_and_guard)
{
	DKIM_LIB *lib = dkim_init(tail_malloc, tail_free);
	/* key look-ups wait for dkim_eom, which never comes */
	uint32_t flags = DKIM_LIBFLAGS_BADSIGHANDLES | DKIM_LIBFLAGS_DELAYSIGPROC;
	unsigned unguarded = 0, shapes = 0;

	ck_assert_ptr_nonnull(lib);
	ck_assert_int_eq(dkim_options(lib, DKIM_OP_SETOPT, DKIM_OPTS_FLAGS, &flags,
				      sizeof(flags)), DKIM_STAT_OK);
	dkim_dns_set_query_start(lib, no_dns);
	for (int fillers = 0; fillers <= 12; fillers++)
		for (int extra = 0; extra <= 3; extra++) {
			unsigned bad = overrun_count(lib, fillers, extra, 0);

			/* h= naming exactly the fields it has is fine */
			if (extra == 0)
				ck_assert_uint_eq(bad, 0);
			else {
				shapes++;
				unguarded += bad > 0;
			}
			ck_assert_msg(overrun_count(lib, fillers, extra, 1) == 0,
				      "%d fillers, %d more names: overrun with the guard field",
				      fillers, extra);
		}
	/* the unguarded runs show that the check above can see the overrun */
	if (dkim_libversion() == 0x020b0000)
		ck_assert_msg(unguarded == shapes, "libopendkim 2.11.0 overran in %u of %u"
			      " shapes (was every one: fixed? then see dkimv.c)",
			      unguarded, shapes);
	else if (unguarded == 0)
		fprintf(stderr, "test_dkimv_guard: libopendkim %#x no longer overruns\n",
			(unsigned)dkim_libversion());
	dkim_close(lib);
}
END_TEST

/* insert_field - a copy of name and value as field number `at` of m */
static void
insert_field(struct dkimv_test_message *m, size_t at, const char *name, const char *value)
{
	ck_assert_uint_lt(m->nfields, DKIMV_TEST_MAX_FIELDS);
	memmove(&m->fields[at + 1], &m->fields[at], (m->nfields - at) * sizeof(m->fields[0]));
	m->fields[at].name = strdup(name);
	m->fields[at].value = strdup(value);
	m->nfields++;
}

/*
 * hostile_on_top - a DKIM-Signature on top of m whose h= names every field
 * of m, itself, and then `extra` more names
 */
static void
hostile_on_top(struct dkimv_test_message *m, int extra)
{
	char h[2048] = "", value[4096];

	for (size_t i = 0; i < m->nfields; i++) {
		strcat(h, m->fields[i].name);
		strcat(h, ":");
	}
	strcat(h, "DKIM-Signature");
	for (int i = 0; i < extra; i++)
		strcat(h, i % 2 ? ":Subject" : ":Reply-To");
	snprintf(value, sizeof(value), " v=1; a=rsa-sha256; c=relaxed/relaxed;\n"
		 "\td=dkim.example; s=rsa2048; h=%s;\n\tbh=AAAA; b=AAAA", h);
	insert_field(m, 0, "DKIM-Signature", value);
}

START_TEST(test_verify_hostile_h_list)
{
	struct resolver *r = dns_fixture_resolver(NULL, 3000);
	struct dkimv_lib *lib = dkimv_test_lib(r, 0, 0);
	static const struct dkimv_test_sig good = DKIMV_TEST_RSA2048;
	static const struct dkimv_test_feed feed = { 0, 0, 0 };
	/* _i: fillers (0-5) and how many names follow (1 or 3) */
	int fillers = _i % 6, extra = _i < 6 ? 1 : 3, spoof = _i >= 12;
	struct dkimv_signature got[4];
	struct dkimv_test_message m;
	size_t n;

	dkimv_test_load(&m, "plain.eml");
	dkimv_test_sign(dkimv_fixture_signer(), &m, &good);
	for (int i = 0; i < fillers; i++)
		insert_field(&m, m.nfields, "X-Filler", " unsigned by the good one");
	if (spoof)	/* the guard's name in the message itself */
		insert_field(&m, m.nfields, "X-Dmarcguard Guard", " spoof");
	hostile_on_top(&m, extra);
	n = dkimv_test_verify(lib, &m, &feed, got, 4);
	ck_assert_uint_eq(n, 2);
	ck_assert_msg(got[0].result == DKIMV_FAIL && got[0].reason != NULL
		      && strcmp(got[0].reason, "signature-mismatch") == 0,
		      "%zu fields: hostile signature %s (%s)", m.nfields,
		      dkimv_result_name(got[0].result), got[0].reason ? got[0].reason : "");
	ck_assert_str_eq(got[0].domain, "dkim.example");
	ck_assert_msg(got[1].result == DKIMV_PASS, "%zu fields: good signature %s (%s)",
		      m.nfields, dkimv_result_name(got[1].result),
		      got[1].reason ? got[1].reason : "");
	dkimv_test_free(&m);
	dkimv_lib_free(&lib);
	resolver_free(&r);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("dkim_guard");
	TCase *unit = tcase_create("unit");
	TCase *tc = tcase_create("nsd");

	tcase_add_test(unit, test_library_overrun_and_guard);
	tcase_add_unchecked_fixture(tc, dkimv_fixture_up, dkimv_fixture_down);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_verify_hostile_h_list, 0, 14);
	suite_add_tcase(s, unit);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
