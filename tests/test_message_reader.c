/*
 * test_message_reader - stored messages split the way an MTA hands them
 * to a milter. Each row writes a message to a temporary file, feeds it to
 * a recording sink and compares what arrived: header fields (name, value
 * with its leading space and "\n" folds, len counting NUL bytes), the end
 * of headers, the body bytes. Then bodies over 64 KB in chunks, header
 * lines over 1 MB, and sinks that fail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "message_reader.h"
#include "test_main.h"

#define CHUNK_MAX 65536
#define MB (1024 * 1024)

/* S - a literal with its length, so rows can hold NUL bytes */
#define S(lit) lit, sizeof(lit) - 1

struct buf {
	char *p;
	size_t len, cap;
};

static void
buf_add(struct buf *b, const void *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->p = realloc(b->p, b->cap);
		ck_assert_ptr_nonnull(b->p);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* the recording sink; fail_* say which call returns fail_rc (1-based, 0: none) */
struct record {
	struct buf events;		/* "Name:[value]\n" per field, "EOH\n" */
	struct buf body;
	size_t headers, eohs, chunks, max_chunk;
	size_t fail_header, fail_eoh, fail_body;
	int fail_rc;
};

static void
add_escaped(struct buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '\n': buf_add(b, "\\n", 2); break;
		case '\r': buf_add(b, "\\r", 2); break;
		case '\t': buf_add(b, "\\t", 2); break;
		case '\0': buf_add(b, "\\0", 2); break;
		case '\\': buf_add(b, "\\\\", 2); break;
		default: buf_add(b, s + i, 1); break;
		}
	}
}

static int
on_header(void *ctx, const char *name, const char *value, size_t len)
{
	struct record *r = ctx;

	r->headers++;
	add_escaped(&r->events, name, strlen(name));
	buf_add(&r->events, ":[", 2);
	add_escaped(&r->events, value, len);
	buf_add(&r->events, "]\n", 2);
	/* the value is NUL-terminated at len as well */
	ck_assert_int_eq(value[len], '\0');
	return r->headers == r->fail_header ? r->fail_rc : 0;
}

static int
on_eoh(void *ctx)
{
	struct record *r = ctx;

	r->eohs++;
	buf_add(&r->events, "EOH\n", 4);
	return r->fail_eoh ? r->fail_rc : 0;
}

static int
on_body(void *ctx, const unsigned char *chunk, size_t len)
{
	struct record *r = ctx;

	ck_assert_uint_gt(len, 0);
	r->chunks++;
	if (len > r->max_chunk)
		r->max_chunk = len;
	buf_add(&r->body, chunk, len);
	return r->chunks == r->fail_body ? r->fail_rc : 0;
}

/* feed - write text to a temporary file and read it back through r */
static int
feed(const char *text, size_t len, struct record *r)
{
	struct message_reader_sink sink = { on_header, on_eoh, on_body, r };
	FILE *f = tmpfile();
	int rc;

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	rewind(f);
	rc = message_reader_feed(f, &sink);
	fclose(f);
	if (r->events.p == NULL)
		buf_add(&r->events, "", 0);
	if (r->body.p == NULL)
		buf_add(&r->body, "", 0);
	return rc;
}

static void
record_free(struct record *r)
{
	free(r->events.p);
	free(r->body.p);
}

static const struct {
	const char *what;
	const char *text;
	size_t len;
	const char *want_events;
	const char *want_body;
	size_t want_body_len;
} messages[] = {
	{ "LF", S("From: a@example.org\nSubject: hi\n\nbody line\nmore\n"),
	  "From:[ a@example.org]\nSubject:[ hi]\nEOH\n", S("body line\nmore\n") },
	{ "CRLF: line ends stripped from fields, body kept as it is",
	  S("From: a@example.org\r\nSubject: hi\r\n\r\nbody line\r\nmore\r\n"),
	  "From:[ a@example.org]\nSubject:[ hi]\nEOH\n", S("body line\r\nmore\r\n") },
	{ "folded with LF: joined with \\n, white space kept",
	  S("Subject: one\n two\n\tthree\nTo: b\n\nx\n"),
	  "Subject:[ one\\n two\\n\\tthree]\nTo:[ b]\nEOH\n", S("x\n") },
	{ "folded with CRLF: joined with bare \\n",
	  S("Subject: one\r\n  two\r\n\r\n"), "Subject:[ one\\n  two]\nEOH\n", S("") },
	{ "no space after the colon", S("X-A:b\n\n"), "X-A:[b]\nEOH\n", S("") },
	{ "colons after the first stay in the value", S("X-Time: 12:30:00\n\n"),
	  "X-Time:[ 12:30:00]\nEOH\n", S("") },
	{ "a line without colon ends the headers and starts the body",
	  S("From: a\nthis is not a header\nTo: b\n\nlast\n"),
	  "From:[ a]\nEOH\n", S("this is not a header\nTo: b\n\nlast\n") },
	{ "same with CRLF: the line goes to the body whole",
	  S("From: a\r\nnot a header\r\nrest\r\n"), "From:[ a]\nEOH\n",
	  S("not a header\r\nrest\r\n") },
	{ "a line starting with a colon is not a header", S("From: a\n:odd\n"),
	  "From:[ a]\nEOH\n", S(":odd\n") },
	{ "the first line not a header: no fields at all", S("hello world\nFrom: a\n"),
	  "EOH\n", S("hello world\nFrom: a\n") },
	{ "headers and blank line, no body", S("From: a\nTo: b\n\n"),
	  "From:[ a]\nTo:[ b]\nEOH\n", S("") },
	{ "no blank line at all", S("From: a\nTo: b\n"), "From:[ a]\nTo:[ b]\nEOH\n", S("") },
	{ "no final line break", S("From: a\nSubject: last"),
	  "From:[ a]\nSubject:[ last]\nEOH\n", S("") },
	{ "a fold on the last line without line break", S("Subject: a\n b"),
	  "Subject:[ a\\n b]\nEOH\n", S("") },
	{ "empty value", S("X-Empty:\nTo: b\n\n"), "X-Empty:[]\nTo:[ b]\nEOH\n", S("") },
	{ "empty value with CRLF", S("X-Empty:\r\n\r\n"), "X-Empty:[]\nEOH\n", S("") },
	{ "only white space after the colon", S("X-Blank:   \n\n"), "X-Blank:[   ]\nEOH\n",
	  S("") },
	{ "a white-space-only line continues the field", S("A: 1\n \nB: 2\n\n"),
	  "A:[ 1\\n ]\nB:[ 2]\nEOH\n", S("") },
	{ "NUL inside a value: kept and counted", S("X-Nul: a\0b\nTo: c\n\n"),
	  "X-Nul:[ a\\0b]\nTo:[ c]\nEOH\n", S("") },
	{ "NUL inside a folded value", S("X-Nul: a\n \0\n\n"), "X-Nul:[ a\\n \\0]\nEOH\n",
	  S("") },
	{ "body bytes as they are, NUL and CR included", S("A: 1\r\n\r\nx\0y\r\nz"),
	  "A:[ 1]\nEOH\n", S("x\0y\r\nz") },
	{ "a header-looking line in the body is body", S("A: 1\n\nB: 2\n"),
	  "A:[ 1]\nEOH\n", S("B: 2\n") },
	{ "blank line first: no fields, all body", S("\nFrom: a\n"), "EOH\n",
	  S("From: a\n") },
	{ "CRLF blank line first", S("\r\nbody\r\n"), "EOH\n", S("body\r\n") },
	{ "empty file", S(""), "EOH\n", S("") },
};

START_TEST(test_message)
{
	struct record r = { 0 };
	int rc = feed(messages[_i].text, messages[_i].len, &r);

	ck_assert_msg(rc == 0, "%s: rc %d", messages[_i].what, rc);
	ck_assert_msg(strcmp(r.events.p, messages[_i].want_events) == 0,
		      "%s:\ngot  [%s]\nwant [%s]", messages[_i].what, r.events.p,
		      messages[_i].want_events);
	ck_assert_msg(r.body.len == messages[_i].want_body_len
		      && memcmp(r.body.p, messages[_i].want_body, r.body.len) == 0,
		      "%s: body [%s] (%zu bytes), want [%s]", messages[_i].what, r.body.p,
		      r.body.len, messages[_i].want_body);
	ck_assert_uint_eq(r.eohs, 1);
	/* no body at all means no body call, not an empty one */
	ck_assert_uint_eq(r.chunks == 0, messages[_i].want_body_len == 0);
	record_free(&r);
}
END_TEST

/* big - headers, then body_len bytes: text lines, or one line of fill bytes */
static char *
big(const char *headers, size_t body_len, char fill, size_t *len_r)
{
	size_t hlen = strlen(headers);
	char *m = malloc(hlen + body_len + 1);

	ck_assert_ptr_nonnull(m);
	memcpy(m, headers, hlen);
	for (size_t i = 0; i < body_len; i++)
		m[hlen + i] = fill ? fill : (i % 77 == 76) ? '\n' : (char)('a' + i % 26);
	*len_r = hlen + body_len;
	return m;
}

static const struct {
	const char *what;
	const char *headers;
	size_t body_len;
	char fill;			/* 0: lines of text; else one line of this byte */
	size_t min_chunks;
} bodies[] = {
	{ "body over 64 KB after a blank line", "From: a\r\n\r\n", 200000, 0, 4 },
	{ "exactly one chunk", "From: a\n\n", CHUNK_MAX, 0, 1 },
	{ "one byte more than a chunk", "From: a\n\n", CHUNK_MAX + 1, 0, 2 },
	{ "body of several MB", "From: a\n\n", 3 * MB + 5, 0, 49 },
	{ "one 150 KB line after the blank line", "From: a\n\n", 150000, 'y', 3 },
	/* the body starts with a 150 KB line that is not a header: chunked too */
	{ "long first body line without a blank line", "From: a\n", 150000, 'x', 3 },
};

START_TEST(test_big_body)
{
	struct record r = { 0 };
	size_t len, hlen = strlen(bodies[_i].headers);
	char *m;
	int rc;

	m = big(bodies[_i].headers, bodies[_i].body_len, bodies[_i].fill, &len);
	rc = feed(m, len, &r);
	ck_assert_int_eq(rc, 0);
	ck_assert_str_eq(r.events.p, "From:[ a]\nEOH\n");
	ck_assert_uint_eq(r.body.len, bodies[_i].body_len);
	ck_assert_msg(memcmp(r.body.p, m + hlen, r.body.len) == 0, "%s: body differs",
		      bodies[_i].what);
	ck_assert_msg(r.max_chunk <= CHUNK_MAX, "%s: a chunk of %zu bytes", bodies[_i].what,
		      r.max_chunk);
	ck_assert_msg(r.chunks >= bodies[_i].min_chunks, "%s: %zu chunks", bodies[_i].what,
		      r.chunks);
	free(m);
	record_free(&r);
}
END_TEST

static const struct {
	const char *what;
	size_t value_len;		/* bytes after "X-Big:" on the first line */
	size_t folds;			/* continuation lines of value_len bytes each */
	int want_rc;
} longs[] = {
	{ "a header line over 1 MB", MB + 10, 0, -2 },
	{ "a header line of 2 MB", 2 * MB, 0, -2 },
	{ "a folded field over 1 MB in total", 300 * 1024, 3, -2 },
	{ "a field one byte under 1 MB", MB - 1 - 6, 0, 0 },
	{ "a folded field under 1 MB", 200 * 1024, 3, 0 },
};

START_TEST(test_long_header)
{
	struct record r = { 0 };
	size_t n = longs[_i].value_len, total = 6 + n + 1 + longs[_i].folds * (n + 2) + 8;
	char *m = malloc(total), *p = m;
	int rc;

	ck_assert_ptr_nonnull(m);
	memcpy(p, "X-Big:", 6);
	p += 6;
	memset(p, 'v', n);
	p += n;
	*p++ = '\n';
	for (size_t i = 0; i < longs[_i].folds; i++) {
		*p++ = '\t';
		memset(p, 'w', n);
		p += n;
		*p++ = '\n';
	}
	memcpy(p, "\nbody\n", 6);
	p += 6;
	rc = feed(m, (size_t)(p - m), &r);
	ck_assert_msg(rc == longs[_i].want_rc, "%s: rc %d, want %d", longs[_i].what, rc,
		      longs[_i].want_rc);
	if (rc == 0) {
		ck_assert_uint_eq(r.headers, 1);
		ck_assert_str_eq(r.body.p, "body\n");
	} else {
		/* the field never reached the sink */
		ck_assert_uint_eq(r.headers, 0);
		ck_assert_uint_eq(r.chunks, 0);
	}
	free(m);
	record_free(&r);
}
END_TEST

static const struct {
	const char *what;
	const char *text;
	size_t fail_header, fail_eoh, fail_body;
	int fail_rc;
	int want_rc;
	const char *want_events;
	size_t want_chunks;
} failures[] = {
	{ "first header fails", "A: 1\nB: 2\n\nbody\n", 1, 0, 0, -1, -1, "A:[ 1]\n", 0 },
	{ "second header fails", "A: 1\nB: 2\nC: 3\n\nbody\n", 2, 0, 0, -1, -1,
	  "A:[ 1]\nB:[ 2]\n", 0 },
	{ "last header before the blank line fails", "A: 1\nB: 2\n\nbody\n", 2, 0, 0, -1,
	  -1, "A:[ 1]\nB:[ 2]\n", 0 },
	{ "last header at end of file fails", "A: 1\nB: 2", 2, 0, 0, -1, -1,
	  "A:[ 1]\nB:[ 2]\n", 0 },
	{ "header before a non-header line fails", "A: 1\nnot a header\n", 1, 0, 0, -1, -1,
	  "A:[ 1]\n", 0 },
	{ "header failing with another negative value", "A: 1\n\nbody\n", 1, 0, 0, -7, -1,
	  "A:[ 1]\n", 0 },
	{ "eoh fails", "A: 1\n\nbody\n", 0, 1, 0, -1, -1, "A:[ 1]\nEOH\n", 0 },
	{ "eoh fails without a blank line", "A: 1\nnot a header\n", 0, 1, 0, -1, -1,
	  "A:[ 1]\nEOH\n", 0 },
	{ "eoh fails with headers only", "A: 1\n", 0, 1, 0, -1, -1, "A:[ 1]\nEOH\n", 0 },
	/* -2 would read as "read error or line over 1 MB" */
	{ "eoh failing with -2 is still a sink failure", "A: 1\n\nbody\n", 0, 1, 0, -2, -1,
	  "A:[ 1]\nEOH\n", 0 },
	{ "body fails", "A: 1\n\nbody\n", 0, 0, 1, -1, -1, "A:[ 1]\nEOH\n", 1 },
	{ "body fails in the line that ended the headers", "A: 1\nnot a header\n", 0, 0, 1,
	  -1, -1, "A:[ 1]\nEOH\n", 1 },
	{ "positive returns are success", "A: 1\n\nbody\n", 1, 1, 1, 1, 0,
	  "A:[ 1]\nEOH\n", 1 },
};

START_TEST(test_sink_failure)
{
	struct record r = {
		.fail_header = failures[_i].fail_header, .fail_eoh = failures[_i].fail_eoh,
		.fail_body = failures[_i].fail_body, .fail_rc = failures[_i].fail_rc,
	};
	int rc = feed(failures[_i].text, strlen(failures[_i].text), &r);

	ck_assert_msg(rc == failures[_i].want_rc, "%s: rc %d, want %d", failures[_i].what, rc,
		      failures[_i].want_rc);
	ck_assert_msg(strcmp(r.events.p, failures[_i].want_events) == 0,
		      "%s:\ngot  [%s]\nwant [%s]", failures[_i].what, r.events.p,
		      failures[_i].want_events);
	ck_assert_uint_eq(r.chunks, failures[_i].want_chunks);
	record_free(&r);
}
END_TEST

/* test_body_failure_stops - a failing body call ends the feed: no more chunks */
START_TEST(test_body_failure_stops)
{
	struct record r = { .fail_body = 2, .fail_rc = -1 };
	size_t len;
	char *m = big("A: 1\n\n", 5 * CHUNK_MAX, 0, &len);

	ck_assert_int_eq(feed(m, len, &r), -1);
	ck_assert_uint_eq(r.chunks, 2);
	free(m);
	record_free(&r);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("message_reader");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_message, 0, TEST_ROWS(messages));
	tcase_add_loop_test(tc, test_big_body, 0, TEST_ROWS(bodies));
	tcase_add_loop_test(tc, test_long_header, 0, TEST_ROWS(longs));
	tcase_add_loop_test(tc, test_sink_failure, 0, TEST_ROWS(failures));
	tcase_add_test(tc, test_body_failure_stops);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
