#!/usr/bin/env bash
# lifecycle.sh - the daemon under pressure and while stopping (issue 19):
#  1. libmilter's own diagnostics reach stderr with -f and Syslog no;
#  2. 32-bit protocol flags are printed as 32 bits;
#  3. the soft open-file limit is raised to the hard one (256 here), and
#     with more idle MTA connections than that a new session is still
#     answered at once (451 4.3.2 at connect past MaxConnections, closed
#     at negotiation past the polite refusals), then served once they go;
#  4. SIGTERM: a message whose end comes 2 s later gets no verdict, its
#     connection closes and the daemon exits within 10 s (README);
#  5. SIGQUIT: the same message gets its verdict, a new connection gets
#     451 at once, and the daemon exits within 10 s.
# Usage: lifecycle.sh DMARCGUARD NSD_TOOL
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/harness.sh"
daemon=$1
harness_start "$1" "$2"
peer() { python3 "$here/mta_peer.py" "$@"; }
failed=0 passed=0
ok() { passed=$((passed + 1)); echo "PASS $*"; }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }
extra_pids=()
lifecycle_cleanup() {
	for p in "${extra_pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
	harness_cleanup
}
trap lifecycle_cleanup EXIT

# start_daemon NAME [SOFT HARD] - a further daemon on $tmp/NAME.sock, same
# configuration, optionally with these open-file limits; sets $pid
start_daemon() {
	local name=$1 soft=${2:-} hard=${3:-}
	sed "s|^Socket .*|Socket unix:$tmp/$name.sock|" "$tmp/dmarcguard.conf" > "$tmp/$name.conf"
	(
		if [ -n "$hard" ]; then ulimit -S -n "$soft" && ulimit -H -n "$hard"; fi
		exec "$daemon" -f -c "$tmp/$name.conf" > /dev/null 2> "$tmp/$name.log"
	) &
	pid=$!
	extra_pids+=("$pid")
	for _ in $(seq 100); do [ -S "$tmp/$name.sock" ] && break; sleep 0.1; done
	[ -S "$tmp/$name.sock" ] || { echo "daemon $name did not start"; cat "$tmp/$name.log"; exit 1; }
}

# seconds_since T0 - whole seconds elapsed since date +%s.%N gave T0
seconds_since() { echo "$(date +%s.%N) - $1" | bc | cut -d. -f1; }

# expect_exit SIGNAL T0 - daemon $pid, signalled just after T0, is gone within 10 s
expect_exit() {
	local took
	for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	took=$(seconds_since "$2")
	if kill -0 "$pid" 2>/dev/null; then bad "$1: still running after 15 s"
	elif [ "$took" -le 10 ]; then ok "$1: exited after ${took} s"
	else bad "$1: exited after ${took} s, more than 10"; fi
}

# 1. libmilter's diagnostics: an MTA offering protocol version 1
peer "$DMARCGUARD_SOCKET" session --version 1 --timeout 5 > /dev/null
sleep 0.5
if grep -q "protocol version too old" "$tmp/daemon.log"; then
	ok "libmilter's own line on stderr: $(grep "protocol version too old" "$tmp/daemon.log")"
else
	bad "libmilter's diagnostic lost with -f and Syslog no"
fi

# 2. an MTA offering actions with the high bits set
peer "$DMARCGUARD_SOCKET" session --actions 0xffff0000 --timeout 20 > /dev/null
line=$(grep "lacks header or quarantine actions" "$tmp/daemon.log" || true)
case "$line" in
*"offered 0xffff0000)"*) ok "flags as 32 bits: $line" ;;
*) bad "flags: ${line:-no warning}" ;;
esac

# 3. descriptors: soft limit 128, hard 256; 300 idle MTA connections
start_daemon fds 128 256
grep -q "open-file limit 256, MaxConnections 128" "$tmp/fds.log" \
	&& ok "soft open-file limit raised to the hard one: $(grep -o 'open-file limit.*' "$tmp/fds.log")" \
	|| bad "open-file limit: $(grep -o 'open-file limit.*' "$tmp/fds.log" || echo none logged)"
# hold N - N more idle connections to the fds daemon, kept until the fifo
# $tmp/hold.in has no writer left (this shell holds it open on fd 8)
holders=()
hold() {
	peer "unix:$tmp/fds.sock" hold "$1" < "$tmp/hold.in" > "$tmp/hold.$1" 8>&- &
	holders+=($!)
	extra_pids+=($!)
	for _ in $(seq 300); do [ -s "$tmp/hold.$1" ] && break; sleep 0.1; done
	echo "    $1 idle connections: $(cat "$tmp/hold.$1")"
}
mkfifo "$tmp/hold.in"
exec 8<> "$tmp/hold.in"
hold 140
out=$(peer "unix:$tmp/fds.sock" session --timeout 20)
case "$out" in
"verdict=tempfail seconds="[0-4].*) ok "MaxConnections open: a new session gets 451 at once: $out" ;;
*) bad "new session past MaxConnections: $out" ;;
esac
# past the refusals it answers with 451, new connections are closed at
# once: the MTA applies milter_default_action, and descriptors stay free
hold 200
out=$(peer "unix:$tmp/fds.sock" session --timeout 20)
case "$out" in
"verdict=closed seconds="[0-4].*) ok "and past the polite refusals, closed at once: $out" ;;
*) bad "new session past the polite refusals: $out" ;;
esac
grep -q "90 % of MaxConnections (128)" "$tmp/fds.log" && ok "warned near the limit" \
	|| bad "no warning near the limit"
grep -q "MaxConnections (128) reached: refused" "$tmp/fds.log" && ok "refusals logged" \
	|| bad "refusals not logged"
exec 8>&-
wait "${holders[@]}" 2>/dev/null || true
sleep 1
out=$(peer "unix:$tmp/fds.sock" session --timeout 20)
case "$out" in
"verdict=quarantine "*) ok "served again once the idle connections left: $out" ;;
*) bad "after the idle connections left: $out" ;;
esac
kill -0 "$pid" 2>/dev/null && ok "survived" || bad "the daemon died"
kill "$pid" 2>/dev/null || true

# 4. SIGTERM, end of message 2 s later
start_daemon term
t0=$(date +%s.%N)
out=$(peer "unix:$tmp/term.sock" session --signal "$pid:TERM" --delay 2 --timeout 60)
case "$out" in
"verdict=closed seconds="[0-8].*) ok "SIGTERM: no verdict, connection closed soon: $out" ;;
*) bad "SIGTERM: $out" ;;
esac
expect_exit SIGTERM "$t0"
[ -e "$tmp/term.sock" ] && bad "SIGTERM: socket left behind" || ok "SIGTERM: socket removed"

# 5. SIGQUIT, end of message 2 s later, and a new connection meanwhile
start_daemon quit
t0=$(date +%s.%N)
peer "unix:$tmp/quit.sock" session --signal "$pid:QUIT" --delay 2 --timeout 60 > "$tmp/quit.out" &
inflight=$!
sleep 1
out=$(peer "unix:$tmp/quit.sock" session --timeout 20)
case "$out" in
"verdict=tempfail seconds="[0-2].*) ok "SIGQUIT: new connection refused at once: $out" ;;
*) bad "SIGQUIT: new connection: $out" ;;
esac
wait "$inflight" || true
case "$(cat "$tmp/quit.out")" in
"verdict=quarantine "*) ok "SIGQUIT: the message in flight got its verdict: $(cat "$tmp/quit.out")" ;;
*) bad "SIGQUIT: message in flight: $(cat "$tmp/quit.out")" ;;
esac
expect_exit SIGQUIT "$t0"

if grep -q "ThreadSanitizer\|AddressSanitizer\|runtime error" "$tmp"/*.log; then
	bad "sanitizer report"; grep -A30 "Sanitizer\|runtime error" "$tmp"/*.log | head -60
fi
[ "$failed" = 0 ] || for f in "$tmp"/*.log; do echo "== $f"; tail -15 "$f"; done
echo "lifecycle: $passed passed, $failed failed"
[ "$failed" = 0 ]
