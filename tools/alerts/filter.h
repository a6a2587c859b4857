/*
 * filter - which alerts the reports look at: --since/--until (local
 * syslog time, both inclusive; a bare date given to --until means the end
 * of that day; an alert without a time never matches a time filter), --action (a comma list; in dry run the action that would
 * have been taken matches too, so "--action quarantine" finds what a dry
 * run would have held), --domain (the From domain, case-insensitive; a
 * leading dot takes the domain and its subdomains), --client (an
 * address, a network in CIDR notation, or the client host name),
 * --forwarder (the trusted forwarder that lifted the alert, its
 * arc_sealer or forwarder field, as --domain matches names) and --reason
 * (a comma list of reason codes; a code ending in "*" takes every reason
 * that starts with the rest, e.g. lookalike-*).
 *
 * Thread-safety: set up once, then read-only.
 */
#ifndef DMARCGUARD_ALERTS_FILTER_H
#define DMARCGUARD_ALERTS_FILTER_H

#include <time.h>

#include "record.h"

struct filter {
	int has_since, has_until;
	time_t since, until;
	unsigned actions;		/* bit per enum record_action; 0: any */
	const char *domain;		/* without the leading dot */
	int domain_and_subdomains;
	const char *client_name;	/* --client that is not an address */
	int client_family;		/* AF_INET, AF_INET6, or 0 */
	unsigned char client_net[16];
	int client_prefix;
	const char *forwarder;		/* without the leading dot */
	int forwarder_and_subdomains;
	const char *reasons;		/* the --reason comma list as given */
};

void filter_init(struct filter *f);
/* filter_set_* - 0, or -1 with a static message in *error_r */
int filter_set_since(struct filter *f, const char *arg, const char **error_r);
int filter_set_until(struct filter *f, const char *arg, const char **error_r);
int filter_set_actions(struct filter *f, const char *arg, const char **error_r);
int filter_set_domain(struct filter *f, const char *arg, const char **error_r);
int filter_set_client(struct filter *f, const char *arg, const char **error_r);
int filter_set_forwarder(struct filter *f, const char *arg, const char **error_r);
int filter_set_reasons(struct filter *f, const char *arg, const char **error_r);
/* filter_check - the filters agree with each other (since <= until) */
int filter_check(const struct filter *f, const char **error_r);

/* filter_match - 1 when r passes every filter set */
int filter_match(const struct filter *f, const struct record *r);

#endif
