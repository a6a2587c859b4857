#!/usr/bin/env bash
# arc.sh - what ARC verification costs the daemon (issue 14):
#
#   bash bench/arc.sh [--build=DIR] [--out=DIR] [--messages=N] [--rounds=R]
#                     [--baseline=DIR] [--instructions]
#
# Three copies of one list post (tests/arc/chains/03-pass-2-hops.eml):
#   chain    its two-instance ARC chain, sealed by lists.arc.example and
#            fwd.arc.example (accepted: forwarded-arc);
#   control  the same nine fields renamed ARC- -> XRC-: the same names'
#            sizes, the same values and bytes (3.4 kB), but inert to every
#            part of the daemon (quarantined by the p=none floor);
#   plain    the ARC fields stripped (quarantined).
# So chain - control is what ARC itself costs, control - plain what any
# 3.4 kB of extra header costs (libmilter, libopendkim, our field store),
# and chain - plain the total, the figure the issue first asked about.
#
# 1. In the process (dmarcguard-arc-bench, bench/arc_bench.c): the ARC
#    verifier alone, CPU per message and bytes held at the end of the
#    headers (best of 3 x N messages); also a 1-hop and a 3-hop chain.
# 2. Through the daemon: each copy N times (default 2,000) through a fresh
#    daemon on one connection after a warm-up (keys and records cached),
#    TrustedForwarders naming both sealers; loadgen --expect checks every
#    verdict. The daemon's CPU per message (user + system, all threads),
#    the least of R rounds (default 3; load on the shared machine only
#    ever adds; 0 leaves this part out), and the three differences. The
#    counters tick in 10 ms: 0.005 ms a message at N = 2,000.
# 3. With --instructions: the same three copies through the daemon under
#    `valgrind --tool=callgrind`, 100 and 500 messages, and the marginal
#    instruction count per message (start-up, warm-up and shut-down drop
#    out; repeatable to well under 1 %), then the objects and functions
#    (self and inclusive, callgrind_annotate) whose marginal counts differ
#    most between chain and control and between control and plain. The
#    callgrind files stay in OUT/cg-*. About a minute a build.
#
# --baseline=DIR: a build of an older commit (bench/dmarcguard-arc-bench and
# milter/dmarcguard); every figure is printed for it too, before ours.
# Figures also go to OUT/arc.txt.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
build="$src/build"
out=/tmp/dmarcguard-arc-bench
messages=2000
rounds=3
baseline=
instructions=0
for arg in "$@"; do
	case "$arg" in
	--build=*) build=${arg#--build=} ;;
	--out=*) out=${arg#--out=} ;;
	--messages=*) messages=${arg#--messages=} ;;
	--rounds=*) rounds=${arg#--rounds=} ;;
	--baseline=*) baseline=${arg#--baseline=} ;;
	--instructions) instructions=1 ;;
	-h|--help) sed -n '2,38p' "$0"; exit 0 ;;
	*) echo "arc.sh: unknown argument $arg" >&2; exit 2 ;;
	esac
done
# shellcheck source=bench_lib.sh
source "$here/bench_lib.sh"

builds=("$build")
[ -z "$baseline" ] || builds=("$baseline" "$build")
for b in "${builds[@]}"; do
	for bin in milter/dmarcguard bench/dmarcguard-arc-bench; do
		[ -x "$b/$bin" ] || { echo "arc.sh: build $b/$bin first (scripts/build.sh)" >&2; exit 2; }
	done
done
[ -x "$build/bench/dmarcguard-loadgen" ] || { echo "arc.sh: build $build/bench/dmarcguard-loadgen first" >&2; exit 2; }
[ "$instructions" = 0 ] || command -v valgrind >/dev/null || { echo "arc.sh: --instructions needs valgrind" >&2; exit 2; }
rm -rf "$out"
kinds=(plain control chain)
for kind in "${kinds[@]}"; do mkdir -p "$out/$kind"; done
pids=()
cleanup() { stop_pid "${pids[@]}"; }
trap cleanup EXIT

post="$src/tests/arc/chains/03-pass-2-hops.eml"
cp "$post" "$out/chain/post.eml"
# the ARC fields and their continuation lines out, nothing else touched
awk 'BEGIN { skip = 0 }
     /^\r?$/ { body = 1 }
     !body && /^[^ \t]/ { skip = ($0 ~ /^ARC-/) }
     body || !skip { print }' "$post" > "$out/plain/post.eml"
# the same fields under inert names of the same length, in the header only
awk '/^\r?$/ { body = 1 }
     !body && /^ARC-/ { sub(/^ARC-/, "XRC-") }
     { print }' "$post" > "$out/control/post.eml"
grep -q '^ARC-' "$out/plain/post.eml" "$out/control/post.eml" &&
	{ echo "arc.sh: ARC fields left in the plain or control copy" >&2; exit 1; }
[ "$(wc -c < "$out/control/post.eml")" = "$(wc -c < "$post")" ] ||
	{ echo "arc.sh: the control copy is not the chain's size" >&2; exit 1; }
echo "post.eml 198.51.100.20 mx.lists.arc.example x@attacker.example accept" > "$out/chain/envelope"
for kind in plain control; do
	echo "post.eml 198.51.100.20 mx.lists.arc.example x@attacker.example quarantine" > "$out/$kind/envelope"
done
forwarders="TrustedForwarders lists.arc.example fwd.arc.example"
labels=("list post without ARC fields (plain)" "the same, 9 inert XRC- fields (control)"
	"the same, 2-instance chain (chain)")

port=$(free_port)
start_nsd "$out/nsd" "$port" "$src/tests/zones"
pids+=("$NSD_PID")

: > "$out/arc.txt"
in_process() { # BUILD TITLE
	echo "== ARC verifier in the process, $2 (dmarcguard-arc-bench), best of 3 x $messages messages"
	"$1/bench/dmarcguard-arc-bench" -s "127.0.0.1@$port" -n "$messages" \
		"${labels[0]}=$out/plain/post.eml" \
		"${labels[1]}=$out/control/post.eml" \
		"${labels[2]}=$out/chain/post.eml" \
		"1-instance chain (02)=$src/tests/arc/chains/02-pass-1-hop.eml" \
		"3-instance chain (04)=$src/tests/arc/chains/04-pass-3-hops.eml" |
		sed 's/^/  /'
}
for b in "${builds[@]}"; do
	title="this build"
	[ "$b" = "$build" ] || title="baseline $b"
	in_process "$b" "$title"
done | tee -a "$out/arc.txt"

# differences KIND=VALUE... UNIT FORMAT - the three differences of a table
differences() {
	local unit=$1 fmt=$2
	awk -v p="$3" -v c="$4" -v a="$5" -v u="$unit" -v f="$fmt" 'BEGIN {
		printf "  %-44s " f " %s\n", "any 3.4 kB of header (control - plain)", c - p, u
		printf "  %-44s " f " %s\n", "ARC itself (chain - control)", a - c, u
		printf "  %-44s " f " %s\n", "the chain in all (chain - plain)", a - p, u
	}'
}

cpu_once() { # BUILD KIND -> CPU ms per message
	local b=$1 kind=$2 line
	start_dmarcguard "$b/milter/dmarcguard" "$out/dg-$kind" "127.0.0.1@$port" "$forwarders"
	pids+=("$DG_PID")
	"$build/bench/dmarcguard-loadgen" --milter "unix:$DG_SOCKET" --corpus "$out/$kind" \
		-c 1 -m 50 -r 2 --expect --label "warm-$kind" > "$out/warm-$kind.out" 2>&1
	"$build/bench/dmarcguard-loadgen" --milter "unix:$DG_SOCKET" --corpus "$out/$kind" \
		-c 1 -m "$messages" --expect --pid "$DG_PID" --label "$kind" > "$out/$kind.out" 2>&1 ||
		{ echo "arc.sh: wrong verdicts for $kind; see $out/$kind.out" >&2; exit 1; }
	stop_pid "$DG_PID"
	line=$(grep '^loadgen ' "$out/$kind.out")
	tr ' ' '\n' <<< "$line" | sed -n 's/^cpu_ms_per_msg=//p'
}
daemon_cpu() { # BUILD TITLE
	local b=$1 kind r v
	declare -A best=()
	for r in $(seq 1 "$rounds"); do
		for kind in "${kinds[@]}"; do
			v=$(cpu_once "$b" "$kind")
			best[$kind]=$(awk -v a="${best[$kind]:-}" -v b="$v" 'BEGIN { print (a == "" || b < a) ? b : a }')
		done
	done
	echo "== ARC: daemon CPU per message, $2, least of $rounds x $messages messages on one connection"
	for r in 0 1 2; do
		printf '  %-44s %10s ms\n' "${labels[$r]}" "${best[${kinds[$r]}]}"
	done
	differences ms '%10.4f' "${best[plain]}" "${best[control]}" "${best[chain]}"
}
[ "$rounds" = 0 ] || for b in "${builds[@]}"; do
	title="this build"
	[ "$b" = "$build" ] || title="baseline $b"
	daemon_cpu "$b" "$title"
done | tee -a "$out/arc.txt"
[ "$instructions" = 1 ] || exit 0

# grind BUILD KIND N - the daemon under callgrind after N messages; prints
# its total instruction count, leaves DIR/callgrind.out
grind() {
	local b=$1 kind=$2 n=$3 dir pid
	dir="$out/cg-$(basename "$b")-$kind-$n"
	rm -rf "$dir"
	mkdir -p "$dir"
	{
		echo "Socket unix:$dir/dmarcguard.sock"
		echo "Nameservers 127.0.0.1@$port"
		echo "AuthservID bench.example"
		echo "Syslog no"
		echo "$forwarders"
	} > "$dir/dmarcguard.conf"
	valgrind --tool=callgrind --callgrind-out-file="$dir/callgrind.out" \
		"$b/milter/dmarcguard" -f -c "$dir/dmarcguard.conf" > "$dir/daemon.log" 2>&1 &
	pid=$!
	pids+=("$pid")
	wait_until 120 test -S "$dir/dmarcguard.sock" || { cat "$dir/daemon.log" >&2; return 1; }
	"$build/bench/dmarcguard-loadgen" --milter "unix:$dir/dmarcguard.sock" --corpus "$out/$kind" \
		-c 1 -m "$n" --expect --timeout 60000 > "$dir/loadgen.out" 2>&1 ||
		{ echo "arc.sh: loadgen failed under callgrind, see $dir" >&2; return 1; }
	kill -TERM "$pid"
	wait "$pid" 2>/dev/null || true
	for how in yes no; do
		callgrind_annotate --inclusive=$how --auto=no --tree=none --threshold=100 \
			"$dir/callgrind.out" |
			awk 'match($0, /^ *[0-9,]+ +(\([^)]*\) +)?/) {
				n = $1; gsub(",", "", n); print n, substr($0, RLENGTH + 1) }' \
			> "$dir/functions-$how.txt"
	done
	# self counts by object: the daemon, libcrypto, libc, libmilter...
	awk '$NF ~ /^\[.*\]$/ { o = $NF; sub(/.*\//, "", o); print $1, "[" o }' \
		"$dir/functions-no.txt" > "$dir/objects.txt"
	sed -n 's/^summary: //p' "$dir/callgrind.out" | tail -1
}
small=100
large=500
# differ FILE A B LIMIT - the marginal A - B per message of each row of
# FILE (a count, then a name) in the two kinds' runs, largest first
differ() {
	local file=$1 a=$2 b=$3 limit=$4
	awk -v n=$((large - small)) '
		FNR == 1 { f++ }
		{ v = $1; $1 = ""; k = substr($0, 2); d[k] += (f == 1 || f == 4) ? v : -v }
		END { for (k in d) if (d[k] / n > 300 || d[k] / n < -300) printf "%10.1f k  %s\n", d[k] / n / 1000, k }' \
		"$out/cg-$base-$a-$large/$file" "$out/cg-$base-$a-$small/$file" \
		"$out/cg-$base-$b-$large/$file" "$out/cg-$base-$b-$small/$file" |
		sort -rn | awk -v n="$limit" 'NR <= n { print "    " $0 }'
}
instr() { # BUILD TITLE
	local b=$1 kind base i j
	base=$(basename "$b")
	declare -A per=()
	for kind in "${kinds[@]}"; do
		i=$(grind "$b" "$kind" "$small")
		j=$(grind "$b" "$kind" "$large")
		per[$kind]=$(awk -v a="$i" -v b="$j" -v n=$((large - small)) 'BEGIN { printf "%.1f", (b - a) / n / 1000 }')
	done
	echo "== ARC: instructions per message through the daemon (callgrind), $2, marginal over $((large - small)) messages"
	for i in 0 1 2; do
		printf '  %-44s %10s k\n' "${labels[$i]}" "${per[${kinds[$i]}]}"
	done
	differences k '%10.1f' "${per[plain]}" "${per[control]}" "${per[chain]}"
	for pair in chain:control control:plain; do
		set -- "${pair%:*}" "${pair#*:}"
		echo "  $1 - $2, by object (self):"
		differ objects.txt "$1" "$2" 8
		echo "  $1 - $2, by function (self):"
		differ functions-no.txt "$1" "$2" 20
		echo "  $1 - $2, by function (inclusive):"
		differ functions-yes.txt "$1" "$2" 20
	done
}
for b in "${builds[@]}"; do
	title="this build"
	[ "$b" = "$build" ] || title="baseline $b"
	instr "$b" "$title"
done | tee -a "$out/arc.txt"
