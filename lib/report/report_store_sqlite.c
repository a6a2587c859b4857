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
 * created, REPORT_SQLITE_SCHEMA is used, anything newer is refused.
 *
 * Tables: message (one row per recorded message, columns as in struct
 * report_record; the DKIM results and reasons in one text column each,
 * report_record_*_format), report (per policy domain and day: the
 * Report-ID once sent).
 *
 * Thread-safety: one store, one thread (see report_store.h).
 */
#include "report_store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPORT_SQLITE_SCHEMA 1
#define REPORT_SQLITE_BUSY_MS 2000

struct sqlite_store {
	struct report_store base;
	sqlite3 *db;
	char error[256];
};

static const char schema_sql[] =
	"CREATE TABLE message ("
	" id INTEGER PRIMARY KEY, time INTEGER NOT NULL, day INTEGER NOT NULL,"
	" source_ip TEXT NOT NULL, header_from TEXT NOT NULL, envelope_from TEXT NOT NULL,"
	" envelope_to TEXT NOT NULL, policy_domain TEXT NOT NULL,"
	" p TEXT NOT NULL, sp TEXT NOT NULL, np TEXT NOT NULL, adkim TEXT NOT NULL,"
	" aspf TEXT NOT NULL, testing INTEGER NOT NULL, psd INTEGER NOT NULL,"
	" discovery TEXT NOT NULL, rua TEXT NOT NULL, dkim TEXT NOT NULL, spf_domain TEXT NOT NULL,"
	" spf_scope TEXT NOT NULL, spf_result TEXT NOT NULL, dkim_aligned INTEGER NOT NULL,"
	" spf_aligned INTEGER NOT NULL, disposition TEXT NOT NULL, reasons TEXT NOT NULL);"
	"CREATE INDEX message_day_domain ON message (day, policy_domain);"
	"CREATE TABLE report (policy_domain TEXT NOT NULL, day INTEGER NOT NULL,"
	" report_id TEXT NOT NULL, sent_time INTEGER NOT NULL,"
	" PRIMARY KEY (policy_domain, day));"
	"PRAGMA user_version = 1;";

#define GROUP_COLUMNS "source_ip, header_from, envelope_from, envelope_to, dkim, spf_domain," \
	" spf_scope, spf_result, dkim_aligned, spf_aligned, disposition, reasons"

/* fail - keep SQLite's message for *error_r */
static int
fail(struct sqlite_store *s, const char *what, const char **error_r)
{
	snprintf(s->error, sizeof(s->error), "sqlite: %s: %s", what, sqlite3_errmsg(s->db));
	*error_r = s->error;
	return -1;
}

static int
exec(struct sqlite_store *s, const char *sql, const char **error_r)
{
	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return fail(s, sql, error_r);
	return 0;
}

/* prepare_schema - create the tables in a new file, accept our version */
static int
prepare_schema(struct sqlite_store *s, const char **error_r)
{
	sqlite3_stmt *st;
	int version;

	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return fail(s, "reading the schema version", error_r);
	version = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_finalize(st);
	if (version == REPORT_SQLITE_SCHEMA)
		return 0;
	if (version != 0) {
		snprintf(s->error, sizeof(s->error),
			 "sqlite: schema version %d, this program knows %d", version,
			 REPORT_SQLITE_SCHEMA);
		*error_r = s->error;
		return -1;
	}
	if (exec(s, "BEGIN IMMEDIATE", error_r) < 0)
		return -1;
	/* another process may have created it while we waited for the lock */
	if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return fail(s, "reading the schema version", error_r);
	version = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_finalize(st);
	if (version == 0 && exec(s, schema_sql, error_r) < 0) {
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
		fail(s, path, error_r);
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

/* bind_record - the columns of one message row, in schema order from 1 */
static int
bind_record(sqlite3_stmt *st, const struct report_record *r, char *dkim, size_t dsize,
	    char *reasons, size_t rsize)
{
	const struct report_policy *p = &r->policy;
	char adkim[2] = { p->adkim, '\0' }, aspf[2] = { p->aspf, '\0' };
	int i = 1;

	if (report_record_dkim_format(r, dkim, dsize) < 0
	    || report_record_reasons_format(r, reasons, rsize) < 0)
		return -1;
	sqlite3_bind_int64(st, i++, r->time);
	sqlite3_bind_int64(st, i++, r->time / 86400);
	sqlite3_bind_text(st, i++, r->source_ip, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, i++, r->header_from, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, i++, r->envelope_from, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, i++, r->envelope_to, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, i++, p->domain, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, i++, p->p ? dmarc_record_request_name(p->p) : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, i++, p->sp ? dmarc_record_request_name(p->sp) : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, i++, p->np ? dmarc_record_request_name(p->np) : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, i++, adkim, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, i++, aspf, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, i++, p->testing);
	sqlite3_bind_int(st, i++, p->psd);
	sqlite3_bind_text(st, i++, report_record_discovery_name(p->discovery), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, i++, p->rua, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, i++, dkim, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, i++, r->spf_domain, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, i++, r->spf_scope, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(st, i++, r->spf_result, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, i++, r->dkim_aligned);
	sqlite3_bind_int(st, i++, r->spf_aligned);
	sqlite3_bind_text(st, i++, report_record_disposition_name(r->disposition), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, i++, reasons, -1, SQLITE_TRANSIENT);
	return 0;
}

/* sqlite_append - the batch in one transaction: all rows or none */
static int
sqlite_append(struct report_store *base, const struct report_record *recs, size_t n,
	      const char **error_r)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st = NULL;
	char dkim[REPORT_DKIM_MAX * (REPORT_DOMAIN_SIZE + REPORT_SELECTOR_SIZE + 24)];
	char reasons[REPORT_REASON_MAX * (REPORT_COMMENT_SIZE + 24)];

	if (exec(s, "BEGIN IMMEDIATE", error_r) < 0)
		return -1;
	if (sqlite3_prepare_v2(s->db, "INSERT INTO message (time, day, source_ip, header_from,"
			       " envelope_from, envelope_to, policy_domain, p, sp, np, adkim, aspf,"
			       " testing, psd, discovery, rua, dkim, spf_domain, spf_scope, spf_result,"
			       " dkim_aligned, spf_aligned, disposition, reasons) VALUES (?, ?, ?,"
			       " ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			       -1, &st, NULL) != SQLITE_OK) {
		fail(s, "preparing the insert", error_r);
		goto err;
	}
	for (size_t i = 0; i < n; i++) {
		if (bind_record(st, &recs[i], dkim, sizeof(dkim), reasons, sizeof(reasons)) < 0) {
			*error_r = "sqlite: a record too large for its columns";
			goto err;
		}
		if (sqlite3_step(st) != SQLITE_DONE) {
			fail(s, "insert", error_r);
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

static const char *
text(sqlite3_stmt *st, int col)
{
	const unsigned char *t = sqlite3_column_text(st, col);

	return t != NULL ? (const char *)t : "";
}

static void
copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src);
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
		return fail(s, "listing domains", error_r);
	sqlite3_bind_int64(st, 1, day);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (fn(text(st, 0), ctx) != 0)
			break;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(s, "listing domains", error_r);
	return 0;
}

/* read_policy - the policy of the newest row of the domain's day */
static int
read_policy(struct sqlite_store *s, const char *domain, int64_t day, struct report_policy *p,
	    const char **error_r)
{
	sqlite3_stmt *st;
	int rc;

	memset(p, 0, sizeof(*p));
	if (sqlite3_prepare_v2(s->db, "SELECT p, sp, np, adkim, aspf, testing, psd, discovery,"
			       " rua FROM message WHERE day = ? AND policy_domain = ?"
			       " ORDER BY time DESC, id DESC LIMIT 1", -1, &st, NULL) != SQLITE_OK)
		return fail(s, "reading the policy", error_r);
	sqlite3_bind_int64(st, 1, day);
	sqlite3_bind_text(st, 2, domain, -1, SQLITE_TRANSIENT);
	rc = sqlite3_step(st);
	copy(p->domain, sizeof(p->domain), domain);
	if (rc == SQLITE_ROW) {
		report_record_request_parse(text(st, 0), &p->p);
		report_record_request_parse(text(st, 1), &p->sp);
		report_record_request_parse(text(st, 2), &p->np);
		p->adkim = text(st, 3)[0] == 's' ? 's' : 'r';
		p->aspf = text(st, 4)[0] == 's' ? 's' : 'r';
		p->testing = sqlite3_column_int(st, 5);
		p->psd = sqlite3_column_int(st, 6);
		report_record_discovery_parse(text(st, 7), &p->discovery);
		copy(p->rua, sizeof(p->rua), text(st, 8));
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(s, "reading the policy", error_r);
	return 0;
}

static int
sqlite_aggregate(struct report_store *base, const char *domain, int64_t day,
		 struct report_policy *policy_r, report_store_row_fn *fn, void *ctx,
		 const char **error_r)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	struct report_record rec;
	sqlite3_stmt *st;
	int rc;

	if (read_policy(s, domain, day, policy_r, error_r) < 0)
		return -1;
	if (sqlite3_prepare_v2(s->db, "SELECT " GROUP_COLUMNS ", count(*) FROM message"
			       " WHERE day = ? AND policy_domain = ? GROUP BY " GROUP_COLUMNS
			       " ORDER BY count(*) DESC, " GROUP_COLUMNS, -1, &st, NULL) != SQLITE_OK)
		return fail(s, "aggregating", error_r);
	sqlite3_bind_int64(st, 1, day);
	sqlite3_bind_text(st, 2, domain, -1, SQLITE_TRANSIENT);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		memset(&rec, 0, sizeof(rec));
		rec.policy = *policy_r;
		copy(rec.source_ip, sizeof(rec.source_ip), text(st, 0));
		copy(rec.header_from, sizeof(rec.header_from), text(st, 1));
		copy(rec.envelope_from, sizeof(rec.envelope_from), text(st, 2));
		copy(rec.envelope_to, sizeof(rec.envelope_to), text(st, 3));
		copy(rec.spf_domain, sizeof(rec.spf_domain), text(st, 5));
		copy(rec.spf_scope, sizeof(rec.spf_scope), text(st, 6));
		copy(rec.spf_result, sizeof(rec.spf_result), text(st, 7));
		rec.dkim_aligned = sqlite3_column_int(st, 8);
		rec.spf_aligned = sqlite3_column_int(st, 9);
		if (report_record_dkim_parse(text(st, 4), &rec) < 0
		    || report_record_disposition_parse(text(st, 10), &rec.disposition) < 0
		    || report_record_reasons_parse(text(st, 11), &rec)) {
			sqlite3_finalize(st);
			*error_r = "sqlite: a stored row is not in the form this program writes";
			return -1;
		}
		if (fn(&rec, (uint64_t)sqlite3_column_int64(st, 12), ctx) != 0)
			break;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(s, "aggregating", error_r);
	return 0;
}

static int
sqlite_mark_sent(struct report_store *base, const char *domain, int64_t day,
		 const char *report_id, int64_t now, const char **error_r)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO report (policy_domain, day,"
			       " report_id, sent_time) VALUES (?, ?, ?, ?)", -1, &st, NULL)
	    != SQLITE_OK)
		return fail(s, "marking sent", error_r);
	sqlite3_bind_text(st, 1, domain, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, day);
	sqlite3_bind_text(st, 3, report_id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 4, now);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : fail(s, "marking sent", error_r);
}

static int
sqlite_sent(struct report_store *base, const char *domain, int64_t day, int *sent_r,
	    const char **error_r)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM report WHERE policy_domain = ? AND day = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return fail(s, "reading the report state", error_r);
	sqlite3_bind_text(st, 1, domain, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 2, day);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return fail(s, "reading the report state", error_r);
	*sent_r = rc == SQLITE_ROW;
	return 0;
}

static int
sqlite_expire(struct report_store *base, int64_t before_day, uint64_t *deleted_r,
	      const char **error_r)
{
	struct sqlite_store *s = (struct sqlite_store *)base;
	sqlite3_stmt *st;
	int rc;

	if (exec(s, "BEGIN IMMEDIATE", error_r) < 0)
		return -1;
	if (sqlite3_prepare_v2(s->db, "DELETE FROM message WHERE day < ?", -1, &st, NULL)
	    != SQLITE_OK)
		goto err;
	sqlite3_bind_int64(st, 1, before_day);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		goto err;
	*deleted_r = (uint64_t)sqlite3_changes64(s->db);
	if (sqlite3_prepare_v2(s->db, "DELETE FROM report WHERE day < ?", -1, &st, NULL)
	    != SQLITE_OK)
		goto err;
	sqlite3_bind_int64(st, 1, before_day);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		goto err;
	return exec(s, "COMMIT", error_r);
err:
	fail(s, "expire", error_r);
	sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

const struct report_store_ops report_store_sqlite_ops = {
	.scheme = "sqlite",
	.open = sqlite_open,
	.append = sqlite_append,
	.domains = sqlite_domains,
	.aggregate = sqlite_aggregate,
	.mark_sent = sqlite_mark_sent,
	.sent = sqlite_sent,
	.expire = sqlite_expire,
	.close = sqlite_close,
};
