#!/usr/bin/env bash
# metrics.sh - the MetricsSocket endpoint of a running daemon:
#  1. messages of three known kinds through miltertest; /metrics (curl)
#     counts exactly what was sent, by action and reason, DMARC result,
#     published policy of failing mail, override, evaluation histogram;
#     `promtool check metrics` accepts the exposition;
#  2. a real Prometheus (Debian's, on loopback, scraping every second)
#     stores the same counts: its HTTP API is queried;
#  3. bad requests are answered and bounded: other paths 404, other
#     methods 405, an oversized request head refused, a stalled request
#     head closed after the timeout, 300 idle connections at once while a
#     message is judged as usual, and /metrics served again afterwards;
#  4. reloads counted: one done, one refused.
# Usage: metrics.sh DMARCGUARD NSD_TOOL
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
for tool in curl promtool prometheus python3; do
	command -v "$tool" >/dev/null || { echo "metrics.sh needs $tool (scripts/install-deps.sh --test)"; exit 1; }
done
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
port=$(free_port)
HARNESS_EXTRA_CONFIG="MetricsSocket inet:$port@127.0.0.1"
. "$here/harness.sh"
prom_pid=
stop_prometheus() { [ -n "$prom_pid" ] && kill "$prom_pid" 2>/dev/null && { wait "$prom_pid" 2>/dev/null || true; }; prom_pid=; }
harness_start "$1" "$2"
trap 'stop_prometheus; harness_cleanup' EXIT
export DMARCGUARD_TESTDIR="$here"
url="http://127.0.0.1:$port/metrics"
failed=0
fail() { echo "FAILED: $*"; failed=$((failed + 1)); }

# want_value TEXT SERIES VALUE - the exposition holds "SERIES VALUE"
want_value() {
	local got
	got=$(printf '%s\n' "$1" | awk -v s="$2" '$1 == s { print $2 }')
	[ "$got" = "$3" ] || fail "$2: want $3, got ${got:-no such series}"
}

# 1. 10 messages of each kind, 5 connections at a time.
per_kind=10
kinds=(none reject pass)
n=0
for kind in "${kinds[@]}"; do
	pids=()
	for i in $(seq 1 "$per_kind"); do
		n=$((n + 1))
		MT_QID="MET$n" MT_KIND=$kind timeout 60 miltertest -s "$here/one_message.lua" \
			> "$tmp/mt.$n" 2>&1 &
		pids+=($!)
		if [ "${#pids[@]}" -ge 5 ]; then wait "${pids[@]}" || fail "miltertest ($kind)"; pids=(); fi
	done
	[ "${#pids[@]}" -eq 0 ] || wait "${pids[@]}" || fail "miltertest ($kind)"
done
text=$(curl -sS --max-time 5 "$url") || { echo "GET /metrics failed"; cat "$tmp/daemon.log"; exit 1; }
want_value "$text" 'dmarcguard_messages_total{action="quarantine",reason="dmarc-fail-local-floor"}' "$per_kind"
want_value "$text" 'dmarcguard_messages_total{action="reject",reason="published-reject"}' "$per_kind"
want_value "$text" 'dmarcguard_messages_total{action="accept",reason="dmarc-pass"}' "$per_kind"
want_value "$text" 'dmarcguard_dmarc_results_total{result="fail"}' $((2 * per_kind))
want_value "$text" 'dmarcguard_dmarc_results_total{result="pass"}' "$per_kind"
want_value "$text" 'dmarcguard_dmarc_fail_published_total{published="none"}' "$per_kind"
want_value "$text" 'dmarcguard_dmarc_fail_published_total{published="reject"}' "$per_kind"
want_value "$text" 'dmarcguard_overrides_total{kind="local-floor"}' "$per_kind"
want_value "$text" 'dmarcguard_dkim_results_total{result="none"}' $((3 * per_kind))
want_value "$text" 'dmarcguard_evaluation_seconds_count' $((3 * per_kind))
want_value "$text" 'dmarcguard_evaluation_seconds_bucket{le="+Inf"}' $((3 * per_kind))
want_value "$text" 'dmarcguard_milter_connections' 0
want_value "$text" 'dmarcguard_dns_lookups_in_flight' 0
want_value "$text" 'dmarcguard_build_info{version="'"$("$1" -V | awk '{print $2}')"'"}' 1
# every message looked up its _dmarc record: some DNS answers, some cache hits
dns=$(printf '%s\n' "$text" | awk '$1 ~ /^dmarcguard_dns_lookups_total/ { s += $2 } END { print s + 0 }')
hits=$(printf '%s\n' "$text" | awk '$1 == "dmarcguard_dns_cache_hits_total" { print $2 }')
[ "$dns" -ge $((3 * per_kind)) ] || fail "DNS look-ups: $dns"
[ "${hits:-0}" -gt 0 ] || fail "no DNS cache hits"
if grep -q "example" <<< "$text"; then fail "a domain name in the metrics"; fi
# the report store's metrics mean nothing without a ReportStore (recording.sh has them)
if grep -q "^dmarcguard_report_" <<< "$text"; then fail "report metrics without a ReportStore"; fi
printf '%s\n' "$text" > "$tmp/exposition.txt"
promtool check metrics < "$tmp/exposition.txt" > "$tmp/promtool.out" 2>&1 \
	|| { fail "promtool check metrics"; cat "$tmp/promtool.out"; }
echo "exposition: counts as sent, promtool check metrics passed (${SECONDS}s)"

# 2. A real Prometheus scraping every second.
prom_port=$(free_port)
cat > "$tmp/prometheus.yml" <<YML
global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: dmarcguard
    static_configs:
      - targets: ['127.0.0.1:$port']
YML
prometheus --config.file="$tmp/prometheus.yml" --storage.tsdb.path="$tmp/tsdb" \
	--web.listen-address="127.0.0.1:$prom_port" > "$tmp/prometheus.log" 2>&1 &
prom_pid=$!
query() {
	curl -sS --max-time 3 "http://127.0.0.1:$prom_port/api/v1/query" \
		--data-urlencode "query=$1" 2>/dev/null \
		| python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")' 2>/dev/null || true
}
got=
for _ in $(seq 1 60); do
	got=$(query 'dmarcguard_messages_total{reason="dmarc-fail-local-floor"}')
	[ -n "$got" ] && break
	sleep 0.5
done
[ "$got" = "$per_kind" ] || { fail "Prometheus: local-floor messages $got, want $per_kind"; tail -5 "$tmp/prometheus.log"; }
got=$(query 'sum(dmarcguard_messages_total)')
[ "$got" = $((3 * per_kind)) ] || fail "Prometheus: sum of messages $got, want $((3 * per_kind))"
got=$(query 'up{job="dmarcguard"}')
[ "$got" = 1 ] || fail "Prometheus: up $got"
stop_prometheus
echo "Prometheus: scraped and stored the counts (${SECONDS}s)"

# 3. Bad requests: answered, bounded, mail unaffected.
code() { curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$@" || true; }
[ "$(code "http://127.0.0.1:$port/")" = 404 ] || fail "GET / not 404"
[ "$(code "http://127.0.0.1:$port/metrics/x")" = 404 ] || fail "GET /metrics/x not 404"
[ "$(code -X POST --data hello "$url")" = 405 ] || fail "POST not 405"
[ "$(code -X DELETE "$url")" = 405 ] || fail "DELETE not 405"
allow=$(curl -s -D - -o /dev/null -X PUT --data x "$url" | tr -d '\r' | awk -F': ' 'tolower($1) == "allow" { print $2 }')
[ "$allow" = "GET, HEAD" ] || fail "405 without Allow: GET, HEAD ($allow)"
[ "$(code -I "$url")" = 200 ] || fail "HEAD not 200"
big=$(head -c 40000 /dev/zero | tr '\0' a)
c=$(code -H "X-Big: $big" "$url")
[ "$c" = 431 ] || fail "a 40 kB header got $c, want 431"
c=$(code "$url?$big")
[ "$c" = 414 ] || fail "a 40 kB URL got $c, want 414"
python3 - "$port" <<'PY' || fail "a stalled request head was not closed in time"
import socket, sys, time
port = int(sys.argv[1])
# half a request head, then silence: closed after the timeout (5 s)
s = socket.create_connection(("127.0.0.1", port))
s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Stalled: ")
s.settimeout(12)
start = time.time()
try:
    data = s.recv(4096)
except (socket.timeout, OSError):
    data = None
took = time.time() - start
print("stalled request: %s after %.1f s" % ("closed" if data == b"" else repr(data), took))
sys.exit(0 if data == b"" and 3 < took < 9 else 1)
PY
# 300 idle connections; meanwhile a message is judged as usual
python3 - "$port" 300 > "$tmp/idle.out" 2>&1 <<'PY' &
import select, socket, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
# n connections at once (non-blocking connects), none sends a byte; past
# the server's limit they wait in the kernel's backlog or are dropped
socks = []
for _ in range(n):
    s = socket.socket()
    s.setblocking(False)
    s.connect_ex(("127.0.0.1", port))
    socks.append(s)
time.sleep(1)
_, writable, _ = select.select([], socks, [], 0)
print("idle connections: %d of %d established" % (len(writable), n))
sys.stdout.flush()
time.sleep(2)
PY
idle_pid=$!
sleep 1
MT_QID=METIDLE MT_KIND=reject timeout 30 miltertest -s "$here/one_message.lua" > "$tmp/mt.idle" 2>&1 \
	|| { fail "a message during 300 idle connections"; cat "$tmp/mt.idle"; }
wait "$idle_pid" || true
cat "$tmp/idle.out"
echo "bad requests answered (${SECONDS}s)"
kill -0 "$daemon_pid" 2>/dev/null || fail "the daemon died"
ok=
for _ in $(seq 1 40); do [ "$(code "$url")" = 200 ] && { ok=1; break; }; sleep 0.25; done
[ -n "$ok" ] || fail "/metrics not served after the idle connections"
text=$(curl -sS --max-time 5 "$url")
want_value "$text" 'dmarcguard_messages_total{action="reject",reason="published-reject"}' $((per_kind + 1))
want_value "$text" 'dmarcguard_metrics_requests_total{code="404"}' 2
req405=$(printf '%s\n' "$text" | awk '$1 == "dmarcguard_metrics_requests_total{code=\"405\"}" { print $2 }')
[ "${req405:-0}" -ge 3 ] || fail "405 answers counted: ${req405:-none}"

# 4. Reloads: one done, one refused (a bad value), both counted.
kill -USR1 "$daemon_pid"
for _ in $(seq 1 50); do grep -q "configuration reloaded" "$tmp/daemon.log" && break; sleep 0.1; done
echo "FailFloor sometimes" >> "$tmp/dmarcguard.conf"
kill -USR1 "$daemon_pid"
for _ in $(seq 1 50); do grep -q "reload refused" "$tmp/daemon.log" && break; sleep 0.1; done
text=$(curl -sS --max-time 5 "$url")
want_value "$text" 'dmarcguard_config_reloads_total{result="ok"}' 1
want_value "$text" 'dmarcguard_config_reloads_total{result="failed"}' 1
want_value "$text" 'dmarcguard_messages_total{action="accept",reason="dmarc-pass"}' "$per_kind"

echo "metrics: $failed failed"
[ "$failed" = 0 ]
