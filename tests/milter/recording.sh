#!/usr/bin/env bash
# recording.sh - the daemon records verdicts for aggregate reports while
# it filters: N milter connections at once (one_message.lua: none.example
# quarantined, none.example passing, reject.example rejected), then the
# store holds exactly the none.example messages (reject.example's record
# has no rua), counted by dmarcguard-reports show.
# With "down" as fourth argument the store cannot be opened: every
# verdict is the same as ever, the daemon lives, and the drops are
# counted in a log line.
# In every mode, the metrics endpoint counts the report rows recorded and
# dropped (dmarcguard_report_rows_total) as the store and the log do.
# With "kill" the daemon is killed with SIGKILL while it records (a stream
# of messages over about two seconds): the store passes SQLite's
# integrity check, and a new daemon on the same
# store goes on recording where the first stopped.
# With "readonly" the store exists on a file system mounted read-only,
# with "full" on a small tmpfs filled up: verdicts as ever, the daemon
# lives, every record it could not write is counted as dropped in its log
# line (written + dropped = recorded), and the store passes SQLite's
# integrity check afterwards.
# Usage: recording.sh DMARCGUARD NSD_TOOL REPORTS_TOOL [up|down|kill|readonly|full]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
daemon=$1 nsd_tool=$2 reports=$3 mode=${4:-up} n=30
store_dir=$(mktemp -d /tmp/dmarcguard-recording-XXXXXX)
mounted=
case $mode in
down) store="sqlite:$store_dir/no-such-dir/reports.db" ;;
readonly|full) store="sqlite:$store_dir/mnt/reports.db" ;;
*) store="sqlite:$store_dir/reports.db" ;;
esac
# integrity - SQLite's integrity check of the store file ("ok")
integrity() {
	perl -MDBI -e 'my $d = DBI->connect("dbi:SQLite:dbname=$ARGV[0]", "", "",
		{ RaiseError => 1, sqlite_open_flags => 1 }); print scalar $d->selectrow_array("PRAGMA integrity_check")' \
		"$1"
}
trap 'harness_cleanup; [ -z "$mounted" ] || umount -l "$store_dir/mnt"; rm -rf "$store_dir"' EXIT
if [ "$mode" = readonly ] || [ "$mode" = full ]; then
	# the store made on a tmpfs of its own, then the tmpfs made unwritable
	mkdir "$store_dir/mnt"
	mount -t tmpfs -o size=256k,mode=0755 dmarcguard-test "$store_dir/mnt"
	mounted=1
	printf 'ReportStore %s\n' "$store" > "$store_dir/create.conf"
	"$reports" -c "$store_dir/create.conf" show --period today >/dev/null
	if [ "$mode" = readonly ]; then
		mount -o remount,ro "$store_dir/mnt"
	else
		dd if=/dev/zero of="$store_dir/mnt/filler" bs=4k 2>/dev/null || true
		[ "$(df --output=avail -k "$store_dir/mnt" | tail -n 1 | tr -d ' ')" = 0 ] \
			|| { echo "the tmpfs is not full"; exit 1; }
	fi
fi
export HARNESS_EXTRA_CONFIG="ReportStore $store
ReportFrom dmarc-reports@mx.milter-test.example
MetricsSocket unix:$store_dir/metrics.sock"
. "$here/harness.sh"
harness_start "$daemon" "$nsd_tool"
export DMARCGUARD_TESTDIR="$here"

# recorded - the messages the store holds today, counted by dmarcguard-reports
recorded() {
	printf 'ReportStore %s\n' "$store" > "$tmp/reports.conf"
	"$reports" -c "$tmp/reports.conf" show --period today --json \
		| perl -MJSON::PP -e 'local $/; my $n = 0; $n += $_->{messages} for @{decode_json(<STDIN>)}; print $n'
}

if [ "$mode" = kill ]; then
	# a steady stream of messages, and SIGKILL after about two seconds:
	# past the writer's first batch (it gathers for up to a second), most
	# likely while it gathers or writes another
	pids=()
	for i in $(seq 1 60); do
		MT_QID="KILL$i" MT_KIND=pass timeout 60 miltertest -s "$here/one_message.lua" \
			> "$tmp/mt.$i" 2>&1 &
		pids+=($!)
		sleep 0.04
	done
	kill -KILL "$daemon_pid"
	wait "$daemon_pid" 2>/dev/null || true
	daemon_pid=
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	integrity=$(integrity "$store_dir/reports.db")
	[ "$integrity" = ok ] || { echo "integrity check after SIGKILL: $integrity"; exit 1; }
	before=$(recorded)
	[ "$before" -ge 1 ] && [ "$before" -le 60 ] || { echo "$before records from 60 messages"; exit 1; }
	# a new daemon on the same store and socket path
	"$daemon" -f -c "$tmp/dmarcguard.conf" >> "$tmp/daemon.out" 2>> "$tmp/daemon.log" &
	daemon_pid=$!
	for _ in $(seq 100); do
		MT_QID=AFTER0 MT_KIND=pass timeout 20 miltertest -s "$here/one_message.lua" \
			> "$tmp/mt.after0" 2>&1 && break
		sleep 0.1
	done
	for i in 1 2 3; do
		MT_QID="AFTER$i" MT_KIND=pass timeout 60 miltertest -s "$here/one_message.lua" \
			> "$tmp/mt.after$i" 2>&1 || { cat "$tmp/mt.after$i"; exit 1; }
	done
	kill "$daemon_pid"
	wait "$daemon_pid" 2>/dev/null || true
	daemon_pid=
	after=$(recorded)
	[ "$after" -eq $((before + 4)) ] || { echo "after the restart: $after records, want $before + 4"; exit 1; }
	echo "recording (SIGKILL): store intact with $before of 60 records, then $after after a restart"
	exit 0
fi

kinds=(none reject pass)
pids=()
for i in $(seq 1 "$n"); do
	MT_QID="REC$i" MT_KIND=${kinds[$((i % 3))]} timeout 120 miltertest \
		-s "$here/one_message.lua" > "$tmp/mt.$i" 2>&1 &
	pids+=($!)
done
failed=0
for i in $(seq 1 "$n"); do
	wait "${pids[$((i - 1))]}" || { failed=$((failed + 1)); echo "REC$i:"; sed 's/^/    /' "$tmp/mt.$i"; }
done
sleep 0.5
want_recorded=0
for i in $(seq 1 "$n"); do
	case ${kinds[$((i % 3))]} in
	none) want="action=quarantine reason=dmarc-fail-local-floor"; want_recorded=$((want_recorded + 1)) ;;
	reject) want="action=reject reason=published-reject" ;;
	pass) want="action=accept reason=dmarc-pass"; want_recorded=$((want_recorded + 1)) ;;
	esac
	# shellcheck disable=SC2086
	harness_check_alert "REC$i" $want || failed=$((failed + 1))
done
kill -0 "$daemon_pid" 2>/dev/null || { echo "the daemon died"; failed=$((failed + 1)); }

# metric SERIES: its value in the daemon's exposition now
metric() {
	curl -sS --max-time 5 --unix-socket "$store_dir/metrics.sock" http://localhost/metrics \
		| awk -v s="$1" '$1 == s { print $2 }'
}
# the report rows counted equal what the store took or dropped, once the
# writer has emptied the queue (10 s at most)
for _ in $(seq 100); do
	[ "$(metric dmarcguard_report_queue_rows)" = 0 ] \
		&& [ $(( $(metric 'dmarcguard_report_rows_total{result="recorded"}') \
			+ $(metric 'dmarcguard_report_rows_total{result="dropped"}') )) -ge "$want_recorded" ] \
		&& break
	sleep 0.1
done
rows_recorded=$(metric 'dmarcguard_report_rows_total{result="recorded"}')
rows_dropped=$(metric 'dmarcguard_report_rows_total{result="dropped"}')
rows_store_error=$(metric 'dmarcguard_report_rows_dropped_total{reason="store_error"}')
case $mode in
down) want_rows="0 $want_recorded $want_recorded" ;;
# some written, some dropped: compared with the log line's totals below
readonly|full) want_rows="$rows_recorded $rows_dropped $rows_dropped" ;;
*) want_rows="$want_recorded 0 0" ;;
esac
[ "$rows_recorded $rows_dropped $rows_store_error" = "$want_rows" ] \
	|| { echo "report rows recorded/dropped/store_error: $rows_recorded $rows_dropped $rows_store_error, want $want_rows"; failed=$((failed + 1)); }
echo "metrics: report rows recorded $rows_recorded, dropped $rows_dropped (store_error $rows_store_error)"
# stop the daemon: it writes what is still queued
kill "$daemon_pid"
wait "$daemon_pid" 2>/dev/null || true
daemon_pid=

if [ "$mode" = down ]; then
	grep -q "report store $store: .* dropped .*$want_recorded dropped" "$tmp/daemon.log" \
		|| { echo "no log line counting $want_recorded drops:"; grep 'report store' "$tmp/daemon.log"; failed=$((failed + 1)); }
	echo "recording (store down): $n verdicts as ever, $want_recorded records dropped and counted"
elif [ "$mode" = readonly ] || [ "$mode" = full ]; then
	# the last log line has the totals: every record written or dropped, some dropped
	line=$(grep "report store $store: .* dropped (in all: " "$tmp/daemon.log" | tail -n 1 || true)
	dropped=$(sed -n 's/.*(in all: \([0-9]*\) dropped, .*/\1/p' <<<"$line")
	written=$(sed -n 's/.* \([0-9]*\) written).*/\1/p' <<<"$line")
	if [ -z "$dropped" ] || [ "$dropped" -lt 1 ] || [ $((dropped + written)) -ne "$want_recorded" ]; then
		echo "want drops counted, written + dropped = $want_recorded; the log says:"
		grep 'report store' "$tmp/daemon.log" || true
		failed=$((failed + 1))
	fi
	[ "$rows_recorded $rows_dropped" = "$written $dropped" ] \
		|| { echo "metrics say $rows_recorded written, $rows_dropped dropped; the log $written, $dropped"; failed=$((failed + 1)); }
	# writable again for the check: SQLite opens a WAL store only with its -shm file
	if [ "$mode" = full ]; then rm -f "$store_dir/mnt/filler"; else mount -o remount,rw "$store_dir/mnt"; fi
	got=$(integrity "$store_dir/mnt/reports.db")
	[ "$got" = ok ] || { echo "integrity check: $got"; failed=$((failed + 1)); }
	echo "recording (store $mode): $n verdicts as ever, $dropped of $want_recorded records dropped and counted, $written written, integrity $got"
else
	got=$(recorded)
	"$reports" -c "$tmp/reports.conf" show --period today --json > "$tmp/show.json" \
		|| failed=$((failed + 1))
	domains=$(perl -MJSON::PP -e 'local $/; print join " ", map { $_->{domain} } @{decode_json(<STDIN>)}' < "$tmp/show.json")
	[ "$got" = "$want_recorded" ] || { echo "store holds $got messages, want $want_recorded"; failed=$((failed + 1)); }
	[ "$domains" = none.example ] || { echo "store holds domains: $domains"; failed=$((failed + 1)); }
	! grep -q 'report store' "$tmp/daemon.log" || { grep 'report store' "$tmp/daemon.log"; failed=$((failed + 1)); }
	echo "recording: $got of $n messages recorded (want $want_recorded)"
fi
[ "$failed" = 0 ]
