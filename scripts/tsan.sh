#!/usr/bin/env bash
# tsan.sh - build the daemon with ThreadSanitizer in build-tsan and run the
# 64-connection test against it, with and without reloads under load. Any
# ThreadSanitizer report in the daemon's log fails the run. (Reports from
# libmilter's own shutdown come after the checks and are not counted.)
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${TSAN_BUILD_DIR:-build-tsan}
cmake -S . -B "$dir" -DDMARCGUARD_TSAN=ON -DDMARCGUARD_TESTS=ON >/dev/null
cmake --build "$dir" -j "$(nproc)" --target dmarcguard nsd_tool
export TSAN_OPTIONS="halt_on_error=0 second_deadlock_stack=1"
bash tests/milter/concurrency.sh "$dir/milter/dmarcguard" "$dir/tests/e2e/nsd_tool" 64
bash tests/milter/concurrency.sh "$dir/milter/dmarcguard" "$dir/tests/e2e/nsd_tool" 64 reload
# the counters and the metrics endpoint's thread, scraped all along
CONCURRENCY_METRICS=1 bash tests/milter/concurrency.sh "$dir/milter/dmarcguard" "$dir/tests/e2e/nsd_tool" 64 reload
