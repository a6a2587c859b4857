#!/usr/bin/env bash
# quarantine_sendmail.sh - end-to-end test of dmarcguard-quarantine with
# the private Sendmail of lib/sendmail_instance.sh: spoofs and
# mailing-list posts quarantined by the daemon (hf queue files), then
# list/show/suggest joined with the daemon's alert lines by queue id,
# release (Sendmail's -qQ -qI<id> -Q, then a queue run) and delete (the
# files removed under the queue file's lock) with their audit lines in
# Sendmail's syslog, and the bad inputs: malformed and unknown queue ids,
# a message released meanwhile (by hand, and between the tool's check
# and its sendmail command through a wrapper), a queue file Sendmail has
# locked, a cut-short queue file, logs with other programs' lines and a
# rotated .gz, a user without the rights.
#
#   bash tests/e2e/quarantine_sendmail.sh DMARCGUARD NSD_TOOL SIGN_TOOL QUARANTINE TESTS_DIR [DEB_CACHE]
#
# (ctest runs it as e2e_quarantine_sendmail, label e2e.) The tool runs in
# Sendmail's namespaces (its host name, and /dev/log leading to $SM_LOG),
# with a PATH whose "sendmail" is the unpacked one. Needs what
# sendmail.sh needs, plus gzip and flock. Exit status: 0 all passed, 1 a
# check failed or the set-up broke (the logs are printed).
set -euo pipefail

usage="usage: quarantine_sendmail.sh DMARCGUARD NSD_TOOL SIGN_TOOL QUARANTINE TESTS_DIR [DEB_CACHE]"
DMARCGUARD=${1:?$usage}
NSD_TOOL=${2:?$usage}
SIGN_TOOL=${3:?$usage}
Q=${4:?$usage}
TESTS=${5:?$usage}
DEBS=${6:-${DMARCGUARD_SENDMAIL_DEBS:-/var/cache/dmarcguard-e2e/sendmail}}
MESSAGES=$TESTS/messages/policy

TIME_LIMIT=${DMARCGUARD_E2E_TIME_LIMIT:-170}
AUTHSERV=mx.e2e.example
BAD_IP=203.0.113.66		# a spoofer: passes no SPF record
BAD_HELO=mx.attacker.example
LIST_IP=192.0.2.25		# other.example's list server (in its SPF record)
LIST_HELO=lists.other.example
RCPT=analyst@receiver.example
SMTP_PORT=2525
SINK_ADDR=127.0.0.2
SINK_PORT=2526
LIST_POSTS=4

E2E_NAME=e2e_quarantine_sendmail
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
# shellcheck source=lib/quarantine_checks.sh
. "$LIB/quarantine_checks.sh"

# ---- prerequisites
e2e_need_root "namespaces, mounts and Sendmail's queue need it"
sm_need
e2e_need_commands swaks gzip flock setpriv
for f in "$DMARCGUARD" "$NSD_TOOL" "$SIGN_TOOL" "$Q"; do [ -x "$f" ] || die "not executable: $f"; done
[ -f "$MESSAGES/unsigned-none.eml" ] || die "no message corpus under $MESSAGES"

# ---- nsd and the daemon here; Sendmail and smtp-sink in the namespace
e2e_init dmarcguard-quarantine-sm "$TIME_LIMIT"
sm_unpack "$DEBS"
nsd_tool_start "$NSD_TOOL"
dg_conf "$WORK/dmarcguard.conf" "$NAMESERVER" 2s "SocketMode 0600"
dg_start "$WORK/dmarcguard.conf"
sm_syslog_start
sm_netns "$BAD_IP" "$LIST_IP"
sink_start "$SINK_ADDR" "$SINK_PORT" ip netns exec "$NS"
sm_start "$SMTP_PORT" "$SINK_ADDR" "$SINK_PORT" "$DG_SOCKET"
CF=$SM/sendmail.cf
QDIR=$SM/queue
mkdir -p "$WORK/bin"
ln -s "$SENDMAIL" "$WORK/bin/sendmail"	# the "sendmail" the tool runs

# q ARGS... - the tool in Sendmail's namespaces; OUT, ERR, RC
OUT= ERR= RC=
q_with_path() {
	local path=$1
	shift
	RC=0
	PATH=$path timeout 60 ip netns exec "$NS" unshare -m -u "$SM/in-ns" "$Q" "$@" \
		>"$WORK/q.out" 2>"$WORK/q.err" 7>&- || RC=$?
	OUT=$(cat "$WORK/q.out") ERR=$(cat "$WORK/q.err")
}
q() { q_with_path "$WORK/bin:$PATH" "$@"; }

# held_ids - the quarantined queue ids now (hf files), sorted
held_ids() { find "$QDIR" -name 'hf*' -printf '%f\n' | sed 's/^hf//' | sort; }

# audit_has REGEX - Sendmail's syslog (where the tool's /dev/log leads) has the audit line
audit_has() { wait_for 5 "the audit line $1" grep -Eq "dmarcguard-quarantine\[[0-9]+\]: $1" "$SM_LOG"; }

# send_spoof NAME FILE, send_list NAME FILE - one SMTP transaction from the
# spoofer's or the list server's address (swaks binds to it in the namespace)
send_from() {
	send_with "$1" "$2" 's/^250 2\.0\.0 \([0-9A-Za-z]*\) Message accepted.*/\1/p' \
		ip netns exec "$NS" swaks --server 127.0.0.1 --port "$SMTP_PORT" \
		--local-interface "$3" --helo "$4" --from "$5"
}
send_spoof() { send_from "$1" "$2" "$BAD_IP" "$BAD_HELO" x@attacker.example; }
send_list() { send_from "$1" "$2" "$LIST_IP" "$LIST_HELO" list-bounces@other.example; }

# ---- the held mail: 3 spoofs and LIST_POSTS list posts
qc_hold
ALL=$((3 + LIST_POSTS))
check "all $ALL messages sit in Sendmail's quarantine (hf files: $(held_ids | tr '\n' ' '))" \
	test "$(held_ids)" = "$(printf '%s\n' "${SPOOFS[@]}" "${LISTS[@]}" | sort)"
note "held: spoofs ${SPOOFS[*]}, list posts ${LISTS[*]}"

# ---- list
q -C "$CF" list --log "$DG_LOG" --json
check "list --json (MTA chosen by -C) exits 0 (got $RC: $ERR)" test "$RC" = 0
check "list shows all $ALL held messages" test "$(json 'scalar @{$d->{held}}')" = "$ALL"
qc_check_rows
check "the spoof's client, HELO, sender, Subject and Sendmail's reason come from its hf file" \
	test "$(json 'join "|", map { "$_->{client_address}|$_->{helo}|$_->{sender}|$_->{subject}|$_->{mta_reason}" } grep { $_->{queue_id} eq "'"${SPOOFS[0]}"'" } @{$d->{held}}')" \
	= "$BAD_IP|$BAD_HELO|x@attacker.example|Quarterly policy briefing|dmarcguard: dmarc-fail-local-floor (From domain none.example)"
check "counts: $ALL by dmarcguard, 0 by something else" \
	test "$(json 'join " ", map { $d->{counts}{$_} } qw(held_by_dmarcguard held_by_other alerts_gone)')" = "$ALL 0 0"
q --mta sendmail -C "$CF" list --log "$DG_LOG"
check "list (text) names every held message with its reason" \
	eval 'for id in "${SPOOFS[@]}" "${LISTS[@]}"; do printf "%s\n" "$OUT" | grep -E "^$id .*dmarc-fail-local-floor" >/dev/null || exit 1; done'
q -C "$CF" list --json
check "list without a log: every message, Sendmail's reason shown (exit $RC)" \
	test "$RC/$(json 'scalar grep { $_->{mta_reason} =~ /^dmarcguard: dmarc-fail-local-floor/ } @{$d->{held}}')" = "0/$ALL"

# the alerts through a rotated .gz and Sendmail's own log (other programs' lines)
half=$(( $(wc -l <"$DG_LOG") / 2 ))
head -n "$half" "$DG_LOG" | gzip >"$WORK/dmarcguard.log.1.gz"
tail -n +"$((half + 1))" "$DG_LOG" >"$WORK/dmarcguard.log"
cp "$SM_LOG" "$WORK/sendmail.log.copy"
q -C "$CF" list --json --log "$WORK/dmarcguard.log.1.gz" --log "$WORK/dmarcguard.log" \
	--log "$WORK/sendmail.log.copy"
check "list over a .gz, the rest and Sendmail's log: the same reasons (got $RC: $ERR)" \
	test "$RC/$(json '$d->{counts}{held_by_dmarcguard}')/$(row "${LISTS[1]}")" \
	= "0/$ALL/${LISTS[1]} dmarcguard dmarc-fail-local-floor none.example other.example:pass"
check "Sendmail's lines counted as other programs' lines" \
	test "$(json '$d->{counts}{other_program_lines}')" -gt 10

# ---- show
qc_check_show -C "$CF"
q -C "$CF" show --log "$DG_LOG" "${SPOOFS[0]}"
check "show: Sendmail's reason" \
	eval 'printf "%s\n" "$OUT" | grep -q "^MTA.s reason: *dmarcguard: dmarc-fail-local-floor"'

# ---- suggest: the list server, not the spoofer
qc_check_suggest -C "$CF"

# ---- bad input: nothing may change
before=$(held_ids)
q -C "$CF" release --log "$DG_LOG" -- "${SPOOFS[0]}" '../../etc/passwd' ALL ABCDEF012345 "${SPOOFS[0]}x"
check "malformed queue ids (a Postfix id among them): exit 2, each named (got $RC: $ERR)" \
	eval '[ "$RC" = 2 ] && [ "$(printf "%s\n" "$ERR" | grep -c "Sendmail queue id\|ALL is refused")" = 4 ]'
check "malformed queue ids: nothing released, not even the good one" test "$before" = "$(held_ids)"
q -C "$CF" release --log "$DG_LOG" -d "${SPOOFS[0]}"
check "an option where a queue id belongs: exit 2 (got $RC: $ERR)" \
	eval '[ "$RC" = 2 ] && printf "%s" "$ERR" | grep -q "unknown option or missing value: -d"'
UNKNOWN=${SPOOFS[0]:0:8}999999
q -C "$CF" delete --log "$DG_LOG" "$UNKNOWN"
check "an unknown queue id: exit 1, not in Sendmail's quarantine (got $RC: $ERR)" \
	eval '[ "$RC" = 1 ] && printf "%s" "$ERR" | grep -q "$UNKNOWN: not in Sendmail.s quarantine"'
check "its audit line: result=not-held" audit_has "action=delete qid=$UNKNOWN result=not-held user=root"
q -C "$CF" -c /etc/postfix list
check "-C and -c together: exit 2, choose one MTA" \
	eval '[ "$RC" = 2 ] && printf "%s" "$ERR" | grep -q "choose one MTA"'
check "nothing changed" test "$before" = "$(held_ids)"
install -D -m 0755 "$Q" "$WORK/bin/dmarcguard-quarantine"	# reachable for nobody
nobody() { RC=0; timeout 60 setpriv --reuid nobody --regid nogroup --clear-groups \
	"$WORK/bin/dmarcguard-quarantine" -C "$CF" "$@" >/dev/null 2>"$WORK/nobody.err" 7>&- || RC=$?; }
nobody list
check "as nobody: list refuses with a clear error, exit 2 (got $RC: $(cat "$WORK/nobody.err"))" \
	eval '[ "$RC" = 2 ] && grep -q "cannot read Sendmail.s queue directory .*permission problem: run as root" "$WORK/nobody.err"'
nobody delete "${SPOOFS[2]}"
check "as nobody: delete refused (exit $RC), nothing deleted" \
	eval '[ "$RC" = 2 ] && [ "$before" = "$(held_ids)" ]'

# a queue file Sendmail has locked (it is working on it): delete leaves it alone
flock "$QDIR/hf${SPOOFS[2]}" sleep 10 7>&- &
LOCKER=$!
wait_for 5 "the lock on hf${SPOOFS[2]}" eval 'grep -q "FLOCK.*:$(stat -c %i "$QDIR/hf${SPOOFS[2]}") " /proc/locks'
q -C "$CF" delete --log "$DG_LOG" "${SPOOFS[2]}"
check "delete of a locked queue file: exit 1, said locked, files kept (got $RC: $ERR)" \
	eval '[ "$RC" = 1 ] && printf "%s" "$ERR" | grep -q "is locked" &&
	      [ -f "$QDIR/hf${SPOOFS[2]}" ] && [ -f "$QDIR/df${SPOOFS[2]}" ]'
kill "$LOCKER" 2>/dev/null || true
wait "$LOCKER" 2>/dev/null || true
check "nothing changed" test "$before" = "$(held_ids)"

# ---- release: exactly the released message reaches the sink
q -C "$CF" release --log "$DG_LOG" "${SPOOFS[0]}"
check "release ${SPOOFS[0]}: exit 0 (got $RC: $ERR)" test "$RC" = 0
check "its audit line reached syslog" \
	audit_has "action=release qid=${SPOOFS[0]} result=done user=root uid=0 .*sender=x@attacker.example client=$BAD_IP held_by=dmarcguard from=none.example reason=dmarc-fail-local-floor"
check "no hf file is left for it" \
	test -z "$(find "$QDIR" -name "hf${SPOOFS[0]}")"
if delivered_copy "${SPOOFS[0]}" sm_delivered; then
	check "the released spoof is the only one delivered" \
		test "$(sink_files 'X-E2E-Spoof:' | wc -l)/$(grep -c 'X-E2E-Spoof: 1' "$COPY")" = 1/1
else
	fail "the released spoof ${SPOOFS[0]} did not reach smtp-sink"
fi
check "the others are still held" \
	test "$(held_ids)" = "$(printf '%s\n' "$before" | grep -v "^${SPOOFS[0]}$")"
q -C "$CF" release --log "$DG_LOG" "${SPOOFS[0]}"
check "releasing it again: exit 1, not in Sendmail's quarantine" \
	eval '[ "$RC" = 1 ] && printf "%s" "$ERR" | grep -q "${SPOOFS[0]}: not in Sendmail.s quarantine"'

# ---- delete
before=$(held_ids)
q -C "$CF" delete --log "$DG_LOG" "${SPOOFS[1]}"
check "delete ${SPOOFS[1]}: exit 0, audit line (got $RC: $OUT $ERR)" \
	eval '[ "$RC" = 0 ] && audit_has "action=delete qid=${SPOOFS[1]} result=done"'
check "its files are gone (left: $(sm_queue_files "${SPOOFS[1]}")), the others stayed" \
	eval '[ -z "$(sm_queue_files "${SPOOFS[1]}")" ] &&
	      [ "$(held_ids)" = "$(printf "%s\n" "$before" | grep -v "^${SPOOFS[1]}$")" ]'
check "the deleted spoof was not delivered" test -z "$(sink_files 'X-E2E-Spoof: 2')"

# ---- released meanwhile: by hand before the tool, and between its check and its command
sm -qQ "-qI${LISTS[0]}" -Q >/dev/null 2>&1 7>&-
sm "-qI${LISTS[0]}" >/dev/null 2>&1 7>&-
q -C "$CF" delete --log "$DG_LOG" "${LISTS[0]}"
check "delete of a message released meanwhile: exit 1, nothing deleted" \
	eval '[ "$RC" = 1 ] && printf "%s" "$ERR" | grep -q "${LISTS[0]}: not in Sendmail.s quarantine"'
delivered_copy "${LISTS[0]}" sm_delivered ||
	fail "the message released by hand (${LISTS[0]}) was not delivered"
mkdir -p "$WORK/race"
cat >"$WORK/race/sendmail" <<EOF
#!/bin/sh
# unquarantines the message first, as another operator would, then does as asked
"$SENDMAIL" -C "$CF" -qQ "-qI${LISTS[1]}" -Q >/dev/null 2>&1
exec "$SENDMAIL" "\$@"
EOF
chmod 0755 "$WORK/race/sendmail"
q_with_path "$WORK/race:$PATH" -C "$CF" release --log "$DG_LOG" "${LISTS[1]}"
check "released between the check and sendmail -Q: exit 1, left the quarantine (got $RC: $ERR)" \
	eval '[ "$RC" = 1 ] && printf "%s" "$ERR" | grep -q "${LISTS[1]}: left Sendmail.s quarantine before it could be released"'
check "it is an ordinary queue file now (files: $(sm_queue_files "${LISTS[1]}"))" \
	test -f "$QDIR/qf${LISTS[1]}"

# ---- a cut-short queue file is listed with the reason, and can be deleted
BROKEN=${SPOOFS[0]:0:8}000001
head -c 200 "$QDIR/hf${SPOOFS[2]}" >"$QDIR/hf$BROKEN"
q -C "$CF" list --log "$DG_LOG" --json
why=$(json 'join "|", map { $_->{mta_reason} } grep { $_->{queue_id} eq "'"$BROKEN"'" } @{$d->{held}}')
check "list: the cut-short file is listed as not understood (exit $RC: $why)" \
	eval '[ "$RC" = 0 ] && printf "%s" "$why" | grep -Eq "^hf$BROKEN not understood: line [0-9]+: .*cut short"'
check "list: the released (3) and deleted (1) ones counted as gone" \
	test "$(json '$d->{counts}{alerts_gone}')" = 4
q -C "$CF" delete "$BROKEN"
check "delete of the cut-short file: exit 0, gone (got $RC: $ERR)" \
	eval '[ "$RC" = 0 ] && [ ! -e "$QDIR/hf$BROKEN" ]'

dg_stops_cleanly
note "$CHECKS checks, $FAILED failed"
[ "$FAILED" = 0 ] || exit 1
