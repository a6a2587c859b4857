#!/usr/bin/env bash
# instructions.sh - instructions per message, counted by callgrind: a figure
# that a busy machine does not skew, for before/after comparisons where
# bench/run.sh's CPU times are too noisy (other work on the machine moves
# them by 10 % or more; this moves by well under 1 %).
#
#   bash bench/instructions.sh [--build=DIR] [--out=DIR] [--small=N] [--large=N]
#                              [--config='Key value'] ...
#
# Starts nsd (tests/zones + bench/zones) on a free loopback port and the
# daemon under `valgrind --tool=callgrind`, runs the bench corpus through
# it twice (N small, then N large messages, 4 connections) and prints the
# marginal count, (large - small) / (large - small messages), so start-up
# and shut-down drop out. Each --config line is added to the daemon's
# configuration (for example --config='ReportStore sqlite:/tmp/r.db').
# Needs the corpus bench/run.sh generates (it is made here if missing) and
# valgrind. About 3 minutes on 2 cores.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
build="$src/build-bench"
out=/tmp/dmarcguard-instructions
small=400
large=1600
extra=()
for arg in "$@"; do
	case "$arg" in
	--build=*) build=${arg#--build=} ;;
	--out=*) out=${arg#--out=} ;;
	--small=*) small=${arg#--small=} ;;
	--large=*) large=${arg#--large=} ;;
	--config=*) extra+=("${arg#--config=}") ;;
	-h|--help) sed -n '2,17p' "$0"; exit 0 ;;
	*) echo "instructions.sh: unknown argument $arg" >&2; exit 2 ;;
	esac
done
[ "$large" -gt "$small" ] || { echo "instructions.sh: --large must exceed --small" >&2; exit 2; }
command -v valgrind >/dev/null || { echo "instructions.sh: needs valgrind" >&2; exit 2; }

# shellcheck source=bench_lib.sh
source "$here/bench_lib.sh"

cmake -S "$src" -B "$build" -DDMARCGUARD_WERROR=ON >/dev/null
cmake --build "$build" -j2 --target dmarcguard dmarcguard-loadgen dmarcguard-corpus-gen \
	test_sign_tool >/dev/null
mkdir -p "$out"
corpus="$out/corpus"
if [ ! -f "$corpus/envelope" ]; then
	"$build/bench/dmarcguard-corpus-gen" --out "$corpus" --sign "$build/tests/test_sign_tool" \
		--key "$src/tests/keys/rsa2048.pem" --count 200 --big-mb 1 >/dev/null
fi

pids=()
trap 'stop_pid "${pids[@]}"' EXIT
port=$(free_port)
start_nsd "$out/nsd" "$port" "$src/tests/zones" "$here/zones"
pids+=("$NSD_PID")

# count N - total instructions of a daemon that evaluated N messages
count() {
	local n=$1 dir="$out/run-$1" cfg line
	rm -rf "$dir"
	mkdir -p "$dir"
	cfg="$dir/dmarcguard.conf"
	{
		echo "Socket unix:$dir/dmarcguard.sock"
		echo "Nameservers 127.0.0.1@$port"
		echo "AuthservID bench.example"
		echo "Syslog no"
		for line in "${extra[@]}"; do echo "$line"; done
	} > "$cfg"
	valgrind --tool=callgrind --callgrind-out-file="$dir/callgrind.out" \
		"$build/milter/dmarcguard" -f -c "$cfg" > "$dir/daemon.log" 2>&1 &
	local pid=$!
	for _ in $(seq 1 600); do
		[ -S "$dir/dmarcguard.sock" ] && break
		kill -0 "$pid" 2>/dev/null || { cat "$dir/daemon.log" >&2; return 1; }
		sleep 0.1
	done
	"$build/bench/dmarcguard-loadgen" --milter "unix:$dir/dmarcguard.sock" --corpus "$corpus" \
		-c 4 -m 1 -r $((n / 4)) --timeout 60000 > "$dir/loadgen.out" 2>&1 ||
		{ echo "instructions.sh: loadgen failed, see $dir" >&2; return 1; }
	kill -TERM "$pid"
	wait "$pid" 2>/dev/null || true
	sed -n 's/^summary: //p' "$dir/callgrind.out" | tail -1
}

a=$(count "$small")
b=$(count "$large")
echo "instructions: $small messages $a, $large messages $b"
awk -v a="$a" -v b="$b" -v n=$((large - small)) \
	'BEGIN { printf "instructions per message: %.1f k (marginal over %d messages)\n", (b - a) / n / 1000, n }'
