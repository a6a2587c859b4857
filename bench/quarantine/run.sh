#!/usr/bin/env bash
# run.sh - dmarcguard-quarantine list over a large hold queue and a large log.
#
#   bash bench/quarantine/run.sh [BUILD_DIR] [HELD] [LINES] [postfix|sendmail]
#
# postfix (the default): starts the private Postfix of tests/e2e/lib with
# no milter and a header check that holds everything, sends HELD messages
# (default 10,000) with Postfix's smtp-source. sendmail: writes HELD
# quarantined queue files (hf, as Sendmail 8.17 writes them, and df) into
# a queue directory of a .cf of its own; no Sendmail runs, list only
# reads files. Then it writes a log of LINES (default
# 1,000,000) lines with gen_alerts (bench/alerts/gen_alerts.c: three
# syslog formats, other programs' lines, alerts cut short) plus one
# quarantine alert per held message, spread through it, and times
#   list          (text; postqueue -j and postcat in batches, or the hf
#                 files; the log once)
#   list --json
#   list without a log (the queue alone)
# with GNU time (wall, user, system, max RSS; the child commands' CPU is
# counted in user/system). Needs root, postfix (smtp-source), perl. Run
# it under the shared e2e lock: flock /tmp/dmarcguard-e2e.lock bash ...
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
held=${2:-10000}
lines=${3:-1000000}
mta=${4:-postfix}
tool=$build/tools/dmarcguard-quarantine
gen=$build/tools/gen_alerts
for exe in "$tool" "$gen"; do
	[ -x "$exe" ] || { echo "run.sh: $exe missing: build first" >&2; exit 2; }
done

E2E_NAME=bench_quarantine
E2E_AUTHSERV=mx.bench.example
# shellcheck source=../../tests/e2e/lib/run.sh
. "$here/../../tests/e2e/lib/run.sh"
# shellcheck source=../../tests/e2e/lib/postfix_instance.sh
. "$here/../../tests/e2e/lib/postfix_instance.sh"
e2e_need_commands perl

# hold_postfix - HELD messages in the private Postfix's hold queue; their ids in $WORK/ids
hold_postfix() {
	e2e_need_root "Postfix's queue needs it"
	pf_need
	e2e_need_commands smtp-source
	printf '/^Subject:/ HOLD benchmark\n' >"$WORK/header_checks"
	port=$(free_port) || die "no free port"
	pf_start "$port" "[127.0.0.1]:9" "" "header_checks = regexp:$WORK/header_checks" \
		"smtpd_client_connection_rate_limit = 0" "smtpd_client_message_rate_limit = 0"
	note "sending $held messages with smtp-source"
	start=$SECONDS
	timeout 1200 smtp-source -s 8 -m "$held" -l 512 -f bench@sender.example \
		-t analyst@receiver.example -S "benchmark message" "127.0.0.1:$port" 7>&- ||
		die "smtp-source failed"
	in_hold() { [ "$(find "$PF_QUEUE/hold" -type f | wc -l)" -ge "$held" ]; }
	wait_for 600 "$held messages in the hold queue" in_hold || die "not all held"
	note "held $held messages in $((SECONDS - start)) s"
	pf_queue_ids >"$WORK/ids"
	MTA_ARGS=(-c "$PF_CONF")
}

# hold_sendmail - HELD hf and df files in a queue directory; ids in $WORK/ids
hold_sendmail() {
	mkdir -p "$WORK/mqueue"
	printf 'O QueueDirectory=%s\n' "$WORK/mqueue" >"$WORK/sendmail.cf"
	perl -e '
		my ($dir, $n) = @ARGV;
		for my $i (1 .. $n) {
			my $id = sprintf("6B4LBnch%06d", $i);
			open(my $f, ">", "$dir/hf$id") or die "$dir/hf$id: $!\n";
			print $f "V8\nT", time - $n + $i, "\nK0\nN0\nP30311\n",
			    "qdmarcguard: dmarc-fail-local-floor (From domain none.example)\n",
			    "Fbs\n\$_mx.sender.example [203.0.113.7]\n\$rESMTP\n\$smx.sender.example\n",
			    "S<bench\@sender.example>\nRPFD:<analyst\@receiver.example>\n",
			    "H?P?Return-Path: <\201g>\n",
			    "H??Received: from mx.sender.example ([203.0.113.7])\n",
			    "\tby mx.bench.example (8.17.1.9/8.17.1.9) with ESMTP id $id\n",
			    "H??From: Policy Desk <desk\@none.example>\nH??To: analyst\@receiver.example\n",
			    "H??Subject: benchmark message $i\nH??Message-ID: <$id\@sender.example>\n.\n";
			close($f);
			open($f, ">", "$dir/df$id") or die; print $f "x" x 512, "\n"; close($f);
			print "$id\n";
		}' "$WORK/mqueue" "$held" >"$WORK/ids"
	note "wrote $held quarantined queue files"
	MTA_ARGS=(-C "$WORK/sendmail.cf")
}

e2e_init dmarcguard-qbench 1800
case $mta in
postfix) hold_postfix ;;
sendmail) hold_sendmail ;;
*) die "MTA: expected postfix or sendmail, not $mta" ;;
esac

# The log: gen_alerts' lines, with one alert per held message every
# LINES/HELD lines (RFC 3164, today), as the daemon would have logged it.
"$gen" -n "$((lines - held))" >"$WORK/gen.log"
perl -e '
	my ($ids, $gen, $every) = @ARGV;
	open(my $i, "<", $ids) or die; chomp(my @ids = <$i>);
	open(my $g, "<", $gen) or die;
	my @t = localtime; my @m = qw(Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec);
	my $stamp = sprintf("%s %2d %02d:%02d:%02d", $m[$t[4]], $t[3], $t[2], $t[1], $t[0]);
	my $n = 0;
	while (my $l = <$g>) {
		print $l;
		if (++$n % $every == 0 && @ids) {
			my $q = shift @ids;
			print "$stamp mx dmarcguard[77]: v=1 qid=$q ip=203.0.113.7 client=unknown",
			    " helo=mx.sender.example mfrom=sender.example from=none.example spf=fail",
			    " spf_domain=sender.example spf_id=mailfrom dkim=none dmarc=fail",
			    " policy_domain=none.example p=none sp=none pct=100 published=none",
			    " action=quarantine reason=dmarc-fail-local-floor override=yes\n";
		}
	}' "$WORK/ids" "$WORK/gen.log" "$(( (lines - held) / held > 0 ? (lines - held) / held : 1 ))" \
	>"$WORK/mail.log"
rm -f "$WORK/gen.log"
note "log: $(wc -l <"$WORK/mail.log") lines, $(du -m "$WORK/mail.log" | cut -f1) MB"
cat "$WORK/mail.log" >/dev/null

# measure NAME ARGS... - one line of figures for the tool with ARGS
measure() {
	local name=$1
	shift
	/usr/bin/time -f "%e %U %S %M" -o "$WORK/time" "$tool" "${MTA_ARGS[@]}" "$@" >"$WORK/out" 2>&1 ||
		die "$name failed: $(tail -n 3 "$WORK/out")"
	read -r wall user sys rss <"$WORK/time"
	printf '%-28s %8s s %8s s %8s s %10s KiB\n' "$name" "$wall" "$user" "$sys" "$rss"
}
command -v /usr/bin/time >/dev/null || die "GNU time (package time) is needed"
printf '%-28s %10s %10s %10s %14s\n' "$mta ($held held, $lines lines)" wall user sys "max RSS"
measure "list" --log "$WORK/mail.log" list
grep -q "^$held held (of $held in quarantine): $held by dmarcguard" "$WORK/out" ||
	die "list did not match every held message: $(tail -n 3 "$WORK/out")"
measure "list --json" --log "$WORK/mail.log" list --json
measure "list, no log" list
