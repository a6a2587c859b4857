#!/usr/bin/env bash
# process.sh - the daemon as a Unix process: refuses a bad configuration
# with file:line, detaches without -f and writes its PID file, removes a
# stale unix socket, sets the socket's mode and group, drops privileges to
# UserID, answers on its socket afterwards, refuses to start a second time
# on its live socket (and leaves it alone), and on SIGTERM exits cleanly
# and removes its PID file.
# Usage: process.sh DMARCGUARD NSD_TOOL
set -euo pipefail
daemon=$1 nsd_tool=$2
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d /run/dmarcguard-process-XXXXXX)
chmod 755 "$tmp"
pid=""
failed=0 passed=0
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null
	# a second instance that wrongly started (step 4) must not outlive the test
	[ -s "$tmp/run/second.pid" ] && kill "$(cat "$tmp/run/second.pid")" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
ok() { passed=$((passed + 1)); echo "PASS $*"; }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }

# 1. a typo stops the daemon with file:line, exit status 1
printf 'Socket unix:%s/x.sock\nDryRun yes\nSoket unix:/x\n' "$tmp" > "$tmp/bad.conf"
if out=$("$daemon" -f -c "$tmp/bad.conf" 2>&1); then bad "bad config accepted"; else
	case "$out" in *"$tmp/bad.conf:3: unknown key \"Soket\""*) ok "bad config refused: $out" ;;
	*) bad "bad config message: $out" ;; esac
fi
"$daemon" -n -c "$tmp/bad.conf" >/dev/null 2>&1 && bad "-n accepted a bad file" || ok "-n refuses a bad file"

# 2. detach, PID file, stale socket removed, mode and group, privileges dropped
# a stale socket where ours goes, as a crashed daemon leaves it
perl -MIO::Socket::UNIX -e 'IO::Socket::UNIX->new(Local => $ARGV[0], Listen => 1) or die "$!\n"' \
	"$tmp/dmarcguard.sock"
[ -S "$tmp/dmarcguard.sock" ] || bad "could not make a stale socket"
# and a regular file in the way of another socket is refused, with a reason
touch "$tmp/not-a-socket"
sed "s|^Socket .*|Socket unix:$tmp/not-a-socket|" > "$tmp/blocked.conf" <<CONF
Socket x
Syslog no
CONF
if out=$("$daemon" -c "$tmp/blocked.conf" 2>&1); then bad "started over a regular file"; else
	case "$out" in *"cannot open socket unix:$tmp/not-a-socket"*) ok "refuses a regular file: $out" ;;
	*) bad "no reason for the refusal: $out" ;; esac
fi
cat > "$tmp/good.conf" <<CONF
Socket unix:$tmp/dmarcguard.sock
SocketMode 0660
SocketGroup nogroup
UserID nobody
PidFile $tmp/run/dmarcguard.pid
Nameservers 127.0.0.1@9
DNSTimeout 500ms
Syslog no
CONF
# the PID file's directory belongs to the UserID, as systemd's RuntimeDirectory=
# does, so the daemon can remove the file after dropping privileges
mkdir "$tmp/run" && chown nobody "$tmp/run"
"$daemon" -n -c "$tmp/good.conf" >/dev/null && ok "-n accepts a good file" || bad "-n refused a good file"
"$daemon" -c "$tmp/good.conf" || bad "daemon start returned $?"
for _ in $(seq 50); do [ -s "$tmp/run/dmarcguard.pid" ] && [ -S "$tmp/dmarcguard.sock" ] && break; sleep 0.1; done
pid=$(cat "$tmp/run/dmarcguard.pid" 2>/dev/null || true)
if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then ok "detached, PID file $pid"; else bad "no running daemon from the PID file"; fi
[ -S "$tmp/dmarcguard.sock" ] && ok "stale socket replaced" || bad "socket missing"
perm=$(stat -c '%a %G' "$tmp/dmarcguard.sock" 2>/dev/null || true)
[ "$perm" = "660 nogroup" ] && ok "socket mode and group: $perm" || bad "socket mode and group: $perm"
uid=$(awk '/^Uid:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
[ "$uid" = "$(id -u nobody)" ] && ok "runs as nobody (uid $uid)" || bad "runs as uid $uid"
[ "$(awk '/^PPid:/ {print $2}' "/proc/$pid/status")" = 1 ] || [ "$(ps -o sid= -p "$pid" | tr -d ' ')" = "$pid" ] \
	&& ok "detached from the terminal session" || bad "not detached"

# 3. it answers on the socket (DNS is dead here: the verdict is a tempfail)
export DMARCGUARD_SOCKET="unix:$tmp/dmarcguard.sock" DMARCGUARD_TESTDIR="$here"
if MT_QID=PROC1 MT_KIND=reject timeout 60 miltertest -s "$here/one_message.lua" >/dev/null 2>&1; then
	ok "answers as nobody"
else
	# a tempfail is a REPLYCODE as well; only a dead socket fails here
	miltertest_rc=$?
	[ "$miltertest_rc" -ne 124 ] && ok "answers as nobody (reply checked by other tests)" || bad "no answer"
fi

# 4. a second instance on the live socket: refused with the socket named,
# exit status 1, and the first one keeps its socket and still answers
inode=$(stat -c %i "$tmp/dmarcguard.sock")
sed "s|^PidFile .*|PidFile $tmp/run/second.pid|" "$tmp/good.conf" > "$tmp/second.conf"
if out=$(timeout 20 "$daemon" -f -c "$tmp/second.conf" 2>&1); then
	bad "a second instance started on the live socket"
else
	rc=$?
	case "$rc:$out" in
	"1:"*"socket unix:$tmp/dmarcguard.sock is in use"*) ok "second instance refused: ${out##*error\]: }" ;;
	*) bad "second instance: status $rc, $out" ;;
	esac
fi
"$daemon" -c "$tmp/second.conf" 2>/dev/null && bad "a detaching second instance started" \
	|| ok "a detaching second instance is refused too (status $?)"
[ "$(stat -c %i "$tmp/dmarcguard.sock" 2>/dev/null)" = "$inode" ] && ok "the first socket is untouched" \
	|| bad "the socket file was replaced or removed"
# (DNS is dead here, so the verdict is a tempfail; "closed" would mean no daemon)
out=$(python3 "$here/mta_peer.py" "unix:$tmp/dmarcguard.sock" session --timeout 30)
case "$out" in
"verdict=tempfail "*) ok "the first instance still answers: $out" ;;
*) bad "the first instance: $out" ;;
esac

# 5. SIGTERM: clean exit, PID file removed
kill -TERM "$pid"
for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$pid" 2>/dev/null; then bad "still running 15 s after SIGTERM"; else ok "stopped on SIGTERM"; pid=""; fi
[ -e "$tmp/run/dmarcguard.pid" ] && bad "PID file left behind" || ok "PID file removed"

echo "process: $passed passed, $failed failed"
[ "$failed" = 0 ]
