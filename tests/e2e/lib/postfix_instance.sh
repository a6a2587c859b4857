# shellcheck shell=bash
# postfix_instance.sh - the one private Postfix instance of the end-to-end
# scripts (postfix.sh, faults.sh, scripts/soak.sh): its own configuration
# and queue directories under $WORK/pf, smtpd on a loopback port of the
# caller's choosing, dmarcguard as its milter (milter_default_action =
# tempfail: nothing is lost when the milter is away), no local delivery and
# no DNS, mail for receiver.example relayed to a next hop (smtp-sink), its
# log in $WORK/log/postfix.log. XCLIENT is allowed from loopback, so the
# test client chooses the address and HELO that smtpd and the milter see.
# run.sh comes first.
#
#   pf_start PORT NEXT_HOP MILTER [MAIN.CF-LINE...]  configure and start
#   pf_stop                                          stop, whatever it takes
# pf_start may be called again after pf_stop (the configuration is written
# anew); the EXIT trap stops the instance. PF_MILTER_CONF holds the daemon
# configuration lines that let smtpd (user postfix) use the socket.

PF_CONF= PF_QUEUE= PF_LOG= PF_AT_EXIT=
PF_MILTER_CONF=("SocketMode 0660" "SocketGroup postfix")

# pf_need - die unless Postfix and its user are there
pf_need() {
	e2e_need_commands postfix postqueue postcat smtp-sink
	id postfix >/dev/null 2>&1 || die "no postfix user"
}

# pf_start PORT NEXT_HOP MILTER [MAIN.CF-LINE...] - smtpd on 127.0.0.1:PORT,
# relay_transport to NEXT_HOP (e.g. [127.0.0.1]:2526), smtpd_milters =
# MILTER (e.g. unix:/run/.../dmarcguard.sock), then the extra lines
pf_start() {
	local port=$1 next_hop=$2 milter=$3
	shift 3
	SMTP_PORT=$port
	PF_CONF=$WORK/pf/etc
	PF_QUEUE=$WORK/pf/queue
	PF_LOG=$WORK/log/postfix.log
	mkdir -p "$PF_CONF" "$PF_QUEUE"
	install -d -o postfix -m 0700 "$WORK/pf/data"
	if [ -z "$PF_AT_EXIT" ]; then
		PF_AT_EXIT=1
		e2e_at_exit pf_stop
		e2e_show_log postfix.log
	fi
	cat >"$PF_CONF/main.cf" <<EOC
compatibility_level = 3.6
queue_directory = $PF_QUEUE
data_directory = $WORK/pf/data
myhostname = $E2E_AUTHSERV
mydomain = e2e.example
myorigin = \$myhostname
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
# No local delivery and no DNS: accepted mail goes to the next hop.
mydestination =
local_transport = error:local delivery is disabled in this test
alias_maps =
alias_database =
relay_domains = receiver.example
relay_transport = relay:$next_hop
default_transport = error:only receiver.example is served in this test
smtp_dns_support_level = disabled
smtp_host_lookup = native
smtpd_peername_lookup = no
biff = no
# The test client chooses the address and HELO that smtpd and milters see.
smtpd_authorized_xclient_hosts = 127.0.0.0/8
smtpd_milters = $milter
milter_default_action = tempfail
milter_connect_timeout = 10s
milter_command_timeout = 30s
milter_content_timeout = 60s
maillog_file = $PF_LOG
maillog_file_prefixes = $WORK/log
EOC
	if [ "$#" -gt 0 ]; then printf "%s\n" "$@" >>"$PF_CONF/main.cf"; fi
	# No chroot (column 5 "n"), no port 25: our smtpd on its own loopback port.
	cat >"$PF_CONF/master.cf" <<EOC
127.0.0.1:$port inet n - n - - smtpd
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
EOC
	timeout 60 postfix -c "$PF_CONF" check >"$WORK/log/postfix-check.out" 2>&1 ||
		die "postfix check failed: $(cat "$WORK/log/postfix-check.out")"
	timeout 60 postfix -c "$PF_CONF" start >"$WORK/log/postfix-start.out" 2>&1 7>&- ||
		die "postfix start failed: $(cat "$WORK/log/postfix-start.out")"
	wait_for 30 "smtpd on port $port" port_in_use "$port" || die "Postfix does not listen"
}

# pf_stop - "postfix stop", then kill whatever still runs in its queue directory
pf_stop() {
	local master= proc left
	[ -n "$PF_QUEUE" ] && [ -f "$PF_CONF/main.cf" ] || return 0
	[ -f "$PF_QUEUE/pid/master.pid" ] && master=$(tr -d ' \n' <"$PF_QUEUE/pid/master.pid")
	timeout 20 postfix -c "$PF_CONF" stop >/dev/null 2>&1 || true
	if [ -n "$master" ] && ! wait_for 10 "the Postfix master to stop" eval '! alive '"$master"; then
		kill -KILL "$master" 2>/dev/null || true
	fi
	# Postfix daemons run with the queue directory as working directory.
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		left=0
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

# pf_queue_json - "postqueue -j", one message a line
pf_queue_json() { timeout 60 postqueue -c "$PF_CONF" -j 2>/dev/null || true; }

# pf_queue_entry QID - the "postqueue -j" line of a queued message
pf_queue_entry() { pf_queue_json | grep -F "\"queue_id\": \"$1\"" || true; }

# pf_queue_ids - the ids of all queued messages, sorted
pf_queue_ids() { pf_queue_json | sed -n 's/.*"queue_id": "\([0-9A-Za-z]*\)".*/\1/p' | sort; }

# pf_queue_busy - messages outside the hold queue: files under incoming,
# active and deferred (cheaper than postqueue with many held messages)
pf_queue_busy() {
	find "$PF_QUEUE/incoming" "$PF_QUEUE/active" "$PF_QUEUE/deferred" -type f 2>/dev/null | wc -l
}

# pf_wait_drained SECONDS - until Postfix has delivered all it accepted
pf_wait_drained() {
	pf_idle() { [ "$(pf_queue_busy)" = 0 ]; }
	wait_for "$1" "the Postfix queue to drain" pf_idle
}

# pf_delivered QID - Postfix logged the delivery of QID to the next hop
pf_delivered() { grep -q " $1: to=<[^>]*>.* status=sent " "$PF_LOG"; }
