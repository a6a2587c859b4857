#!/usr/bin/env bash
# sigbomb.sh - memory of the daemon under DKIM-Signature bombs (issue 19):
#
#   bash bench/sigbomb.sh [--build=DIR] [--out=DIR] [--fields=N] [--conns=LIST]
#
# A message with N short DKIM-Signature fields (default 4,900 of about 70
# octets, 357 kB of header: under the 5,000-field and 1 MiB header caps,
# so the message is evaluated, not refused) is what any sender can put in
# front of the daemon over SMTP. For each number of concurrent connections
# in LIST (default "32 256") a fresh daemon is started, that many
# connections each send the bomb once at the same time, and the script
# prints the daemon's resident memory before, at its peak (VmHWM) and 3 s
# after the last verdict, plus one ordinary signed message's verdict
# afterwards to show the daemon still works.
#
# Needs nsd (the test zones give the From domain a DMARC record); the
# signatures name keys that do not exist (NXDOMAIN), as a cheap attacker's
# would. Figures go to stdout and OUT/sigbomb.txt; docs/performance.md
# records them.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
build="$src/build"
out=/tmp/dmarcguard-sigbomb
fields=4900
conns="32 256"
for arg in "$@"; do
	case "$arg" in
	--build=*) build=${arg#--build=} ;;
	--out=*) out=${arg#--out=} ;;
	--fields=*) fields=${arg#--fields=} ;;
	--conns=*) conns=${arg#--conns=} ;;
	-h|--help) sed -n '2,20p' "$0"; exit 0 ;;
	*) echo "sigbomb.sh: unknown argument $arg" >&2; exit 2 ;;
	esac
done
# shellcheck source=bench_lib.sh
source "$here/bench_lib.sh"

for bin in milter/dmarcguard bench/dmarcguard-loadgen; do
	[ -x "$build/$bin" ] || { echo "sigbomb.sh: build $build/$bin first (scripts/build.sh)" >&2; exit 2; }
done
rm -rf "$out"
mkdir -p "$out/plain"
pids=()
cleanup() { stop_pid "${pids[@]}"; }
trap cleanup EXIT

# bomb FILE NAME VALUE-PAD: N fields NAME, numbered bottom-up like signers that prepend
bomb() {
	local i
	{
		for ((i = fields; i > 0; i--)); do
			if [ "$2" = DKIM-Signature ]; then
				printf 'DKIM-Signature: v=1; a=rsa-sha256; d=none.example; s=s%d; h=from; bh=YQ==; b=YQ==\r\n' "$i"
			else
				printf '%s: %d %s\r\n' "$2" "$i" "$3"
			fi
		done
		printf 'From: Press Office <press@none.example>\r\nTo: staff@receiver.example\r\n'
		printf 'Subject: header bomb\r\nMessage-ID: <bomb@none.example>\r\n\r\nbody\r\n'
	} > "$1"
}
mkdir -p "$out/dkim" "$out/fields"
bomb "$out/dkim/bomb.eml" DKIM-Signature ""
# the same number of other fields, about 200 octets each: a 1 MB header
bomb "$out/fields/bomb.eml" X-Filler "$(printf '%0190d' 0)"
for kind in dkim fields; do
	echo "bomb.eml 203.0.113.66 mail.attacker.example press@none.example -" > "$out/$kind/envelope"
done
printf 'From: a@none.example\r\nTo: b@receiver.example\r\nSubject: plain\r\nMessage-ID: <p@none.example>\r\n\r\nhello\r\n' \
	> "$out/plain/plain.eml"
echo "plain.eml 203.0.113.66 mail.attacker.example a@none.example quarantine" > "$out/plain/envelope"
header_kb() { echo $(( $(sed '/^\r$/q' "$1" | wc -c) / 1024 )); }

port=$(free_port)
start_nsd "$out/nsd" "$port" "$src/tests/zones"
pids+=("$NSD_PID")

kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }
run_kind() { # KIND TITLE
	local kind=$1 c start peak after line verdicts
	{
	echo "== $2: $fields fields, $(header_kb "$out/$kind/bomb.eml") kB of header per message"
	printf '  %-12s %12s %12s %14s %14s %10s\n' connections "RSS start" "RSS peak" "RSS after 3s" "per message" verdicts
	} | tee -a "$out/sigbomb.txt"
	for c in $conns; do
		start_dmarcguard "$build/milter/dmarcguard" "$out/dg-$kind-$c" "127.0.0.1@$port"
		pids+=("$DG_PID")
		start=$(kb "$DG_PID" VmRSS)
		"$build/bench/dmarcguard-loadgen" --milter "unix:$DG_SOCKET" --corpus "$out/$kind" \
			-c "$c" -m 1 --timeout 120000 --label "$kind-$c" > "$out/$kind-$c.out" 2>&1 || true
		sleep 3
		peak=$(kb "$DG_PID" VmHWM)
		after=$(kb "$DG_PID" VmRSS)
		line=$(grep '^loadgen ' "$out/$kind-$c.out" || true)
		verdicts=$(tr ' ' '\n' <<< "$line" | sed -n 's/^messages=//p')
		"$build/bench/dmarcguard-loadgen" --milter "unix:$DG_SOCKET" --corpus "$out/plain" \
			-c 1 -m 1 --expect --label "plain-$kind-$c" > "$out/plain-$kind-$c.out" 2>&1 ||
			echo "  !! the daemon did not judge an ordinary message right after the bombs; see $out" |
			tee -a "$out/sigbomb.txt"
		printf '  %-12s %9d MB %9d MB %11d MB %11d kB %10s\n' "$c" $((start / 1024)) $((peak / 1024)) \
			$((after / 1024)) $(( (peak - start) / c )) "${verdicts:-0}/$c" | tee -a "$out/sigbomb.txt"
		stop_pid "$DG_PID"
	done
}
: > "$out/sigbomb.txt"
run_kind dkim "DKIM-Signature bomb"
run_kind fields "other header fields"
echo "  (per message: (peak - start) / connections; loadgen output in $out)" | tee -a "$out/sigbomb.txt"
