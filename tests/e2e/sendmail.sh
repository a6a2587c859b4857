#!/usr/bin/env bash
# sendmail.sh - end-to-end test of the dmarcguard daemon behind a real Sendmail 8.17.
#
#   bash tests/e2e/sendmail.sh DMARCGUARD NSD_TOOL TESTS_DIR [DEB_CACHE]
#
# (ctest runs it as e2e_sendmail, label e2e.) The private Sendmail is that
# of lib/sendmail_instance.sh: unpacked from Debian's packages (fetched
# once into DEB_CACHE, default $DMARCGUARD_SENDMAIL_DEBS or
# /var/cache/dmarcguard-e2e/sendmail), in network, UTS and mount namespaces
# of its own. Sendmail has no XCLIENT, so the loopback of its namespace
# also carries the documentation addresses 203.0.113.66 (a spoofer, in no
# SPF record) and 192.0.2.10 (in every test domain's SPF), and swaks binds
# to them. In that namespace: Sendmail on 127.0.0.1:2525 with dmarcguard
# as its milter (unix socket, F=T), and Postfix's smtp-sink on
# 127.0.0.2:2526 as the smart host that stores each delivered message. nsd
# (through nsd_tool) and the daemon run in the test's own namespace; the
# unix socket is reachable from both.
#
# Checks: the p=none spoof is accepted and quarantined in Sendmail's queue
# (-bp -qQ, with our reason), the p=reject spoof gets 550 5.7.1 at end of
# data, legitimate signed mail is delivered with our Authentication-Results
# (spf, dkim and dmarc pass) as its first field, one alert line per message
# with the right action and reason, Sendmail's own log agrees, a killed
# milter makes Sendmail answer 4xx (F=T), and the daemon stops cleanly.
#
# Needs root, m4, libwrap0, liblockfile1, iproute2 (ip, ss), postfix (smtp-sink), swaks, nsd,
# iproute2 and perl, and Debian's archive for the first download. Every wait
# has a deadline and the whole run is cut off after TIME_LIMIT seconds; an
# EXIT trap stops every process started here, deletes the namespace and
# removes the directory (set DMARCGUARD_KEEP_TEST_DIRS=1 to keep it). Exit
# status: 0 all passed, 1 a check failed or the set-up broke (logs printed).
set -euo pipefail

usage="usage: sendmail.sh DMARCGUARD NSD_TOOL TESTS_DIR [DEB_CACHE]"
DMARCGUARD=${1:?$usage}
NSD_TOOL=${2:?$usage}
TESTS=${3:?$usage}
DEBS=${4:-${DMARCGUARD_SENDMAIL_DEBS:-/var/cache/dmarcguard-e2e/sendmail}}
MESSAGES=$TESTS/messages/policy

TIME_LIMIT=${DMARCGUARD_E2E_TIME_LIMIT:-170}	# seconds for the whole run
AUTHSERV=mx.e2e.example		# Sendmail's host name and our authserv-id
BAD_IP=203.0.113.66		# a spoofing client: passes no SPF record
BAD_HELO=mx.attacker.example
BAD_FROM=x@attacker.example
GOOD_IP=192.0.2.10		# none.example's own server: in its SPF record
GOOD_HELO=mail.none.example
GOOD_FROM=bounce@none.example
RCPT=analyst@receiver.example
SMTP_PORT=2525			# Sendmail, 127.0.0.1 in the test namespace
SINK_ADDR=127.0.0.2		# smtp-sink; not 127.0.0.1, which Sendmail calls itself
SINK_PORT=2526

E2E_NAME=e2e_sendmail
E2E_AUTHSERV=$AUTHSERV
LIB=$(dirname "${BASH_SOURCE[0]}")/lib
# shellcheck source=lib/run.sh
. "$LIB/run.sh"
# shellcheck source=lib/fixtures.sh
. "$LIB/fixtures.sh"
# shellcheck source=lib/daemon.sh
. "$LIB/daemon.sh"
# shellcheck source=lib/sendmail_instance.sh
. "$LIB/sendmail_instance.sh"
# shellcheck source=lib/mail_checks.sh
. "$LIB/mail_checks.sh"

# ---- prerequisites
e2e_need_root "namespaces, mounts and Sendmail's queue need it"
sm_need
e2e_need_commands swaks
[ -x "$DMARCGUARD" ] || die "no daemon at $DMARCGUARD"
[ -x "$NSD_TOOL" ] || die "no nsd_tool at $NSD_TOOL"
[ -f "$MESSAGES/signed-none.eml" ] || die "no message corpus under $MESSAGES"

# ---- Sendmail unpacked; nsd and the daemon in our own namespace (it
# reaches nsd, Sendmail reaches its socket); smtp-sink and Sendmail in the
# test namespace, whose loopback carries the two client addresses
e2e_init dmarcguard-e2e-sm "$TIME_LIMIT"
sm_unpack "$DEBS"
nsd_tool_start "$NSD_TOOL"
dg_conf "$WORK/dmarcguard.conf" "$NAMESERVER" 2s "SocketMode 0600"
dg_start "$WORK/dmarcguard.conf"
SOCKET=$DG_SOCKET
sm_syslog_start
sm_netns "$BAD_IP" "$GOOD_IP"
sink_start "$SINK_ADDR" "$SINK_PORT" ip netns exec "$NS"
sm_start "$SMTP_PORT" "$SINK_ADDR" "$SINK_PORT" "$SOCKET"
check "Sendmail logged its start" \
	wait_for 10 "Sendmail's start in its log" grep -q 'starting daemon (8\.17\.' "$SM_LOG"
note "Sendmail on 127.0.0.1:$SMTP_PORT in namespace $NS, smtp-sink on $SINK_ADDR:$SINK_PORT, milter unix:$SOCKET"

# ---- helpers for the cases
# send NAME FILE IP HELO MAIL_FROM - one SMTP transaction from IP (swaks
# binds to it in the namespace; see send_with); QID is the queue id of a
# 250 "accepted for delivery"
send() {
	send_with "$1" "$2" 's/^250 2\.0\.0 \([0-9A-Za-z]*\) Message accepted.*/\1/p' \
		ip netns exec "$NS" swaks --server 127.0.0.1 --port "$SMTP_PORT" \
		--local-interface "$3" --helo "$4" --from "$5"
}

# queue_header_fields FILE - the unfolded header fields of a Sendmail queue
# file (H?flags?Name: value lines and their continuation lines), one a line
queue_header_fields() {
	awk '/^H/ { if (cur != "") print cur; cur = $0; sub(/^H(\?[^?]*\?)?/, "", cur); next }
	     /^[ \t]/ && cur != "" { cur = cur " " $0; next }
	     { if (cur != "") print cur; cur = "" }
	     END { if (cur != "") print cur }' "$1" 2>/dev/null || true
}

# sent_fields FILE - the header fields as Sendmail sent them: smtp-sink's dump
# starts with its own X-Client-Addr... envelope lines and Received: field
sent_fields() { header_fields "$1" | awk 'seen { print; next } /^Received: .*[ \t]by smtp-sink / { seen = 1 }'; }

# authres_above_received LINES - in these header fields, ours comes before Sendmail's Received:
authres_above_received() { authres_above "$1" "^Received: .*[[:space:]]by $AUTHSERV_RE \\(8\\.17"; }

# ---- (a) p=none spoof: accepted at SMTP, then quarantined in Sendmail's queue
send none-spoof "$MESSAGES/unsigned-none.eml" "$BAD_IP" "$BAD_HELO" "$BAD_FROM"
check "(a) p=none spoof accepted at SMTP with 250 (got: $REPLY)" reply_is '^250 '
QID_A=$QID
check "(f) alert for (a): quarantine by the local floor over p=none (got: $ALERTS)" \
	alert_has "qid=$QID_A" "ip=$BAD_IP" "helo=$BAD_HELO" mfrom=attacker.example \
	from=none.example dkim=none dmarc=fail p=none action=quarantine \
	reason=dmarc-fail-local-floor override=yes
WHY_A="dmarcguard: dmarc-fail-local-floor (From domain none.example)"
if [ -n "$QID_A" ]; then
	check "(a) Sendmail logged the milter's quarantine of $QID_A with our reason" \
		sm_logged "$QID_A: milter=dmarcguard, quarantine=$WHY_A"
	rc=0
	sm_list "$WORK/quarantine.list" -bp -qQ || rc=$?
	check "(a) -bp -qQ (exit $rc) lists $QID_A as quarantined with our reason: $(tr '\n\t' '  ' <"$WORK/quarantine.list")" \
		eval '[ "$rc" = 0 ] && grep -A 1 "^$QID_A " "$WORK/quarantine.list" |
		      grep -qF "QUARANTINE: dmarcguard: dmarc-fail-local-floor"'
	rc=0
	sm_list "$WORK/queue.list" -bp || rc=$?
	check "(a) the plain queue listing (-bp, exit $rc) does not offer $QID_A for delivery: $(tr '\n\t' '  ' <"$WORK/queue.list")" \
		eval '[ "$rc" = 0 ] && grep -q "$SM/queue" "$WORK/queue.list" && ! grep -q "^$QID_A " "$WORK/queue.list"'
	HF=$SM/queue/hf$QID_A
	check "(a) the quarantined queue file hf$QID_A holds the full reason (files: $(sm_queue_files "$QID_A"))" \
		grep -qxF "q$WHY_A" "$HF"
	held=$(queue_header_fields "$HF")
	check "(a) the held copy carries our Authentication-Results with dmarc=fail (got: $(printf '%s\n' "$held" | grep -iE "^Authentication-Results:"))" \
		eval 'printf "%s\n" "$held" | grep -E "^Authentication-Results: $AUTHSERV_RE;" | grep -q "dmarc=fail"'
	check "(a) in the held copy it sits above Sendmail's own Received: field" authres_above_received "$held"
else
	fail "(a) no queue id in the reply, cannot look for it in the quarantine"
fi

# ---- (b) p=reject spoof: 550 5.7.1 at end of data
send reject-spoof "$MESSAGES/unsigned-reject.eml" "$BAD_IP" "$BAD_HELO" "$BAD_FROM"
check "(b) p=reject spoof refused with 550 5.7.1 at end of data (got: $REPLY)" \
	eval 'reply_is "^550[ -]5\.7\.1 " && grep -q "^ -> [0-9]* lines sent" "$WORK/swaks.reject-spoof"'
check "(f) alert for (b): published reject (got: $ALERTS)" \
	alert_has "ip=$BAD_IP" "helo=$BAD_HELO" from=reject.example dmarc=fail p=reject \
	action=reject reason=published-reject override=no
QID_B=$(alert_field qid)
if [ -n "$QID_B" ]; then
	check "(b) Sendmail logged the milter's 550 5.7.1 at end of data for $QID_B (the alert's qid)" \
		sm_logged "$QID_B: Milter: data, reject=550 5.7.1 "
	check "(b) the refused message $QID_B left no queue file (got: $(sm_queue_files "$QID_B"))" \
		test -z "$(sm_queue_files "$QID_B")"
else
	fail "(b) the alert names no queue id"
fi

# ---- (c) legitimate signed mail from none.example's own server: delivered with our A-R on top
send signed "$MESSAGES/signed-none.eml" "$GOOD_IP" "$GOOD_HELO" "$GOOD_FROM"
check "(c) signed mail accepted with 250 (got: $REPLY)" reply_is '^250 '
QID_C=$QID
check "(f) alert for (c): SPF and DKIM pass, DMARC pass (got: $ALERTS)" \
	alert_has "qid=$QID_C" "ip=$GOOD_IP" "helo=$GOOD_HELO" mfrom=none.example \
	from=none.example spf=pass dkim=none.example:pass dmarc=pass action=accept \
	reason=dmarc-pass override=no
if delivered_copy "$QID_C" sm_delivered; then
	ar=$(our_authres "$COPY")
	check "(c) exactly one Authentication-Results: $AUTHSERV; in the delivered copy (got: $ar)" \
		test "$(printf '%s' "$ar" | grep -c .)" = 1
	check "(c) it says spf=pass, dkim=pass and dmarc=pass" authres_says "$ar" spf=pass dkim=pass dmarc=pass
	check "(c) it is the first field Sendmail sent (got: $(sent_fields "$COPY" | head -n 1 | cut -c 1-60))" \
		eval 'sent_fields "$COPY" | head -n 1 | grep -qE "^Authentication-Results: $AUTHSERV_RE;"'
	check "(c) it sits above Sendmail's own Received: field" authres_above_received "$(sent_fields "$COPY")"
	check "(c) one space after its colon (SMFIP_HDR_LEADSPC honoured)" \
		grep -q "^Authentication-Results: $AUTHSERV_RE;" "$COPY"
	check "(c) exactly one copy delivered" \
		test "$(sink_files '<legit-none@corpus.example>' | wc -l)" = 1
else
	fail "(c) signed mail ${QID_C:-without queue id} did not reach smtp-sink"
fi
check "(a) the quarantined p=none spoof was not delivered" \
	test -z "$(sink_files '<spoof-none@corpus.example>')"
check "(b) the refused p=reject spoof was not delivered" \
	test -z "$(sink_files '<spoof-r@corpus.example>')"

# (lines that carry our own text are left out: a header with "spf=temperror",
# a quarantine reason, a reply text)
check "Sendmail logged no milter errors or timeouts while the daemon ran" \
	eval '! grep -vE " insert \([0-9]+\): header: |: milter=dmarcguard, |: Milter: data, reject=" "$SM_LOG" |
	      grep -iE "milter.*(error|timeout|unsafe|failed)"'
check "the daemon logged no errors or internal failures" \
	eval '! grep -E "dmarcguard\[(error|crit)\]|internal error" "$DG_LOG"'

# ---- (d) the milter dies: with F=T Sendmail answers 4xx; back up, accepted
RETRY=$WORK/retry.eml
{ printf 'X-E2E-Case: milter-restart\n'; cat "$MESSAGES/signed-none.eml"; } >"$RETRY"
dg_kill KILL
queued_before=$(find "$SM/queue" -type f | sort)
send milter-down "$RETRY" "$GOOD_IP" "$GOOD_HELO" "$GOOD_FROM"
check "(d) with the milter killed, Sendmail answers 4xx (got: $REPLY)" reply_is '^4[0-9][0-9][ -]'
check "(d) Sendmail logged the failed milter and temp-failed" \
	sm_logged "Milter: initialization failed, temp failing commands"
check "(d) nothing was queued while the milter was down" \
	test "$(find "$SM/queue" -type f | sort)" = "$queued_before"
dg_start "$DG_CONF"
send milter-back "$RETRY" "$GOOD_IP" "$GOOD_HELO" "$GOOD_FROM"
check "(d) after the restart the same message is accepted with 250 (got: $REPLY)" reply_is '^250 '
QID_D=$QID
check "(f) alert for (d): pass after the restart (got: $ALERTS)" \
	alert_has "qid=$QID_D" "ip=$GOOD_IP" from=none.example dmarc=pass action=accept reason=dmarc-pass
if delivered_copy "$QID_D" sm_delivered; then
	check "(d) exactly one copy delivered, with our Authentication-Results" \
		eval '[ "$(sink_files "X-E2E-Case: milter-restart" | wc -l)" = 1 ] && [ -n "$(our_authres "$COPY")" ]'
else
	fail "(d) ${QID_D:-mail without queue id} did not reach smtp-sink after the restart"
fi

# ---- the daemon stops cleanly on SIGTERM
dg_stops_cleanly

note "$CHECKS checks, $FAILED failed"
[ "$FAILED" = 0 ] || exit 1
