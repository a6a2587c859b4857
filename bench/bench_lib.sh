# bench_lib.sh - shell helpers shared by bench/run.sh and bench/smoke.sh:
# a free loopback port, nsd serving zone directories, dmarcguard on a unix
# socket, and waiting for sockets. Source it; every helper is bounded in
# time and says what failed on stderr.

# free_port - a TCP+UDP port on 127.0.0.1 nobody listens on right now
free_port() {
	local p
	for _ in $(seq 1 200); do
		p=$((20000 + RANDOM % 40000))
		if ! ss -Hlntu "sport = :$p" 2>/dev/null | grep -q .; then
			echo "$p"
			return 0
		fi
	done
	echo "bench: no free port" >&2
	return 1
}

# wait_until SECONDS COMMAND... - retry a check every 0.1 s until it passes
# or SECONDS of wall time have passed (however long each check takes)
wait_until() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.1
	done
}

# wait_for COMMAND... - retry a check for up to 15 s
wait_for() { wait_until 15 "$@"; }

# start_nsd DIR PORT ZONEDIR... - nsd in the foreground on 127.0.0.1@PORT,
# serving every ZONEDIR/NAME.zone as NAME; sets NSD_PID, and NSD_PORT to
# the port it serves on: PORT, or another free port when some other process
# bound PORT first (free_port only saw it free; the machine is shared).
# Ready means it answers for a test zone, waited for up to NSD_WAIT seconds
# (default 60, for a loaded machine); an nsd that exits is not waited for.
start_nsd() {
	local dir=$1 port=$2 try
	shift 2
	mkdir -p "$dir"
	for try in 1 2 3; do
		nsd_conf "$dir" "$port" "$@" > "$dir/nsd.conf"
		: > "$dir/nsd.log"
		/usr/sbin/nsd -d -c "$dir/nsd.conf" > "$dir/nsd.out" 2>&1 &
		NSD_PID=$! NSD_PORT=$port
		if nsd_wait "$NSD_PID" "$port" "${NSD_WAIT:-60}"; then
			return 0
		fi
		if kill -0 "$NSD_PID" 2>/dev/null; then
			echo "bench: nsd did not answer within ${NSD_WAIT:-60} s; see $dir/nsd.out" \
				"and $dir/nsd.log" >&2
			return 1
		fi
		wait "$NSD_PID" 2>/dev/null || true
		if ! grep -qi 'address already in use' "$dir/nsd.out" "$dir/nsd.log"; then
			echo "bench: nsd exited at start (try $try): $(tail -n 3 "$dir/nsd.out")" >&2
			return 1
		fi
		port=$(free_port) || return 1
	done
	echo "bench: nsd found its port taken three times; see $dir/nsd.out" >&2
	return 1
}

# nsd_wait PID PORT SECONDS - 0 once nsd answers on PORT; 1 when it exited
# or SECONDS of wall time passed first
nsd_wait() {
	local deadline=$((SECONDS + $3))
	until nsd_answers "$2"; do
		kill -0 "$1" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.1
	done
}

# nsd_conf DIR PORT ZONEDIR... - nsd.conf for start_nsd
nsd_conf() {
	local dir=$1 port=$2 zd f name
	shift 2
	printf 'server:\n\tip-address: 127.0.0.1@%s\n\tdo-ip6: no\n\tserver-count: 1\n' "$port"
	printf '\tusername: ""\n\tchroot: ""\n\tdatabase: ""\n\tzonelistfile: "%s/zone.list"\n' "$dir"
	printf '\txfrdfile: "%s/xfrd.state"\n\tpidfile: "%s/nsd.pid"\n\tlogfile: "%s/nsd.log"\n' "$dir" "$dir" "$dir"
	printf '\tverbosity: 1\n\thide-version: yes\n\trrl-ratelimit: 0\n'
	printf 'remote-control:\n\tcontrol-enable: yes\n\tcontrol-interface: "%s/nsd.ctl"\n' "$dir"
	for zd in "$@"; do
		zd=$(cd "$zd" && pwd)
		for f in "$zd"/*.zone; do
			name=$(basename "$f" .zone)
			printf 'zone:\n\tname: "%s."\n\tzonefile: "%s"\n' "$name" "$f"
		done
	done
}

# nsd_answers PORT - nsd gives an authoritative answer for a test zone
nsd_answers() {
	dig +time=1 +tries=1 +norec -p "$1" @127.0.0.1 none.example SOA | grep -q 'status: NOERROR'
}

# nsd_queries DIR - queries nsd has answered so far
nsd_queries() {
	timeout 10 /usr/sbin/nsd-control -c "$1/nsd.conf" stats_noreset 2>/dev/null |
		sed -n 's/^num.queries=//p'
}

# start_dmarcguard BINARY DIR NAMESERVER [EXTRA CONFIG LINE...] - the daemon
# in the foreground on unix:DIR/dmarcguard.sock; sets DG_PID, DG_SOCKET
start_dmarcguard() {
	local bin=$1 dir=$2 ns=$3 line
	shift 3
	mkdir -p "$dir"
	DG_SOCKET="$dir/dmarcguard.sock"
	{
		echo "Socket unix:$DG_SOCKET"
		echo "Nameservers $ns"
		echo "AuthservID bench.example"
		echo "Syslog no"
		echo "PidFile $dir/dmarcguard.pid"
		for line in "$@"; do echo "$line"; done
	} > "$dir/dmarcguard.conf"
	rm -f "$DG_SOCKET"
	"$bin" -c "$dir/dmarcguard.conf" -f > "$dir/dmarcguard.log" 2>&1 &
	DG_PID=$!
	if ! wait_for test -S "$DG_SOCKET"; then
		echo "bench: dmarcguard did not open its socket; see $dir/dmarcguard.log" >&2
		return 1
	fi
}

# stop_pid PID... - TERM, then KILL after 10 s, for processes we started
stop_pid() {
	local pid
	for pid in "$@"; do
		[ -n "$pid" ] && kill "$pid" 2>/dev/null || true
	done
	for pid in "$@"; do
		[ -z "$pid" ] && continue
		for _ in $(seq 1 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.1
		done
		kill -9 "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
}
