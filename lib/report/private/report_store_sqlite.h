/*
 * report_store_sqlite - the SQLite store's handle and helpers shared by
 * report_store_sqlite.c (schema, rows, aggregation) and
 * report_store_sqlite_state.c (claims, deliveries).
 *
 * Thread-safety: one store, one thread (see report_store.h).
 */
#ifndef DMARCGUARD_REPORT_STORE_SQLITE_H
#define DMARCGUARD_REPORT_STORE_SQLITE_H

#include <sqlite3.h>

#include "report_store.h"

struct sqlite_store {
	struct report_store base;
	sqlite3 *db;
	char error[256];
};

/* report_store_sqlite_fail - -1 with SQLite's message about what in *error_r */
int report_store_sqlite_fail(struct sqlite_store *s, const char *what, const char **error_r);
/* report_store_sqlite_prepare - st with values bound as text from ?1; -1 on failure */
int report_store_sqlite_prepare(struct sqlite_store *s, const char *sql, sqlite3_stmt **st,
				const char *const *values, int n, const char **error_r);
/* report_store_sqlite_text - a column as text, "" for NULL */
const char *report_store_sqlite_text(sqlite3_stmt *st, int col);

/* The report states and deliveries (report_store_sqlite_state.c) */
int report_store_sqlite_state_claim(struct report_store *store, const char *domain, int64_t day,
				    const char *owner, int64_t now, int64_t stale_before,
				    int *taken_r, const char **error_r);
int report_store_sqlite_state_finish(struct report_store *store, const char *domain,
				     int64_t day, const char *owner, enum report_state state,
				     const char *report_id, int64_t now, int *changed_r,
				     const char **error_r);
int report_store_sqlite_state_get(struct report_store *store, const char *domain, int64_t day,
				  enum report_state *state_r, char *report_id_r,
				  const char **error_r);
int report_store_sqlite_state_pending(struct report_store *store, int64_t before_day,
				      report_store_pending_fn *fn, void *ctx,
				      const char **error_r);
int report_store_sqlite_state_delivery_get(struct report_store *store, const char *domain,
					   int64_t day, const char *destination,
					   struct report_delivery *d_r, const char **error_r);
int report_store_sqlite_state_delivery_put(struct report_store *store, const char *domain,
					   int64_t day, const struct report_delivery *d,
					   const char **error_r);

#endif
