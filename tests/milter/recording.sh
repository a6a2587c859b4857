#!/usr/bin/env bash
# recording.sh - the daemon records verdicts for aggregate reports while
# it filters: N milter connections at once (one_message.lua: none.example
# quarantined, none.example passing, reject.example rejected), then the
# store holds exactly the none.example messages (reject.example's record
# has no rua), counted by dmarcguard-reports show.
# With "down" as fourth argument the store cannot be opened: every
# verdict is the same as ever, the daemon lives, and the drops are
# counted in a log line.
# Usage: recording.sh DMARCGUARD NSD_TOOL REPORTS_TOOL [up|down]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
daemon=$1 nsd_tool=$2 reports=$3 mode=${4:-up} n=30
store_dir=$(mktemp -d /tmp/dmarcguard-recording-XXXXXX)
if [ "$mode" = down ]; then
	store="sqlite:$store_dir/no-such-dir/reports.db"
else
	store="sqlite:$store_dir/reports.db"
fi
export HARNESS_EXTRA_CONFIG="ReportStore $store
ReportFrom dmarc-reports@mx.milter-test.example"
. "$here/harness.sh"
harness_start "$daemon" "$nsd_tool"
trap 'harness_cleanup; rm -rf "$store_dir"' EXIT
export DMARCGUARD_TESTDIR="$here"

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
# stop the daemon: it writes what is still queued
kill "$daemon_pid"
wait "$daemon_pid" 2>/dev/null || true
daemon_pid=

cat > "$tmp/reports.conf" <<CONF
ReportStore $store
CONF
if [ "$mode" = down ]; then
	grep -q "report store $store: .* dropped .*$want_recorded dropped" "$tmp/daemon.log" \
		|| { echo "no log line counting $want_recorded drops:"; grep 'report store' "$tmp/daemon.log"; failed=$((failed + 1)); }
	echo "recording (store down): $n verdicts as ever, $want_recorded records dropped and counted"
else
	"$reports" -c "$tmp/reports.conf" show --period today --json > "$tmp/show.json" \
		|| failed=$((failed + 1))
	got=$(perl -MJSON::PP -e 'local $/; my $d = decode_json(<STDIN>); my $n = 0;
		$n += $_->{messages} for @$d; print $n' < "$tmp/show.json")
	domains=$(perl -MJSON::PP -e 'local $/; print join " ", map { $_->{domain} } @{decode_json(<STDIN>)}' < "$tmp/show.json")
	[ "$got" = "$want_recorded" ] || { echo "store holds $got messages, want $want_recorded"; failed=$((failed + 1)); }
	[ "$domains" = none.example ] || { echo "store holds domains: $domains"; failed=$((failed + 1)); }
	! grep -q 'report store' "$tmp/daemon.log" || { grep 'report store' "$tmp/daemon.log"; failed=$((failed + 1)); }
	echo "recording: $got of $n messages recorded (want $want_recorded)"
fi
[ "$failed" = 0 ]
