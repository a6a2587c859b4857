/*
 * dmarc_record - DMARC policy record parser (see dmarc_record.h for the
 * rules it applies).
 *
 * The record is copied once into rec->buf; the copy is cut at each ";"
 * and each value is trimmed in place, so rua, ruf and fo point into it.
 *
 * Thread-safety: no state.
 */
#include "dmarc_record.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Each known tag: its name and the bit recording that it was seen. */
enum tag_id { TAG_V, TAG_P, TAG_SP, TAG_NP, TAG_PCT, TAG_ADKIM, TAG_ASPF,
	      TAG_T, TAG_RUA, TAG_RUF, TAG_FO, TAG_RI, TAG_RF, TAG_PSD, TAG_COUNT };

static const char *const tag_names[TAG_COUNT] = {
	[TAG_V] = "v", [TAG_P] = "p", [TAG_SP] = "sp", [TAG_NP] = "np",
	[TAG_PCT] = "pct", [TAG_ADKIM] = "adkim", [TAG_ASPF] = "aspf",
	[TAG_T] = "t", [TAG_RUA] = "rua", [TAG_RUF] = "ruf", [TAG_FO] = "fo",
	[TAG_RI] = "ri", [TAG_RF] = "rf", [TAG_PSD] = "psd",
};

/* Whether a requested policy tag was absent, valid or bad. */
enum req_state { REQ_ABSENT, REQ_VALID, REQ_BAD };

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static int
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* skip_space - index of the first non-space at or after i */
static size_t
skip_space(const char *s, size_t i, size_t len)
{
	while (i < len && is_space(s[i]))
		i++;
	return i;
}

int
dmarc_record_is_dmarc(const char *text, size_t len)
{
	static const char version[] = "DMARC1";
	size_t i = 0, vlen = sizeof(version) - 1;

	if (len < 1 || (text[0] != 'v' && text[0] != 'V'))
		return 0;
	i = skip_space(text, 1, len);
	if (i >= len || text[i] != '=')
		return 0;
	i = skip_space(text, i + 1, len);
	if (len - i < vlen || memcmp(text + i, version, vlen) != 0)
		return 0;
	i += vlen;
	return i == len || text[i] == ';' || is_space(text[i]);
}

/* trim - strip spaces from both ends of s in place; returns s advanced */
static char *
trim(char *s)
{
	size_t n;

	while (is_space(*s))
		s++;
	n = strlen(s);
	while (n > 0 && is_space(s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* parse_request - none, quarantine or reject, any case */
static enum req_state
parse_request(const char *value, enum dmarc_request *out)
{
	if (strcasecmp(value, "none") == 0)
		*out = DMARC_REQUEST_NONE;
	else if (strcasecmp(value, "quarantine") == 0)
		*out = DMARC_REQUEST_QUARANTINE;
	else if (strcasecmp(value, "reject") == 0)
		*out = DMARC_REQUEST_REJECT;
	else
		return REQ_BAD;
	return REQ_VALID;
}

/* parse_pct - 1*3DIGIT no greater than 100; -1 if not */
static int
parse_pct(const char *value)
{
	size_t n = strlen(value);
	int v = 0;

	if (n < 1 || n > 3)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(value[i]))
			return -1;
		v = v * 10 + (value[i] - '0');
	}
	return v <= 100 ? v : -1;
}

/* parse_ri - 1*32DIGIT, saturated at UINT32_MAX; 0 on success */
static int
parse_ri(const char *value, uint32_t *out)
{
	size_t n = strlen(value);
	uint64_t v = 0;

	if (n < 1 || n > 32)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit(value[i]))
			return -1;
		v = v * 10 + (uint64_t)(value[i] - '0');
		if (v > UINT32_MAX)
			v = UINT32_MAX;
	}
	*out = (uint32_t)v;
	return 0;
}

/* parse_align - r or s, any case */
static int
parse_align(const char *value, enum align_mode *out)
{
	if (strcasecmp(value, "r") == 0)
		*out = ALIGN_RELAXED;
	else if (strcasecmp(value, "s") == 0)
		*out = ALIGN_STRICT;
	else
		return -1;
	return 0;
}

/* parse_psd - y, n or u, any case */
static int
parse_psd(const char *value, enum dmarc_psd *out)
{
	if (strcasecmp(value, "y") == 0)
		*out = DMARC_PSD_Y;
	else if (strcasecmp(value, "n") == 0)
		*out = DMARC_PSD_N;
	else if (strcasecmp(value, "u") == 0)
		*out = DMARC_PSD_U;
	else
		return -1;
	return 0;
}

/* fo_valid - ("0" / "1" / "d" / "s") *( *WSP ":" *WSP (same) ) */
static int
fo_valid(const char *value)
{
	size_t i = 0, len = strlen(value);

	for (;;) {
		char c = value[i];

		if (!(c == '0' || c == '1' || c == 'd' || c == 'D' || c == 's' || c == 'S'))
			return 0;
		i = skip_space(value, i + 1, len);
		if (i == len)
			return 1;
		if (value[i] != ':')
			return 0;
		i = skip_space(value, i + 1, len);
	}
}

/*
 * uri_valid - one dmarc-uri: a URI (scheme ":" something, no spaces,
 * controls, "," or "!") with an optional "!" size suffix of digits and
 * one unit letter k, m, g or t.
 */
static int
uri_valid(const char *s, size_t len)
{
	const char *bang = memchr(s, '!', len);
	size_t i;

	if (bang != NULL) {
		size_t j = (size_t)(bang - s) + 1;

		if (j == len || !is_digit(s[j]))
			return 0;
		while (j < len && is_digit(s[j]))
			j++;
		if (j < len && strchr("kmgtKMGT", s[j]) != NULL)
			j++;
		if (j != len)
			return 0;
		len = (size_t)(bang - s);
	}
	if (len == 0 || !is_alpha(s[0]))
		return 0;
	for (i = 1; i < len && s[i] != ':'; i++)
		if (!(is_alpha(s[i]) || is_digit(s[i]) || s[i] == '+' || s[i] == '-'
		      || s[i] == '.'))
			return 0;
	if (i + 1 >= len)	/* no ":" or nothing after it */
		return 0;
	for (; i < len; i++)
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return 0;
	return 1;
}

/* count_valid_uris - syntactically valid URIs in a comma-separated list */
static unsigned
count_valid_uris(const char *list)
{
	unsigned n = 0;

	while (*list != '\0') {
		const char *end = strchr(list, ',');
		size_t len = end != NULL ? (size_t)(end - list) : strlen(list);

		while (len > 0 && is_space(*list)) {
			list++;
			len--;
		}
		while (len > 0 && is_space(list[len - 1]))
			len--;
		n += uri_valid(list, len);
		if (end == NULL)
			break;
		list = end + 1;
	}
	return n;
}

/* tag_lookup - the known tag of this name (any case), or TAG_COUNT */
static enum tag_id
tag_lookup(const char *name)
{
	for (int t = 0; t < TAG_COUNT; t++)
		if (strcasecmp(name, tag_names[t]) == 0)
			return (enum tag_id)t;
	return TAG_COUNT;
}

int
dmarc_record_parse(const char *text, size_t len, struct dmarc_record *rec,
		   const char **error_r)
{
	enum req_state p_state = REQ_ABSENT, sp_state = REQ_ABSENT, np_state = REQ_ABSENT;
	unsigned seen = 0;
	char *seg, *next;
	int first = 1;

	memset(rec, 0, sizeof(*rec));
	if (memchr(text, '\0', len) != NULL) {
		*error_r = "NUL byte in DMARC record";
		return -1;
	}
	if (!dmarc_record_is_dmarc(text, len)) {
		*error_r = "not a DMARC record (must begin with v=DMARC1)";
		return -1;
	}
	if ((rec->buf = malloc(len + 1)) == NULL) {
		*error_r = "out of memory";
		return -1;
	}
	memcpy(rec->buf, text, len);
	rec->buf[len] = '\0';
	rec->pct = 100;
	rec->adkim = rec->aspf = ALIGN_RELAXED;
	rec->ri = DMARC_DEFAULT_RI;
	rec->fo = "0";
	rec->psd = DMARC_PSD_U;

	for (seg = rec->buf; seg != NULL; seg = next, first = 0) {
		char *eq, *name, *value;
		enum tag_id tag;

		if ((next = strchr(seg, ';')) != NULL)
			*next++ = '\0';
		if ((eq = strchr(seg, '=')) == NULL)
			continue;	/* empty segment or no tag: ignored */
		*eq = '\0';
		name = trim(seg);
		value = trim(eq + 1);
		tag = tag_lookup(name);
		if (first) {
			/* dmarc_record_is_dmarc checked the name */
			if (strcmp(value, "DMARC1") != 0) {
				*error_r = "bad version tag (v=DMARC1 must be followed by ';')";
				goto err;
			}
			seen |= 1u << TAG_V;
			continue;
		}
		if (tag == TAG_COUNT)
			continue;
		if (seen & (1u << tag)) {
			*error_r = "duplicate tag in DMARC record";
			goto err;
		}
		seen |= 1u << tag;
		switch (tag) {
		case TAG_V:
			break;	/* a second v is caught as a duplicate */
		case TAG_P:
			p_state = parse_request(value, &rec->p);
			break;
		case TAG_SP:
			sp_state = parse_request(value, &rec->sp);
			break;
		case TAG_NP:
			np_state = parse_request(value, &rec->np);
			break;
		case TAG_PCT: {
			int pct = parse_pct(value);

			if (pct >= 0)
				rec->pct = (unsigned)pct;
			rec->tags |= DMARC_TAG_PCT;	/* removed tag: presence */
			break;
		}
		case TAG_ADKIM:
			if (parse_align(value, &rec->adkim) == 0)
				rec->tags |= DMARC_TAG_ADKIM;
			break;
		case TAG_ASPF:
			if (parse_align(value, &rec->aspf) == 0)
				rec->tags |= DMARC_TAG_ASPF;
			break;
		case TAG_T:
			if (strcasecmp(value, "y") == 0 || strcasecmp(value, "n") == 0) {
				rec->testing = value[0] == 'y' || value[0] == 'Y';
				rec->tags |= DMARC_TAG_T;
			}
			break;
		case TAG_RUA:
			rec->rua = value;
			rec->rua_valid = count_valid_uris(value);
			rec->tags |= DMARC_TAG_RUA;
			break;
		case TAG_RUF:
			rec->ruf = value;
			rec->tags |= DMARC_TAG_RUF;
			break;
		case TAG_FO:
			if (fo_valid(value)) {
				rec->fo = value;
				rec->tags |= DMARC_TAG_FO;
			}
			break;
		case TAG_RI:
			(void)parse_ri(value, &rec->ri);	/* bad: default kept */
			rec->tags |= DMARC_TAG_RI;	/* removed tag: presence */
			break;
		case TAG_RF:
			/* RFC 9989 removed it; only its presence is kept */
			rec->tags |= DMARC_TAG_RF;
			break;
		case TAG_PSD:
			if (parse_psd(value, &rec->psd) == 0)
				rec->tags |= DMARC_TAG_PSD;
			break;
		case TAG_COUNT:
			break;
		}
	}

	if (p_state == REQ_BAD || sp_state == REQ_BAD || np_state == REQ_BAD) {
		if (rec->rua_valid == 0) {
			*error_r = p_state == REQ_BAD ? "invalid p value in DMARC record"
				 : sp_state == REQ_BAD ? "invalid sp value in DMARC record"
				 : "invalid np value in DMARC record";
			goto err;
		}
		/* RFC 9989 4.10.1: act as if "v=DMARC1; p=none" was published */
		rec->p = rec->sp = rec->np = DMARC_REQUEST_NONE;
		rec->p_fallback = 1;
		return 0;
	}
	if (p_state == REQ_ABSENT)
		rec->p = DMARC_REQUEST_NONE;	/* RFC 9989 4.7: as if p=none */
	else
		rec->tags |= DMARC_TAG_P;
	if (sp_state == REQ_VALID)
		rec->tags |= DMARC_TAG_SP;
	else
		rec->sp = rec->p;
	if (np_state == REQ_VALID)
		rec->tags |= DMARC_TAG_NP;
	else
		rec->np = rec->sp;
	return 0;
err:
	dmarc_record_clear(rec);
	return -1;
}

void
dmarc_record_clear(struct dmarc_record *rec)
{
	free(rec->buf);
	memset(rec, 0, sizeof(*rec));
}

const char *
dmarc_record_request_name(enum dmarc_request request)
{
	switch (request) {
	case DMARC_REQUEST_NONE: return "none";
	case DMARC_REQUEST_QUARANTINE: return "quarantine";
	case DMARC_REQUEST_REJECT: return "reject";
	default: return "unspecified";
	}
}

const char *
dmarc_record_removed_tags(unsigned tags)
{
	/* every combination of the three, spelled in one order */
	static const char *const names[8] = {
		NULL, "pct", "rf", "pct,rf", "ri", "pct,ri", "rf,ri", "pct,rf,ri",
	};
	unsigned i = ((tags & DMARC_TAG_PCT) ? 1u : 0u) | ((tags & DMARC_TAG_RF) ? 2u : 0u)
	    | ((tags & DMARC_TAG_RI) ? 4u : 0u);

	return names[i];
}

const char *
dmarc_record_psd_name(enum dmarc_psd psd)
{
	switch (psd) {
	case DMARC_PSD_Y: return "y";
	case DMARC_PSD_N: return "n";
	default: return "u";
	}
}
