#!/usr/bin/env bash
# run.sh - milter protocol edge cases with Debian's miltertest against the
# real daemon: starts nsd (tests/zones) through nsd_tool, dmarcguard on a
# private unix socket, then runs every tests/milter/*.lua but common.lua.
# Usage: run.sh DMARCGUARD NSD_TOOL [SCRIPT.lua ...]
set -euo pipefail
daemon=$1 nsd_tool=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /tmp/dmarcguard-milter-XXXXXX)
nsd_pid="" daemon_pid=""

cleanup() {
	[ -n "$daemon_pid" ] && kill "$daemon_pid" 2>/dev/null && wait "$daemon_pid" 2>/dev/null
	[ -n "$nsd_pid" ] && kill "$nsd_pid" 2>/dev/null && wait "$nsd_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

# nsd: its address is the first line it prints; it runs until its stdin
# (a fifo held open by this script on fd 9) closes, so it cannot outlive us.
mkfifo "$tmp/nsd.out" "$tmp/nsd.in"
exec 9<> "$tmp/nsd.in"	# read-write: opening does not wait for the other end
"$nsd_tool" > "$tmp/nsd.out" 2>"$tmp/nsd.err" < "$tmp/nsd.in" &
nsd_pid=$!
read -r -t 20 ns < "$tmp/nsd.out" || { echo "nsd did not start"; cat "$tmp/nsd.err"; exit 1; }

cat > "$tmp/dmarcguard.conf" <<CONF
Socket unix:$tmp/dmarcguard.sock
AuthservID mx.milter-test.example
Nameservers $ns
DNSTimeout 2s
Syslog no
CONF
"$daemon" -f -c "$tmp/dmarcguard.conf" > "$tmp/daemon.out" 2> "$tmp/daemon.log" &
daemon_pid=$!
for _ in $(seq 100); do [ -S "$tmp/dmarcguard.sock" ] && break; sleep 0.1; done
[ -S "$tmp/dmarcguard.sock" ] || { echo "daemon did not open its socket"; cat "$tmp/daemon.log"; exit 1; }

export DMARCGUARD_SOCKET="unix:$tmp/dmarcguard.sock" DMARCGUARD_TESTDIR="$here"
scripts=("$@")
[ ${#scripts[@]} -gt 0 ] || scripts=("$here"/*.lua)
passed=0 failed=0
for s in "${scripts[@]}"; do
	[ "$(basename "$s")" = common.lua ] && continue
	ok=1
	timeout 120 miltertest -s "$s" > "$tmp/out" 2>&1 || ok=0
	# every message's alert line must say what the script expects
	while read -r _ qid fields; do
		line=$(grep " qid=$qid " "$tmp/daemon.log" || true)
		for f in $fields; do
			case " $line " in
			*" $f "*) ;;
			*) ok=0; echo "    $qid: alert line lacks $f: ${line:-no alert line}" >> "$tmp/out" ;;
			esac
		done
	done < <(grep '^EXPECT ' "$tmp/out" || true)
	if [ "$ok" = 1 ] && grep -q '^EXPECT ' "$tmp/out"; then
		passed=$((passed + 1))
		echo "PASS $(basename "$s")"
	else
		failed=$((failed + 1))
		echo "FAIL $(basename "$s")"
		sed 's/^/    /' "$tmp/out"
	fi
done
if ! kill -0 "$daemon_pid" 2>/dev/null; then
	echo "the daemon died during the tests:"; tail -20 "$tmp/daemon.log"; failed=$((failed + 1))
fi
[ "$failed" = 0 ] || { echo "daemon log (last 30 lines):"; tail -30 "$tmp/daemon.log"; }
echo "milter: $passed passed, $failed failed"
[ "$failed" = 0 ]
