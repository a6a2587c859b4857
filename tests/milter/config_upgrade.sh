#!/usr/bin/env bash
# config_upgrade.sh - configurations across releases, on the real daemon
# (issue 18 part 3): the first release's sample (3db9048) passes -n as
# shipped and with every key set, with no warning; a typo fails -n with a
# suggestion; a running daemon reloads (SIGUSR1) a file that sets every key
# of today's table to a non-default value (tests/config_compat/every-key.conf),
# logs the reload, and judges the next message by it (DryRun, FailFloor
# reject); a reload of a file with a typo is refused with the suggestion and
# the running configuration stays.
# Then the same daemon linked with a table of renamed and removed test keys
# (COMPAT_FIXTURE, tests/support/compat_release_fixture.c; this release has
# no such key): -n prints the warnings with file:line and succeeds; a
# removed key whose value cannot be ignored safely, and an old and a new
# name together, fail -n; the daemon starts on an old name (warning logged,
# the key in force), reloads another (warnings logged with "reload:", the
# new value in force), and refuses to reload an ambiguous file.
# Usage: config_upgrade.sh DMARCGUARD NSD_TOOL COMPAT_FIXTURE
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
fixtures=$here/../config_compat
daemon=$1 nsd_tool=$2 compat=$3
failed=0 passed=0
ok() { passed=$((passed + 1)); echo "PASS $*"; }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }

. "$here/harness.sh"
harness_start "$daemon" "$nsd_tool"
export DMARCGUARD_TESTDIR="$here"
ns=$(awk '$1 == "Nameservers" { print $2 }' "$tmp/dmarcguard.conf")
# the harness's own keys, for the files written below
base=$(printf 'Socket unix:%s/dmarcguard.sock\nAuthservID mx.milter-test.example\nNameservers %s\nDNSTimeout 2s\nSyslog no' \
	"$tmp" "$ns")

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

# 5. a reload of a file with a typo is refused; the running file stays (the
# refused one, had its typo been skipped, would end the dry run)
printf '%s\nFailFlor quarantine\n' "$base" > "$tmp/dmarcguard.conf"
kill -USR1 "$daemon_pid"
wait_log 1 "reload refused" && grep -q 'unknown key "FailFlor"; did you mean FailFloor?' "$tmp/daemon.log" \
	&& ok "typo reload refused: $(grep 'reload refused' "$tmp/daemon.log" | tail -1)" \
	|| bad "typo reload: $(tail -3 "$tmp/daemon.log")"
message UPG3
harness_check_alert UPG3 action=accept dry_run=yes would=reject \
	&& ok "after the refused reload the configuration is unchanged" \
	|| bad "after the refused reload"
kill -0 "$daemon_pid" 2>/dev/null || bad "the daemon died"

# 6. keys of earlier releases, through the fixture's table
printf '%s\nFloorAction reject\nCacheShards 4\n' "$base" > "$tmp/old.conf"
rc=0; "$compat" -n -c "$tmp/old.conf" > "$tmp/n.out" 2> "$tmp/n.err" || rc=$?
if [ "$rc" = 0 ] && grep -qx "dmarcguard: warning: $tmp/old.conf:6: FloorAction is deprecated, now called FailFloor; FloorAction will be refused from release 0.3.0" "$tmp/n.err" \
	&& grep -qx "dmarcguard: warning: $tmp/old.conf:7: CacheShards is no longer used (removed in release 0.2.0), ignored" "$tmp/n.err" \
	&& grep -q "configuration OK (with warnings" "$tmp/n.out"; then
	ok "-n on a renamed and a removed key: $(cat "$tmp/n.err" "$tmp/n.out" | tr '\n' ' ')"
else
	bad "-n on old keys: exit $rc: $(cat "$tmp/n.err" "$tmp/n.out")"
fi
# check_n_refused NAME FILE WANT: -n exits 1 naming WANT
check_n_refused() {
	local rc=0 out
	out=$("$compat" -n -c "$2" 2>&1) || rc=$?
	[ "$rc" = 1 ] && [[ "$out" == *"$3"* ]] && ok "$1: $out" || bad "$1: exit $rc: $out"
}
printf '%s\nHoldEverything yes\n' "$base" > "$tmp/unsafe.conf"
check_n_refused "a removed key that is unsafe to ignore" "$tmp/unsafe.conf" \
	"unsafe.conf:6: HoldEverything was removed in release 0.2.0; ignoring \"yes\" would be unsafe: it held every failing message; set FailFloor quarantine instead"
printf '%s\nFailFloor reject\nFloorAction quarantine\n' "$base" > "$tmp/both.conf"
check_n_refused "old and new name together" "$tmp/both.conf" \
	"both.conf:7: FloorAction and FailFloor (line 6) both set FailFloor; keep only FailFloor"

kill "$daemon_pid"
wait "$daemon_pid" 2>/dev/null || true
cp "$tmp/old.conf" "$tmp/dmarcguard.conf"
: > "$tmp/daemon.log"
"$compat" -f -c "$tmp/dmarcguard.conf" > "$tmp/daemon.out" 2> "$tmp/daemon.log" &
daemon_pid=$!
for _ in $(seq 100); do [ -S "$tmp/dmarcguard.sock" ] && break; sleep 0.1; done
[ -S "$tmp/dmarcguard.sock" ] || { bad "the fixture daemon did not start: $(cat "$tmp/daemon.log")"; exit 1; }
grep -q "warning\]: $tmp/dmarcguard.conf:6: FloorAction is deprecated, now called FailFloor" "$tmp/daemon.log" \
	&& ok "start-up logs the deprecated key" || bad "no start-up warning: $(head -5 "$tmp/daemon.log")"
message UPG4
harness_check_alert UPG4 action=reject reason=dmarc-fail-local-floor \
	&& ok "the old name is in force (FloorAction reject)" || bad "FloorAction at start"
printf '%s\nFloorAction quarantine\nCacheShards 8\n' "$base" > "$tmp/dmarcguard.conf"
kill -USR1 "$daemon_pid"
if wait_log 1 "configuration reloaded from" \
	&& grep -q "reload: $tmp/dmarcguard.conf:6: FloorAction is deprecated" "$tmp/daemon.log" \
	&& grep -q "reload: $tmp/dmarcguard.conf:7: CacheShards is no longer used" "$tmp/daemon.log"; then
	ok "reload with old names: applied, warnings logged"
else
	bad "reload with old names: $(tail -4 "$tmp/daemon.log")"
fi
message UPG5
harness_check_alert UPG5 action=quarantine reason=dmarc-fail-local-floor \
	&& ok "the reloaded old name is in force (FloorAction quarantine)" || bad "FloorAction after reload"
cp "$tmp/both.conf" "$tmp/dmarcguard.conf"
kill -USR1 "$daemon_pid"
wait_log 1 "reload refused" && grep -q "both set FailFloor" "$tmp/daemon.log" \
	&& ok "ambiguous reload refused: $(grep 'reload refused' "$tmp/daemon.log")" \
	|| bad "ambiguous reload: $(tail -3 "$tmp/daemon.log")"
message UPG6
harness_check_alert UPG6 action=quarantine reason=dmarc-fail-local-floor \
	&& ok "after the refused reload the configuration is unchanged" || bad "after the ambiguous reload"

echo "config_upgrade: $passed passed, $failed failed"
[ "$failed" = 0 ]
