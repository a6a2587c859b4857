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

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* number - an integer as decimal text in buf */
static const char *
number(char *buf, size_t size, int64_t v)
{
	snprintf(buf, size, "%" PRId64, v);
	return buf;
}

int
report_store_pg_state_get(struct report_store *base, const char *domain, int64_t day,
		      enum report_state *state_r, const char **error_r)
{
	struct pg_store *s = (struct pg_store *)base;
	char d[24];
	const char *v[] = { domain, number(d, sizeof(d), day) };
	PGresult *res;

	if ((res = report_store_pg_query(s, "SELECT state FROM report WHERE policy_domain = $1"
					 " AND day = $2", 2, v, PGRES_TUPLES_OK, error_r)) == NULL)
		return -1;
	*state_r = PQntuples(res) == 1 ? report_store_row_state_parse(PQgetvalue(res, 0, 0))
		: REPORT_STATE_NONE;
	PQclear(res);
	return 0;
}

int
report_store_pg_state_claim(struct report_store *base, const char *domain, int64_t day,
		      const char *owner, int64_t now, int64_t stale_before, enum report_claim *r,
		      const char **error_r)
{
	struct pg_store *s = (struct pg_store *)base;
	char d[24], t[24], stale[24];
	const char *v[] = { domain, number(d, sizeof(d), day), owner, number(t, sizeof(t), now),
			    number(stale, sizeof(stale), stale_before) };
	enum report_state state;
	PGresult *res;
	int taken;

	if ((res = report_store_pg_query(s, "INSERT INTO report AS r (policy_domain, day, state,"
					 " owner, claimed_at, report_id, sent_time) VALUES ($1, $2,"
					 " 'sending', $3, $4, '', 0) ON CONFLICT (policy_domain, day)"
					 " DO UPDATE SET state = 'sending', owner = $3,"
					 " claimed_at = $4 WHERE r.state = 'pending'"
					 " OR (r.state = 'sending' AND r.claimed_at < $5)"
					 " RETURNING 1", 5, v, PGRES_TUPLES_OK, error_r)) == NULL)
		return -1;
	taken = PQntuples(res) == 1;
	PQclear(res);
	if (taken) {
		*r = REPORT_CLAIM_TAKEN;
		return 0;
	}
	if (report_store_pg_state_get(base, domain, day, &state, error_r) < 0)
		return -1;
	*r = state == REPORT_STATE_DONE ? REPORT_CLAIM_DONE : REPORT_CLAIM_BUSY;
	return 0;
}

int
report_store_pg_state_finish(struct report_store *base, const char *domain, int64_t day,
		       const char *owner, enum report_state state, const char *report_id,
		       int64_t now, const char **error_r)
{
	struct pg_store *s = (struct pg_store *)base;
	char d[24], t[24];
	const char *v[] = { domain, number(d, sizeof(d), day), report_store_row_state_name(state),
			    report_id != NULL ? report_id : "", number(t, sizeof(t), now), owner };
	PGresult *res;
	int changed;

	if (owner == NULL)
		return report_store_pg_command(s, "INSERT INTO report (policy_domain, day, state,"
					       " owner, claimed_at, report_id, sent_time) VALUES"
					       " ($1, $2, $3, '', 0, $4, $5) ON CONFLICT"
					       " (policy_domain, day) DO UPDATE SET state = $3,"
					       " owner = '', report_id = $4, sent_time = $5", 5, v,
					       error_r);
	if ((res = report_store_pg_query(s, "UPDATE report SET state = $3, owner = '',"
					 " report_id = $4, sent_time = $5 WHERE policy_domain = $1"
					 " AND day = $2 AND state = 'sending' AND owner = $6", 6, v,
					 PGRES_COMMAND_OK, error_r)) == NULL)
		return -1;
	changed = strcmp(PQcmdTuples(res), "1") == 0;
	PQclear(res);
	if (!changed) {
		*error_r = "postgresql: the claim on the report was taken over by another sender";
		return -1;
	}
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
	PGresult *res;

	memset(d_r, 0, sizeof(*d_r));
	snprintf(d_r->destination, sizeof(d_r->destination), "%s", destination);
	if ((res = report_store_pg_query(s, "SELECT state, attempts, first_failure, last_failure,"
					 " reason, report_id, sent_time FROM delivery"
					 " WHERE policy_domain = $1 AND day = $2"
					 " AND destination = $3", 3, v, PGRES_TUPLES_OK,
					 error_r)) == NULL)
		return -1;
	if (PQntuples(res) == 1) {
		d_r->state = report_store_row_delivery_parse(PQgetvalue(res, 0, 0));
		d_r->attempts = (unsigned)strtoul(PQgetvalue(res, 0, 1), NULL, 10);
		d_r->first_failure = strtoll(PQgetvalue(res, 0, 2), NULL, 10);
		d_r->last_failure = strtoll(PQgetvalue(res, 0, 3), NULL, 10);
		snprintf(d_r->reason, sizeof(d_r->reason), "%s", PQgetvalue(res, 0, 4));
		snprintf(d_r->report_id, sizeof(d_r->report_id), "%s", PQgetvalue(res, 0, 5));
		d_r->sent_time = strtoll(PQgetvalue(res, 0, 6), NULL, 10);
	}
	PQclear(res);
	return 0;
}

int
report_store_pg_state_delivery_put(struct report_store *base, const char *domain, int64_t day,
			     const struct report_delivery *dl, const char **error_r)
{
	struct pg_store *s = (struct pg_store *)base;
	char d[24], a[24], ff[24], lf[24], t[24];
	const char *v[] = { domain, number(d, sizeof(d), day), dl->destination,
			    report_store_row_delivery_name(dl->state),
			    number(a, sizeof(a), dl->attempts),
			    number(ff, sizeof(ff), dl->first_failure),
			    number(lf, sizeof(lf), dl->last_failure), dl->reason, dl->report_id,
			    number(t, sizeof(t), dl->sent_time) };

	return report_store_pg_command(s, "INSERT INTO delivery (policy_domain, day, destination,"
				       " state, attempts, first_failure, last_failure, reason,"
				       " report_id, sent_time) VALUES ($1, $2, $3, $4, $5, $6, $7,"
				       " $8, $9, $10) ON CONFLICT (policy_domain, day, destination)"
				       " DO UPDATE SET state = $4, attempts = $5, first_failure = $6,"
				       " last_failure = $7, reason = $8, report_id = $9,"
				       " sent_time = $10", 10, v, error_r);
}
