#!/usr/bin/env bash
# run.sh - milter protocol edge cases with Debian's miltertest against the
# real daemon: every tests/milter/*.lua but common.lua (or those named),
# each checked for its own assertions and for the alert lines it EXPECTs.
# Usage: run.sh DMARCGUARD NSD_TOOL [SCRIPT.lua ...]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/harness.sh"
harness_start "$1" "$2"
shift 2
export DMARCGUARD_TESTDIR="$here"

scripts=("$@")
[ ${#scripts[@]} -gt 0 ] || scripts=("$here"/*.lua)
passed=0 failed=0
for s in "${scripts[@]}"; do
	[ "$(basename "$s")" = common.lua ] && continue
	[ "$(basename "$s")" = one_message.lua ] && continue
	ok=1
	timeout 120 miltertest -s "$s" > "$tmp/out" 2>&1 || ok=0
	while read -r _ qid fields; do
		# shellcheck disable=SC2086
		harness_check_alert "$qid" $fields >> "$tmp/out" || ok=0
	done < <(grep '^EXPECT ' "$tmp/out" || true)
	grep -q '^EXPECT ' "$tmp/out" || ok=0
	if [ "$ok" = 1 ]; then
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
