/*
 * suggest - trust and SPF candidates from held mail (see suggest.h).
 *
 * Thread-safety: see suggest.h.
 */
#include "suggest.h"
#include "hashtab.h"
#include "jsonw.h"
#include "mem.h"
#include "table.h"
#include "verdict.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_CLIENTS 256		/* distinct clients remembered per candidate */

struct candidate {
	unsigned long held;		/* held messages carrying it */
	unsigned long from_clients;	/* held messages from its clients (forwarders) */
	struct u64set *from_domains;
	char *clients[MAX_CLIENTS];
	size_t nclients;
	int clients_overflow;
	char kind[8];			/* "dkim", "arc" / "ipv4", "ipv6" */
	char block[64];			/* SPF: the address block */
	int mixed;			/* SPF: held from more than one block */
	char spf[16];			/* SPF: the last result seen */
};

struct suggest {
	struct strmap *forwarders;	/* "kind:domain" -> candidate */
	struct strmap *spf;		/* spf domain -> candidate */
	struct strmap *per_client;	/* ip -> unsigned long held count */
	unsigned long min_count;
	unsigned long long with_alert;
};

/* aligned - d and from are the same domain or one is a subdomain of the other */
static int
aligned(const char *d, const char *from)
{
	size_t dl = strlen(d), fl = strlen(from);

	if (strcasecmp(d, from) == 0)
		return 1;
	if (fl > dl && from[fl - dl - 1] == '.' && strcasecmp(from + fl - dl, d) == 0)
		return 1;
	return dl > fl && d[dl - fl - 1] == '.' && strcasecmp(d + dl - fl, from) == 0;
}

/* add_client - remember a client of the candidate once */
static void
add_client(struct candidate *c, const char *ip)
{
	for (size_t i = 0; i < c->nclients; i++)
		if (strcmp(c->clients[i], ip) == 0)
			return;
	if (c->nclients == MAX_CLIENTS) {
		c->clients_overflow = 1;
		return;
	}
	c->clients[c->nclients++] = xstrdup(ip);
}

/* forwarder - count one held message for the signer or sealer "kind:domain" */
static void
forwarder(struct suggest *s, const char *kind, const char *d, size_t dlen, const char *from,
	  const char *ip)
{
	char key[300];
	struct candidate *c;
	int added;

	snprintf(key, sizeof(key), "%s:%.*s", kind, (int)dlen, d);
	if (aligned(key + strlen(kind) + 1, from))
		return;
	c = strmap_upsert(s->forwarders, key, strlen(key), &added);
	if (added) {
		c->from_domains = u64set_new();
		snprintf(c->kind, sizeof(c->kind), "%s", kind);
	}
	c->held++;
	u64set_add(c->from_domains, hash_bytes(from, strlen(from)));
	add_client(c, ip);
}

/* signers - every "d:pass" of a dkim= list (dkim.h's format: d:result,...,+N) */
static void
signers(struct suggest *s, const char *dkim, const char *from, const char *ip)
{
	const char *p = dkim;

	while (*p) {
		const char *comma = strchr(p, ','), *end = comma ? comma : p + strlen(p);
		const char *colon = memchr(p, ':', (size_t)(end - p));

		if (colon != NULL && (size_t)(end - colon - 1) == 4 && memcmp(colon + 1, "pass", 4) == 0
		    && colon > p)
			forwarder(s, "dkim", p, (size_t)(colon - p), from, ip);
		p = comma ? comma + 1 : end;
	}
}

/* block_of - the /24 or /48 of ip as text; 0, or -1 when ip is not an address */
static int
block_of(const char *ip, char *buf, size_t size, const char **kind_r)
{
	unsigned char a[16];

	if (inet_pton(AF_INET, ip, a) == 1) {
		snprintf(buf, size, "%u.%u.%u.0/24", a[0], a[1], a[2]);
		*kind_r = "ipv4";
		return 0;
	}
	if (inet_pton(AF_INET6, ip, a) == 1) {
		memset(a + 6, 0, 10);
		inet_ntop(AF_INET6, a, buf, (socklen_t)size);
		strncat(buf, "/48", size - strlen(buf) - 1);
		*kind_r = "ipv6";
		return 0;
	}
	return -1;
}

/* spf_block - count one held message against its SPF domain's address block */
static void
spf_block(struct suggest *s, const struct verdict *v, const char *from, const char *ip)
{
	const char *spf = verdict_get(v, "spf"), *dom = verdict_get(v, "spf_domain"), *kind;
	char block[64];
	struct candidate *c;
	int added;

	if (spf == NULL || dom == NULL || *dom == '\0'
	    || (strcmp(spf, "fail") != 0 && strcmp(spf, "softfail") != 0
		&& strcmp(spf, "neutral") != 0)
	    || block_of(ip, block, sizeof(block), &kind) < 0)
		return;
	c = strmap_upsert(s->spf, dom, strlen(dom), &added);
	if (added) {
		c->from_domains = u64set_new();
		snprintf(c->block, sizeof(c->block), "%s", block);
		snprintf(c->kind, sizeof(c->kind), "%s", kind);
	} else if (strcmp(c->block, block) != 0) {
		c->mixed = 1;
	}
	snprintf(c->spf, sizeof(c->spf), "%s", spf);
	c->held++;
	u64set_add(c->from_domains, hash_bytes(from, strlen(from)));
	add_client(c, ip);
}

struct suggest *
suggest_new(const struct held_set *set, unsigned long min_count)
{
	struct suggest *s = xcalloc(1, sizeof(*s));

	s->forwarders = strmap_new(sizeof(struct candidate));
	s->spf = strmap_new(sizeof(struct candidate));
	s->per_client = strmap_new(sizeof(unsigned long));
	s->min_count = min_count;
	for (size_t i = 0; i < held_set_count(set); i++) {
		const struct held *h = held_set_at(set, i);
		const struct verdict *v = h->verdict;
		const char *ip, *from, *dkim, *arc, *sealer;
		unsigned long *n;
		int added;

		if (v == NULL || (ip = verdict_get(v, "ip")) == NULL)
			continue;
		s->with_alert++;
		from = verdict_get(v, "from") ? verdict_get(v, "from") : "";
		n = strmap_upsert(s->per_client, ip, strlen(ip), &added);
		(*n)++;
		if ((dkim = verdict_get(v, "dkim")) != NULL)
			signers(s, dkim, from, ip);
		arc = verdict_get(v, "arc");
		sealer = verdict_get(v, "arc_sealer");
		if (arc != NULL && sealer != NULL && *sealer && strcmp(arc, "pass") == 0)
			forwarder(s, "arc", sealer, strlen(sealer), from, ip);
		spf_block(s, v, from, ip);
	}
	return s;
}

/* from_clients - held messages (with an alert) sent by the candidate's clients */
static unsigned long
from_clients(const struct suggest *s, const struct candidate *c)
{
	unsigned long total = 0;

	for (size_t i = 0; i < c->nclients; i++) {
		unsigned long *n = strmap_find(s->per_client, c->clients[i], strlen(c->clients[i]));

		total += n != NULL ? *n : 0;
	}
	return total;
}

/* qualifies - enough held messages, and for forwarders all of their clients' mail */
static int
qualifies(const struct suggest *s, const struct candidate *c, int is_forwarder)
{
	if (c->held < s->min_count || c->clients_overflow)
		return 0;
	if (is_forwarder)
		return from_clients(s, c) == c->held;
	return !c->mixed;
}

/* by_held - most held first, then by name */
static int
by_held(const void *a, const void *b)
{
	const struct strmap_entry *x = a, *y = b;
	const struct candidate *cx = x->value, *cy = y->value;

	if (cx->held != cy->held)
		return cx->held > cy->held ? -1 : 1;
	return strcmp(x->key, y->key);
}

/* sorted - the qualifying entries of map, most held first; count in *n_r */
static struct strmap_entry *
sorted(const struct suggest *s, const struct strmap *map, int is_forwarder, size_t *n_r)
{
	size_t n, kept = 0;
	struct strmap_entry *e = strmap_entries(map, &n);

	for (size_t i = 0; i < n; i++)
		if (qualifies(s, e[i].value, is_forwarder))
			e[kept++] = e[i];
	qsort(e, kept, sizeof(*e), by_held);
	*n_r = kept;
	return e;
}

/* print_table - the table, or "none" without rows; frees both */
static void
print_table(FILE *f, struct table **t, struct strmap_entry **e, size_t n)
{
	if (n > 0)
		table_print(*t, f, "  ");
	else
		fprintf(f, "  none\n");
	table_free(t);
	free(*e);
	*e = NULL;
}

void
suggest_print_text(const struct suggest *s, FILE *f, size_t nlogs)
{
	static const char *const fw_head[] = { "SIGNER", "BY", "HELD", "CLIENTS", "FROM DOMAINS" };
	static const char *const spf_head[] = { "SPF DOMAIN", "ONLY FROM", "HELD", "SPF",
						"FROM DOMAINS" };
	struct strmap_entry *e;
	struct table *t;
	size_t n;

	if (nlogs == 0)
		fprintf(f, "no log read: nothing to go by (give --log FILE)\n");
	fprintf(f, "Forwarder candidates: their every held message carries their own valid"
		" signature or seal.\nAfter checking them, list them in TrustedForwarders;"
		" nothing is applied.\n");
	e = sorted(s, s->forwarders, 1, &n);
	t = table_new(5, "llrrr", fw_head);
	for (size_t i = 0; i < n; i++) {
		const struct candidate *c = e[i].value;
		char held[24], clients[24], doms[24];
		const char *cells[5] = { e[i].key + strlen(c->kind) + 1,
					 strcmp(c->kind, "arc") == 0 ? "ARC seal" : "DKIM",
					 held, clients, doms };

		snprintf(held, sizeof(held), "%lu", c->held);
		snprintf(clients, sizeof(clients), "%zu", c->nclients);
		snprintf(doms, sizeof(doms), "%zu", u64set_count(c->from_domains));
		table_row(t, cells);
	}
	print_table(f, &t, &e, n);

	fprintf(f, "\nSPF candidates: the domain's held mail (SPF fail, softfail or neutral)"
		" all comes from one\naddress block, which its SPF record may lack. A spoofer"
		" on one network looks the same:\nask the domain's owner; nothing is applied.\n");
	e = sorted(s, s->spf, 0, &n);
	t = table_new(5, "llrlr", spf_head);
	for (size_t i = 0; i < n; i++) {
		const struct candidate *c = e[i].value;
		char held[24], doms[24];
		const char *cells[5] = { e[i].key, c->block, held, c->spf, doms };

		snprintf(held, sizeof(held), "%lu", c->held);
		snprintf(doms, sizeof(doms), "%zu", u64set_count(c->from_domains));
		table_row(t, cells);
	}
	print_table(f, &t, &e, n);
	fprintf(f, "\nfrom %llu held messages with a dmarcguard alert; at least %lu per"
		" candidate (--min)\n", s->with_alert, s->min_count);
}

void
suggest_print_json(const struct suggest *s, FILE *f)
{
	struct strmap_entry *e;
	struct jsonw w;
	size_t n;

	jsonw_init(&w, f, 1);
	jsonw_object(&w, NULL);
	jsonw_array(&w, "forwarders");
	e = sorted(s, s->forwarders, 1, &n);
	for (size_t i = 0; i < n; i++) {
		const struct candidate *c = e[i].value;

		jsonw_object(&w, NULL);
		jsonw_string(&w, "domain", e[i].key + strlen(c->kind) + 1);
		jsonw_string(&w, "by", c->kind);
		jsonw_uint(&w, "held", c->held);
		jsonw_uint(&w, "clients", c->nclients);
		jsonw_uint(&w, "from_domains", u64set_count(c->from_domains));
		jsonw_string(&w, "suggestion", "TrustedForwarders");
		jsonw_end(&w, '}');
	}
	free(e);
	jsonw_end(&w, ']');
	jsonw_array(&w, "spf");
	e = sorted(s, s->spf, 0, &n);
	for (size_t i = 0; i < n; i++) {
		const struct candidate *c = e[i].value;

		jsonw_object(&w, NULL);
		jsonw_string(&w, "domain", e[i].key);
		jsonw_string(&w, "block", c->block);
		jsonw_uint(&w, "held", c->held);
		jsonw_string(&w, "spf", c->spf);
		jsonw_uint(&w, "from_domains", u64set_count(c->from_domains));
		jsonw_end(&w, '}');
	}
	free(e);
	jsonw_end(&w, ']');
	jsonw_uint(&w, "held_with_alert", s->with_alert);
	jsonw_uint(&w, "min", s->min_count);
	jsonw_end(&w, '}');
	jsonw_finish(&w);
}

/* free_candidates - the clients and sets of every candidate of map */
static void
free_candidates(struct strmap *map)
{
	size_t n;
	struct strmap_entry *e = strmap_entries(map, &n);

	for (size_t i = 0; i < n; i++) {
		struct candidate *c = e[i].value;

		for (size_t k = 0; k < c->nclients; k++)
			free(c->clients[k]);
		u64set_free(&c->from_domains);
	}
	free(e);
}

void
suggest_free(struct suggest **sp)
{
	struct suggest *s;

	if (sp == NULL || (s = *sp) == NULL)
		return;
	free_candidates(s->forwarders);
	free_candidates(s->spf);
	strmap_free(&s->forwarders);
	strmap_free(&s->spf);
	strmap_free(&s->per_client);
	free(s);
	*sp = NULL;
}
