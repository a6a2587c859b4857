/*
 * netlist - a list of IPv4/IPv6 networks in CIDR notation, and matching an
 * address against it. Used for trusted networks and allow-listed clients.
 *
 * Syntax: entries separated by spaces or commas, each "addr" (a host) or
 * "addr/prefix"; host bits beyond the prefix are an error (a typo caught
 * at start rather than a wider or narrower net than meant). An IPv4-mapped
 * IPv6 address (::ffff:a.b.c.d) matches as the IPv4 address it carries.
 *
 * Thread-safety: built once, then read-only; netlist_match is safe from any
 * number of threads.
 */
#ifndef DMARCGUARD_NETLIST_H
#define DMARCGUARD_NETLIST_H

#include <stddef.h>

struct netlist;

/*
 * netlist_parse - parse text into a new list (an empty text gives an empty
 * list). NULL with *error_r (static text) on a bad entry.
 */
struct netlist *netlist_parse(const char *text, const char **error_r);
/* netlist_append - parse text and add its entries to list; 0 or -1 */
int netlist_append(struct netlist *list, const char *text, const char **error_r);
void netlist_free(struct netlist **list);
size_t netlist_count(const struct netlist *list);

/* netlist_match - 1 if the textual address lies in a listed network, else 0 */
int netlist_match(const struct netlist *list, const char *address);

#endif
