#!/usr/bin/env bash
# soak.sh - the no-loss soak: many messages through a private Postfix with
# the dmarcguard daemon as its milter, each accounted for by Message-ID.
#
#   scripts/soak.sh [--count N] [--sessions N] [--daemon PATH] [--tries N]
#                   [--retry-pause SECONDS] [--dns-timeout T] [--keep]
#                   [--kill-every SECONDS] [--reload-every SECONDS]
#
# The set-up is that of tests/e2e/faults.sh (tests/e2e/faults/lib.sh): nsd
# serving tests/zones, the daemon on a unix socket, Postfix's smtp-sink as
# the next hop, all on 127.0.0.1, in a work directory under $E2E_BASE
# (default /var/tmp). N messages (default 100000) of the mixed corpus of
# bench/soak/mix.tsv, each with its own Message-ID, go in through
# tests/e2e/faults/smtp_client.pl at --sessions SMTP sessions at once
# (default 32; XCLIENT for the client address, pipelining). A 4xx reply
# is retried after --retry-pause seconds (default 5), up to --tries
# attempts (default 10), as a sending MTA would. When the client is done
# and Postfix has delivered what it accepted, each Message-ID must have
# exactly one outcome, the one the mix expects: delivered (a file of
# smtp-sink), held (postqueue -j) or rejected at SMTP (550 in the client's
# log). With --kill-every the daemon is killed (SIGKILL) and started again
# every so many seconds, with --reload-every it gets SIGUSR1: "deferred,
# then delivered" then counts the messages that got 4xx first. The
# figures go to stdout and to $WORK/report.txt (with --keep the
# work directory stays; DMARCGUARD_KEEP_TEST_DIRS=1 does the same).
#
# Needs root and what the e2e tests need (scripts/install-deps.sh --test);
# the daemon must be built (default build/milter/dmarcguard). Not part of
# ctest. Exit status: 0 nothing lost, duplicated or misjudged; 1 otherwise.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
COUNT=100000 SESSIONS=32 TRIES=10 RETRY_PAUSE=5 DNS_TIMEOUT=2s KILL_EVERY=0 RELOAD_EVERY=0
DMARCGUARD=$here/build/milter/dmarcguard
while [ "$#" -gt 0 ]; do
	case $1 in
	--count) COUNT=$2; shift 2 ;;
	--sessions) SESSIONS=$2; shift 2 ;;
	--daemon) DMARCGUARD=$2; shift 2 ;;
	--tries) TRIES=$2; shift 2 ;;
	--retry-pause) RETRY_PAUSE=$2; shift 2 ;;
	--dns-timeout) DNS_TIMEOUT=$2; shift 2 ;;
	--kill-every) KILL_EVERY=$2; shift 2 ;;
	--reload-every) RELOAD_EVERY=$2; shift 2 ;;
	--keep) export DMARCGUARD_KEEP_TEST_DIRS=1; shift ;;
	-h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "soak.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
	esac
done
case $COUNT$SESSIONS$TRIES$KILL_EVERY$RELOAD_EVERY in *[!0-9]*) echo "soak.sh: numbers only" >&2; exit 2 ;; esac
DMARCGUARD=$(cd "$(dirname "$DMARCGUARD")" && pwd)/$(basename "$DMARCGUARD")

FL_NAME=soak
FL_TESTS=$here/tests
E2E_BASE=${E2E_BASE:-${FL_BASE:-/var/tmp}}
# shellcheck source=../tests/e2e/faults/lib.sh
. "$here/tests/e2e/faults/lib.sh"

fl_init 0
fl_nsd_start
dg_conf "$WORK/dmarcguard.conf" "127.0.0.1@$NSD_PORT" "$DNS_TIMEOUT" "${PF_MILTER_CONF[@]}"
dg_start "$WORK/dmarcguard.conf"
fl_sink_start
fl_postfix_start
note "Postfix on 127.0.0.1:$SMTP_PORT, smtp-sink on $SINK_PORT, daemon pid $DG_PID ($DMARCGUARD)"
RSS_START=$(dg_rss)

fl_make_templates "$WORK/templates"
fl_check_mix "$here/bench/soak/mix.tsv" "$WORK/templates" "127.0.0.1@$NSD_PORT"
perl "$FL_DIR/make_jobs.pl" "$here/bench/soak/mix.tsv" "$COUNT" "soak" "$WORK/templates" \
	"$WORK/soak.jobs" "$WORK/soak.expect"
note "$COUNT messages, $SESSIONS sessions, 4xx retried after ${RETRY_PAUSE}s up to $TRIES tries"

# daemon_cpu - user+system CPU seconds of the daemon so far
daemon_cpu() {
	awk '{ sub(/.*\) /, ""); printf "%.1f", ($12 + $13) / 100 }' "/proc/$DG_PID/stat" \
		2>/dev/null || echo '?'
}

T0=$(now_ms)
CPU0=$(daemon_cpu)
fl_client soak "$WORK/soak.jobs" --sessions "$SESSIONS" --tries "$TRIES" \
	--retry-pause "$RETRY_PAUSE" --per-session 100 --timeout 300
RSS_PEAK=$RSS_START
KILLS=0 RELOADS=0 CPU_DEAD=0
last=0 last_t=$SECONDS tick=0
while alive "$CLIENT_PID"; do
	sleep 1
	tick=$((tick + 1))
	if [ "$KILL_EVERY" -gt 0 ] && [ $((tick % KILL_EVERY)) = 0 ]; then
		CPU_DEAD=$(awk -v a="$CPU_DEAD" -v b="$(daemon_cpu)" 'BEGIN { print a + b }')
		dg_kill KILL
		sleep 1
		dg_start "$WORK/dmarcguard.conf"
		KILLS=$((KILLS + 1))
	fi
	if [ "$RELOAD_EVERY" -gt 0 ] && [ $((tick % RELOAD_EVERY)) = 0 ]; then
		kill -USR1 "$DG_PID"
		RELOADS=$((RELOADS + 1))
	fi
	[ $((tick % 10)) = 0 ] || continue
	done_now=$(fl_client_done soak)
	rss=$(dg_rss)
	[ "$rss" != '?' ] && [ "$rss" -gt "$RSS_PEAK" ] && RSS_PEAK=$rss
	alive "$DG_PID" || note "THE DAEMON IS GONE (pid $DG_PID)"
	note "$done_now attempts done ($(( (done_now - last) / (SECONDS - last_t > 0 ? SECONDS - last_t : 1) ))/s), daemon RSS ${rss} KiB, CPU $(daemon_cpu) s, Postfix queue $(pf_queue_busy)"
	last=$done_now last_t=$SECONDS
done
client_rc=0
fl_client_wait soak 60 || client_rc=1
T1=$(now_ms)
CPU1=$(awk -v a="$CPU_DEAD" -v b="$(daemon_cpu)" 'BEGIN { print a + b }')
note "client done after $(( (T1 - T0) / 1000 )) s; waiting for Postfix to deliver"
pf_wait_drained 1800 || fail "Postfix did not deliver everything within 30 minutes"
T2=$(now_ms)
RSS_END=$(dg_rss)
RSS_NOTE=
[ "$KILLS" = 0 ] || RSS_NOTE=" (peak and end: the processes started after the kills)"

fl_account "$WORK/soak.expect" "$WORK/soak.account" "$WORK/client/soak.log"
LOG=$WORK/client/soak.log
ATTEMPTS=$(wc -l <"$LOG")
N_4XX=$(awk -F'\t' '$6 ~ /^4/' "$LOG" | wc -l)
N_IO=$(awk -F'\t' '$6 == "io"' "$LOG" | wc -l)
# deferred then delivered: a 4xx first, then an accepted try that reached smtp-sink
awk -F'\t' '$6 ~ /^4/ || $6 == "io" { print $1 }' "$LOG" | sort -u >"$WORK/retried.ids"
N_RETRIED=$(wc -l <"$WORK/retried.ids")
N_DEFERRED_DELIVERED=$(awk 'FNR == NR { r[$1]; next } ($1 in r) && $2 == "delivered"' \
	"$WORK/retried.ids" "$WORK/outcomes" | wc -l)
N_SENT_LOG=$(grep -c ' status=sent ' "$PF_LOG" || true)
N_HOLD_LOG=$(grep -c ': milter-hold: ' "$PF_LOG" || true)
SECS=$(awk -v a="$T0" -v b="$T1" 'BEGIN { printf "%.1f", (b - a) / 1000 }')
RATE=$(awk -v n="$COUNT" -v a="$T0" -v b="$T1" 'BEGIN { printf "%.1f", n * 1000 / (b - a) }')
DRAIN=$(awk -v a="$T1" -v b="$T2" 'BEGIN { printf "%.1f", (b - a) / 1000 }')
CPU=$(awk -v a="$CPU0" -v b="$CPU1" 'BEGIN { printf "%.1f", b - a }')
P50=$(awk -F'\t' '$5 == "dot" { print $4 - $3 }' "$LOG" | sort -n |
	awk '{ v[NR] = $1 } END { if (NR) printf "%d ms median, %d ms p99, %d ms max", v[int(NR * 0.5) + 1], v[int(NR * 0.99) + 1], v[NR] }')

{
	echo "soak: $COUNT messages, $SESSIONS sessions, mix bench/soak/mix.tsv"
	echo "  daemon        $DMARCGUARD ($("$DMARCGUARD" -V 2>/dev/null | head -n 1))"
	echo "  machine       $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
	echo "  sending       $SECS s, $RATE messages/s; Postfix drained in $DRAIN s more"
	echo "  attempts      $ATTEMPTS ($N_4XX 4xx, $N_IO broken sessions; $N_RETRIED messages retried)"
	echo "  transactions  $P50 (start of an attempt to the reply at end of data)"
	echo "  delivered     $N_DELIVERED (smtp-sink files; Postfix logged $N_SENT_LOG status=sent)"
	echo "  held          $N_HELD (postqueue -j; Postfix logged $N_HOLD_LOG milter-hold)"
	echo "  rejected      $N_REJECTED (550 at the end of data)"
	echo "  deferred, then delivered  $N_DEFERRED_DELIVERED"
	echo "  lost          $LOST"
	echo "  duplicated    $DUPLICATED"
	echo "  misjudged     $WRONG"
	echo "  daemon RSS    $RSS_START KiB at start, $RSS_PEAK KiB peak (10 s samples), $RSS_END KiB at the end$RSS_NOTE"
	echo "  daemon CPU    $CPU s while sending"
	echo "  faults        $KILLS SIGKILL + restart, $RELOADS SIGUSR1 reloads"
} | tee "$WORK/report.txt"
if [ -s "$WORK/soak.account" ]; then
	note "first problems (all in $WORK/soak.account):"
	head -n 20 "$WORK/soak.account"
fi
check "the client ran to its end" test "$client_rc" = 0
check "zero lost, zero duplicated, zero misjudged" test "$LOST$DUPLICATED$WRONG" = 000
check "the daemon is still running (pid $DG_PID)" alive "$DG_PID"
check "the daemon logged no errors or internal failures" \
	eval '! grep -E "dmarcguard\[(error|crit)\]|internal error" "$DG_LOG"'
dg_stop
check "the daemon exits 0 on SIGTERM (got $DG_RC)" test "$DG_RC" = 0
[ "$FAILED" = 0 ] || exit 1
