/*
 * test_alert_fields - docs/alerts.md lists exactly the fields of
 * lib/engine/alert_fields.h: every key once, in the order of the line,
 * with "yes" in its "always" column exactly when the field is ALWAYS. The
 * table is read from the "## Fields" section (a row names one or more
 * keys, each in backquotes, in its first cell). Table-driven cases on a
 * doc written from the header, then spoilt one way each, show that the
 * comparison catches a key missing from the doc, an extra one, a wrong
 * "always" cell, a wrong order and a key listed twice.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert_fields.h"
#include "test_main.h"
#include "test_paths.h"

#define MAX_KEYS 64

struct doc_key {
	char name[32];
	int always;
};

static const struct doc_key header_keys[] = {
#define X(key, presence, help) { #key, ALERT_FIELDS_##presence == ALERT_FIELDS_ALWAYS },
	ALERT_FIELDS(X)
#undef X
};

/* doc_keys - the keys of the "## Fields" table of doc, in order; -1 if none */
static int
doc_keys(const char *doc, struct doc_key *keys, size_t max)
{
	const char *p = strstr(doc, "\n## Fields\n");
	size_t n = 0;

	if (p == NULL)
		return -1;
	p += strlen("\n## Fields\n");
	/* skip to the table, then read its rows until the first other line */
	while (*p != '\0' && *p != '|')
		p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p);
	for (; *p == '|'; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p)) {
		const char *end = strchr(p, '\n'), *cell2, *cell3, *q;
		int always;

		if (end == NULL)
			end = p + strlen(p);
		cell2 = memchr(p + 1, '|', (size_t)(end - p - 1));
		if (cell2 == NULL)
			continue;
		cell3 = memchr(cell2 + 1, '|', (size_t)(end - cell2 - 1));
		if (cell3 == NULL)
			continue;
		q = cell2 + 1;
		while (*q == ' ')
			q++;
		always = (size_t)(cell3 - q) >= 3 && strncmp(q, "yes", 3) == 0
			 && (q[3] == ' ' || q + 3 == cell3);
		/* every `name` in the first cell (the header and the --- row have none) */
		for (q = p + 1; q < cell2; q++) {
			const char *close;

			if (*q != '`')
				continue;
			close = memchr(q + 1, '`', (size_t)(cell2 - q - 1));
			if (close == NULL || n == max || (size_t)(close - q - 1) >= sizeof(keys[n].name))
				return -1;
			memcpy(keys[n].name, q + 1, (size_t)(close - q - 1));
			keys[n].name[close - q - 1] = '\0';
			keys[n].always = always;
			n++;
			q = close;
		}
	}
	return (int)n;
}

/* compare - "" when doc lists exactly header_keys, else the first difference */
static void
compare(const char *doc, char *why, size_t size)
{
	struct doc_key keys[MAX_KEYS];
	size_t nh = sizeof(header_keys) / sizeof(header_keys[0]);
	int nd = doc_keys(doc, keys, MAX_KEYS);

	why[0] = '\0';
	if (nd < 0) {
		snprintf(why, size, "no readable \"## Fields\" table");
		return;
	}
	for (size_t i = 0; i < nh; i++) {
		int at = -1;

		for (int j = 0; j < nd; j++)
			if (strcmp(keys[j].name, header_keys[i].name) == 0)
				at = at < 0 ? j : -2;
		if (at == -1) {
			snprintf(why, size, "field %.31s is not in the doc's table", header_keys[i].name);
			return;
		}
		if (at == -2) {
			snprintf(why, size, "field %.31s is in the doc's table twice", header_keys[i].name);
			return;
		}
		if (keys[at].always != header_keys[i].always) {
			snprintf(why, size, "field %.31s: the doc says always=%.31s, alert_fields.h %.31s",
				 header_keys[i].name, keys[at].always ? "yes" : "no",
				 header_keys[i].always ? "ALWAYS" : "OPTIONAL");
			return;
		}
		if ((size_t)at != i) {
			snprintf(why, size, "field %.31s is row-key %d of the doc, %zu in the line",
				 header_keys[i].name, at + 1, i + 1);
			return;
		}
	}
	if ((size_t)nd != nh)
		snprintf(why, size, "the doc lists %.31s, which alert_fields.h does not have",
			 keys[nh].name);
}

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_ge(n, 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

START_TEST(test_doc_lists_the_fields)
{
	char path[4096], why[256];
	char *doc;

	snprintf(path, sizeof(path), "%s/../docs/alerts.md", test_source_dir());
	doc = slurp(path);
	compare(doc, why, sizeof(why));
	ck_assert_msg(why[0] == '\0', "docs/alerts.md and lib/engine/alert_fields.h disagree: %s", why);
	free(doc);
}
END_TEST

/*
 * A doc written from alert_fields.h itself, one key a row, then the same
 * doc with one thing wrong: the cases keep working when a field is added.
 */
enum mutation { RIGHT, DROP_LAST, EXTRA_ROW, FLIP_FIRST, SWAP_FIRST_TWO, TWICE, NO_TABLE };

static const struct {
	const char *what;
	enum mutation m;
	const char *want;	/* "" or a part of the complaint */
} docs[] = {
	{ "the doc written from the header", RIGHT, "" },
	{ "a field added to the header, not to the doc", DROP_LAST, "is not in the doc" },
	{ "a field only in the doc", EXTRA_ROW, "the doc lists colour" },
	{ "a wrong always column", FLIP_FIRST, "field v: the doc says always=no" },
	{ "two rows in the wrong order", SWAP_FIRST_TWO, "field v is row-key 2" },
	{ "a key twice", TWICE, "field v is in the doc's table twice" },
	{ "no table", NO_TABLE, "no readable" },
};

static void
row(char *doc, size_t size, const char *key, int always)
{
	size_t len = strlen(doc);

	snprintf(doc + len, size - len, "| `%s` | %s | meaning |\n", key,
		 always ? "yes" : "when it applies");
}

static void
write_doc(char *doc, size_t size, enum mutation m)
{
	size_t n = sizeof(header_keys) / sizeof(header_keys[0]);

	snprintf(doc, size, "# Alert lines\n\n%s\n| key | always | meaning |\n| --- | --- | --- |\n",
		 m == NO_TABLE ? "## Something else" : "## Fields");
	for (size_t i = 0; i < n; i++) {
		size_t k = i;

		if (m == DROP_LAST && i == n - 1)
			break;
		if (m == SWAP_FIRST_TWO && i < 2)
			k = 1 - i;
		row(doc, size, header_keys[k].name,
		    m == FLIP_FIRST && k == 0 ? !header_keys[k].always : header_keys[k].always);
	}
	if (m == EXTRA_ROW)
		row(doc, size, "colour", 0);
	if (m == TWICE)
		row(doc, size, header_keys[0].name, header_keys[0].always);
	snprintf(doc + strlen(doc), size - strlen(doc),
		 "\n## Reason codes\n\n| reason | action |\n| --- | --- |\n| `dmarc-pass` | accept |\n");
}

START_TEST(test_compare_catches)
{
	char doc[8192], why[256];

	write_doc(doc, sizeof(doc), docs[_i].m);
	compare(doc, why, sizeof(why));
	if (docs[_i].want[0] == '\0')
		ck_assert_msg(why[0] == '\0', "%s: unexpected complaint: %s", docs[_i].what, why);
	else
		ck_assert_msg(strstr(why, docs[_i].want) != NULL, "%s: got \"%s\", want \"%s\"",
			      docs[_i].what, why, docs[_i].want);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("alert_fields");
	TCase *tc = tcase_create("doc");

	tcase_add_test(tc, test_doc_lists_the_fields);
	tcase_add_loop_test(tc, test_compare_catches, 0, TEST_ROWS(docs));
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
