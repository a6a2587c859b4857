#!/usr/bin/env bash
# reports.sh - aggregate reports end to end with the private Postfix of
# lib/: messages for five policy domains go through Postfix to the daemon,
# which records them in a SQLite ReportStore; the daemon stops, and
# dmarcguard-reports send runs as an unprivileged user with no new
# privileges and the group postdrop (as dmarcguard-reports.service does),
# handing each report to the private Postfix's sendmail, which relays it
# to smtp-sink (the mailbox of the report receivers). Checked: the report
# mails (From, To, Subject, the gzip attachment read by Mail::DMARC and
# dmarc-cat, counts and envelope_to), the external destination rules
# against nsd (authorised: sent; NXDOMAIN: never; SERVFAIL: waits for a
# later run), and that a second send sends nothing more.
#
#   bash tests/e2e/reports.sh DMARCGUARD NSD_TOOL REPORTS TESTS_DIR
#
# (ctest runs it as e2e_reports, label e2e.) Needs root, postfix, swaks,
# nsd, setpriv, unshare, dmarc-cat and libmail-dmarc-perl. Exit status: 0 all
# passed, 1 a check failed or the set-up broke (the logs are printed).
set -euo pipefail

usage="usage: reports.sh DMARCGUARD NSD_TOOL REPORTS TESTS_DIR"
DMARCGUARD=${1:?$usage}
NSD_TOOL=${2:?$usage}
REPORTS=${3:?$usage}
TESTS=${4:?$usage}

TIME_LIMIT=${DMARCGUARD_E2E_TIME_LIMIT:-120}
RCPT=analyst@receiver.example
SUBMITTER=mx.e2e.example

E2E_NAME=e2e_reports
E2E_AUTHSERV=$SUBMITTER
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
e2e_need_root "Postfix's queue needs it"
pf_need
e2e_need_commands swaks perl timeout setpriv unshare sendmail dmarc-cat gzip
getent group postdrop >/dev/null || die "no postdrop group"
for f in "$DMARCGUARD" "$NSD_TOOL" "$REPORTS"; do [ -x "$f" ] || die "not executable: $f"; done

# ---- nsd, the daemon recording, smtp-sink, Postfix relaying the report
# receivers' domains to smtp-sink too
e2e_init dmarcguard-reports "$TIME_LIMIT"
nsd_tool_start "$NSD_TOOL"
install -d -m 0755 "$WORK/store"
STORE=$WORK/store/reports.db
dg_conf "$WORK/dmarcguard.conf" "$NAMESERVER" 2s "${PF_MILTER_CONF[@]}" \
	"ReportStore sqlite:$STORE" "ReportFrom dmarc-reports@$SUBMITTER" \
	"ReportOrgName E2E Receiver"
chmod 0644 "$WORK/dmarcguard.conf"
dg_start "$WORK/dmarcguard.conf"
port=$(free_port) || die "no free port"
sink_start 127.0.0.1 "$port"
port=$(free_port) || die "no free port"
pf_start "$port" "[127.0.0.1]:$SINK_PORT" "unix:$DG_SOCKET" \
	"relay_domains = receiver.example none.example reports.example authorised.example"

# message N DOMAIN - a message From desk@DOMAIN, marked N
message() {
	printf 'From: Desk <desk@%s>\nTo: %s\nSubject: report test %s\n' "$2" "$RCPT" "$1"
	printf 'Date: Fri, 4 Dec 2026 09:00:00 +0000\nMessage-ID: <rep-%s@corpus.example>\n' "$1"
	printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\nhello\n\n-- \nThe team\n'
}

# send IP HELO MAIL-FROM DOMAIN N - one message through Postfix, queued
send() {
	message "$5" "$4" >"$WORK/m-$5.eml"
	send_with "m-$5" "$WORK/m-$5.eml" 's/^250 .*queued as \([0-9A-Za-z]*\).*/\1/p' \
		swaks --server 127.0.0.1 --port "$SMTP_PORT" \
		--xclient-addr "$1" --xclient-name "$2" --xclient-helo "$2" --helo "$2" --from "$3"
	[ -n "$QID" ] || die "message $5 was not queued: $REPLY"
}

# ---- the mail: what the report of each policy domain must hold
send 203.0.113.66 mx.attacker.example x@attacker.example none.example 1	# spoofs: held
send 203.0.113.66 mx.attacker.example x@attacker.example none.example 2
send 203.0.113.66 mx.attacker.example x@attacker.example none.example 3
send 192.0.2.10 mail.none.example bounce@none.example none.example 4	# its own: pass
send 192.0.2.10 mail.none.example bounce@none.example none.example 5
send 198.51.100.7 mail.reports.example b@reports.example reports.example 6
send 198.51.100.7 mail.reports.example b@reports.example reports.example 7
send 198.51.100.7 mail.rua-refused.example b@rua-refused.example rua-refused.example 8
send 198.51.100.7 mail.rua-retry.example b@rua-retry.example rua-retry.example 9
recorded() {
	"$REPORTS" -c "$WORK/dmarcguard.conf" show --period today --json 2>/dev/null |
		perl -MJSON::PP -0777 -ne 'my $n = 0; $n += $_->{messages} for @{decode_json($_)}; exit($n != 9)'
}
check "the daemon recorded all 9 messages" wait_for 20 "9 recorded messages" recorded
dg_stops_cleanly

# ---- send, as dmarcguard-reports.service runs it: an unprivileged user
# with no new privileges and the group postdrop, through Postfix's sendmail.
# Postfix lets such a user name another configuration directory only when
# the default one's main.cf lists it (alternate_config_directories): in a
# private mount namespace, a main.cf of ours stands in /etc/postfix.
chown -R nobody:nogroup "$WORK/store"
printf 'ReportSendmail /usr/sbin/sendmail -C %s -i -t\n' "$PF_CONF" >>"$WORK/dmarcguard.conf"
mkdir -p "$WORK/etc-postfix"
cp -a /etc/postfix/. "$WORK/etc-postfix/"
printf 'compatibility_level = 3.6\nalternate_config_directories = %s\n' "$PF_CONF" \
	>"$WORK/etc-postfix/main.cf"
OUT= RC=
send_reports() {
	RC=0
	timeout 60 unshare -m sh -c 'mount --make-rprivate / && mount --bind "$0" /etc/postfix &&
		exec setpriv --reuid=nobody --regid=nogroup --groups=postdrop --no-new-privs "$@"' \
		"$WORK/etc-postfix" "$REPORTS" -c "$WORK/dmarcguard.conf" send --period today \
		>"$WORK/log/send.$1" 2>&1 7>&- || RC=$?
	OUT=$(cat "$WORK/log/send.$1")
	note "send $1 (exit $RC):"
	printf '%s\n' "$OUT"
}
e2e_show_log send.1 send.2
send_reports 1
check "send exits 0 (a destination waiting for DNS is not a failure)" test "$RC" = 0
check "none.example: sent, 5 messages, to dmarc@none.example" \
	grep -Eq '^none\.example: sent [0-9a-f]+ \(5 messages, [0-9]+ records, to dmarc@none\.example\)$' "$WORK/log/send.1"
check "reports.example: sent to its own and the authorised external destination" \
	grep -Eq '^reports\.example: sent [0-9a-f]+ \(2 messages, 1 records, to agg@reports\.example, dmarc@authorised\.example\)$' "$WORK/log/send.1"
check "rua-refused.example: NXDOMAIN authorisation, not sent" \
	grep -q '^rua-refused\.example: not sending to dmarc@authorised\.example: ' "$WORK/log/send.1"
check "rua-refused.example: no destination left" \
	grep -q '^rua-refused\.example: no destination to send to$' "$WORK/log/send.1"
check "rua-retry.example: SERVFAIL, tried on a later run" \
	grep -q '^rua-retry\.example: x@servfail-report\.example: .*; trying on a later run$' "$WORK/log/send.1"

# ---- the report mails, as smtp-sink (the receivers' mailbox) stored them
reports_stored() { [ "$(sink_files "Report Domain: " | wc -l)" -ge 2 ]; }
check "two report mails reach the receivers" wait_for 30 "the report mails" reports_stored
pf_wait_drained 10 || true
check "no more than two report mails" test "$(sink_files "Report Domain: " | wc -l)" = 2
mkdir -p "$WORK/cat"
# report_mail DOMAIN MESSAGES RECORDS TO... - the stored report of DOMAIN
report_mail() {
	local domain=$1 messages=$2 to f id xml gz
	shift 2
	f=$(sink_files "Subject: Report Domain: $domain Submitter: $SUBMITTER" | head -n 1)
	check "$domain: a report mail stored" test -n "$f"
	[ -n "$f" ] || return 0
	id=$(sed -n 's/^ *Report-ID: <\([0-9a-z]*\)>.*/\1/p' "$f" | head -n 1)
	check "$domain: From the ReportFrom address" grep -q "^From: dmarc-reports@$SUBMITTER" "$f"
	for to in "$@"; do
		check "$domain: smtp-sink got it for $to" grep -qi "^X-Rcpt-Args: <$to>" "$f"
	done
	check "$domain: a Report-ID in the Subject" test -n "$id"
	check "$domain: a gzip attachment named by RFC 9990" \
		grep -q "filename=\"$SUBMITTER!$domain![0-9]*![0-9]*!$id.xml.gz\"" "$f"
	# dmarc-cat wants the report's own file name
	gz="$WORK/cat/$SUBMITTER!$domain!$(sed -n "s/.*filename=\"$SUBMITTER!$domain!\([0-9]*![0-9]*\)!.*/\1/p" "$f" | head -n 1)!$id.xml.gz"
	perl "$TESTS/report/read_report.pl" "$f" "$gz" >"$WORK/$domain.mdmarc" 2>&1 || true
	check "$domain: Mail::DMARC reads $messages messages under report_id $id" \
		grep -q "^domain=$domain submitter=$SUBMITTER report_id=$id records=[0-9]* messages=$messages$" \
		"$WORK/$domain.mdmarc"
	xml=$(gzip -dc "$gz" 2>/dev/null || true)
	check "$domain: every record's envelope_to is the RCPT TO domain" \
		test "$(grep -c '<envelope_to>receiver.example</envelope_to>' <<<"$xml")" = \
		"$(grep -c '<record>' <<<"$xml")"
	dmarc-cat -N "$gz" >"$WORK/$domain.cat" 2>&1 || true
	check "$domain: dmarc-cat counts $messages messages" test "$(awk '/^IP /{t=1; next}
		t && NF >= 2 {s += $2} END {print s + 0}' "$WORK/$domain.cat")" = "$messages"
}
report_mail none.example 5 dmarc@none.example
report_mail reports.example 2 agg@reports.example dmarc@authorised.example

# ---- a second run sends nothing more; the SERVFAIL destination is tried again
send_reports 2
check "second send exits 0" test "$RC" = 0
check "second send: none.example and reports.example already sent" \
	test "$(grep -c ': already sent$' "$WORK/log/send.2")" = 2
check "second send: rua-retry.example tried again" \
	grep -q '^rua-retry\.example: x@servfail-report\.example: .*; trying on a later run$' "$WORK/log/send.2"
check "second send: nothing handed to sendmail" \
	eval '! grep -q ": sent " "$WORK/log/send.2"'
sleep 1
check "no new report mail after the second send" test "$(sink_files "Report Domain: " | wc -l)" = 2

[ "$FAILED" = 0 ]
