# shellcheck shell=bash
# mail_checks.sh - one SMTP transaction with swaks and what the end-to-end
# scripts check about it, whatever the MTA: its last reply, the alert
# lines the daemon wrote meanwhile, the copy the next hop (smtp-sink)
# stored and the Authentication-Results fields in it. run.sh, daemon.sh
# and fixtures.sh come first; the caller sets RCPT.

AUTHSERV_RE=${E2E_AUTHSERV//./\\.}
REPLY= QID= ALERTS= COPY=

# send_with NAME FILE QID_SED SWAKS-COMMAND... - one transaction: FILE as
# the data, to $RCPT, by SWAKS-COMMAND (swaks and the MTA's own options,
# maybe behind a wrapper). Sets REPLY (the last server reply: to the end
# of data, or to the command that failed), QID (what the sed script
# QID_SED finds in a 250 reply) and ALERTS (the new alert lines). The
# transcript is in $WORK/swaks.NAME.
send_with() {
	local name=$1 file=$2 qid_sed=$3 out=$WORK/swaks.$1 before
	shift 3
	before=$(wc -l <"$DG_LOG")
	timeout 90 "$@" --timeout 30 --to "$RCPT" --data "@$file" --suppress-data \
		>"$out" 2>&1 7>&- || true
	REPLY=$(awk '/^ -> QUIT/ { print last; done = 1; exit }
		     /^<[-*~]/ { last = $0 }
		     END { if (!done) print last }' "$out" | sed 's/^<[-*~]* *//')
	QID=$(printf '%s\n' "$REPLY" | sed -n "$qid_sed")
	ALERTS=$(tail -n +"$((before + 1))" "$DG_LOG" | grep ' v=1 qid=' || true)
	note "$name: $(basename "$file") -> ${REPLY:-no reply (see $out)}"
}

# reply_is PATTERN - REPLY matches the extended regular expression
reply_is() { printf '%s\n' "$REPLY" | grep -Eq "$1"; }

# alert_has WORD... - exactly one new alert line, holding every key=value WORD
alert_has() {
	local w
	[ "$(printf '%s\n' "$ALERTS" | grep -c .)" = 1 ] || return 1
	for w in "$@"; do
		printf '%s\n' "$ALERTS" | tr ' ' '\n' | grep -Fxq -- "$w" || return 1
	done
}

# alert_field KEY - the value of KEY= in the new alert line
alert_field() { printf '%s\n' "$ALERTS" | tr ' ' '\n' | sed -n "s/^$1=//p" | head -n 1; }

# sink_complete QID - smtp-sink has stored all of the message the MTA
# queued as QID (its Received: field names the id); sets COPY
sink_complete() {
	local f
	f=$(sink_files "with ESMTP id $1" | head -n 1)
	[ -n "$f" ] && grep -q '^The team' "$f" && COPY=$f
}

# delivered_copy QID SENT-CHECK - wait until the MTA logged QID as sent
# (the command SENT-CHECK QID succeeds) and smtp-sink stored the copy;
# sets COPY to its file
delivered_copy() {
	COPY=
	[ -n "$1" ] || return 1
	wait_for 30 "the MTA to deliver $1" "$2" "$1" &&
	wait_for 10 "smtp-sink to store $1" sink_complete "$1"
}

# header_fields FILE - the unfolded header fields of the message in FILE,
# one a line, in order (smtp-sink's dump starts with its own X-Client-Addr,
# X-Helo-Args... envelope lines and its own Received: field)
header_fields() {
	awk '/^\r?$/ { exit }
	     /^[ \t]/ { sub(/\r$/, ""); cur = cur " " $0; next }
	     { if (cur != "") print cur; sub(/\r$/, ""); cur = $0 }
	     END { if (cur != "") print cur }' "$1"
}

# our_authres FILE - Authentication-Results fields claiming our authserv-id
our_authres() { header_fields "$1" | grep -iE "^Authentication-Results: *$AUTHSERV_RE *;" || true; }

# authres_above LINES RECEIVED-RE - in these header fields, ours comes
# before the first Received: field that matches RECEIVED-RE (the MTA's own)
authres_above() {
	local ours received
	ours=$(printf '%s\n' "$1" | grep -niE "^Authentication-Results: *$AUTHSERV_RE *;" | head -n 1)
	received=$(printf '%s\n' "$1" | grep -nE "$2" | head -n 1)
	[ -n "$ours" ] && [ -n "$received" ] && [ "${ours%%:*}" -lt "${received%%:*}" ]
}

# authres_says FIELDS RESULT... - the Authentication-Results FIELDS hold every RESULT (e.g. dmarc=pass)
authres_says() {
	local fields=$1 r
	shift
	for r in "$@"; do printf '%s\n' "$fields" | grep -q -- "$r" || return 1; done
}
