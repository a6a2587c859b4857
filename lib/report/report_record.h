/*
 * report_record - one evaluated message as DMARC aggregate reporting
 * (RFC 9990) needs it: the one definition of the report record, used by
 * the daemon's recorder, every store back end and the XML writer.
 *
 * A record is flat (fixed buffers, no pointers) so that the daemon can
 * copy it into a bounded queue without allocating and a store can write
 * it as one row. Strings are lowercase domain names or RFC 8601 result
 * words, always NUL-terminated, "" when absent.
 *
 * Fields that other work fills in later are there already: discovery
 * (psl or treewalk, from the verdict; REPORT_DISCOVERY_UNKNOWN when no
 * discovery was made), psd (-1 unknown), and the override reason codes, which map to the
 * RFC 9990 override types through one table (report_record.c):
 * our local floor and look-alike actions are local_policy, allow-listed
 * forwarders trusted_forwarder, allow-listed list signers mailing_list,
 * t=y policy_test_mode; pct sampling, which RFC 9990's schema no longer
 * names (sampled_out left with pct), is "other" with the comment
 * "sampled_out".
 *
 * Thread-safety: pure functions on caller-owned memory.
 */
#ifndef DMARCGUARD_REPORT_RECORD_H
#define DMARCGUARD_REPORT_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "verdict.h"

#define REPORT_DOMAIN_SIZE 256		/* 253 characters and the NUL */
#define REPORT_IP_SIZE 48
#define REPORT_SELECTOR_SIZE 64
#define REPORT_WORD_SIZE 16
#define REPORT_COMMENT_SIZE 48
#define REPORT_DKIM_MAX 8		/* signatures kept per message */
#define REPORT_REASON_MAX 3
#define REPORT_RUA_SIZE 1024		/* rua as published, for the destinations */

enum report_discovery {
	REPORT_DISCOVERY_UNKNOWN,	/* not written to the XML */
	REPORT_DISCOVERY_PSL,
	REPORT_DISCOVERY_TREEWALK,
};

/* RFC 9990 ActionDispositionType */
enum report_disposition {
	REPORT_DISPOSITION_NONE,
	REPORT_DISPOSITION_PASS,
	REPORT_DISPOSITION_QUARANTINE,
	REPORT_DISPOSITION_REJECT,
};

/* RFC 9990 PolicyOverrideType */
enum report_override {
	REPORT_OVERRIDE_LOCAL_POLICY,
	REPORT_OVERRIDE_MAILING_LIST,
	REPORT_OVERRIDE_OTHER,
	REPORT_OVERRIDE_POLICY_TEST_MODE,
	REPORT_OVERRIDE_TRUSTED_FORWARDER,
};

struct report_reason {
	enum report_override type;
	char comment[REPORT_COMMENT_SIZE];	/* our reason code, or "" */
};

struct report_dkim {
	char domain[REPORT_DOMAIN_SIZE];
	char selector[REPORT_SELECTOR_SIZE];
	char result[REPORT_WORD_SIZE];
};

/* The policy as published at the policy domain */
struct report_policy {
	char domain[REPORT_DOMAIN_SIZE];
	enum dmarc_request p, sp, np;
	char adkim, aspf;			/* 'r' or 's' */
	int testing;				/* t=y */
	int psd;				/* 1 y, 0 n, -1 unknown */
	enum report_discovery discovery;
	char rua[REPORT_RUA_SIZE];		/* as published (not in the XML) */
};

struct report_record {
	int64_t time;				/* seconds since the epoch, UTC */
	char source_ip[REPORT_IP_SIZE];
	char header_from[REPORT_DOMAIN_SIZE];
	char envelope_from[REPORT_DOMAIN_SIZE];	/* "" for the null sender */
	/* the first RCPT TO's domain, "" when none came: RFC 9990 has one
	 * envelope_to per record, and a message is one row whatever the
	 * number of recipients, so counts stay counts of messages */
	char envelope_to[REPORT_DOMAIN_SIZE];
	struct report_policy policy;
	struct report_dkim dkim[REPORT_DKIM_MAX];
	size_t dkim_count;
	char spf_domain[REPORT_DOMAIN_SIZE];
	char spf_scope[REPORT_WORD_SIZE];	/* "mfrom" or "helo" */
	char spf_result[REPORT_WORD_SIZE];
	int dkim_aligned;			/* DMARC: an aligned DKIM pass */
	int spf_aligned;			/* DMARC: an aligned SPF pass */
	enum report_disposition disposition;
	struct report_reason reasons[REPORT_REASON_MAX];
	size_t reason_count;
};

/*
 * report_record_wanted - whether this verdict goes into aggregate
 * reports: a DMARC pass or fail under a record that asks for reports
 * (rua), not one of our own users (authenticated, trusted networks), and
 * not a temporary failure (the sender tries again and is counted then).
 */
int report_record_wanted(const struct verdict *v);

/*
 * report_record_from_verdict - fill *rec from v at time now. Returns 0,
 * or -1 with *error_r when v holds a value a report cannot carry (a
 * domain longer than a domain name may be).
 */
int report_record_from_verdict(const struct verdict *v, int64_t now,
			       struct report_record *rec, const char **error_r);

/* report_record_override_type - the reason type for our reason code, or -1: none */
int report_record_override_type(const char *reason_code);

/*
 * report_record_dkim_format/_reasons_format - the signatures ("domain
 * selector result" joined by ",") and the reasons ("type comment" joined
 * by ","), as a store keeps them in one column, written into buf;
 * -1 when size is too small. The _parse functions read them back into
 * rec; -1 on text that is not in that form.
 */
int report_record_dkim_format(const struct report_record *rec, char *buf, size_t size);
int report_record_reasons_format(const struct report_record *rec, char *buf, size_t size);
int report_record_dkim_parse(const char *text, struct report_record *rec);
int report_record_reasons_parse(const char *text, struct report_record *rec);

/* Names as RFC 9990 writes them */
const char *report_record_disposition_name(enum report_disposition d);
const char *report_record_override_name(enum report_override o);
const char *report_record_discovery_name(enum report_discovery d);	/* "" when unknown */

/* report_record_disposition_parse/_override_parse/_discovery_parse - 0, or -1 for an unknown word */
int report_record_disposition_parse(const char *word, enum report_disposition *d_r);
int report_record_override_parse(const char *word, enum report_override *o_r);
int report_record_discovery_parse(const char *word, enum report_discovery *d_r);
/* report_record_request_parse - "none", "quarantine", "reject", or "" as unspecified */
int report_record_request_parse(const char *word, enum dmarc_request *r_r);

#endif
