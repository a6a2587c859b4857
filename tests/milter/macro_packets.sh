#!/usr/bin/env bash
# macro_packets.sh - macro packets ('D') whose strings do not pair up (a
# name without its value) sent over and over before MAIL; libmilter 8.17's
# smfi_getsymval used to walk past the end of such a list and the daemon
# died within a few messages (docs/security.md, "libmilter's macro
# lists"). Each shape is sent in 200 sessions of 5 messages (aborted
# after MAIL, where the daemon asks for {auth_authen} and i); the daemon
# must stay up, log that it cut the list, and then decide a normal
# message. Without the guard it dies in the first shape.
# Usage: macro_packets.sh DMARCGUARD NSD_TOOL
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/harness.sh"
harness_start "$1" "$2"
raw() { timeout 120 python3 "$here/raw_session.py" "$DMARCGUARD_SOCKET" session "$@"; }
failed=0

grep -q 'macro packet guard not in force' "$tmp/daemon.log" \
	&& { echo "FAIL the guard is not in force:"; grep guard "$tmp/daemon.log"; failed=1; }

# name: arguments of raw_session.py
shapes=(
	"issue-bytes|--bad-macro 00000004444d6900"
	"unterminated-value|--macro Mi\\x00x"
	"three-strings|--macro Mi\\x00Q1\\x00{auth_type}\\x00"
	"one-empty-name|--macro M\\x00"
	"stage-only|--macro M"
	"connect-stage-odd|--macro Cx\\x00 --macro Mi\\x00Q2\\x00"
	"eom-stage-odd|--macro Ex\\x00"
)
for entry in "${shapes[@]}"; do
	name=${entry%%|*}
	# shellcheck disable=SC2086
	if out=$(raw --count 200 --messages 5 --abort --qid "$name" ${entry#*|} 2>&1) \
	   && kill -0 "$daemon_pid" 2>/dev/null; then
		echo "PASS $name: 1000 messages, daemon up"
	else
		echo "FAIL $name: $(echo "$out" | grep -c 'no reply') sessions without reply"
		echo "$out" | grep 'no reply' | head -3
		failed=1
		break
	fi
done

if kill -0 "$daemon_pid" 2>/dev/null; then
	if grep -q "macro list for stage 'M' with a name but no value" "$tmp/daemon.log"; then
		echo "PASS the cut lists are logged"
	else
		echo "FAIL no warning about the cut lists"; failed=1
	fi
	# a normal session afterwards gets its verdict: a spoof of reject.example
	if out=$(raw --qid NORMAL --client-ip 203.0.113.66 --mail-from '<x@attacker.example>' \
		--header-from '<desk@reject.example>') \
	   && [[ "$out" == "NORMAL0 y 550 5.7.1 "* ]] \
	   && harness_check_alert NORMAL0 action=reject dmarc=fail; then
		echo "PASS a normal message afterwards: $out"
	else
		echo "FAIL a normal message afterwards: $out"; failed=1
	fi
else
	echo "FAIL the daemon died:"; tail -5 "$tmp/daemon.log"; failed=1
fi
[ "$failed" = 0 ] || { echo "daemon log (last 20 lines):"; tail -20 "$tmp/daemon.log"; }
[ "$failed" = 0 ]
