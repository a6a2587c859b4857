#!/usr/bin/env bash
# run.sh - aggregate reports end to end, against a real nsd (tests/zones):
# messages judged by the daemon's offline mode are recorded in a SQLite
# ReportStore, dmarcguard-reports writes the report mails, and two
# independent readers read them back.
#
#   run.sh readers    DMARCGUARD REPORTS NSD_TOOL
#   run.sh store-down DMARCGUARD REPORTS NSD_TOOL
#   run.sh send       DMARCGUARD REPORTS NSD_TOOL
#   run.sh split      DMARCGUARD REPORTS NSD_TOOL
#   run.sh retry      DMARCGUARD REPORTS NSD_TOOL
#
# readers: the report of none.example holds every recorded message and
# nothing else (not the trusted network's, not the tempfailed one, none
# for domains without rua or without a record); its
# XML is checked element by element with xmllint (and against the RFC
# 9990 schema when DMARCGUARD_RFC9990_XSD names it); Debian's dmarc-cat
# and Mail::DMARC's parser (read_report.pl) find the same records and
# counts; a second send writes nothing new (same file name, same bytes);
# show and expire.
# store-down: with a store that cannot be opened, every verdict is the
# same as without a store and each record is dropped and counted.
# send: reports handed to ReportSendmail (a stand-in that keeps each mail
# and exits as told): a failing sendmail marks nothing sent and the next
# run sends; reports.example's go to its own address and to the external
# destination that authorises it (at most two); a third run sends nothing.
# split: with ReportMaxBytes 1024, 120 records become several reports,
# each within the cap, well-formed, with its own Report-ID and a note,
# read by Mail::DMARC and dmarc-cat; their counts add up.
# retry: a report that failed today is retried by tomorrow's run (the
# attempts counted in the store); once ReportRetryDays have passed since
# its first failure (the failure moved back in the store) it is given up
# with one line while the other report is sent; then nothing is left.
set -euo pipefail

mode=$1 dmarcguard=$2 reports=$3 nsd_tool=$4
here=$(cd "$(dirname "$0")" && pwd)
messages=$here/../messages/policy
tmp=$(mktemp -d /tmp/dmarcguard-reports-test.XXXXXX)
fail() { echo "FAIL: $*" >&2; exit 1; }

coproc NSD { exec "$nsd_tool"; }
cleanup() { kill "$NSD_PID" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
read -r -t 30 -u "${NSD[0]}" address || fail "nsd did not start"

write_conf() {	# write_conf FILE STORE
	cat >"$1" <<CONF
AuthservID mx.test.example
Nameservers $address
DNSTimeout 2s
ReportStore $2
ReportFrom dmarc-reports@mx.test.example
ReportOrgName Test Receiver & Co
ReportContact https://mx.test.example/dmarc
CONF
}

# The messages: file ip helo mail-from, and whether each is recorded.
cases=(
	"signed-none.eml 203.0.113.66 mx.attacker.example x@attacker.example yes"
	"signed-none.eml 203.0.113.66 mx.attacker.example x@attacker.example yes"
	"signed-none.eml 203.0.113.66 mx.attacker.example x@attacker.example yes"
	"unsigned-none.eml 203.0.113.66 mx.attacker.example x@attacker.example yes"
	"unsigned-none.eml 203.0.113.66 mx.attacker.example x@attacker.example yes"
	"unsigned-none.eml 192.0.2.10 mail.none.example bounce@none.example yes"
	"signed-ed25519.eml 198.51.100.7 out.example.net b@example.net yes"
	"unsigned-none.eml 127.0.0.1 localhost b@none.example no"
	"unsigned-servfail.eml 203.0.113.66 x x@attacker.example no"
	"unsigned-nodmarc.eml 203.0.113.66 x x@attacker.example no"
	"unsigned-reject.eml 203.0.113.66 x x@attacker.example no"
)

judge() {	# judge CONF -> the verdict lines of every case, in order
	local c f ip helo from
	for c in "${cases[@]}"; do
		read -r f ip helo from _ <<<"$c"
		(cd "$messages" && "$dmarcguard" -c "$1" --test "$f" --client-ip "$ip" \
			--helo "$helo" --mail-from "$from" --rcpt "<desk@MX.Test.Example>") \
			2>>"$tmp/stderr" | head -1
	done
}

want_recorded=0
for c in "${cases[@]}"; do
	[ "${c##* }" = yes ] && want_recorded=$((want_recorded + 1))
done

if [ "$mode" = store-down ]; then
	write_conf "$tmp/plain.conf" ""
	write_conf "$tmp/down.conf" "sqlite:$tmp/no-such-dir/reports.db"
	judge "$tmp/plain.conf" >"$tmp/plain.out"
	: >"$tmp/stderr"
	judge "$tmp/down.conf" >"$tmp/down.out"
	diff -u "$tmp/plain.out" "$tmp/down.out" || fail "verdicts changed with the store down"
	[ "$(wc -l <"$tmp/down.out")" -eq "${#cases[@]}" ] || fail "not every message judged"
	dropped=$(grep -c 'report store: 0 recorded, 1 dropped' "$tmp/stderr" || true)
	[ "$dropped" -eq "$want_recorded" ] || { cat "$tmp/stderr"; fail "dropped $dropped, want $want_recorded"; }
	grep -q "report store sqlite:$tmp/no-such-dir/reports.db: 1 record(s) dropped" "$tmp/stderr" \
		|| { cat "$tmp/stderr"; fail "no log line about the drop"; }
	echo "store-down: ${#cases[@]} verdicts unchanged, $dropped records dropped and counted"
	exit 0
fi

# sendmail_stand_in - ReportSendmail that keeps each mail and exits as $tmp/sendmail.exit says
sendmail_stand_in() {
	cat >>"$tmp/conf" <<CONF
ReportSendmail $tmp/sendmail -i -t
CONF
	cat >"$tmp/sendmail" <<SH
#!/bin/sh
# a stand-in for the MTA's sendmail: keep the mail and the arguments
n=\$(ls "$tmp/sent" | wc -l)
echo "\$*" >"$tmp/sent/\$n.args"
cat >"$tmp/sent/\$n.eml"
exit \$(cat "$tmp/sendmail.exit")
SH
	chmod +x "$tmp/sendmail"
	mkdir "$tmp/sent"
}

# sql DB QUERY - one value from the SQLite store (Perl's DBD::SQLite, independent of us)
sql() {
	perl -MDBI -e 'my $d = DBI->connect("dbi:SQLite:dbname=$ARGV[0]", "", "", { RaiseError => 1 });
		my $v = $d->selectrow_array($ARGV[1]); print defined $v ? $v : ""' "$1" "$2"
}

if [ "$mode" = retry ]; then
	write_conf "$tmp/conf" "sqlite:$tmp/reports.db"
	echo "ReportRetryDays 3" >>"$tmp/conf"
	sendmail_stand_in
	printf 'From: Desk <desk@reports.example>\nTo: x@mx.test.example\nSubject: hi\nMessage-ID: <r1@reports.example>\nDate: Fri, 04 Dec 2026 10:00:00 +0000\n\nhello\n' >"$tmp/reports.eml"
	cases+=("$tmp/reports.eml 198.51.100.7 mail.reports.example b@reports.example yes")
	judge "$tmp/conf" >/dev/null
	tomorrow=$(date -u -d tomorrow +%F)
	echo 75 >"$tmp/sendmail.exit"
	for run in 1 2; do
		period=today
		[ "$run" = 2 ] && period=$tomorrow
		st=0; "$reports" -c "$tmp/conf" send --period "$period" >"$tmp/r$run.out" 2>&1 || st=$?
		[ "$st" -eq 1 ] || { cat "$tmp/r$run.out"; fail "run $run: exit $st, want 1"; }
		[ "$(grep -c 'not sent, trying on a later run' "$tmp/r$run.out")" -eq 2 ] \
			|| { cat "$tmp/r$run.out"; fail "run $run: both reports should have failed"; }
	done
	db=$tmp/reports.db
	[ "$(sql "$db" "SELECT min(attempts) || '-' || max(attempts) FROM delivery WHERE state = 'failed'")" = 2-2 ] \
		|| fail "attempts after two runs: $(sql "$db" "SELECT group_concat(destination || ':' || state || ':' || attempts) FROM delivery")"
	[ "$(sql "$db" "SELECT count(*) FROM report WHERE state = 'pending'")" = 2 ] || fail "two pending reports"
	"$reports" -c "$tmp/conf" show --period today --json >"$tmp/show.json"
	[ "$(perl -MJSON::PP -e 'local $/; print join " ", map { "$_->{domain}:$_->{report}" } @{decode_json(<STDIN>)}' <"$tmp/show.json")" \
		= "none.example:pending reports.example:pending" ] || { cat "$tmp/show.json"; fail "show: the reports' state"; }
	sql "$db" "SELECT reason FROM delivery WHERE policy_domain = 'none.example'" | grep -q 'exited with status 75' \
		|| fail "the failure's reason is not kept"
	# none.example's first failure four days ago: past ReportRetryDays 3
	sql "$db" "UPDATE delivery SET first_failure = first_failure - 4 * 86400 WHERE policy_domain = 'none.example'" >/dev/null
	echo 0 >"$tmp/sendmail.exit"
	rm -f "$tmp"/sent/*
	"$reports" -c "$tmp/conf" send --period "$tomorrow" >"$tmp/r3.out" 2>&1 || { cat "$tmp/r3.out"; fail "run 3"; }
	cat "$tmp/r3.out"
	[ "$(grep -c 'given up after 2 attempt(s) since .* (ReportRetryDays 3): .*status 75' "$tmp/r3.out")" -eq 1 ] \
		|| fail "one give-up line for none.example"
	grep -q '^reports.example: sent ' "$tmp/r3.out" || fail "the pending reports.example report was not retried"
	[ "$(ls "$tmp"/sent/*.eml | wc -l)" -eq 1 ] || fail "want one mail: reports.example's"
	[ "$(sql "$db" "SELECT state FROM delivery WHERE policy_domain = 'none.example'")" = given-up ] || fail "not given up"
	[ "$(sql "$db" "SELECT count(*) FROM report WHERE state = 'done'")" = 2 ] || fail "both reports done"
	rm -f "$tmp"/sent/*
	"$reports" -c "$tmp/conf" send --period "$tomorrow" >"$tmp/r4.out" 2>&1 || fail "run 4"
	"$reports" -c "$tmp/conf" send --period today >>"$tmp/r4.out" 2>&1 || fail "run 4"
	[ -z "$(ls "$tmp/sent")" ] || { cat "$tmp/r4.out"; fail "something was sent again"; }
	echo "retry: failures retried by a later period's run, given up after ReportRetryDays, nothing sent twice"
	exit 0
fi

if [ "$mode" = send ]; then
	write_conf "$tmp/conf" "sqlite:$tmp/reports.db"
	sendmail_stand_in
	printf 'From: Desk <desk@reports.example>\nTo: x@mx.test.example\nSubject: hi\nMessage-ID: <r1@reports.example>\nDate: Fri, 04 Dec 2026 10:00:00 +0000\n\nhello\n' >"$tmp/reports.eml"
	cases+=("$tmp/reports.eml 198.51.100.7 mail.reports.example b@reports.example yes")
	cases+=("$tmp/reports.eml 198.51.100.7 mail.reports.example b@reports.example yes")
	judge "$tmp/conf" >/dev/null
	echo 75 >"$tmp/sendmail.exit"
	st=0; "$reports" -c "$tmp/conf" send --period today >"$tmp/send1.out" 2>&1 || st=$?
	[ "$st" -eq 1 ] || { cat "$tmp/send1.out"; fail "a failing sendmail: exit $st, want 1"; }
	[ "$(grep -c 'not sent, trying on a later run: .*exited with status 75' "$tmp/send1.out")" -eq 2 ] \
		|| { cat "$tmp/send1.out"; fail "failures not reported"; }
	rm -f "$tmp"/sent/*
	echo 0 >"$tmp/sendmail.exit"
	"$reports" -c "$tmp/conf" send --period today >"$tmp/send2.out" 2>&1 || { cat "$tmp/send2.out"; fail "second run"; }
	cat "$tmp/send2.out"
	[ "$(ls "$tmp"/sent/*.eml | wc -l)" -eq 2 ] || fail "want two mails handed to sendmail"
	grep -q '^reports.example: sent .* (2 messages, 1 records, to agg@reports.example, dmarc@authorised.example)$' \
		"$tmp/send2.out" || fail "reports.example's destinations"
	grep -q '^none.example: sent .* to dmarc@none.example)$' "$tmp/send2.out" || fail "none.example's destination"
	for m in "$tmp"/sent/*.eml; do
		[ "$(cat "${m%.eml}.args")" = "-i -t" ] || fail "sendmail arguments: $(cat "${m%.eml}.args")"
		perl "$here/read_report.pl" "$m" "$tmp/x.xml.gz" >"$tmp/read.out" || fail "Mail::DMARC could not read $m"
		head -1 "$tmp/read.out"
	done
	grep -q '^To: agg@reports.example,$' "$tmp"/sent/*.eml || fail "To: of reports.example"
	! grep -q 'third@authorised.example' "$tmp"/sent/*.eml || fail "a third destination got a report"
	rm -f "$tmp"/sent/*
	"$reports" -c "$tmp/conf" send --period today >"$tmp/send3.out" 2>&1 || fail "third run"
	[ "$(grep -c ': already sent$' "$tmp/send3.out")" -eq 2 ] || { cat "$tmp/send3.out"; fail "third run"; }
	[ -z "$(ls "$tmp/sent")" ] || fail "a report was sent twice"
	echo "send: failures retried, two reports sent once each, to authorised destinations only"
	exit 0
fi

if [ "$mode" = split ]; then
	# 120 sources and envelope senders, so 120 records, under a cap that
	# a report of them cannot meet (envelope domains that gzip poorly)
	write_conf "$tmp/conf" "sqlite:$tmp/reports.db"
	echo "ReportMaxBytes 1024" >>"$tmp/conf"
	cases=()
	for i in $(seq 1 120); do
		h=$(printf '%s' "$i" | sha1sum | cut -c1-12)
		cases+=("signed-none.eml 198.51.$((i / 100)).$i mx.attacker.example x@$h.example yes")
	done
	cases+=("signed-none.eml 198.51.0.1 mx.attacker.example x@$(printf 1 | sha1sum | cut -c1-12).example yes")
	judge "$tmp/conf" >/dev/null
	mkdir "$tmp/out" "$tmp/cat"
	"$reports" -c "$tmp/conf" send --period today --dry-run --outdir "$tmp/out" >"$tmp/send.out" \
		|| { cat "$tmp/send.out"; fail "send"; }
	parts=$(ls "$tmp"/out/*.eml | wc -l)
	[ "$parts" -ge 3 ] || { cat "$tmp/send.out"; fail "want several parts, got $parts"; }
	grep -q "^none.example: $parts parts under ReportMaxBytes 1024$" "$tmp/send.out" || fail "parts line"
	sum=0 recs=0 ids=""
	for mail in "$tmp"/out/*.eml; do
		name=$(basename "$mail" .eml)
		id=${name##*!}
		perl "$here/read_report.pl" "$mail" "$tmp/$name.xml.gz" >"$tmp/mdmarc.out" \
			|| fail "$name: Mail::DMARC could not read it"
		size=$(stat -c %s "$tmp/$name.xml.gz")
		[ "$size" -le 1024 ] || fail "$name: $size bytes gzip'ed, over the cap"
		gzip -dc "$tmp/$name.xml.gz" >"$tmp/$name.xml" || fail "$name: not gzip"
		xmllint --noout "$tmp/$name.xml" || fail "$name: not well-formed"
		if [ -n "${DMARCGUARD_RFC9990_XSD:-}" ] && [ -r "$DMARCGUARD_RFC9990_XSD" ]; then
			xmllint --noout --schema "$DMARCGUARD_RFC9990_XSD" "$tmp/$name.xml" || fail "$name: XSD"
		fi
		x() { xmllint --xpath "$1" "$tmp/$name.xml"; }
		[ "$(x "string(//*[local-name()='report_id'])")" = "$id" ] || fail "$name: report_id"
		[[ "$id" =~ ^[0-9a-f]+p[0-9]+$ ]] || fail "$name: part id $id"
		x "string(//*[local-name()='report_metadata']/*[local-name()='error'])" \
			| grep -Eq "^part [0-9]+ of $parts of report " || fail "$name: no part note"
		ours=$(x "sum(//*[local-name()='row']/*[local-name()='count'])")
		records=$(x "count(//*[local-name()='record'])")
		head -1 "$tmp/mdmarc.out" | grep -q " report_id=$id records=$records messages=$ours$" \
			|| { cat "$tmp/mdmarc.out"; fail "$name: Mail::DMARC disagrees"; }
		cp "$tmp/$name.xml.gz" "$tmp/cat/$name.xml.gz"
		dmarc-cat -N "$tmp/cat/$name.xml.gz" >"$tmp/cat.out" || fail "$name: dmarc-cat failed"
		cat_sum=$(awk '/^IP /{t=1; next} t && NF >= 2 {s += $2} END {print s + 0}' "$tmp/cat.out")
		[ "$cat_sum" = "$ours" ] || { cat "$tmp/cat.out"; fail "$name: dmarc-cat counts $cat_sum, we wrote $ours"; }
		rm "$tmp/cat/$name.xml.gz"
		sum=$((sum + ours)) recs=$((recs + records)) ids="$ids $id"
	done
	[ "$sum" -eq 121 ] && [ "$recs" -eq 120 ] || fail "parts hold $sum messages in $recs records, want 121 in 120"
	[ "$(tr ' ' '\n' <<<"$ids" | sed '/^$/d' | sort -u | wc -l)" -eq "$parts" ] || fail "report ids repeat"
	echo "split: $parts parts of at most 1024 bytes, $recs records and $sum messages in all, each read by Mail::DMARC and dmarc-cat"
	exit 0
fi

[ "$mode" = readers ] || fail "unknown mode $mode"
write_conf "$tmp/conf" "sqlite:$tmp/reports.db"
judge "$tmp/conf" >"$tmp/verdicts"
recorded=$(grep -o 'report store: [0-9]* recorded' "$tmp/stderr" | awk '{s += $3} END {print s}')
[ "$recorded" -eq "$want_recorded" ] || { cat "$tmp/stderr"; fail "recorded $recorded, want $want_recorded"; }

mkdir "$tmp/out" "$tmp/again"
"$reports" -c "$tmp/conf" send --period today --dry-run --outdir "$tmp/out" >"$tmp/send.out"
cat "$tmp/send.out"
day=$(( $(date -u +%s) / 86400 ))
begin=$((day * 86400)) end=$((day * 86400 + 86399))

# one report: none.example's record asks for them (reject.example's has no rua)
[ "$(find "$tmp/out" -name '*.eml' | wc -l)" -eq 1 ] || fail "want one report mail"
total=0
for mail in "$tmp"/out/*.eml; do
	name=$(basename "$mail" .eml)
	IFS='!' read -r submitter domain b e id <<<"$name"
	[ "$submitter" = mx.test.example ] || fail "$name: submitter"
	[ "$b" = "$begin" ] && [ "$e" = "$end" ] || fail "$name: period $b..$e, want $begin..$end"
	[[ "$id" =~ ^[A-Za-z0-9]+$ ]] || fail "$name: unique-id"
	grep -q "^Subject: Report Domain: $domain Submitter: mx.test.example$" "$mail" || fail "$name: Subject"
	grep -q "^ Report-ID: <$id>$" "$mail" || fail "$name: Report-ID"
	grep -q '^From: dmarc-reports@mx.test.example$' "$mail" || fail "$name: From"

	# Mail::DMARC reads the mail and writes out the attachment
	perl "$here/read_report.pl" "$mail" "$tmp/$name.xml.gz" >"$tmp/mdmarc.out" \
		|| fail "$name: Mail::DMARC could not read it"
	gzip -dc "$tmp/$name.xml.gz" >"$tmp/$name.xml" || fail "$name: not gzip"
	x() { xmllint --xpath "$1" "$tmp/$name.xml"; }
	ns="namespace-uri(/*)"
	[ "$(x "$ns")" = urn:ietf:params:xml:ns:dmarc-2.0 ] || fail "$name: namespace"
	e() { x "string(/*[local-name()='feedback']/$(sed "s#\([a-z_]*\)#*[local-name()='\1']#g" <<<"$1"))"; }
	[ "$(e version)" = 1.0 ] || fail "$name: version"
	[ "$(e report_metadata/org_name)" = "Test Receiver & Co" ] || fail "$name: org_name"
	[ "$(e report_metadata/email)" = dmarc-reports@mx.test.example ] || fail "$name: email"
	[ "$(e report_metadata/extra_contact_info)" = https://mx.test.example/dmarc ] || fail "$name: contact"
	[ "$(e report_metadata/report_id)" = "$id" ] || fail "$name: report_id"
	[ "$(e report_metadata/date_range/begin)" = "$begin" ] || fail "$name: begin"
	[ "$(e report_metadata/date_range/end)" = "$end" ] || fail "$name: end"
	[ "$(e policy_published/domain)" = "$domain" ] || fail "$name: policy domain"
	grep -q '<generator>dmarcguard-reports ' "$tmp/$name.xml" || fail "$name: generator"
	if [ -n "${DMARCGUARD_RFC9990_XSD:-}" ] && [ -r "$DMARCGUARD_RFC9990_XSD" ]; then
		xmllint --noout --schema "$DMARCGUARD_RFC9990_XSD" "$tmp/$name.xml" || fail "$name: XSD"
	else
		echo "skipping the XSD check: DMARCGUARD_RFC9990_XSD does not name dmarc-xml-0.2.xsd"
	fi
	ours=$(x "sum(//*[local-name()='record']/*[local-name()='row']/*[local-name()='count'])")
	records=$(x "count(//*[local-name()='record'])")
	# the first RCPT TO's domain, lowercased, is every record's envelope_to
	[ "$(x "count(//*[local-name()='identifiers']/*[local-name()='envelope_to'][.='mx.test.example'])")" = "$records" ] \
		|| fail "$name: envelope_to"

	# Mail::DMARC's view
	head -1 "$tmp/mdmarc.out" | grep -q "^domain=$domain submitter=mx.test.example report_id=$id records=$records messages=$ours$" \
		|| { cat "$tmp/mdmarc.out"; fail "$name: Mail::DMARC disagrees ($records records, $ours messages)"; }

	# dmarc-cat's view: it wants the report's own file name
	cp "$tmp/$name.xml.gz" "$tmp/$name.xml.gz.copy"
	mv "$tmp/$name.xml.gz.copy" "$tmp/again/$name.xml.gz"
	dmarc-cat -N "$tmp/again/$name.xml.gz" >"$tmp/cat.out" || fail "$name: dmarc-cat failed"
	grep -q "^Domain: $domain$" "$tmp/cat.out" || { cat "$tmp/cat.out"; fail "$name: dmarc-cat domain"; }
	grep -q "^Reports($records):" "$tmp/cat.out" || { cat "$tmp/cat.out"; fail "$name: dmarc-cat record count"; }
	cat_sum=$(awk '/^IP /{t=1; next} t && NF >= 2 {s += $2} END {print s + 0}' "$tmp/cat.out")
	[ "$cat_sum" = "$ours" ] || { cat "$tmp/cat.out"; fail "$name: dmarc-cat counts $cat_sum, we wrote $ours"; }
	# each record line of Mail::DMARC is found with its count in dmarc-cat's table
	tail -n +2 "$tmp/mdmarc.out" | while read -r ip count from _; do
		grep -Eq "^$ip +$count +$from " "$tmp/cat.out" || fail "$name: dmarc-cat lacks $ip $count $from"
	done
	echo "$domain: $records records, $ours messages; Mail::DMARC and dmarc-cat agree"
	total=$((total + ours))
	rm -f "$tmp/again/$name.xml.gz"
done
[ "$total" -eq "$want_recorded" ] || fail "reports hold $total messages, $want_recorded were recorded"
grep -q "^none.example: wrote .*($want_recorded messages, " "$tmp/send.out" \
	|| fail "none.example's report does not say $want_recorded messages"

# The same period again: the same files, byte for byte (sent state comes with real sending)
"$reports" -c "$tmp/conf" send --period today --dry-run --outdir "$tmp/again" >/dev/null
for mail in "$tmp"/out/*.eml; do
	again="$tmp/again/$(basename "$mail")"
	[ -f "$again" ] || fail "a second run named the report differently"
	cmp <(grep -v '^Date: ' "$mail") <(grep -v '^Date: ' "$again") || fail "a second run wrote another report"
done

# show: the failing source of none.example with its count
"$reports" -c "$tmp/conf" show --period today --domain none.example >"$tmp/show.out"
grep -q "^none.example .*: $want_recorded messages, 2 failing DMARC\$" "$tmp/show.out" || { cat "$tmp/show.out"; fail "show"; }
grep -Eq '^ +2 +203\.0\.113\.66 +from=none.example disposition=quarantine' "$tmp/show.out" \
	|| { cat "$tmp/show.out"; fail "show: failing source"; }
"$reports" -c "$tmp/conf" show --period today --json >"$tmp/show.json"
perl -MJSON::PP -e 'local $/; my $d = decode_json(<STDIN>); my ($n) = grep { $_->{domain} eq "none.example" } @$d;
	exit !($n && $n->{messages} == '"$want_recorded"' && $n->{failing} == 2)' <"$tmp/show.json" || { cat "$tmp/show.json"; fail "show --json"; }

# bad usage is refused with exit status 2
st=0; "$reports" -c "$tmp/conf" send --period today --dry-run >/dev/null 2>&1 || st=$?
[ "$st" -eq 2 ] || fail "--dry-run without --outdir: exit $st"
st=0; "$reports" -c "$tmp/conf" show --period 2026-02-30 >/dev/null 2>&1 || st=$?
[ "$st" -eq 2 ] || fail "a bad date: exit $st"
st=0; "$reports" -c "$tmp/conf" expire --older-than soon >/dev/null 2>&1 || st=$?
[ "$st" -eq 2 ] || fail "a bad age: exit $st"

# expire: rows of today are not older than a day
"$reports" -c "$tmp/conf" expire --older-than 1d | grep -q '^deleted 0 ' || fail "expire deleted today's rows"
echo "readers: $total messages in $(ls "$tmp"/out/*.eml | wc -l) reports, read back equal"
