# shellcheck shell=bash
# lib.sh - sourced by tests/e2e/faults.sh and scripts/soak.sh: a private
# Postfix instance with the dmarcguard daemon as its milter, smtp-sink as
# the next hop and nsd serving tests/zones (plus the zones beside this
# file) on a port of our choosing, so that nsd can be stopped and started
# again on the same port. The same set-up as tests/e2e/postfix.sh, made
# into functions that scenarios can call more than once.
#
# The caller sets FL_NAME (prefix of every note), DMARCGUARD (the daemon),
# FL_TESTS (the tests/ directory) and, if /run will not do, FL_BASE (where
# the work directory goes), then calls fl_init TIME_LIMIT and
# the fl_*_start functions it needs. Every wait has a deadline; an EXIT
# trap (fl_cleanup) stops everything started here and removes the work
# directory unless DMARCGUARD_KEEP_TEST_DIRS is set. fl_cleanup calls the
# caller's fl_on_exit hook first when it is defined.

FL_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
WORK= NSD_PID= NSD_PORT= DG_PID= DG_CONF= SINK_PID= SINK_PORT= SMTP_PORT= WATCHDOG_PID=
PF_CONF= PF_QUEUE= CLIENT_PID=
E2E_NAME=$FL_NAME
# shellcheck source=../common.sh
. "$FL_DIR/../common.sh"

# now_ms - wall clock in milliseconds (the client logs the same clock)
now_ms() { date +%s%3N; }

# free_port - a port on 127.0.0.1 free for both UDP and TCP right now
free_port() {
	perl -MIO::Socket::INET -e '
		for (1 .. 100) {
			my $u = IO::Socket::INET->new(Proto => "udp", LocalAddr => "127.0.0.1",
						      LocalPort => 20000 + int(rand(12000))) or next;
			my $p = $u->sockport;
			my $t = IO::Socket::INET->new(Proto => "tcp", LocalAddr => "127.0.0.1",
						      LocalPort => $p, Listen => 1, ReuseAddr => 1) or next;
			print "$p\n";
			exit 0;
		}
		exit 1;'
}

# dns_answers PORT - a DNS server on 127.0.0.1@PORT answers a query for none.example SOA
dns_answers() {
	dig +time=1 +tries=1 +norecurse @127.0.0.1 -p "$1" none.example SOA 2>/dev/null |
		grep -q 'status: NOERROR'
}

# fl_init TIME_LIMIT - work directory, watchdog and the EXIT trap
fl_init() {
	local limit=$1
	[ "$(id -u)" = 0 ] || die "must run as root (Postfix and its queue need it)"
	for cmd in postfix postqueue postcat smtp-sink nsd dig perl openssl timeout; do
		command -v "$cmd" >/dev/null || die "$cmd not found: run scripts/install-deps.sh --test"
	done
	[ -x "$DMARCGUARD" ] || die "no daemon at $DMARCGUARD"
	[ -d "$FL_TESTS/zones" ] || die "no zones under $FL_TESTS"
	id postfix >/dev/null 2>&1 || die "no postfix user"
	# Not under /tmp: smtpd (user postfix) must reach the milter socket,
	# and a world-writable parent is a bad habit for sockets.
	WORK=$(mktemp -d "${FL_BASE:-/run}/dmarcguard-$FL_NAME.XXXXXX")
	chmod 0755 "$WORK"
	mkdir -p "$WORK/log" "$WORK/pf/etc" "$WORK/pf/queue" "$WORK/nsd"
	install -d -o postfix -m 0700 "$WORK/pf/data"
	install -d -o postfix -m 0755 "$WORK/sink"
	PF_CONF=$WORK/pf/etc
	PF_QUEUE=$WORK/pf/queue
	trap fl_cleanup EXIT
	# say where "set -e" ended the run
	set -o errtrace
	trap 'note "stopped by a failed command (exit $?) at line $LINENO: $BASH_COMMAND"' ERR
	trap 'note "interrupted"; exit 130' INT
	trap 'note "terminated (time limit of '"$limit"'s or ctest)"; exit 143' TERM
	if [ "$limit" -gt 0 ]; then
		mkfifo "$WORK/watchdog"
		# read on a FIFO opened read-write never sees data: it just times out.
		( read -r -t "$limit" _ <>"$WORK/watchdog" || kill -TERM $$ ) &
		WATCHDOG_PID=$!
	fi
	note "working in $WORK"
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

fl_show_logs() {
	local f
	for f in dmarcguard.log postfix.log sink.log nsd.log proxy.log; do
		[ -s "$WORK/log/$f" ] || continue
		note "---- last lines of $f"
		tail -n 40 "$WORK/log/$f"
	done
}

fl_cleanup() {
	local rc=$?
	set +e
	trap - EXIT INT TERM ERR
	if declare -F fl_on_exit >/dev/null; then fl_on_exit; fi
	[ -n "$WATCHDOG_PID" ] && kill "$WATCHDOG_PID" 2>/dev/null && wait "$WATCHDOG_PID" 2>/dev/null
	stop_pid "$CLIENT_PID" 10
	[ -n "$PF_CONF" ] && [ -f "$PF_CONF/main.cf" ] && stop_postfix
	stop_pid "$DG_PID" 35
	stop_pid "$SINK_PID" 5
	stop_pid "$NSD_PID" 10
	if [ "$rc" != 0 ] && [ -n "$WORK" ]; then
		fl_show_logs
	fi
	if [ -n "$WORK" ] && [ -z "${DMARCGUARD_KEEP_TEST_DIRS:-}" ]; then
		rm -rf "$WORK"
	elif [ -n "$WORK" ]; then
		note "kept $WORK"
	fi
	note "finished: $CHECKS checks, $FAILED failed, exit $rc"
	exit "$rc"
}

# ---- nsd on a fixed port: the zones of tests/zones and of this directory
# fl_nsd_start [PORT] - start nsd (a new port the first time, then the
# same one unless PORT is given); sets NSD_PID, NSD_PORT
fl_nsd_start() {
	local conf=$WORK/nsd/nsd.conf z name
	NSD_PORT=${1:-${NSD_PORT:-$(free_port)}}
	[ -n "$NSD_PORT" ] || die "no free port for nsd"
	{
		printf 'server:\n'
		printf '\tip-address: 127.0.0.1@%s\n' "$NSD_PORT"
		printf '\tdo-ip6: no\n\tserver-count: 1\n\tusername: ""\n\tchroot: ""\n'
		printf '\tdatabase: ""\n\tzonelistfile: "%s/zone.list"\n' "$WORK/nsd"
		printf '\txfrdfile: "%s/xfrd.state"\n\tpidfile: "%s/nsd.pid"\n' "$WORK/nsd" "$WORK/nsd"
		printf '\tlogfile: "%s/log/nsd.log"\n\tverbosity: 1\n' "$WORK"
		printf '\thide-version: yes\n\trrl-ratelimit: 0\n'
		for z in "$FL_TESTS"/zones/*.zone "$FL_DIR"/*.zone; do
			[ -f "$z" ] || continue
			name=$(basename "$z" .zone)
			printf 'zone:\n\tname: "%s."\n\tzonefile: "%s"\n' "$name" "$z"
		done
		# zones without data: nsd answers SERVFAIL for them
		sed 's/[ \t#].*//' "$FL_TESTS/zones/servfail-zones.txt" | grep . |
			while read -r name; do printf 'zone:\n\tname: "%s"\n' "$name"; done
	} >"$conf"
	nsd -d -c "$conf" >>"$WORK/log/nsd.log" 2>&1 </dev/null &
	NSD_PID=$!
	nsd_ready() {
		alive "$NSD_PID" || die "nsd exited at start: $(tail -n 5 "$WORK/log/nsd.log")"
		dns_answers "$NSD_PORT"
	}
	wait_for 30 "nsd to answer on port $NSD_PORT" nsd_ready || die "nsd did not start"
}

# fl_nsd_stop - stop nsd (SIGTERM) and wait until nothing answers on its port
fl_nsd_stop() {
	stop_pid "$NSD_PID" 10
	NSD_PID=
	wait_for 10 "port $NSD_PORT to stop answering" eval '! dns_answers "$NSD_PORT"' ||
		die "something still answers DNS on port $NSD_PORT"
}

# ---- the daemon
# fl_daemon_conf FILE NAMESERVERS DNSTIMEOUT [EXTRA-LINE...]
fl_daemon_conf() {
	local file=$1 ns=$2 timeout=$3
	shift 3
	{
		printf 'Socket unix:%s\n' "$WORK/dmarcguard.sock"
		printf 'SocketMode 0660\nSocketGroup postfix\n'
		printf 'PidFile %s\n' "$WORK/dmarcguard.pid"
		printf 'Syslog no\nAuthservID mx.e2e.example\n'
		printf 'Nameservers %s\nDNSTimeout %s\n' "$ns" "$timeout"
		if [ "$#" -gt 0 ]; then printf "%s\n" "$@"; fi
	} >"$file"
}

# fl_daemon_start CONF - start the daemon in the foreground on CONF; sets DG_PID
fl_daemon_start() {
	DG_CONF=$1
	"$DMARCGUARD" -f -c "$DG_CONF" >>"$WORK/log/dmarcguard.out" 2>>"$WORK/log/dmarcguard.log" &
	DG_PID=$!
	daemon_ready() {
		alive "$DG_PID" || die "dmarcguard exited at start: $(tail -n 5 "$WORK/log/dmarcguard.log")"
		[ -S "$WORK/dmarcguard.sock" ] && grep -q ' started (pid '"$DG_PID"',' "$WORK/log/dmarcguard.log"
	}
	wait_for 20 "dmarcguard to listen" daemon_ready || die "dmarcguard did not start"
}

# fl_daemon_stop - SIGTERM and wait (the daemon drains up to 30 s); sets DG_RC
fl_daemon_stop() {
	DG_RC=
	[ -n "$DG_PID" ] || return 0
	kill -TERM "$DG_PID" 2>/dev/null || true
	if wait_for 40 "dmarcguard to stop on SIGTERM" eval '! alive "$DG_PID"'; then
		DG_RC=0
		wait "$DG_PID" 2>/dev/null || DG_RC=$?
	else
		kill -KILL "$DG_PID" 2>/dev/null || true
		{ wait "$DG_PID"; } 2>/dev/null || true
		DG_RC=timeout
	fi
	DG_PID=
}

# fl_daemon_kill9 - SIGKILL, no clean-up by the daemon at all
fl_daemon_kill9() {
	kill -KILL "$DG_PID" 2>/dev/null || true
	{ wait "$DG_PID"; } 2>/dev/null || true
	DG_PID=
}

# fl_daemon_rss - resident set size of the daemon in KiB
fl_daemon_rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$DG_PID/status" 2>/dev/null || echo '?'; }

# ---- smtp-sink: the next hop; -d stores each delivered message in a file
# (one directory a second, so the random file-name suffixes cannot collide)
fl_sink_start() {
	SINK_PORT=$(free_port) || die "no free port"
	smtp-sink -u postfix -d "$WORK/sink/%H%M/%S." "127.0.0.1:$SINK_PORT" 256 \
		>"$WORK/log/sink.log" 2>&1 &
	SINK_PID=$!
	sink_ready() {
		alive "$SINK_PID" || die "smtp-sink exited: $(cat "$WORK/log/sink.log")"
		port_in_use "$SINK_PORT"
	}
	wait_for 10 "smtp-sink on port $SINK_PORT" sink_ready || die "smtp-sink did not start"
}

# ---- the private Postfix instance
# fl_postfix_start [MAIN.CF-LINE...]
fl_postfix_start() {
	SMTP_PORT=$(free_port) || die "no free port"
	cat >"$PF_CONF/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $PF_QUEUE
data_directory = $WORK/pf/data
myhostname = mx.e2e.example
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
smtpd_milters = unix:$WORK/dmarcguard.sock
milter_default_action = tempfail
milter_connect_timeout = 10s
milter_command_timeout = 30s
milter_content_timeout = 60s
# Load clients send many rejected messages per session: no tarpit, no cut-off.
smtpd_soft_error_limit = 100000
smtpd_hard_error_limit = 100000
smtpd_error_sleep_time = 0
# Queue ids are never reused: the accounting maps them to Message-IDs.
enable_long_queue_ids = yes
maillog_file = $WORK/log/postfix.log
maillog_file_prefixes = $WORK/log
EOF
	if [ "$#" -gt 0 ]; then printf "%s\n" "$@" >>"$PF_CONF/main.cf"; fi
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
	timeout 60 postfix -c "$PF_CONF" check >"$WORK/log/postfix-check.out" 2>&1 ||
		die "postfix check failed: $(cat "$WORK/log/postfix-check.out")"
	timeout 60 postfix -c "$PF_CONF" start >"$WORK/log/postfix-start.out" 2>&1 ||
		die "postfix start failed: $(cat "$WORK/log/postfix-start.out")"
	wait_for 30 "smtpd on port $SMTP_PORT" port_in_use "$SMTP_PORT" || die "Postfix does not listen"
}

# ---- the message accounting
# queue_json - "postqueue -j", one message a line
queue_json() { timeout 60 postqueue -c "$PF_CONF" -j 2>/dev/null || true; }

# queue_busy - messages outside the hold queue: files under incoming,
# active and deferred (cheaper than postqueue with many held messages)
queue_busy() {
	find "$PF_QUEUE/incoming" "$PF_QUEUE/active" "$PF_QUEUE/deferred" -type f 2>/dev/null | wc -l
}

# wait_queue_drained SECONDS - until Postfix has delivered all it accepted
wait_queue_drained() {
	local limit=$1
	queue_idle() { [ "$(queue_busy)" = 0 ]; }
	wait_for "$limit" "the Postfix queue to drain" queue_idle
}

# outcomes FILE [LOG...] - one "MESSAGE-ID OUTCOME" line per message that
# Postfix or the client finished with: "delivered" (each copy smtp-sink
# stored), "held" (each message of the hold queue in "postqueue -j",
# matched to its Message-ID through cleanup's "message-id=" log line; the
# queue ids are long ones, never reused), and from the client logs LOG...
# "rejected" (550 at the end of data) or "refused-STAGE-CODE" (any other
# 5xx). A Message-ID listed twice is a duplicate.
outcomes() {
	local out=$1
	shift
	{
		# (grep finds nothing when nothing was delivered or held yet)
		{ find "$WORK/sink" -type f -exec grep -ahoi -m1 '^Message-ID: *<[^>]*>' {} + || true; } |
			sed 's/^[^<]*<\([^>]*\)>.*/\1 delivered/'
		{ queue_json | grep '"queue_name": "hold"' || true; } |
			sed -n 's/.*"queue_id": "\([0-9A-Za-z]*\)".*/\1/p' | LC_ALL=C sort -u >"$WORK/held.qids"
		sed -n 's/.* \([0-9A-Za-z]*\): message-id=<\([^>]*\)>.*/\1 \2/p' "$WORK/log/postfix.log" |
			LC_ALL=C sort -u -k1,1 | LC_ALL=C join - "$WORK/held.qids" | awk '{ print $2, "held" }'
		if [ "$#" -gt 0 ]; then cat "$@"; fi | awk -F'\t' '
			$6 == "550" && $5 == "dot" { print $1, "rejected"; next }
			$6 ~ /^5/ { print $1, "refused-" $5 "-" $6 }'
	} >"$out"
}

# ---- messages
# fl_make_templates DIR - a template (DIR/NAME.tmpl, Message-ID "<@@ID@@>")
# for each message of tests/messages/policy that can have one: the unsigned
# ones as they are, and those with one rsa-sha256 signature without l=
# signed again the same way (same d=, s= and key) but without Message-ID
# in h=, so each copy can carry a Message-ID of its own. The body of
# signed-none-body-tampered is changed after signing, as in the corpus.
fl_make_templates() {
	local out=$1 f name sig d s h
	mkdir -p "$out"
	for f in "$FL_TESTS"/messages/policy/*.eml; do
		name=$(basename "$f" .eml)
		case $name in
		unsigned-*)
			sed 's/^Message-ID: .*/Message-ID: <@@ID@@>/' "$f" >"$out/$name.tmpl"
			continue ;;
		esac
		[ "$(grep -c '^DKIM-Signature:' "$f")" = 1 ] || continue
		sig=$(grep '^DKIM-Signature:' "$f")
		case $sig in *' a=rsa-sha256;'*) ;; *) continue ;; esac
		case $sig in *' l='*) continue ;; esac
		d=$(printf '%s\n' "$sig" | sed -n 's/.* d=\([^;]*\);.*/\1/p')
		s=$(printf '%s\n' "$sig" | sed -n 's/.* s=\([^;]*\);.*/\1/p')
		h=$(printf '%s\n' "$sig" | sed -n 's/.* h=\([^;]*\);.*/\1/p' |
			tr ':' '\n' | grep -vix 'message-id' | paste -sd: -)
		grep -v '^DKIM-Signature:' "$f" | sed 's/^Message-ID: .*/Message-ID: <@@ID@@>/' |
			perl "$FL_DIR/dkim_sign.pl" "$FL_TESTS/keys/rsa2048.pem" "$s" "$d" "$h" \
			>"$out/$name.tmpl" || die "cannot sign a template for $name"
		case $name in
		*body-tampered)
			sed -i '/^$/,$ s/briefing notes below/briefing notes below, and a link/' "$out/$name.tmpl" ;;
		esac
	done
}

# fl_check_mix MIX TEMPLATE-DIR NAMESERVER - every kind of MIX gets the
# expected verdict from "dmarcguard --test" (the daemon's own code path,
# no MTA): a mistake in the mix shows here, not as a lost message later
fl_check_mix() {
	local mix=$1 dir=$2 ns=$3 w t ip helo from want got conf=$WORK/offline.conf
	printf 'Nameservers %s\nSyslog no\nAuthservID mx.e2e.example\nDNSTimeout 2s\n' "$ns" >"$conf"
	while read -r w t ip helo from want; do
		case $w in '' | \#*) continue ;; esac
		[ "$from" = '<>' ] && from=
		got=$("$DMARCGUARD" -c "$conf" --test "$dir/$t.tmpl" --client-ip "$ip" --helo "$helo" \
			--mail-from "$from" 2>&1 | sed -n 's/.* action=\([a-z]*\) .*/\1/p')
		case $got in accept) got=delivered ;; quarantine) got=held ;; reject) got=rejected ;; esac
		[ "$got" = "$want" ] || die "$t from $ip: dmarcguard --test says ${got:-nothing}, the mix wants $want"
	done <"$mix"
}

# ---- the client
# fl_client NAME JOBS [OPTION...] - smtp_client.pl in the background,
# logging to $WORK/client/NAME.log.W; sets CLIENT_PID
fl_client() {
	local name=$1 jobs=$2
	shift 2
	mkdir -p "$WORK/client"
	rm -f "$WORK/client/$name.log".*
	perl "$FL_DIR/smtp_client.pl" --server "127.0.0.1:$SMTP_PORT" --jobs "$jobs" \
		--log "$WORK/client/$name.log" "$@" 2>>"$WORK/log/client.err" &
	CLIENT_PID=$!
}

# fl_client_done NAME - attempts the client NAME has finished so far
fl_client_done() { cat "$WORK/client/$1.log".* 2>/dev/null | wc -l; }

# fl_client_wait NAME SECONDS - wait for the client, merge its logs into
# $WORK/client/NAME.log; 1 if it failed or ran out of time
fl_client_wait() {
	local name=$1 rc=0
	if ! wait_for "$2" "the client $name to finish" eval '! alive "$CLIENT_PID"'; then
		kill -TERM "$CLIENT_PID" 2>/dev/null || true
		rc=1
	fi
	wait "$CLIENT_PID" || rc=1
	cat "$WORK/client/$name.log".* 2>/dev/null | sort -t"$(printf '\t')" -k3,3n >"$WORK/client/$name.log"
	rm -f "$WORK/client/$name.log".*
	return "$rc"
}

# fl_account EXPECT OUT LOG... - compare the outcome of each message of
# EXPECT ("MESSAGE-ID OUTCOME KIND" lines) with what happened (outcomes,
# the client logs LOG...). Writes to OUT one line per problem: "lost ID
# KIND", "duplicated ID OUTCOMES", "wrong ID WANT GOT"; sets LOST,
# DUPLICATED, WRONG (counts) and the counts per outcome N_DELIVERED,
# N_HELD, N_REJECTED.
fl_account() {
	local expect=$1 out=$2
	shift 2
	[ -s "$expect" ] || die "fl_account: no expected outcomes in $expect"
	outcomes "$WORK/outcomes" "$@"
	LC_ALL=C awk 'FNR == NR { want[$1] = $2; kind[$1] = $3; next }
		($1 in want) { n[$1]++; got[$1] = got[$1] (got[$1] == "" ? "" : ",") $2 }
		END {
			for (id in want) {
				if (!(id in n)) print "lost", id, kind[id]
				else if (n[id] > 1) print "duplicated", id, got[id]
				else if (got[id] != want[id]) print "wrong", id, want[id], got[id]
			}
		}' "$expect" "$WORK/outcomes" | sort >"$out"
	LOST=$(grep -c '^lost ' "$out" || true)
	DUPLICATED=$(grep -c '^duplicated ' "$out" || true)
	WRONG=$(grep -c '^wrong ' "$out" || true)
	N_DELIVERED=$(LC_ALL=C awk 'FNR == NR { w[$1]; next } ($1 in w) && $2 == "delivered"' \
		"$expect" "$WORK/outcomes" | wc -l)
	N_HELD=$(LC_ALL=C awk 'FNR == NR { w[$1]; next } ($1 in w) && $2 == "held"' \
		"$expect" "$WORK/outcomes" | wc -l)
	N_REJECTED=$(LC_ALL=C awk 'FNR == NR { w[$1]; next } ($1 in w) && $2 == "rejected"' \
		"$expect" "$WORK/outcomes" | wc -l)
}
