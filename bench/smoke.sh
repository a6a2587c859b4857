#!/usr/bin/env bash
# smoke.sh - ctest bench_smoke: about 50 messages through the real daemon.
#
#   bash bench/smoke.sh DMARCGUARD LOADGEN CORPUS-GEN SIGN-TOOL
#
# Starts nsd on the test and bench zones and dmarcguard on a unix socket,
# generates a 20-message corpus, and checks with dmarcguard-loadgen that:
#   1. 2 connections x 25 messages all come back with the action the corpus
#      expects, with no protocol error, and the counts add up to 50;
#   2. with dmarcguard chained after itself, the second instance sees the
#      Authentication-Results header the first inserted (it removes it,
#      since it claims its own authserv-id, and inserts its own), so each
#      delivered message leaves with exactly one such header: the header
#      edits of one milter reach the next, as in Postfix.
set -euo pipefail
dg=$1 loadgen=$2 gen=$3 sign=$4
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
source "$here/bench_lib.sh"

work=$(mktemp -d /tmp/dmarcguard-bench-smoke-XXXXXX)
pids=()
cleanup() {
	stop_pid "${pids[@]}"
	[ -n "${DMARCGUARD_KEEP_TEST_DIRS:-}" ] || rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "bench_smoke: FAIL: $*" >&2; exit 1; }
field() { tr ' ' '\n' <<< "$1" | sed -n "s/^$2=//p"; }

"$gen" --out "$work/corpus" --sign "$sign" --key "$src/tests/keys/rsa2048.pem" --count 20
port=$(free_port)
start_nsd "$work/nsd" "$port" "$src/tests/zones" "$here/zones"
pids+=("$NSD_PID")
start_dmarcguard "$dg" "$work/dg" "127.0.0.1@$NSD_PORT"	# start_nsd may have moved
pids+=("$DG_PID")

"$loadgen" --milter "unix:$DG_SOCKET" --corpus "$work/corpus" -c 2 -m 25 --pid "$DG_PID" \
	--expect --label smoke > "$work/one.out" || { cat "$work/one.out"; fail "loadgen exit status"; }
cat "$work/one.out"
line=$(grep '^loadgen ' "$work/one.out")
[ "$(field "$line" counts_add_up)" = yes ] || fail "counts do not add up"
sum=0
for k in accept continue reject tempfail discard error; do
	sum=$((sum + $(field "$line" "$k")))
done
[ "$sum" = 50 ] || fail "actions add up to $sum, not 50"
[ "$(field "$line" error)" = 0 ] || fail "protocol errors"
[ "$(field "$line" mismatches)" = 0 ] || fail "wrong actions"
[ "$(field "$line" header_edits)" = 50 ] || fail "want one Authentication-Results per message"

"$loadgen" --milter "unix:$DG_SOCKET" --milter "unix:$DG_SOCKET" --corpus "$work/corpus" \
	-c 1 -m 20 --expect --show 20 --label chained > "$work/two.out" ||
	{ cat "$work/two.out"; fail "chained loadgen exit status"; }
line=$(grep '^loadgen ' "$work/two.out")
delivered=$(( $(field "$line" accept) + $(field "$line" continue) ))
rejected=$(field "$line" reject)
want=$((3 * delivered + rejected))
[ "$(field "$line" header_edits)" = "$want" ] ||
	fail "chained: $(field "$line" header_edits) header edits, want $want (3 per delivered, 1 per rejected)"
awk '/^--- / { if (n > 1) bad++; n = 0 } /^Authentication-Results:/ { n++ }
     END { if (n > 1) bad++; exit bad ? 1 : 0 }' "$work/two.out" ||
	fail "chained: a message left with more than one Authentication-Results"
kill -0 "$DG_PID" || fail "dmarcguard died"
echo "bench_smoke: 50 messages, counts add up, actions as expected; chaining passes edits on"
