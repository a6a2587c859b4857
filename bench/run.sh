#!/usr/bin/env bash
# run.sh - the dmarcguard benchmark (issue 6) in one command, as root:
#
#   bash bench/run.sh [--quick] [--build=DIR] [--out=DIR] [--no-profile]
#
# Builds the daemon and the bench tools, generates the corpus (fixed seed),
# and inside a private network namespace (loopback only) starts:
#   - nsd serving tests/zones/ and bench/zones/ on 127.0.0.1, a free port;
#   - unbound on 127.0.0.1:53 forwarding to that nsd, named in the
#     namespace's resolv.conf (OpenDMARC and its libspf2 read resolv.conf
#     and cannot use another port);
#   - dmarcguard (Nameservers 127.0.0.1@NSD-PORT, AuthservID bench.example);
#   - Debian's opendkim (verify mode, Nameservers 127.0.0.1@NSD-PORT: it
#     is built on libunbound, whose forwarder syntax takes a port) chained
#     before opendmarc (SPFSelfValidate true) as Postfix would chain them.
# Then it runs the same corpus through both stacks and prints the
# side-by-side table, the ratios and the issue's targets. Defaults take
# about 2 minutes on 2 cores, --quick about 40 seconds. Results and logs go
# to --out (default /tmp/dmarcguard-bench); docs/performance.md explains
# them.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
build="$src/build-bench"
out=/tmp/dmarcguard-bench
quick=0
profile=1
for arg in "$@"; do
	case "$arg" in
	--quick) quick=1 ;;
	--no-profile) profile=0 ;;
	--build=*) build=${arg#--build=} ;;
	--out=*) out=${arg#--out=} ;;
	--inside) ;;
	-h|--help) sed -n '2,20p' "$0"; exit 0 ;;
	*) echo "run.sh: unknown argument $arg (use --build=DIR, --out=DIR)" >&2; exit 2 ;;
	esac
done

# shellcheck source=bench_lib.sh
source "$here/bench_lib.sh"

# ---------------------------------------------------------------- outside
if [ "${BENCH_INSIDE:-}" != 1 ]; then
	[ "$(id -u)" = 0 ] || { echo "run.sh: run as root (network namespace, daemons)" >&2; exit 2; }
	need=()
	for p in opendkim:opendkim opendmarc:opendmarc unbound:unbound nsd:nsd dig:dnsutils \
		 ip:iproute2 ss:iproute2 cmake:cmake; do
		command -v "${p%%:*}" >/dev/null 2>&1 || [ -x "/usr/sbin/${p%%:*}" ] || need+=("${p#*:}")
	done
	if [ "$profile" = 1 ] && ! command -v perf >/dev/null 2>&1; then need+=(linux-perf); fi
	if [ ${#need[@]} -gt 0 ]; then
		echo "== installing ${need[*]}"
		DEBIAN_FRONTEND=noninteractive apt-get install -y "${need[@]}" >/dev/null
	fi
	echo "== building in $build"
	cmake -S "$src" -B "$build" -DDMARCGUARD_WERROR=ON >/dev/null	# new targets too
	cmake --build "$build" -j2 --target dmarcguard dmarcguard-loadgen dmarcguard-corpus-gen \
		dmarcguard-null-milter test_sign_tool dmarcguard-reports >/dev/null
	mkdir -p "$out"
	count=400
	[ "$quick" = 1 ] && count=200
	stamp="seed=20261102 count=$count big=50"
	if [ "$(cat "$out/corpus/.stamp" 2>/dev/null)" != "$stamp" ]; then
		echo "== generating the corpus ($count messages and one of 50 MB)"
		rm -rf "$out/corpus"
		"$build/bench/dmarcguard-corpus-gen" --out "$out/corpus" \
			--sign "$build/tests/test_sign_tool" --key "$src/tests/keys/rsa2048.pem" \
			--count "$count" --big-mb 50
		echo "$stamp" > "$out/corpus/.stamp"
	fi
	ns="dgbench$$"
	cleanup_ns() {
		ip netns del "$ns" 2>/dev/null || true
		rm -rf "/etc/netns/$ns"
	}
	trap cleanup_ns EXIT
	ip netns add "$ns"
	ip -n "$ns" link set lo up
	mkdir -p "/etc/netns/$ns"
	echo "nameserver 127.0.0.1" > "/etc/netns/$ns/resolv.conf"
	BENCH_INSIDE=1 ip netns exec "$ns" bash "$0" --inside "$@"
	exit $?
fi

# ---------------------------------------------------------------- inside
B="$build/bench"
W="$out/run"
rm -rf "$W"
mkdir -p "$W"
LOG="$out/loadgen.log"
: > "$LOG"
pids=()
cleanup() { stop_pid "${pids[@]}"; }
trap cleanup EXIT

# figures: per-phase sizes (messages) for the default and --quick runs
if [ "$quick" = 1 ]; then
	dg4=8000; dg16=8000; peer4=2000; peer16=2000; long=10000; c256m=8
else
	dg4=30000; dg16=30000; peer4=6000; peer16=6000; long=100000; c256m=20
fi

start_unbound() { # DIR PORT UPSTREAM-PORT LOG-QUERIES
	mkdir -p "$1"
	cat > "$1/unbound.conf" <<-EOF
	server:
	    interface: 127.0.0.1
	    port: $2
	    do-ip6: no
	    do-daemonize: no
	    username: ""
	    chroot: ""
	    directory: "$1"
	    pidfile: "$1/unbound.pid"
	    logfile: "$1/unbound.log"
	    use-syslog: no
	    verbosity: 1
	    log-queries: $4
	    num-threads: 1
	    do-not-query-localhost: no
	    module-config: "iterator"
	    access-control: 127.0.0.0/8 allow
	forward-zone:
	    name: "."
	    forward-addr: 127.0.0.1@$3
	EOF
	unbound -c "$1/unbound.conf" > "$1/unbound.out" 2>&1 &
	UB_PID=$!
	pids+=("$UB_PID")
	wait_for dig +time=1 +tries=1 -p "$2" @127.0.0.1 _dmarc.none.example TXT +short ||
		{ echo "run.sh: unbound did not start; see $1" >&2; exit 1; }
}

start_peers() { # NSD-PORT
	local d="$W/peers"
	mkdir -p "$d"
	cat > "$d/opendkim.conf" <<-EOF
	Mode v
	Socket local:$d/opendkim.sock
	Syslog no
	Nameservers 127.0.0.1@$1
	AuthservID bench.example
	PidFile $d/opendkim.pid
	UMask 002
	EOF
	cat > "$d/opendmarc.conf" <<-EOF
	Socket local:$d/opendmarc.sock
	Syslog false
	AuthservID bench.example
	TrustedAuthservIDs bench.example
	SPFSelfValidate true
	RejectFailures true
	PublicSuffixList /usr/share/publicsuffix/public_suffix_list.dat
	PidFile $d/opendmarc.pid
	UMask 002
	EOF
	rm -f "$d"/*.sock
	opendkim -f -x "$d/opendkim.conf" > "$d/opendkim.log" 2>&1 &
	DKIM_PID=$!
	opendmarc -f -c "$d/opendmarc.conf" > "$d/opendmarc.log" 2>&1 &
	DMARC_PID=$!
	pids+=("$DKIM_PID" "$DMARC_PID")
	wait_for test -S "$d/opendkim.sock" && wait_for test -S "$d/opendmarc.sock" ||
		{ echo "run.sh: opendkim/opendmarc did not start; see $d" >&2; exit 1; }
	PEERS=(--milter "unix:$d/opendkim.sock" --milter "unix:$d/opendmarc.sock"
	       --pid "$DKIM_PID" --pid "$DMARC_PID")
}

# loadgen LABEL ARGS... - one run; its key=value line goes to $LOG, the table to stdout
loadgen() {
	local label=$1 rc=0
	shift
	"$B/dmarcguard-loadgen" --label "$label" --corpus "$out/corpus" "$@" \
		> "$W/$label.out" 2> "$W/$label.err" || rc=$?
	grep '^loadgen ' "$W/$label.out" >> "$LOG"
	sed -n '/^  run /,$p' "$W/$label.out"
	if [ -s "$W/$label.err" ]; then
		echo "  (stderr of $label, first lines:)"
		head -5 "$W/$label.err" | sed 's/^/    /'
	fi
	return 0
}

# fig LABEL KEY - a figure from a run's key=value line
fig() {
	local v
	v=$(grep "^loadgen label=$1 " "$LOG" | tr ' ' '\n' | sed -n "s/^$2=//p" | tail -1)
	echo "${v:-0}"
}

alive() { # PID NAME
	kill -0 "$1" 2>/dev/null || echo "!! $2 (pid $1) is gone: crashed? see $W"
}

echo "== load average before the run (other work on the machine skews figures): $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
NSD_PORT=$(free_port)
start_nsd "$W/nsd" "$NSD_PORT" "$src/tests/zones" "$here/zones"
pids+=("$NSD_PID")
start_unbound "$W/unbound" 53 "$NSD_PORT" no
start_dmarcguard "$build/milter/dmarcguard" "$W/dmarcguard" "127.0.0.1@$NSD_PORT"
pids+=("$DG_PID")
DG=(--milter "unix:$DG_SOCKET" --pid "$DG_PID")
start_peers "$NSD_PORT"
ncorpus=$(grep -vc '^#' "$out/corpus/envelope")

echo "== warm-up (every corpus message once through each stack; caches filled)"
loadgen warm-dmarcguard "${DG[@]}" -c 4 -m 1 -r $((ncorpus / 4)) --expect > /dev/null
loadgen warm-peers "${PEERS[@]}" -c 4 -m 1 -r $((ncorpus / 4)) > /dev/null
echo "   dmarcguard warm-up: mismatches=$(fig warm-dmarcguard mismatches) errors=$(fig warm-dmarcguard error)"

echo "== 4 connections"
loadgen dmarcguard-c4 "${DG[@]}" -c 4 -m 10 -r $((dg4 / 40)) --expect
loadgen peers-c4 "${PEERS[@]}" -c 4 -m 10 -r $((peer4 / 40))
echo "== 4 connections, commands written one at a time as Sendmail writes them"
loadgen dmarcguard-c4-sendmail "${DG[@]}" -c 4 -m 10 -r $((dg4 / 40)) --expect --writes sendmail
echo "== 4 connections, a milter that does nothing (bench/null_milter.c): libmilter's own cost"
mkdir -p "$W/null"
"$B/dmarcguard-null-milter" "unix:$W/null/null.sock" > "$W/null/null.log" 2>&1 &
NULL_PID=$!
pids+=("$NULL_PID")
wait_for test -S "$W/null/null.sock" || { echo "run.sh: the null milter did not start" >&2; exit 1; }
NULL=(--milter "unix:$W/null/null.sock" --pid "$NULL_PID")
loadgen null-warm "${NULL[@]}" -c 4 -m 1 -r $((ncorpus / 4)) > /dev/null
loadgen null-c4 "${NULL[@]}" -c 4 -m 10 -r $((dg4 / 40))
loadgen null-c4-sendmail "${NULL[@]}" -c 4 -m 10 -r $((dg4 / 40)) --writes sendmail
stop_pid "$NULL_PID"
echo "== 16 connections"
loadgen dmarcguard-c16 "${DG[@]}" -c 16 -m 10 -r $((dg16 / 160)) --expect
loadgen peers-c16 "${PEERS[@]}" -c 16 -m 10 -r $((peer16 / 160))
alive "$DKIM_PID" opendkim
alive "$DMARC_PID" opendmarc
stop_pid "$DKIM_PID" "$DMARC_PID"

echo "== 4 connections, without and with ReportStore (recording for aggregate reports), alternated"
DG_MAIN_PID=$DG_PID DG_MAIN_SOCKET=$DG_SOCKET
start_dmarcguard "$build/milter/dmarcguard" "$W/dmarcguard-report" "127.0.0.1@$NSD_PORT" \
	"ReportStore sqlite:$W/dmarcguard-report/reports.db"
DG_REPORT_PID=$DG_PID
pids+=("$DG_REPORT_PID")
DGR=(--milter "unix:$DG_SOCKET" --pid "$DG_REPORT_PID")
DG_PID=$DG_MAIN_PID DG_SOCKET=$DG_MAIN_SOCKET
loadgen warm-report "${DGR[@]}" -c 4 -m 1 -r $((ncorpus / 4)) --expect > /dev/null
for i in 1 2 3; do
	loadgen record-off-$i "${DG[@]}" -c 4 -m 10 -r $((dg4 / 120)) --expect > /dev/null
	loadgen record-on-$i "${DGR[@]}" -c 4 -m 10 -r $((dg4 / 120)) --expect > /dev/null
done
alive "$DG_REPORT_PID" "dmarcguard with ReportStore"
stop_pid "$DG_REPORT_PID"	# writes what is still queued
printf 'ReportStore sqlite:%s\n' "$W/dmarcguard-report/reports.db" > "$W/reports.conf"
recorded=$("$build/tools/dmarcguard-reports" -c "$W/reports.conf" show --period today --json |
	perl -MJSON::PP -0777 -ne 'my $n = 0; $n += $_->{messages} for @{decode_json($_)}; print $n')
dropped=$(grep -o 'in all: [0-9]* dropped' "$W/dmarcguard-report/dmarcguard.log" | tail -1 | awk '{print $3}' || true)
# the least CPU per message of each configuration's runs: other work on the machine only adds
rec_off=$(for i in 1 2 3; do fig record-off-$i cpu_ms_per_msg; done | sort -g | head -1)
rec_on=$(for i in 1 2 3; do fig record-on-$i cpu_ms_per_msg; done | sort -g | head -1)
rec_pct=$(awk -v a="$rec_on" -v b="$rec_off" 'BEGIN { if (b > 0) printf "%.1f", (a - b) * 100 / b; else print 0 }')
printf '   CPU per message (ms), least of 3 runs: %s without, %s with ReportStore (%+.1f %%)\n' \
	"$rec_off" "$rec_on" "$rec_pct"
printf '   runs without: %s; with: %s\n' "$(for i in 1 2 3; do printf '%s ' "$(fig record-off-$i cpu_ms_per_msg)"; done)" \
	"$(for i in 1 2 3; do printf '%s ' "$(fig record-on-$i cpu_ms_per_msg)"; done)"
echo "   recorded $recorded messages in the store, ${dropped:-0} dropped"

echo "== dmarcguard: $long messages at 16 connections"
loadgen dmarcguard-long "${DG[@]}" -c 16 -m 50 -r $((long / 800)) --expect
echo "== dmarcguard: 256 connections"
loadgen dmarcguard-c256 "${DG[@]}" -c 256 -m "$c256m" --expect
echo "== dmarcguard: one 50 MB message"
"$B/dmarcguard-loadgen" --label big --corpus "$out/corpus/big" "${DG[@]}" -c 1 -m 1 --expect \
	--timeout 120000 > "$W/big.out" 2> "$W/big.err" || true
grep '^loadgen ' "$W/big.out" >> "$LOG"
sed -n '/^  run /,$p' "$W/big.out"

if [ "$profile" = 1 ] && command -v perf >/dev/null 2>&1; then
	echo "== CPU profile of dmarcguard (perf with DWARF call graphs, 4 connections)"
	perf record -F 499 --call-graph dwarf,32768 -o "$W/perf.data" -p "$DG_PID" \
		> "$W/perf.out" 2>&1 &
	perf_pid=$!
	sleep 1
	loadgen profile "${DG[@]}" -c 4 -m 10 -r $((dg4 / 160)) > /dev/null
	kill -INT "$perf_pid" 2>/dev/null || true
	wait "$perf_pid" 2>/dev/null || true
	# inclusive time per function: what each part of the work costs in all
	perf report -i "$W/perf.data" --children --stdio --sort symbol -g none \
		--percent-limit 1 2>/dev/null | grep -E '^ +[0-9]' | head -60 > "$out/profile.txt" || true
	# self time per library
	perf report -i "$W/perf.data" --no-children --stdio --sort dso -g none 2>/dev/null |
		grep -E '^ +[0-9]' | head -12 > "$out/profile-dso.txt" || true
	echo "   self time by library:"; sed 's/^/   /' "$out/profile-dso.txt"
	echo "   inclusive time of the main parts (full list: $out/profile.txt):"
	grep -E ' (mi_rd_cmd|on_body|on_eoh|on_eom|on_header|on_envfrom|dkim_sig_process|OSSL_DECODER_CTX_new_for_pkey|dkimv_bodylen_feed|RSA_verify|SHA256_Update|spf_eval_check|alert_log|pvm_irq_enable|__GI___poll \(inlined\)|__GI___libc_read \(inlined\)) ' \
		"$out/profile.txt" | sed 's/ *- *- *$//; s/^/   /' || true
fi
alive "$DG_PID" dmarcguard

echo "== DNS: upstream queries of a cold dmarcguard (one corpus pass, then a second)"
start_unbound "$W/unbound-count" "$(free_port)" "$NSD_PORT" yes
count_port=$(sed -n 's/^ *port: //p' "$W/unbound-count/unbound.conf")
DG_MAIN_PID=$DG_PID
# queries: the lines unbound logged for queries it received, after the start-up probe
queries() { grep ' info: 127.0.0.1 ' "$W/unbound-count/unbound.log" | tail -n +$((q0 + 1)) || true; }
q0=$(grep -c ' info: 127.0.0.1 ' "$W/unbound-count/unbound.log" || true)
start_dmarcguard "$build/milter/dmarcguard" "$W/dmarcguard-cold" "127.0.0.1@$count_port"
pids+=("$DG_PID")
loadgen dns-pass1 --milter "unix:$DG_SOCKET" -c 8 -m 1 -r $((ncorpus / 8)) --expect > /dev/null
q1=$(queries | wc -l)
distinct=$(queries | awk '{print $(NF-2), $(NF-1)}' | sort -u | wc -l)
loadgen dns-pass2 --milter "unix:$DG_SOCKET" -c 8 -m 1 -r $((ncorpus / 8)) --expect > /dev/null
q2=$(queries | wc -l)
queries | awk '{print $(NF-2), $(NF-1)}' | sort | uniq -c | sort -rn > "$out/dns-queries.txt"
echo "   pass 1: $q1 upstream queries for $distinct distinct name+type; pass 2 added $((q2 - q1))"
DG_PID=$DG_MAIN_PID

# ---------------------------------------------------------------- report
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0 && b > 0) printf "%.1fx", a / b; else print "-" }'; }
met() { awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN { ok = (op == "<=") ? v <= t : v >= t; print ok ? "met" : "NOT met" }'; }
cpu_dg=$(fig dmarcguard-c4 cpu_ms_per_msg); cpu_peer=$(fig peers-c4 cpu_ms_per_msg)
mps_dg=$(fig dmarcguard-c4 msgs_per_sec); mps_peer=$(fig peers-c4 msgs_per_sec)
p99_dg=$(fig dmarcguard-c16 p99_ms); p99_peer=$(fig peers-c16 p99_ms)
max_dg=$(awk -v a="$(fig dmarcguard-c4 max_ms)" -v b="$(fig dmarcguard-c16 max_ms)" 'BEGIN{print (a>b)?a:b}')
max_peer=$(awk -v a="$(fig peers-c4 max_ms)" -v b="$(fig peers-c16 max_ms)" 'BEGIN{print (a>b)?a:b}')
rss256=$(fig dmarcguard-c256 rss_peak_kb)
big_growth=$(( $(fig big rss_peak_kb) - $(fig big rss_start_kb) ))
long_max=$(fig dmarcguard-long max_ms); long_n=$(fig dmarcguard-long messages)
{
echo
echo "== side by side (same corpus, same run; CPU = user+system of the milter processes)"
printf '  %-34s %14s %20s %10s\n' "" dmarcguard "opendkim+opendmarc" "ratio"
printf '  %-34s %14s %20s %10s\n' "CPU per message (ms), 4 conns" "$cpu_dg" "$cpu_peer" "$(ratio "$cpu_peer" "$cpu_dg")"
printf '  %-34s %14s %20s %10s\n' "messages/s, 4 connections" "$mps_dg" "$mps_peer" "$(ratio "$mps_dg" "$mps_peer")"
printf '  %-34s %14s %20s %10s\n' "messages/s, 16 connections" "$(fig dmarcguard-c16 msgs_per_sec)" "$(fig peers-c16 msgs_per_sec)" "$(ratio "$(fig dmarcguard-c16 msgs_per_sec)" "$(fig peers-c16 msgs_per_sec)")"
printf '  %-34s %14s %20s %10s\n' "p50 latency (ms), 16 connections" "$(fig dmarcguard-c16 p50_ms)" "$(fig peers-c16 p50_ms)" "$(ratio "$(fig peers-c16 p50_ms)" "$(fig dmarcguard-c16 p50_ms)")"
printf '  %-34s %14s %20s %10s\n' "p99 latency (ms), 16 connections" "$p99_dg" "$p99_peer" "$(ratio "$p99_peer" "$p99_dg")"
printf '  %-34s %14s %20s %10s\n' "max latency (ms), 4+16 conns" "$max_dg" "$max_peer" "$(ratio "$max_peer" "$max_dg")"
printf '  %-34s %14s %20s\n' "actions, 16 conns (acc/quar/rej/tf)" \
	"$(( $(fig dmarcguard-c16 accept) + $(fig dmarcguard-c16 continue) ))/$(fig dmarcguard-c16 quarantine)/$(fig dmarcguard-c16 reject)/$(fig dmarcguard-c16 tempfail)" \
	"$(( $(fig peers-c16 accept) + $(fig peers-c16 continue) ))/$(fig peers-c16 quarantine)/$(fig peers-c16 reject)/$(fig peers-c16 tempfail)"
echo
echo "== CPU per message (ms) at 4 connections by how the MTA writes commands"
printf '  %-34s %14s %20s %10s\n' "" "as Postfix" "as Sendmail" ""
printf '  %-34s %14s %20s\n' "dmarcguard" "$cpu_dg" "$(fig dmarcguard-c4-sendmail cpu_ms_per_msg)"
printf '  %-34s %14s %20s\n' "null milter (libmilter alone)" "$(fig null-c4 cpu_ms_per_msg)" "$(fig null-c4-sendmail cpu_ms_per_msg)"
printf '  %-34s %14s %20s\n' "messages/s, dmarcguard" "$mps_dg" "$(fig dmarcguard-c4-sendmail msgs_per_sec)"
echo
echo "== targets (issue 6)"
printf '  %-52s %-22s %s\n' "CPU per message <= 0.25 ms" "$cpu_dg ms" "$(met "$cpu_dg" '<=' 0.25)"
printf '  %-52s %-22s %s\n' "recording (ReportStore) adds <= 5 % CPU per message" "$rec_pct %" "$(met "$rec_pct" '<=' 5)"
printf '  %-52s %-22s %s\n' ">= 5x the peers' messages/s at 4 connections" "$(ratio "$mps_dg" "$mps_peer")" "$(met "$(awk -v a="$mps_dg" -v b="$mps_peer" 'BEGIN{print (b>0)?a/b:0}')" '>=' 5)"
printf '  %-52s %-22s %s\n' "p99 <= 20 ms at 16 connections" "$p99_dg ms" "$(met "$p99_dg" '<=' 20)"
printf '  %-52s %-22s %s\n' "no message over 1 s in $long_n messages" "max $long_max ms" "$(met "$long_max" '<=' 1000)"
printf '  %-52s %-22s %s\n' "RSS <= 64 MB with 256 connections" "$((rss256 / 1024)) MB" "$(met "$rss256" '<=' 65536)"
printf '  %-52s %-22s %s\n' "a 50 MB message grows RSS by < 5 MB" "$((big_growth / 1024)) MB ($big_growth kB)" "$(met "$big_growth" '<=' 5119)"
printf '  %-52s %-22s %s\n' "one upstream query per distinct name+type per TTL" "$q1 for $distinct, +$((q2 - q1))" "$( [ "$q1" = "$distinct" ] && [ "$q2" = "$q1" ] && echo met || echo 'NOT met')"
echo
echo "== wrong actions (dmarcguard vs the corpus' expectation): $(grep -h '^loadgen label=dmarcguard\|^loadgen label=big\|^loadgen label=dns' "$LOG" | tr ' ' '\n' | sed -n 's/^mismatches=//p' | awk '{ s += $1 } END { print s + 0 }')"
echo "== dmarcguard log lines that are not alert lines (first 10):"
grep -hv 'dmarcguard\[[a-z]*\]: v=1 \|^Postfix\|^  \|^Sendmail\|listening on\| started (pid' \
	"$W/dmarcguard/dmarcguard.log" "$W/dmarcguard-cold/dmarcguard.log" | head -10 | sed 's/^/   /' || true
echo "== load average after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "key=value lines: $LOG; logs and configurations: $W"
} | tee "$out/summary.txt"
