#!/usr/bin/env bash
# postfix.sh - end-to-end test of the dmarcguard daemon behind a real Postfix.
#
#   bash tests/e2e/postfix.sh DMARCGUARD NSD_TOOL TESTS_DIR
#
# (ctest runs it as e2e_postfix, label e2e.) Everything listens on 127.0.0.1
# and lives in one temporary directory under /run: nsd serving tests/zones
# (through nsd_tool), the daemon on a unix socket, Postfix's smtp-sink as the
# next hop, and a private Postfix instance (own config and queue directories)
# whose smtpd calls the milter. Messages of tests/messages/policy go in with
# swaks and XCLIENT, so smtpd and the milter see a documentation-range client
# and its HELO. The test checks SMTP replies, the hold queue, delivered
# copies, the daemon's alert lines, and a milter killed mid-run.
#
# Needs root, postfix, swaks and nsd (scripts/install-deps.sh --test). Every
# wait has a deadline and the whole run is cut off after TIME_LIMIT seconds;
# an EXIT trap stops every process started here and removes the directory
# (set DMARCGUARD_KEEP_TEST_DIRS=1 to keep it). Exit status: 0 all passed,
# 1 a check failed or the set-up broke (the logs are printed).
set -euo pipefail

usage="usage: postfix.sh DMARCGUARD NSD_TOOL TESTS_DIR"
DMARCGUARD=${1:?$usage}
NSD_TOOL=${2:?$usage}
TESTS=${3:?$usage}
MESSAGES=$TESTS/messages/policy

TIME_LIMIT=${DMARCGUARD_E2E_TIME_LIMIT:-170}	# seconds for the whole run
AUTHSERV=mx.e2e.example
AUTHSERV_RE=${AUTHSERV//./\\.}
BAD_IP=203.0.113.66		# a spoofing client: passes no SPF record
BAD_HELO=mx.attacker.example
BAD_FROM=x@attacker.example
RCPT=analyst@receiver.example

WORK= NSD_PID= DG_PID= SINK_PID= WATCHDOG_PID= PF_CONF= PF_QUEUE=
E2E_NAME=e2e_postfix
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# free_port - a TCP port on 127.0.0.1 nobody listens on (below the ephemeral range)
free_port() {
	local port
	for _ in $(seq 1 200); do
		port=$((20000 + RANDOM % 12000))
		if ! port_in_use "$port"; then
			echo "$port"
			return 0
		fi
	done
	return 1
}

# stop_postfix - "postfix stop", then kill whatever still runs in its queue directory
stop_postfix() {
	local master=
	[ -f "$PF_QUEUE/pid/master.pid" ] && master=$(tr -d ' \n' <"$PF_QUEUE/pid/master.pid")
	timeout 20 postfix -c "$PF_CONF" stop >/dev/null 2>&1 || true
	if [ -n "$master" ] && ! wait_for 10 "the Postfix master to stop" eval '! alive '"$master"; then
		kill -KILL "$master" 2>/dev/null || true
	fi
	# Postfix daemons run with the queue directory as working directory.
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		local left=0 proc
		for proc in /proc/[0-9]*; do
			if [ "$(readlink "$proc/cwd" 2>/dev/null)" = "$PF_QUEUE" ]; then
				kill -KILL "${proc#/proc/}" 2>/dev/null || true
				left=1
			fi
		done
		[ "$left" = 0 ] && break
		sleep 0.2
	done
}

show_logs() {
	local f
	for f in dmarcguard.log postfix.log sink.log nsd.err; do
		[ -s "$WORK/log/$f" ] || continue
		note "---- last lines of $f"
		tail -n 60 "$WORK/log/$f"
	done
}

cleanup() {
	local rc=$?
	set +e
	trap - EXIT INT TERM
	[ -n "$WATCHDOG_PID" ] && kill "$WATCHDOG_PID" 2>/dev/null && wait "$WATCHDOG_PID" 2>/dev/null
	[ -n "$PF_CONF" ] && stop_postfix
	stop_pid "$DG_PID" 10
	stop_pid "$SINK_PID" 5
	exec 7>&-			# end of file on nsd_tool's stdin
	stop_pid "$NSD_PID" 10
	if [ "$rc" != 0 ] && [ -n "$WORK" ]; then
		show_logs
	fi
	if [ -n "$WORK" ] && [ -z "${DMARCGUARD_KEEP_TEST_DIRS:-}" ]; then
		rm -rf "$WORK"
	elif [ -n "$WORK" ]; then
		note "kept $WORK"
	fi
	note "finished: $CHECKS checks, $FAILED failed, exit $rc"
	exit "$rc"
}
trap cleanup EXIT
trap 'note "interrupted"; exit 130' INT
trap 'note "terminated (time limit of ${TIME_LIMIT}s or ctest)"; exit 143' TERM

# ---- prerequisites
[ "$(id -u)" = 0 ] || die "must run as root (Postfix and its queue need it)"
for cmd in postfix postqueue postcat smtp-sink swaks timeout; do
	command -v "$cmd" >/dev/null || die "$cmd not found: run scripts/install-deps.sh --test"
done
[ -x "$DMARCGUARD" ] || die "no daemon at $DMARCGUARD"
[ -x "$NSD_TOOL" ] || die "no nsd_tool at $NSD_TOOL"
[ -f "$MESSAGES/signed-none.eml" ] || die "no message corpus under $MESSAGES"
id postfix >/dev/null 2>&1 || die "no postfix user"

# Not under /tmp: a world-writable parent is refused for milter sockets by
# Sendmail and is a bad habit; smtpd (user postfix) must traverse it.
WORK=$(mktemp -d /run/dmarcguard-e2e.XXXXXX)
chmod 0755 "$WORK"
mkdir -p "$WORK/log" "$WORK/pf/etc" "$WORK/pf/queue"
install -d -o postfix -m 0700 "$WORK/pf/data"
install -d -o postfix -m 0755 "$WORK/sink"
PF_CONF=$WORK/pf/etc
PF_QUEUE=$WORK/pf/queue
mkfifo "$WORK/watchdog"
# read on a FIFO opened read-write never sees data: it just times out.
( read -r -t "$TIME_LIMIT" _ <>"$WORK/watchdog" || kill -TERM $$ ) 7>&- &
WATCHDOG_PID=$!
note "working in $WORK"

# ---- nsd: nsd_tool prints 127.0.0.1@PORT and serves until its stdin closes
mkfifo "$WORK/nsd.in"
"$NSD_TOOL" <"$WORK/nsd.in" >"$WORK/nsd.addr" 2>"$WORK/log/nsd.err" &
NSD_PID=$!
exec 7>"$WORK/nsd.in"
nsd_ready() {
	alive "$NSD_PID" || die "nsd_tool exited: $(cat "$WORK/log/nsd.err")"
	grep -q '^127\.0\.0\.1@[0-9]*$' "$WORK/nsd.addr"
}
wait_for 30 "nsd_tool to print its address" nsd_ready || die "nsd did not start"
NAMESERVER=$(head -n 1 "$WORK/nsd.addr")
note "nsd answers on $NAMESERVER"

# ---- the daemon
SOCKET=$WORK/dmarcguard.sock
DG_CONF=$WORK/dmarcguard.conf
DG_LOG=$WORK/log/dmarcguard.log
cat >"$DG_CONF" <<EOF
Socket unix:$SOCKET
SocketMode 0660
SocketGroup postfix
PidFile $WORK/dmarcguard.pid
Syslog no
AuthservID $AUTHSERV
Nameservers $NAMESERVER
DNSTimeout 2s
EOF
: >"$DG_LOG"
start_daemon() {
	"$DMARCGUARD" -f -c "$DG_CONF" >>"$WORK/log/dmarcguard.out" 2>>"$DG_LOG" 7>&- &
	DG_PID=$!
}
daemon_ready() {
	alive "$DG_PID" || die "dmarcguard exited at start: $(tail -n 5 "$DG_LOG")"
	[ -S "$SOCKET" ] && [ "$(grep -c ' started (pid '"$DG_PID"',' "$DG_LOG")" = 1 ]
}
start_daemon
wait_for 20 "dmarcguard to listen on $SOCKET" daemon_ready || die "dmarcguard did not start"
check "the socket is owned by group postfix, mode 660" \
	test "$(stat -c %G:%a "$SOCKET")" = postfix:660

# ---- smtp-sink: the next hop; -d stores each delivered message in a file
SINK_PORT=$(free_port) || die "no free port"
smtp-sink -u postfix -d "$WORK/sink/%M." "127.0.0.1:$SINK_PORT" 64 \
	>"$WORK/log/sink.log" 2>&1 7>&- &
SINK_PID=$!
sink_ready() {
	alive "$SINK_PID" || die "smtp-sink exited: $(cat "$WORK/log/sink.log")"
	port_in_use "$SINK_PORT"
}
wait_for 10 "smtp-sink on port $SINK_PORT" sink_ready || die "smtp-sink did not start"

# ---- the private Postfix instance
SMTP_PORT=$(free_port) || die "no free port"
cat >"$PF_CONF/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $PF_QUEUE
data_directory = $WORK/pf/data
myhostname = $AUTHSERV
mydomain = e2e.example
myorigin = \$myhostname
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
# No local delivery and no DNS: accepted mail goes to smtp-sink.
mydestination =
local_transport = error:local delivery is disabled in this test
alias_maps =
alias_database =
relay_domains = receiver.example
relay_transport = relay:[127.0.0.1]:$SINK_PORT
default_transport = error:only receiver.example is served in this test
smtp_dns_support_level = disabled
smtp_host_lookup = native
smtpd_peername_lookup = no
biff = no
# The test client chooses the address and HELO that smtpd and milters see.
smtpd_authorized_xclient_hosts = 127.0.0.0/8
smtpd_milters = unix:$SOCKET
milter_default_action = tempfail
milter_connect_timeout = 10s
milter_command_timeout = 30s
milter_content_timeout = 60s
maillog_file = $WORK/log/postfix.log
maillog_file_prefixes = $WORK/log
EOF
# No chroot (column 5 "n"), no port 25: our smtpd on its own loopback port.
cat >"$PF_CONF/master.cf" <<EOF
127.0.0.1:$SMTP_PORT inet n - n - - smtpd
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF
timeout 60 postfix -c "$PF_CONF" check >"$WORK/log/postfix-check.out" 2>&1 \
	|| die "postfix check failed: $(cat "$WORK/log/postfix-check.out")"
timeout 60 postfix -c "$PF_CONF" start >"$WORK/log/postfix-start.out" 2>&1 7>&- \
	|| die "postfix start failed: $(cat "$WORK/log/postfix-start.out")"
wait_for 30 "smtpd on port $SMTP_PORT" port_in_use "$SMTP_PORT" || die "Postfix does not listen"
note "Postfix on 127.0.0.1:$SMTP_PORT, smtp-sink on $SINK_PORT, milter unix:$SOCKET"

# ---- helpers for the cases
# send NAME FILE - one SMTP transaction from $BAD_IP through XCLIENT. Sets
# REPLY (the last server reply: to the end of data, or to the command that
# failed), QID (the queue id of a 250 "queued as"), and ALERTS (the alert
# lines the daemon wrote meanwhile). The transcript is in $WORK/swaks.NAME.
send() {
	local name=$1 file=$2 out=$WORK/swaks.$1 before
	before=$(wc -l <"$DG_LOG")
	timeout 90 swaks --server 127.0.0.1 --port "$SMTP_PORT" --timeout 30 \
		--xclient-addr "$BAD_IP" --xclient-name "$BAD_HELO" --xclient-helo "$BAD_HELO" \
		--helo "$BAD_HELO" --from "$BAD_FROM" --to "$RCPT" \
		--data "@$file" --suppress-data >"$out" 2>&1 7>&- || true
	REPLY=$(awk '/^ -> QUIT/ { print last; done = 1; exit }
		     /^<[-*~]/ { last = $0 }
		     END { if (!done) print last }' "$out" | sed 's/^<[-*~]* *//')
	QID=$(printf '%s\n' "$REPLY" | sed -n 's/^250 .*queued as \([0-9A-Za-z]*\).*/\1/p')
	ALERTS=$(tail -n +"$((before + 1))" "$DG_LOG" | grep ' v=1 qid=' || true)
	note "$name: $(basename "$file") -> ${REPLY:-no reply (see $out)}"
}

# reply_is PATTERN - REPLY matches the extended regular expression
reply_is() { printf '%s\n' "$REPLY" | grep -Eq "$1"; }

# alert_has WORD... - exactly one new alert line, holding every key=value WORD
alert_has() {
	local w
	[ "$(printf '%s\n' "$ALERTS" | grep -c .)" = 1 ] || return 1
	for w in "$@"; do
		printf '%s\n' "$ALERTS" | tr ' ' '\n' | grep -Fxq -- "$w" || return 1
	done
}

# queue_entry QID - the "postqueue -j" line of a queued message
queue_entry() { timeout 20 postqueue -c "$PF_CONF" -j | grep -F "\"queue_id\": \"$1\"" || true; }

# queue_ids - the ids of all queued messages, sorted
queue_ids() {
	timeout 20 postqueue -c "$PF_CONF" -j | sed -n 's/.*"queue_id": "\([0-9A-Za-z]*\)".*/\1/p' | sort
}

# sink_files MARKER - the copies stored by smtp-sink that hold the fixed string MARKER
sink_files() { grep -rlF -- "$1" "$WORK/sink" 2>/dev/null || true; }

# sink_complete QID - smtp-sink has stored all of the message Postfix queued as QID
sink_complete() {
	local f
	f=$(sink_files "(Postfix) with ESMTP id $1" | head -n 1)
	[ -n "$f" ] && grep -q '^The team' "$f" && COPY=$f
}

# delivered_copy QID - wait until Postfix sent QID to smtp-sink and the copy
# is stored; sets COPY to its file
delivered_copy() {
	COPY=
	[ -n "$1" ] || return 1
	wait_for 30 "Postfix to deliver $1" \
		grep -q " $1: to=<$RCPT>.* status=sent " "$WORK/log/postfix.log" &&
	wait_for 10 "smtp-sink to store $1" sink_complete "$1"
}

# header_fields FILE - the unfolded header fields of the message stored in
# FILE, one a line, in order (smtp-sink's dump starts with its own X-Client-Addr,
# X-Helo-Args... envelope lines and its own Received: field).
header_fields() {
	awk '/^\r?$/ { exit }
	     /^[ \t]/ { sub(/\r$/, ""); cur = cur " " $0; next }
	     { if (cur != "") print cur; sub(/\r$/, ""); cur = $0 }
	     END { if (cur != "") print cur }' "$1"
}

# our_authres FILE - Authentication-Results fields claiming our authserv-id
our_authres() { header_fields "$1" | grep -iE "^Authentication-Results: *$AUTHSERV_RE *;" || true; }

# authres_on_top FILE - our field comes before Postfix's own Received: field
authres_on_top() {
	local ours postfix
	ours=$(header_fields "$1" | grep -niE "^Authentication-Results: *$AUTHSERV_RE *;" | head -n 1)
	postfix=$(header_fields "$1" | grep -nE '^Received: .*[[:space:]]by [^ ]+ \(Postfix\)' | head -n 1)
	[ -n "$ours" ] && [ -n "$postfix" ] && [ "${ours%%:*}" -lt "${postfix%%:*}" ]
}

# ---- (a) p=none spoof: accepted at SMTP, then held by the local floor
send none-spoof "$MESSAGES/unsigned-none.eml"
check "(a) p=none spoof accepted at SMTP with 250 (got: $REPLY)" reply_is '^250 '
QID_A=$QID
if [ -n "$QID_A" ]; then
	check "(a) p=none spoof $QID_A is in the hold queue (postqueue -j: $(queue_entry "$QID_A"))" \
		eval 'queue_entry "$QID_A" | grep -q "\"queue_name\": \"hold\""'
	# Postfix logs a hold without the milter's reason text.
	check "(a) Postfix logged the hold as the milter's action" \
		grep -q " $QID_A: milter-hold: END-OF-MESSAGE " "$WORK/log/postfix.log"
	timeout 20 postcat -c "$PF_CONF" -hq "$QID_A" >"$WORK/held.$QID_A" 2>&1 || true
	ar=$(our_authres "$WORK/held.$QID_A")
	check "(a) the held copy carries our Authentication-Results with dmarc=fail (got: $ar)" \
		eval 'printf "%s\n" "$ar" | grep -q "dmarc=fail"'
else
	fail "(a) no queue id in the reply, cannot look for it in the hold queue"
fi
check "(f) alert for (a): quarantine by the local floor over p=none (got: $ALERTS)" \
	alert_has "qid=$QID_A" "ip=$BAD_IP" "helo=$BAD_HELO" from=none.example dmarc=fail \
	p=none action=quarantine reason=dmarc-fail-local-floor override=yes

# ---- (b) p=reject spoof: 550 5.7.1 at end of data
send reject-spoof "$MESSAGES/unsigned-reject.eml"
check "(b) p=reject spoof refused with 550 5.7.1 (got: $REPLY)" reply_is '^550[ -]5\.7\.1 '
check "(f) alert for (b): published reject (got: $ALERTS)" \
	alert_has "ip=$BAD_IP" from=reject.example dmarc=fail p=reject action=reject \
	reason=published-reject override=no

# ---- (c) legitimate signed mail: delivered with our Authentication-Results
send signed "$MESSAGES/signed-none.eml"
check "(c) signed mail accepted with 250 (got: $REPLY)" reply_is '^250 '
QID_C=$QID
check "(f) alert for (c): DKIM-aligned pass (got: $ALERTS)" \
	alert_has "qid=$QID_C" from=none.example dkim=none.example:pass dmarc=pass \
	action=accept reason=dmarc-pass override=no
if delivered_copy "$QID_C"; then
	ar=$(our_authres "$COPY")
	check "(c) exactly one Authentication-Results: $AUTHSERV; in the delivered copy (got: $ar)" \
		test "$(printf '%s' "$ar" | grep -c .)" = 1
	check "(c) it says dkim=pass and dmarc=pass" \
		eval 'printf "%s\n" "$ar" | grep -q "dkim=pass" && printf "%s\n" "$ar" | grep -q "dmarc=pass"'
	check "(c) it sits above Postfix's own Received: field" authres_on_top "$COPY"
else
	fail "(c) signed mail ${QID_C:-without queue id} did not reach smtp-sink"
fi
check "(a) the held p=none spoof was not delivered" \
	test -z "$(sink_files '<spoof-none@corpus.example>')"

# ---- (d) DNS failure: 451 4.7.0, never a pass or a quarantine
send servfail "$MESSAGES/unsigned-servfail.eml"
check "(d) SERVFAIL for the policy refused with 451 4.7.0 (got: $REPLY)" reply_is '^451[ -]4\.7\.0 '
check "(f) alert for (d): temperror, tempfail (got: $ALERTS)" \
	alert_has "ip=$BAD_IP" from=servfail-policy.example dmarc=temperror action=tempfail \
	reason=dns-temperror

# ---- (e) forged Authentication-Results with our authserv-id are removed
FORGED=$WORK/forged-authres.eml
{
	printf 'Authentication-Results: %s; dkim=pass header.d=none.example; dmarc=pass x-forged=1\n' "$AUTHSERV"
	printf 'Authentication-Results: upstream.example; spf=none smtp.mailfrom=attacker.example x-kept=1\n'
	printf 'Authentication-Results: %s;\n\tdmarc=pass header.from=none.example x-forged=2\n' \
		"$(printf '%s' "$AUTHSERV" | tr 'a-z' 'A-Z')"
	printf 'X-E2E-Case: forged-authres\n'
	cat "$MESSAGES/signed-none.eml"
} >"$FORGED"
send forged-authres "$FORGED"
check "(e) signed mail with forged headers accepted with 250 (got: $REPLY)" reply_is '^250 '
QID_E=$QID
check "(f) alert for (e): the forged headers change nothing (got: $ALERTS)" \
	alert_has "qid=$QID_E" from=none.example dkim=none.example:pass dmarc=pass action=accept
if delivered_copy "$QID_E"; then
	ar=$(our_authres "$COPY")
	check "(e) no forged Authentication-Results left (x-forged lines: $(grep -c x-forged "$COPY"))" \
		eval '! grep -q x-forged "$COPY"'
	check "(e) only our own Authentication-Results: $AUTHSERV; remains (got: $ar)" \
		eval 'test "$(printf "%s" "$ar" | grep -c .)" = 1 && printf "%s\n" "$ar" | grep -q "dmarc=pass"'
	check "(e) the other authserv-id's header is kept" grep -q 'x-kept=1' "$COPY"
else
	fail "(e) ${QID_E:-mail without queue id} did not reach smtp-sink"
fi

check "Postfix logged no milter warnings while the daemon ran" \
	eval '! grep -E "warning: .*([Mm]ilter|$SOCKET)" "$WORK/log/postfix.log"'
check "the daemon logged no errors or internal failures" \
	eval '! grep -E "dmarcguard\[(error|crit)\]|internal error" "$DG_LOG"'

# ---- (g) the milter dies: Postfix answers 4xx, nothing is lost; back up, accepted
RETRY=$WORK/retry.eml
{ printf 'X-E2E-Case: milter-restart\n'; cat "$MESSAGES/signed-none.eml"; } >"$RETRY"
kill -KILL "$DG_PID"
{ wait "$DG_PID"; } 2>/dev/null || true	# quiet: no "Killed" job notice
DG_PID=
queued_before=$(queue_ids)
send milter-down "$RETRY"
check "(g) with the milter killed, Postfix answers 4xx (got: $REPLY)" reply_is '^4[0-9][0-9][ -]'
check "(g) Postfix logged the refused milter connection" \
	grep -q "warning: connect to Milter service unix:$SOCKET: Connection refused" \
	"$WORK/log/postfix.log"
check "(g) no queue id was given out while the milter was down" test -z "$QID"
queued_after=$(queue_ids)
new_ids=$(comm -13 <(printf '%s\n' "$queued_before") <(printf '%s\n' "$queued_after"))
check "(g) the refused message was not queued (new queue ids: ${new_ids:-none})" test -z "$new_ids"
check "(g) the refused message was not delivered" \
	test -z "$(sink_files 'X-E2E-Case: milter-restart')"
start_daemon
wait_for 20 "dmarcguard to listen again" daemon_ready || die "dmarcguard did not restart"
send milter-back "$RETRY"
check "(g) after the restart the same message is accepted with 250 (got: $REPLY)" reply_is '^250 '
QID_G=$QID
check "(f) alert for (g): pass after the restart (got: $ALERTS)" \
	alert_has "qid=$QID_G" from=none.example dmarc=pass action=accept reason=dmarc-pass
if delivered_copy "$QID_G"; then
	check "(g) exactly one copy delivered, with our Authentication-Results" \
		eval '[ "$(sink_files "X-E2E-Case: milter-restart" | wc -l)" = 1 ] && [ -n "$(our_authres "$COPY")" ]'
else
	fail "(g) ${QID_G:-mail without queue id} did not reach smtp-sink after the restart"
fi

# ---- the daemon stops cleanly on SIGTERM
kill -TERM "$DG_PID"
if wait_for 35 "dmarcguard to stop on SIGTERM" eval '! alive "$DG_PID"'; then
	rc=0
	wait "$DG_PID" || rc=$?
	check "the daemon exits 0 on SIGTERM (exit $rc)" test "$rc" = 0
	check "the daemon logged its stop" grep -q 'dmarcguard\[notice\]: stopped$' "$DG_LOG"
else
	fail "the daemon did not stop within 35 s of SIGTERM"
fi
DG_PID=

note "$CHECKS checks, $FAILED failed"
[ "$FAILED" = 0 ] || exit 1
