#!/usr/bin/env bash
# arc.sh - what ARC verification costs the daemon (issue 14):
#
#   bash bench/arc.sh [--build=DIR] [--out=DIR] [--messages=N]
#
# The same list post twice: as tests/arc/chains/03-pass-2-hops.eml, with a
# two-instance ARC chain sealed by lists.arc.example and fwd.arc.example,
# and with its ARC fields stripped. Each goes N times (default 2,000)
# through a fresh daemon on one connection after a warm-up (keys and
# records cached), with TrustedForwarders naming both sealers, so the
# chained copy must come back accepted (forwarded-arc) and the bare copy
# quarantined (the p=none floor): loadgen --expect checks every verdict.
# Prints the daemon's CPU per message (user + system, all threads) for
# both and the difference; figures also go to OUT/arc.txt.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
build="$src/build"
out=/tmp/dmarcguard-arc-bench
messages=2000
for arg in "$@"; do
	case "$arg" in
	--build=*) build=${arg#--build=} ;;
	--out=*) out=${arg#--out=} ;;
	--messages=*) messages=${arg#--messages=} ;;
	-h|--help) sed -n '2,15p' "$0"; exit 0 ;;
	*) echo "arc.sh: unknown argument $arg" >&2; exit 2 ;;
	esac
done
# shellcheck source=bench_lib.sh
source "$here/bench_lib.sh"

for bin in milter/dmarcguard bench/dmarcguard-loadgen; do
	[ -x "$build/$bin" ] || { echo "arc.sh: build $build/$bin first (scripts/build.sh)" >&2; exit 2; }
done
rm -rf "$out"
mkdir -p "$out/chain" "$out/bare"
pids=()
cleanup() { stop_pid "${pids[@]}"; }
trap cleanup EXIT

post="$src/tests/arc/chains/03-pass-2-hops.eml"
cp "$post" "$out/chain/post.eml"
# the ARC fields and their continuation lines out, nothing else touched
awk 'BEGIN { skip = 0 }
     /^\r?$/ { body = 1 }
     !body && /^[^ \t]/ { skip = ($0 ~ /^ARC-/) }
     body || !skip { print }' "$post" > "$out/bare/post.eml"
grep -q '^ARC-' "$out/bare/post.eml" && { echo "arc.sh: ARC fields left in the bare copy" >&2; exit 1; }
echo "post.eml 198.51.100.20 mx.lists.arc.example x@attacker.example accept" > "$out/chain/envelope"
echo "post.eml 198.51.100.20 mx.lists.arc.example x@attacker.example quarantine" > "$out/bare/envelope"

port=$(free_port)
start_nsd "$out/nsd" "$port" "$src/tests/zones"
pids+=("$NSD_PID")

: > "$out/arc.txt"
cpu() { # KIND -> CPU ms per message
	local kind=$1 line
	start_dmarcguard "$build/milter/dmarcguard" "$out/dg-$kind" "127.0.0.1@$port" \
		"TrustedForwarders lists.arc.example fwd.arc.example"
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
bare=$(cpu bare)
chain=$(cpu chain)
{
	echo "== ARC: daemon CPU per message, $messages messages on one connection, caches warm"
	printf '  %-44s %10s ms\n' "list post without ARC fields (quarantined)" "$bare"
	printf '  %-44s %10s ms\n' "the same with a 2-instance chain (accepted)" "$chain"
	awk -v a="$bare" -v b="$chain" 'BEGIN { printf "  %-44s %10.4f ms\n", "added by the chain", b - a }'
} | tee "$out/arc.txt"
