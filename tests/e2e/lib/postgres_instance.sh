# shellcheck shell=bash
# postgres_instance.sh - a private PostgreSQL cluster for the tests (Debian
# postgresql 15): initdb in a temporary directory, listening on a unix
# socket in that directory only (no TCP), trust authentication for the
# superuser "dmarcguard", one database "reports". initdb refuses to run as
# root, so as root the cluster belongs to nobody. Stopped by pg_instance_stop
# (the caller's EXIT trap); every wait is bounded.
#
#   pg_instance_available           0 when the binaries are installed
#   pg_instance_start DIR           init and start; sets PG_DIR, PG_CONNINFO
#   pg_instance_stop / _start_again stop the server (fast) / start it again
#   pg_instance_psql SQL            run SQL in "reports", unaligned output

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PG_DIR= PG_CONNINFO= PG_URI= PG_PORT=54321

pg_instance_available() {
	[ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ] && command -v psql >/dev/null
}

# pg_as_owner CMD... - run CMD as the cluster's owner
pg_as_owner() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u nobody -- "$@"
	else
		"$@"
	fi
}

pg_instance_start() {
	PG_DIR=$1
	mkdir -p "$PG_DIR"
	if [ "$(id -u)" = 0 ]; then
		chown nobody "$PG_DIR"
		chmod a+x "$(dirname "$PG_DIR")"	# a mktemp -d directory is 0700
	fi
	pg_as_owner "$PG_BIN/initdb" -D "$PG_DIR/data" -U dmarcguard --auth=trust \
		-E UTF8 --locale=C.UTF-8 >"$PG_DIR/initdb.log" 2>&1 \
		|| { cat "$PG_DIR/initdb.log" >&2; return 1; }
	pg_instance_start_again || return 1
	PG_CONNINFO="host=$PG_DIR port=$PG_PORT user=dmarcguard dbname=reports"
	PG_URI="postgresql://dmarcguard@/reports?host=$PG_DIR&port=$PG_PORT"
	psql -X -q -h "$PG_DIR" -p "$PG_PORT" -U dmarcguard -d postgres \
		-c 'CREATE DATABASE reports' >/dev/null
}

pg_instance_start_again() {
	pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 30 \
		-o "-k $PG_DIR -p $PG_PORT -c listen_addresses=''" start >/dev/null \
		|| { cat "$PG_DIR/server.log" >&2; return 1; }
}

pg_instance_stop() {
	[ -n "$PG_DIR" ] && [ -f "$PG_DIR/data/postmaster.pid" ] || return 0
	pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -w -t 30 -m fast stop >/dev/null 2>&1 \
		|| true
}

pg_instance_psql() {
	psql -X -q -A -t -h "$PG_DIR" -p "$PG_PORT" -U dmarcguard -d reports -c "$1"
}
