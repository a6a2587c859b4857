/*
 * held - the messages an MTA holds in quarantine, as one set: what the
 * queue listing says (queue id, arrival, size, envelope sender and
 * recipients), what the queue file adds (client address and name, HELO,
 * header From, Subject, Message-ID, and for "show" the whole header
 * block), and the dmarcguard alert of the same queue id, if one was
 * found (verdict.h).
 *
 * Ownership: the set owns every string of its messages (one arena) and
 * the verdicts attached to them; held_set_free releases it all.
 *
 * Thread-safety: a set belongs to one thread.
 */
#ifndef DMARCGUARD_QUARANTINE_HELD_H
#define DMARCGUARD_QUARANTINE_HELD_H

#include <stddef.h>
#include <time.h>

struct verdict;

struct held {
	const char *qid;
	time_t arrival;
	unsigned long long size;
	const char *sender;		/* "" for the null sender */
	const char *recipients;		/* comma list */
	const char *client_addr, *client_name, *helo;	/* NULL until read */
	const char *from_hdr, *subject, *message_id;	/* NULL when absent */
	const char *headers;		/* the header block, when asked for */
	const char *mta_reason;		/* the MTA's own quarantine reason (Sendmail), or NULL */
	int details_read;		/* the queue file was read */
	struct verdict *verdict;	/* NULL: no alert for this queue id */
	int dropped;			/* left out by held_set_keep */
};

struct held_set;

struct held_set *held_set_new(void);
/* held_set_add - a new message with this queue id (copied), or NULL if already there */
struct held *held_set_add(struct held_set *set, const char *qid);
/* held_set_find - the message with this queue id, or NULL */
struct held *held_set_find(const struct held_set *set, const char *qid, size_t len);
/*
 * held_is_ours - dmarcguard held it: its alert says action=quarantine (an
 * alert that accepted the message means something else held it)
 */
int held_is_ours(const struct held *h);
size_t held_set_count(const struct held_set *set);
/* held_set_at - the i-th message (order of addition, or after held_set_sort) */
struct held *held_set_at(const struct held_set *set, size_t i);
/*
 * held_set_keep - keep only the messages for which keep() says 1; the
 * others leave the order (held_set_at) but stay findable, marked dropped
 */
void held_set_keep(struct held_set *set, int (*keep)(const struct held *h, void *ctx),
		   void *ctx);
/* held_set_sort - oldest first, then by queue id */
void held_set_sort(struct held_set *set);
/* held_set_strdup - a copy of n bytes at s owned by the set */
const char *held_set_strdup(struct held_set *set, const char *s, size_t n);
void held_set_free(struct held_set **set);

#endif
