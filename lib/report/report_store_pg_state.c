/*
 * report_store_pg_state - the PostgreSQL store's report states, claims
 * and deliveries (see report_store.h). A claim is one INSERT ... ON
 * CONFLICT DO UPDATE ... WHERE: PostgreSQL locks the report's row, so of
 * two senders on two hosts exactly one gets a row back.
 *
 * Thread-safety: one store, one thread (see report_store.h).
 */
#include "report_store_pg.h"
#include "report_store_row.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define number report_store_row_number

/* rows - the number of rows a command changed or a query returned, or -1 */
static int
rows(struct pg_store *s, const char *sql, int n, const char *const *values,
     ExecStatusType want, const char **error_r)
{
	PGresult *res = report_store_pg_query(s, sql, n, values, want, error_r);
	int count;

	if (res == NULL)
		return -1;
	count = want == PGRES_TUPLES_OK ? PQntuples(res) : atoi(PQcmdTuples(res));
	PQclear(res);
	return count;
}

int
report_store_pg_state_get(struct report_store *base, const char *domain, int64_t day,
			  enum report_state *state_r, char *report_id_r, const char **error_r)
{
	struct pg_store *s = (struct pg_store *)base;
	char d[24];
	const char *v[] = { domain, number(d, sizeof(d), day) };
	PGresult *res;

	if ((res = report_store_pg_query(s, "SELECT state, report_id FROM report WHERE policy_domain = $1"
					 " AND day = $2", 2, v, PGRES_TUPLES_OK, error_r)) == NULL)
		return -1;
	*state_r = PQntuples(res) == 1 ? report_store_row_state_parse(PQgetvalue(res, 0, 0))
		: REPORT_STATE_NONE;
	if (report_id_r != NULL)
		snprintf(report_id_r, REPORT_STORE_ID_SIZE, "%s",
			 PQntuples(res) == 1 ? PQgetvalue(res, 0, 1) : "");
	PQclear(res);
	return 0;
}

int
report_store_pg_state_claim(struct report_store *base, const char *domain, int64_t day,
			    const char *owner, int64_t now, int64_t stale_before, int *taken_r,
			    const char **error_r)
{
	struct pg_store *s = (struct pg_store *)base;
	char d[24], t[24], stale[24];
	const char *v[] = { domain, number(d, sizeof(d), day), owner, number(t, sizeof(t), now),
			    number(stale, sizeof(stale), stale_before) };
	int n = rows(s, "INSERT INTO report AS r (policy_domain, day, state, owner, claimed_at,"
		     " report_id, sent_time) VALUES ($1, $2, 'sending', $3, $4, '', 0)"
		     " ON CONFLICT (policy_domain, day) DO UPDATE SET state = 'sending',"
		     " owner = $3, claimed_at = $4 WHERE r.state = 'pending'"
		     " OR (r.state = 'sending' AND r.claimed_at < $5) RETURNING 1", 5, v,
		     PGRES_TUPLES_OK, error_r);

	if (n < 0)
		return -1;
	*taken_r = n == 1;
	return 0;
}

int
report_store_pg_state_finish(struct report_store *base, const char *domain, int64_t day,
			     const char *owner, enum report_state state, const char *report_id,
			     int64_t now, int *changed_r, const char **error_r)
{
	struct pg_store *s = (struct pg_store *)base;
	char d[24], t[24];
	const char *v[] = { domain, number(d, sizeof(d), day), report_store_row_state_name(state),
			    report_id != NULL ? report_id : "", number(t, sizeof(t), now), owner };
	/* without an owner: whoever holds it; with one: only while it still does */
	int n = rows(s, owner == NULL
		     ? "INSERT INTO report (policy_domain, day, state, owner, claimed_at,"
		       " report_id, sent_time) VALUES ($1, $2, $3, '', 0, $4, $5) ON CONFLICT"
		       " (policy_domain, day) DO UPDATE SET state = $3, owner = '',"
		       " report_id = $4, sent_time = $5"
		     : "UPDATE report SET state = $3, owner = '', report_id = $4, sent_time = $5"
		       " WHERE policy_domain = $1 AND day = $2 AND state = 'sending'"
		       " AND owner = $6", owner == NULL ? 5 : 6, v, PGRES_COMMAND_OK, error_r);

	if (n < 0)
		return -1;
	*changed_r = n == 1;
	return 0;
}

int
report_store_pg_state_pending(struct report_store *base, int64_t before_day,
			      report_store_pending_fn *fn, void *ctx, const char **error_r)
{
	struct pg_store *s = (struct pg_store *)base;
	char d[24];
	const char *v[] = { number(d, sizeof(d), before_day) };
	PGresult *res;

	if ((res = report_store_pg_query(s, "SELECT policy_domain, day FROM report WHERE day < $1"
					 " AND state IN ('pending', 'sending')"
					 " ORDER BY day, policy_domain", 1, v, PGRES_TUPLES_OK,
					 error_r)) == NULL)
		return -1;
	for (int i = 0; i < PQntuples(res); i++)
		if (fn(PQgetvalue(res, i, 0), strtoll(PQgetvalue(res, i, 1), NULL, 10), ctx) != 0)
			break;
	PQclear(res);
	return 0;
}

int
report_store_pg_state_delivery_get(struct report_store *base, const char *domain, int64_t day,
				   const char *destination, struct report_delivery *d_r,
				   const char **error_r)
{
	struct pg_store *s = (struct pg_store *)base;
	char d[24];
	const char *v[] = { domain, number(d, sizeof(d), day), destination };
	const char *cols[REPORT_STORE_DELIVERY_COUNT];
	PGresult *res;

	memset(d_r, 0, sizeof(*d_r));
	snprintf(d_r->destination, sizeof(d_r->destination), "%s", destination);
	if ((res = report_store_pg_query(s, "SELECT " REPORT_STORE_DELIVERY_COLUMNS
					 " FROM delivery WHERE policy_domain = $1 AND day = $2"
					 " AND destination = $3", 3, v, PGRES_TUPLES_OK,
					 error_r)) == NULL)
		return -1;
	if (PQntuples(res) == 1) {
		for (int i = 0; i < REPORT_STORE_DELIVERY_COUNT; i++)
			cols[i] = PQgetvalue(res, 0, i);
		report_store_row_delivery_read(cols, d_r);
	}
	PQclear(res);
	return 0;
}

int
report_store_pg_state_delivery_put(struct report_store *base, const char *domain, int64_t day,
				   const struct report_delivery *dl, const char **error_r)
{
	struct pg_store *s = (struct pg_store *)base;
	struct report_store_delivery_row row;

	report_store_row_delivery_fill(&row, domain, day, dl);
	return report_store_pg_command(s, "INSERT INTO delivery (policy_domain, day, destination, "
				       REPORT_STORE_DELIVERY_COLUMNS ") VALUES ($1, $2, $3, $4,"
				       " $5, $6, $7, $8, $9, $10) ON CONFLICT (policy_domain, day,"
				       " destination) DO UPDATE SET state = $4, attempts = $5,"
				       " first_failure = $6, last_failure = $7, reason = $8,"
				       " report_id = $9, sent_time = $10", 10, row.values,
				       error_r);
}
