/*
 * config_table - every configuration key with its type, default and help,
 * and how a value is set into the snapshot (see config_table.h); the value
 * text parsers are config_values.c.
 *
 * Key names follow OpenDMARC's where the meaning is the same (Socket,
 * AuthservID, UserID, PidFile, Syslog, SyslogFacility, PublicSuffixList,
 * IgnoreAuthenticatedClients, TrustedNetworks as in TrustedAuthservIDs'
 * spirit...), so operators moving from it find their way.
 *
 * Thread-safety: constant table; setters touch only the snapshot being built.
 */
#include "config_table.h"
#include "config_lists.h"
#include "config_values.h"
#include "report_store.h"
#include "metrics_server.h"
#include "resolver.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include <unistd.h>

#define F(field) offsetof(struct config, field)
#define P(field) offsetof(struct config, policy.field)

const struct config_key config_keys[] = {
	/* process */
	{ "Socket", CONFIG_SOCKET, "local:/run/dmarcguard/dmarcguard.sock", F(socket), 0, 0,
	  "where the MTA connects: unix:/path, local:/path, inet:PORT@HOST, inet6:PORT@HOST" },
	{ "SocketMode", CONFIG_MODE, "0660", F(socket_mode), 0, 0777,
	  "permissions of a unix socket (octal)" },
	{ "SocketGroup", CONFIG_STRING, "", F(socket_group), 0, 0,
	  "group owning a unix socket, e.g. postfix (empty: the daemon's group)" },
	{ "UserID", CONFIG_STRING, "", F(user), 0, 0,
	  "user[:group] to run as after opening the socket (empty: stay as started)" },
	{ "PidFile", CONFIG_PATH, "", F(pid_file), 0, 0,
	  "file to write the process id to (empty: none)" },
	{ "Syslog", CONFIG_BOOL, "yes", F(syslog), 0, 0,
	  "write one alert line per message and all diagnostics to syslog" },
	{ "SyslogFacility", CONFIG_FACILITY, "mail", F(syslog_facility), 0, 0,
	  "syslog facility: mail, daemon, local0 ... local7" },
	{ "MaxConnections", CONFIG_UINT, "0", F(max_connections), 0, 1000000,
	  "MTA connections served at once; more get 451 4.3.2 at connect"
	  " (0: half the open-file limit)" },
	{ "MetricsSocket", CONFIG_METRICS_SOCKET, "", F(metrics_socket), 0, 0,
	  "Prometheus metrics on GET /metrics: inet:PORT@ADDRESS, inet6:PORT@ADDRESS,"
	  " unix:/path (empty: off)" },
	/* evaluation */
	{ "AuthservID", CONFIG_AUTHSERV_ID, "HOSTNAME", F(authserv_id), 0, 0,
	  "authserv-id of our Authentication-Results (HOSTNAME: this host's name)" },
	{ "Nameservers", CONFIG_NAMESERVERS, "", F(nameservers), 0, 0,
	  "IP[@port] list of resolvers to ask (empty: those of /etc/resolv.conf)" },
	{ "DNSRecursion", CONFIG_BOOL, "no", F(dns_recursion), 0, 0,
	  "without Nameservers, recurse from the root with DNSSEC instead of resolv.conf" },
	{ "DNSTimeout", CONFIG_DURATION, "3s", F(dns_timeout_ms), 100, 60000,
	  "deadline of one DNS look-up; past it the message is a temporary failure" },
	{ "DNSCacheSize", CONFIG_UINT, "20000", F(dns_cache_size), 1, 10000000,
	  "answers kept in the DNS cache" },
	{ "OrgDomainMethod", CONFIG_ORG_METHOD, "treewalk", F(org_domain_method), 0, 0,
	  "how DMARC policies and organizational domains are found: treewalk (RFC 9989) or psl (RFC 7489)" },
	{ "PublicSuffixList", CONFIG_PATH, "/usr/share/publicsuffix/public_suffix_list.dat",
	  F(public_suffix_list), 0, 0,
	  "Public Suffix List for organizational domains with OrgDomainMethod psl (empty: libpsl's built-in list)" },
	{ "MaxSignatures", CONFIG_UINT, "10", F(max_signatures), 1, 100,
	  "DKIM-Signature fields evaluated per message, top first; the rest are counted, not parsed" },
	{ "MinimumKeyBits", CONFIG_UINT, "1024", F(min_rsa_bits), 512, 16384,
	  "RSA DKIM keys shorter than this do not pass (RFC 8301)" },
	{ "AllowPartialBodySignatures", CONFIG_BOOL, "no", F(allow_partial_body), 0, 0,
	  "let a DKIM signature with l= shorter than the body count as a pass" },
	/* local policy */
	{ "FailFloor", CONFIG_ACTION_FLOOR, "quarantine", P(fail_floor), 0, 0,
	  "least action for mail failing DMARC, also when the domain publishes p=none" },
	{ "PublishedRejectAction", CONFIG_ACTION_FLOOR, "reject", P(published_reject), 0, 0,
	  "what a published p=reject becomes (lower it to quarantine if you must)" },
	{ "MalformedFromAction", CONFIG_ACTION_FLOOR, "reject", P(malformed_from), 0, 0,
	  "action for a missing, repeated, malformed or ambiguous From: header" },
	{ "TempErrorAction", CONFIG_ACTION_TEMP, "tempfail", P(temperror), 0, 0,
	  "action when DNS trouble leaves the result undecided: tempfail or accept" },
	{ "NoPolicyAction", CONFIG_ACTION_FLOOR, "accept", P(no_policy), 0, 0,
	  "action when the From domain publishes no usable DMARC record" },
	{ "PermErrorAction", CONFIG_ACTION_FLOOR, "accept", P(permerror), 0, 0,
	  "action when the From domain's DMARC record is invalid" },
	{ "DomainRulesFile", CONFIG_RULES_FILE, "", F(domain_rules_file), 0, 0,
	  "file of 'protect DOMAIN' and 'relax DOMAIN' lines (empty: none)" },
	{ "TrustedNetworks", CONFIG_NETLIST, "127.0.0.0/8 ::1", P(trusted_networks), 0, 0,
	  "clients whose mail is not evaluated (our own hosts)" },
	{ "AllowClientNetworks", CONFIG_NETLIST, "", P(allow_client_networks), 0, 0,
	  "clients (forwarders) that skip the fail floor; published policy still applies" },
	{ "AllowFromDomains", CONFIG_DOMAINSET, "", P(allow_from_domains), 0, 0,
	  "From domains that skip the fail floor (.domain for subdomains)" },
	{ "AllowSigningDomains", CONFIG_DOMAINSET, "", P(allow_signing_domains), 0, 0,
	  "DKIM signing domains (mailing lists) whose valid signature skips the floor" },
	{ "TrustedForwarders", CONFIG_DOMAINSET, "", P(trusted_forwarders), 0, 0,
	  "ARC sealers and forwarders (with their subdomains) whose word lifts a DMARC failure" },
	{ "TrustedForwardersFile", CONFIG_DOMAINS_FILE, "", F(trusted_forwarders_file), 0, 0,
	  "file of more trusted forwarders, any number per line, '#' comments (empty: none)" },
	{ "IgnoreAuthenticatedClients", CONFIG_BOOL, "yes", P(ignore_authenticated), 0, 0,
	  "do not evaluate mail from SMTP-AUTH authenticated clients" },
	{ "DryRun", CONFIG_BOOL, "no", P(dry_run), 0, 0,
	  "evaluate and log what would be done, but accept every message" },
	/* look-alike senders */
	{ "ProtectedDomains", CONFIG_NAMELIST, "", F(protected_domains), 0, 0,
	  "domains whose look-alikes (homoglyph, typo, suffix, embedded, display name) are caught" },
	{ "ProtectedDomainsFile", CONFIG_NAMES_FILE, "", F(protected_domains_file), 0, 0,
	  "file of more protected domains, one or more a line, '#' comments (empty: none)" },
	{ "ProtectRecipientDomains", CONFIG_BOOL, "yes", F(protect_recipient_domains), 0, 0,
	  "the domains of each message's RCPT TO addresses are protected too" },
	{ "LookalikeAllow", CONFIG_NAMELIST, "", F(lookalike_allow), 0, 0,
	  "legitimate near names (and their subdomains) never taken for look-alikes" },
	{ "LookalikeAction", CONFIG_ACTION_FLOOR, "quarantine", P(lookalike), 0, 0,
	  "action for a look-alike sender, whatever DMARC says (accept: log only); never weakens" },
	/* milter output */
	{ "RejectText", CONFIG_REPLY_TEXT,
	  "Message rejected: DMARC policy for %{domain} (%{reason})", F(reject_text), 0, 0,
	  "550 5.7.1 reply text; %{domain} and %{reason} are replaced" },
	{ "TempfailText", CONFIG_REPLY_TEXT,
	  "Temporary failure checking DMARC for %{domain}, try again later", F(tempfail_text),
	  0, 0, "451 4.7.x reply text; %{domain} and %{reason} are replaced" },
	{ "AddAuthenticationResults", CONFIG_BOOL, "yes", F(add_authentication_results), 0, 0,
	  "insert our Authentication-Results header at the top" },
	{ "RemoveOwnAuthenticationResults", CONFIG_BOOL, "yes",
	  F(remove_own_authentication_results), 0, 0,
	  "remove Authentication-Results headers that claim our authserv-id" },
	/* aggregate reports (RFC 9990), recorded here, sent by dmarcguard-reports */
	{ "ReportStore", CONFIG_REPORT_STORE, "", F(report_store), 0, 0,
	  "where report records go, sqlite:/path or postgresql://... (empty: none)" },
	{ "ReportQueueSize", CONFIG_UINT, "4096", F(report_queue_size), 16, 1000000,
	  "records waiting for the store; beyond it new ones are dropped and counted" },
	{ "ReportOrgName", CONFIG_STRING, "", F(report_org_name), 0, 0,
	  "org_name of the reports (empty: the domain of ReportFrom)" },
	{ "ReportFrom", CONFIG_STRING, "", F(report_from), 0, 0,
	  "From address of the reports; its domain is the submitter (needed to send)" },
	{ "ReportContact", CONFIG_STRING, "", F(report_contact), 0, 0,
	  "extra_contact_info of the reports, e.g. a web page (empty: left out)" },
	{ "ReportSendmail", CONFIG_STRING, "/usr/sbin/sendmail -i -t", F(report_sendmail), 0, 0,
	  "the MTA's sendmail command that dmarcguard-reports hands each report to" },
	{ "ReportMaxBytes", CONFIG_UINT, "10485760", F(report_max_bytes), 1024, 1000000000,
	  "largest gzip'ed report; a larger one is split into parts that each fit" },
	{ "ReportRetryDays", CONFIG_UINT, "3", F(report_retry_days), 0, 30,
	  "days dmarcguard-reports retries a failed report before giving it up" },
};

const size_t config_keys_count = sizeof(config_keys) / sizeof(config_keys[0]);

const struct config_key *
config_key_find(const char *name)
{
	for (size_t i = 0; i < config_keys_count; i++)
		if (strcasecmp(config_keys[i].name, name) == 0)
			return &config_keys[i];
	return NULL;
}

int
config_key_repeatable(const struct config_key *key)
{
	return key->type == CONFIG_NETLIST || key->type == CONFIG_DOMAINSET
	    || key->type == CONFIG_NAMELIST;
}

#define FIELD(config, key, type) ((type *)((char *)(config) + (key)->offset))

static int fail(char *error, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
fail(char *error, size_t size, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(error, size, fmt, ap);
	va_end(ap);
	return -1;
}

static int
set_string(struct config *c, const struct config_key *key, const char *v)
{
	char **field = FIELD(c, key, char *);
	char *copy = strdup(v);

	if (copy == NULL)
		return -1;
	free(*field);
	*field = copy;
	return 0;
}

int
config_value_set(struct config *c, const struct config_key *key, const char *v,
		 int append, char *error, size_t size)
{
	const char *why = NULL;
	unsigned long n;
	int b;

	switch (key->type) {
	case CONFIG_STRING:
	case CONFIG_NAMELIST:	/* the names are checked once the file is read */
		break;
	case CONFIG_PATH:
	case CONFIG_RULES_FILE:
	case CONFIG_NAMES_FILE:
	case CONFIG_DOMAINS_FILE:
		if (v[0] != '\0' && v[0] != '/')
			return fail(error, size, "%s must be an absolute path", key->name);
		break;
	case CONFIG_BOOL:
		if (config_parse_bool(v, &b) < 0)
			return fail(error, size, "%s takes yes or no", key->name);
		*FIELD(c, key, int) = b;
		return 0;
	case CONFIG_UINT:
	case CONFIG_DURATION:
		if ((key->type == CONFIG_UINT ? config_parse_uint(v, &n)
					       : config_parse_duration(v, &n)) < 0
		    || n < key->min || n > key->max) {
			snprintf(error, size, "%s must be %s from %u to %u%s", key->name,
				 key->type == CONFIG_UINT ? "a number" : "a duration",
				 key->min, key->max, key->type == CONFIG_UINT ? "" : " ms (e.g. 3s, 500ms)");
			return -1;
		}
		*FIELD(c, key, unsigned) = (unsigned)n;
		return 0;
	case CONFIG_MODE: {
		char *end;

		n = strtoul(v, &end, 8);
		if (v[0] == '\0' || *end != '\0' || n > key->max)
			return fail(error, size, "%s must be an octal mode such as 0660", key->name);
		*FIELD(c, key, unsigned) = (unsigned)n;
		return 0;
	}
	case CONFIG_FACILITY:
		if (config_parse_facility(v, &b) < 0)
			return fail(error, size, "%s: unknown syslog facility", key->name);
		*FIELD(c, key, int) = b;
		return 0;
	case CONFIG_SOCKET:
		if ((why = config_check_socket(v)) != NULL)
			return fail(error, size, "%s", why);
		break;
	case CONFIG_METRICS_SOCKET:
		if ((why = metrics_server_check(v)) != NULL)
			return fail(error, size, "%s", why);
		break;
	case CONFIG_NAMESERVERS:
		if (v[0] != '\0' && resolver_check_nameservers(v, &why) < 0) {
			snprintf(error, size, "%s: %s", key->name, why);
			return -1;
		}
		break;
	case CONFIG_ORG_METHOD:
		if (dmarc_discovery_method_parse(v, FIELD(c, key, enum dmarc_method)) < 0)
			return fail(error, size, "%s takes treewalk or psl", key->name);
		return 0;
	case CONFIG_ACTION_FLOOR:
	case CONFIG_ACTION_TEMP: {
		enum action a;

		if (action_parse(v, &a) < 0
		    || (key->type == CONFIG_ACTION_FLOOR && a == ACTION_TEMPFAIL)
		    || (key->type == CONFIG_ACTION_TEMP && a != ACTION_TEMPFAIL
			&& a != ACTION_ACCEPT))
			return fail(error, size, "%s takes %s", key->name,
				    key->type == CONFIG_ACTION_FLOOR ? "accept, quarantine or reject"
				    : "tempfail or accept");
		*FIELD(c, key, enum action) = a;
		return 0;
	}
	case CONFIG_NETLIST: {
		struct netlist **list = FIELD(c, key, struct netlist *);

		if (!append)
			netlist_free(list);
		if (*list == NULL && (*list = netlist_parse("", &why)) == NULL)
			return fail(error, size, "%s", why);
		if (netlist_append(*list, v, &why) < 0) {
			snprintf(error, size, "%s: %s", key->name, why);
			return -1;
		}
		return 0;
	}
	case CONFIG_DOMAINSET: {
		struct domain_set **set = FIELD(c, key, struct domain_set *);

		if (!append)
			domain_set_free(set);
		if (*set == NULL && (*set = domain_set_new()) == NULL)
			return fail(error, size, "%s", "out of memory");
		if (domain_set_add(*set, v, &why) < 0) {
			snprintf(error, size, "%s: %s", key->name, why);
			return -1;
		}
		return 0;
	}
	case CONFIG_REPLY_TEXT:
		if (config_check_reply_text(v) < 0)
			return fail(error, size, "%s must be printable text on one line, at most 400"
				    " characters", key->name);
		break;
	case CONFIG_REPORT_STORE:
		if (v[0] != '\0' && report_store_uri_valid(v, &why) < 0) {
			snprintf(error, size, "%s: %s", key->name, why);
			return -1;
		}
		break;
	case CONFIG_AUTHSERV_ID:
		if (strcmp(v, "HOSTNAME") == 0) {
			char host[256] = "localhost";

			gethostname(host, sizeof(host) - 1);
			return set_string(c, key, host);
		}
		if (!config_is_authserv_token(v))
			return fail(error, size, "%s must be one token of printable ASCII without"
				    " spaces, ';', quotes or parentheses", key->name);
		break;
	}
	if (key->type == CONFIG_NAMELIST && append && *FIELD(c, key, char *) != NULL
	    && (*FIELD(c, key, char *))[0] != '\0')
		return config_lists_append_names(FIELD(c, key, char *), key->name, v, error, size);
	if (key->type == CONFIG_NAMES_FILE) {
		free(c->protected_domains_file_text);
		c->protected_domains_file_text = NULL;
		if (v[0] != '\0' && config_lists_read_names(v, &c->protected_domains_file_text, error,
						    size) < 0)
			return -1;
	}
	if (key->type == CONFIG_DOMAINS_FILE
	    && config_lists_load_domains(&c->policy.trusted_forwarders_file, v, error, size) < 0)
		return -1;
	if (key->type == CONFIG_RULES_FILE
	    && config_lists_load_rules(&c->policy.domain_rules, v, error, size) < 0)
		return -1;
	if (set_string(c, key, v) < 0)
		return fail(error, size, "%s", "out of memory");
	return 0;
}

void
config_value_release(struct config *c, const struct config_key *key)
{
	switch (key->type) {
	case CONFIG_NETLIST:
		netlist_free(FIELD(c, key, struct netlist *));
		break;
	case CONFIG_DOMAINSET:
		domain_set_free(FIELD(c, key, struct domain_set *));
		break;
	case CONFIG_RULES_FILE:
		domain_rules_free(&c->policy.domain_rules);
		/* FALLTHROUGH */
	case CONFIG_NAMES_FILE:
		if (key->type == CONFIG_NAMES_FILE) {
			free(c->protected_domains_file_text);
			c->protected_domains_file_text = NULL;
		}
		/* FALLTHROUGH */
	case CONFIG_DOMAINS_FILE:
		if (key->type == CONFIG_DOMAINS_FILE)
			domain_set_free(&c->policy.trusted_forwarders_file);
		/* FALLTHROUGH */
	case CONFIG_NAMELIST:
	case CONFIG_STRING:
	case CONFIG_PATH:
	case CONFIG_SOCKET:
	case CONFIG_METRICS_SOCKET:
	case CONFIG_NAMESERVERS:
	case CONFIG_REPLY_TEXT:
	case CONFIG_AUTHSERV_ID:
	case CONFIG_REPORT_STORE:
		free(*FIELD(c, key, char *));
		*FIELD(c, key, char *) = NULL;
		break;
	default:
		break;
	}
}
