/*
 * report_store_sqlite_state - the SQLite store's report states, claims
 * and deliveries (see report_store.h). A claim is one UPSERT statement,
 * atomic in SQLite: it inserts the report as 'sending' or updates it only
 * when it is pending or its claim is stale.
 *
 * Thread-safety: one store, one thread (see report_store.h).
 */
#include "report_store_row.h"
#include "report_store_sqlite.h"

#include <stdio.h>
#include <string.h>

#define number report_store_row_number

/* step_done - run a statement that returns no row; 0 or -1 */
static int
step_done(struct sqlite_store *s, sqlite3_stmt *st, const char *what, const char **error_r)
{
	int rc = sqlite3_step(st);

	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : report_store_sqlite_fail(s, what, error_r);
}

int
report_store_sqlite_state_get(struct report_store *base, const char *domain, int64_t day,
			      enum report_state *state_r, char *report_id_r, const char **error_r)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	char d[24];
	const char *v[] = { domain, number(d, sizeof(d), day) };
	sqlite3_stmt *st;
	int rc;

	if (report_store_sqlite_prepare(s, "SELECT state, report_id FROM report"
					" WHERE policy_domain = ?1"
					" AND day = ?2", &st, v, 2, error_r) < 0)
		return -1;
	rc = sqlite3_step(st);
	*state_r = rc == SQLITE_ROW
		? report_store_row_state_parse(report_store_sqlite_text(st, 0)) : REPORT_STATE_NONE;
	if (report_id_r != NULL)
		snprintf(report_id_r, REPORT_STORE_ID_SIZE, "%s",
			 rc == SQLITE_ROW ? report_store_sqlite_text(st, 1) : "");
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return report_store_sqlite_fail(s, "reading the report state", error_r);
	return 0;
}

int
report_store_sqlite_state_claim(struct report_store *base, const char *domain, int64_t day,
				const char *owner, int64_t now, int64_t stale_before,
				int *taken_r, const char **error_r)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	char d[24], t[24], stale[24];
	const char *v[] = { domain, number(d, sizeof(d), day), owner, number(t, sizeof(t), now),
			    number(stale, sizeof(stale), stale_before) };
	sqlite3_stmt *st;

	if (report_store_sqlite_prepare(s, "INSERT INTO report (policy_domain, day, state, owner,"
					" claimed_at, report_id, sent_time) VALUES (?1, ?2,"
					" 'sending', ?3, ?4, '', 0) ON CONFLICT (policy_domain, day)"
					" DO UPDATE SET state = 'sending', owner = ?3, claimed_at = ?4"
					" WHERE state = 'pending' OR (state = 'sending'"
					" AND claimed_at < ?5)", &st, v, 5, error_r) < 0
	    || step_done(s, st, "claiming the report", error_r) < 0)
		return -1;
	*taken_r = sqlite3_changes(s->db) == 1;
	return 0;
}

int
report_store_sqlite_state_finish(struct report_store *base, const char *domain, int64_t day,
				 const char *owner, enum report_state state,
				 const char *report_id, int64_t now, int *changed_r,
				 const char **error_r)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	char d[24], t[24];
	const char *v[] = { domain, number(d, sizeof(d), day), report_store_row_state_name(state),
			    report_id != NULL ? report_id : "", number(t, sizeof(t), now),
			    owner };
	sqlite3_stmt *st;

	/* without an owner: whoever holds it; with one: only while it still does */
	if (report_store_sqlite_prepare(s, owner == NULL
					? "INSERT INTO report (policy_domain, day, state, owner,"
					  " claimed_at, report_id, sent_time) VALUES (?1, ?2, ?3,"
					  " '', 0, ?4, ?5) ON CONFLICT (policy_domain, day) DO"
					  " UPDATE SET state = ?3, owner = '', report_id = ?4,"
					  " sent_time = ?5"
					: "UPDATE report SET state = ?3, owner = '', report_id = ?4,"
					  " sent_time = ?5 WHERE policy_domain = ?1 AND day = ?2"
					  " AND state = 'sending' AND owner = ?6",
					&st, v, owner == NULL ? 5 : 6, error_r) < 0
	    || step_done(s, st, "setting the report state", error_r) < 0)
		return -1;
	*changed_r = sqlite3_changes(s->db) == 1;
	return 0;
}

int
report_store_sqlite_state_pending(struct report_store *base, int64_t before_day,
				  report_store_pending_fn *fn, void *ctx, const char **error_r)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	char d[24];
	const char *v[] = { number(d, sizeof(d), before_day) };
	sqlite3_stmt *st;
	int rc;

	if (report_store_sqlite_prepare(s, "SELECT policy_domain, day FROM report WHERE day < ?1"
					" AND state IN ('pending', 'sending')"
					" ORDER BY day, policy_domain", &st, v, 1, error_r) < 0)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (fn(report_store_sqlite_text(st, 0), sqlite3_column_int64(st, 1), ctx) != 0)
			break;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return report_store_sqlite_fail(s, "listing pending reports", error_r);
	return 0;
}

int
report_store_sqlite_state_delivery_get(struct report_store *base, const char *domain,
				       int64_t day, const char *destination,
				       struct report_delivery *d_r, const char **error_r)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	char d[24];
	const char *v[] = { domain, number(d, sizeof(d), day), destination };
	const char *cols[REPORT_STORE_DELIVERY_COUNT];
	sqlite3_stmt *st;
	int rc;

	memset(d_r, 0, sizeof(*d_r));
	snprintf(d_r->destination, sizeof(d_r->destination), "%s", destination);
	if (report_store_sqlite_prepare(s, "SELECT " REPORT_STORE_DELIVERY_COLUMNS " FROM delivery"
					" WHERE policy_domain = ?1 AND day = ?2 AND destination = ?3",
					&st, v, 3, error_r) < 0)
		return -1;
	if ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; i < REPORT_STORE_DELIVERY_COUNT; i++)
			cols[i] = report_store_sqlite_text(st, i);
		report_store_row_delivery_read(cols, d_r);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return report_store_sqlite_fail(s, "reading a delivery", error_r);
	return 0;
}

int
report_store_sqlite_state_delivery_put(struct report_store *base, const char *domain,
				       int64_t day, const struct report_delivery *dl,
				       const char **error_r)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	struct report_store_delivery_row row;
	sqlite3_stmt *st;

	report_store_row_delivery_fill(&row, domain, day, dl);
	if (report_store_sqlite_prepare(s, "INSERT OR REPLACE INTO delivery (policy_domain, day,"
					" destination, " REPORT_STORE_DELIVERY_COLUMNS ") VALUES"
					" (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)", &st,
					row.values, 10, error_r) < 0)
		return -1;
	return step_done(s, st, "writing a delivery", error_r);
}
