/*
 * test_orgdomain - organizational domains and identifier alignment over
 * Debian's Public Suffix List, including every case libopendmarc 1.4.2
 * gets wrong (one-character labels, uppercase, wildcard and exception
 * rules, strict mode), the private section, and malformed names.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "orgdomain.h"
#include "test_main.h"

static struct orgdomain *
od_default(void)
{
	const char *error = NULL;
	struct orgdomain *od = orgdomain_new(NULL, &error);

	ck_assert_msg(od != NULL, "orgdomain_new: %s", error ? error : "?");
	return od;
}

/* One row per name: its organizational domain, or NULL for none. */
static const struct {
	const char *domain;
	const char *want;
} get_cases[] = {
	{ "example.com", "example.com" },
	{ "www.example.com", "example.com" },
	{ "x.example.com", "example.com" },		/* one-character label */
	{ "a.b.c.example.com", "example.com" },
	{ "EXAMPLE.COM", "example.com" },		/* uppercase */
	{ "Mail.Example.Com.", "example.com" },		/* and a trailing dot */
	{ "example.com.", "example.com" },
	{ "x.com", "x.com" },				/* one-character org label */
	{ "a.b.x.com", "x.com" },
	{ "_dmarc.example.com", "example.com" },
	{ "a-b.example.com", "example.com" },
	{ "1.2.3.example.com", "example.com" },		/* numeric inner labels */
	{ "com", NULL },				/* a public suffix */
	{ "COM", NULL },
	{ "co.uk", NULL },
	{ "example.co.uk", "example.co.uk" },
	{ "www.example.co.uk", "example.co.uk" },
	{ "X.CO.UK", "x.co.uk" },
	{ "gov.uk", NULL },
	{ "www.gov.uk", "www.gov.uk" },
	{ "ck", NULL },					/* *.ck with !www.ck */
	{ "foo.ck", NULL },
	{ "a.foo.ck", "a.foo.ck" },
	{ "b.a.foo.ck", "a.foo.ck" },
	{ "www.ck", "www.ck" },
	{ "a.www.ck", "www.ck" },
	{ "WWW.CK", "www.ck" },
	{ "foo.kawasaki.jp", NULL },			/* *.kawasaki.jp */
	{ "x.foo.kawasaki.jp", "x.foo.kawasaki.jp" },
	{ "city.kawasaki.jp", "city.kawasaki.jp" },	/* !city.kawasaki.jp */
	{ "mail.city.kawasaki.jp", "city.kawasaki.jp" },
	{ "b.bd", NULL },				/* *.bd */
	{ "x.b.bd", "x.b.bd" },
	{ "github.io", NULL },				/* private section */
	{ "foo.github.io", "foo.github.io" },
	{ "a.b.github.io", "b.github.io" },
	{ "UPPER.GitHub.IO", "upper.github.io" },
	{ "blogspot.com", NULL },
	{ "x.blogspot.com", "x.blogspot.com" },
	{ "y.compute.amazonaws.com", NULL },		/* private wildcard */
	{ "x.y.compute.amazonaws.com", "x.y.compute.amazonaws.com" },
	{ "bucket.s3.amazonaws.com", "bucket.s3.amazonaws.com" },
	{ "example", NULL },				/* implicit "*" rule */
	{ "dmarc.example", "dmarc.example" },
	{ "a.b.dmarc.example", "dmarc.example" },
	{ "foo.bar.unlistedtld", "bar.unlistedtld" },
	{ "x.y", "x.y" },
	{ "a", NULL },
	{ "xn--p1ai", NULL },				/* IDN TLD as A-label */
	{ "shop.example.xn--p1ai", "example.xn--p1ai" },
	{ "xn--bcher-kva.de", "xn--bcher-kva.de" },
	{ "b\xc3\xbc" "cher.de", NULL },		/* U-label: invalid here */
	{ "", NULL },
	{ ".", NULL },
	{ "a..example.com", NULL },
	{ ".example.com", NULL },
	{ "example.com..", NULL },
	{ "192.0.2.1", NULL },				/* address literal */
	{ "[192.0.2.1]", NULL },
	{ "exa mple.com", NULL },
	{ "user@example.com", NULL },
	{ "example.com\n", NULL },
	{ "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com", NULL },
};

START_TEST(test_get_table)
{
	struct orgdomain *od = od_default();
	char out[ORGDOMAIN_BUFSIZE];
	int rc = orgdomain_get(od, get_cases[_i].domain, out, sizeof(out));

	if (get_cases[_i].want == NULL) {
		ck_assert_msg(rc == -1, "'%s': got '%s', want none",
			      get_cases[_i].domain, out);
		ck_assert_str_eq(out, "");
	} else {
		ck_assert_msg(rc == 0, "'%s': got none, want '%s'",
			      get_cases[_i].domain, get_cases[_i].want);
		ck_assert_str_eq(out, get_cases[_i].want);
	}
	orgdomain_free(&od);
	ck_assert_ptr_null(od);
}
END_TEST

/* One row per identifier pair. */
static const struct {
	const char *a, *b;
	enum align_mode mode;
	int want;
} align_cases[] = {
	{ "x.example.com", "y.example.com", ALIGN_RELAXED, 1 },
	{ "x.example.com", "y.example.com", ALIGN_STRICT, 0 },
	{ "x.com", "y.com", ALIGN_RELAXED, 0 },		/* libopendmarc: 1 */
	{ "x.com", "y.com", ALIGN_STRICT, 0 },
	{ "x.com", "x.com", ALIGN_STRICT, 1 },
	{ "X.COM", "x.com", ALIGN_STRICT, 1 },
	{ "x.com", "a.x.com", ALIGN_RELAXED, 1 },
	{ "x.com", "a.x.com", ALIGN_STRICT, 0 },	/* libopendmarc: relaxed */
	{ "EXAMPLE.COM", "example.com", ALIGN_STRICT, 1 },
	{ "Mail.EXAMPLE.com", "example.com", ALIGN_RELAXED, 1 },
	{ "Mail.EXAMPLE.com", "mail.example.com", ALIGN_STRICT, 1 },
	{ "example.com.", "example.com", ALIGN_STRICT, 1 },
	{ "example.com", "example.com.", ALIGN_RELAXED, 1 },
	{ "example.com..", "example.com", ALIGN_STRICT, 0 },
	{ "example.com", "example.net", ALIGN_RELAXED, 0 },
	{ "example.com", "example.co.uk", ALIGN_RELAXED, 0 },
	{ "ample.com", "example.com", ALIGN_RELAXED, 0 },	/* not a label suffix */
	{ "example.com", "eexample.com", ALIGN_STRICT, 0 },
	{ "1.example.com", "2.example.com", ALIGN_RELAXED, 1 },
	{ "a.example.co.uk", "b.example.co.uk", ALIGN_RELAXED, 1 },
	{ "example.co.uk", "other.co.uk", ALIGN_RELAXED, 0 },
	{ "co.uk", "co.uk", ALIGN_STRICT, 1 },		/* a suffix: itself only */
	{ "co.uk", "co.uk", ALIGN_RELAXED, 1 },
	{ "co.uk", "example.co.uk", ALIGN_RELAXED, 0 },
	{ "com", "example.com", ALIGN_RELAXED, 0 },
	{ "a.foo.ck", "b.foo.ck", ALIGN_RELAXED, 0 },	/* wildcard */
	{ "a.foo.ck", "x.a.foo.ck", ALIGN_RELAXED, 1 },
	{ "www.ck", "a.www.ck", ALIGN_RELAXED, 1 },	/* exception */
	{ "a.www.ck", "b.www.ck", ALIGN_RELAXED, 1 },
	{ "www.ck", "foo.ck", ALIGN_RELAXED, 0 },
	{ "city.kawasaki.jp", "www.city.kawasaki.jp", ALIGN_RELAXED, 1 },
	{ "a.foo.kawasaki.jp", "b.foo.kawasaki.jp", ALIGN_RELAXED, 0 },
	{ "foo.github.io", "bar.github.io", ALIGN_RELAXED, 0 },	/* private */
	{ "a.foo.github.io", "foo.github.io", ALIGN_RELAXED, 1 },
	{ "x.y.compute.amazonaws.com", "z.y.compute.amazonaws.com", ALIGN_RELAXED, 0 },
	{ "a.b.dmarc.example", "dmarc.example", ALIGN_RELAXED, 1 },
	{ "a.b.dmarc.example", "dmarc.example", ALIGN_STRICT, 0 },
	{ "sub.dmarc.example", "other.example", ALIGN_RELAXED, 0 },
	{ "", "", ALIGN_STRICT, 0 },			/* invalid: never aligned */
	{ "", "", ALIGN_RELAXED, 0 },
	{ "192.0.2.1", "192.0.2.1", ALIGN_STRICT, 0 },
	{ "a..example.com", "example.com", ALIGN_RELAXED, 0 },
	{ "example.com", "user@example.com", ALIGN_RELAXED, 0 },
};

START_TEST(test_align_table)
{
	struct orgdomain *od = od_default();
	int got = orgdomain_aligned(od, align_cases[_i].a, align_cases[_i].b,
				    align_cases[_i].mode);

	ck_assert_msg(got == align_cases[_i].want, "'%s' ~ '%s' (%s): got %d want %d",
		      align_cases[_i].a, align_cases[_i].b,
		      align_cases[_i].mode == ALIGN_STRICT ? "strict" : "relaxed",
		      got, align_cases[_i].want);
	/* alignment is symmetric */
	ck_assert_int_eq(orgdomain_aligned(od, align_cases[_i].b, align_cases[_i].a,
					   align_cases[_i].mode), got);
	orgdomain_free(&od);
}
END_TEST

START_TEST(test_sources)
{
	const char *error = NULL;
	struct orgdomain *od = od_default();
	char out[ORGDOMAIN_BUFSIZE];

	ck_assert_str_eq(orgdomain_source(od), ORGDOMAIN_DEFAULT_PSL);
	orgdomain_free(&od);
	orgdomain_free(&od);	/* NULL is fine */

	/* libpsl's compiled form of the list loads as well */
	od = orgdomain_new("/usr/share/publicsuffix/public_suffix_list.dafsa", &error);
	ck_assert_msg(od != NULL, "dafsa: %s", error ? error : "?");
	ck_assert_int_eq(orgdomain_get(od, "a.www.ck", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "www.ck");
	orgdomain_free(&od);

	/* a named file that is missing is an error, not a silent fallback */
	error = NULL;
	od = orgdomain_new("/nonexistent/public_suffix_list.dat", &error);
	ck_assert_ptr_null(od);
	ck_assert_ptr_nonnull(error);
}
END_TEST

/* a named list that is not a regular file is refused before libpsl reads it (issue 19) */
static const char *const not_regular_psl[] = { "/dev/zero", "/tmp", "/dev/null" };

START_TEST(test_not_regular_file)
{
	const char *error = NULL;
	struct orgdomain *od = orgdomain_new(not_regular_psl[_i], &error);

	ck_assert_ptr_null(od);
	ck_assert_str_eq(error, "the public suffix list is not a regular file");
}
END_TEST

START_TEST(test_own_list_file)
{
	char path[] = "/tmp/test_orgdomain_XXXXXX";
	int fd = mkstemp(path);
	FILE *f;
	const char *error = NULL;
	struct orgdomain *od;
	char out[ORGDOMAIN_BUFSIZE];

	ck_assert_int_ge(fd, 0);
	f = fdopen(fd, "w");
	fputs("// a tiny list\nzz\nco.zz\n*.wild.zz\n!keep.wild.zz\n", f);
	fclose(f);
	od = orgdomain_new(path, &error);
	unlink(path);
	ck_assert_msg(od != NULL, "orgdomain_new: %s", error ? error : "?");
	ck_assert_str_eq(orgdomain_source(od), path);
	ck_assert_int_eq(orgdomain_get(od, "a.b.co.zz", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "b.co.zz");
	ck_assert_int_eq(orgdomain_get(od, "x.other.wild.zz", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "x.other.wild.zz");
	ck_assert_int_eq(orgdomain_get(od, "x.keep.wild.zz", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "keep.wild.zz");
	ck_assert_int_eq(orgdomain_get(od, "other.wild.zz", out, sizeof(out)), -1);
	/* com is not in this list, but the implicit "*" rule still applies */
	ck_assert_int_eq(orgdomain_get(od, "www.example.com", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "example.com");
	orgdomain_free(&od);
}
END_TEST

START_TEST(test_small_buffer)
{
	struct orgdomain *od = od_default();
	char out[12];

	ck_assert_int_eq(orgdomain_get(od, "www.example.com", out, 12), 0);
	ck_assert_str_eq(out, "example.com");
	ck_assert_int_eq(orgdomain_get(od, "www.example.com", out, 11), -1);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(orgdomain_get(od, "www.example.com", out, 0), -1);
	orgdomain_free(&od);
}
END_TEST

struct worker {
	const struct orgdomain *od;
	int errors;
};

static void *
get_worker(void *arg)
{
	struct worker *w = arg;
	char out[ORGDOMAIN_BUFSIZE];
	size_t n = (size_t)TEST_ROWS(get_cases);

	for (int round = 0; round < 200; round++)
		for (size_t i = 0; i < n; i++) {
			int rc = orgdomain_get(w->od, get_cases[i].domain, out, sizeof(out));

			if (get_cases[i].want == NULL ? rc != -1
			    : rc != 0 || strcmp(out, get_cases[i].want) != 0)
				w->errors++;
		}
	return NULL;
}

/* One list shared by many threads gives every thread the same answers. */
START_TEST(test_shared_between_threads)
{
	struct orgdomain *od = od_default();
	pthread_t th[8];
	struct worker w[8];

	for (int i = 0; i < 8; i++) {
		w[i].od = od;
		w[i].errors = 0;
		ck_assert_int_eq(pthread_create(&th[i], NULL, get_worker, &w[i]), 0);
	}
	for (int i = 0; i < 8; i++) {
		pthread_join(th[i], NULL);
		ck_assert_int_eq(w[i].errors, 0);
	}
	orgdomain_free(&od);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("orgdomain");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_get_table, 0, TEST_ROWS(get_cases));
	tcase_add_loop_test(tc, test_align_table, 0, TEST_ROWS(align_cases));
	tcase_add_test(tc, test_sources);
	tcase_add_test(tc, test_own_list_file);
	tcase_add_loop_test(tc, test_not_regular_file, 0, TEST_ROWS(not_regular_psl));
	tcase_add_test(tc, test_small_buffer);
	tcase_add_test(tc, test_shared_between_threads);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
