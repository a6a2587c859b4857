# shellcheck shell=bash
# sendmail_instance.sh - the one private Sendmail 8.17 of the end-to-end
# scripts (sendmail.sh). Sendmail is not installed: its Debian packages
# (sendmail-bin, sendmail-base, sendmail-cf) are fetched once with
# "apt-get download" into a cache directory, unpacked with dpkg -x into a
# private prefix under $WORK/sm, and the daemon runs from there with a .cf
# built by m4 from the prefix's cf.m4.
#
# Sendmail has no XCLIENT: the client address the milter sees is that of
# the connection. So it runs in a network namespace of its own whose
# loopback also carries the client addresses the caller names, and in its
# own UTS and mount namespaces: a fully qualified host name ($E2E_AUTHSERV;
# without one it sleeps 60 s at start), private /etc/hosts and
# /etc/resolv.conf (no DNS leaves the namespace), and a private /dev whose
# /dev/log leads to a receiver of ours, so its syslog lines land in
# $SM_LOG. Its milter socket must not sit below a world-writable
# directory (run.sh's work directory is under /run). run.sh comes first.
#
#   sm_unpack CACHE                  the packages, downloaded once, unpacked
#   sm_syslog_start                  the receiver of its syslog lines
#   sm_netns ADDRESS...              the network namespace; sets NS
#   sm_start PORT SINK-ADDR SINK-PORT MILTER-SOCKET
#                                    configure, start on 127.0.0.1:PORT in NS
#   sm_stop                          Sendmail, then all in NS, then NS
#   in_ns COMMAND...                 run COMMAND in NS
#   sm_list FILE ARGS...             a queue listing (-bp ...) into FILE
#   sm_logged TEXT                   Sendmail's log holds TEXT (waits 10 s)
# The EXIT trap stops Sendmail and deletes the namespace.

SM= SENDMAIL= CF_M4= SM_DEBS=() SM_PID= SM_LOG= SYSLOG_PID= NS=

# sm_need - die unless what unpacking and running Sendmail needs is there
sm_need() {
	e2e_need_commands apt-get dpkg dpkg-deb m4 ip ss unshare mount smtp-sink perl timeout
	id postfix >/dev/null 2>&1 || die "no postfix user (smtp-sink runs as postfix)"
}

# sm_pick_debs CACHE - SM_DEBS: the newest sendmail-bin in CACHE with base and cf of its version
sm_pick_debs() {
	local arch bin ver
	arch=$(dpkg --print-architecture)
	bin=$(find "$1" -maxdepth 1 -name "sendmail-bin_*_$arch.deb" 2>/dev/null | sort -V | tail -n 1)
	[ -n "$bin" ] || return 1
	ver=${bin##*/sendmail-bin_}
	ver=${ver%_"$arch".deb}
	SM_DEBS=("$bin" "$1/sendmail-base_${ver}_all.deb" "$1/sendmail-cf_${ver}_all.deb")
	[ -f "${SM_DEBS[1]}" ] && [ -f "${SM_DEBS[2]}" ]
}

# sm_unpack CACHE - Sendmail's packages (downloaded into CACHE the first
# time) unpacked into $SM/prefix; sets SENDMAIL and CF_M4
sm_unpack() {
	local debs=$1 partial deb missing
	SM=$WORK/sm
	mkdir -p "$SM/prefix" "$SM/hostdev"
	install -d -m 0700 "$SM/queue"
	if ! sm_pick_debs "$debs"; then
		note "downloading sendmail-bin sendmail-base sendmail-cf into $debs"
		mkdir -p "$debs"
		partial=$(mktemp -d "$debs/.download.XXXXXX")
		# a directory _apt can write to: no "download is performed unsandboxed" warning
		chmod 0755 "$partial"
		chown _apt "$partial" 2>/dev/null || true
		if ! (cd "$partial" && timeout 120 apt-get download sendmail-bin sendmail-base sendmail-cf) \
			>"$WORK/log/apt-download.log" 2>&1 7>&-; then
			rm -rf "$partial"
			die "apt-get download failed (Debian's archive unreachable, or no apt-get update?): $(tail -n 5 "$WORK/log/apt-download.log")"
		fi
		mv -f "$partial"/*.deb "$debs"/
		rm -rf "$partial"
		sm_pick_debs "$debs" || die "the download left no matching sendmail-bin, -base and -cf in $debs"
	fi
	for deb in "${SM_DEBS[@]}"; do
		dpkg -x "$deb" "$SM/prefix" || die "dpkg -x $deb failed"
	done
	SENDMAIL=$SM/prefix/usr/libexec/sendmail/sendmail
	CF_M4=$SM/prefix/usr/share/sendmail/cf/m4/cf.m4
	[ -x "$SENDMAIL" ] && [ -f "$CF_M4" ] || die "the packages hold no $SENDMAIL or $CF_M4"
	missing=$(ldd "$SENDMAIL" 2>&1 | awk '/not found/ { print $1 }' | tr '\n' ' ')
	[ -z "$missing" ] || die "Sendmail needs libraries that are not installed: $missing(install libwrap0 liblockfile1)"
	note "Sendmail $(dpkg-deb -f "${SM_DEBS[0]}" Version) unpacked from $debs"
}

# in_ns COMMAND... - run COMMAND in the test's network namespace
in_ns() { ip netns exec "$NS" "$@"; }

# sm_ns_pids - the processes still in the namespace (all started here:
# Sendmail, its children, smtp-sink, a swaks cut off by the time limit)
sm_ns_pids() { ip netns pids "$NS" 2>/dev/null || true; }

# sm_netns ADDRESS... - a network namespace, loopback up with ADDRESSes on it; sets NS
sm_netns() {
	local addr
	NS=dmarcguard-sm-$$
	ip netns add "$NS" || { NS=; die "ip netns add failed"; }
	e2e_at_exit sm_stop
	ip -n "$NS" link set lo up
	for addr in "$@"; do ip -n "$NS" addr add "$addr/32" dev lo; done
}

# sm_stop - Sendmail first (SIGTERM), then whatever is left, then the namespace
sm_stop() {
	local pid left sig
	[ -n "$NS" ] || return 0
	stop_pid "$SM_PID" 10
	for sig in TERM KILL; do
		left=$(sm_ns_pids)
		[ -n "$left" ] || break
		for pid in $left; do kill "-$sig" "$pid" 2>/dev/null || true; done
		wait_for 5 "the namespace's processes to stop" eval '[ -z "$(sm_ns_pids)" ]' || true
	done
	ip netns del "$NS" 2>/dev/null || note "could not delete network namespace $NS"
	NS=
}

# sm_syslog_start - a datagram socket whose lines go to $SM_LOG
sm_syslog_start() {
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
	e2e_at_exit 'stop_pid "$SYSLOG_PID" 5'
	e2e_show_log sendmail.log sendmail.out
	sm_syslog_ready() {
		alive "$SYSLOG_PID" || die "the syslog receiver exited: $(cat "$WORK/log/syslog.err")"
		[ -S "$SM/log.sock" ]
	}
	wait_for 10 "the syslog receiver" sm_syslog_ready || die "no syslog receiver"
}

# sm_listening ADDR:PORT - something listens there in the namespace (no probe connection)
sm_listening() { in_ns ss -ltn 2>/dev/null | grep -qF " $1 "; }

# sm_write_cf PORT SINK-ADDR SINK-PORT MILTER-SOCKET - $SM/sendmail.cf and
# in-ns, the script that sets up the UTS and mount namespaces (run under
# "unshare -m -u" in NS: host name, /etc/hosts, /etc/resolv.conf, /dev,
# then exec its arguments; the mounts die with the mount namespace)
sm_write_cf() {
	local port=$1 sink_addr=$2 sink_port=$3 socket=$4
	printf '127.0.0.1\tlocalhost\n127.0.0.1\t%s\n%s\tsink.e2e.example\n' \
		"$E2E_AUTHSERV" "$sink_addr" >"$SM/hosts"
	printf 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n' >"$SM/resolv.conf"
	printf 'hosts\tfiles\naliases\tfiles\n' >"$SM/service.switch"
	cat >"$SM/in-ns" <<EOC
#!/bin/sh
set -e
echo $E2E_AUTHSERV >/proc/sys/kernel/hostname
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
EOC
	chmod 0755 "$SM/in-ns"
	cat >"$SM/sendmail.mc" <<EOC
divert(-1)
# dmarcguard e2e: generated by tests/e2e/lib/sendmail_instance.sh
divert(0)dnl
include(\`$CF_M4')dnl
VERSIONID(\`dmarcguard e2e_sendmail')dnl
OSTYPE(\`linux')dnl
define(\`confDOMAIN_NAME', \`$E2E_AUTHSERV')dnl
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
define(\`SMART_HOST', \`[$sink_addr]')dnl
define(\`RELAY_MAILER_ARGS', \`TCP \$h $sink_port')dnl
FEATURE(\`no_default_msa')dnl
FEATURE(\`nocanonify')dnl
FEATURE(\`accept_unresolvable_domains')dnl
RELAY_DOMAIN(\`receiver.example')dnl
DAEMON_OPTIONS(\`Port=$port, Addr=127.0.0.1, Name=MTA')dnl
INPUT_MAIL_FILTER(\`dmarcguard', \`S=local:$socket, F=T, T=S:30s;R:60s')dnl
MAILER(\`local')dnl
MAILER(\`smtp')dnl
EOC
	m4 "$SM/sendmail.mc" >"$SM/sendmail.cf" 2>"$WORK/log/m4.err" ||
		die "m4 failed: $(cat "$WORK/log/m4.err")"
	grep -q "^Xdmarcguard, S=local:$socket, F=T, T=S:30s;R:60s\$" "$SM/sendmail.cf" ||
		die "the generated .cf holds no dmarcguard milter line"
	: >"$SM/statistics"
}

# sm ARGS... - Sendmail with our .cf in its namespaces
sm() { in_ns unshare -m -u "$SM/in-ns" "$SENDMAIL" -C "$SM/sendmail.cf" "$@"; }

# sm_list FILE ARGS... - a queue listing (-bp ...) into FILE, within 30 s
sm_list() {
	local out=$1
	shift
	timeout 30 ip netns exec "$NS" unshare -m -u "$SM/in-ns" \
		"$SENDMAIL" -C "$SM/sendmail.cf" "$@" >"$out" 2>&1 7>&-
}

# sm_start PORT SINK-ADDR SINK-PORT MILTER-SOCKET - Sendmail as a daemon in
# the foreground (-bD) on 127.0.0.1:PORT in NS, relaying to the sink, with
# the milter (F=T: tempfail when it is away); sets SM_PID (ip, unshare
# and in-ns exec: $! is Sendmail)
sm_start() {
	local port=$1
	sm_write_cf "$@"
	sm -bD >"$WORK/log/sendmail.out" 2>&1 7>&- &
	SM_PID=$!
	sm_ready() {
		alive "$SM_PID" || die "Sendmail exited at start: $(cat "$WORK/log/sendmail.out"; tail -n 5 "$SM_LOG")"
		sm_listening "127.0.0.1:$port"
	}
	# 30 s: well below the 60 s Sendmail sleeps when it cannot qualify its name
	wait_for 30 "Sendmail on 127.0.0.1:$port" sm_ready || die "Sendmail does not listen"
}

# sm_logged FIXED-STRING - Sendmail's log holds the line (syslog arrives a moment later)
sm_logged() { wait_for 10 "Sendmail to log: $1" grep -qF -- "$1" "$SM_LOG"; }

# sm_delivered QID - Sendmail logged QID as sent through the relay mailer
sm_delivered() { grep -qE " $1: to=<[^>]*>, .*mailer=relay, .* stat=Sent" "$SM_LOG"; }

# sm_queue_files QID - Sendmail's queue files of QID (qf/df/hf/...)
sm_queue_files() { [ -n "$1" ] && find "$SM/queue" -name "??$1" -printf '%f ' || true; }
