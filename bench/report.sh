#!/usr/bin/env bash
# report.sh - the aggregate report benchmark (issue 16): a report store
# filled by dmarcguard-report-gen with ROWS recorded messages for DOMAINS
# policy domains on yesterday's UTC day (default 1,000,000 and 10,000),
# then "dmarcguard-reports send --dry-run" over it, every report written
# to a directory; prints the generation time, the send's wall time, CPU
# and peak RSS (GNU time), and the issue's targets (30 s, 200 MB).
# Sending needs no DNS (each domain's rua is at the domain itself), and
# the configuration names 127.0.0.1@9 as the only name server anyway.
#
#   bash bench/report.sh [--build=DIR] [--out=DIR] [--rows=N] [--domains=N]
#
# The store and the reports go to --out (default /tmp/dmarcguard-bench-report,
# about 250 MB and 40 MB); the store is kept and reused while ROWS and
# DOMAINS stay the same. CPU-bound on one core; about a minute here.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/.." && pwd)
build="$src/build-bench"
out=/tmp/dmarcguard-bench-report
rows=1000000
domains=10000
for arg in "$@"; do
	case "$arg" in
	--build=*) build=${arg#--build=} ;;
	--out=*) out=${arg#--out=} ;;
	--rows=*) rows=${arg#--rows=} ;;
	--domains=*) domains=${arg#--domains=} ;;
	-h|--help) sed -n '2,16p' "$0"; exit 0 ;;
	*) echo "report.sh: unknown argument $arg" >&2; exit 2 ;;
	esac
done
[ -x /usr/bin/time ] || { echo "report.sh: needs GNU time (apt-get install time)" >&2; exit 2; }

echo "== building in $build"
cmake -S "$src" -B "$build" -DDMARCGUARD_WERROR=ON >/dev/null
cmake --build "$build" -j2 --target dmarcguard-reports dmarcguard-report-gen >/dev/null
mkdir -p "$out"
day=$(( $(date -u +%s) / 86400 - 1 ))
stamp="rows=$rows domains=$domains day=$day"
if [ "$(cat "$out/.stamp" 2>/dev/null)" != "$stamp" ]; then
	rm -f "$out"/reports.db*
	echo "== generating $rows recorded messages for $domains domains"
	"$build/bench/dmarcguard-report-gen" "sqlite:$out/reports.db" "$day" "$rows" "$domains"
	echo "$stamp" > "$out/.stamp"
fi
cat > "$out/dmarcguard.conf" <<CONF
AuthservID mx.bench.example
Nameservers 127.0.0.1@9
DNSTimeout 1s
ReportStore sqlite:$out/reports.db
ReportFrom dmarc-reports@mx.bench.example
CONF
rm -rf "$out/reports"
mkdir "$out/reports"
echo "== dmarcguard-reports send --dry-run over the store ($(du -m "$out/reports.db" | cut -f1) MB)"
/usr/bin/time -f "%e %U %S %M" -o "$out/time.out" "$build/tools/dmarcguard-reports" \
	-c "$out/dmarcguard.conf" send --period yesterday --dry-run --outdir "$out/reports" \
	> "$out/send.out"
read -r wall user sys rss < "$out/time.out"
written=$(find "$out/reports" -name '*.eml' | wc -l)
messages=$(sed -n 's/.*(\([0-9]*\) messages, .*/\1/p' "$out/send.out" | awk '{ s += $1 } END { print s + 0 }')
echo "   $written reports holding $messages messages, $(du -sm "$out/reports" | cut -f1) MB of mail"
echo "   wall $wall s (user $user s, system $sys s), peak RSS $((rss / 1024)) MB"
met() { awk -v v="$1" -v t="$2" 'BEGIN { print (v <= t) ? "met" : "NOT met" }'; }
echo "== targets (issue 16)"
printf '  %-52s %-12s %s\n' "send over $rows messages, $domains domains <= 30 s" "$wall s" "$(met "$wall" 30)"
printf '  %-52s %-12s %s\n' "peak RSS <= 200 MB" "$((rss / 1024)) MB" "$(met "$rss" 204800)"
[ "$written" = "$domains" ] && [ "$messages" = "$rows" ] ||
	{ echo "report.sh: want $domains reports holding $rows messages" >&2; exit 1; }
