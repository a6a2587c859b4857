/*
 * netlist - CIDR network lists (see netlist.h). Addresses are kept as 16
 * bytes; IPv4 networks as IPv4-mapped IPv6 with the prefix moved by 96,
 * so one comparison routine serves both families.
 *
 * Thread-safety: read-only after construction.
 */
#include "netlist.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

struct net {
	unsigned char addr[16];
	unsigned prefix;	/* 0..128 over the 16-byte form */
};

struct netlist {
	struct net *nets;
	size_t count, alloc;
};

static const unsigned char mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/* address_parse - text to 16 bytes; *is_v4 tells which family was written */
static int
address_parse(const char *text, unsigned char out[16], int *is_v4)
{
	unsigned char v4[4];

	if (inet_pton(AF_INET, text, v4) == 1) {
		memcpy(out, mapped_prefix, 12);
		memcpy(out + 12, v4, 4);
		*is_v4 = 1;
		return 0;
	}
	if (inet_pton(AF_INET6, text, out) == 1) {
		*is_v4 = memcmp(out, mapped_prefix, 12) == 0;
		return 0;
	}
	return -1;
}

static int
prefix_match(const unsigned char *a, const unsigned char *net, unsigned prefix)
{
	unsigned bytes = prefix / 8, bits = prefix % 8;

	if (memcmp(a, net, bytes) != 0)
		return 0;
	if (bits == 0)
		return 1;
	unsigned char mask = (unsigned char)(0xff << (8 - bits));

	return (a[bytes] & mask) == (net[bytes] & mask);
}

static int
entry_parse(const char *tok, size_t len, struct net *net, const char **error_r)
{
	char buf[INET6_ADDRSTRLEN + 8];
	char *slash, *end;
	int is_v4;
	long prefix;

	if (len >= sizeof(buf)) {
		*error_r = "network entry too long";
		return -1;
	}
	memcpy(buf, tok, len);
	buf[len] = '\0';
	if ((slash = strchr(buf, '/')) != NULL)
		*slash++ = '\0';
	if (address_parse(buf, net->addr, &is_v4) < 0) {
		*error_r = "not an IPv4 or IPv6 address";
		return -1;
	}
	if (slash == NULL) {
		net->prefix = 128;
		return 0;
	}
	prefix = strtol(slash, &end, 10);
	if (*slash == '\0' || *end != '\0' || prefix < 0 || prefix > (is_v4 ? 32 : 128)) {
		*error_r = "bad prefix length";
		return -1;
	}
	net->prefix = (unsigned)prefix + (is_v4 ? 96 : 0);
	for (unsigned bit = net->prefix; bit < 128; bit++) {
		if (net->addr[bit / 8] & (0x80 >> (bit % 8))) {
			*error_r = "address has bits set beyond the prefix length";
			return -1;
		}
	}
	return 0;
}

int
netlist_append(struct netlist *list, const char *text, const char **error_r)
{
	for (const char *p = text; *p != '\0';) {
		size_t len;
		struct net net;

		p += strspn(p, " \t,");
		if ((len = strcspn(p, " \t,")) == 0)
			break;
		if (entry_parse(p, len, &net, error_r) < 0)
			return -1;
		if (list->count == list->alloc) {
			size_t n = list->alloc ? list->alloc * 2 : 8;
			struct net *nets = realloc(list->nets, n * sizeof(*nets));

			if (nets == NULL) {
				*error_r = "out of memory";
				return -1;
			}
			list->nets = nets;
			list->alloc = n;
		}
		list->nets[list->count++] = net;
		p += len;
	}
	return 0;
}

struct netlist *
netlist_parse(const char *text, const char **error_r)
{
	struct netlist *list = calloc(1, sizeof(*list));

	if (list == NULL) {
		*error_r = "out of memory";
		return NULL;
	}
	if (netlist_append(list, text, error_r) < 0) {
		netlist_free(&list);
		return NULL;
	}
	return list;
}

void
netlist_free(struct netlist **listp)
{
	if (*listp == NULL)
		return;
	free((*listp)->nets);
	free(*listp);
	*listp = NULL;
}

size_t
netlist_count(const struct netlist *list)
{
	return list ? list->count : 0;
}

int
netlist_match(const struct netlist *list, const char *address)
{
	unsigned char addr[16];
	int is_v4;

	if (list == NULL || address == NULL || address_parse(address, addr, &is_v4) < 0)
		return 0;
	for (size_t i = 0; i < list->count; i++)
		if (prefix_match(addr, list->nets[i].addr, list->nets[i].prefix))
			return 1;
	return 0;
}
