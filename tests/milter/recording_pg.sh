#!/usr/bin/env bash
# recording_pg.sh - daemons recording into a PostgreSQL ReportStore (a
# private cluster, tests/e2e/lib/postgres_instance.sh).
#   recording_pg.sh DMARCGUARD NSD_TOOL REPORTS_TOOL hosts|restart
# hosts: two daemons, two configurations and sockets, the second in a UTS
# namespace of its own named mx2.milter-test.example, record into one
# database while mail goes to both; each row carries its host; one
# `send --dry-run` writes one report for none.example whose counts (read
# by Mail::DMARC, tests/report/read_report.pl) equal every host's rows;
# two `send` runs at once hand exactly one mail to sendmail, and a third
# run sends nothing.
# restart: PostgreSQL is stopped while mail flows: every message is
# answered as ever, the records of that time are dropped and counted in
# the daemon's log and its metrics (dmarcguard_report_rows_dropped_total);
# after PostgreSQL starts again the daemon records again, and the store
# holds exactly what came before and after.
# Exit 77 when the postgresql package is not installed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
daemon=$1 nsd_tool=$2 reports=$3 mode=$4
. "$here/../e2e/lib/postgres_instance.sh"
pg_instance_available || { echo "postgresql is not installed: skipped"; exit 77; }
pgdir=$(mktemp -d /tmp/dmarcguard-recording-pg.XXXXXX)
d2_pid=
stop_all() {
	[ -n "$d2_pid" ] && kill "$d2_pid" 2>/dev/null && { wait "$d2_pid" 2>/dev/null || true; }
	harness_cleanup
	pg_instance_stop
	rm -rf "$pgdir"
}
trap 'pg_instance_stop; rm -rf "$pgdir"' EXIT
pg_instance_start "$pgdir/pg"
mkdir "$pgdir/sent"
cat >"$pgdir/sendmail" <<SH
#!/bin/sh
cat >"\$(mktemp "$pgdir/sent/mail.XXXXXX")"
SH
chmod +x "$pgdir/sendmail"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export HARNESS_EXTRA_CONFIG="ReportStore $PG_URI
ReportFrom dmarc-reports@mx.milter-test.example
ReportSendmail $pgdir/sendmail
MetricsSocket inet:$port@127.0.0.1"
. "$here/harness.sh"
harness_start "$daemon" "$nsd_tool"
trap stop_all EXIT
export DMARCGUARD_TESTDIR="$here"
kinds=(none reject pass)

# traffic PREFIX N SOCKET... - N messages at once, spread over the sockets; fails if one did
traffic() {
	local prefix=$1 n=$2 pids=() i bad=0
	shift 2
	local sockets=("$@")
	for i in $(seq 1 "$n"); do
		DMARCGUARD_SOCKET=${sockets[$((i % ${#sockets[@]}))]} MT_QID="$prefix$i" \
			MT_KIND=${kinds[$((i % 3))]} timeout 60 miltertest -s "$here/one_message.lua" \
			>"$tmp/mt.$prefix$i" 2>&1 &
		pids+=($!)
	done
	for i in $(seq 1 "$n"); do
		wait "${pids[$((i - 1))]}" || { bad=1; echo "$prefix$i:"; cat "$tmp/mt.$prefix$i"; }
	done
	return $bad
}

# recorded_for N - the messages recorded among N (kinds none and pass)
recorded_for() { echo $(( $1 - $1 / 3 )); }

# rows [WHERE] - the message rows in the database (0 before the daemon made the table)
rows() { pg_instance_psql "SELECT count(*) FROM message ${1:-}" 2>/dev/null || echo 0; }

# wait_rows N - until the database holds N message rows (15 s at most)
wait_rows() {
	for _ in $(seq 150); do [ "$(rows)" = "$1" ] && return 0; sleep 0.1; done
	echo "the database holds $(rows) rows, want $1"
	return 1
}

if [ "$mode" = hosts ]; then
	sed -e "s#^Socket unix:.*#Socket unix:$tmp/dmarcguard2.sock#" -e '/^MetricsSocket/d' \
		"$tmp/dmarcguard.conf" >"$tmp/d2.conf"
	unshare -u sh -c 'hostname mx2.milter-test.example && exec "$0" -f -c "$1"' \
		"$daemon" "$tmp/d2.conf" >"$tmp/d2.out" 2>"$tmp/d2.log" &
	d2_pid=$!
	for _ in $(seq 100); do [ -S "$tmp/dmarcguard2.sock" ] && break; sleep 0.1; done
	[ -S "$tmp/dmarcguard2.sock" ] || { echo "the second daemon did not start"; cat "$tmp/d2.log"; exit 1; }
	n=30
	traffic H "$n" "unix:$tmp/dmarcguard.sock" "unix:$tmp/dmarcguard2.sock"
	want=$(recorded_for "$n")
	wait_rows "$want"
	kill "$daemon_pid" "$d2_pid"
	wait "$daemon_pid" "$d2_pid" 2>/dev/null || true
	daemon_pid= d2_pid=
	[ "$(rows)" = "$want" ] || { echo "$(rows) rows after the daemons stopped, want $want"; exit 1; }
	mx2=$(rows "WHERE host = 'mx2.milter-test.example'")
	mx1=$(rows "WHERE host = '$(hostname)'")
	[ "$mx2" -gt 0 ] && [ "$mx1" -gt 0 ] && [ $((mx1 + mx2)) = "$want" ] \
		|| { echo "rows per host: $mx1 + $mx2, want $want in all"; exit 1; }
	mkdir "$tmp/out"
	"$reports" -c "$tmp/dmarcguard.conf" send --period today --dry-run --outdir "$tmp/out" >"$tmp/dry.out"
	cat "$tmp/dry.out"
	[ "$(find "$tmp/out" -name '*.eml' | wc -l)" = 1 ] || { echo "want one report"; exit 1; }
	perl "$here/../report/read_report.pl" "$tmp"/out/*.eml "$tmp/r.xml.gz" >"$tmp/read.out"
	head -1 "$tmp/read.out" | grep -q "^domain=none.example .* messages=$want$" \
		|| { cat "$tmp/read.out"; echo "the report does not count $want messages"; exit 1; }
	# two hosts' timers at once
	"$reports" -c "$tmp/dmarcguard.conf" send --period today >"$tmp/s1.out" 2>&1 &
	p1=$!
	unshare -u sh -c 'hostname mx2.milter-test.example && exec "$0" -c "$1" send --period today' \
		"$reports" "$tmp/d2.conf" >"$tmp/s2.out" 2>&1 &
	p2=$!
	wait "$p1" || { cat "$tmp/s1.out"; exit 1; }
	wait "$p2" || { cat "$tmp/s2.out"; exit 1; }
	cat "$tmp/s1.out" "$tmp/s2.out"
	[ "$(ls "$pgdir/sent" | wc -l)" = 1 ] || { echo "$(ls "$pgdir/sent" | wc -l) mails sent, want 1"; exit 1; }
	[ "$(cat "$tmp/s1.out" "$tmp/s2.out" | grep -c '^none.example: sent ')" = 1 ] || exit 1
	"$reports" -c "$tmp/d2.conf" send --period today >"$tmp/s3.out" 2>&1
	grep -q '^none.example: already sent$' "$tmp/s3.out" || { cat "$tmp/s3.out"; exit 1; }
	[ "$(ls "$pgdir/sent" | wc -l)" = 1 ] || { echo "sent again"; exit 1; }
	echo "hosts: $want rows from two daemons ($mx1 + $mx2), one report counting $want, sent once"
	exit 0
fi

[ "$mode" = restart ] || { echo "unknown mode $mode"; exit 2; }
sock="unix:$tmp/dmarcguard.sock"
traffic A 12 "$sock"
a=$(recorded_for 12)
wait_rows "$a"
pg_instance_stop
traffic B 12 "$sock"	# answered as ever, with the database down
for i in $(seq 1 12); do
	case ${kinds[$((i % 3))]} in
	none) want="action=quarantine reason=dmarc-fail-local-floor" ;;
	reject) want="action=reject reason=published-reject" ;;
	pass) want="action=accept reason=dmarc-pass" ;;
	esac
	# shellcheck disable=SC2086
	harness_check_alert "B$i" $want
done
for _ in $(seq 100); do grep -q 'report store .* dropped' "$tmp/daemon.log" && break; sleep 0.1; done
grep 'report store' "$tmp/daemon.log" || { echo "no log line about dropped records"; exit 1; }
pg_instance_start_again
sleep 6		# the writer opens the store again at most 5 s after its last try
traffic C 12 "$sock"
wait_rows $((2 * a))
kill -0 "$daemon_pid" || { echo "the daemon died"; exit 1; }
metrics=$(curl -sS --max-time 10 "http://127.0.0.1:$port/metrics")
for want in "dmarcguard_report_rows_total{result=\"recorded\"} $((2 * a))" \
	"dmarcguard_report_rows_dropped_total{reason=\"store_error\"} $a" \
	"dmarcguard_report_rows_dropped_total{reason=\"queue_full\"} 0"; do
	grep -qxF "$want" <<<"$metrics" || { echo "metrics lack $want:"; grep report_ <<<"$metrics"; exit 1; }
done
kill "$daemon_pid"
wait "$daemon_pid" 2>/dev/null || true
daemon_pid=
# the log's running totals: every drop of the outage counted, by the store
grep -q "report store .*in all: $a dropped, 0 with the queue full, $a by the store;" \
	"$tmp/daemon.log" || { echo "drops not counted as $a:"; grep 'report store' "$tmp/daemon.log"; exit 1; }
got=$("$reports" -c "$tmp/dmarcguard.conf" show --period today --json \
	| perl -MJSON::PP -e 'local $/; my $n = 0; $n += $_->{messages} for @{decode_json(<STDIN>)}; print $n')
[ "$got" = $((2 * a)) ] || { echo "show counts $got, want $((2 * a))"; exit 1; }
echo "restart: 36 messages answered, $a records dropped and counted while PostgreSQL was down, $((2 * a)) recorded"
