/*
 * report_store - where report records are kept until reports are sent:
 * a small vtable, so that SQLite (report_store_sqlite*.c, "sqlite:PATH")
 * and PostgreSQL (report_store_pg*.c, "postgresql://..." or
 * "postgresql:key=value ...") are chosen by the URI's scheme and used
 * alike.
 *
 *   report_store_open("sqlite:/var/lib/dmarcguard/reports.db", ...)
 *   report_store_append(store, recs, n, ...)    one transaction per batch
 *   report_store_domains(store, day, ...)       policy domains with rows that day
 *   report_store_aggregate(store, domain, day, ...)  records with counts
 *   report_store_claim(store, domain, day, ...)   take a report for sending
 *   report_store_delivery_get / _put              one destination's attempts
 *   report_store_finish(store, domain, day, ...)  release the claim: done or pending
 *   report_store_pending(store, before_day, ...)  reports to try again
 *   report_store_mark_sent / report_store_sent  a report's state, shortly
 *   report_store_expire(store, before, ...)     forget old rows
 *   report_store_close(&store)
 *
 * A day is a UTC day number (seconds since the epoch / 86400).
 * Aggregation groups rows by source IP, identifiers, DKIM and SPF
 * results, alignment, disposition and reasons; the policy published is
 * that of the newest row of the day. Each row carries the host that
 * wrote it (gethostname), so that several MX hosts may share one store:
 * every host's rows are counted, each once.
 *
 * Sending: a report (policy domain, day) is sent by whoever claims it.
 * report_store_claim is atomic across processes and hosts: it takes a
 * report that nobody holds (no state, or pending) or whose claim is
 * older than stale_before, and says BUSY while another holder's claim is
 * fresh and DONE once the report is done. Per destination the store
 * keeps attempts, first and last failure, the reason, the Report-ID and
 * when it was sent; the sender decides when to give up.
 *
 * Every function but report_store_open returns 0 or -1 with *error_r set to text that stays
 * valid until the next call on the same store.
 *
 * Thread-safety: one store is used by one thread at a time; several
 * stores (processes or threads) may open the same database.
 */
#ifndef DMARCGUARD_REPORT_STORE_H
#define DMARCGUARD_REPORT_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "report_record.h"

struct report_store;

/* A report's state: nobody sent it yet, claimed, to retry, finished */
enum report_state {
	REPORT_STATE_NONE,
	REPORT_STATE_SENDING,
	REPORT_STATE_PENDING,
	REPORT_STATE_DONE,
};

enum report_claim {
	REPORT_CLAIM_TAKEN,		/* ours now: send it, then report_store_finish */
	REPORT_CLAIM_BUSY,		/* another sender holds it */
	REPORT_CLAIM_DONE,		/* nothing left to send */
};

/* One destination of one report */
enum report_delivery_state {
	REPORT_DELIVERY_NONE,		/* not tried */
	REPORT_DELIVERY_SENT,
	REPORT_DELIVERY_FAILED,		/* to try again */
	REPORT_DELIVERY_GIVEN_UP,
	REPORT_DELIVERY_REFUSED,	/* the destination does not take our reports */
};

#define REPORT_STORE_OWNER_SIZE 128
#define REPORT_STORE_REASON_SIZE 256
#define REPORT_STORE_ID_SIZE 64

struct report_delivery {
	char destination[REPORT_RUA_SIZE];
	enum report_delivery_state state;
	unsigned attempts;		/* failed attempts */
	int64_t first_failure, last_failure;	/* 0: none */
	char reason[REPORT_STORE_REASON_SIZE];	/* of the last failure */
	char report_id[REPORT_STORE_ID_SIZE];	/* once sent */
	int64_t sent_time;
};

/* report_store_row_fn - one aggregated record; nonzero stops the walk */
typedef int report_store_row_fn(const struct report_record *rec, uint64_t count, void *ctx);
/* report_store_domain_fn - one policy domain; nonzero stops the walk */
typedef int report_store_domain_fn(const char *domain, void *ctx);
/* report_store_pending_fn - one report to try again; nonzero stops the walk */
typedef int report_store_pending_fn(const char *domain, int64_t day, void *ctx);

struct report_store_ops {
	const char *scheme;		/* "sqlite", "postgresql", "postgres" */
	struct report_store *(*open)(const char *where, char *error, size_t size);
	int (*append)(struct report_store *store, const struct report_record *recs, size_t n,
		      const char **error_r);
	int (*domains)(struct report_store *store, int64_t day, report_store_domain_fn *fn,
		       void *ctx, const char **error_r);
	int (*aggregate)(struct report_store *store, const char *domain, int64_t day,
			 struct report_policy *policy_r, report_store_row_fn *fn, void *ctx,
			 const char **error_r);
	/* *taken_r 1 when the row was inserted or taken over (the rest is report_store.c's) */
	int (*claim)(struct report_store *store, const char *domain, int64_t day,
		     const char *owner, int64_t now, int64_t stale_before, int *taken_r,
		     const char **error_r);
	/* *changed_r 0 when owner (not NULL) no longer held the claim */
	int (*finish)(struct report_store *store, const char *domain, int64_t day,
		      const char *owner, enum report_state state, const char *report_id,
		      int64_t now, int *changed_r, const char **error_r);
	/* report_id_r (REPORT_STORE_ID_SIZE bytes) may be NULL */
	int (*state)(struct report_store *store, const char *domain, int64_t day,
		     enum report_state *state_r, char *report_id_r, const char **error_r);
	int (*pending)(struct report_store *store, int64_t before_day, report_store_pending_fn *fn,
		       void *ctx, const char **error_r);
	int (*delivery_get)(struct report_store *store, const char *domain, int64_t day,
			    const char *destination, struct report_delivery *d_r,
			    const char **error_r);
	int (*delivery_put)(struct report_store *store, const char *domain, int64_t day,
			    const struct report_delivery *d, const char **error_r);
	int (*expire)(struct report_store *store, int64_t before_day, uint64_t *deleted_r,
		      const char **error_r);
	void (*close)(struct report_store *store);
};

/* The part every back end's store begins with */
struct report_store {
	const struct report_store_ops *ops;
	char host[REPORT_STORE_OWNER_SIZE];	/* written into each row; gethostname */
};

/*
 * report_store_open - open (creating it if needed) the store named by
 * uri, "scheme:rest". NULL with the reason in error for an unknown scheme
 * or a store that cannot be opened.
 */
struct report_store *report_store_open(const char *uri, char *error, size_t size);
int report_store_append(struct report_store *store, const struct report_record *recs, size_t n,
			const char **error_r);
int report_store_domains(struct report_store *store, int64_t day, report_store_domain_fn *fn,
			 void *ctx, const char **error_r);
int report_store_aggregate(struct report_store *store, const char *domain, int64_t day,
			   struct report_policy *policy_r, report_store_row_fn *fn, void *ctx,
			   const char **error_r);
/*
 * report_store_claim - take the report of domain and day for owner (a
 * name unique to this sender: host and process) as of now; a claim held
 * since before stale_before is taken over. *r says what happened.
 */
int report_store_claim(struct report_store *store, const char *domain, int64_t day,
		       const char *owner, int64_t now, int64_t stale_before, enum report_claim *r,
		       const char **error_r);
/*
 * report_store_finish - release owner's claim with state PENDING (some
 * destination to try again) or DONE, keeping report_id and now when DONE.
 * With owner NULL the state is set whoever holds the claim.
 */
int report_store_finish(struct report_store *store, const char *domain, int64_t day,
			const char *owner, enum report_state state, const char *report_id,
			int64_t now, const char **error_r);
/*
 * report_store_state - the report's state (NONE when never claimed) and,
 * unless report_id_r is NULL, into it (REPORT_STORE_ID_SIZE bytes) the
 * Report-ID it was finished with ("" when nothing was sent)
 */
int report_store_state(struct report_store *store, const char *domain, int64_t day,
		       enum report_state *state_r, char *report_id_r, const char **error_r);
/* report_store_pending - reports of days before before_day not DONE, oldest first */
int report_store_pending(struct report_store *store, int64_t before_day,
			 report_store_pending_fn *fn, void *ctx, const char **error_r);
/* report_store_delivery_get - destination's record; state NONE when there is none */
int report_store_delivery_get(struct report_store *store, const char *domain, int64_t day,
			      const char *destination, struct report_delivery *d_r,
			      const char **error_r);
/* report_store_delivery_put - write d (keyed by domain, day, d->destination) */
int report_store_delivery_put(struct report_store *store, const char *domain, int64_t day,
			      const struct report_delivery *d, const char **error_r);
/* report_store_mark_sent - report_store_finish(NULL owner, DONE) */
int report_store_mark_sent(struct report_store *store, const char *domain, int64_t day,
			   const char *report_id, int64_t now, const char **error_r);
/* report_store_sent - *sent_r 1 when the report of domain and day is DONE */
int report_store_sent(struct report_store *store, const char *domain, int64_t day, int *sent_r,
		      const char **error_r);
/* report_store_expire - delete rows, states and deliveries of days before before_day */
int report_store_expire(struct report_store *store, int64_t before_day, uint64_t *deleted_r,
			const char **error_r);
/* report_store_close - close; accepts NULL and sets *store NULL */
void report_store_close(struct report_store **store);

/* report_store_uri_valid - 0 when uri names a known back end, else -1 with *error_r */
int report_store_uri_valid(const char *uri, const char **error_r);
/*
 * report_store_uri_display - uri for a log line: a password in it
 * (user:PASSWORD@ of a URI, password=VALUE in a query or a key=value
 * conninfo) replaced by "***"; cut to size
 */
void report_store_uri_display(const char *uri, char *buf, size_t size);

/* The back ends: SQLite (report_store_sqlite*.c), PostgreSQL (report_store_pg*.c) */
extern const struct report_store_ops report_store_sqlite_ops;
extern const struct report_store_ops report_store_pg_ops;
extern const struct report_store_ops report_store_pg_postgres_ops;

#endif
