/*
 * held - the set of held messages (see held.h).
 *
 * Thread-safety: see held.h.
 */
#include "held.h"
#include "hashtab.h"
#include "mem.h"
#include "verdict.h"

#include <stdlib.h>
#include <string.h>

struct held_set {
	struct held **msgs;
	size_t n, cap;
	struct strmap *by_qid;	/* qid -> struct held * */
	struct arena *arena;
};

struct held_set *
held_set_new(void)
{
	struct held_set *set = xcalloc(1, sizeof(*set));

	set->by_qid = strmap_new(sizeof(struct held *));
	set->arena = arena_new();
	return set;
}

struct held *
held_set_add(struct held_set *set, const char *qid)
{
	int added = 0;
	struct held **slot = strmap_upsert(set->by_qid, qid, strlen(qid), &added);
	struct held *h;

	if (!added)
		return NULL;
	h = arena_alloc(set->arena, sizeof(*h));
	h->qid = strmap_value_key(slot);
	*slot = h;
	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 64;
		set->msgs = xrealloc(set->msgs, set->cap * sizeof(*set->msgs));
	}
	set->msgs[set->n++] = h;
	return h;
}

struct held *
held_set_find(const struct held_set *set, const char *qid, size_t len)
{
	struct held **slot = strmap_find(set->by_qid, qid, len);

	return slot != NULL ? *slot : NULL;
}

int
held_is_ours(const struct held *h)
{
	const char *action = h->verdict != NULL ? verdict_get(h->verdict, "action") : NULL;

	return action != NULL && strcmp(action, "quarantine") == 0;
}

size_t
held_set_count(const struct held_set *set)
{
	return set->n;
}

struct held *
held_set_at(const struct held_set *set, size_t i)
{
	return i < set->n ? set->msgs[i] : NULL;
}

/* by_arrival - qsort order: oldest first, then queue id */
static int
by_arrival(const void *a, const void *b)
{
	const struct held *x = *(const struct held *const *)a;
	const struct held *y = *(const struct held *const *)b;

	if (x->arrival != y->arrival)
		return x->arrival < y->arrival ? -1 : 1;
	return strcmp(x->qid, y->qid);
}

void
held_set_keep(struct held_set *set, int (*keep)(const struct held *h, void *ctx), void *ctx)
{
	size_t kept = 0;

	for (size_t i = 0; i < set->n; i++) {
		struct held *h = set->msgs[i];

		if (keep(h, ctx)) {
			set->msgs[kept++] = h;
			continue;
		}
		h->dropped = 1;
		verdict_free(&h->verdict);
	}
	set->n = kept;
}

void
held_set_sort(struct held_set *set)
{
	if (set->n > 1)
		qsort(set->msgs, set->n, sizeof(*set->msgs), by_arrival);
}

const char *
held_set_strdup(struct held_set *set, const char *s, size_t n)
{
	return arena_strndup(set->arena, s, n);
}

void
held_set_free(struct held_set **setp)
{
	struct held_set *set;

	if (setp == NULL || (set = *setp) == NULL)
		return;
	for (size_t i = 0; i < set->n; i++)
		verdict_free(&set->msgs[i]->verdict);
	free(set->msgs);
	strmap_free(&set->by_qid);
	arena_free(&set->arena);
	free(set);
	*setp = NULL;
}
