#!/usr/bin/env bash
# faults.sh - fault injection: the dmarcguard daemon behind a real Postfix
# while its DNS server dies, its DNS answers come late, it is killed with
# SIGKILL and crashes (SIGSEGV) under load and its configuration is
# reloaded under load.
#
#   bash tests/e2e/faults.sh DMARCGUARD TESTS_DIR
#
# (ctest runs it as e2e_faults, label e2e.) The set-up is that of
# postfix.sh (tests/e2e/lib/, with faults/lib.sh): a private Postfix on
# 127.0.0.1 with the daemon as its milter (milter_default_action =
# tempfail), smtp-sink as the next hop, and nsd serving tests/zones plus faults/faults.example
# on a fixed port, so it can be stopped and started again on that port.
# Messages go in through faults/smtp_client.pl: 8 SMTP sessions at once,
# XCLIENT for a documentation-range client address, pipelining; every
# message has its own Message-ID and, at the end of each scenario, each
# one is accounted for exactly once: delivered (smtp-sink), held (postqueue
# -j) or rejected at SMTP (550 in the client's log).
#
#   (a) nsd stopped in the middle of a burst of messages whose verdicts
#       need DNS (names no cache holds: _dmarc.UNIQUE.none.example, a DKIM
#       selector of its own under faults.example): what was sent after the
#       stop gets 451 4.7.0 at the end of data, nothing is held or delivered
#       on doubt; nsd started again on the same port, the 451'd messages
#       retried get their real verdicts.
#   (b) answers held back 3 s by faults/dns_delay.pl with DNSTimeout 1s:
#       451 4.7.0, each transaction done within 10 s; with the delay gone,
#       the retries are decided.
#   (c) SIGKILL, then SIGSEGV (standing for a crash), of the daemon while
#       8 sessions send, each followed by a restart after the unit's
#       RestartSec (Restart=on-failure, as systemd would): 4xx for what was
#       in flight and while it was down, retries after the restart, zero
#       lost, zero duplicated, and every delivered copy carries our
#       Authentication-Results (none went through unchecked).
#   (d) 20 reloads (SIGUSR1, between two configurations) while 8 sessions
#       send: not one 4xx, every message decided as expected.
#
# Needs root, postfix, nsd, dig, perl and openssl (scripts/install-deps.sh
# --test). Every wait has a deadline and the run is cut off after
# TIME_LIMIT seconds; an EXIT trap stops every process started here and
# removes the directory (DMARCGUARD_KEEP_TEST_DIRS=1 keeps it). Exit
# status: 0 all passed, 1 a check failed or the set-up broke.
set -euo pipefail

usage="usage: faults.sh DMARCGUARD TESTS_DIR"
DMARCGUARD=${1:?$usage}
FL_TESTS=${2:?$usage}
FL_NAME=e2e_faults
TIME_LIMIT=${DMARCGUARD_E2E_TIME_LIMIT:-560}
# shellcheck source=faults/lib.sh
. "$(dirname "$0")/faults/lib.sh"

BAD_IP=203.0.113.66		# passes SPF for evil.example only
BAD_HELO=mx.attacker.example
BAD_FROM=x@evil.example
RCPT=analyst@receiver.example
PROXY_PID=

fl_init "$TIME_LIMIT"
fl_nsd_start
NAMESERVER=127.0.0.1@$NSD_PORT
note "nsd answers on $NAMESERVER"
DG_MAIN_CONF=$WORK/dmarcguard.conf
dg_conf "$DG_MAIN_CONF" "$NAMESERVER" 2s "${PF_MILTER_CONF[@]}"
dg_start "$DG_MAIN_CONF"
fl_sink_start
fl_postfix_start
note "Postfix on 127.0.0.1:$SMTP_PORT, smtp-sink on $SINK_PORT, daemon pid $DG_PID"

# ---- helpers
# unique_message KIND ID - a message whose verdict needs DNS no cache can
# answer, in $WORK/msg/ID.eml, and its job line (stdout):
#   none    From desk@LABEL.none.example, unsigned: none.example's p=none
#           through the organizational domain, a spoof: held
#   reject  From desk@LABEL.reject.example: a name that does not exist
#           under reject.example (np=reject), a spoof: 550
#   legit   From desk@faults.example, DKIM-signed with selector LABEL (the
#           key comes from the wildcard *._domainkey.faults.example): delivered
# LABEL is the part of ID before "@".
unique_message() {
	local kind=$1 id=$2 label=${2%%@*} from f=$WORK/msg/$2.eml
	case $kind in
	none) from=desk@$label.none.example ;;
	reject) from=desk@$label.reject.example ;;
	legit) from=desk@faults.example ;;
	esac
	{
		printf 'From: Policy Desk <%s>\nTo: %s\nSubject: Fault injection %s\n' "$from" "$RCPT" "$label"
		printf 'Date: Mon, 2 Nov 2026 09:00:00 +0000\nMessage-ID: <%s>\n' "$id"
		printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\n'
		printf 'Dear colleague,\n\nplease find the briefing notes below.\n\n-- \nThe team\n'
	} >"$f.unsigned"
	if [ "$kind" = legit ]; then
		perl "$FL_DIR/dkim_sign.pl" "$FL_TESTS/keys/rsa2048.pem" "$label" faults.example \
			From:To:Subject:Date:Message-ID:MIME-Version:Content-Type <"$f.unsigned" >"$f" ||
			die "cannot sign $id"
		rm -f "$f.unsigned"
	else
		mv "$f.unsigned" "$f"
	fi
	printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$BAD_IP" "$BAD_HELO" "$BAD_FROM" "$RCPT" "$f"
}

# make_unique_set PREFIX COUNT JOBS EXPECT - COUNT messages, the three
# kinds in turn
make_unique_set() {
	local prefix=$1 count=$2 jobs=$3 expect=$4 i kind want id
	mkdir -p "$WORK/msg"
	: >"$jobs"
	: >"$expect"
	for i in $(seq 1 "$count"); do
		case $((i % 3)) in
		1) kind=none want=held ;;
		2) kind=reject want=rejected ;;
		0) kind=legit want=delivered ;;
		esac
		id=$(printf '%s%03d@faults.example' "$prefix" "$i")
		unique_message "$kind" "$id" >>"$jobs"
		printf '%s %s %s\n' "$id" "$want" "$kind" >>"$expect"
	done
}

# subset_jobs JOBS IDS - the lines of JOBS whose message id is listed in IDS
subset_jobs() { awk -F'\t' 'FNR == NR { want[$1]; next } ($1 in want)' "$2" "$1"; }

# decided_as_expected EXPECT LOG - each line of LOG (one attempt) is the
# expected verdict of its message: 250 at the end of data for delivered
# and held, 550 5.7.1 for rejected; prints the others
decided_as_expected() {
	[ -s "$1" ] || { echo "no expected outcomes in $1"; return; }
	awk -F'\t' 'FNR == NR { split($0, f, " "); want[f[1]] = f[2]; next }
		{ w = want[$1]
		  ok = (w == "delivered" || w == "held") ? ($5 == "dot" && $6 == "250") \
		     : (w == "rejected") ? ($5 == "dot" && $7 ~ /^550 5\.7\.1 /) : 0
		  if (!ok) print $1, "want", w, "got", $5, $7 }' "$1" "$2"
}

# tempfailed_by_daemon LOG - the lines of LOG that are the daemon's 451 4.7.0
tempfailed_by_daemon() { awk -F'\t' '$5 == "dot" && $7 ~ /^451 4\.7\.0 /' "$1"; }

# show_problems FILE - the first lines of an accounting or check report
show_problems() { [ -s "$1" ] && head -n 10 "$1" | sed 's/^/    /'; return 0; }

# copies_of IDS - the held or delivered copies of the messages listed in IDS
copies_of() {
	outcomes "$WORK/outcomes.now"
	awk 'FNR == NR { want[$1]; next } ($1 in want)' "$1" "$WORK/outcomes.now"
}

# copies_authres PREFIX - "MESSAGE-ID COUNT" for each copy smtp-sink stored
# of a message whose Message-ID starts with PREFIX: COUNT is the number of
# Authentication-Results fields in its header claiming $E2E_AUTHSERV
copies_authres() {
	find "$WORK/sink" -type f -exec awk -v as="$E2E_AUTHSERV" -v prefix="$1" '
		function flush() { if (index(id, prefix) == 1) print id, n }
		FNR == 1 { if (FNR != NR) flush(); id = ""; n = 0; body = 0 }
		body { next }
		/^\r?$/ { body = 1; next }
		{ v = tolower($0) }
		v ~ /^message-id:/ && id == "" { id = $0; sub(/^[^<]*</, "", id); sub(/>.*/, "", id) }
		v ~ /^authentication-results:/ {
			sub(/^authentication-results:[ \t]*/, "", v)
			if (index(v, as ";") == 1 || index(v, as " ;") == 1) n++
		}
		END { if (NR) flush() }' {} + | LC_ALL=C sort
}

# milter_warnings - how many milter warnings Postfix has logged
milter_warnings() { grep -cE "warning: .*[Mm]ilter" "$PF_LOG" || true; }

check "the daemon logged no errors at start" \
	eval '! grep -E "dmarcguard\[(error|crit)\]" "$DG_LOG"'

# =====================================================================
# (a) the DNS server stops in the middle of a burst
note "(a) DNS server stopped mid-run: 48 messages, 8 sessions, nsd stopped after 12"
make_unique_set fa 48 "$WORK/a.jobs" "$WORK/a.expect"
A_START=$SECONDS
fl_client a1 "$WORK/a.jobs" --sessions 8 --tries 1 --pause-ms 400 --timeout 60
wait_for 60 "12 messages of (a) to finish" eval '[ "$(fl_client_done a1)" -ge 12 ]' ||
	die "the client of (a) does not get on"
fl_nsd_stop
T_STOP=$(now_ms)
note "(a) nsd stopped after $(fl_client_done a1) messages"
fl_client_wait a1 120 || fail "(a) the client did not finish its run"
awk -F'\t' -v t="$T_STOP" '$3 >= t' "$WORK/client/a1.log" >"$WORK/a1.after"
awk -F'\t' -v t="$T_STOP" '$4 < t' "$WORK/client/a1.log" >"$WORK/a1.before"
check "(a) all 48 messages got a reply ($(wc -l <"$WORK/client/a1.log") attempts logged)" \
	test "$(cut -f1 "$WORK/client/a1.log" | sort -u | wc -l)" = 48
check "(a) messages were decided before the stop ($(wc -l <"$WORK/a1.before")), correctly" \
	eval '[ -s "$WORK/a1.before" ] && [ -z "$(decided_as_expected "$WORK/a.expect" "$WORK/a1.before")" ]'
n_after=$(wc -l <"$WORK/a1.after")
n_after_451=$(tempfailed_by_daemon "$WORK/a1.after" | wc -l)
check "(a) every message sent after the stop got 451 4.7.0 at end of data ($n_after_451 of $n_after)" \
	eval '[ "$n_after" -ge 16 ] && [ "$n_after_451" = "$n_after" ]'
awk -F'\t' '!($5 == "dot" && $7 ~ /^451 4\.7\.0 /)' "$WORK/client/a1.log" >"$WORK/a1.decided"
decided_as_expected "$WORK/a.expect" "$WORK/a1.decided" >"$WORK/a1.wrong"
check "(a) every other reply is the message's real verdict: nothing passed or refused on doubt" \
	test ! -s "$WORK/a1.wrong"
show_problems "$WORK/a1.wrong"
tempfailed_by_daemon "$WORK/client/a1.log" | cut -f1 | sort -u >"$WORK/a1.tempfailed"
pf_wait_drained 60 || fail "(a) Postfix did not deliver what it accepted"
copies_of "$WORK/a1.tempfailed" >"$WORK/a1.copies"
check "(a) none of the $(wc -l <"$WORK/a1.tempfailed") tempfailed messages is held or delivered" \
	test ! -s "$WORK/a1.copies"
show_problems "$WORK/a1.copies"
grep -F -f "$WORK/a1.tempfailed" "$DG_LOG" | grep ' v=1 qid=' |
	grep -v ' action=tempfail reason=dns-temperror ' >"$WORK/a1.alerts" || true
check "(a) the daemon's alert line for each of them says action=tempfail reason=dns-temperror" \
	test ! -s "$WORK/a1.alerts"
show_problems "$WORK/a1.alerts"

# nsd back on the same port; the daemon keeps SERVFAIL 2 s: wait past it
old_port=$NSD_PORT
fl_nsd_start "$old_port"
check "(a) nsd started again on the same port $old_port" test "$NSD_PORT" = "$old_port"
sleep 3
subset_jobs "$WORK/a.jobs" "$WORK/a1.tempfailed" >"$WORK/a2.jobs"
note "(a) nsd back; retrying the $(wc -l <"$WORK/a2.jobs") tempfailed messages"
A2_LOG_FROM=$(($(wc -l <"$DG_LOG") + 1))
fl_client a2 "$WORK/a2.jobs" --sessions 8 --tries 6 --retry-pause 3 --timeout 60
fl_client_wait a2 120 || fail "(a) the retrying client did not finish"
awk -F'\t' '!($5 == "dot" && $7 ~ /^451 4\.7\.0 /)' "$WORK/client/a2.log" >"$WORK/a2.decided"
decided_as_expected "$WORK/a.expect" "$WORK/a2.decided" >"$WORK/a2.wrong"
check "(a) after the restart every retried message got its real verdict" \
	eval '[ "$(cut -f1 "$WORK/a2.decided" | sort -u | wc -l)" = "$(wc -l <"$WORK/a2.jobs")" ] && [ ! -s "$WORK/a2.wrong" ]'
show_problems "$WORK/a2.wrong"
A_AGAIN=$(tempfailed_by_daemon "$WORK/client/a2.log" | wc -l)
A_PROBLEMS=$(tail -n +"$A2_LOG_FROM" "$DG_LOG" | grep ' reason=dns-temperror ' |
	awk '{ p = "none(dkim)"; for (i = 1; i <= NF; i++) if ($i ~ /^problem=/) p = substr($i, 9); print p }' |
	sort | uniq -c | tr -s ' \n' ' ' || true)
# A name that failed during the outage can fail once more for a few
# seconds: libunbound keeps a SERVFAIL 5 s (longer than our cache's 2 s) or
# is still backing off on its own query for it (docs/security.md).
note "(a) retries that got 451 4.7.0 once more before their verdict: $A_AGAIN (problem= of their alert lines:${A_PROBLEMS:- -})"
pf_wait_drained 60 || fail "(a) Postfix did not deliver what it accepted"
fl_account "$WORK/a.expect" "$WORK/a.account" "$WORK/client/a1.log" "$WORK/client/a2.log"
check "(a) every message accounted for once: $N_DELIVERED delivered, $N_HELD held, $N_REJECTED rejected; lost $LOST, duplicated $DUPLICATED, wrong $WRONG" \
	test "$LOST$DUPLICATED$WRONG" = 000
show_problems "$WORK/a.account"
note "(a) took $((SECONDS - A_START)) s"

# =====================================================================
# (b) answers delayed beyond DNSTimeout
note "(b) DNS answers delayed 3 s, DNSTimeout 1s"
B_START=$SECONDS
perl "$FL_DIR/dns_delay.pl" "$NSD_PORT" 3000 >"$WORK/proxy.addr" 2>>"$WORK/log/proxy.log" &
PROXY_PID=$!
e2e_at_exit 'stop_pid "$PROXY_PID" 5'
wait_for 10 "the delay proxy to start" grep -q '^127\.0\.0\.1@[0-9]*$' "$WORK/proxy.addr" ||
	die "the delay proxy did not start"
PROXY=$(head -n 1 "$WORK/proxy.addr")
dg_stop
check "(b) the daemon stopped on SIGTERM with exit 0 (got $DG_RC)" test "$DG_RC" = 0
dg_conf "$WORK/dmarcguard-slow.conf" "$PROXY" 1s "${PF_MILTER_CONF[@]}"
dg_start "$WORK/dmarcguard-slow.conf"
note "(b) daemon pid $DG_PID asks $PROXY (nsd behind it)"
make_unique_set fb 16 "$WORK/b.jobs" "$WORK/b.expect"
fl_client b1 "$WORK/b.jobs" --sessions 8 --tries 1 --timeout 60
fl_client_wait b1 120 || fail "(b) the client did not finish its run"
n_b=$(wc -l <"$WORK/client/b1.log")
n_b_451=$(tempfailed_by_daemon "$WORK/client/b1.log" | wc -l)
check "(b) every message got 451 4.7.0 at end of data ($n_b_451 of $n_b, 16 sent)" \
	eval '[ "$n_b" = 16 ] && [ "$n_b_451" = 16 ]'
B_MAX_MS=$(awk -F'\t' 'BEGIN { m = 0 } { d = $4 - $3; if (d > m) m = d } END { print m }' "$WORK/client/b1.log")
B_MIN_MS=$(awk -F'\t' 'BEGIN { m = 1e9 } { d = $4 - $3; if (d < m) m = d } END { print m }' "$WORK/client/b1.log")
check "(b) each SMTP transaction took under 10 s from its start to the final reply (${B_MIN_MS}-${B_MAX_MS} ms)" \
	test "$B_MAX_MS" -lt 10000
cut -f1 "$WORK/client/b1.log" | sort -u >"$WORK/b1.tempfailed"
pf_wait_drained 30 || fail "(b) Postfix did not deliver what it accepted"
copies_of "$WORK/b1.tempfailed" >"$WORK/b1.copies"
check "(b) none of them was held or delivered" test ! -s "$WORK/b1.copies"
grep -F -f "$WORK/b1.tempfailed" "$DG_LOG" | grep ' v=1 qid=' |
	grep -v ' reason=dns-temperror .*problem=timeout' >"$WORK/b1.alerts" || true
check "(b) the daemon's alert lines give reason=dns-temperror problem=timeout" \
	test ! -s "$WORK/b1.alerts"
show_problems "$WORK/b1.alerts"
kill -USR1 "$PROXY_PID"
sleep 3
note "(b) delay removed; retrying the 16 messages"
fl_client b2 "$WORK/b.jobs" --sessions 8 --tries 6 --retry-pause 3 --timeout 60
fl_client_wait b2 120 || fail "(b) the retrying client did not finish"
awk -F'\t' '!($5 == "dot" && $7 ~ /^451 4\.7\.0 /)' "$WORK/client/b2.log" >"$WORK/b2.decided"
decided_as_expected "$WORK/b.expect" "$WORK/b2.decided" >"$WORK/b2.wrong"
check "(b) without the delay every message got its real verdict" \
	eval '[ "$(cut -f1 "$WORK/b2.decided" | sort -u | wc -l)" = 16 ] && [ ! -s "$WORK/b2.wrong" ]'
show_problems "$WORK/b2.wrong"
pf_wait_drained 60 || fail "(b) Postfix did not deliver what it accepted"
fl_account "$WORK/b.expect" "$WORK/b.account" "$WORK/client/b1.log" "$WORK/client/b2.log"
check "(b) every message accounted for once: $N_DELIVERED delivered, $N_HELD held, $N_REJECTED rejected; lost $LOST, duplicated $DUPLICATED, wrong $WRONG" \
	test "$LOST$DUPLICATED$WRONG" = 000
show_problems "$WORK/b.account"
dg_stop
check "(b) the daemon stopped on SIGTERM with exit 0 (got $DG_RC)" test "$DG_RC" = 0
stop_pid "$PROXY_PID" 5
PROXY_PID=
note "(b) took $((SECONDS - B_START)) s"

# =====================================================================
# templates of the corpus for (c) and (d): cached DNS, ordinary mail
TEMPLATES=$WORK/templates
fl_make_templates "$TEMPLATES"
MIX=$WORK/faults.mix
cat >"$MIX" <<EOF
# weight template client-ip helo mail-from expect
3 signed-none $BAD_IP $BAD_HELO $BAD_FROM delivered
2 unsigned-none 192.0.2.10 mail.none.example bounce@none.example delivered
3 unsigned-none $BAD_IP $BAD_HELO $BAD_FROM held
1 unsigned-quarantine $BAD_IP $BAD_HELO $BAD_FROM held
3 unsigned-reject $BAD_IP $BAD_HELO $BAD_FROM rejected
EOF
fl_check_mix "$MIX" "$TEMPLATES" "$NAMESERVER"
dg_start "$DG_MAIN_CONF"
note "daemon pid $DG_PID on $NAMESERVER again"

# =====================================================================
# (c) SIGKILL, then a crash (SIGSEGV), under load; restarted as systemd would
check "Postfix logged no milter warnings in (a) and (b): DNS trouble is the daemon's to handle" \
	test "$(milter_warnings)" = 0
note "(c) SIGKILL, then SIGSEGV, of the daemon while 8 sessions send 400 messages"
C_START=$SECONDS
# The unit restarts the daemon after a crash; the test plays systemd.
UNIT=$FL_TESTS/../systemd/dmarcguard.service.in
RESTART_SEC=$(sed -n 's/^RestartSec=\([0-9][0-9]*\)s\{0,1\}$/\1/p' "$UNIT")
check "(c) the unit restarts the daemon when it dies by a signal (Restart=on-failure, RestartSec=${RESTART_SEC:-?}s)" \
	eval 'grep -qx "Restart=on-failure" "$UNIT" && [ -n "$RESTART_SEC" ]'
RESTART_SEC=${RESTART_SEC:-2}
perl "$FL_DIR/make_jobs.pl" "$MIX" 400 fc "$TEMPLATES" "$WORK/c.jobs" "$WORK/c.expect"
fl_client c "$WORK/c.jobs" --sessions 8 --tries 30 --retry-pause 2 --pause-ms 60 --timeout 90
: >"$WORK/c.windows"
# c_outage SIGNAL AFTER - once AFTER more attempts of (c) are done (since
# the start or the last restart: the daemon is under load) it dies by
# SIGNAL (no clean-up of its own) and is started again RESTART_SEC later;
# "SIGNAL KILLED-MS BACK-MS" goes to c.windows
C_DONE_BASE=0
c_outage() {
	local sig=$1 t_kill t_back want=$((C_DONE_BASE + $2))
	wait_for 60 "$want attempts of (c) to finish" eval '[ "$(fl_client_done c)" -ge '"$want"' ]' ||
		die "the client of (c) does not get on"
	t_kill=$(now_ms)
	dg_kill "$sig"
	note "(c) daemon killed (SIG$sig) after $(fl_client_done c) attempts"
	check "(c) SIG$sig: the daemon's wait status is $((128 + $(kill -l "$sig"))) (got $DG_RC), a failure for systemd" \
		test "$DG_RC" = "$((128 + $(kill -l "$sig")))"
	sleep "$RESTART_SEC"
	check "(c) SIG$sig: the client was still sending while the daemon was down" alive "$CLIENT_PID"
	t_back=$(now_ms)
	dg_start "$DG_MAIN_CONF"
	C_DONE_BASE=$(fl_client_done c)
	printf '%s %s %s\n' "$sig" "$t_kill" "$t_back" >>"$WORK/c.windows"
	note "(c) daemon restarted as pid $DG_PID after $((t_back - t_kill)) ms"
}
c_outage KILL 100
c_outage SEGV 100
fl_client_wait c 180 || fail "(c) the client did not finish its run"
# attempts that overlap a time the daemon was away, with the signal first
awk -F'\t' 'FNR == NR { sig[NR] = $1; t[NR] = $2; b[NR] = $3; n = NR; next }
	{ for (i = 1; i <= n; i++) if ($3 < b[i] && $4 >= t[i]) { print sig[i] "\t" $0; next } }' \
	FS=' ' "$WORK/c.windows" FS='\t' "$WORK/client/c.log" >"$WORK/c.outage"
for sig in KILL SEGV; do
	n=$(awk -F'\t' -v s="$sig" '$1 == s && $7 ~ /^4/' "$WORK/c.outage" | wc -l)
	check "(c) SIG$sig: transactions during the outage got 4xx, the tempfail of milter_default_action ($n)" \
		test "$n" -ge 1
done
awk -F'\t' '$6 ~ /^4/' "$WORK/client/c.log" >"$WORK/c.4xx"
awk -F'\t' '$6 == "io"' "$WORK/client/c.log" >"$WORK/c.io"
C_EOD_4XX=$(awk -F'\t' '$5 == "dot"' "$WORK/c.4xx" | wc -l)
C_MAIL_4XX=$(awk -F'\t' '$5 == "mail"' "$WORK/c.4xx" | wc -l)
note "(c) replies during the outages: $(cut -f1,6,7 "$WORK/c.outage" | sort | uniq -c | tr -s ' \t\n' ' ')"
# Each session's milter connection is opened at XCLIENT time: transactions
# of sessions open when the daemon died fail at end of data, new sessions
# fail at MAIL FROM (milter_default_action = tempfail).
check "(c) transactions in flight when the daemon died got 4xx at end of data ($C_EOD_4XX)" \
	test "$C_EOD_4XX" -ge 1
check "(c) transactions begun while it was down got 4xx at MAIL FROM ($C_MAIL_4XX)" \
	test "$C_MAIL_4XX" -ge 1
check "(c) every 4xx is Postfix's tempfail for a missing milter (451 4.7.1)" \
	eval '[ -z "$(awk -F"\t" "\$7 !~ /^451 4\\.7\\.1 /" "$WORK/c.4xx")" ]'
check "(c) no SMTP session broke off without a reply ($(wc -l <"$WORK/c.io") did)" test ! -s "$WORK/c.io"
show_problems "$WORK/c.io"
awk -F'\t' '$6 !~ /^4/' "$WORK/client/c.log" >"$WORK/c.final"
decided_as_expected "$WORK/c.expect" "$WORK/c.final" >"$WORK/c.wrong"
check "(c) every reply other than 4xx, during the outage too, is the message's real verdict" \
	test ! -s "$WORK/c.wrong"
show_problems "$WORK/c.wrong"
C_RETRIED=$(cut -f1 "$WORK/c.4xx" | sort -u | wc -l)
pf_wait_drained 90 || fail "(c) Postfix did not deliver what it accepted"
fl_account "$WORK/c.expect" "$WORK/c.account" "$WORK/client/c.log"
check "(c) all 400 accounted for once ($C_RETRIED retried after 4xx): $N_DELIVERED delivered, $N_HELD held, $N_REJECTED rejected; lost $LOST, duplicated $DUPLICATED, wrong $WRONG" \
	test "$LOST$DUPLICATED$WRONG" = 000
show_problems "$WORK/c.account"
C_DEFERRED_DONE=$(awk 'FNR == NR { r[$1]; next } ($1 in r)' "$WORK/c.4xx" "$WORK/outcomes" | wc -l)
note "(c) $C_DEFERRED_DONE of the $C_RETRIED messages refused with 4xx while the daemon was away reached their outcome after the restarts"
# None delivered unchecked: each copy of (c) that smtp-sink stored carries
# the Authentication-Results field the daemon adds (and only one).
copies_authres fc- >"$WORK/c.authres"
awk '$2 != 1 { print "copy of", $1, "has", $2, "Authentication-Results: mx.e2e.example fields" }' \
	"$WORK/c.authres" >"$WORK/c.unchecked"
check "(c) every one of the $(wc -l <"$WORK/c.authres") delivered copies carries exactly one Authentication-Results of ours: none went through unchecked" \
	eval '[ "$(wc -l <"$WORK/c.authres")" = "$N_DELIVERED" ] && [ ! -s "$WORK/c.unchecked" ]'
show_problems "$WORK/c.unchecked"
check "(c) Postfix logged the milter failure" \
	grep -q "warning: .*Milter service unix:$WORK/dmarcguard.sock" "$PF_LOG"
WARNINGS_AFTER_C=$(milter_warnings)
note "(c) took $((SECONDS - C_START)) s"

# =====================================================================
# (d) 20 reloads under load
note "(d) 20 reloads (SIGUSR1) while 8 sessions send until they are done"
D_START=$SECONDS
DG_PID_D=$DG_PID
cp "$DG_MAIN_CONF" "$WORK/reload-a.conf"
cp "$DG_MAIN_CONF" "$WORK/reload-b.conf"
printf 'RejectText Rejected by reload A: DMARC policy for %%{domain} (%%{reason})\n' >>"$WORK/reload-a.conf"
printf 'RejectText Rejected by reload B: DMARC policy for %%{domain} (%%{reason})\n' >>"$WORK/reload-b.conf"
"$DMARCGUARD" -n -c "$WORK/reload-a.conf" >/dev/null 2>&1 || die "reload-a.conf is refused by dmarcguard -n"
perl "$FL_DIR/make_jobs.pl" "$MIX" 5000 fd "$TEMPLATES" "$WORK/d.jobs" "$WORK/d.all.expect"
reloads_before=$(grep -c 'configuration reloaded from' "$DG_LOG" || true)
# the client sends until the stop file exists (then finishes what it began)
fl_client d "$WORK/d.jobs" --sessions 8 --tries 1 --pause-ms 60 --timeout 90 --stop-file "$WORK/d.stop"
wait_for 60 "20 messages of (d) to finish" eval '[ "$(fl_client_done d)" -ge 20 ]' ||
	die "the client of (d) does not get on"
sent=0
for i in $(seq 1 20); do
	# the live configuration file changes every time (atomically)
	if [ $((i % 2)) = 1 ]; then cp "$WORK/reload-a.conf" "$DG_MAIN_CONF.new"
	else cp "$WORK/reload-b.conf" "$DG_MAIN_CONF.new"; fi
	mv "$DG_MAIN_CONF.new" "$DG_MAIN_CONF"
	kill -USR1 "$DG_PID"
	sent=$((sent + 1))
	# one reload at a time: pending signals of one kind merge into one
	wait_for 10 "reload $i to be logged" eval \
		'[ "$(grep -c "configuration reloaded from" "$DG_LOG")" -ge $((reloads_before + i)) ]' ||
		break
	sleep 0.15
done
client_alive_after=0
alive "$CLIENT_PID" && client_alive_after=1
sleep 1
touch "$WORK/d.stop"
fl_client_wait d 180 || fail "(d) the client did not finish its run"
awk 'FNR == NR { split($0, f, "\t"); sent[f[1]]; next } ($1 in sent)' "$WORK/client/d.log" "$WORK/d.all.expect" >"$WORK/d.expect"
D_SENT=$(wc -l <"$WORK/d.expect")
reloads=$(( $(grep -c 'configuration reloaded from' "$DG_LOG") - reloads_before ))
check "(d) 20 signals sent, 20 reloads logged ($reloads), all while the client was sending" \
	eval '[ "$sent" = 20 ] && [ "$reloads" = 20 ] && [ "$client_alive_after" = 1 ]'
check "(d) the daemon is the same process (pid $DG_PID_D) and alive" \
	eval '[ "$DG_PID" = "$DG_PID_D" ] && alive "$DG_PID"'
awk -F'\t' '$6 !~ /^(250|550)$/' "$WORK/client/d.log" >"$WORK/d.errors"
check "(d) not one 4xx, broken session or other error in $(wc -l <"$WORK/client/d.log") attempts" \
	test ! -s "$WORK/d.errors"
show_problems "$WORK/d.errors"
decided_as_expected "$WORK/d.expect" "$WORK/client/d.log" >"$WORK/d.wrong"
check "(d) every message got its real verdict" test ! -s "$WORK/d.wrong"
show_problems "$WORK/d.wrong"
D_TEXTS=$(awk -F'\t' '$6 == "550" { t = $7; sub(/:.*/, "", t); print t }' "$WORK/client/d.log" | sort | uniq -c | tr -s ' \n' ' ')
note "(d) reject texts seen: $D_TEXTS"
check "(d) the reloaded reject texts were used (each 550 has one of the two configured ones)" \
	eval '[ -z "$(awk -F"\t" "\$6 == \"550\" && \$7 !~ /Rejected by reload [AB]:|Message rejected: DMARC policy/" "$WORK/client/d.log")" ] && printf "%s" "$D_TEXTS" | grep -q "reload"'
pf_wait_drained 90 || fail "(d) Postfix did not deliver what it accepted"
fl_account "$WORK/d.expect" "$WORK/d.account" "$WORK/client/d.log"
check "(d) all $D_SENT sent accounted for once: $N_DELIVERED delivered, $N_HELD held, $N_REJECTED rejected; lost $LOST, duplicated $DUPLICATED, wrong $WRONG" \
	test "$LOST$DUPLICATED$WRONG" = 000
show_problems "$WORK/d.account"
note "(d) took $((SECONDS - D_START)) s"

# =====================================================================
check "Postfix logged no milter warnings after (c): the reloads of (d) went unnoticed" \
	test "$(milter_warnings)" = "$WARNINGS_AFTER_C"
check "the daemon logged no errors or internal failures" \
	eval '! grep -E "dmarcguard\[(error|crit)\]|internal error" "$DG_LOG"'
dg_stop
check "the daemon exits 0 on SIGTERM at the end (got $DG_RC)" test "$DG_RC" = 0

note "$CHECKS checks, $FAILED failed"
[ "$FAILED" = 0 ] || exit 1
