/*
 * report_store_pg - the PostgreSQL store's handle and query helper
 * shared by report_store_pg.c (connection, schema, rows, aggregation)
 * and report_store_pg_state.c (claims, deliveries).
 *
 * Thread-safety: one store, one thread (see report_store.h).
 */
#ifndef DMARCGUARD_REPORT_STORE_PG_H
#define DMARCGUARD_REPORT_STORE_PG_H

#include <libpq-fe.h>

#include "report_store.h"
#include "report_store_row.h"

#define REPORT_PG_CHUNK 64	/* rows per INSERT: 64 * 25 parameters */

struct pg_store {
	struct report_store base;
	PGconn *conn;
	struct report_store_row *rows;	/* REPORT_PG_CHUNK, for the INSERTs */
	char error[512];
};

/*
 * report_store_pg_query - run sql with text parameters (reconnecting
 * first when the connection was lost); the result when its status is
 * want (PGRES_COMMAND_OK or PGRES_TUPLES_OK), to be PQclear'ed, else NULL
 * with *error_r.
 */
PGresult *report_store_pg_query(struct pg_store *s, const char *sql, int n,
				const char *const *values, ExecStatusType want,
				const char **error_r);
/* report_store_pg_command - report_store_pg_query for a command; 0 or -1 */
int report_store_pg_command(struct pg_store *s, const char *sql, int n,
			    const char *const *values, const char **error_r);

/* The report states and deliveries (report_store_pg_state.c) */
int report_store_pg_state_claim(struct report_store *store, const char *domain, int64_t day,
				const char *owner, int64_t now, int64_t stale_before, int *taken_r,
				const char **error_r);
int report_store_pg_state_finish(struct report_store *store, const char *domain, int64_t day,
				 const char *owner, enum report_state state,
				 const char *report_id, int64_t now, int *changed_r,
				 const char **error_r);
int report_store_pg_state_get(struct report_store *store, const char *domain, int64_t day,
			      enum report_state *state_r, char *report_id_r, const char **error_r);
int report_store_pg_state_pending(struct report_store *store, int64_t before_day,
				  report_store_pending_fn *fn, void *ctx, const char **error_r);
int report_store_pg_state_delivery_get(struct report_store *store, const char *domain,
				       int64_t day, const char *destination,
				       struct report_delivery *d_r, const char **error_r);
int report_store_pg_state_delivery_put(struct report_store *store, const char *domain,
				       int64_t day, const struct report_delivery *d,
				       const char **error_r);

#endif
