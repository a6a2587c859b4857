#!/usr/bin/env bash
# build.sh - configure and build dmarcguard in ./build (or $BUILD_DIR).
# Extra arguments go to cmake's configure step, e.g. -DDMARCGUARD_SANITIZE=ON.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${BUILD_DIR:-build}
cmake -S . -B "$build_dir" "$@"
cmake --build "$build_dir" -j "$(nproc)"
