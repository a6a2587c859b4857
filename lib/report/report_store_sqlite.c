/*
 * report_store_sqlite - the report store in one SQLite file ("sqlite:PATH").
 *
 * The database is in WAL mode, so the daemon's writer and a running
 * `dmarcguard-reports send` do not block each other, and a crash or
 * SIGKILL at any point leaves the last committed batch intact (SQLite's
 * journal; synchronous=NORMAL loses at most the last batches on power
 * loss, never consistency). A busy timeout bounds waiting for a lock;
 * the daemon's writer drops the batch (and counts it) when it expires.
 * The schema is versioned with PRAGMA user_version: 0 (new file) is
 * created, 1 (before claims and deliveries) is upgraded in place,
 * REPORT_SQLITE_SCHEMA is used, anything newer is refused.
 *
 * Tables: message (one row per recorded message, columns as in
 * report_store_row.h), report (per policy domain and day: its state and
 * claim, report_store_sqlite_state.c), delivery (per report and
 * destination: attempts, failures, Report-ID once sent).
 *
 * Thread-safety: one store, one thread (see report_store.h).
 */
#include "report_store.h"
#include "report_store_row.h"
#include "report_store_sqlite.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPORT_SQLITE_SCHEMA 2
#define REPORT_SQLITE_BUSY_MS 2000

#define STATE_TABLES \
	"CREATE TABLE report (policy_domain TEXT NOT NULL, day INTEGER NOT NULL," \
	" state TEXT NOT NULL, owner TEXT NOT NULL, claimed_at INTEGER NOT NULL," \
	" report_id TEXT NOT NULL, sent_time INTEGER NOT NULL," \
	" PRIMARY KEY (policy_domain, day));" \
	"CREATE TABLE delivery (policy_domain TEXT NOT NULL, day INTEGER NOT NULL," \
	" destination TEXT NOT NULL, state TEXT NOT NULL, attempts INTEGER NOT NULL," \
	" first_failure INTEGER NOT NULL, last_failure INTEGER NOT NULL, reason TEXT NOT NULL," \
	" report_id TEXT NOT NULL, sent_time INTEGER NOT NULL," \
	" PRIMARY KEY (policy_domain, day, destination));"

static const char schema_sql[] =
	"CREATE TABLE message ("
	" id INTEGER PRIMARY KEY, host TEXT NOT NULL DEFAULT '', time INTEGER NOT NULL,"
	" day INTEGER NOT NULL,"
	" source_ip TEXT NOT NULL, header_from TEXT NOT NULL, envelope_from TEXT NOT NULL,"
	" envelope_to TEXT NOT NULL, policy_domain TEXT NOT NULL,"
	" p TEXT NOT NULL, sp TEXT NOT NULL, np TEXT NOT NULL, adkim TEXT NOT NULL,"
	" aspf TEXT NOT NULL, testing INTEGER NOT NULL, psd INTEGER NOT NULL,"
	" discovery TEXT NOT NULL, rua TEXT NOT NULL, dkim TEXT NOT NULL, spf_domain TEXT NOT NULL,"
	" spf_scope TEXT NOT NULL, spf_result TEXT NOT NULL, dkim_aligned INTEGER NOT NULL,"
	" spf_aligned INTEGER NOT NULL, disposition TEXT NOT NULL, reasons TEXT NOT NULL);"
	"CREATE INDEX message_day_domain ON message (day, policy_domain);"
	STATE_TABLES
	"PRAGMA user_version = 2;";

/* Version 1 had report (policy_domain, day, report_id, sent_time): sent reports */
static const char upgrade_1_sql[] =
	"ALTER TABLE message ADD COLUMN host TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE report RENAME TO report_1;"
	STATE_TABLES
	"INSERT INTO report SELECT policy_domain, day, 'done', '', 0, report_id, sent_time"
	" FROM report_1;"
	"DROP TABLE report_1;"
	"PRAGMA user_version = 2;";

/* report_store_sqlite_fail - keep SQLite's message for *error_r */
int
report_store_sqlite_fail(struct sqlite_store *s, const char *what, const char **error_r)
{
	snprintf(s->error, sizeof(s->error), "sqlite: %s: %s", what, sqlite3_errmsg(s->db));
	*error_r = s->error;
	return -1;
}

/* report_store_sqlite_prepare - prepare sql and bind values as text */
int
report_store_sqlite_prepare(struct sqlite_store *s, const char *sql, sqlite3_stmt **st,
			    const char *const *values, int n, const char **error_r)
{
	if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
		return report_store_sqlite_fail(s, sql, error_r);
	for (int i = 0; i < n; i++)
		sqlite3_bind_text(*st, i + 1, values[i], -1, SQLITE_TRANSIENT);
	return 0;
}

/* report_store_sqlite_text - a column's text, "" for NULL */
const char *
report_store_sqlite_text(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return t != NULL ? (const char *)t : "";
}

static int
exec(struct sqlite_store *s, const char *sql, const char **error_r)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return report_store_sqlite_fail(s, sql, error_r);
	return 0;
}

/* schema_version - PRAGMA user_version, or -1 */
static int
schema_version(struct sqlite_store *s)
{
	sqlite3_stmt *st;
	int version;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return -1;
	version = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_finalize(st);
	return version;
}

/* prepare_schema - create the tables in a new file, upgrade 1, accept ours */
static int
prepare_schema(struct sqlite_store *s, const char **error_r)
{
	int version = schema_version(s);

	if (version == REPORT_SQLITE_SCHEMA)
		return 0;
	if (version < 0 || version > REPORT_SQLITE_SCHEMA) {
		snprintf(s->error, sizeof(s->error),
			 "sqlite: schema version %d, this program knows %d", version,
			 REPORT_SQLITE_SCHEMA);
		*error_r = s->error;
		return -1;
	}
	if (exec(s, "BEGIN IMMEDIATE", error_r) < 0)
		return -1;
	/* another process may have created or upgraded it while we waited for the lock */
	version = schema_version(s);
	if ((version == 0 && exec(s, schema_sql, error_r) < 0)
	    || (version == 1 && exec(s, upgrade_1_sql, error_r) < 0)) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return exec(s, "COMMIT", error_r);
}

static void
sqlite_close(struct report_store *base)
{
	struct sqlite_store *s = (struct sqlite_store *)base;

	sqlite3_close(s->db);
	free(s);
}

static struct report_store *
sqlite_open(const char *path, char *error, size_t size)
{
	struct sqlite_store *s = calloc(1, sizeof(*s));
	const char *why = NULL;
	const char **error_r = &why;

	if (s == NULL) {
		snprintf(error, size, "out of memory");
		return NULL;
	}
	s->base.ops = &report_store_sqlite_ops;
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
			    | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		report_store_sqlite_fail(s, path, error_r);
		goto err;
	}
	sqlite3_busy_timeout(s->db, REPORT_SQLITE_BUSY_MS);
	if (exec(s, "PRAGMA journal_mode=WAL", error_r) < 0
	    || exec(s, "PRAGMA synchronous=NORMAL", error_r) < 0
	    || prepare_schema(s, error_r) < 0)
		goto err;
	return &s->base;
err:
	snprintf(error, size, "%s", why);
	sqlite_close(&s->base);
	return NULL;
}

/* sqlite_append - the batch in one transaction: all rows or none */
static int
sqlite_append(struct report_store *base, const struct report_record *recs, size_t n,
	      const char **error_r)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	struct report_store_row row;

	if (exec(s, "BEGIN IMMEDIATE", error_r) < 0)
		return -1;
	if (sqlite3_prepare_v2(s->db, "INSERT INTO message (" REPORT_STORE_ROW_COLUMNS ")"
			       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
			       " ?, ?, ?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK) {
		report_store_sqlite_fail(s, "preparing the insert", error_r);
		goto err;
	}
	for (size_t i = 0; i < n; i++) {
		if (report_store_row_fill(&row, base->host, &recs[i]) < 0) {
			*error_r = "sqlite: a record too large for its columns";
			goto err;
		}
		for (int k = 0; k < REPORT_STORE_ROW_COUNT; k++)
			sqlite3_bind_text(st, k + 1, row.values[k], -1, SQLITE_TRANSIENT);
		if (sqlite3_step(st) != SQLITE_DONE) {
			report_store_sqlite_fail(s, "insert", error_r);
			goto err;
		}
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	if (exec(s, "COMMIT", error_r) < 0) {
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
err:
	sqlite3_finalize(st);
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

static int
sqlite_domains(struct report_store *base, int64_t day, report_store_domain_fn *fn, void *ctx,
	       const char **error_r)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, "SELECT DISTINCT policy_domain FROM message WHERE day = ?"
			       " ORDER BY policy_domain", -1, &st, NULL) != SQLITE_OK)
		return report_store_sqlite_fail(s, "listing domains", error_r);
	sqlite3_bind_int64(st, 1, day);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (fn(report_store_sqlite_text(st, 0), ctx) != 0)
			break;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return report_store_sqlite_fail(s, "listing domains", error_r);
	return 0;
}

/* columns - the first n columns of the current row as texts */
static void
columns(sqlite3_stmt *st, const char **cols, int n)
{
	for (int i = 0; i < n; i++)
		cols[i] = report_store_sqlite_text(st, i);
}

/* read_policy - the policy of the newest row of the domain's day */
static int
read_policy(struct sqlite_store *s, const char *domain, int64_t day, struct report_policy *p,
	    const char **error_r)
{
	static const char *const none[REPORT_STORE_POLICY_COUNT] = {
		"", "", "", "", "", "", "", "", "",
	};
	const char *cols[REPORT_STORE_POLICY_COUNT];
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, "SELECT " REPORT_STORE_POLICY_COLUMNS " FROM message"
			       " WHERE day = ? AND policy_domain = ?"
			       " ORDER BY time DESC, id DESC LIMIT 1", -1, &st, NULL) != SQLITE_OK)
		return report_store_sqlite_fail(s, "reading the policy", error_r);
	sqlite3_bind_int64(st, 1, day);
	sqlite3_bind_text(st, 2, domain, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		columns(st, cols, REPORT_STORE_POLICY_COUNT);
	report_store_row_policy(rc == SQLITE_ROW ? cols : none, domain, p);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return report_store_sqlite_fail(s, "reading the policy", error_r);
	return 0;
}

static int
sqlite_aggregate(struct report_store *base, const char *domain, int64_t day,
		 struct report_policy *policy_r, report_store_row_fn *fn, void *ctx,
		 const char **error_r)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	const char *cols[REPORT_STORE_GROUP_COUNT];
	struct report_record rec;
	sqlite3_stmt *st;
	int rc;

	if (read_policy(s, domain, day, policy_r, error_r) < 0)
		return -1;
	if (sqlite3_prepare_v2(s->db, "SELECT " REPORT_STORE_GROUP_COLUMNS ", count(*)"
			       " FROM message WHERE day = ? AND policy_domain = ?"
			       " GROUP BY " REPORT_STORE_GROUP_COLUMNS
			       " ORDER BY count(*) DESC, " REPORT_STORE_GROUP_COLUMNS,
			       -1, &st, NULL) != SQLITE_OK)
		return report_store_sqlite_fail(s, "aggregating", error_r);
	sqlite3_bind_int64(st, 1, day);
	sqlite3_bind_text(st, 2, domain, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		columns(st, cols, REPORT_STORE_GROUP_COUNT);
		if (report_store_row_group(cols, policy_r, &rec) < 0) {
			sqlite3_finalize(st);
			*error_r = "sqlite: a stored row is not in the form this program writes";
			return -1;
		}
		if (fn(&rec, (uint64_t)sqlite3_column_int64(st, REPORT_STORE_GROUP_COUNT), ctx) != 0)
			break;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return report_store_sqlite_fail(s, "aggregating", error_r);
	return 0;
}

/* delete_before - DELETE FROM table WHERE day < before_day; the rows deleted */
static int
delete_before(struct sqlite_store *s, const char *sql, int64_t before_day, uint64_t *n_r)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, before_day);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (n_r != NULL)
		*n_r = (uint64_t)sqlite3_changes64(s->db);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
sqlite_expire(struct report_store *base, int64_t before_day, uint64_t *deleted_r,
	      const char **error_r)
{
	struct sqlite_store *s = (struct sqlite_store *)base;

	if (exec(s, "BEGIN IMMEDIATE", error_r) < 0)
		return -1;
	if (delete_before(s, "DELETE FROM message WHERE day < ?", before_day, deleted_r) < 0
	    || delete_before(s, "DELETE FROM report WHERE day < ?", before_day, NULL) < 0
	    || delete_before(s, "DELETE FROM delivery WHERE day < ?", before_day, NULL) < 0) {
		report_store_sqlite_fail(s, "expire", error_r);
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return exec(s, "COMMIT", error_r);
}

const struct report_store_ops report_store_sqlite_ops = {
	.scheme = "sqlite",
	.open = sqlite_open,
	.append = sqlite_append,
	.domains = sqlite_domains,
	.aggregate = sqlite_aggregate,
	.claim = report_store_sqlite_state_claim,
	.finish = report_store_sqlite_state_finish,
	.state = report_store_sqlite_state_get,
	.pending = report_store_sqlite_state_pending,
	.delivery_get = report_store_sqlite_state_delivery_get,
	.delivery_put = report_store_sqlite_state_delivery_put,
	.expire = sqlite_expire,
	.close = sqlite_close,
};
