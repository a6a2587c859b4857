#!/usr/bin/env bash
# asan.sh - the whole test suite again with AddressSanitizer and
# UndefinedBehaviorSanitizer (leak checking on) in build-asan. Any report
# fails the test that triggered it: UBSan is built not to recover, and the
# daemon-driving scripts fail on a sanitizer line in the daemon's log.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${ASAN_BUILD_DIR:-build-asan}
cmake -S . -B "$dir" -DDMARCGUARD_SANITIZE=ON -DDMARCGUARD_TESTS=ON >/dev/null
cmake --build "$dir" -j "$(nproc)"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:strict_string_checks=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
cd "$dir"
# the package test builds and installs a plain package: nothing to sanitize
ctest --output-on-failure -j 2 -LE package "$@"
