#!/usr/bin/env bash
# test.sh - quick start, command 2: install what is missing (test tools too),
# build with warnings as errors, and run the whole test suite through ctest.
# Extra arguments go to ctest (for example -L unit).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --test
bash scripts/build.sh -DDMARCGUARD_WERROR=ON -DDMARCGUARD_TESTS=ON
cd "${BUILD_DIR:-build}"
ctest --output-on-failure -j 2 "$@"
