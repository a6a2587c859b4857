#!/usr/bin/env bash
# run.sh - dmarcguard-alerts speed and memory on generated alert logs.
#
#   bash bench/alerts/run.sh [BUILD_DIR] [LINES]
#
# Generates LINES (default 1,000,000) realistic syslog lines with
# gen_alerts (three syslog formats, mixed actions, skewed domains and
# clients, other programs' lines, a few alerts cut short), then times
# dmarcguard-alerts over them: the plain file, the same file gzipped (as
# logrotate leaves it), the same lines three times over on standard input
# (three times the lines, the same distinct keys: memory must stay put,
# since only the aggregates may grow), and a tenth of the lines.
# Reports wall time, CPU time and maximum resident set size from GNU time
# (package "time"); without it, wall time only.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
lines=${2:-1000000}
tool=$build/tools/dmarcguard-alerts
gen=$build/tools/gen_alerts
for exe in "$tool" "$gen"; do
  if [ ! -x "$exe" ]; then
    echo "run.sh: $exe missing: build first (cmake --build $build)" >&2
    exit 2
  fi
done

dir=$(mktemp -d /tmp/alerts-bench-XXXXXX)
trap 'rm -rf "$dir"' EXIT

"$gen" -n "$lines" > "$dir/mail.log"
gzip -1 -c "$dir/mail.log" > "$dir/mail.log.1.gz"
head -n $((lines / 10)) "$dir/mail.log" > "$dir/tenth.log"
cat "$dir/mail.log" > /dev/null	# warm the page cache like a second run would

# measure NAME COMMAND... - one line of figures for COMMAND (stdout dropped)
measure() {
  local name=$1; shift
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f "%e %U %S %M" -o "$dir/time" "$@" > /dev/null
    read -r wall user sys rss < "$dir/time"
    printf '%-34s %8s s %8s s %8s s %10s KiB\n' "$name" "$wall" "$user" "$sys" "$rss"
  else
    local start end ms
    start=$(date +%s%N)
    "$@" > /dev/null
    end=$(date +%s%N)
    ms=$(((end - start) / 1000000))
    printf '%-34s %5d.%02d s %10s %10s %14s\n' "$name" $((ms / 1000)) $((ms % 1000 / 10)) - - -
  fi
}

printf 'dmarcguard-alerts on %s generated lines (%s bytes, gzip %s bytes), %s CPUs, load %s\n' \
  "$lines" "$(stat -c %s "$dir/mail.log")" "$(stat -c %s "$dir/mail.log.1.gz")" \
  "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-34s %10s %10s %10s %14s\n' "input" "wall" "user" "sys" "max RSS"
measure "plain file" "$tool" "$dir/mail.log"
measure "gzip file" "$tool" "$dir/mail.log.1.gz"
measure "plain file, --json" "$tool" --json "$dir/mail.log"
measure "plain file, --domain" "$tool" --domain ministry0.example "$dir/mail.log"
# shellcheck disable=SC2016 # expanded by the inner shell
measure "3x the lines on stdin, same keys" \
  bash -c 'cat "$1" "$1" "$1" | "$2"' _ "$dir/mail.log" "$tool"
measure "a tenth of the lines" "$tool" "$dir/tenth.log"
