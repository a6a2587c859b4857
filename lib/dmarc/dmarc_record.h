/*
 * dmarc_record - parse one DMARC policy record (RFC 9989 4.7 and 4.8;
 * RFC 7489 records parse the same way).
 *
 * Our own parser: libopendmarc's is not used for records. The rules, and
 * the choices where the RFC leaves room:
 *
 *  - Version: the record must begin with the v tag, with no space before
 *    it. As in the RFC's ABNF (RFC 5234 quoted strings), the tag name is
 *    case-insensitive and spaces may surround "=", but the value is
 *    case-sensitive: "V=DMARC1" is a DMARC record, "v=dmarc1" and
 *    "v=DMARC10" are not. dmarc_record_is_dmarc applies exactly this test,
 *    so discovery's filter and the parser never disagree.
 *  - Tags are separated by ";" with optional spaces or tabs (CR and LF
 *    are tolerated as spaces); empty segments and a trailing ";" are
 *    fine. Tag names and keyword values (none, quarantine, reject, r, s,
 *    y, n, u, d) are case-insensitive. After v, tags may come in any order
 *    (RFC 9989's ABNF; RFC 7489's wanted p second, receivers did not).
 *  - Unknown tags and segments without "=" are ignored (RFC 9989 4.7).
 *  - A known tag given twice makes the record invalid, as a duplicate tag
 *    does in DKIM tag lists (RFC 6376 3.2): which of two policies was
 *    meant cannot be known.
 *  - p missing: the record is taken as p=none (RFC 9989 4.7); DMARC_TAG_P
 *    stays unset so a log can say so. sp and np default as below.
 *  - p, sp or np invalid (RFC 9989 4.10.1): when rua holds at least one
 *    syntactically valid URI, the record is taken as p=none (sp and np
 *    none too) and `p_fallback` is set; otherwise the record is invalid.
 *  - Other tags with a bad value are ignored and keep their defaults:
 *    adkim/aspf relaxed, t n, psd u, fo "0". rua and ruf are kept as
 *    published, valid or not.
 *  - Removed by RFC 9989 (C.5.2): pct, rf and ri are still read so that
 *    a log can say the record carries them (DMARC_TAG_REMOVED), and pct
 *    (0-100 in 1-3 digits, else 100) and ri (digits, saturated at
 *    2^32-1, else 86400) keep their values for reports, but nothing acts
 *    on them: pct samples nothing.
 *  - Defaults: sp is p, np is sp.
 *  - A record holding a NUL byte is invalid.
 *
 * Thread-safety: pure functions on caller-owned memory.
 */
#ifndef DMARCGUARD_DMARC_RECORD_H
#define DMARCGUARD_DMARC_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "orgdomain.h"	/* enum align_mode */
/* A published request: the value of p, sp or np */
enum dmarc_request {
	DMARC_REQUEST_UNSPECIFIED,
	DMARC_REQUEST_NONE,
	DMARC_REQUEST_QUARANTINE,
	DMARC_REQUEST_REJECT,
};

/* dmarc_record_request_name - "none", "quarantine", "reject" or "unspecified" */
const char *dmarc_record_request_name(enum dmarc_request request);

/*
 * Bits of dmarc_record.tags: the tag was present with a valid value; for
 * rua, ruf and the removed tags pct, rf and ri: the tag was present.
 */
#define DMARC_TAG_P	(1u << 0)
#define DMARC_TAG_SP	(1u << 1)
#define DMARC_TAG_NP	(1u << 2)
#define DMARC_TAG_PCT	(1u << 3)	/* present */
#define DMARC_TAG_ADKIM	(1u << 4)
#define DMARC_TAG_ASPF	(1u << 5)
#define DMARC_TAG_T	(1u << 6)
#define DMARC_TAG_RUA	(1u << 7)	/* present (validity: see rua_valid) */
#define DMARC_TAG_RUF	(1u << 8)
#define DMARC_TAG_FO	(1u << 9)
#define DMARC_TAG_RI	(1u << 10)	/* present */
#define DMARC_TAG_RF	(1u << 11)	/* present (value not checked) */
#define DMARC_TAG_PSD	(1u << 12)
/* Tags RFC 9989 removed: read, never acted on */
#define DMARC_TAG_REMOVED (DMARC_TAG_PCT | DMARC_TAG_RF | DMARC_TAG_RI)

/* The psd tag (RFC 9989 4.7): whether the domain is a public suffix domain */
enum dmarc_psd {
	DMARC_PSD_U,		/* default: unknown, the tree walk decides */
	DMARC_PSD_Y,		/* a public suffix domain */
	DMARC_PSD_N,		/* an organizational domain, not a PSD */
};

#define DMARC_DEFAULT_RI 86400u

struct dmarc_record {
	enum dmarc_request p;		/* never UNSPECIFIED after a parse */
	enum dmarc_request sp;		/* defaults to p */
	enum dmarc_request np;		/* defaults to sp */
	unsigned pct;			/* 0-100, default 100; not acted on */
	enum align_mode adkim;		/* default relaxed */
	enum align_mode aspf;		/* default relaxed */
	int testing;			/* t=y */
	enum dmarc_psd psd;		/* default u */
	int p_fallback;			/* bad p/sp/np, valid rua: taken as p=none */
	unsigned rua_valid;		/* syntactically valid URIs in rua */
	unsigned tags;			/* DMARC_TAG_* given with a valid value */
	uint32_t ri;			/* seconds, default 86400; removed tag */
	const char *rua;		/* as published, or NULL */
	const char *ruf;		/* as published, or NULL */
	const char *fo;			/* as published if valid, else "0" */
	char *buf;			/* owns rua, ruf and fo */
};

/*
 * dmarc_record_is_dmarc - whether a TXT record is a DMARC record at all,
 * that is, starts with the v tag and the value DMARC1 followed by ";",
 * space or the end (see the version rule above).
 */
int dmarc_record_is_dmarc(const char *text, size_t len);

/*
 * dmarc_record_parse - parse text[0..len). Returns 0 with *rec filled, to
 * be released with dmarc_record_clear, or -1 with *error_r set to static
 * text and *rec zeroed (nothing to release; clearing it is harmless).
 */
int dmarc_record_parse(const char *text, size_t len, struct dmarc_record *rec,
		       const char **error_r);

/*
 * dmarc_record_removed_tags - "pct", "pct,ri", ... for the removed tags a
 * record carries (tags & DMARC_TAG_REMOVED), or NULL when none (static)
 */
const char *dmarc_record_removed_tags(unsigned tags);

/* dmarc_record_psd_name - "y", "n" or "u" */
const char *dmarc_record_psd_name(enum dmarc_psd psd);

/* dmarc_record_clear - free what rec owns and zero it; accepts a zeroed rec */
void dmarc_record_clear(struct dmarc_record *rec);

#endif
