# shellcheck shell=bash
# fixtures.sh - the servers around the MTA in the end-to-end scripts: nsd
# serving tests/zones through nsd_tool, and Postfix's smtp-sink as the
# next hop that stores every message it is given. run.sh comes first.

NSD_PID= NAMESERVER= SINK_PID=

# nsd_tool_start NSD_TOOL - nsd_tool prints 127.0.0.1@PORT and serves until
# its stdin (our fd 7: keep it out of every other process) closes; sets
# NSD_PID and NAMESERVER
nsd_tool_start() {
	mkfifo "$WORK/nsd.in"
	"$1" <"$WORK/nsd.in" >"$WORK/nsd.addr" 2>"$WORK/log/nsd.err" &
	NSD_PID=$!
	exec 7>"$WORK/nsd.in"
	e2e_at_exit 'exec 7>&-; stop_pid "$NSD_PID" 10'
	e2e_show_log nsd.err
	nsd_tool_ready() {
		alive "$NSD_PID" || die "nsd_tool exited: $(cat "$WORK/log/nsd.err")"
		grep -q '^127\.0\.0\.1@[0-9]*$' "$WORK/nsd.addr"
	}
	wait_for 30 "nsd_tool to print its address" nsd_tool_ready || die "nsd did not start"
	NAMESERVER=$(head -n 1 "$WORK/nsd.addr")
	note "nsd answers on $NAMESERVER"
}

# sink_start ADDR PORT [WRAPPER...] - smtp-sink on ADDR:PORT (run through
# WRAPPER, e.g. "ip netns exec NS"), storing each message under
# $WORK/sink/ (a directory a minute, a file-name prefix a second: the
# random suffixes cannot collide); sets SINK_PID, SINK_ADDR, SINK_PORT
sink_start() {
	SINK_ADDR=$1 SINK_PORT=$2
	shift 2
	install -d -o postfix -m 0755 "$WORK/sink"
	"$@" smtp-sink -u postfix -d "$WORK/sink/%H%M/%S." "$SINK_ADDR:$SINK_PORT" 256 \
		>"$WORK/log/sink.log" 2>&1 7>&- &
	SINK_PID=$!
	e2e_at_exit 'stop_pid "$SINK_PID" 5'
	e2e_show_log sink.log
	SINK_WRAPPER=("$@")
	sink_ready() {
		alive "$SINK_PID" || die "smtp-sink exited: $(cat "$WORK/log/sink.log")"
		"${SINK_WRAPPER[@]}" bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$SINK_ADDR" "$SINK_PORT" 2>/dev/null
	}
	wait_for 10 "smtp-sink on $SINK_ADDR:$SINK_PORT" sink_ready || die "smtp-sink did not start"
}

# sink_files MARKER - the copies stored by smtp-sink that hold the fixed string MARKER
sink_files() { grep -rlF -- "$1" "$WORK/sink" 2>/dev/null || true; }
