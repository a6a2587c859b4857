#!/usr/bin/env bash
# config_bounds.sh - the daemon's configuration reading is bounded (issue 19,
# item 5): -n on /dev/zero, a FIFO or a file with an endless line answers at
# once in little memory; -n checks what start-up checks (UserID, a
# directory as DomainRulesFile, the Public Suffix List, the protected
# names); a running daemon refuses to reload an empty file, one with an
# overlong line or a bad protected name, keeps its configuration and its
# memory.
# Usage: config_bounds.sh DMARCGUARD
set -euo pipefail
daemon=$1
tmp=$(mktemp -d /tmp/dmarcguard-config-bounds-XXXXXX)
pid=""
failed=0 passed=0
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
ok() { passed=$((passed + 1)); echo "PASS $*"; }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }

# AddressSanitizer reserves terabytes of address space for its shadow
# memory, so under ASan (scripts/asan.sh) the address-space cap cannot be
# set; the time bound still holds there, and the plain build checks memory.
vlimit=262144
if ldd "$daemon" 2>/dev/null | grep -q libasan; then
	vlimit=unlimited
	echo "note: sanitizer build, no address-space cap (time bound only)"
fi

# check_refused NAME WANT FILE: -n in 256 MB of address space and 20 s must
# exit 1 with WANT in its message
check_refused() {
	local name=$1 want=$2 file=$3 out rc=0 start=$SECONDS
	out=$( (ulimit -v "$vlimit"; timeout 20 "$daemon" -n -c "$file") 2>&1) || rc=$?
	if [ "$rc" = 1 ] && [[ "$out" == *"$want"* ]]; then
		ok "$name refused in $((SECONDS - start)) s: $out"
	else
		[ "$rc" = 124 ] && out="still running after 20 s"
		bad "$name: exit $rc, message: $out"
	fi
}

# 1. files that are not regular files, as the configuration file
check_refused "-n -c /dev/zero" "/dev/zero: a character device, not a regular file" /dev/zero
check_refused "-n -c DIRECTORY" "$tmp: a directory, not a regular file" "$tmp"
mkfifo "$tmp/fifo"
check_refused "-n -c FIFO" "$tmp/fifo: a FIFO, not a regular file" "$tmp/fifo"

# 2. a 300 MB line (sparse: no disk) is refused at the limit, not read whole
{ printf 'AuthservID '; head -c 5000 /dev/zero | tr '\0' a; } > "$tmp/long.conf"
truncate -s 300M "$tmp/long.conf"
check_refused "a 300 MB line" "$tmp/long.conf:1: line longer than 4096 characters" "$tmp/long.conf"

# 3. -n checks what start-up checks, and builds what the configuration
# builds (the Public Suffix List, the look-alike set), naming file:line
printf 'Socket unix:%s/x.sock\nPublicSuffixList %s\n' "$tmp" "$tmp" > "$tmp/psldir.conf"
check_refused "a directory as PublicSuffixList" \
	"$tmp/psldir.conf:2: PublicSuffixList: $tmp: a directory, not a regular file" "$tmp/psldir.conf"
printf 'Socket unix:%s/x.sock\nProtectedDomains bank.example co.uk\n' "$tmp" > "$tmp/names.conf"
check_refused "a protected name without a registrable domain" \
	"$tmp/names.conf:2: ProtectedDomains: co.uk: no-registrable-domain" "$tmp/names.conf"
printf 'Socket unix:%s/x.sock\nDomainRulesFile %s\n' "$tmp" "$tmp" > "$tmp/rulesdir.conf"
check_refused "a directory as DomainRulesFile" \
	"$tmp/rulesdir.conf:2: $tmp: a directory, not a regular file" "$tmp/rulesdir.conf"
printf 'Socket unix:%s/x.sock\nUserID no-such-user-dmarcguard\n' "$tmp" > "$tmp/user.conf"
check_refused "an unknown UserID" "UserID: no user \"no-such-user-dmarcguard\"" "$tmp/user.conf"
: > "$tmp/empty.conf"
out=$("$daemon" -n -c "$tmp/empty.conf" 2>&1) && [[ "$out" == *"sets no key"* ]] \
	&& ok "-n on an empty file: $out" || bad "-n on an empty file: $out"

# 4. reloads of an empty file, of a 200 MB line and of a protected name
# without a registrable domain are refused, and the
# running configuration stays: reloading the original file afterwards
# finds no restart-only key changed (it would, had the defaults been
# installed in between)
cat > "$tmp/good.conf" <<CONF
Socket unix:$tmp/dmarcguard.sock
Syslog no
AuthservID mx.config-bounds.test
Nameservers 127.0.0.1@9
DNSTimeout 500ms
CONF
cp "$tmp/good.conf" "$tmp/run.conf"
"$daemon" -f -c "$tmp/run.conf" > "$tmp/stdout" 2> "$tmp/log" &
pid=$!
for _ in $(seq 100); do [ -S "$tmp/dmarcguard.sock" ] && break; sleep 0.1; done
[ -S "$tmp/dmarcguard.sock" ] || { bad "daemon did not start: $(cat "$tmp/log")"; exit 1; }
# wait_log N TEXT: until the log has N lines with TEXT (10 s at most)
wait_log() {
	for _ in $(seq 100); do
		[ "$(grep -c -- "$2" "$tmp/log" || true)" -ge "$1" ] && return 0
		sleep 0.1
	done
	return 1
}
: > "$tmp/run.conf"
kill -USR1 "$pid"
if wait_log 1 "reload refused" && grep -q "sets no key" "$tmp/log"; then
	ok "empty file: $(grep "reload refused" "$tmp/log" | tail -1)"
else
	bad "empty file reload not refused: $(tail -3 "$tmp/log")"
fi
rss_before=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
cp "$tmp/long.conf" "$tmp/run.conf"
truncate -s 200M "$tmp/run.conf"
kill -USR1 "$pid"
wait_log 2 "reload refused" && grep -q "line longer than 4096" "$tmp/log" \
	&& ok "200 MB line: refused" || bad "200 MB line reload: $(tail -3 "$tmp/log")"
rss_after=$(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status")
[ $((rss_after - rss_before)) -lt 20480 ] \
	&& ok "RSS after the refused reload: $rss_before kB -> $rss_after kB" \
	|| bad "RSS grew by a refused reload: $rss_before kB -> $rss_after kB"
{ cat "$tmp/good.conf"; echo "ProtectedDomains co.uk"; } > "$tmp/run.conf"
kill -USR1 "$pid"
wait_log 3 "reload refused" && grep -q "run.conf:6: ProtectedDomains: co.uk: no-registrable-domain" "$tmp/log" \
	&& ok "a bad protected name: refused" || bad "bad protected name reload: $(tail -3 "$tmp/log")"
cp "$tmp/good.conf" "$tmp/run.conf"
kill -USR1 "$pid"
if wait_log 1 "configuration reloaded"; then
	grep -q "takes effect on restart only" "$tmp/log" \
		&& bad "the running configuration was replaced: $(grep "restart only" "$tmp/log" | head -2)" \
		|| ok "running configuration kept through the refused reloads"
else
	bad "good file not reloaded: $(tail -3 "$tmp/log")"
fi
kill -TERM "$pid"
for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && bad "still running after SIGTERM" || pid=""

echo "config_bounds: $passed passed, $failed failed"
[ "$failed" = 0 ]
