#!/usr/bin/env bash
# generate.sh - rebuild the policy test corpus (tests/messages/policy/*.eml)
# with the test-only keys of tests/keys/ and the signer built with the tests:
#   bash tests/messages/policy/generate.sh build/tests/test_sign_tool
# The zone files under tests/zones/ publish the matching public keys
# (selector "sel": rsa2048.pem, "ed": ed25519.pem, "bad": the RSA-1024 public
# key, so signing with rsa2048.pem under "bad" fails verification).
set -euo pipefail
sign=${1:?usage: generate.sh PATH/TO/test_sign_tool}
here=$(cd "$(dirname "$0")" && pwd)
keys="$here/../../keys"

msg() { # msg FROM-LINE ID [EXTRA-HEADER]
	printf 'From: %s\n' "$1"
	printf 'To: analyst@receiver.example\n'
	printf 'Subject: Quarterly policy briefing\n'
	printf 'Date: Mon, 2 Nov 2026 09:00:00 +0000\n'
	printf 'Message-ID: <%s@corpus.example>\n' "$2"
	[ -n "${3:-}" ] && printf '%s\n' "$3"
	printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\n'
	printf 'Dear colleague,\n\nplease find the briefing notes below.\n\n-- \nThe team\n'
}
sign() { # sign KEY SELECTOR DOMAIN [ALG] [l]
	"$sign" "$keys/$1.pem" "$2" "$3" "${4:-rsa-sha256}" ${5:-}
}

cd "$here"
msg 'Policy Desk <desk@none.example>' legit-none | sign rsa2048 sel none.example > signed-none.eml
msg 'Policy Desk <desk@none.example>' spoof-none > unsigned-none.eml
msg 'Policy Desk <desk@quarantine.example>' spoof-q > unsigned-quarantine.eml
msg 'Policy Desk <desk@reject.example>' spoof-r > unsigned-reject.eml
# a cousin of bank.example that passes its own SPF and DMARC (tests/test_offline.c)
msg 'Bank Desk <desk@banc.example>' cousin-banc > unsigned-lookalike-banc.eml
msg 'Policy Desk <desk@reject.example>' legit-r | sign rsa2048 sel reject.example > signed-reject.eml
msg 'Policy Desk <desk@REJECT.EXAMPLE>' legit-upper | sign rsa2048 sel reject.example > signed-reject-uppercase-from.eml
msg 'Policy Desk <desk@sub.reject.example>' spoof-sub > unsigned-sub-reject.eml
msg 'Policy Desk <desk@nosuch.reject.example>' spoof-np > unsigned-nonexistent-reject.eml
msg 'Policy Desk <desk@pct0.example>' spoof-pct > unsigned-pct0.eml
msg 'Policy Desk <desk@testing.example>' spoof-t > unsigned-testing.eml
msg 'Policy Desk <desk@strict.example>' strict | sign rsa2048 sel mail.strict.example > signed-strict-subdomain.eml
msg 'News <news@news.quarantine.example>' relaxed | sign rsa2048 sel quarantine.example > signed-relaxed-subdomain.eml
msg 'Policy Desk <desk@two.example>' two > unsigned-two-records.eml
msg 'Policy Desk <desk@nodmarc.example>' nodmarc > unsigned-nodmarc.eml
msg 'Policy Desk <desk@servfail-policy.example>' servfail > unsigned-servfail.eml
msg 'Policy Desk <desk@x.example>' onechar | sign rsa2048 sel y.example > signed-one-char-label.eml
msg 'Policy Desk <desk@loop.example>' loop > unsigned-loop.eml
msg 'Policy Desk <desk@limit.example>' limit > unsigned-limit.eml
msg 'Policy Desk <desk@none.example>' sha1 | sign rsa2048 sel none.example rsa-sha1 > signed-rsa-sha1.eml
msg 'Policy Desk <desk@none.example>' ed | sign ed25519 ed none.example ed25519-sha256 > signed-ed25519.eml
# The body changes after signing: the body hash no longer matches.
sed 's/briefing notes below/briefing notes below, and a link/' signed-none.eml > signed-none-body-tampered.eml
# l= covers the signed body; text appended afterwards is not signed.
msg 'Policy Desk <desk@none.example>' partial | sign rsa2048 sel none.example rsa-sha256 l > signed-partial.eml
printf 'Click here: http://203.0.113.80/\n' >> signed-partial.eml
# An aligned signature that fails (wrong key) beside an unaligned one that passes.
msg 'Policy Desk <desk@reject.example>' mixed | sign rsa2048 bad reject.example | sign rsa2048 sel other.example > signed-aligned-fail-unaligned-pass.eml
# Eleven signatures: the aligned valid one at the bottom is beyond MaxSignatures 10.
m=$(msg 'Policy Desk <desk@none.example>' many | sign rsa2048 sel none.example)
for i in $(seq 1 11); do m=$(printf '%s\n' "$m" | sign rsa2048 sel other.example); done
printf '%s\n' "$m" > signed-many.eml
# Two From fields: ambiguous, rejected.
msg 'Policy Desk <desk@none.example>' twofrom 'From: Other <x@other.example>' > unsigned-two-from.eml
# RFC 9989 tree walk cases (tests/zones/tw.example.zone, bank.example.zone):
# an SPF pass whose alignment needs a walk through a SERVFAIL, and the
# B.4.3 domains where the tree walk and the PSL disagree on alignment.
msg 'Policy Desk <desk@tw.example>' tw-sf > unsigned-tw.eml
msg 'Policy Desk <desk@giant.bank.example>' b43 > unsigned-giant-bank.eml
