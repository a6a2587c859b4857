#!/usr/bin/env bash
# concurrency.sh - N (default 64) milter connections at the same time, each
# with one message of a known kind, against one daemon; every message must
# get its own right verdict, and the daemon must survive. Run against a
# ThreadSanitizer build (DMARCGUARD_TSAN) it also fails on any TSan report.
# With "reload" as fourth argument, SIGUSR1 reloads the configuration
# again and again while the messages are in flight: none may be lost.
# With CONCURRENCY_METRICS=1 in the environment the daemon serves
# MetricsSocket, scraped all along; the messages counted must be N.
# Usage: concurrency.sh DMARCGUARD NSD_TOOL [N [reload]]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/harness.sh"
metrics_url=
if [ -n "${CONCURRENCY_METRICS:-}" ]; then
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	HARNESS_EXTRA_CONFIG="${HARNESS_EXTRA_CONFIG:-}
MetricsSocket inet:$port@127.0.0.1"
	metrics_url="http://127.0.0.1:$port/metrics"
fi
harness_start "$1" "$2"
n=${3:-64}
reload=${4:-}
export DMARCGUARD_TESTDIR="$here"

kinds=(none reject pass)
pids=()
for i in $(seq 1 "$n"); do
	kind=${kinds[$((i % 3))]}
	MT_QID="CONC$i" MT_KIND=$kind timeout 120 miltertest -s "$here/one_message.lua" \
		> "$tmp/mt.$i" 2>&1 &
	pids+=($!)
done
if [ -n "$metrics_url" ]; then
	# bounded, and ends with the daemon: never outlives the test
	( for _ in $(seq 1 1200); do
		kill -0 "$daemon_pid" 2>/dev/null || break
		curl -s -o /dev/null --max-time 2 "$metrics_url" || true
		sleep 0.05
	  done ) &
	scraper=$!
fi
reloads=0
if [ "$reload" = reload ]; then
	for _ in $(seq 1 15); do kill -USR1 "$daemon_pid"; reloads=$((reloads + 1)); sleep 0.1; done
fi
failed=0
for i in $(seq 1 "$n"); do
	wait "${pids[$((i - 1))]}" || { failed=$((failed + 1)); echo "CONC$i: miltertest failed:"; sed 's/^/    /' "$tmp/mt.$i"; }
done
sleep 0.5
for i in $(seq 1 "$n"); do
	case ${kinds[$((i % 3))]} in
	none) want="action=quarantine reason=dmarc-fail-local-floor" ;;
	reject) want="action=reject reason=published-reject" ;;
	pass) want="action=accept reason=dmarc-pass" ;;
	esac
	# shellcheck disable=SC2086
	harness_check_alert "CONC$i" $want || failed=$((failed + 1))
done
if [ -n "$metrics_url" ]; then
	kill "$scraper" 2>/dev/null || true
	counted=$(curl -s --max-time 5 "$metrics_url" \
		| awk '$1 ~ /^dmarcguard_messages_total/ { s += $2 } END { print s + 0 }')
	[ "$counted" = "$n" ] || { echo "metrics: $counted messages counted, want $n"; failed=$((failed + 1)); }
	echo "metrics: $counted messages counted while scraped"
fi
alerts=$(grep -c " qid=CONC" "$tmp/daemon.log" || true)
[ "$alerts" = "$n" ] || { echo "want $n alert lines, got $alerts"; failed=$((failed + 1)); }
kill -0 "$daemon_pid" 2>/dev/null || { echo "the daemon died"; failed=$((failed + 1)); }
if [ "$reloads" -gt 0 ]; then
	done_reloads=$(grep -c "configuration reloaded" "$tmp/daemon.log" || true)
	[ "$done_reloads" -ge 1 ] || { echo "no reload happened ($reloads signals sent)"; failed=$((failed + 1)); }
	echo "reloads: $reloads signals, $done_reloads reloads logged"
fi
if grep -q "ThreadSanitizer\|AddressSanitizer\|runtime error" "$tmp/daemon.log"; then
	echo "sanitizer report in the daemon log:"; grep -A30 "Sanitizer\|runtime error" "$tmp/daemon.log" | head -80
	failed=$((failed + 1))
fi
echo "concurrency: $((n - failed < 0 ? 0 : n - failed)) passed, $failed failed ($n connections)"
[ "$failed" = 0 ]
