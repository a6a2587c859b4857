/*
 * test_from_header_limits - the From: header parser on inputs too large
 * to write down: thousands of addresses, and a megabyte of display name,
 * comment, nesting, angle brackets, local part, domain, folding, commas,
 * quoted pairs, dots or words. Each must get the right verdict in linear
 * time without overflow (support/from_header_check.h allows a second of
 * CPU). Also: an address too long for the log field is cut at a
 * character boundary. The written-down rows are in test_from_header.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "from_header.h"
#include "from_header_check.h"
#include "test_main.h"

#define MEGA (1024 * 1024)

struct gen {
	const char *head, *unit;	/* unit NULL: numbered addresses */
	size_t n;
	const char *tail;
};

/* repeat - `n` copies of `unit` between `head` and `tail`, malloc'd */
static char *
repeat(const char *head, const char *unit, size_t n, const char *tail,
       size_t *len_r)
{
	size_t hl = strlen(head), ul = strlen(unit), tl = strlen(tail);
	char *s = malloc(hl + ul * n + tl + 1), *p = s;

	ck_assert_ptr_nonnull(s);
	memcpy(p, head, hl);
	p += hl;
	for (size_t i = 0; i < n; i++, p += ul)
		memcpy(p, unit, ul);
	memcpy(p, tail, tl + 1);
	*len_r = hl + ul * n + tl;
	return s;
}

/* numbered - "head" then n "u<i>@d<i>.example" joined by ", " then "tail" */
static char *
numbered(const char *head, size_t n, const char *tail, size_t *len_r)
{
	size_t size = strlen(head) + n * 40 + strlen(tail) + 1, pos;
	char *s = malloc(size);

	ck_assert_ptr_nonnull(s);
	pos = (size_t)snprintf(s, size, "%s", head);
	for (size_t i = 0; i < n; i++)
		pos += (size_t)snprintf(s + pos, size - pos, "%su%zu@d%zu.example",
					i ? ", " : "", i, i);
	pos += (size_t)snprintf(s + pos, size - pos, "%s", tail);
	*len_r = pos;
	return s;
}

/* Large inputs: head, n times unit (or n numbered addresses), tail. */
static const struct gen
	g_2000_addresses = { "", NULL, 2000, "" },
	g_2000_group = { "list: ", NULL, 2000, ";" },
	g_2000_angles = { "<", NULL, 2000, ">" },
	g_mb_display = { "\"", "x", MEGA, "\" <a@example.com>" },
	g_mb_comment = { "(", "c", MEGA, ") <a@example.com>" },
	g_mb_nested = { "", "(", MEGA, "a@example.com" },
	g_mb_angles = { "", "<", MEGA, "a@example.com>" },
	g_mb_local = { "", "a", MEGA, "@example.com" },
	g_mb_domain = { "a@", "a.", MEGA / 2, "example" },
	g_mb_label = { "a@", "a", MEGA, ".example" },
	g_mb_folding = { "", "\r\n ", MEGA / 3, "a@example.com" },
	g_mb_commas = { "", ",", MEGA, "a@example.com" },
	g_mb_qpairs = { "\"", "\\\"", MEGA / 2, "\"@example.com" },
	g_mb_dots = { "a", ".", MEGA, "a@example.com" },
	g_mb_words = { "", "w ", MEGA / 2, "<a@example.com>" };

/* generate - the input a struct gen describes, malloc'd */
static char *
generate(const struct gen *g, size_t *len_r)
{
	if (g->unit == NULL)
		return numbered(g->head, g->n, g->tail, len_r);
	return repeat(g->head, g->unit, g->n, g->tail, len_r);
}

/* One row per generated input: the status and domain or reason it must give. */
static const struct {
	const struct gen *gen;
	enum from_status want;
	const char *want_str;		/* domain when OK, reason when malformed */
} rows[] = {
	/* size: linear time, no overflow */
	{ &g_2000_addresses, FROM_MALFORMED, FROM_REASON_MULTIPLE_ADDRESSES },
	{ &g_2000_group, FROM_MALFORMED, FROM_REASON_GROUP },
	{ &g_2000_angles, FROM_MALFORMED, FROM_REASON_MULTIPLE_ADDRESSES },
	{ &g_mb_display, FROM_OK, "example.com" },
	{ &g_mb_comment, FROM_OK, "example.com" },
	{ &g_mb_nested, FROM_MALFORMED, FROM_REASON_UNBALANCED },
	{ &g_mb_angles, FROM_MALFORMED, FROM_REASON_UNBALANCED },
	{ &g_mb_local, FROM_OK, "example.com" },
	{ &g_mb_domain, FROM_MALFORMED, FROM_REASON_BAD_DOMAIN },
	{ &g_mb_label, FROM_MALFORMED, FROM_REASON_BAD_DOMAIN },
	{ &g_mb_folding, FROM_OK, "example.com" },
	{ &g_mb_commas, FROM_MALFORMED, FROM_REASON_MULTIPLE_ADDRESSES },
	{ &g_mb_qpairs, FROM_OK, "example.com" },
	{ &g_mb_dots, FROM_MALFORMED, FROM_REASON_SYNTAX },
	{ &g_mb_words, FROM_OK, "example.com" },
};

START_TEST(test_parse_generated)
{
	size_t len;
	char *in = generate(rows[_i].gen, &len);

	from_check_parse(_i, in, len, rows[_i].want, rows[_i].want_str, NULL);
	/* as test_from_header.c asks of its rows: a documented reason code */
	if (rows[_i].want == FROM_MALFORMED)
		ck_assert(strncmp(rows[_i].want_str, "malformed-from-",
				  strlen("malformed-from-")) == 0);
	free(in);
}
END_TEST

/* An address too long for the log field is cut, keeping the domain. */
START_TEST(test_address_truncation)
{
	struct from_parse_result res;
	size_t len, alen;
	char *in = repeat("", "\xc3\xa9", 600, "@example.com", &len);

	ck_assert_int_eq(from_header_parse(in, len, &res), 0);
	alen = strlen(res.address);
	ck_assert_uint_lt(alen, sizeof(res.address));
	ck_assert_str_eq(res.address + alen - strlen("@example.com"), "@example.com");
	/* cut at a character boundary: only whole two-byte "é" before '@' */
	ck_assert_uint_eq((alen - strlen("@example.com")) % 2, 0);
	for (size_t i = 0; i + strlen("@example.com") < alen; i += 2)
		ck_assert(memcmp(res.address + i, "\xc3\xa9", 2) == 0);
	free(in);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("from_header_limits");
	TCase *tc = tcase_create("limits");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_parse_generated, 0, TEST_ROWS(rows));
	tcase_add_test(tc, test_address_truncation);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
