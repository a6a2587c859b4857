/*
 * fuzz_authres - authres_is_ours on arbitrary header values, with our
 * fixed id and with an id from the input, and authres_format on a verdict
 * whose attacker-reachable strings (DKIM d=/s=/a=, domains, reasons,
 * problems) come from the input.
 *
 * Input: NUL-separated pieces: [0] authserv-id, [1] an A-R value,
 * [2..] the verdict's strings; the first bytes of [0] also choose the
 * verdict's enumerations and the output buffer size.
 *
 * Invariants checked (abort on violation):
 *  - authres_is_ours answers 0 or 1; the answer does not depend on the
 *    id's case nor on CFWS put before the value; "ID; spf=pass" is ours
 *    for every id the daemon's configuration accepts;
 *  - authres_format either fits (length < size, NUL-terminated, strlen
 *    equal) or returns 0 with an empty buffer, and the length does not
 *    depend on the buffer size (size L+1 fits, size L does not);
 *  - the text is header-safe: printable ASCII plus "\n\t" folds only, no
 *    CR, no NUL, every quoted-string closed, backslashes only inside them;
 *  - for every id the daemon's configuration accepts (config_value_set
 *    of AuthservID), the header we write is recognised as ours.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authres.h"
#include "config.h"
#include "config_table.h"
#include "fuzz_util.h"
#include "verdict.h"

#define PIECES 16
#define BIG 262144

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const spf_words[] = { "pass", "fail", "softfail", "neutral", "none",
					 "temperror", "permerror" };
static const char *const dkim_words[] = { "pass", "fail", "policy", "neutral", "temperror",
					  "permerror", "none" };

/* id_accepted - the daemon's own rule for AuthservID values */
static int
id_accepted(const char *id)
{
	const struct config_key *key = config_key_find("AuthservID");
	struct config c;
	char error[256];
	int ok;

	if (strcmp(id, "HOSTNAME") == 0)
		return 0;	/* replaced by the host name */
	memset(&c, 0, sizeof(c));
	ok = config_value_set(&c, key, id, 0, error, sizeof(error)) == 0;
	config_value_release(&c, key);
	return ok;
}

static int
is_ours(const char *value, size_t len, const char *id)
{
	int r = authres_is_ours(value, len, id);

	if (r != 0 && r != 1)
		fuzz_die("authres_is_ours returned %d", r);
	return r;
}

/* check_is_ours - the identification on one value and id */
static void
check_is_ours(const char *value, size_t len, const char *id)
{
	int r = is_ours(value, len, id);
	char *upper = strdup(id), *pre = malloc(len + 8);

	if (upper == NULL || pre == NULL)
		abort();
	for (char *p = upper; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	if (is_ours(value, len, upper) != r)
		fuzz_die("authres_is_ours depends on the case of the id");
	memcpy(pre, " (x)\r\n\t", 7);
	memcpy(pre + 7, value, len);
	if (is_ours(pre, len + 7, id) != r)
		fuzz_die("authres_is_ours depends on CFWS before the id");
	free(upper);
	free(pre);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *copy, *piece[PIECES];
	size_t plen[PIECES], n = 0;
	struct verdict v;
	struct verdict_dkim dkim[3];
	static char buf[BIG];
	const unsigned char *sel;
	size_t len, small;

	if (size > 32768)
		return -1;
	if ((copy = malloc(size + 1)) == NULL)
		abort();
	memcpy(copy, data, size);
	copy[size] = '\0';
	for (char *p = copy; n < PIECES;) {
		piece[n] = p;
		plen[n] = strlen(p);
		n++;
		if (p + plen[n - 1] >= copy + size)
			break;
		p += plen[n - 1] + 1;
	}
	while (n < PIECES) {
		piece[n] = "";
		plen[n++] = 0;
	}

	/* identification: a fixed id and the input's */
	check_is_ours(piece[1], plen[1], "mx.example.org");
	check_is_ours(piece[1], plen[1], piece[0]);
	check_is_ours(piece[0], plen[0], "mx.example.org");
	if (id_accepted(piece[0])) {
		char *own = malloc(plen[0] + 16);

		if (own == NULL)
			abort();
		len = (size_t)sprintf(own, "%s; spf=pass", piece[0]);
		if (!is_ours(own, len, piece[0]) && !fuzz_skip("authres-id"))
			fuzz_die("\"%s\" is not ours", own);
		free(own);
	}

	/* formatting: enumerations from the id's bytes, strings from the pieces */
	sel = (const unsigned char *)piece[0];
	unsigned s0 = plen[0] > 0 ? sel[0] : 0, s1 = plen[0] > 1 ? sel[1] : 0;
	unsigned s2 = plen[0] > 2 ? sel[2] : 0;

	memset(&v, 0, sizeof(v));
	memset(dkim, 0, sizeof(dkim));
	v.spf.result = spf_words[s0 % 7];
	v.spf.identity = s0 & 0x80 ? "helo" : "mailfrom";
	v.spf.domain = piece[2];
	v.spf.problem = piece[3];
	v.dkim_count = s1 % 4;
	for (size_t i = 0; i < 3; i++) {
		dkim[i].domain = piece[4 + 4 * i];
		dkim[i].selector = piece[5 + 4 * i];
		dkim[i].algorithm = piece[6 + 4 * i];
		dkim[i].result = dkim_words[(s1 / 4 + i) % 7];
		dkim[i].reason = (s1 >> (5 + i)) & 1 ? piece[7 + 4 * i] : NULL;
	}
	v.dkim = dkim;
	v.from_problem = s2 & 1 ? piece[3] : NULL;
	v.from_domain = piece[2];
	v.dmarc = (enum dmarc_outcome)((s2 >> 1) % 5);
	v.record_found = (s2 >> 4) & 1;
	v.p = (enum dmarc_request)((s2 >> 5) % 4);
	v.sp = (enum dmarc_request)(s0 % 4);
	v.pct = s1;
	v.decision.would_action = (enum action)((s2 >> 2) % 4);
	v.decision.dry_run = (s0 >> 3) & 1;

	len = authres_format(&v, piece[0], buf, sizeof(buf));
	if (len >= sizeof(buf) || strlen(buf) != len)
		fuzz_die("length %zu, strlen %zu", len, strlen(buf));
	if (len == 0)
		fuzz_die("format did not fit in %d bytes", BIG);
	fuzz_check_header_text(buf, len);
	if (id_accepted(piece[0]) && !is_ours(buf, len, piece[0]) && !fuzz_skip("authres-id"))
		fuzz_die("our own header \"%s\" is not recognised as ours (id \"%s\")", buf,
			 piece[0]);

	/* the same text in an exact buffer, and nothing in one byte less */
	char *exact = malloc(len + 1);

	if (exact == NULL)
		abort();
	if (authres_format(&v, piece[0], exact, len + 1) != len || memcmp(exact, buf, len + 1) != 0)
		fuzz_die("an exact buffer gives another text");
	if (authres_format(&v, piece[0], exact, len) != 0 || exact[0] != '\0')
		fuzz_die("a buffer one byte short is not refused");
	small = (s0 * 7 + s1) % (len + 1);
	if (authres_format(&v, piece[0], exact, small) != 0 || (small > 0 && exact[0] != '\0'))
		fuzz_die("a buffer of %zu for %zu is not refused", small, len);
	free(exact);
	free(copy);
	return 0;
}
