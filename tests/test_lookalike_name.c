/*
 * test_lookalike_name - the private name module of lib/lookalike: the
 * ASCII skeleton table gives exactly ICU's skeleton (every label of one
 * and two characters, and longer look-alike labels); the distance-1 test
 * agrees with a plain optimal-string-alignment distance on every pair of
 * strings over {a, b, c} up to length 4; deletions cut whole code points;
 * names prepare into the registrable label and its U-label.
 */
#include <stdio.h>
#include <string.h>

#include "lookalike_name.h"
#include "test_main.h"

static struct orgdomain *od;
static USpoofChecker *checker;
static struct lookalike_ascii_skeletons table;

static void
setup(void)
{
	const char *error = NULL;
	UErrorCode status = U_ZERO_ERROR;

	od = orgdomain_new(NULL, &error);
	ck_assert_msg(od != NULL, "%s", error);
	checker = uspoof_open(&status);
	ck_assert(U_SUCCESS(status));
	ck_assert_int_eq(lookalike_name_ascii_table(checker, &table), 0);
}

static void
teardown(void)
{
	uspoof_close(checker);
	orgdomain_free(&od);
}

/* same - the label of name through the table and through ICU alone */
static void
same(const char *label)
{
	char name[128];
	struct lookalike_name a, b;
	const char *pa = NULL, *pb = NULL;
	int ra, rb;

	snprintf(name, sizeof(name), "%s.example", label);
	ra = lookalike_name_prepare(od, checker, &table, name, strlen(name), &a, &pa);
	rb = lookalike_name_prepare(od, checker, NULL, name, strlen(name), &b, &pb);
	ck_assert_msg(ra == rb, "%s: %d with the table, %d without", name, ra, rb);
	if (ra == 0)
		ck_assert_msg(strcmp(a.skeleton, b.skeleton) == 0, "%s: table \"%s\", ICU \"%s\"",
			      name, a.skeleton, b.skeleton);
}

START_TEST(test_ascii_table_is_icu)
{
	static const char chars[] = "abcdefghijklmnopqrstuvwxyz0123456789-_";
	static const char *const longer[] = {
		"rnicrosoft", "vvellsfargo", "paypa1", "app1e", "g00gle", "think-tank", "xn--a",
		"l1i", "cl0ud", "m-w_0",
	};
	char label[3] = "";

	for (size_t i = 0; chars[i]; i++) {
		label[0] = chars[i];
		label[1] = '\0';
		same(label);
		for (size_t j = 0; chars[j]; j++) {
			label[1] = chars[j];
			same(label);
		}
	}
	for (size_t i = 0; i < sizeof(longer) / sizeof(longer[0]); i++)
		same(longer[i]);
}
END_TEST

/* osa - the optimal string alignment distance, the textbook way */
static size_t
osa(const int32_t *a, size_t na, const int32_t *b, size_t nb)
{
	size_t d[8][8];

	for (size_t i = 0; i <= na; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= nb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= na; i++)
		for (size_t j = 1; j <= nb; j++) {
			size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]
			    && d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[na][nb];
}

/* word - the k-th string over {a, b, c} of length len */
static void
word(size_t k, size_t len, int32_t *out)
{
	for (size_t i = 0; i < len; i++, k /= 3)
		out[i] = 'a' + (int32_t)(k % 3);
}

START_TEST(test_distance_one)
{
	static const size_t count[] = { 1, 3, 9, 27, 81 };
	int32_t a[4], b[4];
	size_t pairs = 0;

	for (size_t la = 0; la <= 4; la++)
		for (size_t ka = 0; ka < count[la]; ka++)
			for (size_t lb = 0; lb <= 4; lb++)
				for (size_t kb = 0; kb < count[lb]; kb++) {
					word(ka, la, a);
					word(kb, lb, b);
					ck_assert_int_eq(lookalike_name_distance_one(a, la, b, lb),
							 osa(a, la, b, lb) == 1);
					pairs++;
				}
	ck_assert_uint_eq(pairs, 121 * 121);
}
END_TEST

static const struct {
	const char *name;
	const char *org, *ulabel;
	size_t ncp, skip;
	const char *deleted;
} prepared[] = {
	{ "Mail.Bank.Example.", "bank.example", "bank", 4, 0, "ank" },
	{ "x.b\xd0\xb0nk.co.uk", "xn--bnk-6cd.co.uk", "b\xd0\xb0nk", 4, 1, "bnk" },
	{ "xn--bnk-6cd.com", "xn--bnk-6cd.com", "b\xd0\xb0nk", 4, 3, "b\xd0\xb0n" },
	{ "a.b.think-tank.org", "think-tank.org", "think-tank", 10, 5, "thinktank" },
};

START_TEST(test_prepare)
{
	struct lookalike_name x;
	char out[256];
	const char *problem = NULL;
	const char *name = prepared[_i].name;

	ck_assert_int_eq(lookalike_name_prepare(od, checker, &table, name, strlen(name), &x,
						&problem), 0);
	ck_assert_str_eq(x.org, prepared[_i].org);
	ck_assert_str_eq(x.ulabel, prepared[_i].ulabel);
	ck_assert_uint_eq(x.ncp, prepared[_i].ncp);
	lookalike_name_deletion(&x, prepared[_i].skip, out);
	ck_assert_str_eq(out, prepared[_i].deleted);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("lookalike_name");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_ascii_table_is_icu);
	tcase_add_test(tc, test_distance_one);
	tcase_add_loop_test(tc, test_prepare, 0, TEST_ROWS(prepared));
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
