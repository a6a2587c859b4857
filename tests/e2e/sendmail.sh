#!/usr/bin/env bash
# sendmail.sh - end-to-end test of the dmarcguard daemon behind a real Sendmail 8.17.
#
#   bash tests/e2e/sendmail.sh DMARCGUARD NSD_TOOL TESTS_DIR [DEB_CACHE]
#
# (ctest runs it as e2e_sendmail, label e2e.) Sendmail is not installed: its
# Debian packages (sendmail-bin, sendmail-base, sendmail-cf) are fetched once
# with "apt-get download" into DEB_CACHE (default: $DMARCGUARD_SENDMAIL_DEBS, or
# /var/cache/dmarcguard-e2e/sendmail), unpacked with dpkg -x into a private
# prefix, and the daemon runs from there with a .cf built by m4 from the
# prefix's cf.m4.
#
# Sendmail has no XCLIENT: the client address the milter sees is the address
# of the connection. So the test builds a network namespace whose loopback
# also carries the documentation addresses 203.0.113.66 (a spoofer, in no SPF
# record) and 192.0.2.10 (in every test domain's SPF), and swaks binds to
# them. In that namespace: Sendmail on 127.0.0.1:2525 with dmarcguard as its
# milter (unix socket, F=T), and Postfix's smtp-sink on 127.0.0.2:2526 as the
# smart host that stores each delivered message. Sendmail also runs in its own
# UTS and mount namespaces: a fully qualified host name (or it sleeps 60 s at
# start), private /etc/hosts and /etc/resolv.conf (no DNS leaves the
# namespace), and a private /dev whose /dev/log leads to a receiver of this
# test, so Sendmail's syslog lines land in a file. nsd (through nsd_tool) and
# the daemon run in the test's own namespace; the unix socket is reachable
# from both. The work directory is under /run: Sendmail refuses a milter
# socket below a world-writable directory such as /tmp.
#
# Checks: the p=none spoof is accepted and quarantined in Sendmail's queue
# (-bp -qQ, with our reason), the p=reject spoof gets 550 5.7.1 at end of
# data, legitimate signed mail is delivered with our Authentication-Results
# (spf, dkim and dmarc pass) as its first field, one alert line per message
# with the right action and reason, Sendmail's own log agrees, a killed
# milter makes Sendmail answer 4xx (F=T), and the daemon stops cleanly.
#
# Needs root, m4, libwrap0, liblockfile1, iproute2 (ip, ss), postfix (smtp-sink), swaks, nsd,
# iproute2 and perl, and Debian's archive for the first download. Every wait
# has a deadline and the whole run is cut off after TIME_LIMIT seconds; an
# EXIT trap stops every process started here, deletes the namespace and
# removes the directory (set DMARCGUARD_KEEP_TEST_DIRS=1 to keep it). Exit
# status: 0 all passed, 1 a check failed or the set-up broke (logs printed).
set -euo pipefail

usage="usage: sendmail.sh DMARCGUARD NSD_TOOL TESTS_DIR [DEB_CACHE]"
DMARCGUARD=${1:?$usage}
NSD_TOOL=${2:?$usage}
TESTS=${3:?$usage}
DEBS=${4:-${DMARCGUARD_SENDMAIL_DEBS:-/var/cache/dmarcguard-e2e/sendmail}}
MESSAGES=$TESTS/messages/policy

TIME_LIMIT=${DMARCGUARD_E2E_TIME_LIMIT:-170}	# seconds for the whole run
AUTHSERV=mx.e2e.example		# Sendmail's host name and our authserv-id
AUTHSERV_RE=${AUTHSERV//./\\.}
BAD_IP=203.0.113.66		# a spoofing client: passes no SPF record
BAD_HELO=mx.attacker.example
BAD_FROM=x@attacker.example
GOOD_IP=192.0.2.10		# none.example's own server: in its SPF record
GOOD_HELO=mail.none.example
GOOD_FROM=bounce@none.example
RCPT=analyst@receiver.example
SMTP_PORT=2525			# Sendmail, 127.0.0.1 in the test namespace
SINK_ADDR=127.0.0.2		# smtp-sink; not 127.0.0.1, which Sendmail calls itself
SINK_PORT=2526

WORK= NS= NSD_PID= DG_PID= SM_PID= SINK_PID= SYSLOG_PID= WATCHDOG_PID=
E2E_NAME=e2e_sendmail
# shellcheck source=common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# in_ns COMMAND... - run COMMAND in the test's network namespace
in_ns() { ip netns exec "$NS" "$@"; }

# ns_pids - the processes still in the test's network namespace (all started
# here: Sendmail, its children, smtp-sink, a swaks cut off by the time limit)
ns_pids() { ip netns pids "$NS" 2>/dev/null || true; }

# stop_namespace - Sendmail first (SIGTERM), then whatever is left, then the namespace
stop_namespace() {
	local pid left
	stop_pid "$SM_PID" 10
	for sig in TERM KILL; do
		left=$(ns_pids)
		[ -n "$left" ] || break
		for pid in $left; do kill "-$sig" "$pid" 2>/dev/null || true; done
		wait_for 5 "the namespace's processes to stop" eval '[ -z "$(ns_pids)" ]' || true
	done
	[ -n "$SINK_PID" ] && wait "$SINK_PID" 2>/dev/null
	ip netns del "$NS" 2>/dev/null || note "could not delete network namespace $NS"
}

show_logs() {
	local f
	for f in dmarcguard.log sendmail.log sendmail.out sink.log nsd.err; do
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
	[ -n "$NS" ] && stop_namespace
	stop_pid "$DG_PID" 10
	stop_pid "$SYSLOG_PID" 5
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
[ "$(id -u)" = 0 ] || die "must run as root (namespaces, mounts and Sendmail's queue need it)"
for cmd in apt-get dpkg dpkg-deb m4 ip unshare mount smtp-sink swaks perl timeout; do
	command -v "$cmd" >/dev/null || die "$cmd not found: run scripts/install-deps.sh --test"
done
[ -x "$DMARCGUARD" ] || die "no daemon at $DMARCGUARD"
[ -x "$NSD_TOOL" ] || die "no nsd_tool at $NSD_TOOL"
[ -f "$MESSAGES/signed-none.eml" ] || die "no message corpus under $MESSAGES"
id postfix >/dev/null 2>&1 || die "no postfix user (smtp-sink runs as postfix)"

WORK=$(mktemp -d /run/dmarcguard-e2e-sm.XXXXXX)
chmod 0755 "$WORK"
SM=$WORK/sm
mkdir -p "$WORK/log" "$SM/prefix" "$SM/hostdev"
install -d -m 0700 "$SM/queue"
install -d -o postfix -m 0755 "$WORK/sink"
mkfifo "$WORK/watchdog"
# read on a FIFO opened read-write never sees data: it just times out.
( read -r -t "$TIME_LIMIT" _ <>"$WORK/watchdog" || kill -TERM $$ ) 7>&- &
WATCHDOG_PID=$!
note "working in $WORK"

# ---- Sendmail's packages: downloaded once into $DEBS, unpacked for each run
ARCH=$(dpkg --print-architecture)
# pick_debs - SM_DEBS: the newest sendmail-bin in $DEBS with base and cf of its version
pick_debs() {
	local bin ver
	bin=$(find "$DEBS" -maxdepth 1 -name "sendmail-bin_*_$ARCH.deb" 2>/dev/null | sort -V | tail -n 1)
	[ -n "$bin" ] || return 1
	ver=${bin##*/sendmail-bin_}
	ver=${ver%_"$ARCH".deb}
	SM_DEBS=("$bin" "$DEBS/sendmail-base_${ver}_all.deb" "$DEBS/sendmail-cf_${ver}_all.deb")
	[ -f "${SM_DEBS[1]}" ] && [ -f "${SM_DEBS[2]}" ]
}
if ! pick_debs; then
	note "downloading sendmail-bin sendmail-base sendmail-cf into $DEBS"
	mkdir -p "$DEBS"
	partial=$(mktemp -d "$DEBS/.download.XXXXXX")
	# a directory _apt can write to: no "download is performed unsandboxed" warning
	chmod 0755 "$partial"
	chown _apt "$partial" 2>/dev/null || true
	if ! (cd "$partial" && timeout 120 apt-get download sendmail-bin sendmail-base sendmail-cf) \
		>"$WORK/log/apt-download.log" 2>&1 7>&-; then
		rm -rf "$partial"
		die "apt-get download failed (Debian's archive unreachable, or no apt-get update?): $(tail -n 5 "$WORK/log/apt-download.log")"
	fi
	mv -f "$partial"/*.deb "$DEBS"/
	rm -rf "$partial"
	pick_debs || die "the download left no matching sendmail-bin, -base and -cf in $DEBS"
fi
for deb in "${SM_DEBS[@]}"; do
	dpkg -x "$deb" "$SM/prefix" || die "dpkg -x $deb failed"
done
SENDMAIL=$SM/prefix/usr/libexec/sendmail/sendmail
CF_M4=$SM/prefix/usr/share/sendmail/cf/m4/cf.m4
[ -x "$SENDMAIL" ] && [ -f "$CF_M4" ] || die "the packages hold no $SENDMAIL or $CF_M4"
missing=$(ldd "$SENDMAIL" 2>&1 | awk '/not found/ { print $1 }' | tr '\n' ' ')
[ -z "$missing" ] || die "Sendmail needs libraries that are not installed: $missing(install libwrap0 liblockfile1)"
note "Sendmail $(dpkg-deb -f "${SM_DEBS[0]}" Version) unpacked from $DEBS"

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

# ---- the daemon (in our own namespace: it reaches nsd, Sendmail reaches its socket)
SOCKET=$WORK/dmarcguard.sock
DG_CONF=$WORK/dmarcguard.conf
DG_LOG=$WORK/log/dmarcguard.log
cat >"$DG_CONF" <<EOF
Socket unix:$SOCKET
SocketMode 0600
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

# ---- Sendmail's syslog: a datagram socket whose lines go to log/sendmail.log
SM_LOG=$WORK/log/sendmail.log
: >"$SM_LOG"
perl -MIO::Socket::UNIX -e '
	my $s = IO::Socket::UNIX->new(Type => SOCK_DGRAM(), Local => $ARGV[0])
		or die "syslog receiver: $ARGV[0]: $!\n";
	$| = 1;
	while (defined $s->recv(my $m, 65536)) {
		$m =~ s/^<\d+>//;
		$m =~ s/\n*\z/\n/;
		print $m;
	}' "$SM/log.sock" >>"$SM_LOG" 2>"$WORK/log/syslog.err" 7>&- &
SYSLOG_PID=$!
syslog_ready() {
	alive "$SYSLOG_PID" || die "the syslog receiver exited: $(cat "$WORK/log/syslog.err")"
	[ -S "$SM/log.sock" ]
}
wait_for 10 "the syslog receiver" syslog_ready || die "no syslog receiver"

# ---- the network namespace: loopback with the two client addresses
NS=dmarcguard-sm-$$
ip netns add "$NS" || { NS=; die "ip netns add failed"; }
ip -n "$NS" link set lo up
ip -n "$NS" addr add "$BAD_IP/32" dev lo
ip -n "$NS" addr add "$GOOD_IP/32" dev lo

# in-ns COMMAND... (run under "unshare -m -u" in the namespace): Sendmail's
# host name, /etc/hosts, /etc/resolv.conf and /dev, then exec COMMAND. The
# mounts live and die with the private mount namespace.
printf '127.0.0.1\tlocalhost\n127.0.0.1\t%s\n%s\tsink.e2e.example\n' \
	"$AUTHSERV" "$SINK_ADDR" >"$SM/hosts"
printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$SM/resolv.conf"
printf 'hosts\tfiles\naliases\tfiles\n' >"$SM/service.switch"
cat >"$SM/in-ns" <<EOF
#!/bin/sh
set -e
echo $AUTHSERV >/proc/sys/kernel/hostname
[ ! -e /etc/hosts ] || mount --bind $SM/hosts /etc/hosts
[ ! -e /etc/resolv.conf ] || mount --bind $SM/resolv.conf /etc/resolv.conf
mount --bind /dev $SM/hostdev
mount -t tmpfs -o mode=0755,size=64k dmarcguard-e2e-dev /dev
for n in null zero full random urandom tty; do
	: >/dev/\$n
	mount --bind $SM/hostdev/\$n /dev/\$n
done
umount -l $SM/hostdev
ln -s /proc/self/fd /dev/fd
ln -s $SM/log.sock /dev/log
exec "\$@"
EOF
chmod 0755 "$SM/in-ns"
# sm ARGS... - Sendmail with our .cf in its namespaces
sm() { in_ns unshare -m -u "$SM/in-ns" "$SENDMAIL" -C "$SM/sendmail.cf" "$@"; }
# sm_list FILE ARGS... - a queue listing (-bp ...) into FILE, within 30 s
sm_list() {
	local out=$1
	shift
	timeout 30 ip netns exec "$NS" unshare -m -u "$SM/in-ns" \
		"$SENDMAIL" -C "$SM/sendmail.cf" "$@" >"$out" 2>&1 7>&-
}

# ---- smtp-sink: the smart host; -d stores each delivered message in a file
in_ns smtp-sink -u postfix -d "$WORK/sink/%M." "$SINK_ADDR:$SINK_PORT" 64 \
	>"$WORK/log/sink.log" 2>&1 7>&- &
SINK_PID=$!
# listening ADDR:PORT - something listens there in the namespace (no probe connection)
listening() { in_ns ss -ltn 2>/dev/null | grep -qF " $1 "; }
sink_ready() {
	alive "$SINK_PID" || die "smtp-sink exited: $(cat "$WORK/log/sink.log")"
	listening "$SINK_ADDR:$SINK_PORT"
}
wait_for 10 "smtp-sink on $SINK_ADDR:$SINK_PORT" sink_ready || die "smtp-sink did not start"

# ---- the Sendmail configuration
cat >"$SM/sendmail.mc" <<EOF
divert(-1)
# dmarcguard e2e_sendmail: generated by tests/e2e/sendmail.sh
divert(0)dnl
include(\`$CF_M4')dnl
VERSIONID(\`dmarcguard e2e_sendmail')dnl
OSTYPE(\`linux')dnl
define(\`confDOMAIN_NAME', \`$AUTHSERV')dnl
define(\`QUEUE_DIR', \`$SM/queue')dnl
define(\`confPID_FILE', \`$SM/sendmail.pid')dnl
define(\`STATUS_FILE', \`$SM/statistics')dnl
define(\`ALIAS_FILE', \`')dnl
define(\`HELP_FILE', \`')dnl
define(\`confSERVICE_SWITCH_FILE', \`$SM/service.switch')dnl
define(\`confHOSTS_FILE', \`$SM/hosts')dnl
define(\`confDONT_PROBE_INTERFACES', \`True')dnl
define(\`confTO_IDENT', \`0s')dnl
define(\`confLOG_LEVEL', \`10')dnl
define(\`SMART_HOST', \`[$SINK_ADDR]')dnl
define(\`RELAY_MAILER_ARGS', \`TCP \$h $SINK_PORT')dnl
FEATURE(\`no_default_msa')dnl
FEATURE(\`nocanonify')dnl
FEATURE(\`accept_unresolvable_domains')dnl
RELAY_DOMAIN(\`receiver.example')dnl
DAEMON_OPTIONS(\`Port=$SMTP_PORT, Addr=127.0.0.1, Name=MTA')dnl
INPUT_MAIL_FILTER(\`dmarcguard', \`S=local:$SOCKET, F=T, T=S:30s;R:60s')dnl
MAILER(\`local')dnl
MAILER(\`smtp')dnl
EOF
m4 "$SM/sendmail.mc" >"$SM/sendmail.cf" 2>"$WORK/log/m4.err" \
	|| die "m4 failed: $(cat "$WORK/log/m4.err")"
grep -q "^Xdmarcguard, S=local:$SOCKET, F=T, T=S:30s;R:60s\$" "$SM/sendmail.cf" \
	|| die "the generated .cf holds no dmarcguard milter line"
: >"$SM/statistics"

# ---- Sendmail: -bD is the daemon in the foreground (ip, unshare and in-ns exec: $! is Sendmail)
sm -bD >"$WORK/log/sendmail.out" 2>&1 7>&- &
SM_PID=$!
sendmail_ready() {
	alive "$SM_PID" || die "Sendmail exited at start: $(cat "$WORK/log/sendmail.out"; tail -n 5 "$SM_LOG")"
	listening "127.0.0.1:$SMTP_PORT"
}
# 30 s: well below the 60 s Sendmail sleeps when it cannot qualify its name
wait_for 30 "Sendmail on 127.0.0.1:$SMTP_PORT" sendmail_ready || die "Sendmail does not listen"
check "Sendmail logged its start" \
	wait_for 10 "Sendmail's start in its log" grep -q 'starting daemon (8\.17\.' "$SM_LOG"
note "Sendmail on 127.0.0.1:$SMTP_PORT in namespace $NS, smtp-sink on $SINK_ADDR:$SINK_PORT, milter unix:$SOCKET"

# ---- helpers for the cases
# send NAME FILE IP HELO MAIL_FROM - one SMTP transaction from IP (swaks binds
# to it in the namespace). Sets REPLY (the last server reply: to the end of
# data, or to the command that failed), QID (the queue id of a 250 "accepted
# for delivery"), and ALERTS (the alert lines the daemon wrote meanwhile).
# The transcript is in $WORK/swaks.NAME.
send() {
	local name=$1 file=$2 ip=$3 helo=$4 from=$5 out=$WORK/swaks.$1 before
	before=$(wc -l <"$DG_LOG")
	timeout 75 ip netns exec "$NS" swaks --server 127.0.0.1 --port "$SMTP_PORT" \
		--local-interface "$ip" --timeout 30 --helo "$helo" --from "$from" --to "$RCPT" \
		--data "@$file" --suppress-data >"$out" 2>&1 7>&- || true
	REPLY=$(awk '/^ -> QUIT/ { print last; done = 1; exit }
		     /^<[-*~]/ { last = $0 }
		     END { if (!done) print last }' "$out" | sed 's/^<[-*~]* *//')
	QID=$(printf '%s\n' "$REPLY" | sed -n 's/^250 2\.0\.0 \([0-9A-Za-z]*\) Message accepted.*/\1/p')
	ALERTS=$(tail -n +"$((before + 1))" "$DG_LOG" | grep ' v=1 qid=' || true)
	note "$name: $(basename "$file") from $ip -> ${REPLY:-no reply (see $out)}"
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

# alert_field KEY - the value of KEY= in the new alert line
alert_field() { printf '%s\n' "$ALERTS" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n 1; }

# sm_logged FIXED-STRING - Sendmail's log holds the line (syslog arrives a moment later)
sm_logged() { wait_for 10 "Sendmail to log: $1" grep -qF -- "$1" "$SM_LOG"; }

# queue_files QID - Sendmail's queue files of QID (qf/df/hf/...)
queue_files() { [ -n "$1" ] && find "$SM/queue" -name "??$1" -printf '%f ' || true; }

# queue_header_fields FILE - the unfolded header fields of a Sendmail queue
# file (H?flags?Name: value lines and their continuation lines), one a line
queue_header_fields() {
	awk '/^H/ { if (cur != "") print cur; cur = $0; sub(/^H(\?[^?]*\?)?/, "", cur); next }
	     /^[ \t]/ && cur != "" { cur = cur " " $0; next }
	     { if (cur != "") print cur; cur = "" }
	     END { if (cur != "") print cur }' "$1" 2>/dev/null || true
}

# sink_files MARKER - the copies stored by smtp-sink that hold the fixed string MARKER
sink_files() { grep -rlF -- "$1" "$WORK/sink" 2>/dev/null || true; }

# sink_complete QID - smtp-sink has stored all of the message Sendmail queued as QID
sink_complete() {
	local f
	f=$(sink_files "with ESMTP id $1" | head -n 1)
	[ -n "$f" ] && grep -q '^The team' "$f" && COPY=$f
}

# delivered_copy QID - wait until Sendmail sent QID to smtp-sink and the copy
# is stored; sets COPY to its file
delivered_copy() {
	COPY=
	[ -n "$1" ] || return 1
	wait_for 30 "Sendmail to deliver $1" \
		grep -qE " $1: to=<$RCPT>, .*mailer=relay, .* stat=Sent" "$SM_LOG" &&
	wait_for 10 "smtp-sink to store $1" sink_complete "$1"
}

# header_fields FILE - the unfolded header fields of the message in FILE, one a line
header_fields() {
	awk '/^\r?$/ { exit }
	     /^[ \t]/ { sub(/\r$/, ""); cur = cur " " $0; next }
	     { if (cur != "") print cur; sub(/\r$/, ""); cur = $0 }
	     END { if (cur != "") print cur }' "$1"
}

# sent_fields FILE - the header fields as Sendmail sent them: smtp-sink's dump
# starts with its own X-Client-Addr... envelope lines and Received: field
sent_fields() { header_fields "$1" | awk 'seen { print; next } /^Received: .*[ \t]by smtp-sink / { seen = 1 }'; }

# our_authres FILE - Authentication-Results fields claiming our authserv-id
our_authres() { header_fields "$1" | grep -iE "^Authentication-Results: *$AUTHSERV_RE *;" || true; }

# authres_above_received LINES - in these header fields, ours comes before Sendmail's Received:
authres_above_received() {
	local ours received
	ours=$(printf '%s\n' "$1" | grep -niE "^Authentication-Results: *$AUTHSERV_RE *;" | head -n 1)
	received=$(printf '%s\n' "$1" | grep -nE "^Received: .*[[:space:]]by $AUTHSERV_RE \(8\.17" | head -n 1)
	[ -n "$ours" ] && [ -n "$received" ] && [ "${ours%%:*}" -lt "${received%%:*}" ]
}

# ---- (a) p=none spoof: accepted at SMTP, then quarantined in Sendmail's queue
send none-spoof "$MESSAGES/unsigned-none.eml" "$BAD_IP" "$BAD_HELO" "$BAD_FROM"
check "(a) p=none spoof accepted at SMTP with 250 (got: $REPLY)" reply_is '^250 '
QID_A=$QID
check "(f) alert for (a): quarantine by the local floor over p=none (got: $ALERTS)" \
	alert_has "qid=$QID_A" "ip=$BAD_IP" "helo=$BAD_HELO" mfrom=attacker.example \
	from=none.example dkim=none dmarc=fail p=none action=quarantine \
	reason=dmarc-fail-local-floor override=yes
WHY_A="dmarcguard: dmarc-fail-local-floor (From domain none.example)"
if [ -n "$QID_A" ]; then
	check "(a) Sendmail logged the milter's quarantine of $QID_A with our reason" \
		sm_logged "$QID_A: milter=dmarcguard, quarantine=$WHY_A"
	rc=0
	sm_list "$WORK/quarantine.list" -bp -qQ || rc=$?
	check "(a) -bp -qQ (exit $rc) lists $QID_A as quarantined with our reason: $(tr '\n\t' '  ' <"$WORK/quarantine.list")" \
		eval '[ "$rc" = 0 ] && grep -A 1 "^$QID_A " "$WORK/quarantine.list" |
		      grep -qF "QUARANTINE: dmarcguard: dmarc-fail-local-floor"'
	rc=0
	sm_list "$WORK/queue.list" -bp || rc=$?
	check "(a) the plain queue listing (-bp, exit $rc) does not offer $QID_A for delivery: $(tr '\n\t' '  ' <"$WORK/queue.list")" \
		eval '[ "$rc" = 0 ] && grep -q "$SM/queue" "$WORK/queue.list" && ! grep -q "^$QID_A " "$WORK/queue.list"'
	HF=$SM/queue/hf$QID_A
	check "(a) the quarantined queue file hf$QID_A holds the full reason (files: $(queue_files "$QID_A"))" \
		grep -qxF "q$WHY_A" "$HF"
	held=$(queue_header_fields "$HF")
	check "(a) the held copy carries our Authentication-Results with dmarc=fail (got: $(printf '%s\n' "$held" | grep -iE "^Authentication-Results:"))" \
		eval 'printf "%s\n" "$held" | grep -E "^Authentication-Results: $AUTHSERV_RE;" | grep -q "dmarc=fail"'
	check "(a) in the held copy it sits above Sendmail's own Received: field" authres_above_received "$held"
else
	fail "(a) no queue id in the reply, cannot look for it in the quarantine"
fi

# ---- (b) p=reject spoof: 550 5.7.1 at end of data
send reject-spoof "$MESSAGES/unsigned-reject.eml" "$BAD_IP" "$BAD_HELO" "$BAD_FROM"
check "(b) p=reject spoof refused with 550 5.7.1 at end of data (got: $REPLY)" \
	eval 'reply_is "^550[ -]5\.7\.1 " && grep -q "^ -> [0-9]* lines sent" "$WORK/swaks.reject-spoof"'
check "(f) alert for (b): published reject (got: $ALERTS)" \
	alert_has "ip=$BAD_IP" "helo=$BAD_HELO" from=reject.example dmarc=fail p=reject \
	action=reject reason=published-reject override=no
QID_B=$(alert_field qid)
if [ -n "$QID_B" ]; then
	check "(b) Sendmail logged the milter's 550 5.7.1 at end of data for $QID_B (the alert's qid)" \
		sm_logged "$QID_B: Milter: data, reject=550 5.7.1 "
	check "(b) the refused message $QID_B left no queue file (got: $(queue_files "$QID_B"))" \
		test -z "$(queue_files "$QID_B")"
else
	fail "(b) the alert names no queue id"
fi

# ---- (c) legitimate signed mail from none.example's own server: delivered with our A-R on top
send signed "$MESSAGES/signed-none.eml" "$GOOD_IP" "$GOOD_HELO" "$GOOD_FROM"
check "(c) signed mail accepted with 250 (got: $REPLY)" reply_is '^250 '
QID_C=$QID
check "(f) alert for (c): SPF and DKIM pass, DMARC pass (got: $ALERTS)" \
	alert_has "qid=$QID_C" "ip=$GOOD_IP" "helo=$GOOD_HELO" mfrom=none.example \
	from=none.example spf=pass dkim=none.example:pass dmarc=pass action=accept \
	reason=dmarc-pass override=no
if delivered_copy "$QID_C"; then
	ar=$(our_authres "$COPY")
	check "(c) exactly one Authentication-Results: $AUTHSERV; in the delivered copy (got: $ar)" \
		test "$(printf '%s' "$ar" | grep -c .)" = 1
	check "(c) it says spf=pass, dkim=pass and dmarc=pass" \
		eval 'for r in spf=pass dkim=pass dmarc=pass; do printf "%s\n" "$ar" | grep -q "$r" || exit 1; done'
	check "(c) it is the first field Sendmail sent (got: $(sent_fields "$COPY" | head -n 1 | cut -c 1-60))" \
		eval 'sent_fields "$COPY" | head -n 1 | grep -qE "^Authentication-Results: $AUTHSERV_RE;"'
	check "(c) it sits above Sendmail's own Received: field" authres_above_received "$(sent_fields "$COPY")"
	check "(c) one space after its colon (SMFIP_HDR_LEADSPC honoured)" \
		grep -q "^Authentication-Results: $AUTHSERV_RE;" "$COPY"
	check "(c) exactly one copy delivered" \
		test "$(sink_files '<legit-none@corpus.example>' | wc -l)" = 1
else
	fail "(c) signed mail ${QID_C:-without queue id} did not reach smtp-sink"
fi
check "(a) the quarantined p=none spoof was not delivered" \
	test -z "$(sink_files '<spoof-none@corpus.example>')"
check "(b) the refused p=reject spoof was not delivered" \
	test -z "$(sink_files '<spoof-r@corpus.example>')"

# (lines that carry our own text are left out: a header with "spf=temperror",
# a quarantine reason, a reply text)
check "Sendmail logged no milter errors or timeouts while the daemon ran" \
	eval '! grep -vE " insert \([0-9]+\): header: |: milter=dmarcguard, |: Milter: data, reject=" "$SM_LOG" |
	      grep -iE "milter.*(error|timeout|unsafe|failed)"'
check "the daemon logged no errors or internal failures" \
	eval '! grep -E "dmarcguard\[(error|crit)\]|internal error" "$DG_LOG"'

# ---- (d) the milter dies: with F=T Sendmail answers 4xx; back up, accepted
RETRY=$WORK/retry.eml
{ printf 'X-E2E-Case: milter-restart\n'; cat "$MESSAGES/signed-none.eml"; } >"$RETRY"
kill -KILL "$DG_PID"
{ wait "$DG_PID"; } 2>/dev/null || true	# quiet: no "Killed" job notice
DG_PID=
queued_before=$(find "$SM/queue" -type f | sort)
send milter-down "$RETRY" "$GOOD_IP" "$GOOD_HELO" "$GOOD_FROM"
check "(d) with the milter killed, Sendmail answers 4xx (got: $REPLY)" reply_is '^4[0-9][0-9][ -]'
check "(d) Sendmail logged the failed milter and temp-failed" \
	sm_logged "Milter: initialization failed, temp failing commands"
check "(d) nothing was queued while the milter was down" \
	test "$(find "$SM/queue" -type f | sort)" = "$queued_before"
start_daemon
wait_for 20 "dmarcguard to listen again" daemon_ready || die "dmarcguard did not restart"
send milter-back "$RETRY" "$GOOD_IP" "$GOOD_HELO" "$GOOD_FROM"
check "(d) after the restart the same message is accepted with 250 (got: $REPLY)" reply_is '^250 '
QID_D=$QID
check "(f) alert for (d): pass after the restart (got: $ALERTS)" \
	alert_has "qid=$QID_D" "ip=$GOOD_IP" from=none.example dmarc=pass action=accept reason=dmarc-pass
if delivered_copy "$QID_D"; then
	check "(d) exactly one copy delivered, with our Authentication-Results" \
		eval '[ "$(sink_files "X-E2E-Case: milter-restart" | wc -l)" = 1 ] && [ -n "$(our_authres "$COPY")" ]'
else
	fail "(d) ${QID_D:-mail without queue id} did not reach smtp-sink after the restart"
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
