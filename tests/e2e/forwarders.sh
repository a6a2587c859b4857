#!/usr/bin/env bash
# forwarders.sh - issues 14 and 15 end to end: mailing-list posts,
# forwarders, spoofs and look-alike senders through a private Postfix
# with the daemon as its milter, against nsd serving tests/zones.
#
#   bash tests/e2e/forwarders.sh DMARCGUARD NSD_TOOL ALERTS_TOOL TESTS_DIR
#
# (ctest runs it as e2e_forwarders, label e2e.) The daemon runs with the
# p=none override on (the default FailFloor quarantine), TrustedForwarders
# lists.arc.example, ProtectedDomains bank.example gov.example and
# ProtectRecipientDomains yes. The messages are made at test time by
# forwarders-mail.pl (Mail::DKIM's ARC signer and DKIM signer, keys
# published in tests/zones/arc.example.zone); each goes in with swaks and
# XCLIENT from the client and MAIL FROM of its row. A row says what must
# happen to it: delivered to smtp-sink, held in Postfix's hold queue, or
# refused with 550; the alert line's action, reason and ARC or
# look-alike fields; and our Authentication-Results in the delivered or
# held copy. Rows:
#   - a p=none author's post, changed and sealed by the trusted list:
#     delivered, forwarded-arc (sealer and instance named);
#   - the same sealed by an untrusted domain, a trusted chain broken after
#     sealing, one sealed with a key the list does not publish: held;
#   - the trusted list without a chain (its SPF, or its DKIM signature):
#     delivered for a p=none author (forwarded-trusted), held for
#     p=quarantine and refused for p=reject as published;
#   - a direct spoof of the p=none author: held;
#   - look-alikes passing DMARC for their own cousin domains (typo,
#     homoglyph A-label, display name) and of a recipient domain: held with
#     reason lookalike-<check>; an unrelated passing domain: delivered.
# Then dmarcguard-alerts (ALERTS_TOOL) reads the daemon's log: its
# forwarder summary must count what lists.arc.example lifted, and
# --forwarder and --reason must pick those alerts out.
#
# Needs root, postfix, swaks, nsd and libmail-dkim-perl
# (scripts/install-deps.sh --test). Runs in about 10 s; every wait has a
# deadline and the run is cut off after TIME_LIMIT seconds; the EXIT trap
# stops what was started and removes the work directory (keep it with
# DMARCGUARD_KEEP_TEST_DIRS=1). Exit status 0 when every check passed.
set -euo pipefail

usage="usage: forwarders.sh DMARCGUARD NSD_TOOL ALERTS_TOOL TESTS_DIR"
DMARCGUARD=${1:?$usage}
NSD_TOOL=${2:?$usage}
ALERTS_TOOL=${3:?$usage}
TESTS=${4:?$usage}

TIME_LIMIT=${DMARCGUARD_E2E_TIME_LIMIT:-60}
LIST_IP=198.51.100.20		# in the SPF records of lists. and untrusted.arc.example
LIST_HELO=mx.lists.arc.example
BAD_IP=203.0.113.66		# in no SPF record
BAD_HELO=mx.attacker.example
GOOD_IP=192.0.2.10		# in the SPF records of the authors' and cousin domains
GOOD_HELO=mail.sender.example
RCPT=analyst@receiver.example

E2E_NAME=e2e_forwarders
E2E_AUTHSERV=mx.e2e.example
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
perl -MMail::DKIM::ARC::Signer -e 1 2>/dev/null ||
	die "Mail::DKIM::ARC::Signer not found: run scripts/install-deps.sh --test"
[ -x "$DMARCGUARD" ] || die "no daemon at $DMARCGUARD"
[ -x "$NSD_TOOL" ] || die "no nsd_tool at $NSD_TOOL"
[ -x "$ALERTS_TOOL" ] || die "no dmarcguard-alerts at $ALERTS_TOOL"
[ -f "$TESTS/zones/arc.example.zone" ] || die "no zone files under $TESTS/zones"

# ---- the messages, nsd, the daemon, smtp-sink, the private Postfix
e2e_init dmarcguard-fwd "$TIME_LIMIT"
MSGS=$WORK/msgs
perl "$(dirname "${BASH_SOURCE[0]}")/forwarders-mail.pl" "$MSGS" >"$WORK/log/mail.out" 2>&1 ||
	die "forwarders-mail.pl failed: $(cat "$WORK/log/mail.out")"
nsd_tool_start "$NSD_TOOL"
dg_conf "$WORK/dmarcguard.conf" "$NAMESERVER" 2s "${PF_MILTER_CONF[@]}" \
	"TrustedForwarders lists.arc.example" \
	"ProtectedDomains bank.example gov.example" \
	"ProtectRecipientDomains yes" "LookalikeAction quarantine" "FailFloor quarantine"
dg_start "$WORK/dmarcguard.conf"
port=$(free_port) || die "no free port"
sink_start 127.0.0.1 "$port"
port=$(free_port) || die "no free port"
# cousins.example: a second relayed domain, for the recipient look-alike
pf_start "$port" "[127.0.0.1]:$SINK_PORT" "unix:$DG_SOCKET" \
	"relay_domains = receiver.example cousins.example"
note "Postfix on 127.0.0.1:$SMTP_PORT, smtp-sink on $SINK_PORT"

# ---- helpers for the rows
# send CASE IP HELO MAIL-FROM - $MSGS/CASE.eml through Postfix from IP (XCLIENT)
send() {
	send_with "$1" "$MSGS/$1.eml" 's/^250 .*queued as \([0-9A-Za-z]*\).*/\1/p' \
		swaks --server 127.0.0.1 --port "$SMTP_PORT" \
		--xclient-addr "$2" --xclient-name "$3" --xclient-helo "$3" \
		--helo "$3" --from "$4"
}

# held QID - Postfix put QID in its hold queue
held() { [ -n "$1" ] && pf_queue_entry "$1" | grep -q '"queue_name": "hold"'; }

# no_field KEY - the new alert line has no KEY=
no_field() { [ -z "$(alert_field "$1")" ] && ! printf '%s\n' "$ALERTS" | grep -q " $1="; }

# expect_delivered CASE AR-RESULT... - 250, delivered to the sink, and our
# Authentication-Results there says every AR-RESULT
expect_delivered() {
	local case=$1 ar
	shift
	check "$case: accepted with 250 (got: $REPLY)" reply_is '^250 '
	if delivered_copy "$QID" pf_delivered; then
		ar=$(our_authres "$COPY")
		check "$case: delivered, our Authentication-Results says $* (got: $ar)" \
			authres_says "$ar" "$@"
	else
		fail "$case: ${QID:-mail without queue id} did not reach smtp-sink"
	fi
}

# expect_held CASE AR-RESULT... - 250, in the hold queue, not delivered,
# and our Authentication-Results in the held copy says every AR-RESULT
expect_held() {
	local case=$1 ar
	shift
	check "$case: accepted with 250 (got: $REPLY)" reply_is '^250 '
	check "$case: $QID is in the hold queue" held "$QID"
	timeout 20 postcat -c "$PF_CONF" -hq "$QID" >"$WORK/held.$case" 2>&1 || true
	ar=$(our_authres "$WORK/held.$case")
	check "$case: the held copy's Authentication-Results says $* (got: $ar)" \
		authres_says "$ar" "$@"
	check "$case: not delivered" test -z "$(sink_files "<$case@forwarders.e2e.example>")"
}

# ---- issue 14: list posts and forwarders
send arc-trusted "$LIST_IP" "$LIST_HELO" bounces@lists.arc.example
check "arc-trusted: alert says forwarded-arc by lists.arc.example i=1 (got: $ALERTS)" \
	alert_has from=none.example dmarc=fail p=none action=accept reason=forwarded-arc \
	arc=pass arc_sealer=lists.arc.example arc_instance=1 override=no
expect_delivered arc-trusted arc=pass dmarc=fail \
	'policy.dmarc=none (forwarded-arc: sealer lists.arc.example i=1)'

send arc-untrusted "$LIST_IP" "$LIST_HELO" bounces@untrusted.arc.example
check "arc-untrusted: alert says held by the floor, no sealer (got: $ALERTS)" \
	alert_has from=none.example dmarc=fail action=quarantine reason=dmarc-fail-local-floor \
	arc=pass override=yes
check "arc-untrusted: no arc_sealer, arc_instance or forwarder" \
	eval 'no_field arc_sealer && no_field arc_instance && no_field forwarder'
expect_held arc-untrusted arc=pass dmarc=fail policy.dmarc=quarantine

send arc-broken "$BAD_IP" "$BAD_HELO" x@attacker.example
check "arc-broken: alert says arc=fail, held by the floor (got: $ALERTS)" \
	alert_has from=none.example action=quarantine reason=dmarc-fail-local-floor arc=fail
check "arc-broken: no arc_sealer or forwarder" eval 'no_field arc_sealer && no_field forwarder'
expect_held arc-broken 'arc=fail reason=' dmarc=fail

send arc-forged "$BAD_IP" "$BAD_HELO" x@attacker.example
check "arc-forged: alert says arc=fail, held by the floor (got: $ALERTS)" \
	alert_has from=none.example action=quarantine reason=dmarc-fail-local-floor arc=fail
check "arc-forged: no arc_sealer or forwarder" eval 'no_field arc_sealer && no_field forwarder'
expect_held arc-forged 'arc=fail reason=' dmarc=fail

send list-none "$LIST_IP" "$LIST_HELO" bounces@lists.arc.example
check "list-none (list SPF, no chain): forwarded-trusted (got: $ALERTS)" \
	alert_has from=none.example spf=pass dmarc=fail p=none action=accept \
	reason=forwarded-trusted forwarder=lists.arc.example
check "list-none: no arc field (no ARC fields in the message)" no_field arc
expect_delivered list-none dmarc=fail '(forwarded-trusted: lists.arc.example)'

send list-none-dkim "$BAD_IP" "$BAD_HELO" x@attacker.example
check "list-none-dkim (list DKIM, no chain): forwarded-trusted (got: $ALERTS)" \
	alert_has from=none.example dkim=lists.arc.example:pass dmarc=fail action=accept \
	reason=forwarded-trusted forwarder=lists.arc.example
expect_delivered list-none-dkim dkim=pass dmarc=fail '(forwarded-trusted: lists.arc.example)'

send list-quarantine "$LIST_IP" "$LIST_HELO" bounces@lists.arc.example
check "list-quarantine: held as published, forwarder named (got: $ALERTS)" \
	alert_has from=quarantine.example p=quarantine action=quarantine \
	reason=published-quarantine forwarder=lists.arc.example override=no
expect_held list-quarantine dmarc=fail policy.dmarc=quarantine

send list-reject "$LIST_IP" "$LIST_HELO" bounces@lists.arc.example
check "list-reject: refused with 550 5.7.1 as published (got: $REPLY)" reply_is '^550[ -]5\.7\.1 '
check "list-reject: alert says published-reject (got: $ALERTS)" \
	alert_has from=reject.example p=reject action=reject reason=published-reject
check "list-reject: not queued, not delivered" \
	eval '[ -z "$QID" ] && [ -z "$(sink_files "<list-reject@forwarders.e2e.example>")" ]'

send spoof-none "$BAD_IP" "$BAD_HELO" x@attacker.example
check "spoof-none: held by the floor (got: $ALERTS)" \
	alert_has from=none.example dmarc=fail p=none action=quarantine \
	reason=dmarc-fail-local-floor override=yes
check "spoof-none: no arc, arc_sealer or forwarder" \
	eval 'no_field arc && no_field arc_sealer && no_field forwarder'
expect_held spoof-none dmarc=fail policy.dmarc=quarantine

# ---- issue 15: look-alike senders that pass DMARC for their own domains
send lookalike-typo "$GOOD_IP" "$GOOD_HELO" bounce@banc.example
check "lookalike-typo: held, typo of bank.example (got: $ALERTS)" \
	alert_has from=banc.example dmarc=pass action=quarantine reason=lookalike-typo \
	lookalike=typo lookalike_of=bank.example
expect_held lookalike-typo spf=pass dmarc=pass

send lookalike-homoglyph "$GOOD_IP" "$GOOD_HELO" bounce@xn--bnk-6cd.example
check "lookalike-homoglyph: held, homoglyph of bank.example (got: $ALERTS)" \
	alert_has from=xn--bnk-6cd.example dmarc=pass action=quarantine \
	reason=lookalike-homoglyph lookalike=homoglyph lookalike_of=bank.example
expect_held lookalike-homoglyph dmarc=pass

send lookalike-display "$GOOD_IP" "$GOOD_HELO" bounce@cousin.example
check "lookalike-display: held, display name claims bank.example (got: $ALERTS)" \
	alert_has from=cousin.example dmarc=pass action=quarantine \
	reason=lookalike-display-name lookalike=display-name lookalike_of=bank.example
expect_held lookalike-display dmarc=pass

send lookalike-control "$GOOD_IP" "$GOOD_HELO" bounce@none.example
check "lookalike-control: an unrelated passing domain is accepted (got: $ALERTS)" \
	alert_has from=none.example dmarc=pass action=accept reason=dmarc-pass
check "lookalike-control: no lookalike field" eval 'no_field lookalike && no_field lookalike_of'
expect_delivered lookalike-control spf=pass dmarc=pass

RCPT=ceo@cousins.example
send lookalike-recipient "$GOOD_IP" "$GOOD_HELO" bounce@cousin.example
RCPT=analyst@receiver.example
check "lookalike-recipient: held, typo of the recipient domain (got: $ALERTS)" \
	alert_has from=cousin.example dmarc=pass action=quarantine reason=lookalike-typo \
	lookalike=typo lookalike_of=cousins.example
expect_held lookalike-recipient dmarc=pass

# has_line TEXT RE - a line of TEXT matches the basic regular expression RE
has_line() { printf '%s\n' "$1" | grep -q -- "$2"; }

# ---- dmarcguard-alerts on the daemon's own log: what each forwarder lifted
# (arc-trusted by its seal; list-none, list-none-dkim, list-quarantine and
# list-reject as a trusted forwarder; 3 of them accepted; 3 author domains)
summary=$(TZ=UTC "$ALERTS_TOOL" "$DG_LOG" 2>&1 | tr -s ' ') || true
check "alerts tool: the forwarder summary has one forwarder" \
	has_line "$summary" '^Forwarded overrides by forwarder (arc_sealer, forwarder): 1 of 1$'
check "alerts tool: lists.arc.example lifted 5 (1 by ARC, 4 trusted, 3 accepted, 3 From domains)" \
	has_line "$summary" '^ lists\.arc\.example 5 1 4 3 3 '
picked=$(TZ=UTC "$ALERTS_TOOL" --forwarder lists.arc.example --action quarantine,reject "$DG_LOG" 2>&1 |
	tr -s ' ') || true
check "alerts tool: --forwarder with --action finds the 2 the forwarder did not get through" \
	has_line "$picked" '^ alerts in this report 2$'
picked=$(TZ=UTC "$ALERTS_TOOL" --reason 'lookalike-*' "$DG_LOG" 2>&1 | tr -s ' ') || true
check "alerts tool: --reason lookalike-* finds the 4 look-alikes" \
	has_line "$picked" '^ alerts in this report 4$'

check "the daemon logged no errors or internal failures" \
	eval '! grep -E "dmarcguard\[(error|crit)\]|internal error" "$DG_LOG"'
check "Postfix logged no milter warnings" \
	eval '! grep -E "warning: .*([Mm]ilter|$DG_SOCKET)" "$PF_LOG"'
dg_stops_cleanly

note "$CHECKS checks, $FAILED failed"
[ "$FAILED" = 0 ] || exit 1
