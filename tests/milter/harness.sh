# harness.sh - sourced by the scripts of tests/milter/: start nsd (through
# nsd_tool) and the daemon on a private unix socket, and stop both on exit.
# After harness_start, $tmp, $daemon_pid, $DMARCGUARD_SOCKET and
# $tmp/daemon.log are set up. Extra configuration lines come from
# $HARNESS_EXTRA_CONFIG.

harness_cleanup() {
	# the exit status of what we stop is not the test's (a TSan build exits 66
	# on libmilter's own shutdown races, reported after the checks)
	[ -n "${daemon_pid:-}" ] && kill "$daemon_pid" 2>/dev/null && { wait "$daemon_pid" 2>/dev/null || true; }
	[ -n "${nsd_pid:-}" ] && kill "$nsd_pid" 2>/dev/null && { wait "$nsd_pid" 2>/dev/null || true; }
	[ -n "${tmp:-}" ] && [ -z "${DMARCGUARD_KEEP_TEST_DIRS:-}" ] && rm -rf "$tmp"
	return 0
}

# harness_start DAEMON NSD_TOOL
harness_start() {
	local daemon=$1 nsd_tool=$2 ns
	tmp=$(mktemp -d /tmp/dmarcguard-milter-XXXXXX)
	trap harness_cleanup EXIT
	# nsd runs until its stdin (a fifo this shell holds open on fd 9)
	# closes, so it cannot outlive the test.
	mkfifo "$tmp/nsd.out" "$tmp/nsd.in"
	exec 9<> "$tmp/nsd.in"	# read-write: opening does not wait for the other end
	"$nsd_tool" > "$tmp/nsd.out" 2>"$tmp/nsd.err" < "$tmp/nsd.in" &
	nsd_pid=$!
	read -r -t 20 ns < "$tmp/nsd.out" || { echo "nsd did not start"; cat "$tmp/nsd.err"; exit 1; }
	cat > "$tmp/dmarcguard.conf" <<CONF
Socket unix:$tmp/dmarcguard.sock
AuthservID mx.milter-test.example
Nameservers $ns
DNSTimeout 2s
Syslog no
${HARNESS_EXTRA_CONFIG:-}
CONF
	"$daemon" -f -c "$tmp/dmarcguard.conf" > "$tmp/daemon.out" 2> "$tmp/daemon.log" &
	daemon_pid=$!
	for _ in $(seq 100); do [ -S "$tmp/dmarcguard.sock" ] && break; sleep 0.1; done
	[ -S "$tmp/dmarcguard.sock" ] || { echo "daemon did not open its socket"; cat "$tmp/daemon.log"; exit 1; }
	export DMARCGUARD_SOCKET="unix:$tmp/dmarcguard.sock"
}

# harness_check_alert QID FIELD... - the alert line for QID holds every field
harness_check_alert() {
	local qid=$1 line f ok=0
	shift
	line=$(grep " qid=$qid " "$tmp/daemon.log" || true)
	for f in "$@"; do
		case " $line " in
		*" $f "*) ;;
		*) ok=1; echo "    $qid: alert line lacks $f: ${line:-no alert line}" ;;
		esac
	done
	return $ok
}
