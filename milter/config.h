/*
 * config - dmarcguard's configuration: one immutable, refcounted snapshot.
 *
 * The file is `Key value` lines; `#` starts a comment (outside values that
 * need none); keys are case-insensitive; list-valued keys may repeat and
 * add up, other keys may appear once. Every key, its type, default and
 * one-line help live in one table (config_table.c), from which the parser,
 * the sample conf/dmarcguard.conf and the man page are checked. With no
 * file, or a file with only Socket and AuthservID, the embedded defaults
 * apply. An unknown key, a bad value or an unreadable file is an error
 * "file:line: reason" and the daemon refuses to start (or to reload),
 * with "did you mean Y?" when a key is close. A key of an earlier release
 * (renamed, or removed where ignoring it is safe) loads with a warning in
 * warnings[], which the daemon logs at start and reload and -n prints;
 * config_compat.h has the rules, and an old and a new name of one key
 * both given is refused as ambiguous.
 * Only regular files are read, and a line longer than CONFIG_LINE_MAX
 * characters is refused where the limit is passed (config_file.h).
 *
 * A file that sets no key at all (empty, or only comments, as the shipped
 * sample is) loads as the embedded defaults, with key_lines 0: start-up
 * accepts it (the installed sample must start), but a reload refuses it
 * and keeps the running configuration, because an empty file on a running
 * system is far more often a truncated write than a wish to reset every
 * key (AuthservID included) to its default.
 *
 * Thread-safety: a snapshot is never modified after config_load returns;
 * config_ref/config_unref are atomic, so a reload can swap snapshots while
 * messages still hold the old one (see config_holder).
 */
#ifndef DMARCGUARD_CONFIG_H
#define DMARCGUARD_CONFIG_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>

#include "dmarc_discovery.h"
#include "policy.h"

/* the longest line of a configuration file, its newline not counted */
#define CONFIG_LINE_MAX 4096

struct orgdomain;
struct lookalike_set;

struct config {
	atomic_int refs;
	char *source;			/* file name, or "(embedded defaults)" */
	char **raw;			/* each key's text as configured, by table index */
	unsigned key_lines;		/* lines of the file that set a key (0: defaults only) */
	char **warnings;		/* "file:line: text" for old key names (config_compat.h) */
	size_t warning_count;

	/* process */
	char *socket;
	unsigned socket_mode;
	char *socket_group;
	char *user;
	char *pid_file;
	int syslog;
	int syslog_facility;
	unsigned max_connections;	/* 0: automatic (admission.h) */
	char *metrics_socket;		/* "" when off */

	/* evaluation */
	char *authserv_id;
	char *nameservers;
	int dns_recursion;
	unsigned dns_timeout_ms;
	unsigned dns_cache_size;
	char *public_suffix_list;
	enum dmarc_method org_domain_method;
	unsigned max_signatures;
	unsigned min_rsa_bits;
	int allow_partial_body;
	struct policy_settings policy;
	char *domain_rules_file;
	char *trusted_forwarders_file;

	/* look-alike senders */
	char *protected_domains;	/* names, space-separated */
	char *protected_domains_file;
	char *protected_domains_file_text;	/* that file's contents, or NULL */
	int protect_recipient_domains;
	char *lookalike_allow;
	/* built from the values above by config_load and owned by the snapshot
	 * (config_objects.h); the engine borrows them */
	struct orgdomain *orgdomain;	/* PublicSuffixList, loaded */
	struct lookalike_set *lookalike;	/* the names above, precomputed */

	/* milter output */
	char *reject_text;
	char *tempfail_text;
	int add_authentication_results;
	int remove_own_authentication_results;

	/* aggregate reports (RFC 9990) */
	char *report_store;		/* "" when nothing is recorded */
	unsigned report_queue_size;
	char *report_org_name;
	char *report_from;
	char *report_contact;
	char *report_sendmail;
	unsigned report_max_bytes;	/* gzip'ed bytes per report (part) */
	unsigned report_retry_days;	/* dmarcguard-reports: retry window of a report */
};

/*
 * config_load - read path (NULL: embedded defaults only) into a new
 * snapshot with one reference, and build the objects it owns (the Public
 * Suffix List, the look-alike set: config_objects.h). NULL on error, with
 * "file:line: reason" (or "file: reason") in error.
 */
struct config *config_load(const char *path, char *error, size_t size);

struct config_compat;
/*
 * config_load_compat - config_load with another table of earlier key
 * names than config_compat_release (a seam for tests)
 */
struct config *config_load_compat(const char *path, const struct config_compat *compat,
				  char *error, size_t size);
struct config *config_ref(struct config *config);
/* config_unref - drop a reference; the last frees; accepts NULL, sets *config NULL */
void config_unref(struct config **config);

/* config_key_count/config_key_name/config_key_default/config_key_help - the table, for tests and docs */
size_t config_key_count(void);
const char *config_key_name(size_t i);
const char *config_key_default(size_t i);
const char *config_key_help(size_t i);

/* config_print - write every key with its value in this snapshot, as a config file */
void config_print(const struct config *config, FILE *out);
/* config_write_sample - the commented sample file conf/dmarcguard.conf */
void config_write_sample(FILE *out);

#endif
