/*
 * netlist - CIDR network lists (see netlist.h). Addresses are kept as 16
 * bytes; IPv4 networks as IPv4-mapped IPv6 with the prefix moved by 96,
 * so one routine serves both families.
 *
 * The networks are a hash set keyed by (prefix, network address), and the
 * list remembers which prefix lengths occur. A look-up masks the address
 * to each of those lengths and probes the set once per length: at most
 * 129 probes, usually a handful, however long the list; adding is
 * amortized constant time, and a network given twice is kept once.
 *
 * Thread-safety: read-only after construction.
 */
#include "netlist.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct net {
	unsigned char addr[16];	/* host bits zero */
	unsigned prefix;	/* 0..128 over the 16-byte form */
};

struct netlist {
	struct net *nets;	/* distinct networks, in the order given */
	size_t count, alloc;
	size_t *slots;		/* index + 1 into nets; 0 is an empty slot */
	size_t slot_count;	/* a power of two, at least twice count */
	unsigned char lengths[129];	/* the prefix lengths in use, lengths_used of them */
	unsigned lengths_used;
	unsigned char length_seen[129];
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

/* mask - the network of addr at prefix bits */
static void
mask(const unsigned char addr[16], unsigned prefix, unsigned char out[16])
{
	unsigned bytes = prefix / 8, bits = prefix % 8;

	memset(out, 0, 16);
	memcpy(out, addr, bytes);
	if (bits != 0)
		out[bytes] = addr[bytes] & (unsigned char)(0xff << (8 - bits));
}

/* hash - FNV-1a over prefix and address; the lists are the operator's */
static uint64_t
hash(const unsigned char addr[16], unsigned prefix)
{
	uint64_t h = (0xcbf29ce484222325ULL ^ prefix) * 0x100000001b3ULL;

	for (int i = 0; i < 16; i++)
		h = (h ^ addr[i]) * 0x100000001b3ULL;
	return h;
}

/* find_slot - the slot holding (addr, prefix), or the empty slot where it goes */
static size_t
find_slot(const struct netlist *list, const unsigned char addr[16], unsigned prefix)
{
	size_t m = list->slot_count - 1, i = (size_t)hash(addr, prefix) & m;

	for (; list->slots[i] != 0; i = (i + 1) & m) {
		const struct net *n = &list->nets[list->slots[i] - 1];

		if (n->prefix == prefix && memcmp(n->addr, addr, 16) == 0)
			break;
	}
	return i;
}

/* grow_table - double the slots and place every network again */
static int
grow_table(struct netlist *list)
{
	size_t n = list->slot_count ? list->slot_count * 2 : 16;
	size_t *slots = calloc(n, sizeof(*slots));

	if (slots == NULL)
		return -1;
	free(list->slots);
	list->slots = slots;
	list->slot_count = n;
	for (size_t k = 0; k < list->count; k++)
		slots[find_slot(list, list->nets[k].addr, list->nets[k].prefix)] = k + 1;
	return 0;
}

/* add_net - add a network unless it is listed already; 0 or -1 */
static int
add_net(struct netlist *list, const struct net *net)
{
	size_t slot;

	if ((list->count + 1) * 2 > list->slot_count && grow_table(list) < 0)
		return -1;
	slot = find_slot(list, net->addr, net->prefix);
	if (list->slots[slot] != 0)
		return 0;
	if (list->count == list->alloc) {
		size_t n = list->alloc ? list->alloc * 2 : 8;
		struct net *nets = realloc(list->nets, n * sizeof(*nets));

		if (nets == NULL)
			return -1;
		list->nets = nets;
		list->alloc = n;
	}
	list->nets[list->count++] = *net;
	list->slots[slot] = list->count;
	if (!list->length_seen[net->prefix]) {
		list->length_seen[net->prefix] = 1;
		list->lengths[list->lengths_used++] = (unsigned char)net->prefix;
	}
	return 0;
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
		if (add_net(list, &net) < 0) {
			*error_r = "out of memory";
			return -1;
		}
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
	free((*listp)->slots);
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
	unsigned char addr[16], net[16];
	int is_v4;

	if (list == NULL || list->count == 0 || address == NULL
	    || address_parse(address, addr, &is_v4) < 0)
		return 0;
	for (unsigned i = 0; i < list->lengths_used; i++) {
		mask(addr, list->lengths[i], net);
		if (list->slots[find_slot(list, net, list->lengths[i])] != 0)
			return 1;
	}
	return 0;
}
