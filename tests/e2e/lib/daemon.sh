# shellcheck shell=bash
# daemon.sh - the dmarcguard daemon under test, for the end-to-end scripts:
# its configuration, start (in the foreground, -f), stop, and death by a
# signal. It listens on $DG_SOCKET in the work directory and logs to
# $DG_LOG. The caller sets DMARCGUARD (the executable) and, if the
# authserv-id is not mx.e2e.example, E2E_AUTHSERV; run.sh comes first.

DG_PID= DG_CONF= DG_RC= DG_SOCKET= DG_LOG= DG_AT_EXIT=
E2E_AUTHSERV=${E2E_AUTHSERV:-mx.e2e.example}

# dg_conf FILE NAMESERVERS DNSTIMEOUT [LINE...] - a configuration: the
# socket, PID file, no syslog, our authserv-id, then the LINEs (the
# socket's mode and group are the MTA's business: see the instance files)
dg_conf() {
	local file=$1 ns=$2 timeout=$3
	shift 3
	DG_SOCKET=$WORK/dmarcguard.sock
	{
		printf 'Socket unix:%s\n' "$DG_SOCKET"
		printf 'PidFile %s\n' "$WORK/dmarcguard.pid"
		printf 'Syslog no\nAuthservID %s\n' "$E2E_AUTHSERV"
		printf 'Nameservers %s\nDNSTimeout %s\n' "$ns" "$timeout"
		if [ "$#" -gt 0 ]; then printf "%s\n" "$@"; fi
	} >"$file"
}

# dg_ready - the daemon runs, its socket exists and it logged its start once
dg_ready() {
	alive "$DG_PID" || die "dmarcguard exited at start: $(tail -n 5 "$DG_LOG")"
	[ -S "$DG_SOCKET" ] && [ "$(grep -c ' started (pid '"$DG_PID"',' "$DG_LOG")" = 1 ]
}

# dg_start CONF - start the daemon on CONF and wait until it listens; sets
# DG_PID. No core file: the crash tests kill it with SIGSEGV.
dg_start() {
	DG_CONF=$1
	DG_SOCKET=$(sed -n 's/^Socket unix://p' "$DG_CONF")
	DG_LOG=$WORK/log/dmarcguard.log
	if [ -z "$DG_AT_EXIT" ]; then
		DG_AT_EXIT=1
		e2e_at_exit 'stop_pid "$DG_PID" 35'
		e2e_show_log dmarcguard.log
		: >>"$DG_LOG"
	fi
	(ulimit -c 0 && exec "$DMARCGUARD" -f -c "$DG_CONF") \
		>>"$WORK/log/dmarcguard.out" 2>>"$DG_LOG" 7>&- &
	DG_PID=$!
	wait_for 20 "dmarcguard to listen on $DG_SOCKET" dg_ready || die "dmarcguard did not start"
}

# dg_stop - SIGTERM and wait (the daemon drains up to 30 s); sets DG_RC
# to its exit status, or "timeout" when it had to be killed
dg_stop() {
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

# dg_kill SIGNAL - the daemon dies by SIGNAL (KILL, SEGV...) with no
# clean-up of its own; sets DG_RC to the wait status (128 + the signal)
dg_kill() {
	DG_RC=
	kill "-$1" "$DG_PID" 2>/dev/null || true
	DG_RC=0
	{ wait "$DG_PID"; } 2>/dev/null || DG_RC=$?
	DG_PID=
}

# dg_rss - resident set size of the daemon in KiB
dg_rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$DG_PID/status" 2>/dev/null || echo '?'; }

# dg_stops_cleanly - checks: SIGTERM ends the daemon with exit 0 and a "stopped" line
dg_stops_cleanly() {
	dg_stop
	check "the daemon exits 0 on SIGTERM (got $DG_RC)" test "$DG_RC" = 0
	check "the daemon logged its stop" grep -q 'dmarcguard\[notice\]: stopped$' "$DG_LOG"
}
