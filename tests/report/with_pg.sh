#!/usr/bin/env bash
# with_pg.sh - run programs one after the other with a private PostgreSQL
# cluster (tests/e2e/lib/postgres_instance.sh) and DMARCGUARD_TEST_PG set
# to its conninfo ("postgresql:host=... dbname=reports") and
# DMARCGUARD_TEST_PG_URI to the same as a URI without the scheme
# ("//dmarcguard@/reports?host=..."), then stop the
# cluster. Exit 77 (skipped) when the PostgreSQL binaries are not
# installed; otherwise 1 when a program failed.
#   with_pg.sh PROGRAM...
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../e2e/lib/postgres_instance.sh"
pg_instance_available || { echo "postgresql is not installed: skipped"; exit 77; }
dir=$(mktemp -d /tmp/dmarcguard-pg.XXXXXX)
trap 'pg_instance_stop; rm -rf "$dir"' EXIT
pg_instance_start "$dir/pg"
export DMARCGUARD_TEST_PG="postgresql:$PG_CONNINFO" DMARCGUARD_TEST_PG_URI="${PG_URI#postgresql:}"
for program in "$@"; do
	"$program"
done
