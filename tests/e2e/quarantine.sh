#!/usr/bin/env bash
# quarantine.sh - end-to-end test of dmarcguard-quarantine with the private
# Postfix of lib/: spoofs and mailing-list posts held by the daemon, one
# message held by Postfix itself (header_checks HOLD, sent through the
# sendmail command: no milter, no alert), then list/show/suggest against
# the hold queue and the daemon's log, release and delete with their
# audit lines (caught on a /dev/log of our own in a private mount
# namespace), and the bad inputs: malformed and unknown queue ids, a
# message released meanwhile (also between the tool's check and its
# postsuper, through a wrapper), logs in syslog format with other
# programs' lines and a rotated .gz, a user without the rights.
#
#   bash tests/e2e/quarantine.sh DMARCGUARD NSD_TOOL SIGN_TOOL QUARANTINE TESTS_DIR
#
# (ctest runs it as e2e_quarantine, label e2e.) Needs root, postfix,
# swaks, nsd, perl, gzip, unshare and setpriv. Exit status: 0 all passed,
# 1 a check failed or the set-up broke (the logs are printed).
set -euo pipefail

usage="usage: quarantine.sh DMARCGUARD NSD_TOOL SIGN_TOOL QUARANTINE TESTS_DIR"
DMARCGUARD=${1:?$usage}
NSD_TOOL=${2:?$usage}
SIGN_TOOL=${3:?$usage}
Q=${4:?$usage}
TESTS=${5:?$usage}
MESSAGES=$TESTS/messages/policy

TIME_LIMIT=${DMARCGUARD_E2E_TIME_LIMIT:-240}
BAD_IP=203.0.113.66		# a spoofer: passes no SPF record
BAD_HELO=mx.attacker.example
LIST_IP=192.0.2.25		# other.example's list server (in its SPF record)
LIST_HELO=lists.other.example
RCPT=analyst@receiver.example
LIST_POSTS=4

E2E_NAME=e2e_quarantine
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
# shellcheck source=lib/quarantine_checks.sh
. "$LIB/quarantine_checks.sh"

# ---- prerequisites
e2e_need_root "Postfix's queue and postsuper need it"
pf_need
e2e_need_commands swaks perl timeout gzip unshare setpriv sendmail
for f in "$DMARCGUARD" "$NSD_TOOL" "$SIGN_TOOL" "$Q"; do [ -x "$f" ] || die "not executable: $f"; done
[ -f "$MESSAGES/unsigned-none.eml" ] || die "no message corpus under $MESSAGES"

# ---- nsd, the daemon, smtp-sink, Postfix with a HOLD rule of its own
e2e_init dmarcguard-quarantine "$TIME_LIMIT"
nsd_tool_start "$NSD_TOOL"
dg_conf "$WORK/dmarcguard.conf" "$NAMESERVER" 2s "${PF_MILTER_CONF[@]}"
dg_start "$WORK/dmarcguard.conf"
port=$(free_port) || die "no free port"
sink_start 127.0.0.1 "$port"
printf '/^X-Hold-Me:/ HOLD held by a header check\n' >"$WORK/header_checks"
port=$(free_port) || die "no free port"
pf_start "$port" "[127.0.0.1]:$SINK_PORT" "unix:$DG_SOCKET" \
	"header_checks = regexp:$WORK/header_checks"
export PATH  # the tool runs postqueue, postcat and postsuper from PATH

# q ARGS... - the tool on the private instance; output in OUT/ERR, status in RC
OUT= ERR= RC=
q() {
	RC=0
	timeout 120 "$Q" -c "$PF_CONF" "$@" >"$WORK/q.out" 2>"$WORK/q.err" 7>&- || RC=$?
	OUT=$(cat "$WORK/q.out") ERR=$(cat "$WORK/q.err")
}

# held_ids - the ids in the hold queue now, sorted
held_ids() { pf_queue_json | grep -F '"queue_name": "hold"' |
	sed -n 's/.*"queue_id": "\([0-9A-Za-z]*\)".*/\1/p' | sort; }

send_spoof() {
	send_with "$1" "$2" 's/^250 .*queued as \([0-9A-Za-z]*\).*/\1/p' \
		swaks --server 127.0.0.1 --port "$SMTP_PORT" \
		--xclient-addr "$BAD_IP" --xclient-name "$BAD_HELO" --xclient-helo "$BAD_HELO" \
		--helo "$BAD_HELO" --from x@attacker.example
}
send_list() {
	send_with "$1" "$2" 's/^250 .*queued as \([0-9A-Za-z]*\).*/\1/p' \
		swaks --server 127.0.0.1 --port "$SMTP_PORT" \
		--xclient-addr "$LIST_IP" --xclient-name "$LIST_HELO" --xclient-helo "$LIST_HELO" \
		--helo "$LIST_HELO" --from list-bounces@other.example
}

# ---- the held mail: 3 spoofs, LIST_POSTS list posts, 1 held by Postfix
qc_hold
{ printf 'X-Hold-Me: yes\n'; cat "$MESSAGES/signed-none.eml"; } >"$WORK/local.eml"
MAIL_CONFIG=$PF_CONF timeout 30 sendmail -f local@e2e.example "$RCPT" <"$WORK/local.eml" 7>&- ||
	die "sendmail failed"
local_held() { [ "$(held_ids | wc -l)" = $((3 + LIST_POSTS + 1)) ]; }
wait_for 30 "the locally sent message to be held" local_held || die "not held: $(held_ids)"
LOCAL=$(comm -23 <(held_ids) <(printf '%s\n' "${SPOOFS[@]}" "${LISTS[@]}" | sort))
note "held: spoofs ${SPOOFS[*]}, list posts ${LISTS[*]}, by Postfix $LOCAL"

# ---- list
q list --log "$DG_LOG" --json
check "list --json exits 0 (got $RC: $ERR)" test "$RC" = 0
check "list shows all $((3 + LIST_POSTS + 1)) held messages" \
	test "$(json 'scalar @{$d->{held}}')" = $((3 + LIST_POSTS + 1))
qc_check_rows
check "$LOCAL: held by something else, no alert (got: $(row "$LOCAL"))" \
	test "$(row "$LOCAL")" = "$LOCAL other - none.example -"
check "the spoof's client address and Subject come from the queue file" \
	test "$(json 'join "|", map { "$_->{client_address}|$_->{subject}" } grep { $_->{queue_id} eq "'"${SPOOFS[0]}"'" } @{$d->{held}}')" \
	= "$BAD_IP|Quarterly policy briefing"
check "counts: $((3 + LIST_POSTS)) by dmarcguard, 1 by something else, 0 gone" \
	test "$(json 'join " ", map { $d->{counts}{$_} } qw(held_by_dmarcguard held_by_other without_alert alerts_gone)')" \
	= "$((3 + LIST_POSTS)) 1 1 0"
q list --log "$DG_LOG"
printf '%s\n' "$OUT" >"$WORK/log/list.txt"
check "list (text) names every held message with its reason" \
	eval 'for id in "${SPOOFS[@]}" "${LISTS[@]}"; do printf "%s\n" "$OUT" | grep -E "^$id .*dmarc-fail-local-floor" >/dev/null || exit 1; done'
check "list (text) says who held $LOCAL" \
	eval 'printf "%s\n" "$OUT" | grep -E "^$LOCAL .*\(held elsewhere, no alert\)" >/dev/null'
q list --log "$DG_LOG" --json --reason other
check "list --reason other: only $LOCAL (got: $(json 'join " ", map { $_->{queue_id} } @{$d->{held}}'))" \
	test "$(json 'join " ", map { $_->{queue_id} } @{$d->{held}}')" = "$LOCAL"
q list --log "$DG_LOG" --json --domain other.example
check "list --domain other.example: none (the From domain counts, not the signer)" \
	test "$(json 'scalar @{$d->{held}}')" = 0
q list --log "$DG_LOG" --json --domain .none.example
check "list --domain .none.example: all $((3 + LIST_POSTS + 1)) (From none.example)" \
	test "$(json 'scalar @{$d->{held}}')" = $((3 + LIST_POSTS + 1))
q list --log "$DG_LOG" --json --since "$(date -d tomorrow +%F)"
check "list --since tomorrow: none" test "$(json 'scalar @{$d->{held}}')" = 0
q list --json
check "list without a log: still every message, none attributed (exit $RC)" \
	test "$RC/$(json 'scalar @{$d->{held}}')/$(json '$d->{counts}{held_by_dmarcguard}')" = "0/$((3 + LIST_POSTS + 1))/0"

# ---- the same alerts through syslog files: rotated .gz plus today's file
# with other programs' lines and one cut alert line
mkdir -p "$WORK/syslog"
to_syslog() { perl -ne 'next unless /^(\d+)-(\d+)-(\d+)T(\d+:\d+:\d+) dmarcguard\[\w+\]: (v=1 .*)/;
	my @m = qw(Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec);
	printf "%s %2d %s mx dmarcguard[4242]: %s\n", $m[$2 - 1], $3, $4, $5'; }
grep ' v=1 ' "$DG_LOG" | to_syslog >"$WORK/syslog/all"
half=$(( $(wc -l <"$WORK/syslog/all") / 2 ))
head -n "$half" "$WORK/syslog/all" | gzip >"$WORK/syslog/mail.log.1.gz"
foreign=$(head -n 40 "$PF_LOG" | wc -l)
{
	sed 's/^/Dec  4 10:00:00 mx postfix\/smtpd[1]: /' "$PF_LOG" | head -n 40
	tail -n +"$((half + 1))" "$WORK/syslog/all"
	printf 'Dec  4 10:00:01 mx dmarcguard[4242]: v=1 qid=%s ip=%s client=x helo=y\n' "${SPOOFS[0]}" "$BAD_IP"
	printf 'Dec  4 10:00:02 mx kernel: v=1 qid=%s action=accept reason=forged\n' "${SPOOFS[1]}"
} >"$WORK/syslog/mail.log"
q list --json --log "$WORK/syslog/mail.log.1.gz" --log "$WORK/syslog/mail.log"
check "list over syslog .gz + plain: exit 0 (got $RC: $ERR)" test "$RC" = 0
check "the same reasons through the syslog files" \
	test "$(json '$d->{counts}{held_by_dmarcguard}')/$(row "${SPOOFS[1]}")" \
	= "$((3 + LIST_POSTS))/${SPOOFS[1]} dmarcguard dmarc-fail-local-floor none.example none"
check "the cut alert line is counted as malformed, other programs' lines as such" \
	test "$(json '$d->{counts}{malformed_alert_lines} . " " . $d->{counts}{other_program_lines}')" = "1 $((foreign + 1))"
q list --log "$WORK/syslog/missing.log"
check "a log that cannot be read: exit 2 and its name (got $RC: $ERR)" \
	eval '[ "$RC" = 2 ] && printf "%s" "$ERR" | grep -q "missing.log"'

# ---- show
qc_check_show
q show --log "$DG_LOG" ABCDEF012345
check "show of an unknown queue id: exit 1, said so" \
	eval '[ "$RC" = 1 ] && printf "%s" "$ERR" | grep -q "ABCDEF012345: not in the hold queue"'
q show --log "$DG_LOG" "${SPOOFS[0]}" "${SPOOFS[1]}"
check "show of two queue ids: exit 2" test "$RC" = 2
q show --log "$DG_LOG" "$LOCAL"
check "show of Postfix's own hold: no alert, said so" \
	eval '[ "$RC" = 0 ] && printf "%s\n" "$OUT" | grep -q "No dmarcguard alert"'

# ---- suggest: the list server, not the spoofer
qc_check_suggest
q suggest --log "$DG_LOG"
check "suggest (text) has other.example in its forwarder table" \
	eval 'printf "%s\n" "$OUT" | grep -Eq "^  other\.example +DKIM +$LIST_POSTS +1 +1\$"'
q suggest --log "$DG_LOG" --min $((LIST_POSTS + 1)) --json
check "suggest --min above the posts: no candidate" test "$(json 'scalar @{$d->{forwarders}}')" = 0
before=$(held_ids)
check "suggest changed nothing in the queue" test "$before" = "$(held_ids)"

# ---- audit lines: a /dev/log of our own inside a private mount namespace
mkdir -p "$WORK/dev"
touch "$WORK/dev/null" "$WORK/dev/urandom"
perl -MIO::Socket::UNIX -e '
	my $s = IO::Socket::UNIX->new(Type => SOCK_DGRAM, Local => $ARGV[0]) or die "$!\n";
	open(my $o, ">>", $ARGV[1]) or die; $o->autoflush(1);
	while (defined $s->recv(my $m, 8192)) { print $o "$m\n"; }' \
	"$WORK/dev/log" "$WORK/log/syslog.txt" 7>&- &
LOGGER_PID=$!
e2e_at_exit 'stop_pid "$LOGGER_PID" 5'
wait_for 10 "the syslog socket" test -S "$WORK/dev/log" || die "no syslog socket"
# qa ARGS... - q inside the namespace whose /dev holds our log socket
qa() {
	RC=0
	timeout 120 unshare -m bash -c 'mount --bind /dev/null "$1/null" &&
		mount --bind /dev/urandom "$1/urandom" && mount --rbind "$1" /dev && shift && exec "$@"' \
		_ "$WORK/dev" "$Q" -c "$PF_CONF" "$@" >"$WORK/q.out" 2>"$WORK/q.err" 7>&- || RC=$?
	OUT=$(cat "$WORK/q.out") ERR=$(cat "$WORK/q.err")
}
syslog_has() { grep -E "dmarcguard-quarantine\[[0-9]+\]: $1" "$WORK/log/syslog.txt" >/dev/null; }

# ---- bad input first: nothing may change
before=$(held_ids)
qa release --log "$DG_LOG" -- "${SPOOFS[0]}" '../../etc/passwd' '-d' 'ALL' "${SPOOFS[0]}x"
check "malformed queue ids: exit 2, each named (got $RC: $ERR)" \
	eval '[ "$RC" = 2 ] && [ "$(printf "%s\n" "$ERR" | grep -c "not a Postfix queue id\|ALL is refused")" = 4 ]'
check "malformed queue ids: nothing released, not even the good one" test "$before" = "$(held_ids)"
qa release --log "$DG_LOG" -d "${SPOOFS[0]}"
check "an option where a queue id belongs: exit 2 (got $RC: $ERR)" \
	eval '[ "$RC" = 2 ] && printf "%s" "$ERR" | grep -q "unknown option or missing value: -d"'
check "nothing released" test "$before" = "$(held_ids)"
qa release --log "$DG_LOG" ABCDEF012345
check "an unknown queue id: exit 1, not in the hold queue (got $RC: $ERR)" \
	eval '[ "$RC" = 1 ] && printf "%s" "$ERR" | grep -q "ABCDEF012345: not in the hold queue"'
check "its audit line: result=not-held" syslog_has 'action=release qid=ABCDEF012345 result=not-held user=root'
check "an unknown queue id changed nothing" test "$before" = "$(held_ids)"
install -D -m 0755 "$Q" "$WORK/bin/dmarcguard-quarantine"	# reachable for nobody
check "setpriv as nobody: list refuses with a clear error, exit 2" \
	eval 'RC=0; timeout 60 setpriv --reuid nobody --regid nogroup --clear-groups \
		"$WORK/bin/dmarcguard-quarantine" -c "$PF_CONF" list \
		>/dev/null 2>"$WORK/nobody.err" 7>&- || RC=$?; [ "$RC" = 2 ] &&
		grep -q "cannot list the hold queue: .*(as a user other than root" "$WORK/nobody.err"'
check "setpriv as nobody: delete refused, nothing deleted" \
	eval 'timeout 60 setpriv --reuid nobody --regid nogroup --clear-groups \
		"$WORK/bin/dmarcguard-quarantine" -c "$PF_CONF" delete "${SPOOFS[2]}" >/dev/null 2>&1 7>&-; [ "$?" != 0 ] && [ "$before" = "$(held_ids)" ]'

# ---- release: exactly the released message reaches the sink
qa release --log "$DG_LOG" "${SPOOFS[0]}"
check "release ${SPOOFS[0]}: exit 0 (got $RC: $ERR)" test "$RC" = 0
check "release prints its audit line (got: $OUT)" \
	eval 'printf "%s\n" "$OUT" | grep -q "^action=release qid=${SPOOFS[0]} result=done user=root uid=0 .*held_by=dmarcguard .*reason=dmarc-fail-local-floor"'
check "the audit line reached syslog" \
	syslog_has "action=release qid=${SPOOFS[0]} result=done user=root uid=0 .*sender=x@attacker.example client=$BAD_IP held_by=dmarcguard from=none.example reason=dmarc-fail-local-floor"
if delivered_copy "${SPOOFS[0]}" pf_delivered; then
	check "the released spoof is the only one delivered" \
		test "$(sink_files 'X-E2E-Spoof:' | wc -l)/$(grep -c 'X-E2E-Spoof: 1' "$COPY")" = 1/1
else
	fail "the released spoof ${SPOOFS[0]} did not reach smtp-sink"
fi
check "the others are still held" \
	test "$(held_ids)" = "$(printf '%s\n' "$before" | grep -v "^${SPOOFS[0]}$")"
qa release --log "$DG_LOG" "${SPOOFS[0]}"
check "releasing it again: exit 1, not in the hold queue" \
	eval '[ "$RC" = 1 ] && printf "%s" "$ERR" | grep -q "${SPOOFS[0]}: not in the hold queue"'

# ---- delete
before=$(held_ids)
qa delete --log "$DG_LOG" "${SPOOFS[1]}"
check "delete ${SPOOFS[1]}: exit 0, audit line (got $RC: $OUT $ERR)" \
	eval '[ "$RC" = 0 ] && syslog_has "action=delete qid=${SPOOFS[1]} result=done"'
check "it left the queue, the others stayed" \
	test "$(held_ids)" = "$(printf '%s\n' "$before" | grep -v "^${SPOOFS[1]}$")"
check "the deleted spoof was not delivered" test -z "$(sink_files 'X-E2E-Spoof: 2')"

# ---- released meanwhile: by hand before the tool, and between its check and postsuper
timeout 30 postsuper -c "$PF_CONF" -H "${LISTS[0]}" 2>/dev/null
timeout 30 postqueue -c "$PF_CONF" -i "${LISTS[0]}" 2>/dev/null
qa delete --log "$DG_LOG" "${LISTS[0]}"
check "delete of a message released meanwhile: exit 1, nothing deleted" \
	eval '[ "$RC" = 1 ] && printf "%s" "$ERR" | grep -q "${LISTS[0]}: not in the hold queue"'
delivered_copy "${LISTS[0]}" pf_delivered ||
	fail "the message released by hand (${LISTS[0]}) was not delivered"
mkdir -p "$WORK/race"
cat >"$WORK/race/postsuper" <<EOF
#!/bin/sh
# releases the message first, as another operator would, then does as asked
$(command -v postsuper) -c "$PF_CONF" -H "\$4" >/dev/null 2>&1
$(command -v postqueue) -c "$PF_CONF" -i "\$4" >/dev/null 2>&1
exec $(command -v postsuper) "\$@"
EOF
chmod 0755 "$WORK/race/postsuper"
RC=0
PATH=$WORK/race:$PATH timeout 120 "$Q" -c "$PF_CONF" delete --log "$DG_LOG" "${LISTS[1]}" \
	>"$WORK/q.out" 2>"$WORK/q.err" 7>&- || RC=$?
check "released between the check and postsuper -d: exit 1, left the hold queue (got $RC: $(cat "$WORK/q.err"))" \
	eval '[ "$RC" = 1 ] && grep -q "${LISTS[1]}: left the hold queue before it could be deleted" "$WORK/q.err"'
if delivered_copy "${LISTS[1]}" pf_delivered; then
	pass "the message released under the tool was delivered, not deleted"
else
	fail "the message released under the tool (${LISTS[1]}) did not reach smtp-sink"
fi

# ---- what is gone is counted
q list --log "$DG_LOG" --json
check "list: the released, deleted and released-meanwhile messages counted as gone (4)" \
	test "$(json '$d->{counts}{alerts_gone}')/$(json 'scalar @{$d->{held}}')" = "4/$((3 + LIST_POSTS + 1 - 4))"

dg_stops_cleanly
note "$CHECKS checks, $FAILED failed"
[ "$FAILED" = 0 ] || exit 1
