/*
 * test_config_compat - configurations of earlier releases and typos
 * (milter/config_compat.c): renamed keys load with a warning, removed keys
 * are ignored with a warning unless that is unsafe, an old and a new name
 * together are refused, unknown keys get "did you mean"; the first
 * release's sample configuration (3db9048, restated in
 * tests/config_compat/) loads as it is and with every key uncommented; a
 * file setting every key of today's table to a non-default value loads
 * and prints as a file that loads the same.
 *
 * This release renamed and removed nothing (config_compat_release is
 * empty), so the rows below are test tables passed through
 * config_load_compat.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "config_compat.h"
#include "config_table.h"
#include "test_main.h"
#include "test_paths.h"

static const struct config_renamed_key test_renamed[] = {
	{ "FloorAction", "FailFloor", "0.3.0" },
	{ "TrustedHosts", "TrustedNetworks", "0.3.0" },		/* a list key */
	{ "RuleFile", "DomainRulesFile", "0.4.0" },
};
static const struct config_removed_key test_removed[] = {
	{ "CacheShards", "0.2.0", NULL, NULL },			/* any value: harmless */
	{ "HoldEverything", "0.2.0", "no off",
	  "it held every failing message; set FailFloor quarantine instead" },
};
static const struct config_compat test_compat = {
	test_renamed, sizeof(test_renamed) / sizeof(test_renamed[0]),
	test_removed, sizeof(test_removed) / sizeof(test_removed[0]),
};

static char path[64];

/* write_conf - text into a new temporary file, whose name is returned */
static const char *
write_conf(const char *text)
{
	int fd;

	strcpy(path, "/tmp/dmarcguard-compat-XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, strlen(text)), (int)strlen(text));
	close(fd);
	return path;
}

/* read_text - a whole (small) file, NUL-terminated; the caller frees */
static char *
read_text(const char *name)
{
	FILE *f = fopen(name, "r");
	char *text = calloc(1, 1 << 16);
	size_t n;

	ck_assert_msg(f != NULL, "cannot open %s", name);
	n = fread(text, 1, (1 << 16) - 1, f);
	fclose(f);
	text[n] = '\0';
	return text;
}

/*
 * Files of earlier releases through the test tables: loaded (with the
 * warnings, at these lines) or refused (with this "line: reason").
 */
static const struct {
	const char *text;
	int loads;
	const char *want[2];		/* warnings, or want[0] the error after the path */
} cases[] = {
	{ "FloorAction reject\n", 1,
	  { ":1: FloorAction is deprecated, now called FailFloor; FloorAction will be refused"
	    " from release 0.3.0" } },
	/* case-insensitive like every key; the warning spells the table's name */
	{ "# old file\nflooraction reject\n", 1,
	  { ":2: FloorAction is deprecated, now called FailFloor" } },
	{ "TrustedHosts 10.0.0.0/8\nTrustedHosts 192.0.2.0/24\n", 1,
	  { ":1: TrustedHosts is deprecated, now called TrustedNetworks",
	    ":2: TrustedHosts is deprecated, now called TrustedNetworks" } },
	{ "CacheShards 16\n", 1,
	  { ":1: CacheShards is no longer used (removed in release 0.2.0), ignored" } },
	{ "HoldEverything OFF\n", 1,
	  { ":1: HoldEverything is no longer used (removed in release 0.2.0), ignored" } },
	{ "HoldEverything yes\n", 0,
	  { ":1: HoldEverything was removed in release 0.2.0; ignoring \"yes\" would be unsafe:"
	    " it held every failing message; set FailFloor quarantine instead" } },
	/* both names of one key: ambiguous, whichever comes first */
	{ "FailFloor reject\nFloorAction quarantine\n", 0,
	  { ":2: FloorAction and FailFloor (line 1) both set FailFloor; keep only FailFloor" } },
	{ "FloorAction reject\n\nFailFloor reject\n", 0,
	  { ":3: FailFloor and FloorAction (line 1) both set FailFloor; keep only FailFloor" } },
	{ "TrustedNetworks 10.0.0.0/8\nTrustedHosts ::1\n", 0,
	  { ":2: TrustedHosts and TrustedNetworks (line 1) both set TrustedNetworks" } },
	{ "FloorAction reject\nFloorAction reject\n", 0,
	  { ":2: FloorAction given again (first at line 1)" } },
	/* the value is checked as the new key's */
	{ "FloorAction tempfail\n", 0, { ":1: FailFloor takes accept, quarantine or reject" } },
	{ "RuleFile /nonexistent/rules\n", 0, { ":1: /nonexistent/rules: No such file" } },
	/* typos: of an old name (the new name is suggested), of a key, of nothing */
	{ "FloorActoin reject\n", 0, { ":1: unknown key \"FloorActoin\"; did you mean FailFloor?" } },
	{ "FailFlor reject\n", 0, { ":1: unknown key \"FailFlor\"; did you mean FailFloor?" } },
	{ "Frobnicate yes\n", 0, { ":1: unknown key \"Frobnicate\"" } },
};

START_TEST(test_old_names)
{
	char error[512] = "", want[600];
	const char *p = write_conf(cases[_i].text);
	struct config *c = config_load_compat(p, &test_compat, error, sizeof(error));
	size_t warnings = 0;

	if (!cases[_i].loads) {
		ck_assert_msg(c == NULL, "accepted: %s", cases[_i].text);
		snprintf(want, sizeof(want), "%s%s", p, cases[_i].want[0]);
		ck_assert_msg(strncmp(error, want, strlen(want)) == 0, "got \"%s\", want \"%s...\"",
			      error, want);
		/* a typo is not worth a suggestion when nothing is near */
		if (strstr(cases[_i].want[0], "did you mean") == NULL)
			ck_assert_ptr_null(strstr(error, "did you mean"));
		unlink(p);
		return;
	}
	ck_assert_msg(c != NULL, "%s", error);
	for (size_t i = 0; i < 2 && cases[_i].want[i] != NULL; i++, warnings++) {
		snprintf(want, sizeof(want), "%s%s", p, cases[_i].want[i]);
		ck_assert_msg(strncmp(c->warnings[i], want, strlen(want)) == 0,
			      "warning %zu: got \"%s\", want \"%s...\"", i, c->warnings[i], want);
	}
	ck_assert_uint_eq(c->warning_count, warnings);
	unlink(p);
	config_unref(&c);
}
END_TEST

/* a renamed key sets the new one, lists add up across old lines */
START_TEST(test_old_names_set_new_keys)
{
	char error[512] = "";
	struct config *c = config_load_compat(write_conf("FloorAction reject\n"
							 "TrustedHosts 10.0.0.0/8\n"
							 "TrustedHosts 192.0.2.0/24\n"
							 "CacheShards 4\n"), &test_compat,
					      error, sizeof(error));
	size_t floor = (size_t)(config_key_find("FailFloor") - config_keys);
	size_t nets = (size_t)(config_key_find("TrustedNetworks") - config_keys);

	ck_assert_msg(c != NULL, "%s", error);
	ck_assert_int_eq(c->policy.fail_floor, ACTION_REJECT);
	ck_assert_str_eq(c->raw[floor], "reject");
	ck_assert_str_eq(c->raw[nets], "10.0.0.0/8 192.0.2.0/24");
	ck_assert_int_eq(netlist_match(c->policy.trusted_networks, "192.0.2.9"), 1);
	ck_assert_int_eq(netlist_match(c->policy.trusted_networks, "127.0.0.1"), 0);
	ck_assert_uint_eq(c->key_lines, 3);	/* the ignored key set nothing */
	ck_assert_uint_eq(c->warning_count, 4);
	unlink(path);
	config_unref(&c);
}
END_TEST

/* The real release loads the same files without a word of warning. */
START_TEST(test_release_table_is_consistent)
{
	const struct config_compat *r = &config_compat_release;
	char man_path[512], *man;

	snprintf(man_path, sizeof(man_path), "%s/../docs/dmarcguard.conf.5", test_source_dir());
	man = read_text(man_path);
	ck_assert_msg(strstr(man, ".SH DEPRECATED KEYS") != NULL, "no DEPRECATED KEYS in %s",
		      man_path);
	for (size_t i = 0; i < r->renamed_count; i++) {
		ck_assert_ptr_null(config_key_find(r->renamed[i].old_name));
		ck_assert_ptr_nonnull(config_key_find(r->renamed[i].new_name));
		ck_assert_msg(strstr(man, r->renamed[i].old_name) != NULL, "man page lacks %s",
			      r->renamed[i].old_name);
	}
	for (size_t i = 0; i < r->removed_count; i++) {
		ck_assert_ptr_null(config_key_find(r->removed[i].name));
		ck_assert_msg(strstr(man, r->removed[i].name) != NULL, "man page lacks %s",
			      r->removed[i].name);
	}
	free(man);
}
END_TEST

/* "did you mean": the nearest key within 1, 2 or 3 edits by length */
static const struct {
	const char *name, *want;
} suggestions[] = {
	{ "FailFlor", "FailFloor" },
	{ "Sokcet", "Socket" },				/* a transposition is one edit */
	{ "Syslg", "Syslog" },
	{ "trustednetwork", "TrustedNetworks" },
	{ "TrustedNetwroks", "TrustedNetworks" },
	{ "DNSTimout", "DNSTimeout" },
	{ "ReportStor", "ReportStore" },
	{ "ProtectedDomainFile", "ProtectedDomainsFile" },
	{ "RemoveOwnAuthResults", NULL },		/* 8 edits: another word */
	{ "MaxSig", NULL },
	{ "Sock", NULL },
	{ "Xyzzy", NULL },
	{ "", NULL },
	{ "LookalikeAllowLookalikeAllowLookalikeAllowLookalikeAllowLookalikeAllow", NULL },
};

START_TEST(test_suggestions)
{
	const char *got = config_compat_suggest(&config_compat_release, suggestions[_i].name);

	if (suggestions[_i].want == NULL)
		ck_assert_msg(got == NULL, "%s: suggested %s", suggestions[_i].name, got);
	else
		ck_assert_msg(got != NULL && strcmp(got, suggestions[_i].want) == 0,
			      "%s: got %s, want %s", suggestions[_i].name, got ? got : "(none)",
			      suggestions[_i].want);
}
END_TEST

/*
 * uncomment - the first release's sample with each "# Key value" line
 * under its "## Key" heading made a setting: every key it knew, at its
 * default of that release
 */
static char *
uncomment(const char *text, unsigned *keys_r)
{
	char *out = calloc(1, strlen(text) + 1), *o = out;
	int after_heading = 0;

	*keys_r = 0;
	while (*text != '\0') {
		size_t n = strcspn(text, "\n");

		if (after_heading && strncmp(text, "# ", 2) == 0) {
			text += 2;
			n -= 2;
			(*keys_r)++;
		}
		after_heading = strncmp(text, "## ", 3) == 0;
		memcpy(o, text, n);
		o += n;
		*o++ = '\n';
		text += n + (text[n] == '\n');
	}
	return out;
}

START_TEST(test_previous_release_sample)
{
	char name[512], error[512] = "", *text, *active;
	struct config *c;
	unsigned keys;

	snprintf(name, sizeof(name), "%s/config_compat/release-3db9048.conf", test_source_dir());
	/* as shipped: every key commented out */
	c = config_load(name, error, sizeof(error));
	ck_assert_msg(c != NULL, "%s", error);
	ck_assert_uint_eq(c->key_lines, 0);
	ck_assert_uint_eq(c->warning_count, 0);
	config_unref(&c);
	/* as an operator who set every key would have it */
	text = read_text(name);
	active = uncomment(text, &keys);
	ck_assert_uint_eq(keys, 33);
	c = config_load(write_conf(active), error, sizeof(error));
	ck_assert_msg(c != NULL, "%s", error);
	ck_assert_uint_eq(c->key_lines, 33);
	ck_assert_uint_eq(c->warning_count, 0);
	ck_assert_int_eq(c->policy.fail_floor, ACTION_QUARANTINE);
	ck_assert_str_eq(c->socket, "local:/run/dmarcguard/dmarcguard.sock");
	unlink(path);
	config_unref(&c);
	free(active);
	free(text);
}
END_TEST

/* substitute - text with every @DIR@ and @NS@ replaced; the caller frees */
static char *
substitute(const char *text, const char *dir, const char *ns)
{
	char *out = calloc(1, strlen(text) * 4 + 1), *o = out;

	while (*text != '\0') {
		if (strncmp(text, "@DIR@", 5) == 0) {
			o += sprintf(o, "%s", dir);
			text += 5;
		} else if (strncmp(text, "@NS@", 4) == 0) {
			o += sprintf(o, "%s", ns);
			text += 4;
		} else {
			*o++ = *text++;
		}
	}
	return out;
}

/*
 * copy_fixture - tests/config_compat/every-key.SUFFIX as DIR/SUFFIX, its
 * @DIR@ and @NS@ replaced
 */
static void
copy_fixture(const char *dir, const char *suffix)
{
	char name[512], *text, *copy;
	FILE *f;

	snprintf(name, sizeof(name), "%s/config_compat/every-key.%s", test_source_dir(), suffix);
	text = read_text(name);
	copy = substitute(text, dir, "127.0.0.1@53");
	snprintf(name, sizeof(name), "%s/%s", dir, suffix);
	ck_assert_ptr_nonnull(f = fopen(name, "w"));
	fputs(copy, f);
	fclose(f);
	free(copy);
	free(text);
}

START_TEST(test_every_key_non_default)
{
	char dir[] = "/tmp/dmarcguard-compat-dir-XXXXXX", name[512], printed[600];
	char error[512] = "";
	struct config *c, *again;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	copy_fixture(dir, "rules");
	copy_fixture(dir, "forwarders");
	copy_fixture(dir, "protected");
	copy_fixture(dir, "conf");
	snprintf(name, sizeof(name), "%s/conf", dir);
	c = config_load(name, error, sizeof(error));
	ck_assert_msg(c != NULL, "%s", error);
	ck_assert_uint_eq(c->warning_count, 0);
	/* a key added to the table needs a line in the fixture */
	for (size_t i = 0; i < config_key_count(); i++)
		ck_assert_msg(strcmp(c->raw[i], config_key_default(i)) != 0,
			      "every-key.conf leaves %s at its default \"%s\"", config_key_name(i),
			      config_key_default(i));
	ck_assert_int_eq(c->policy.dry_run, 1);
	ck_assert_str_eq(c->authserv_id, "mx.every-key.example");
	/* what it prints loads again to the same values (a reload of it) */
	snprintf(printed, sizeof(printed), "%s/printed.conf", dir);
	ck_assert_ptr_nonnull(f = fopen(printed, "w"));
	config_print(c, f);
	fclose(f);
	again = config_load(printed, error, sizeof(error));
	ck_assert_msg(again != NULL, "%s", error);
	for (size_t i = 0; i < config_key_count(); i++)
		ck_assert_str_eq(again->raw[i], c->raw[i]);
	config_unref(&again);
	config_unref(&c);
	for (const char *const *f2 = (const char *const[]){ "rules", "forwarders", "protected",
		     "conf", "printed.conf", NULL }; *f2 != NULL; f2++) {
		snprintf(name, sizeof(name), "%s/%s", dir, *f2);
		unlink(name);
	}
	rmdir(dir);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("config_compat");
	TCase *tc = tcase_create("core");

	tcase_add_loop_test(tc, test_old_names, 0, TEST_ROWS(cases));
	tcase_add_test(tc, test_old_names_set_new_keys);
	tcase_add_test(tc, test_release_table_is_consistent);
	tcase_add_loop_test(tc, test_suggestions, 0, TEST_ROWS(suggestions));
	tcase_add_test(tc, test_previous_release_sample);
	tcase_add_test(tc, test_every_key_non_default);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
