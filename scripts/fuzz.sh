#!/usr/bin/env bash
# fuzz.sh - build the libFuzzer harnesses (fuzz/) and run each for a while
# on a copy of its committed seed corpus; fails on any crash, leak or
# broken invariant. CI runs it short; docs/security.md ("Fuzzing") has the
# long-run figures and how to reproduce a crash.
#
#   scripts/fuzz.sh                 every harness, FUZZ_SECONDS (20) each
#   scripts/fuzz.sh fuzz_spf ...    only these
#
# Environment: FUZZ_SECONDS (per harness), FUZZ_BUILD_DIR (build-fuzz),
# FUZZ_WORK_DIR (a fresh temporary directory: corpus copies, logs and any
# crash-* files), FUZZ_JOBS (build parallelism, 2), FUZZ_SKIP (ids of
# invariants broken by open, already reported bugs, stepped over so that
# new ones show; see docs/security.md), FUZZ_FORK (harnesses to run with
# -fork=1 -ignore_crashes=1, whose crashes then count only if they
# reproduce on their own; empty by default: every harness runs plainly and
# any crash fails).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${FUZZ_SECONDS:-20}
build=${FUZZ_BUILD_DIR:-$root/build-fuzz}
jobs=${FUZZ_JOBS:-2}
packages="clang-14 libfuzzer-14-dev libclang-rt-14-dev"

# The toolchain: Debian 12's clang 14 with libFuzzer and the sanitizer runtimes.
missing=
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "fuzz.sh: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null
	# shellcheck disable=SC2086
	apt-get install -y -q $missing >/dev/null
fi

CC=clang-14 cmake -S "$root" -B "$build" -DDMARCGUARD_FUZZ=ON -DDMARCGUARD_TESTS=OFF \
	-DDMARCGUARD_SANITIZE=ON >/dev/null
cmake --build "$build" -j"$jobs" --target \
	fuzz_arc_chain fuzz_authres fuzz_bodyhash fuzz_config fuzz_dmarc_record fuzz_dns_answer fuzz_from_header \
	fuzz_lookalike fuzz_macro_guard fuzz_message fuzz_spf fuzz_spf_record >/dev/null

if [ $# -gt 0 ]; then
	harnesses=("$@")
else
	harnesses=()
	for src in "$root"/fuzz/fuzz_*.c; do
		name=$(basename "$src" .c)
		[ "$name" = fuzz_util ] || harnesses+=("$name")
	done
fi

work=${FUZZ_WORK_DIR:-$(mktemp -d /tmp/dmarcguard-fuzz.XXXXXX)}
mkdir -p "$work"
export FUZZ_SKIP=${FUZZ_SKIP-}	# the three known findings are fixed; their inputs must pass
fork_list=${FUZZ_FORK-}
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
failed=0
for h in "${harnesses[@]}"; do
	corpus="$work/corpus/$h"
	mkdir -p "$corpus"
	cp "$root/fuzz/corpus/$h/"* "$corpus/" 2>/dev/null || true
	fork=()
	case " $fork_list " in *" $h "*) fork=(-fork=1 -ignore_crashes=1) ;; esac
	echo "fuzz.sh: $h for ${seconds}s${fork:+ (fork mode)}"
	rc=0
	(cd "$work" && "$build/fuzz/$h" "${fork[@]}" -max_total_time="$seconds" \
		-timeout=25 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
		-artifact_prefix="$work/$h-" "$corpus" >"$work/$h.log" 2>&1) || rc=$?
	if [ "$rc" != 0 ] && [ ${#fork[@]} = 0 ]; then
		failed=1
		echo "fuzz.sh: $h FAILED; log $work/$h.log, artifacts $work/$h-*"
		grep -E "INVARIANT BROKEN|ERROR: |SUMMARY: " "$work/$h.log" | head -5 | sed "s/^/  /"
		continue
	fi
	grep -E "^#[0-9]+ +DONE|^#[0-9]+:|stat::number_of_executed_units|stat::average_exec_per_sec" \
		"$work/$h.log" | tail -3 | sed "s/^/  /" || true
	# fork mode goes on after crashes: those that reproduce alone fail the run
	for a in "$work/$h"-crash-* "$work/$h"-leak-* "$work/$h"-timeout-*; do
		[ -e "$a" ] && [ "${a%.replay}" = "$a" ] || continue
		if "$build/fuzz/$h" "$a" >"$a.replay" 2>&1; then
			echo "  $(basename "$a"): did not reproduce alone (known, docs/security.md)"
		else
			failed=1
			echo "fuzz.sh: $h FAILED: $a reproduces; see $a.replay"
			grep -E "INVARIANT BROKEN|ERROR: |SUMMARY: " "$a.replay" | head -3 | sed "s/^/  /"
		fi
	done
done
# Regression: every fixed finding's saved input must pass now. (The
# libopendkim bad-free inputs never reproduced alone and stay documented.)
for h in "${harnesses[@]}"; do
	for a in "$root/fuzz/crashes/$h"/*; do
		[ -f "$a" ] || continue
		case "$a" in *libopendkim-bad-free*) continue ;; esac
		if "$build/fuzz/$h" "$a" >"$work/replay.log" 2>&1; then
			echo "  fixed finding stays fixed: $h/$(basename "$a")"
		else
			failed=1
			echo "fuzz.sh: $h FAILED on fixed finding $(basename "$a")"
			grep -E "INVARIANT BROKEN|ERROR: |SUMMARY: " "$work/replay.log" | head -3 | sed "s/^/  /"
		fi
	done
done
[ "$failed" = 0 ] && echo "fuzz.sh: no crash in ${#harnesses[@]} harnesses (work dir $work)"
exit "$failed"
