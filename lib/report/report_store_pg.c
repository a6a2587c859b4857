/*
 * report_store_pg - the report store in PostgreSQL, through libpq, so
 * that several MX hosts, each running its own daemon, record into one
 * database and one `dmarcguard-reports send` reports for all of them.
 *
 * Where: "postgresql://user@host:port/db?..." (or "postgres://..."), a
 * libpq URI, or "postgresql:host=... dbname=..." with libpq's key=value
 * conninfo after the scheme. Unless the conninfo says otherwise, a
 * connection attempt gives up after 10 s and a statement after 60 s, so
 * the daemon's writer thread is never stuck for long on a dead server.
 *
 * Every value travels as a query parameter. A batch is one transaction
 * (multi-row INSERTs of at most CHUNK rows): all rows or none. When the
 * connection is lost the call fails, and the next call reconnects.
 * PostgreSQL's own write-ahead log keeps the database consistent over a
 * crash or SIGKILL of either side.
 *
 * Schema: dmarcguard_schema holds the version; a database without it is
 * set up, under an advisory lock so that daemons starting together do
 * not race; a newer version is refused. Tables as in the SQLite store
 * (report_store_sqlite.c), with text in the "C" collation so that both
 * sort alike, and message.id unique across hosts.
 *
 * Thread-safety: one store, one thread (see report_store.h).
 */
#include "report_store.h"
#include "report_store_pg.h"
#include "report_store_row.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPORT_PG_SCHEMA 1
#define CHUNK REPORT_PG_CHUNK
#define LOCK_ID "4242016"	/* pg_advisory_xact_lock while setting up */

#define TEXT "text COLLATE \"C\" NOT NULL"
static const char schema_sql[] =
	"CREATE TABLE message (id bigserial PRIMARY KEY, host " TEXT ","
	" time bigint NOT NULL, day bigint NOT NULL, source_ip " TEXT ", header_from " TEXT ","
	" envelope_from " TEXT ", envelope_to " TEXT ", policy_domain " TEXT ", p " TEXT ","
	" sp " TEXT ", np " TEXT ", adkim " TEXT ", aspf " TEXT ", testing smallint NOT NULL,"
	" psd smallint NOT NULL, discovery " TEXT ", rua " TEXT ", dkim " TEXT ","
	" spf_domain " TEXT ", spf_scope " TEXT ", spf_result " TEXT ","
	" dkim_aligned smallint NOT NULL, spf_aligned smallint NOT NULL,"
	" disposition " TEXT ", reasons " TEXT ");"
	"CREATE INDEX message_day_domain ON message (day, policy_domain);"
	"CREATE TABLE report (policy_domain " TEXT ", day bigint NOT NULL, state " TEXT ","
	" owner " TEXT ", claimed_at bigint NOT NULL, report_id " TEXT ","
	" sent_time bigint NOT NULL, PRIMARY KEY (policy_domain, day));"
	"CREATE TABLE delivery (policy_domain " TEXT ", day bigint NOT NULL,"
	" destination " TEXT ", state " TEXT ", attempts integer NOT NULL,"
	" first_failure bigint NOT NULL, last_failure bigint NOT NULL, reason " TEXT ","
	" report_id " TEXT ", sent_time bigint NOT NULL,"
	" PRIMARY KEY (policy_domain, day, destination));"
	"INSERT INTO dmarcguard_schema (version) VALUES (1);";

/* fail - -1 with libpq's message about what */
static int
fail(struct pg_store *s, const char *what, const char *detail, const char **error_r)
{
	size_t n;

	snprintf(s->error, sizeof(s->error), "postgresql: %s: %s", what, detail);
	n = strlen(s->error);
	while (n > 0 && (s->error[n - 1] == '\n' || s->error[n - 1] == ' '))
		s->error[--n] = '\0';
	*error_r = s->error;
	return -1;
}

/* quiet - libpq's notices (such as "skipping") are not ours to print */
static void
quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

PGresult *
report_store_pg_query(struct pg_store *s, const char *sql, int n, const char *const *values,
		      ExecStatusType want, const char **error_r)
{
	PGresult *res;

	if (PQstatus(s->conn) != CONNECTION_OK) {
		PQreset(s->conn);
		if (PQstatus(s->conn) != CONNECTION_OK) {
			fail(s, "reconnecting", PQerrorMessage(s->conn), error_r);
			return NULL;
		}
	}
	res = PQexecParams(s->conn, sql, n, NULL, values, NULL, NULL, 0);
	if (PQresultStatus(res) == want)
		return res;
	fail(s, sql, res != NULL ? PQresultErrorMessage(res) : PQerrorMessage(s->conn), error_r);
	PQclear(res);
	return NULL;
}

int
report_store_pg_command(struct pg_store *s, const char *sql, int n, const char *const *values,
			const char **error_r)
{
	PGresult *res = report_store_pg_query(s, sql, n, values, PGRES_COMMAND_OK, error_r);

	PQclear(res);
	return res != NULL ? 0 : -1;
}

/* rollback - end a failed transaction, keeping the first error */
static int
rollback(struct pg_store *s)
{
	if (PQstatus(s->conn) == CONNECTION_OK)
		PQclear(PQexec(s->conn, "ROLLBACK"));
	return -1;
}

/* prepare_schema - set up a new database, accept ours, refuse a newer one */
static int
prepare_schema(struct pg_store *s, const char **error_r)
{
	PGresult *res;
	int version;

	if (report_store_pg_command(s, "BEGIN", 0, NULL, error_r) < 0)
		return -1;
	if ((res = report_store_pg_query(s, "SELECT pg_advisory_xact_lock(" LOCK_ID ")", 0, NULL,
					 PGRES_TUPLES_OK, error_r)) == NULL)
		return rollback(s);
	PQclear(res);
	/* a role that may only write rows must not need to create anything */
	if ((res = report_store_pg_query(s, "SELECT to_regclass('dmarcguard_schema') IS NULL", 0,
					 NULL, PGRES_TUPLES_OK, error_r)) == NULL)
		return rollback(s);
	version = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
	PQclear(res);
	if ((version && report_store_pg_command(s, "CREATE TABLE dmarcguard_schema"
						" (version integer NOT NULL)", 0, NULL,
						error_r) < 0)
	    || (res = report_store_pg_query(s, "SELECT max(version) FROM dmarcguard_schema", 0,
					    NULL, PGRES_TUPLES_OK, error_r)) == NULL)
		return rollback(s);
	version = PQgetisnull(res, 0, 0) ? 0 : atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	if (version > REPORT_PG_SCHEMA) {
		snprintf(s->error, sizeof(s->error), "postgresql: schema version %d, this program"
			 " knows %d", version, REPORT_PG_SCHEMA);
		*error_r = s->error;
		return rollback(s);
	}
	if (version == 0) {
		/* several statements: the simple query protocol, no parameters */
		res = PQexec(s->conn, schema_sql);
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			fail(s, "creating the tables", PQresultErrorMessage(res), error_r);
			PQclear(res);
			return rollback(s);
		}
		PQclear(res);
	}
	return report_store_pg_command(s, "COMMIT", 0, NULL, error_r);
}

static void
pg_close(struct report_store *base)
{
	struct pg_store *s = (struct pg_store *)base;

	PQfinish(s->conn);
	free(s->rows);
	free(s);
}

/* open_conninfo - connect to conninfo (a URI or key=value) with our defaults under it */
static struct report_store *
open_conninfo(const struct report_store_ops *ops, const char *conninfo, char *error,
	      size_t size)
{
	/* later entries win, and the expanded dbname (the user's conninfo) comes last */
	static const char *const keys[] = {
		"connect_timeout", "options", "application_name", "dbname", NULL,
	};
	const char *values[] = { "10", "-c statement_timeout=60000", "dmarcguard", conninfo, NULL };
	struct pg_store *s = calloc(1, sizeof(*s));
	const char *why = NULL;

	if (s == NULL || (s->rows = calloc(REPORT_PG_CHUNK, sizeof(*s->rows))) == NULL) {
		snprintf(error, size, "out of memory");
		free(s);
		return NULL;
	}
	s->base.ops = ops;
	s->conn = PQconnectdbParams(keys, values, 1);
	if (s->conn == NULL) {
		snprintf(error, size, "postgresql: out of memory");
		free(s->rows);
		free(s);
		return NULL;
	}
	PQsetNoticeProcessor(s->conn, quiet, NULL);
	if (PQstatus(s->conn) != CONNECTION_OK)
		fail(s, "connecting", PQerrorMessage(s->conn), &why);
	else
		prepare_schema(s, &why);
	if (why != NULL) {
		snprintf(error, size, "%s", why);
		pg_close(&s->base);
		return NULL;
	}
	return &s->base;
}

/* open_scheme - "//..." is a URI under scheme, anything else key=value conninfo */
static struct report_store *
open_scheme(const struct report_store_ops *ops, const char *rest, char *error, size_t size)
{
	char *uri;
	struct report_store *st;

	if (strncmp(rest, "//", 2) != 0)
		return open_conninfo(ops, rest, error, size);
	if ((uri = malloc(strlen(ops->scheme) + strlen(rest) + 2)) == NULL) {
		snprintf(error, size, "out of memory");
		return NULL;
	}
	sprintf(uri, "%s:%s", ops->scheme, rest);
	st = open_conninfo(ops, uri, error, size);
	free(uri);
	return st;
}

static struct report_store *
pg_open(const char *rest, char *error, size_t size)
{
	return open_scheme(&report_store_pg_ops, rest, error, size);
}

static struct report_store *
postgres_open(const char *rest, char *error, size_t size)
{
	return open_scheme(&report_store_pg_postgres_ops, rest, error, size);
}

/* insert_chunk - n (at most CHUNK) records in one multi-row INSERT */
static int
insert_chunk(struct pg_store *s, const struct report_record *recs, size_t n,
	     const char **error_r)
{
	struct report_store_row *rows = s->rows;
	const char *values[CHUNK * REPORT_STORE_ROW_COUNT];
	/* per value at most ", ($NNNN)" (10 bytes), and the column list */
	char sql[CHUNK * REPORT_STORE_ROW_COUNT * 10 + sizeof(REPORT_STORE_ROW_COLUMNS) + 64];
	size_t len, k = 0;

	len = (size_t)snprintf(sql, sizeof(sql), "INSERT INTO message (" REPORT_STORE_ROW_COLUMNS
			       ") VALUES ");
	for (size_t i = 0; i < n; i++) {
		if (report_store_row_fill(&rows[i], s->base.host, &recs[i]) < 0) {
			*error_r = "postgresql: a record too large for its columns";
			return -1;
		}
		for (int c = 0; c < REPORT_STORE_ROW_COUNT; c++, k++) {
			values[k] = rows[i].values[c];
			len += (size_t)snprintf(sql + len, sizeof(sql) - len, "%s$%zu%s",
						c == 0 ? (i == 0 ? "(" : ", (") : ", ", k + 1,
						c == REPORT_STORE_ROW_COUNT - 1 ? ")" : "");
			if (len >= sizeof(sql)) {	/* cannot happen with the size above */
				*error_r = "postgresql: the INSERT does not fit its buffer";
				return -1;
			}
		}
	}
	return report_store_pg_command(s, sql, (int)k, values, error_r);
}

/* pg_append - the batch in one transaction: all rows or none */
static int
pg_append(struct report_store *base, const struct report_record *recs, size_t n,
	  const char **error_r)
{
	struct pg_store *s = (struct pg_store *)base;

	if (report_store_pg_command(s, "BEGIN", 0, NULL, error_r) < 0)
		return -1;
	for (size_t i = 0; i < n; i += CHUNK)
		if (insert_chunk(s, recs + i, n - i < CHUNK ? n - i : CHUNK, error_r) < 0)
			return rollback(s);
	if (report_store_pg_command(s, "COMMIT", 0, NULL, error_r) < 0)
		return rollback(s);
	return 0;
}

static int
pg_domains(struct report_store *base, int64_t day, report_store_domain_fn *fn, void *ctx,
	   const char **error_r)
{
	struct pg_store *s = (struct pg_store *)base;
	char d[24];
	const char *v[] = { d };
	PGresult *res;

	snprintf(d, sizeof(d), "%" PRId64, day);
	if ((res = report_store_pg_query(s, "SELECT DISTINCT policy_domain FROM message"
					 " WHERE day = $1 ORDER BY policy_domain", 1, v,
					 PGRES_TUPLES_OK, error_r)) == NULL)
		return -1;
	for (int i = 0; i < PQntuples(res); i++)
		if (fn(PQgetvalue(res, i, 0), ctx) != 0)
			break;
	PQclear(res);
	return 0;
}

/* row_columns - the first n columns of row i */
static void
row_columns(PGresult *res, int i, const char **cols, int n)
{
	for (int c = 0; c < n; c++)
		cols[c] = PQgetvalue(res, i, c);
}

static int
pg_aggregate(struct report_store *base, const char *domain, int64_t day,
	     struct report_policy *policy_r, report_store_row_fn *fn, void *ctx,
	     const char **error_r)
{
	static const char *const none[REPORT_STORE_POLICY_COUNT] = {
		"", "", "", "", "", "", "", "", "",
	};
	struct pg_store *s = (struct pg_store *)base;
	const char *cols[REPORT_STORE_GROUP_COUNT];
	char d[24];
	const char *v[] = { d, domain };
	struct report_record rec;
	PGresult *res;
	int rc = 0;

	snprintf(d, sizeof(d), "%" PRId64, day);
	/* the policy of the newest row of the domain's day */
	if ((res = report_store_pg_query(s, "SELECT " REPORT_STORE_POLICY_COLUMNS " FROM message"
					 " WHERE day = $1 AND policy_domain = $2"
					 " ORDER BY time DESC, id DESC LIMIT 1", 2, v,
					 PGRES_TUPLES_OK, error_r)) == NULL)
		return -1;
	if (PQntuples(res) == 1)
		row_columns(res, 0, cols, REPORT_STORE_POLICY_COUNT);
	report_store_row_policy(PQntuples(res) == 1 ? cols : none, domain, policy_r);
	PQclear(res);
	if ((res = report_store_pg_query(s, "SELECT " REPORT_STORE_GROUP_COLUMNS ", count(*)"
					 " FROM message WHERE day = $1 AND policy_domain = $2"
					 " GROUP BY " REPORT_STORE_GROUP_COLUMNS
					 " ORDER BY count(*) DESC, " REPORT_STORE_GROUP_COLUMNS,
					 2, v, PGRES_TUPLES_OK, error_r)) == NULL)
		return -1;
	for (int i = 0; i < PQntuples(res); i++) {
		row_columns(res, i, cols, REPORT_STORE_GROUP_COUNT);
		if (report_store_row_group(cols, policy_r, &rec) < 0) {
			*error_r = "postgresql: a stored row is not in the form this program writes";
			rc = -1;
			break;
		}
		if (fn(&rec, strtoull(PQgetvalue(res, i, REPORT_STORE_GROUP_COUNT), NULL, 10),
		       ctx) != 0)
			break;
	}
	PQclear(res);
	return rc;
}

static int
pg_expire(struct report_store *base, int64_t before_day, uint64_t *deleted_r,
	  const char **error_r)
{
	struct pg_store *s = (struct pg_store *)base;
	char d[24];
	const char *v[] = { d };
	PGresult *res;

	snprintf(d, sizeof(d), "%" PRId64, before_day);
	if (report_store_pg_command(s, "BEGIN", 0, NULL, error_r) < 0)
		return -1;
	if ((res = report_store_pg_query(s, "DELETE FROM message WHERE day < $1", 1, v,
					 PGRES_COMMAND_OK, error_r)) == NULL)
		return rollback(s);
	*deleted_r = strtoull(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	if (report_store_pg_command(s, "DELETE FROM report WHERE day < $1", 1, v, error_r) < 0
	    || report_store_pg_command(s, "DELETE FROM delivery WHERE day < $1", 1, v,
				       error_r) < 0
	    || report_store_pg_command(s, "COMMIT", 0, NULL, error_r) < 0)
		return rollback(s);
	return 0;
}

#define PG_OPS \
	.append = pg_append, \
	.domains = pg_domains, \
	.aggregate = pg_aggregate, \
	.claim = report_store_pg_state_claim, \
	.finish = report_store_pg_state_finish, \
	.state = report_store_pg_state_get, \
	.pending = report_store_pg_state_pending, \
	.delivery_get = report_store_pg_state_delivery_get, \
	.delivery_put = report_store_pg_state_delivery_put, \
	.expire = pg_expire, \
	.close = pg_close

const struct report_store_ops report_store_pg_ops = {
	.scheme = "postgresql", .open = pg_open, PG_OPS,
};

const struct report_store_ops report_store_pg_postgres_ops = {
	.scheme = "postgres", .open = postgres_open, PG_OPS,
};
