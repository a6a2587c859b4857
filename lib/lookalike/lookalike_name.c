/*
 * lookalike_name - a domain prepared for the look-alike checks (see
 * private/lookalike_name.h).
 *
 * libidn2 is asked only about names with non-ASCII bytes or "xn--"
 * labels; ICU only for the skeleton. Everything else is plain byte work on
 * stack buffers.
 *
 * Thread-safety: no state; the spoof checker is used as const.
 */
#include "lookalike_name.h"

#include <idn2.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

int
lookalike_name_to_ascii(const char *domain, size_t len, char *out, size_t size)
{
	char buf[1024];
	char *ascii = NULL;
	int plain = 1;
	size_t n;

	if (len == 0 || len >= sizeof(buf) || memchr(domain, '\0', len) != NULL)
		return -1;
	memcpy(buf, domain, len);
	buf[len] = '\0';
	if (buf[len - 1] == '.')
		buf[--len] = '\0';
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)buf[i] >= 0x80)
			plain = 0;
		else if (buf[i] >= 'A' && buf[i] <= 'Z')
			buf[i] = (char)(buf[i] - 'A' + 'a');
	}
	if (plain) {
		if (len + 1 > size)
			return -1;
		memcpy(out, buf, len + 1);
		return 0;
	}
	if (idn2_to_ascii_8z(buf, &ascii, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT) != IDN2_OK)
		return -1;
	n = strlen(ascii);
	if (n + 1 > size) {
		idn2_free(ascii);
		return -1;
	}
	memcpy(out, ascii, n + 1);
	idn2_free(ascii);
	return 0;
}

/* decode_label - the U-label of an A-label, checked by encoding it back */
static int
decode_label(const char *label, size_t len, char *out, size_t size)
{
	char a[64];
	char *u = NULL, *back = NULL;
	int ok;

	if (len >= sizeof(a))
		return -1;
	memcpy(a, label, len);
	a[len] = '\0';
	if (idn2_to_unicode_8z8z(a, &u, 0) != IDN2_OK)
		return -1;
	ok = strlen(u) < size
	    && idn2_to_ascii_8z(u, &back, IDN2_NONTRANSITIONAL) == IDN2_OK
	    && strcmp(back, a) == 0;
	if (ok)
		memcpy(out, u, strlen(u) + 1);
	idn2_free(u);
	idn2_free(back);
	return ok ? 0 : -1;
}

/* fold_skeleton - the skeleton of ulabel, every code point case-folded */
static int
fold_skeleton(const USpoofChecker *checker, const char *ulabel, char *out, size_t size)
{
	char raw[512];
	UErrorCode status = U_ZERO_ERROR;
	int32_t n = uspoof_getSkeletonUTF8(checker, 0, ulabel, -1, raw, (int32_t)sizeof(raw),
					   &status);
	int32_t i = 0, o = 0;

	if (U_FAILURE(status) || n >= (int32_t)sizeof(raw))
		return -1;
	while (i < n) {
		UChar32 c;
		UBool error = 0;

		U8_NEXT(raw, i, n, c);
		if (c < 0)
			return -1;
		c = u_foldCase(c, U_FOLD_CASE_DEFAULT);
		if (o + 2 * U8_MAX_LENGTH >= (int32_t)size)
			return -1;
		/* UTS #39 maps m to "rn" but has no "vv" for w: add it */
		if (c == 'w') {
			out[o++] = 'v';
			c = 'v';
		}
		U8_APPEND((uint8_t *)out, o, (int32_t)size, c, error);
		if (error)
			return -1;
	}
	out[o] = '\0';
	return 0;
}

int
lookalike_name_ascii_table(const USpoofChecker *checker, struct lookalike_ascii_skeletons *t)
{
	for (int c = 0; c < 128; c++) {
		char one[2] = { (char)c, '\0' };

		t->s[c][0] = '\0';
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
			continue;	/* not in a lowercase host label */
		if (fold_skeleton(checker, one, t->s[c], sizeof(t->s[c])) < 0)
			return -1;
	}
	return 0;
}

/* ascii_skeleton - the skeleton of an all-ASCII label from the table; -1 if not ASCII */
static int
ascii_skeleton(const struct lookalike_ascii_skeletons *t, const char *label, char *out,
	       size_t size)
{
	size_t o = 0;

	for (const unsigned char *p = (const unsigned char *)label; *p != '\0'; p++) {
		size_t n;

		if (*p >= 0x80 || t->s[*p][0] == '\0')
			return -1;
		n = strlen(t->s[*p]);
		if (o + n >= size)
			return -1;
		memcpy(out + o, t->s[*p], n);
		o += n;
	}
	out[o] = '\0';
	return 0;
}

/* code_points - ulabel as code points, with their byte offsets */
static int
code_points(struct lookalike_name *x)
{
	int32_t i = 0, n = (int32_t)strlen(x->ulabel);

	x->ncp = 0;
	while (i < n) {
		UChar32 c;

		if (x->ncp >= LOOKALIKE_LABEL_CP_MAX)
			return -1;
		x->cp_off[x->ncp] = (uint8_t)i;
		U8_NEXT(x->ulabel, i, n, c);
		if (c < 0)
			return -1;
		x->cp[x->ncp++] = c;
	}
	x->cp_off[x->ncp] = (uint8_t)n;
	return 0;
}

int
lookalike_name_prepare(const struct orgdomain *od, const USpoofChecker *checker,
		       const struct lookalike_ascii_skeletons *table,
		       const char *domain, size_t len, struct lookalike_name *x,
		       const char **problem_r)
{
	char org[ORGDOMAIN_BUFSIZE];
	size_t alen, olen;

	char ascii[1024];

	if (len >= sizeof(ascii)) {
		*problem_r = LOOKALIKE_NAME_TOO_LONG;
		return -1;
	}
	if (lookalike_name_to_ascii(domain, len, ascii, sizeof(ascii)) < 0) {
		*problem_r = LOOKALIKE_NAME_INVALID;
		return -1;
	}
	if (strlen(ascii) > DNS_NAME_MAX) {
		*problem_r = LOOKALIKE_NAME_TOO_LONG;
		return -1;
	}
	memcpy(x->ascii, ascii, strlen(ascii) + 1);
	if (orgdomain_get(od, x->ascii, org, sizeof(org)) < 0) {
		*problem_r = LOOKALIKE_NAME_NO_ORG;
		return -1;
	}
	alen = strlen(x->ascii);
	olen = strlen(org);
	/* orgdomain normalizes exactly as we did: org is a suffix of ascii */
	if (olen > alen || strcmp(x->ascii + alen - olen, org) != 0
	    || (olen < alen && x->ascii[alen - olen - 1] != '.')) {
		*problem_r = LOOKALIKE_NAME_INVALID;
		return -1;
	}
	x->org = x->ascii + alen - olen;
	x->org_start_label = 0;
	for (const char *p = x->ascii; p < x->org; p++)
		x->org_start_label += *p == '.';
	x->label_len = strcspn(x->org, ".");
	if (x->label_len >= 4 && strncmp(x->org, "xn--", 4) == 0) {
		if (decode_label(x->org, x->label_len, x->ulabel, sizeof(x->ulabel)) < 0) {
			*problem_r = LOOKALIKE_NAME_IDN;
			return -1;
		}
	} else {
		memcpy(x->ulabel, x->org, x->label_len);
		x->ulabel[x->label_len] = '\0';
	}
	if (code_points(x) < 0) {
		*problem_r = LOOKALIKE_NAME_IDN;
		return -1;
	}
	if ((table == NULL || ascii_skeleton(table, x->ulabel, x->skeleton,
					     sizeof(x->skeleton)) < 0)
	    && fold_skeleton(checker, x->ulabel, x->skeleton, sizeof(x->skeleton)) < 0) {
		*problem_r = LOOKALIKE_NAME_SKELETON;
		return -1;
	}
	return 0;
}

int
lookalike_name_distance_one(const int32_t *a, size_t na, const int32_t *b, size_t nb)
{
	size_t i = 0;

	if (na < nb) {
		const int32_t *t = a;
		size_t tn = na;

		a = b;
		b = t;
		na = nb;
		nb = tn;
	}
	if (na - nb > 1)
		return 0;
	while (i < nb && a[i] == b[i])
		i++;
	if (na == nb + 1)	/* one code point more in a: drop a[i] */
		return memcmp(a + i + 1, b + i, (nb - i) * sizeof(*a)) == 0;
	if (i == na)
		return 0;	/* equal */
	if (memcmp(a + i + 1, b + i + 1, (na - i - 1) * sizeof(*a)) == 0)
		return 1;	/* one substituted */
	return i + 1 < na && a[i] == b[i + 1] && a[i + 1] == b[i]
	    && memcmp(a + i + 2, b + i + 2, (na - i - 2) * sizeof(*a)) == 0;
}

size_t
lookalike_name_deletion(const struct lookalike_name *x, size_t skip, char *out)
{
	size_t head = x->cp_off[skip], tail = x->cp_off[skip + 1];
	size_t total = x->cp_off[x->ncp];

	memcpy(out, x->ulabel, head);
	memcpy(out + head, x->ulabel + tail, total - tail);
	out[head + total - tail] = '\0';
	return head + total - tail;
}
