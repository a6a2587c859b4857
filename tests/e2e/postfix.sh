#!/usr/bin/env bash
# postfix.sh - end-to-end test of the dmarcguard daemon behind a real Postfix.
#
#   bash tests/e2e/postfix.sh DMARCGUARD NSD_TOOL TESTS_DIR
#
# (ctest runs it as e2e_postfix, label e2e.) Everything listens on 127.0.0.1
# and lives in one temporary directory under /run: nsd serving tests/zones
# (through nsd_tool), the daemon on a unix socket, Postfix's smtp-sink as the
# next hop, and a private Postfix instance (own config and queue directories)
# whose smtpd calls the milter, all set up by the files of lib/. Messages
# of tests/messages/policy go in with swaks and XCLIENT, so smtpd and the
# milter see a documentation-range client and its HELO. The test checks SMTP replies, the hold queue, delivered
# copies, the daemon's alert lines, and a milter killed mid-run.
#
# Needs root, postfix, swaks and nsd (scripts/install-deps.sh --test). Every
# wait has a deadline and the whole run is cut off after TIME_LIMIT seconds;
# an EXIT trap stops every process started here and removes the directory
# (set DMARCGUARD_KEEP_TEST_DIRS=1 to keep it). Exit status: 0 all passed,
# 1 a check failed or the set-up broke (the logs are printed).
set -euo pipefail

usage="usage: postfix.sh DMARCGUARD NSD_TOOL TESTS_DIR"
DMARCGUARD=${1:?$usage}
NSD_TOOL=${2:?$usage}
TESTS=${3:?$usage}
MESSAGES=$TESTS/messages/policy

TIME_LIMIT=${DMARCGUARD_E2E_TIME_LIMIT:-170}	# seconds for the whole run
AUTHSERV=mx.e2e.example
BAD_IP=203.0.113.66		# a spoofing client: passes no SPF record
BAD_HELO=mx.attacker.example
BAD_FROM=x@attacker.example
RCPT=analyst@receiver.example

E2E_NAME=e2e_postfix
E2E_AUTHSERV=$AUTHSERV
LIB=$(dirname "${BASH_SOURCE[0]}")/lib
# shellcheck source=lib/run.sh
. "$LIB/run.sh"
# shellcheck source=lib/fixtures.sh
. "$LIB/fixtures.sh"
# shellcheck source=lib/daemon.sh
. "$LIB/daemon.sh"
# shellcheck source=lib/postfix_instance.sh
. "$LIB/postfix_instance.sh"
# shellcheck source=lib/mail_checks.sh
. "$LIB/mail_checks.sh"

# ---- prerequisites
e2e_need_root "Postfix and its queue need it"
pf_need
e2e_need_commands swaks perl timeout
[ -x "$DMARCGUARD" ] || die "no daemon at $DMARCGUARD"
[ -x "$NSD_TOOL" ] || die "no nsd_tool at $NSD_TOOL"
[ -f "$MESSAGES/signed-none.eml" ] || die "no message corpus under $MESSAGES"

# ---- nsd, the daemon, smtp-sink as the next hop, the private Postfix
e2e_init dmarcguard-e2e "$TIME_LIMIT"
nsd_tool_start "$NSD_TOOL"
dg_conf "$WORK/dmarcguard.conf" "$NAMESERVER" 2s "${PF_MILTER_CONF[@]}"
dg_start "$WORK/dmarcguard.conf"
SOCKET=$DG_SOCKET
check "the socket is owned by group postfix, mode 660" \
	test "$(stat -c %G:%a "$SOCKET")" = postfix:660
port=$(free_port) || die "no free port"
sink_start 127.0.0.1 "$port"
port=$(free_port) || die "no free port"
pf_start "$port" "[127.0.0.1]:$SINK_PORT" "unix:$SOCKET"
note "Postfix on 127.0.0.1:$SMTP_PORT, smtp-sink on $SINK_PORT, milter unix:$SOCKET"

# ---- helpers for the cases
# send NAME FILE - one SMTP transaction from $BAD_IP through XCLIENT (see
# send_with); QID is the queue id of a 250 "queued as"
send() {
	send_with "$1" "$2" 's/^250 .*queued as \([0-9A-Za-z]*\).*/\1/p' \
		swaks --server 127.0.0.1 --port "$SMTP_PORT" \
		--xclient-addr "$BAD_IP" --xclient-name "$BAD_HELO" --xclient-helo "$BAD_HELO" \
		--helo "$BAD_HELO" --from "$BAD_FROM"
}

# authres_on_top FILE - our field comes before Postfix's own Received: field
authres_on_top() { authres_above "$(header_fields "$1")" '^Received: .*[[:space:]]by [^ ]+ \(Postfix\)'; }

# ---- (a) p=none spoof: accepted at SMTP, then held by the local floor
send none-spoof "$MESSAGES/unsigned-none.eml"
check "(a) p=none spoof accepted at SMTP with 250 (got: $REPLY)" reply_is '^250 '
QID_A=$QID
if [ -n "$QID_A" ]; then
	check "(a) p=none spoof $QID_A is in the hold queue (postqueue -j: $(pf_queue_entry "$QID_A"))" \
		eval 'pf_queue_entry "$QID_A" | grep -q "\"queue_name\": \"hold\""'
	# Postfix logs a hold without the milter's reason text.
	check "(a) Postfix logged the hold as the milter's action" \
		grep -q " $QID_A: milter-hold: END-OF-MESSAGE " "$PF_LOG"
	timeout 20 postcat -c "$PF_CONF" -hq "$QID_A" >"$WORK/held.$QID_A" 2>&1 || true
	ar=$(our_authres "$WORK/held.$QID_A")
	check "(a) the held copy carries our Authentication-Results with dmarc=fail (got: $ar)" \
		eval 'printf "%s\n" "$ar" | grep -q "dmarc=fail"'
else
	fail "(a) no queue id in the reply, cannot look for it in the hold queue"
fi
check "(f) alert for (a): quarantine by the local floor over p=none (got: $ALERTS)" \
	alert_has "qid=$QID_A" "ip=$BAD_IP" "helo=$BAD_HELO" from=none.example dmarc=fail \
	p=none action=quarantine reason=dmarc-fail-local-floor override=yes

# ---- (b) p=reject spoof: 550 5.7.1 at end of data
send reject-spoof "$MESSAGES/unsigned-reject.eml"
check "(b) p=reject spoof refused with 550 5.7.1 (got: $REPLY)" reply_is '^550[ -]5\.7\.1 '
check "(f) alert for (b): published reject (got: $ALERTS)" \
	alert_has "ip=$BAD_IP" from=reject.example dmarc=fail p=reject action=reject \
	reason=published-reject override=no

# ---- (c) legitimate signed mail: delivered with our Authentication-Results
send signed "$MESSAGES/signed-none.eml"
check "(c) signed mail accepted with 250 (got: $REPLY)" reply_is '^250 '
QID_C=$QID
check "(f) alert for (c): DKIM-aligned pass (got: $ALERTS)" \
	alert_has "qid=$QID_C" from=none.example dkim=none.example:pass dmarc=pass \
	action=accept reason=dmarc-pass override=no
if delivered_copy "$QID_C" pf_delivered; then
	ar=$(our_authres "$COPY")
	check "(c) exactly one Authentication-Results: $AUTHSERV; in the delivered copy (got: $ar)" \
		test "$(printf '%s' "$ar" | grep -c .)" = 1
	check "(c) it says dkim=pass and dmarc=pass" authres_says "$ar" dkim=pass dmarc=pass
	check "(c) it sits above Postfix's own Received: field" authres_on_top "$COPY"
else
	fail "(c) signed mail ${QID_C:-without queue id} did not reach smtp-sink"
fi
check "(a) the held p=none spoof was not delivered" \
	test -z "$(sink_files '<spoof-none@corpus.example>')"

# ---- (d) DNS failure: 451 4.7.0, never a pass or a quarantine
send servfail "$MESSAGES/unsigned-servfail.eml"
check "(d) SERVFAIL for the policy refused with 451 4.7.0 (got: $REPLY)" reply_is '^451[ -]4\.7\.0 '
check "(f) alert for (d): temperror, tempfail (got: $ALERTS)" \
	alert_has "ip=$BAD_IP" from=servfail-policy.example dmarc=temperror action=tempfail \
	reason=dns-temperror

# ---- (e) forged Authentication-Results with our authserv-id are removed
FORGED=$WORK/forged-authres.eml
{
	printf 'Authentication-Results: %s; dkim=pass header.d=none.example; dmarc=pass x-forged=1\n' "$AUTHSERV"
	printf 'Authentication-Results: upstream.example; spf=none smtp.mailfrom=attacker.example x-kept=1\n'
	printf 'Authentication-Results: %s;\n\tdmarc=pass header.from=none.example x-forged=2\n' \
		"$(printf '%s' "$AUTHSERV" | tr 'a-z' 'A-Z')"
	printf 'X-E2E-Case: forged-authres\n'
	cat "$MESSAGES/signed-none.eml"
} >"$FORGED"
send forged-authres "$FORGED"
check "(e) signed mail with forged headers accepted with 250 (got: $REPLY)" reply_is '^250 '
QID_E=$QID
check "(f) alert for (e): the forged headers change nothing (got: $ALERTS)" \
	alert_has "qid=$QID_E" from=none.example dkim=none.example:pass dmarc=pass action=accept
if delivered_copy "$QID_E" pf_delivered; then
	ar=$(our_authres "$COPY")
	check "(e) no forged Authentication-Results left (x-forged lines: $(grep -c x-forged "$COPY"))" \
		eval '! grep -q x-forged "$COPY"'
	check "(e) only our own Authentication-Results: $AUTHSERV; remains (got: $ar)" \
		eval 'test "$(printf "%s" "$ar" | grep -c .)" = 1 && printf "%s\n" "$ar" | grep -q "dmarc=pass"'
	check "(e) the other authserv-id's header is kept" grep -q 'x-kept=1' "$COPY"
else
	fail "(e) ${QID_E:-mail without queue id} did not reach smtp-sink"
fi

check "Postfix logged no milter warnings while the daemon ran" \
	eval '! grep -E "warning: .*([Mm]ilter|$SOCKET)" "$PF_LOG"'
check "the daemon logged no errors or internal failures" \
	eval '! grep -E "dmarcguard\[(error|crit)\]|internal error" "$DG_LOG"'

# ---- (g) the milter dies: Postfix answers 4xx, nothing is lost; back up, accepted
RETRY=$WORK/retry.eml
{ printf 'X-E2E-Case: milter-restart\n'; cat "$MESSAGES/signed-none.eml"; } >"$RETRY"
dg_kill KILL
queued_before=$(pf_queue_ids)
send milter-down "$RETRY"
check "(g) with the milter killed, Postfix answers 4xx (got: $REPLY)" reply_is '^4[0-9][0-9][ -]'
check "(g) Postfix logged the refused milter connection" \
	grep -q "warning: connect to Milter service unix:$SOCKET: Connection refused" \
	"$PF_LOG"
check "(g) no queue id was given out while the milter was down" test -z "$QID"
queued_after=$(pf_queue_ids)
new_ids=$(comm -13 <(printf '%s\n' "$queued_before") <(printf '%s\n' "$queued_after"))
check "(g) the refused message was not queued (new queue ids: ${new_ids:-none})" test -z "$new_ids"
check "(g) the refused message was not delivered" \
	test -z "$(sink_files 'X-E2E-Case: milter-restart')"
dg_start "$DG_CONF"
send milter-back "$RETRY"
check "(g) after the restart the same message is accepted with 250 (got: $REPLY)" reply_is '^250 '
QID_G=$QID
check "(f) alert for (g): pass after the restart (got: $ALERTS)" \
	alert_has "qid=$QID_G" from=none.example dmarc=pass action=accept reason=dmarc-pass
if delivered_copy "$QID_G" pf_delivered; then
	check "(g) exactly one copy delivered, with our Authentication-Results" \
		eval '[ "$(sink_files "X-E2E-Case: milter-restart" | wc -l)" = 1 ] && [ -n "$(our_authres "$COPY")" ]'
else
	fail "(g) ${QID_G:-mail without queue id} did not reach smtp-sink after the restart"
fi

# ---- the daemon stops cleanly on SIGTERM
dg_stops_cleanly

note "$CHECKS checks, $FAILED failed"
[ "$FAILED" = 0 ] || exit 1
