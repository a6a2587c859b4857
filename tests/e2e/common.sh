# common.sh - sourced by the end-to-end scripts of tests/e2e/ through lib/run.sh (and
# scripts/soak.sh through faults/lib.sh): assertion counting and output,
# and bounded waiting for and stopping of processes. The caller sets
# E2E_NAME, the prefix of every line it prints.

FAILED=0 CHECKS=0

note() { printf '%s [%3ds] %s\n' "$E2E_NAME" "$SECONDS" "$*"; }
die() { note "SET-UP FAILED: $*"; exit 1; }
pass() { CHECKS=$((CHECKS + 1)); note "ok   $*"; }
fail() { CHECKS=$((CHECKS + 1)); FAILED=$((FAILED + 1)); note "FAIL $*"; }
# check DESCRIPTION COMMAND... - one assertion; the run goes on after a failure
check() {
	local what=$1
	shift
	if "$@"; then pass "$what"; else fail "$what"; fi
}

# alive PID - the process exists and is not a zombie
alive() {
	local stat
	[ -n "$1" ] && stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[ "${stat%% *}" != Z ]
}

# wait_for SECONDS WHAT COMMAND... - poll COMMAND until it succeeds or time is up
wait_for() {
	local limit=$1 what=$2 end=$((SECONDS + $1))
	shift 2
	until "$@"; do
		if [ "$SECONDS" -ge "$end" ]; then
			note "gave up after ${limit}s waiting for $what"
			return 1
		fi
		sleep 0.1
	done
}

# stop_pid PID SECONDS - SIGTERM, then SIGKILL after SECONDS; reaps our children
stop_pid() {
	local pid=$1
	[ -n "$pid" ] || return 0
	kill -TERM "$pid" 2>/dev/null || true
	if ! wait_for "$2" "process $pid to stop" eval '! alive '"$pid"; then
		kill -KILL "$pid" 2>/dev/null || true
	fi
	wait "$pid" 2>/dev/null || true
}

# port_in_use PORT - something accepts TCP connections on 127.0.0.1:PORT
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
