#!/usr/bin/env bash
# config_upgrade.sh - configurations across releases, on the real daemon
# (issue 18 part 3): the first release's sample (3db9048) passes -n as
# shipped and with every key set, with no warning; a typo fails -n with a
# suggestion; a running daemon reloads (SIGUSR1) a file that sets every key
# of today's table to a non-default value (tests/config_compat/every-key.conf),
# logs the reload, and judges the next message by it (DryRun, FailFloor
# reject); a reload of a file with a typo is refused with the suggestion and
# the running configuration stays.
# Usage: config_upgrade.sh DMARCGUARD NSD_TOOL
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
fixtures=$here/../config_compat
daemon=$1 nsd_tool=$2
failed=0 passed=0
ok() { passed=$((passed + 1)); echo "PASS $*"; }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }

. "$here/harness.sh"
harness_start "$daemon" "$nsd_tool"
export DMARCGUARD_TESTDIR="$here"
ns=$(awk '$1 == "Nameservers" { print $2 }' "$tmp/dmarcguard.conf")

# 1. the previous release's sample: as shipped, and with every key uncommented
# (each "# Key value" line under its "## Key" heading)
prev=$fixtures/release-3db9048.conf
out=$("$daemon" -n -c "$prev" 2>&1) && [[ "$out" == *"configuration OK"* ]] \
	&& [[ "$out" != *warning* ]] && ok "previous release's sample as shipped: $out" \
	|| bad "previous release's sample as shipped: $out"
awk 'heading && /^# / { sub(/^# /, ""); n++ } { heading = /^## /; print }
     END { print n > "/dev/stderr" }' "$prev" > "$tmp/prev-set.conf" 2> "$tmp/prev-set.count"
out=$("$daemon" -n -c "$tmp/prev-set.conf" 2>&1) && [[ "$out" == *"configuration OK"* ]] \
	&& [[ "$out" != *warning* ]] && [ "$(cat "$tmp/prev-set.count")" = 33 ] \
	&& ok "previous release's 33 keys set: $out" \
	|| bad "previous release's keys set ($(cat "$tmp/prev-set.count")): $out"

# 2. a typo stops -n with file:line and a suggestion
printf 'AuthservID mx.example\nFailFlor reject\n' > "$tmp/typo.conf"
rc=0; out=$("$daemon" -n -c "$tmp/typo.conf" 2>&1) || rc=$?
[ "$rc" = 1 ] && [[ "$out" == *"typo.conf:2: unknown key \"FailFlor\"; did you mean FailFloor?"* ]] \
	&& ok "typo refused by -n: $out" || bad "typo: exit $rc: $out"

# wait_log N TEXT: until the log has N lines with TEXT (10 s at most)
wait_log() {
	for _ in $(seq 100); do
		[ "$(grep -c -- "$2" "$tmp/daemon.log" || true)" -ge "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
# message QID: one none.example spoof; the alert line tells the verdict
message() {
	MT_QID=$1 MT_KIND=none timeout 60 miltertest -s "$here/one_message.lua" \
		> "$tmp/mt.$1" 2>&1 || true
}

# 3. the daemon on the harness's file quarantines a spoof of a p=none domain
message UPG1
harness_check_alert UPG1 action=quarantine reason=dmarc-fail-local-floor \
	&& ok "before the reload: quarantined" || bad "before the reload"

# 4. reload with every key set to a non-default value
for f in rules forwarders protected; do cp "$fixtures/every-key.$f" "$tmp/$f"; done
sed -e "s|@DIR@|$tmp|g" -e "s|@NS@|$ns|g" "$fixtures/every-key.conf" > "$tmp/every-key.conf"
out=$("$daemon" -n -c "$tmp/every-key.conf" 2>&1) && ok "-n on every key: $out" \
	|| bad "-n on every key: $out"
cp "$tmp/every-key.conf" "$tmp/dmarcguard.conf"
kill -USR1 "$daemon_pid"
if wait_log 1 "configuration reloaded from"; then
	ok "every key reloaded: $(grep -c 'takes effect on restart only' "$tmp/daemon.log") restart-only keys noted"
else
	bad "every-key reload: $(tail -3 "$tmp/daemon.log")"
fi
grep -q "reload refused" "$tmp/daemon.log" && bad "a reload was refused: $(grep 'reload refused' "$tmp/daemon.log")"
message UPG2
harness_check_alert UPG2 action=accept dry_run=yes would=reject \
	&& ok "after the reload the daemon answers by the new file (dry run, floor reject)" \
	|| bad "after the reload"

# 5. a reload of a file with a typo is refused; the running file stays
printf 'FailFlor quarantine\n' >> "$tmp/dmarcguard.conf"
kill -USR1 "$daemon_pid"
wait_log 1 "reload refused" && grep -q 'unknown key "FailFlor"; did you mean FailFloor?' "$tmp/daemon.log" \
	&& ok "typo reload refused: $(grep 'reload refused' "$tmp/daemon.log" | tail -1)" \
	|| bad "typo reload: $(tail -3 "$tmp/daemon.log")"
message UPG3
harness_check_alert UPG3 action=accept dry_run=yes would=reject \
	&& ok "after the refused reload the configuration is unchanged" \
	|| bad "after the refused reload"
kill -0 "$daemon_pid" 2>/dev/null || bad "the daemon died"

echo "config_upgrade: $passed passed, $failed failed"
[ "$failed" = 0 ]
