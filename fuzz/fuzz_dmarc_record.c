/*
 * fuzz_dmarc_record - dmarc_record_parse and dmarc_record_is_dmarc on any
 * TXT record text (NUL bytes included).
 *
 * Invariants checked (abort on violation):
 *  - a record that parses starts with v=DMARC1 (dmarc_record_is_dmarc),
 *    holds no NUL byte, and has pct <= 100, p/sp/np among none,
 *    quarantine and reject (never unspecified), adkim/aspf relaxed or
 *    strict, t 0 or 1, psd u unless validly given, ri 86400 unless given;
 *  - sp defaults to p and np to sp; no p tag means p=none (RFC 9989
 *    4.7); the p=none fallback for a bad p/sp/np (RFC 9989 4.10.1) only
 *    comes with a valid rua URI and sets all three to none;
 *  - rua, ruf and fo point into the record's own buffer, NUL-terminated,
 *    and fo is "0" unless a valid fo was given;
 *  - a failure says why and leaves the record zeroed;
 *  - a trailing ";" (an empty tag) changes nothing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dmarc_record.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
valid_request(enum dmarc_request r)
{
	return r == DMARC_REQUEST_NONE || r == DMARC_REQUEST_QUARANTINE
	    || r == DMARC_REQUEST_REJECT;
}

static void
check_string(const struct dmarc_record *r, size_t len, const char *s, const char *what)
{
	if (s == NULL)
		return;
	if (s < r->buf || s > r->buf + len)
		fuzz_die("%s points outside the record", what);
	if (strlen(s) > (size_t)(r->buf + len - s))
		fuzz_die("%s runs past the record", what);
}

static int
same_string(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static void
check_record(const char *text, size_t len, const struct dmarc_record *r)
{
	if (!dmarc_record_is_dmarc(text, len))
		fuzz_die("parsed a record that is not v=DMARC1");
	if (memchr(text, '\0', len) != NULL)
		fuzz_die("parsed a record holding a NUL byte");
	if (r->pct > 100)
		fuzz_die("pct %u", r->pct);
	if (!valid_request(r->p) || !valid_request(r->sp) || !valid_request(r->np))
		fuzz_die("p/sp/np %d/%d/%d", r->p, r->sp, r->np);
	if ((r->adkim != ALIGN_RELAXED && r->adkim != ALIGN_STRICT)
	    || (r->aspf != ALIGN_RELAXED && r->aspf != ALIGN_STRICT))
		fuzz_die("adkim/aspf %d/%d", r->adkim, r->aspf);
	if (r->testing != 0 && r->testing != 1)
		fuzz_die("testing %d", r->testing);
	if (r->psd != DMARC_PSD_U && r->psd != DMARC_PSD_Y && r->psd != DMARC_PSD_N)
		fuzz_die("psd %d", r->psd);
	if (!(r->tags & DMARC_TAG_PSD) && r->psd != DMARC_PSD_U)
		fuzz_die("psd %d without a valid psd tag", r->psd);
	if (!(r->tags & DMARC_TAG_RI) && r->ri != DMARC_DEFAULT_RI)
		fuzz_die("ri %u without an ri tag", r->ri);
	if (!(r->tags & DMARC_TAG_PCT) && r->pct != 100)
		fuzz_die("pct %u without a pct tag", r->pct);
	if (r->p_fallback) {
		if (r->rua_valid == 0 || r->p != DMARC_REQUEST_NONE
		    || r->sp != DMARC_REQUEST_NONE || r->np != DMARC_REQUEST_NONE)
			fuzz_die("fallback with rua_valid %u, p/sp/np %d/%d/%d", r->rua_valid,
				 r->p, r->sp, r->np);
	} else {
		/* RFC 9989 4.7: no p tag is p=none */
		if (!(r->tags & DMARC_TAG_P) && r->p != DMARC_REQUEST_NONE)
			fuzz_die("no p tag and p %d", r->p);
		if (!(r->tags & DMARC_TAG_SP) && r->sp != r->p)
			fuzz_die("sp %d is not p %d by default", r->sp, r->p);
		if (!(r->tags & DMARC_TAG_NP) && r->np != r->sp)
			fuzz_die("np %d is not sp %d by default", r->np, r->sp);
	}
	if (r->rua_valid > 0 && r->rua == NULL)
		fuzz_die("valid rua URIs without rua");
	if (r->fo == NULL)
		fuzz_die("fo is NULL");
	check_string(r, len, r->rua, "rua");
	check_string(r, len, r->ruf, "ruf");
	if (!(r->tags & DMARC_TAG_FO)) {
		if (strcmp(r->fo, "0") != 0)
			fuzz_die("fo \"%s\" without a valid fo tag", r->fo);
	} else {
		check_string(r, len, r->fo, "fo");
		if (r->fo[strspn(r->fo, "01dDsS: \t\r\n")] != '\0')
			fuzz_die("fo \"%s\" accepted", r->fo);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *error = NULL, *error2 = NULL;
	struct dmarc_record rec, rec2, zero;
	char *semi;
	int rc, rc2;

	if (size > 8192)
		return -1;
	memset(&zero, 0, sizeof(zero));
	rc = dmarc_record_parse(text, size, &rec, &error);
	if (rc == 0) {
		check_record(text, size, &rec);
	} else if (rc == -1) {
		if (error == NULL || error[0] == '\0')
			fuzz_die("failure without a reason");
		if (memcmp(&rec, &zero, sizeof(rec)) != 0)
			fuzz_die("failure leaves the record filled");
	} else {
		fuzz_die("dmarc_record_parse returned %d", rc);
	}

	if ((semi = malloc(size + 1)) == NULL)
		abort();
	memcpy(semi, data, size);
	semi[size] = ';';
	rc2 = dmarc_record_parse(semi, size + 1, &rec2, &error2);
	if (rc2 != rc)
		fuzz_die("a trailing ';' changes the parse from %d to %d (%s)", rc, rc2,
			 rc2 ? error2 : error);
	if (rc == 0 && (rec.p != rec2.p || rec.sp != rec2.sp || rec.np != rec2.np
			|| rec.pct != rec2.pct || rec.adkim != rec2.adkim
			|| rec.aspf != rec2.aspf || rec.testing != rec2.testing
			|| rec.p_fallback != rec2.p_fallback || rec.rua_valid != rec2.rua_valid
			|| rec.tags != rec2.tags || rec.ri != rec2.ri
			|| !same_string(rec.rua, rec2.rua) || !same_string(rec.ruf, rec2.ruf)
			|| !same_string(rec.fo, rec2.fo)))
		fuzz_die("a trailing ';' changes the record");
	dmarc_record_clear(&rec);
	dmarc_record_clear(&rec2);
	dmarc_record_clear(&rec);	/* clearing twice is harmless */
	free(semi);
	return 0;
}
