/*
 * config_lists - the list-valued configuration keys that come from more
 * than one line or from a file of their own: ProtectedDomains and
 * LookalikeAllow (repeatable name lists), ProtectedDomainsFile (a names
 * file kept as text), TrustedForwardersFile (a domain set) and
 * DomainRulesFile (the domain rules). Files are read through config_file
 * (regular files only, bounded lines) in linear time; errors come back as
 * "path:line: reason" or "path: reason" in error (size bytes).
 *
 * Ownership: each loader replaces what *out held (freed first) with a new
 * object the configuration snapshot owns; on error *out is NULL (or, for
 * names, left unchanged).
 *
 * Thread-safety: reentrant; used while a snapshot is being built.
 */
#ifndef DMARCGUARD_CONFIG_LISTS_H
#define DMARCGUARD_CONFIG_LISTS_H

#include <stddef.h>

#include "domain_rules.h"
#include "domain_set.h"

/* the longest names file, and the longest name list given on key lines */
#define CONFIG_LISTS_NAMES_FILE_MAX (16u << 20)
#define CONFIG_LISTS_NAMELIST_MAX 65536

/*
 * config_lists_append_names - add the names of one more key line to *list
 * (space-separated); refused past CONFIG_LISTS_NAMELIST_MAX in all, since
 * long lists belong in ProtectedDomainsFile. key names the key in errors.
 */
int config_lists_append_names(char **list, const char *key, const char *names, char *error,
			      size_t size);

/* config_lists_read_names - a names file's whole text into *text */
int config_lists_read_names(const char *path, char **text, char *error, size_t size);

/* config_lists_load_domains - a file of domains, '#' comments (path "": none) */
int config_lists_load_domains(struct domain_set **out, const char *path, char *error,
			      size_t size);

/* config_lists_load_rules - a DomainRulesFile (path "": none) */
int config_lists_load_rules(struct domain_rules **out, const char *path, char *error,
			    size_t size);

#endif
