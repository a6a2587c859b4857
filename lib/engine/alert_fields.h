/*
 * alert_fields - the one list of the alert line's fields, format version 1
 * (docs/alerts.md): each key in the order the line carries it, whether it
 * is always written, and what it holds.
 *
 * Everything that knows the fields takes them from here: lib/engine/alert.c
 * writes them in this order (one case per key, so a key added here and
 * not written there fails the -Wswitch build), tools/alerts/record.c
 * reads them into struct record (one member per key), and
 * tests/test_alert_fields.c checks that the table of docs/alerts.md lists
 * exactly these keys with the same "always" column. To add a field: add a
 * line here (at the end, optional: readers of version 1 ignore unknown
 * keys), a case in alert.c, a row in docs/alerts.md.
 *
 * ALERT_FIELDS(X) expands X(key, presence, help) once per field: key is
 * a bare identifier (the key text, and a C member name), presence is
 * ALWAYS or OPTIONAL (paste it onto ALERT_FIELDS_ to get the enum), help
 * is a string. Header only, no state, no other dependency: tools that do
 * not link lib/ include it through the dmarcguard_alert_fields target.
 *
 * Thread-safety: constants only.
 */
#ifndef DMARCGUARD_ALERT_FIELDS_H
#define DMARCGUARD_ALERT_FIELDS_H

enum alert_fields_presence {
	ALERT_FIELDS_ALWAYS,	/* in every line, "" when empty */
	ALERT_FIELDS_OPTIONAL,	/* only when it applies */
};

#define ALERT_FIELDS(X) \
	X(v, ALWAYS, "format version, 1") \
	X(qid, ALWAYS, "MTA queue id, NOQUEUE when unknown, OFFLINE in --test") \
	X(ip, ALWAYS, "client address, IPv4-mapped IPv6 written as IPv4") \
	X(client, ALWAYS, "client host name as the MTA saw it") \
	X(helo, ALWAYS, "HELO/EHLO name") \
	X(mfrom, ALWAYS, "envelope sender domain, empty for the null sender") \
	X(from, ALWAYS, "author (From:) domain, A-label form, empty when unusable") \
	X(spf, ALWAYS, "SPF result") \
	X(spf_domain, ALWAYS, "the domain SPF checked") \
	X(spf_id, ALWAYS, "mailfrom or helo") \
	X(dkim, ALWAYS, "domain:result per signature, none, +N for those left out") \
	X(dmarc, ALWAYS, "pass fail none temperror permerror") \
	X(policy_domain, ALWAYS, "where the DMARC record was found, empty if none") \
	X(p, ALWAYS, "published p, - without a record") \
	X(sp, ALWAYS, "published sp, - without a record") \
	X(pct, ALWAYS, "published pct, - without a record") \
	X(published, ALWAYS, "what the published policy asks after pct and t=y") \
	X(action, ALWAYS, "accept quarantine reject tempfail") \
	X(reason, ALWAYS, "reason code") \
	X(override, ALWAYS, "yes when the local policy raised the action") \
	X(exempt, OPTIONAL, "exemption name, when one applies") \
	X(rule, OPTIONAL, "protect or relax, when a domain rule matched") \
	X(dry_run, OPTIONAL, "yes, in dry-run mode") \
	X(would, OPTIONAL, "the action dry-run mode did not take") \
	X(problem, OPTIONAL, "cause of a DMARC temperror/permerror or internal error")

#endif
