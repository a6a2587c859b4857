/*
 * test_alerts_reader - the streaming line reader of dmarcguard-alerts
 * (tools/alerts/reader.h): plain and gzip files read alike (also gzip
 * members one after another, as "cat a.gz b.gz" leaves them), "\r\n",
 * a last line without newline, empty lines, a line over the limit
 * skipped and counted, a cut gzip file reported as an error after what
 * it did hold, and the follow-mode descriptor reader holding a partial
 * line until its newline arrives.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "reader.h"
#include "test_main.h"

static char path[64];

static void
write_plain(const char *data, size_t len)
{
	int fd;

	strcpy(path, "/tmp/alerts-reader-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	close(fd);
}

/* write_gz - data as members gzip members (split evenly) */
static void
write_gz(const char *data, size_t len, int members)
{
	size_t done = 0;

	write_plain("", 0);	/* a fresh empty file to append members to */
	for (int m = 0; m < members; m++) {
		gzFile gz = gzopen(path, "ab");
		size_t n = m + 1 == members ? len - done : len / (size_t)members;

		ck_assert_ptr_nonnull(gz);
		ck_assert_int_eq(gzwrite(gz, data + done, (unsigned)n), (int)n);
		gzclose(gz);
		done += n;
	}
}

/* read_all - the lines joined with "|" */
static int
read_all(char *out, size_t size, unsigned long *overlong)
{
	const char *why, *line;
	struct reader *r = reader_open(path, &why);
	enum reader_status st;
	size_t len;

	ck_assert_ptr_nonnull(r);
	out[0] = '\0';
	while ((st = reader_next(r, &line, &len)) == READER_LINE) {
		if (strlen(out) + len + 2 < size) {
			strcat(out, "|");
			strncat(out, line, len);
		}
	}
	*overlong = reader_overlong(r);
	reader_close(&r);
	return st;
}

static const struct {
	const char *what;
	const char *data;
	const char *want;
} cases[] = {
	{ "lines", "a\nbb\nccc\n", "|a|bb|ccc" },
	{ "no final newline", "a\nbb", "|a|bb" },
	{ "CRLF", "a\r\nbb\r\n", "|a|bb" },
	{ "empty lines", "\n\na\n\n", "|||a|" },
	{ "empty input", "", "" },
	{ "lone CR kept inside", "a\rb\n", "|a\rb" },
};

START_TEST(test_plain_and_gz)
{
	char got[256];
	unsigned long overlong;

	for (int gz = 0; gz <= 2; gz++) {
		if (gz == 0)
			write_plain(cases[_i].data, strlen(cases[_i].data));
		else
			write_gz(cases[_i].data, strlen(cases[_i].data), gz);
		ck_assert_int_eq(read_all(got, sizeof(got), &overlong), READER_EOF);
		ck_assert_msg(strcmp(got, cases[_i].want) == 0, "%s (gz %d): \"%s\"",
			      cases[_i].what, gz, got);
		unlink(path);
	}
}
END_TEST

START_TEST(test_overlong)
{
	size_t big = READER_MAX_LINE + 5000;
	char *data = malloc(big + 32), got[64];
	unsigned long overlong;

	strcpy(data, "first\n");
	memset(data + 6, 'x', big);
	strcpy(data + 6 + big, "\nlast\n");
	write_gz(data, strlen(data), 1);
	ck_assert_int_eq(read_all(got, sizeof(got), &overlong), READER_EOF);
	ck_assert_str_eq(got, "|first|last");
	ck_assert_uint_eq(overlong, 1);
	unlink(path);
	free(data);
}
END_TEST

START_TEST(test_cut_gz)
{
	char data[4096], got[8192], *copy;
	unsigned long overlong;
	FILE *f;
	long size;

	for (int i = 0; i < 100; i++)
		snprintf(data + 40 * i, 41, "line %034d\n", i);
	write_gz(data, strlen(data), 1);
	f = fopen(path, "rb");
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	copy = malloc((size_t)size);
	ck_assert_int_eq(fread(copy, 1, (size_t)size, f), size);
	fclose(f);
	unlink(path);
	write_plain(copy, (size_t)size - 10);	/* trailer and some data gone */
	ck_assert_int_eq(read_all(got, sizeof(got), &overlong), READER_ERROR);
	ck_assert_ptr_nonnull(strstr(got, "|line 0000"));
	unlink(path);
	free(copy);
}
END_TEST

START_TEST(test_missing_file)
{
	const char *why = NULL;

	ck_assert_ptr_null(reader_open("/nonexistent/alerts.log", &why));
	ck_assert_str_eq(why, "No such file or directory");
}
END_TEST

START_TEST(test_follow_partial)
{
	int fds[2];
	struct reader *r;
	const char *line;
	size_t len;

	ck_assert_int_eq(pipe(fds), 0);
	r = reader_fd(fds[0], 1);
	ck_assert_int_eq(write(fds[1], "one\ntw", 6), 6);
	ck_assert_int_eq(reader_next(r, &line, &len), READER_LINE);
	ck_assert_int_eq((int)len, 3);
	ck_assert_int_eq(reader_next(r, &line, &len), READER_EOF);	/* "tw" held */
	ck_assert_int_eq(reader_at_eof(r), 0);
	ck_assert_int_eq(write(fds[1], "o\n", 2), 2);
	ck_assert_int_eq(reader_next(r, &line, &len), READER_LINE);
	ck_assert_int_eq(memcmp(line, "two", 3), 0);
	ck_assert_int_eq(write(fds[1], "three", 5), 5);
	close(fds[1]);
	ck_assert_int_eq(reader_next(r, &line, &len), READER_EOF);
	ck_assert_int_eq(reader_at_eof(r), 1);
	ck_assert_int_eq(reader_take_partial(r, &line, &len), 1);
	ck_assert_int_eq(memcmp(line, "three", 5), 0);
	ck_assert_int_eq(reader_take_partial(r, &line, &len), 0);
	reader_close(&r);
	close(fds[0]);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("alerts_reader");
	TCase *tc = tcase_create("reader");

	tcase_add_loop_test(tc, test_plain_and_gz, 0, TEST_ROWS(cases));
	tcase_add_test(tc, test_overlong);
	tcase_add_test(tc, test_cut_gz);
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_follow_partial);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
