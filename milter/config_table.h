/*
 * config_table - the declarative table of configuration keys and the
 * parsers of each value type. config.c reads files through it; tests and
 * docs are checked against it.
 *
 * Thread-safety: the table is constant; setters write only into the
 * snapshot being built by one thread.
 */
#ifndef DMARCGUARD_CONFIG_TABLE_H
#define DMARCGUARD_CONFIG_TABLE_H

#include <stddef.h>

#include "config.h"

enum config_type {
	CONFIG_STRING,		/* any text, may be empty */
	CONFIG_PATH,		/* absolute path or empty */
	CONFIG_BOOL,		/* yes/no, true/false, on/off, 1/0 */
	CONFIG_UINT,		/* decimal, within min..max */
	CONFIG_DURATION,	/* "3", "3s", "500ms"; stored in ms; min..max ms */
	CONFIG_MODE,		/* octal file mode */
	CONFIG_FACILITY,	/* syslog facility name */
	CONFIG_SOCKET,		/* milter socket specification */
	CONFIG_NAMESERVERS,	/* "host[@port]" list, may be empty */
	CONFIG_ACTION_FLOOR,	/* accept | quarantine | reject */
	CONFIG_ACTION_TEMP,	/* tempfail | accept */
	CONFIG_NETLIST,		/* CIDR list (repeatable) */
	CONFIG_DOMAINSET,	/* domain list (repeatable) */
	CONFIG_RULES_FILE,	/* path of a domain rules file, loaded now */
	CONFIG_DOMAINS_FILE,	/* path of a file of domains (trusted forwarders), loaded now */
	CONFIG_REPLY_TEXT,	/* SMTP reply text: printable, no CR/LF */
	CONFIG_AUTHSERV_ID,	/* token; "HOSTNAME" means this host's name */
	CONFIG_ORG_METHOD,	/* treewalk | psl (enum dmarc_method) */
	CONFIG_REPORT_STORE,	/* report store URI (report_store.h), or empty */
	CONFIG_NAMELIST,	/* domain names as text (repeatable), checked by config.c */
	CONFIG_NAMES_FILE,	/* path of a file of domain names, read now */
	CONFIG_METRICS_SOCKET,	/* metrics endpoint (metrics_server.h), may be empty */
};

struct config_key {
	const char *name;
	enum config_type type;
	const char *default_value;
	size_t offset;
	unsigned min, max;
	const char *help;
};

extern const struct config_key config_keys[];
extern const size_t config_keys_count;

/* config_key_find - the table entry for a name (case-insensitive), or NULL */
const struct config_key *config_key_find(const char *name);
/* config_key_repeatable - list keys may appear several times */
int config_key_repeatable(const struct config_key *key);

/*
 * config_value_set - parse value for key into config. `append` adds to a
 * list instead of replacing it. 0, or -1 with the reason in error.
 */
int config_value_set(struct config *config, const struct config_key *key,
		     const char *value, int append, char *error, size_t size);

/* config_value_release - free what the key's field owns in config */
void config_value_release(struct config *config, const struct config_key *key);

#endif
