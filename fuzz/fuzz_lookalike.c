/*
 * fuzz_lookalike - the display-name decoder (display_name_extract,
 * encoded_word_decode) and the look-alike check (lookalike_check) on any
 * bytes. Input: a From domain up to the first newline, then a From value
 * (folding, NUL bytes, encoded words, raw 8-bit) whose display name is
 * checked with it. The protected set is fixed; one recipient domain is
 * protected per message as the engine does.
 *
 * Invariants checked (abort on violation):
 *  - a decode either fails with a known problem and "" out, or returns
 *    the length of its NUL-free, valid UTF-8 output;
 *  - the check answers a known kind; "none" names no domain; a finding
 *    names a configured or recipient domain that is not the From
 *    domain's registrable domain (aligned mail is never a look-alike);
 *  - a problem is one of the documented texts; an allowed From domain
 *    and a protected domain itself are never look-alikes;
 *  - the check is deterministic.
 */
#include <idn2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "display_name.h"
#include "encoded_word.h"
#include "fuzz_util.h"
#include "lookalike.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

#define PROTECTED "bank.example gov.example paypal.com amazon.co.uk think-tank.org"
#define RECIPIENT "acme-corp.example"

static struct orgdomain *od;
static struct lookalike_set *set;

static const char *const problems[] = {
	ENCODED_WORD_BROKEN, ENCODED_WORD_CHARSET, ENCODED_WORD_INVALID_UTF8,
	ENCODED_WORD_NUL, ENCODED_WORD_TOO_LONG,
	/* lookalike_name's, for the From domain */
	"invalid-domain", "overlong-domain", "invalid-a-label", "no-registrable-domain",
	"skeleton-failed",
};

static void
check_problem(const char *p)
{
	for (size_t i = 0; i < sizeof(problems) / sizeof(problems[0]); i++)
		if (strcmp(p, problems[i]) == 0)
			return;
	fuzz_die("unknown problem \"%s\"", p);
}

static void
check_decoded(int n, const char *out, const char *problem)
{
	if (n < 0) {
		if (problem == NULL)
			fuzz_die("failed without a problem");
		check_problem(problem);
		if (out[0] != '\0')
			fuzz_die("failed (%s) but wrote \"%s\"", problem, out);
		return;
	}
	if (problem != NULL)
		fuzz_die("succeeded with problem %s", problem);
	if ((size_t)n != strlen(out))
		fuzz_die("length %d, string of %zu", n, strlen(out));
	if (!encoded_word_valid_utf8(out, (size_t)n))
		fuzz_die("output is not NUL-free UTF-8");
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *error = NULL;
	char why[256];

	(void)argc;
	(void)argv;
	if ((od = orgdomain_new(NULL, &error)) == NULL
	    || (set = lookalike_set_new(od, &error)) == NULL)
		fuzz_die("setup: %s", error);
	if (lookalike_set_protect(set, PROTECTED, why, sizeof(why)) < 0
	    || lookalike_set_allow(set, "banks.example", why, sizeof(why)) < 0)
		fuzz_die("setup: %s", why);
	return 0;
}

/* org_of - registrable domain of an A- or U-label name (libidn2 here), or "" */
static void
org_of(const char *name, char *out)
{
	char *ascii = NULL;

	out[0] = '\0';
	if (idn2_to_ascii_8z(name, &ascii, IDN2_NONTRANSITIONAL) != IDN2_OK)
		return;
	orgdomain_get(od, ascii, out, ORGDOMAIN_BUFSIZE);
	idn2_free(ascii);
}

/* listed - name is one of the space-separated words of list */
static int
listed(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; *p != '\0'; p += strcspn(p, " "), p += *p == ' ')
		if (strncmp(p, name, n) == 0 && (p[n] == ' ' || p[n] == '\0'))
			return 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *nl = memchr(data, '\n', size);
	size_t dlen = nl ? (size_t)(nl - text) : size;
	char domain[1024], name[DISPLAY_NAME_SIZE], direct[4096];
	char from_org[ORGDOMAIN_BUFSIZE], hit_org[ORGDOMAIN_BUFSIZE];
	const char *problem = NULL, *extra[1] = { RECIPIENT };
	const char *rest = nl ? nl + 1 : text + size;
	size_t rlen = nl ? size - dlen - 1 : 0;
	struct lookalike_result r, again;
	struct lookalike_input in = { .extra = extra, .extra_count = 1 };
	int n;

	if (size > 65536)
		return -1;
	n = encoded_word_decode(rest, rlen, direct, sizeof(direct), &problem);
	check_decoded(n, direct, problem);
	problem = NULL;
	n = display_name_extract(rest, rlen, name, sizeof(name), &problem);
	check_decoded(n, name, problem);

	if (dlen >= sizeof(domain) || memchr(text, '\0', dlen) != NULL)
		return 0;
	memcpy(domain, text, dlen);
	domain[dlen] = '\0';
	in.from_domain = domain;
	in.display_name = n >= 0 ? name : NULL;
	in.display_problem = n >= 0 ? NULL : problem;
	lookalike_check(set, &in, &r);
	lookalike_check(set, &in, &again);
	if (r.kind != again.kind || strcmp(r.protected_domain, again.protected_domain) != 0
	    || r.problem != again.problem)
		fuzz_die("second check differs");
	if (r.problem != NULL)
		check_problem(r.problem);
	if (r.kind == LOOKALIKE_NONE) {
		if (r.protected_domain[0] != '\0')
			fuzz_die("none, but of %s", r.protected_domain);
		return 0;
	}
	if (r.kind > LOOKALIKE_DISPLAY_NAME)
		fuzz_die("kind %d", (int)r.kind);
	if (!listed(PROTECTED " " RECIPIENT, r.protected_domain))
		fuzz_die("%s: of unknown %s", domain, r.protected_domain);
	org_of(domain, from_org);
	org_of(r.protected_domain, hit_org);
	if (from_org[0] != '\0' && strcmp(from_org, hit_org) == 0)
		fuzz_die("%s is aligned with %s but called %s", domain, r.protected_domain,
			 lookalike_kind_name(r.kind));
	if (strcmp(from_org, "banks.example") == 0)
		fuzz_die("allowed %s called %s", domain, lookalike_kind_name(r.kind));
	return 0;
}
