/*
 * domain_set - domain allow lists (see domain_set.h). A hash set of
 * normalized names: adding is amortized constant time, so a list of a
 * million entries loads in linear time, and a duplicate is kept once. A
 * subdomain entry is stored with its leading dot and found by trying each
 * parent of the name, one hash probe sequence per label.
 *
 * The names live back to back in one buffer and the table holds offsets
 * into it, which costs about a third of a strdup per name.
 *
 * Thread-safety: read-only after construction.
 */
#include "domain_set.h"
#include "dns_name.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct domain_set {
	char *names;		/* "example.org\0.example.net\0...", each name once */
	size_t names_len, names_cap;
	size_t *slots;		/* offset + 1 of a name in names; 0 is an empty slot */
	size_t slot_count;	/* a power of two, at least twice count */
	size_t count;
};

/* hash - FNV-1a; the names are the operator's own, not an attacker's */
static uint64_t
hash(const char *name)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		h = (h ^ *p) * 0x100000001b3ULL;
	return h;
}

/* find_slot - the slot holding name, or the empty slot where it would go */
static size_t
find_slot(const struct domain_set *set, const char *name)
{
	size_t mask = set->slot_count - 1, i = (size_t)hash(name) & mask;

	while (set->slots[i] != 0 && strcmp(set->names + set->slots[i] - 1, name) != 0)
		i = (i + 1) & mask;
	return i;
}

/* grow_table - double the slots and place every name again */
static int
grow_table(struct domain_set *set)
{
	size_t n = set->slot_count ? set->slot_count * 2 : 16;
	struct domain_set bigger = *set;

	if ((bigger.slots = calloc(n, sizeof(*bigger.slots))) == NULL)
		return -1;
	bigger.slot_count = n;
	for (size_t i = 0; i < set->slot_count; i++)
		if (set->slots[i] != 0)
			bigger.slots[find_slot(&bigger, set->names + set->slots[i] - 1)] =
				set->slots[i];
	free(set->slots);
	set->slots = bigger.slots;
	set->slot_count = n;
	return 0;
}

struct domain_set *
domain_set_new(void)
{
	return calloc(1, sizeof(struct domain_set));
}

/* set_insert - add name unless it is there already */
static int
set_insert(struct domain_set *set, const char *name)
{
	size_t len = strlen(name) + 1, slot;

	if ((set->count + 1) * 2 > set->slot_count && grow_table(set) < 0)
		return -1;
	slot = find_slot(set, name);
	if (set->slots[slot] != 0)
		return 0;
	if (set->names_len + len > set->names_cap) {
		size_t cap = set->names_cap ? set->names_cap * 2 : 256;
		char *names;

		while (cap < set->names_len + len)
			cap *= 2;
		if ((names = realloc(set->names, cap)) == NULL)
			return -1;
		set->names = names;
		set->names_cap = cap;
	}
	memcpy(set->names + set->names_len, name, len);
	set->slots[slot] = set->names_len + 1;
	set->names_len += len;
	set->count++;
	return 0;
}

int
domain_set_add(struct domain_set *set, const char *text, const char **error_r)
{
	for (const char *p = text; *p != '\0';) {
		char raw[DNS_NAME_BUFSIZE], norm[DNS_NAME_BUFSIZE + 1];
		size_t len, skip = 0;

		p += strspn(p, " \t,");
		if ((len = strcspn(p, " \t,")) == 0)
			break;
		if (len >= sizeof(raw)) {
			*error_r = "domain name too long";
			return -1;
		}
		memcpy(raw, p, len);
		raw[len] = '\0';
		p += len;
		if (raw[0] == '*' && raw[1] == '.')
			skip = 2;
		else if (raw[0] == '.')
			skip = 1;
		if (skip != 0)
			norm[0] = '.';
		if (dns_name_normalize(raw + skip, norm + (skip ? 1 : 0),
				       sizeof(norm) - 1, error_r) < 0)
			return -1;
		if (set_insert(set, norm) < 0) {
			*error_r = "out of memory";
			return -1;
		}
	}
	return 0;
}

void
domain_set_free(struct domain_set **setp)
{
	struct domain_set *set = *setp;

	if (set == NULL)
		return;
	free(set->slots);
	free(set->names);
	free(set);
	*setp = NULL;
}

size_t
domain_set_count(const struct domain_set *set)
{
	return set ? set->count : 0;
}

static int
contains(const struct domain_set *set, const char *key)
{
	return set->slots[find_slot(set, key)] != 0;
}

int
domain_set_match(const struct domain_set *set, const char *domain)
{
	char name[DNS_NAME_BUFSIZE];
	const char *error;

	if (set == NULL || set->count == 0
	    || dns_name_normalize(domain, name, sizeof(name), &error) < 0)
		return 0;
	if (contains(set, name))
		return 1;
	/* every ".parent" suffix of the name, from the longest */
	for (const char *dot = strchr(name, '.'); dot != NULL; dot = strchr(dot + 1, '.'))
		if (contains(set, dot))
			return 1;
	return 0;
}
