/*
 * report_store - where report records are kept until reports are sent:
 * a small vtable, so that SQLite (report_store_sqlite.c) and later
 * PostgreSQL are chosen by the URI's scheme and used alike.
 *
 *   report_store_open("sqlite:/var/lib/dmarcguard/reports.db", ...)
 *   report_store_append(store, recs, n, ...)    one transaction per batch
 *   report_store_domains(store, day, ...)       policy domains with rows that day
 *   report_store_aggregate(store, domain, day, ...)  records with counts
 *   report_store_mark_sent / report_store_sent  a report's state
 *   report_store_expire(store, before, ...)     forget old rows
 *   report_store_close(&store)
 *
 * A day is a UTC day number (seconds since the epoch / 86400).
 * Aggregation groups rows by source IP, identifiers, DKIM and SPF
 * results, alignment, disposition and reasons; the policy published is
 * that of the newest row of the day.
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

/* report_store_row_fn - one aggregated record; nonzero stops the walk */
typedef int report_store_row_fn(const struct report_record *rec, uint64_t count, void *ctx);
/* report_store_domain_fn - one policy domain; nonzero stops the walk */
typedef int report_store_domain_fn(const char *domain, void *ctx);

struct report_store_ops {
	const char *scheme;		/* "sqlite" */
	struct report_store *(*open)(const char *where, char *error, size_t size);
	int (*append)(struct report_store *store, const struct report_record *recs, size_t n,
		      const char **error_r);
	int (*domains)(struct report_store *store, int64_t day, report_store_domain_fn *fn,
		       void *ctx, const char **error_r);
	int (*aggregate)(struct report_store *store, const char *domain, int64_t day,
			 struct report_policy *policy_r, report_store_row_fn *fn, void *ctx,
			 const char **error_r);
	int (*mark_sent)(struct report_store *store, const char *domain, int64_t day,
			 const char *report_id, int64_t now, const char **error_r);
	int (*sent)(struct report_store *store, const char *domain, int64_t day, int *sent_r,
		    const char **error_r);
	int (*expire)(struct report_store *store, int64_t before_day, uint64_t *deleted_r,
		      const char **error_r);
	void (*close)(struct report_store *store);
};

/* The part every back end's store begins with */
struct report_store {
	const struct report_store_ops *ops;
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
int report_store_mark_sent(struct report_store *store, const char *domain, int64_t day,
			   const char *report_id, int64_t now, const char **error_r);
/* report_store_sent - *sent_r 1 when the report of domain and day was sent */
int report_store_sent(struct report_store *store, const char *domain, int64_t day, int *sent_r,
		      const char **error_r);
/* report_store_expire - delete rows and states of days before before_day */
int report_store_expire(struct report_store *store, int64_t before_day, uint64_t *deleted_r,
			const char **error_r);
/* report_store_close - close; accepts NULL and sets *store NULL */
void report_store_close(struct report_store **store);

/* report_store_uri_valid - 0 when uri names a known back end, else -1 with *error_r */
int report_store_uri_valid(const char *uri, const char **error_r);

/* The SQLite back end (report_store_sqlite.c) */
extern const struct report_store_ops report_store_sqlite_ops;

#endif
