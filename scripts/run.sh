#!/usr/bin/env bash
# run.sh - quick start, command 1: install what is missing, build, and run
# dmarcguard in the foreground on its embedded default configuration.
# Extra arguments go to dmarcguard (for example -c /etc/dmarcguard.conf).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh -DDMARCGUARD_TESTS=OFF
exec ./"${BUILD_DIR:-build}"/milter/dmarcguard -f "$@"
