# shellcheck shell=bash
# run.sh - sourced by the end-to-end scripts (tests/e2e/*.sh, faults/lib.sh,
# scripts/soak.sh) through the fixture files beside it: the life of one run.
#
# e2e_init PREFIX TIME_LIMIT makes the work directory (under /run, or
# $E2E_BASE; not /tmp: Sendmail refuses a milter socket below a
# world-writable directory, and smtpd, user postfix, must traverse it)
# with its log/ directory, starts a watchdog that sends SIGTERM after
# TIME_LIMIT seconds (0: none) and sets the traps. Every fixture that
# starts a process pushes the command that stops it with e2e_at_exit and
# names its log with e2e_show_log; the EXIT trap runs the stop commands
# newest first, prints the last lines of those logs when the run failed,
# removes the directory unless DMARCGUARD_KEEP_TEST_DIRS is set, and
# prints the count of checks. The caller sets E2E_NAME first; common.sh
# (checks and waits) comes with this file.

E2E_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=../common.sh
. "$E2E_LIB/../common.sh"

WORK= WATCHDOG_PID=
E2E_EXIT_CMDS=() E2E_LOGS=()

# e2e_at_exit COMMAND - a command (eval'd) the EXIT trap runs, newest first
e2e_at_exit() { E2E_EXIT_CMDS+=("$1"); }

# e2e_show_log NAME... - files of $WORK/log to print when the run fails
e2e_show_log() { E2E_LOGS+=("$@"); }

# e2e_init PREFIX TIME_LIMIT - work directory, watchdog and traps
e2e_init() {
	local limit=$2
	WORK=$(mktemp -d "${E2E_BASE:-/run}/$1.XXXXXX")
	chmod 0755 "$WORK"
	mkdir -p "$WORK/log"
	trap e2e_cleanup EXIT
	# say where "set -e" ended the run (not a command substitution that
	# failed inside a check's description: that ends nothing)
	set -o errtrace
	trap '[ "$BASH_SUBSHELL" != 0 ] ||
		note "stopped by a failed command (exit $?) at line $LINENO: $BASH_COMMAND"' ERR
	trap 'note "interrupted"; exit 130' INT
	trap 'note "terminated (time limit of '"$limit"'s or ctest)"; exit 143' TERM
	if [ "$limit" -gt 0 ]; then
		mkfifo "$WORK/watchdog"
		# read on a FIFO opened read-write never sees data: it just times out.
		( read -r -t "$limit" _ <>"$WORK/watchdog" || kill -TERM $$ ) 7>&- &
		WATCHDOG_PID=$!
	fi
	note "working in $WORK"
}

# e2e_cleanup - the EXIT trap (see above)
e2e_cleanup() {
	local rc=$? i f
	set +e
	trap - EXIT INT TERM ERR
	[ -n "$WATCHDOG_PID" ] && kill "$WATCHDOG_PID" 2>/dev/null && wait "$WATCHDOG_PID" 2>/dev/null
	for ((i = ${#E2E_EXIT_CMDS[@]} - 1; i >= 0; i--)); do
		eval "${E2E_EXIT_CMDS[i]}"
	done
	if [ "$rc" != 0 ] && [ -n "$WORK" ]; then
		for f in "${E2E_LOGS[@]}"; do
			[ -s "$WORK/log/$f" ] || continue
			note "---- last lines of $f"
			tail -n 60 "$WORK/log/$f"
		done
	fi
	if [ -n "$WORK" ] && [ -z "${DMARCGUARD_KEEP_TEST_DIRS:-}" ]; then
		rm -rf "$WORK"
	elif [ -n "$WORK" ]; then
		note "kept $WORK"
	fi
	note "finished: $CHECKS checks, $FAILED failed, exit $rc"
	exit "$rc"
}

# e2e_need_root WHY - die unless root
e2e_need_root() { [ "$(id -u)" = 0 ] || die "must run as root ($1)"; }

# e2e_need_commands COMMAND... - die naming the first one not installed
e2e_need_commands() {
	local cmd
	for cmd in "$@"; do
		command -v "$cmd" >/dev/null || die "$cmd not found: run scripts/install-deps.sh --test"
	done
}

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
