# shellcheck shell=bash
# quarantine_checks.sh - what the dmarcguard-quarantine end-to-end scripts
# (quarantine.sh with Postfix, quarantine_sendmail.sh with Sendmail) have
# in common: the held mail they send, reading the tool's JSON, and the
# checks of list, show and suggest that must hold whatever the MTA. The
# caller defines
#   q ARGS...          the tool on its MTA; sets OUT, ERR and RC
#   send_spoof NAME FILE / send_list NAME FILE   one SMTP transaction; sets QID
# and SIGN_TOOL, TESTS, MESSAGES, LIST_IP, LIST_POSTS, BAD_IP; run.sh,
# daemon.sh and mail_checks.sh come first. qc_hold sets SPOOFS and LISTS.

SPOOFS=() LISTS=()

# json PERL-EXPR - evaluate PERL-EXPR over the JSON document in OUT ($d)
json() { printf '%s' "$OUT" | perl -MJSON::PP -0777 -ne '$d = decode_json($_); print '"$1"; }

# row QID - "qid held_by reason from_domain dkim" of QID in OUT's list
row() { json 'join("\n", map { join(" ", $_->{queue_id}, $_->{held_by}, $_->{reason} // "-", $_->{from_domain} // "-", $_->{alert} ? $_->{alert}{dkim} : "-") } @{$d->{held}})' | grep "^$1 " || true; }

# list_post N - a post of desk@none.example re-signed by the list (other.example)
list_post() {
	{
		printf 'From: Policy Desk <desk@none.example>\nTo: analyst@receiver.example\n'
		printf 'Subject: [policy] briefing %s\nDate: Mon, 2 Nov 2026 09:00:00 +0000\n' "$1"
		printf 'Message-ID: <list-%s@corpus.example>\nList-Id: <policy.other.example>\n' "$1"
		printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\n'
		printf 'Dear colleague,\n\nplease find the briefing notes below.\n\n-- \nThe team\n'
	} | "$SIGN_TOOL" "$TESTS/keys/rsa2048.pem" sel other.example rsa-sha256 >"$WORK/list-$1.eml"
}

# qc_hold - 3 spoofs (X-E2E-Spoof: N) and LIST_POSTS list posts, each held
# by the daemon (the posts' alerts checked); sets SPOOFS and LISTS
qc_hold() {
	local i
	for i in 1 2 3; do
		{ printf 'X-E2E-Spoof: %s\n' "$i"; cat "$MESSAGES/unsigned-none.eml"; } >"$WORK/spoof-$i.eml"
		send_spoof "spoof-$i" "$WORK/spoof-$i.eml"
		[ -n "$QID" ] || die "spoof $i was not queued: $REPLY"
		SPOOFS+=("$QID")
	done
	for i in $(seq "$LIST_POSTS"); do
		list_post "$i"
		send_list "list-$i" "$WORK/list-$i.eml"
		[ -n "$QID" ] || die "list post $i was not queued: $REPLY"
		check "list post $i held by the floor with other.example's DKIM pass (got: $ALERTS)" \
			alert_has "qid=$QID" "ip=$LIST_IP" from=none.example dkim=other.example:pass \
			dmarc=fail action=quarantine reason=dmarc-fail-local-floor
		LISTS+=("$QID")
	done
}

# qc_check_rows - in OUT (list --json): each spoof and list post with its reason and DKIM
qc_check_rows() {
	local id
	for id in "${SPOOFS[@]}"; do
		check "spoof $id: held by dmarcguard, dmarc-fail-local-floor, From none.example (got: $(row "$id"))" \
			test "$(row "$id")" = "$id dmarcguard dmarc-fail-local-floor none.example none"
	done
	for id in "${LISTS[@]}"; do
		check "list post $id: dmarc-fail-local-floor with DKIM other.example:pass (got: $(row "$id"))" \
			test "$(row "$id")" = "$id dmarcguard dmarc-fail-local-floor none.example other.example:pass"
	done
}

# qc_check_show ARGS... - show (ARGS before the command: the MTA's options) of a spoof and a post
qc_check_show() {
	q "$@" show --log "$DG_LOG" "${SPOOFS[0]}"
	check "show: the verdict and the headers (exit $RC)" \
		eval '[ "$RC" = 0 ] && printf "%s\n" "$OUT" | grep -Eq "^  reason +dmarc-fail-local-floor" &&
		      printf "%s\n" "$OUT" | grep -q "Subject: Quarterly policy briefing" &&
		      printf "%s\n" "$OUT" | grep -q "X-E2E-Spoof: 1"'
	q "$@" show --log "$DG_LOG" --json "${LISTS[2]}"
	check "show --json: the whole alert and the header" \
		test "$(json 'join "|", $d->{alert}{qid}, $d->{alert}{dkim}, $d->{alert}{spf}, $d->{reason}, ($d->{headers} =~ /^List-Id: <policy\.other\.example>$/m ? "list-id" : "none")')" \
		= "${LISTS[2]}|other.example:pass|pass|dmarc-fail-local-floor|list-id"
}

# qc_check_suggest ARGS... - suggest names the list server and nothing else
qc_check_suggest() {
	q "$@" suggest --log "$DG_LOG" --json
	check "suggest names other.example (DKIM, $LIST_POSTS held) and nothing else (got: $OUT)" \
		test "$(json 'join ";", map { "$_->{domain} $_->{by} $_->{held} $_->{clients}" } @{$d->{forwarders}}')" \
		= "other.example dkim $LIST_POSTS 1"
}
