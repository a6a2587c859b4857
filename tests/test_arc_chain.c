/*
 * test_arc_chain - the ARC chain verifier (lib/arc) against Mail::DKIM's
 * ARC verifier, through real DNS: every chain of tests/arc/chains/ (made
 * by tests/arc/make-chains.pl with Mail::DKIM's ARC signer) must get the
 * result tests/arc/oracle.txt records for us, which is Mail::DKIM's
 * except on the rows whose note gives the RFC 8617 reason; for the
 * failures, the reason we give is checked too. Keys come from nsd
 * serving tests/zones/arc.example.zone. The unit rows feed malformed ARC
 * fields that must fail cleanly, never crash, and never pass.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arc_base64.h"
#include "arc_feed.h"
#include "arc_chain.h"
#include "arc_key.h"
#include "arc_tags.h"
#include "dns_fixture.h"
#include "resolver.h"
#include "test_main.h"
#include "test_paths.h"

#define MAX_ROWS 128

struct row {
	char file[128];
	char oracle[8];
	char ours[8];
};

static struct row rows[MAX_ROWS];
static int nrows;

/* load_oracle - tests/arc/oracle.txt into rows[] */
static void
load_oracle(void)
{
	char path[4096], line[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/arc/oracle.txt", test_source_dir());
	if ((f = fopen(path, "r")) == NULL) {
		fprintf(stderr, "%s: cannot open\n", path);
		exit(1);
	}
	while (fgets(line, sizeof(line), f) != NULL && nrows < MAX_ROWS) {
		struct row *r = &rows[nrows];

		if (line[0] == '#')
			continue;
		if (sscanf(line, "%127[^\t]\t%7[^\t]\t%7[^\t]", r->file, r->oracle, r->ours) == 3)
			nrows++;
	}
	fclose(f);
}

/* verify_file - our result for tests/arc/chains/FILE; the reason into *reason_r */
static enum arc_chain_status
verify_file(const char *file, const char **reason_r, unsigned *instances_r)
{
	struct arc_chain_settings settings;
	struct arc_chain *c;
	struct resolver *resolver;
	const struct arc_chain_result *r;
	const char *error = NULL;
	char path[4096];
	enum arc_chain_status st;
	FILE *f;

	snprintf(path, sizeof(path), "%s/arc/chains/%s", test_source_dir(), file);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "%s", path);
	arc_chain_settings_init(&settings);
	c = arc_chain_new(&settings, &error);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(arc_feed_file(c, f), 0);
	fclose(f);
	/* one resolver per test: Check forks each test, and the poller thread does not follow */
	resolver = dns_fixture_resolver(NULL, 3000);
	r = arc_chain_finish(c, resolver);
	st = r->status;
	*reason_r = r->reason;
	*instances_r = r->instances;
	arc_chain_free(&c);
	ck_assert_ptr_null(c);
	resolver_free(&resolver);
	return st;
}

START_TEST(test_oracle)
{
	const struct row *r = &rows[_i];
	const char *reason = NULL;
	unsigned n = 0;
	enum arc_chain_status st = verify_file(r->file, &reason, &n);

	ck_assert_msg(strcmp(arc_chain_status_name(st), r->ours) == 0,
		      "%s: we say %s (%s), the table says %s (Mail::DKIM: %s)", r->file,
		      arc_chain_status_name(st), reason ? reason : "-", r->ours, r->oracle);
	if (st == ARC_CHAIN_PASS)
		ck_assert_ptr_null(reason);
	else if (st == ARC_CHAIN_FAIL)
		ck_assert_ptr_nonnull(reason);
}
END_TEST

/* the reason each failing chain must give (a fail for the wrong reason is a bug too) */
static const struct {
	const char *prefix;
	const char *reason;
	unsigned instances;
} reasons[] = {
	{ "02-", NULL, 1 },
	{ "06-", NULL, 5 },
	{ "19-", "body-hash-mismatch", 2 },
	{ "20-", "body-hash-mismatch", 1 },
	{ "21-", "signature-mismatch", 2 },
	{ "22-", "signature-mismatch", 2 },
	{ "23-", "signature-mismatch", 2 },
	{ "24-", "signature-mismatch", 2 },
	{ "25-", "signature-mismatch", 3 },
	{ "26-", "cv-invalid", 2 },
	{ "27-", "cv-invalid", 2 },
	{ "28-", "newest-seal-cv-fail", 2 },
	{ "30-", "instance-duplicate", 0 },
	{ "31-", "instance-duplicate", 0 },
	{ "32-", "instance-duplicate", 0 },
	{ "33-", "instance-missing", 0 },
	{ "34-", "instance-missing", 0 },
	{ "35-", "instance-missing", 0 },
	{ "36-", "seal-syntax", 0 },
	{ "37-", "aar-syntax", 0 },
	{ "38-", "key-too-short", 1 },
	{ "39-", "key-revoked", 1 },
	{ "40-", "key-not-found", 2 },
	{ "41-", "key-not-for-email", 1 },
	{ "42-", "key-not-sha256", 1 },
	{ "43-", "key-dns-temperror", 1 },
	{ "44-", "ams-covers-seal", 2 },
	{ "45-", "seal-syntax", 0 },
	{ "46-", NULL, 2 },
	{ "47-", NULL, 2 },
	{ "48-", "ams-covers-field-above-chain", 2 },
	{ "49-", "ams-covers-field-above-chain", 2 },
};

START_TEST(test_reason)
{
	const char *reason = NULL, *file = NULL;
	unsigned n = 0;

	for (int i = 0; i < nrows; i++)
		if (strncmp(rows[i].file, reasons[_i].prefix, strlen(reasons[_i].prefix)) == 0)
			file = rows[i].file;
	ck_assert_msg(file != NULL, "no chain %s in oracle.txt", reasons[_i].prefix);
	verify_file(file, &reason, &n);
	if (reasons[_i].reason == NULL)
		ck_assert_msg(reason == NULL, "%s: %s", file, reason);
	else
		ck_assert_msg(reason != NULL && strcmp(reason, reasons[_i].reason) == 0,
			      "%s: reason %s, want %s", file, reason ? reason : "-",
			      reasons[_i].reason);
	ck_assert_uint_eq(n, reasons[_i].instances);
}
END_TEST

/* malformed ARC fields: each must end in fail with this reason, not a crash */
static const struct {
	const char *name, *value, *reason;
} malformed[] = {
	{ "ARC-Seal", " x", "seal-syntax" },
	{ "ARC-Seal", "", "seal-syntax" },
	{ "arc-seal", " i=51; a=rsa-sha256; cv=none; d=a.example; s=s; b=AA==", "instance-invalid" },
	{ "ARC-Seal", " i=0; cv=none", "instance-invalid" },
	{ "ARC-Seal", " i=1x; cv=none", "instance-invalid" },
	{ "ARC-Seal", " i=99999999999999999999; cv=none", "instance-invalid" },
	{ "ARC-Seal", " a=rsa-sha256; cv=none", "instance-invalid" },
	{ "ARC-Seal", " i=1; i=1", "seal-syntax" },
	{ "ARC-Seal", " i=1;;cv=none", "seal-syntax" },
	{ "ARC-Seal", " i=1; =x", "seal-syntax" },
	{ "ARC-Message-Signature", " i=1; 1a=x", "ams-syntax" },
	{ "ARC-Authentication-Results", " none", "aar-syntax" },
	{ "ARC-Authentication-Results", " i=1 example.net", "aar-syntax" },
	{ "ARC-Authentication-Results", " i=51; example.net; none", "instance-invalid" },
	{ "ARC-Seal", " i=1; cv=none; a=rsa-sha256; d=a.example; s=s; b=AA==", "instance-missing" },
	{ "ARC-Seal", " i=2; cv=pass; a=rsa-sha256; d=a.example; s=s; b=AA==", "instance-missing" },
};

START_TEST(test_malformed)
{
	struct arc_chain_settings settings;
	const char *error = NULL;
	struct arc_chain *c;
	const struct arc_chain_result *r;

	arc_chain_settings_init(&settings);
	c = arc_chain_new(&settings, &error);
	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(arc_chain_header(c, "From", " a@b.example", 12), 0);
	ck_assert_int_eq(arc_chain_header(c, malformed[_i].name, malformed[_i].value,
					  strlen(malformed[_i].value)), 0);
	ck_assert_int_eq(arc_chain_eoh(c), 0);
	ck_assert_int_eq(arc_chain_body(c, (const unsigned char *)"hi\r\n", 4), 0);
	r = arc_chain_finish(c, NULL);	/* no look-up may happen */
	ck_assert_int_eq(r->status, ARC_CHAIN_FAIL);
	ck_assert_str_eq(r->reason, malformed[_i].reason);
	arc_chain_free(&c);
}
END_TEST

/*
 * memory held at the end of the headers: nothing for mail without ARC
 * fields (issue 14), and only the fields from the first ARC field on
 * otherwise; 2,000 fields of 200 octets each, an ARC-Seal at `arc_at`
 */
static const struct {
	int arc_at;			/* field index of the ARC-Seal, -1: none */
	size_t min_held, max_held;	/* bytes, mallinfo2 before/after */
} held[] = {
	{ -1, 0, 0 },
	{ 1999, 0, 64 * 1024 },
	{ 1000, 200 * 1000, 2 * 200 * 1000 },
	{ 0, 200 * 2000, 2 * 200 * 2000 },
};

/*
 * mallinfo_counts - whether mallinfo2 sees this process's allocations (not
 * under ASan, whose allocator glibc knows nothing of)
 */
static int
mallinfo_counts(void)
{
	size_t before = mallinfo2().uordblks;
	void *volatile p = malloc(1 << 16);
	size_t after = mallinfo2().uordblks;

	free(p);
	return after >= before + (1 << 16);
}

START_TEST(test_memory_held)
{
	struct arc_chain_settings settings;
	const char *error = NULL;
	struct arc_chain *c;
	char value[200];
	size_t before, after;

	if (!mallinfo_counts()) {
		fprintf(stderr, "test_memory_held: mallinfo2 does not count here (ASan?): not measured\n");
		return;
	}
	memset(value, 'x', sizeof(value));
	value[0] = ' ';
	arc_chain_settings_init(&settings);
	c = arc_chain_new(&settings, &error);
	ck_assert_ptr_nonnull(c);
	before = mallinfo2().uordblks;
	for (int i = 0; i < 2000; i++) {
		if (i == held[_i].arc_at)
			ck_assert_int_eq(arc_chain_header(c, "ARC-Seal", " i=1; cv=none", 13), 0);
		else
			ck_assert_int_eq(arc_chain_header(c, i % 2 ? "Received" : "X-Filler",
							  value, sizeof(value)), 0);
	}
	ck_assert_int_eq(arc_chain_eoh(c), 0);
	after = mallinfo2().uordblks;
	ck_assert_msg(after - before >= held[_i].min_held && after - before <= held[_i].max_held,
		      "ARC-Seal at %d: %zu bytes held, want %zu..%zu", held[_i].arc_at,
		      after - before, held[_i].min_held, held[_i].max_held);
	arc_chain_free(&c);
}
END_TEST

START_TEST(test_out_of_order)
{
	struct arc_chain_settings settings;
	const char *error = NULL;
	struct arc_chain *c;

	arc_chain_settings_init(&settings);
	c = arc_chain_new(&settings, &error);
	ck_assert_int_eq(arc_chain_body(c, (const unsigned char *)"x", 1), -1);
	ck_assert_int_eq(arc_chain_finish(c, NULL)->status, ARC_CHAIN_FAIL);
	ck_assert_str_eq(arc_chain_finish(c, NULL)->reason, "internal-error");
	arc_chain_free(&c);
	arc_chain_free(&c);	/* NULL is fine */
}
END_TEST

static const struct {
	const char *in;
	long want;		/* length, or -1 */
} b64[] = {
	{ "", 0 }, { "AA==", 1 }, { "AAA=", 2 }, { "AAAA", 3 }, { " A A\r\n\tA A ", 3 },
	{ "AA", 1 }, { "AB==", -1 }, { "A===", -1 }, { "AA=A", -1 }, { "A*AA", -1 },
	/* the four-digit fast path: across folds, into padding, at the end of out */
	{ "QUJD REVG\r\n\tR0g=", 8 }, { "QUJDREVGR0g=", 8 }, { "QUJDREVGR0hJ", -1 },
	{ "QUJDREVG", 6 }, { "QUJD=EVG", -1 }, { "QUJDRE\tVG", 6 }, { "QUJDREV*", -1 },
};

START_TEST(test_base64)
{
	unsigned char out[8];

	static const unsigned char want[] = "ABCDEFGH";
	long n = arc_base64_decode(b64[_i].in, strlen(b64[_i].in), out, sizeof(out));

	ck_assert_int_eq(n, b64[_i].want);
	if (n > 3)
		ck_assert_mem_eq(out, want, (size_t)n);
}
END_TEST

static const struct {
	const char *record, *reason;	/* NULL: a key */
} keys[] = {
	{ "v=DKIM1; k=rsa; p=", "key-revoked" },
	{ "k=ed25519; p=/IAHtCw08MANVrAfqdajTCZ4mzHVuR+Q/kUFYxXQMdY=", "key-not-rsa" },
	{ "p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQC/+yNV/k1yXWcytRsse0cBYTigJSftMHk8N1e/zzg5LuoQ"
	  "O96JPGLcW3QPenPRx9Z5stttLdd/O9pp7tGktg0RRJsiAhqYNW+55mibTlEBj/bWN9h5N67J1jxOcw/Mo5aDc"
	  "xE9hta5BgDFeZbB2zEeily6ZQTZJ8T0W5RvAa9ebwIDAQAB; x_unknown=1", NULL },
	{ "k=rsa; v=DKIM1; p=AAAA", "key-syntax" },
	{ "v=DKIM1; k=rsa; p=%%", "key-syntax" },
	{ "v=DKIM1; k=rsa; p=AAAA", "key-syntax" },
	{ "v=DKIM1; k=rsa", "key-syntax" },
	{ "garbage", "key-syntax" },
	{ "p=MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAMNN3KuB62HMBG+DtqoPI7we3rRESTFdbhfTgHdOEmXwD+Q4i8Do"
	  "BQ2zOA6nqWTJ/MWQr9yoKWAyv5jhOw4w2UECAwEAAQ==", "key-too-short" },
};

START_TEST(test_key_record)
{
	const char *reason = NULL;
	EVP_PKEY *k = arc_key_parse(keys[_i].record, strlen(keys[_i].record), 1024, &reason);

	if (keys[_i].reason == NULL) {
		ck_assert_msg(k != NULL, "%s", reason);
		EVP_PKEY_free(k);
	} else {
		ck_assert_ptr_null(k);
		ck_assert_str_eq(reason, keys[_i].reason);
	}
}
END_TEST

static void
dns_up(void)
{
	dns_fixture_up();
}

static void
dns_down(void)
{
	dns_fixture_down();
}

int
main(void)
{
	Suite *s = suite_create("arc_chain");
	TCase *unit = tcase_create("unit");
	TCase *oracle = tcase_create("oracle");

	load_oracle();
	if (nrows < 40) {
		fprintf(stderr, "tests/arc/oracle.txt: only %d chains\n", nrows);
		return 1;
	}
	tcase_add_loop_test(unit, test_malformed, 0, TEST_ROWS(malformed));
	tcase_add_test(unit, test_out_of_order);
	tcase_add_loop_test(unit, test_memory_held, 0, TEST_ROWS(held));
	tcase_add_loop_test(unit, test_base64, 0, TEST_ROWS(b64));
	tcase_add_loop_test(unit, test_key_record, 0, TEST_ROWS(keys));
	suite_add_tcase(s, unit);
	tcase_add_unchecked_fixture(oracle, dns_up, dns_down);
	tcase_set_timeout(oracle, 120);
	tcase_add_loop_test(oracle, test_oracle, 0, nrows);
	tcase_add_loop_test(oracle, test_reason, 0, TEST_ROWS(reasons));
	suite_add_tcase(s, oracle);
	return test_run_suite(s);
}
