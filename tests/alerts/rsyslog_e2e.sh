#!/usr/bin/env bash
# rsyslog_e2e.sh - dmarcguard-alerts on what a real rsyslogd wrote.
#
#   bash tests/alerts/rsyslog_e2e.sh DMARCGUARD_ALERTS OFFLINE_LINES
#
# (ctest runs it as alerts_rsyslog_e2e, label e2e.) The real daemon judges
# the messages of e2e_cases.txt in offline mode against nsd (through
# OFFLINE_LINES, which starts the nsd fixture); logger sends each alert
# line, as the daemon would through syslog(3) (ident dmarcguard, facility
# mail), to a private rsyslogd: its own configuration, pid file and work
# directory, input on a unix socket in a temporary directory (the system
# socket is never touched), mail.* written to three files in RFC 3164,
# RFC 3339 and RFC 5424 formats. A Postfix line, a non-alert dmarcguard
# line, an alert cut short and a dmarcguard line on another facility go
# along. The tool must then report the same figures from all three files
# (and from one gzipped), and those figures must match what was sent.
#
# Needs rsyslog and logger (bsdutils) and nsd (scripts/install-deps.sh
# --test). Every wait is bounded; an EXIT trap stops the rsyslogd started
# here (by its pid) and removes the directory (DMARCGUARD_KEEP_TEST_DIRS=1
# keeps it). Exit status: 0 all passed, 1 a check failed or set-up broke.
set -euo pipefail

usage="usage: rsyslog_e2e.sh DMARCGUARD_ALERTS OFFLINE_LINES"
TOOL=${1:?$usage}
OFFLINE=${2:?$usage}
HERE=$(cd "$(dirname "$0")" && pwd)
export TZ=UTC

WORK='' RSYSLOG_PID=''
FAILED=0 CHECKS=0

note() { printf 'alerts_e2e [%3ds] %s\n' "$SECONDS" "$*"; }
die() { note "SET-UP FAILED: $*"; exit 1; }
pass() { CHECKS=$((CHECKS + 1)); note "ok   $*"; }
fail() { CHECKS=$((CHECKS + 1)); FAILED=$((FAILED + 1)); note "FAIL $*"; }
# expect DESCRIPTION GOT WANT - one equality assertion
expect() {
	if [ "$2" = "$3" ]; then pass "$1: $2"; else fail "$1: got '$2', want '$3'"; fi
}

cleanup() {
	if [ -n "$RSYSLOG_PID" ] && kill -0 "$RSYSLOG_PID" 2>/dev/null; then
		kill "$RSYSLOG_PID" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$RSYSLOG_PID" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$RSYSLOG_PID" 2>/dev/null || true
	fi
	if [ -n "$WORK" ] && [ -z "${DMARCGUARD_KEEP_TEST_DIRS:-}" ]; then
		rm -rf "$WORK"
	fi
}
trap cleanup EXIT

# wait_for SECONDS WHAT COMMAND... - poll COMMAND until it succeeds or time is up
wait_for() {
	local end=$((SECONDS + $1)) what=$2
	shift 2
	until "$@"; do
		[ "$SECONDS" -lt "$end" ] || die "timed out waiting for $what"
		sleep 0.2
	done
}

command -v rsyslogd >/dev/null || die "rsyslogd missing (apt-get install rsyslog)"
command -v logger >/dev/null || die "logger missing (apt-get install bsdutils)"

WORK=$(mktemp -d /tmp/alerts-e2e-XXXXXX)
mkdir "$WORK/work"

# 1. Alert lines from the real daemon.
"$OFFLINE" < "$HERE/e2e_cases.txt" > "$WORK/sent.txt" || die "offline verdicts failed"
SENT=$(wc -l < "$WORK/sent.txt")
CASES=$(grep -cv '^\(#\|$\)' "$HERE/e2e_cases.txt")
[ "$SENT" -eq "$CASES" ] || die "$SENT alert lines for $CASES messages"
note "the daemon judged $SENT messages"

# 2. A private rsyslogd.
cat > "$WORK/rsyslog.conf" <<CONF
global(workDirectory="$WORK/work" maxMessageSize="16k")
\$RepeatedMsgReduction off
module(load="imuxsock" SysSock.Use="off")
input(type="imuxsock" Socket="$WORK/log.sock" RateLimit.Interval="0")
mail.* action(type="omfile" file="$WORK/trad.log" template="RSYSLOG_TraditionalFileFormat")
mail.* action(type="omfile" file="$WORK/prec.log" template="RSYSLOG_FileFormat")
mail.* action(type="omfile" file="$WORK/5424.log" template="RSYSLOG_SyslogProtocol23Format")
CONF
rsyslogd -N1 -f "$WORK/rsyslog.conf" > "$WORK/check.out" 2>&1 \
	|| { cat "$WORK/check.out"; die "rsyslogd refuses the configuration"; }
rsyslogd -n -f "$WORK/rsyslog.conf" -i "$WORK/rsyslogd.pid" > "$WORK/rsyslogd.out" 2>&1 &
RSYSLOG_PID=$!
wait_for 15 "rsyslogd's socket" test -S "$WORK/log.sock"
note "rsyslogd $RSYSLOG_PID listening on $WORK/log.sock"

# 3. Send the lines as the daemon would, and some that are not alerts.
send() {	# send PRIORITY TAG TEXT
	logger -u "$WORK/log.sock" --socket-errors=on -S 16384 -t "$2" --id=4242 -p "$1" -- "$3"
}
while IFS= read -r line; do
	case "$line" in
	*override=yes* | *action=reject*) prio=mail.warning ;;
	*) prio=mail.notice ;;
	esac
	send "$prio" dmarcguard "$line"
done < "$WORK/sent.txt"
send mail.info postfix/smtpd "connect from unknown[203.0.113.66]"
send mail.notice dmarcguard "configuration reloaded from /etc/dmarcguard.conf"
send mail.warning dmarcguard "$(head -n 1 "$WORK/sent.txt" | cut -c 1-150)"
send user.warning dmarcguard "$(head -n 1 "$WORK/sent.txt")"	# not mail: not in the files
LOGGED=$((SENT + 3))
for f in trad prec 5424; do
	# shellcheck disable=SC2016 # expanded by the inner shell
	wait_for 20 "$LOGGED lines in $f.log" \
		bash -c '[ -f "$1" ] && [ "$(wc -l < "$1")" -ge "$2" ]' _ "$WORK/$f.log" "$LOGGED"
done
sleep 0.5	# nothing else may come: the user.* line must not show up
note "rsyslogd wrote $LOGGED lines to each file: $(head -c 60 "$WORK/prec.log")..."
expect "lines in the RFC 3164 file" "$(wc -l < "$WORK/trad.log")" "$LOGGED"

# 4. What was sent, counted from the lines themselves.
count() { grep -c -- "$1" "$WORK/sent.txt" || true; }
declare -A WANT
for a in accept quarantine reject tempfail; do
	WANT[$a]=$(count " action=$a ")
done
WANT_OVERRIDE=$(count ' override=yes')

# report FILE [ARGS...] - the tool's text report, runs of spaces squeezed
report() {
	local f=$1
	shift
	"$TOOL" "$@" "$f" | tr -s ' '
}

for f in trad prec 5424; do
	report "$WORK/$f.log" > "$WORK/$f.report" || fail "$f.log: exit status $?"
	sed -i "s|$WORK/$f.log|LOG|" "$WORK/$f.report"
done
R=$WORK/prec.report
field() { sed -n "s/^ $1 \([0-9]*\)\$/\1/p" "$R"; }
expect "alerts" "$(field 'alerts in this report')" "$SENT"
expect "malformed (the cut line)" "$(field 'malformed alert lines')" 1
expect "other dmarcguard lines" "$(field 'other dmarcguard lines')" 1
expect "lines of other programs" "$(field 'lines of other programs')" 1
for a in accept quarantine reject tempfail; do
	expect "action $a" "$(sed -n "s/^ $a \([0-9]*\) .*/\1/p" "$R" | head -n 1)" "${WANT[$a]}"
done
expect "overrides" "$(sed -n 's/^ raised above the published policy (override=yes) \([0-9]*\)$/\1/p' "$R")" \
	"$WANT_OVERRIDE"
# The first spoofed domain: none.example, 4 alerts, p=none, 4 overrides,
# 3 addresses, 3 HELO names (case folded), as e2e_cases.txt sends them.
expect "top spoofed domain" "$(grep -A 2 '^Top spoofed From domains' "$R" | sed -n 3p \
	| cut -d' ' -f2-7)" "none.example 4 none 4 3 3"
expect "spoofed domains" "$(sed -n 's/^Top spoofed From domains (dmarc=fail): [0-9]* of \([0-9]*\)$/\1/p' "$R")" 4
# 198.51.100.9 and 203.0.113.66 both sent 3 failures: ties go by name.
expect "top address" "$(grep -A 2 '^Top sending addresses' "$R" | sed -n 3p | cut -d' ' -f2-5)" \
	"198.51.100.9 3 3 198.51.100.0/24"
expect "top network" "$(grep -A 2 '^Top sending networks' "$R" | sed -n 3p | cut -d' ' -f2-5)" \
	"203.0.113.0/24 4 2 2"
if diff -u "$WORK/prec.report" "$WORK/trad.report" > "$WORK/diff1" \
	&& diff -u "$WORK/prec.report" "$WORK/5424.report" > "$WORK/diff2"; then
	pass "the three syslog formats give the same report"
else
	fail "reports differ between formats"
	cat "$WORK/diff1" "$WORK/diff2" || true
fi
gzip -c "$WORK/trad.log" > "$WORK/trad.log.1.gz"
report "$WORK/trad.log.1.gz" | sed "s|$WORK/trad.log.1.gz|LOG|" > "$WORK/gz.report"
if diff -u "$WORK/trad.report" "$WORK/gz.report"; then
	pass "the gzipped file gives the same report"
else
	fail "gzipped report differs"
fi
# every alert of the domain: the four spoofs and the signed pass
expect "--domain none.example" "$(report "$WORK/prec.log" --domain none.example \
	| sed -n 's/^Alerts for none.example: //p')" 5
expect "--action reject --client 203.0.113.0/24" "$("$TOOL" --action reject \
	--client 203.0.113.0/24 "$WORK/5424.log" | tr -s ' ' \
	| sed -n 's/^ alerts in this report //p')" 1
"$TOOL" --json "$WORK/5424.log" > "$WORK/report.json"
if command -v python3 >/dev/null; then
	if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); \
assert d["input"]["alerts"] == int(sys.argv[2]); \
assert d["top_domains"][0]["domain"] == "none.example"' "$WORK/report.json" "$SENT"; then
		pass "--json parses, with the same figures"
	else
		fail "--json"
	fi
else
	expect "--json alerts" "$(grep -c '"domain": "none.example"' "$WORK/report.json")" 1
fi

note "$CHECKS checks, $FAILED failed"
if [ "$FAILED" -ne 0 ]; then
	sed 's/^/  /' "$R"
	exit 1
fi
