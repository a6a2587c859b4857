#!/usr/bin/env bash
# startup.sh - what start-up costs: instructions (callgrind, when valgrind
# is installed) and wall time of `dmarcguard -n`, and of a daemon start up
# to its "started" line, with and without protected names. Not a test: it
# prints figures (docs/performance.md, "Start-up and reload").
#
#   bash bench/startup.sh DMARCGUARD [RUNS]      (RUNS: wall-time runs, default 7)
#
# The daemon listens on a unix socket in a temporary directory and sends no
# query (Nameservers 127.0.0.1, no message). It starts a daemon: run it
# under flock /tmp/dmarcguard-e2e.lock on a shared machine. The start's
# instruction count runs to the end of the process (SIGTERM once ready);
# the stop adds little. Wall time is the fastest of RUNS, from the exec to
# the start line (those daemons are then killed: a graceful stop waits for
# libmilter's 5 s select).
set -euo pipefail
dg=$(realpath "$1") runs=${2:-7}
work=$(mktemp -d /tmp/dmarcguard-bench-startup-XXXXXX)
pid=
cleanup() {
	[ -z "$pid" ] || kill -KILL "$pid" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

printf 'Socket unix:%s/s.sock\nSyslog no\nNameservers 127.0.0.1\n' "$work" >"$work/plain.conf"
{ cat "$work/plain.conf"
  echo "ProtectedDomains paypal.com example.org bank.example.co.uk"
  echo "LookalikeAllow paypa1.com"; } >"$work/names.conf"

now() { date +%s.%N; }
# start_daemon LOG CMD... - start CMD -f in the background, wait for its start line
start_daemon() {
	local log=$1
	shift
	rm -f "$work/s.sock"
	: >"$log"
	"$@" >/dev/null 2>"$log" &
	pid=$!
	for _ in $(seq 1 6000); do
		grep -q ' started (pid' "$log" && return 0
		kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; return 1; }
		sleep 0.005
	done
	echo "startup: the daemon did not start in 30 s" >&2
	return 1
}
stop_daemon() { kill "-$1" "$pid"; wait "$pid" 2>/dev/null || true; pid=; }
# fastest - the fastest of $runs runs of the function $1, which sets elapsed
fastest() {
	local best=
	for _ in $(seq 1 "$runs"); do
		"$1"
		best=$(awk -v b="$best" -v d="$elapsed" 'BEGIN { print (b == "" || d < b) ? d : b }')
	done
	printf '%.1f ms' "$(awk -v b="$best" 'BEGIN { print b * 1000 }')"
}
check_only() {
	local s
	s=$(now)
	"$dg" -n -c "$work/$conf" >/dev/null
	elapsed=$(awk -v s="$s" -v e="$(now)" 'BEGIN { print e - s }')
}
start_only() {
	local s
	s=$(now)
	start_daemon "$work/log" "$dg" -f -c "$work/$conf"
	elapsed=$(awk -v s="$s" -v e="$(now)" 'BEGIN { print e - s }')
	stop_daemon KILL
}
instructions() {	# callgrind's total for "$@", or "-" without valgrind
	command -v valgrind >/dev/null || { echo -; return; }
	valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" "$@" >/dev/null \
		2>"$work/vg.err" || true
	sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$work/vg.err"
}

printf '%-10s %-16s %14s %12s\n' config what instructions wall
for conf in plain.conf names.conf; do
	printf '%-10s %-16s %14s %12s\n' "${conf%.conf}" "-n" \
		"$(instructions "$dg" -n -c "$work/$conf")" "$(fastest check_only)"
	ir=-
	if command -v valgrind >/dev/null; then
		start_daemon "$work/vg.err" valgrind --tool=callgrind \
			--callgrind-out-file="$work/cg.out" "$dg" -f -c "$work/$conf"
		stop_daemon TERM
		ir=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$work/vg.err")
	fi
	printf '%-10s %-16s %14s %12s\n' "${conf%.conf}" "start to ready" "$ir" \
		"$(fastest start_only)"
done
