#!/usr/bin/env bash
# generate.sh - rebuild the adversarial corpus (tests/adversarial/*.eml)
# that tests/test_adversarial.c runs through the evaluation core:
#   bash tests/adversarial/generate.sh build/tests/test_sign_tool
#
# Every message is written here, modelled on a public attack class (see
# the description column of cases.tsv); none is copied from elsewhere.
# Signatures come from the test-only keys of tests/keys/: most through
# test_sign_tool (libopendkim's signer; its t= tag is the only part that
# changes from run to run), and the few that the tool cannot make (an h=
# without From, an over-signed h=) through hand_sign below, a relaxed/
# relaxed rsa-sha256 signer on perl and openssl that is deterministic.
# The DNS side lives in tests/zones/ (evil.example is the attacker's own
# domain; xn--bnk-qla.example, xn--rject-zwe.example and
# adv.servfail-dkim.example were added for this corpus).
#
# Two cases are expanded at run time by the test instead of being stored
# large: a first line "X-Adversarial-Filler: COUNT SIZE [DKIM-Signature]"
# asks the test to insert COUNT filler fields (or short DKIM-Signature
# fields) with SIZE octets of filler below it.
set -euo pipefail
sign=${1:?usage: generate.sh PATH/TO/test_sign_tool}
here=$(cd "$(dirname "$0")" && pwd)
keys="$here/../keys"

common() { # common ID SUBJECT: the fields below From
	printf 'To: accounts@receiver.example\n'
	printf 'Subject: %s\n' "$2"
	printf 'Date: Tue, 3 Nov 2026 10:15:00 +0000\n'
	printf 'Message-ID: <%s@adversarial.example>\n' "$1"
	printf 'MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n'
}
body() {
	printf '\nHello,\n\nour supplier has new bank details. Please use the account below for\n'
	printf 'the payment due today and confirm by reply.\n\nRegards,\nAccounts\n'
}
msg() { # msg ID SUBJECT FIELD...: the given whole fields on top, then common, body
	local id=$1 subject=$2
	shift 2
	for f in "$@"; do printf '%s\n' "$f"; done
	common "$id" "$subject"
	body
}
sign() { # sign KEY SELECTOR DOMAIN [ALG] [l]
	"$sign" "$keys/$1.pem" "$2" "$3" "${4:-rsa-sha256}" ${5:-}
}
below_from() { # below_from FIELD: insert FIELD right after the first From field
	awk -v f="$1" '{ print } !done && /^From:/ { print f; done = 1 }'
}
above() { # above FIELD...: put fields on top of the message
	for f in "$@"; do printf '%s\n' "$f"; done
	cat
}

# hand_sign KEY SELECTOR DOMAIN H-LIST: DKIM-sign stdin (LF line ends) with
# exactly the h= list given; header fields are picked bottom-up per name
# and a name listed more often than present is over-signed (RFC 6376
# 5.4.2), contributing nothing. No t=: the output is always the same.
hand_sign() {
	perl -e '
use strict; use warnings;
use Digest::SHA qw(sha256); use MIME::Base64 qw(encode_base64);
use File::Temp qw(tempfile);
my ($key, $sel, $dom, $hlist) = @ARGV;
my $msg = do { local $/; <STDIN> };
my ($head, $body) = split /\n\n/, $msg, 2;
$body = "" unless defined $body;
my @fields;
for my $l (split /\n/, $head) {
	if ($l =~ /^[ \t]/ && @fields) { $fields[-1] .= "\r\n$l" } else { push @fields, $l }
}
sub relaxed {
	my ($n, $v) = split /:/, $_[0], 2;
	$n =~ s/[ \t]+$//;
	$v =~ s/\r\n//g; $v =~ s/[ \t]+/ /g; $v =~ s/^ //; $v =~ s/ $//;
	return lc($n) . ":" . $v;
}
my @lines = split /\n/, $body, -1;
for (@lines) { s/[ \t]+/ /g; s/ $//; }
pop @lines while @lines && $lines[-1] eq "";
my $cbody = @lines ? join("\r\n", @lines) . "\r\n" : "";
my $bh = encode_base64(sha256($cbody), "");
my $sig = "v=1; a=rsa-sha256; c=relaxed/relaxed; d=$dom; s=$sel; h=$hlist; bh=$bh; b=";
my (%used, $data);
$data = "";
for my $h (split /:/, $hlist) {
	for (my $i = $#fields; $i >= 0; $i--) {
		next if $used{$i};
		(my $n = (split /:/, $fields[$i], 2)[0]) =~ s/[ \t]+$//;
		next unless lc $n eq lc $h;
		$used{$i} = 1;
		$data .= relaxed($fields[$i]) . "\r\n";
		last;
	}
}
$data .= relaxed("DKIM-Signature: $sig");
my ($fh, $tmp) = tempfile(UNLINK => 1);
binmode $fh;
print $fh $data;
close $fh;
my $b = `openssl dgst -sha256 -sign "$key" "$tmp" | base64 -w0`;
die "openssl failed\n" if $? != 0 || $b eq "";
print "DKIM-Signature: $sig$b\n$msg";
' "$keys/$1.pem" "$2" "$3" "$4"
}

cd "$here"
rm -f ./*.eml
E='Mallory <x@evil.example>'

# Multiple From fields (RFC 7489 6.6.1; Composition Kills).
msg two-from 'Invoice 4471' "From: Accounts <desk@reject.example>" "From: $E" \
	> 01-two-from-fields.eml
msg case-name 'Invoice 4472' "From: $E" "FROM: Accounts <desk@reject.example>" \
	| sign rsa2048 sel evil.example > 02-from-uppercase-name.eml
msg space-colon 'Invoice 4473' "From: $E" "from : Accounts <desk@reject.example>" \
	| sign rsa2048 sel evil.example > 03-from-space-before-colon.eml
msg only-space-colon 'Invoice 4474' "From : Accounts <desk@reject.example>" \
	> 04-only-from-space-before-colon.eml
msg above 'Invoice 4475' "From: $E" | sign rsa2048 sel evil.example \
	| above 'From: Accounts <desk@reject.example>' > 05-unsigned-from-above-signed.eml
msg below 'Invoice 4476' "From: $E" | sign rsa2048 sel evil.example \
	| below_from 'From: Accounts <desk@reject.example>' > 06-unsigned-from-below-signed.eml

# One From field naming several authors (OpenDMARC CVE-2019-16378).
msg list-evil-first 'Invoice 4477' "From: x@evil.example, desk@reject.example" \
	| sign rsa2048 sel evil.example > 07-from-two-addresses-evil-first.eml
msg list-good-first 'Invoice 4478' "From: desk@reject.example, x@evil.example" \
	> 08-from-two-addresses-protected-first.eml
msg group-nodomain 'Invoice 4479' "From: Board: ceo;, <desk@reject.example>" \
	> 09-group-member-without-domain.eml
msg empty-group 'Invoice 4480' "From: undisclosed-recipients:; <desk@reject.example>" \
	> 10-empty-group-then-address.eml

# RFC 2047 encoded words standing as the address or its domain.
msg ew-address 'Invoice 4481' \
	"From: =?utf-8?b?$(printf 'desk@reject.example' | base64 -w0)?=" > 11-encoded-word-address.eml
msg ew-domain 'Invoice 4482' \
	"From: desk@=?utf-8?b?$(printf 'reject.example' | base64 -w0)?=" > 12-encoded-word-domain.eml
msg ew-display 'Invoice 4483' \
	"From: =?utf-8?b?$(printf 'desk@reject.example' | base64 -w0)?= <x@evil.example>" \
	| sign rsa2048 sel evil.example > 13-encoded-word-display-name.eml

# Quoted pairs, comments, display names.
msg qpair 'Invoice 4484' 'From: "desk\"@evil.example"@reject.example' \
	| sign rsa2048 sel evil.example > 14-quoted-pair-local-part.eml
msg comment-after 'Invoice 4485' 'From: desk@reject.example(.evil.example)' \
	| sign rsa2048 sel evil.example > 15-comment-after-domain.eml
msg comment-before 'Invoice 4486' 'From: (desk@reject.example)x@evil.example' \
	| sign rsa2048 sel evil.example > 16-comment-before-address.eml
msg display-quoted 'Invoice 4487' 'From: "desk@reject.example" <x@evil.example>' \
	| sign rsa2048 sel evil.example > 17-display-name-quoted-address.eml
msg display-bare 'Invoice 4488' 'From: desk@reject.example <x@evil.example>' \
	| sign rsa2048 sel evil.example > 18-display-name-bare-address.eml
msg double-at 'Invoice 4489' 'From: desk@reject.example@evil.example' \
	> 19-two-at-signs.eml
msg route 'Invoice 4490' 'From: <@evil.example:desk@reject.example>' \
	| sign rsa2048 sel evil.example > 20-obsolete-route.eml

# SPF identities: non-existent MAIL FROM with a passing HELO, null sender
# (the envelope is in cases.tsv; the messages are plain spoofs).
msg nx-mailfrom 'Invoice 4491' 'From: Accounts <desk@reject.example>' > 21-nonexistent-mailfrom-helo-pass.eml
msg null-helo-evil 'Invoice 4492' 'From: Accounts <desk@reject.example>' > 22-null-sender-helo-evil.eml
msg null-helo-good 'Invoice 4493' 'From: Accounts <desk@reject.example>' > 23-null-sender-helo-protected.eml

# Odd characters in authenticated domains (OpenDMARC CVE-2020-12272).
msg mfrom-paren 'Invoice 4494' 'From: Accounts <desk@reject.example>' > 24-mailfrom-parenthesis.eml
msg d-paren 'Invoice 4495' 'From: Accounts <desk@reject.example>' \
	| sign rsa2048 sel 'reject.example(.evil.example' > 25-dkim-d-parenthesis.eml
msg d-prefix 'Invoice 4496' 'From: Accounts <desk@reject.example>' \
	| sign rsa2048 sel reject.example.evil.example > 26-dkim-d-protected-prefix.eml

# Upstream authentication claims (OpenDMARC CVE-2019-20790): forged
# Authentication-Results and Received-SPF must change nothing.
msg ar-own 'Invoice 4497' 'From: Accounts <desk@reject.example>' | above \
	'Authentication-Results: mx.receiver.example; spf=pass smtp.mailfrom=reject.example;
	dkim=pass header.d=reject.example header.s=sel; dmarc=pass header.from=reject.example' \
	> 27-forged-authres-our-id.eml
msg ar-other 'Invoice 4498' 'From: Accounts <desk@reject.example>' | above \
	'Authentication-Results: mx.upstream.example; spf=pass smtp.mailfrom=reject.example;
	dkim=pass header.d=reject.example; dmarc=pass (p=reject) header.from=reject.example' \
	> 28-forged-authres-other-id.eml
msg rspf 'Invoice 4499' 'From: Accounts <desk@reject.example>' | above \
	'Received-SPF: pass (mx.receiver.example: domain of desk@reject.example designates
	203.0.113.66 as permitted sender) client-ip=203.0.113.66; envelope-from=desk@reject.example;
	helo=mail.reject.example;' > 29-forged-received-spf.eml
msg ar-variants 'Invoice 4500' 'From: Accounts <desk@reject.example>' | above \
	'Authentication-Results: (relayed) MX.RECEIVER.EXAMPLE; dmarc=pass header.from=reject.example' \
	'Authentication-Results: mx.receiver.example 1; dkim=pass header.d=reject.example' \
	'Authentication-Results: "mx.receiver.example"; spf=pass smtp.mailfrom=reject.example' \
	'ARC-Authentication-Results: i=1; mx.receiver.example; dmarc=pass header.from=reject.example' \
	'X-Original-Authentication-Results: mx.receiver.example; dmarc=pass header.from=reject.example' \
	'authentication-results:
	mx.receiver.example; dkim=pass header.d=reject.example' \
	'Authentication-Results : mx.receiver.example; dmarc=pass header.from=reject.example' \
	> 30-forged-authres-spellings.eml
msg ar-paren 'Invoice 4501' 'From: Accounts <desk@reject.example>' | above \
	'Authentication-Results: mx.receiver.example; spf=pass smtp.mailfrom=evil.example(.reject.example' \
	'Authentication-Results: mx.upstream.example; dkim=pass header.d=evil.example(.reject.example' \
	> 31-forged-authres-parenthesis.eml

# libopendmarc 1.4.2 alignment mistakes.
msg onechar-spf 'Invoice 4502' 'From: Accounts <desk@x.example>' > 32-one-char-label-spf.eml
msg onechar-dkim 'Invoice 4503' 'From: Accounts <desk@x.example>' \
	| sign ed25519 ed y.example ed25519-sha256 > 33-one-char-label-dkim.eml
msg strict-spf 'Invoice 4504' 'From: Accounts <desk@strict.example>' > 34-strict-spf-subdomain.eml
msg upper-spoof 'Invoice 4505' 'From: ACCOUNTS <DESK@REJECT.EXAMPLE>' > 35-uppercase-from-spoof.eml
msg upper-legit 'Invoice 4506' 'From: Accounts <Desk@Reject.EXAMPLE>' \
	| sign rsa2048 sel REJECT.Example > 36-uppercase-signed-legit.eml

# DNS trouble: never a fail, never a pass.
msg servfail 'Invoice 4507' 'From: Accounts <desk@servfail-policy.example>' > 37-servfail-dmarc.eml
msg servfail-org 'Invoice 4508' 'From: Accounts <desk@www.dmarc-nx.servfail.example>' \
	> 38-servfail-organizational-dmarc.eml
msg key-servfail 'Invoice 4509' 'From: Accounts <desk@adv.servfail-dkim.example>' \
	| sign rsa2048 sel servfail-dkim.example > 39-aligned-dkim-key-servfail.eml
msg spf-servfail 'Invoice 4510' 'From: Accounts <desk@adv.servfail-dkim.example>' \
	> 40-aligned-spf-include-servfail.eml
msg spf-loop 'Invoice 4511' 'From: Accounts <desk@loop.example>' > 41-spf-include-loop.eml
msg spf-limit 'Invoice 4512' 'From: Accounts <desk@limit.example>' > 42-spf-lookup-limit.eml

# DKIM: l=, h= without From, over-signing, both From fields signed, many
# signatures, an added unsigned Subject.
msg l-appended 'Invoice 4513' 'From: Accounts <desk@reject.example>' \
	| sign rsa2048 sel reject.example rsa-sha256 l > 43-dkim-l-content-appended.eml
printf '\nUPDATE: the account above is closed, pay to IBAN XX00 0000 0000 0000 today.\n' \
	>> 43-dkim-l-content-appended.eml
msg l-intact 'Invoice 4514' 'From: Accounts <desk@reject.example>' \
	| sign rsa2048 sel reject.example rsa-sha256 l > 44-dkim-l-nothing-appended.eml
msg from-unsigned 'Invoice 4515' 'From: Accounts <desk@reject.example>' \
	| hand_sign rsa2048 sel reject.example 'To:Subject:Date:Message-ID' > 45-dkim-from-not-in-h.eml
msg oversigned 'Invoice 4516' 'From: Accounts <desk@reject.example>' \
	| hand_sign rsa2048 sel reject.example 'From:From:To:Subject:Subject:Date:Message-ID' \
	> 46-dkim-oversigned-legit.eml
above "From: $E" < 46-dkim-oversigned-legit.eml > 47-dkim-oversigned-from-added.eml
msg both-from 'Invoice 4517' 'From: Chief Executive <ceo@reject.example>' \
	'From: Intern <intern@reject.example>' \
	| sign rsa2048 sel reject.example > 48-dkim-both-from-fields-signed.eml
m=$(msg many-last 'Invoice 4518' 'From: Accounts <desk@reject.example>' | sign rsa2048 sel reject.example)
for i in $(seq 1 49); do m=$(printf '%s\n' "$m" | sign rsa2048 sel other.example); done
printf '%s\n' "$m" > 49-dkim-50-signatures-aligned-last.eml
m=$(msg many-first 'Invoice 4519' 'From: Accounts <desk@reject.example>')
for i in $(seq 1 49); do m=$(printf '%s\n' "$m" | sign rsa2048 sel other.example); done
# libopendkim's signer also signs the 49 DKIM-Signature fields below it:
# only the top MaxSignatures fields reach the verifier, so that one fails
printf '%s\n' "$m" | sign rsa2048 sel reject.example > 75-dkim-top-signature-covers-capped-signatures.eml
printf '%s\n' "$m" | hand_sign rsa2048 sel reject.example \
	'From:To:Subject:Date:Message-ID:MIME-Version:Content-Type' > 50-dkim-50-signatures-aligned-first.eml
msg subject-added 'Invoice 4520' 'From: Accounts <desk@reject.example>' \
	| sign rsa2048 sel reject.example | above 'Subject: URGENT: new bank details' \
	> 51-unsigned-subject-above-signed.eml

# Size and bytes: a 2,000-address From, NUL bytes, a header block over
# 1 MiB and over 5,000 fields (expanded by the test), bare CR, long lines.
{
	printf 'From: '
	for i in $(seq 1 1999); do printf 'user%d@list%d.example, ' "$i" "$i"; done
	printf 'desk@reject.example\n'
	common many-addresses 'Invoice 4521'
	body
} > 52-from-2000-addresses.eml
{
	printf 'From: desk@reject.example\0<x@evil.example>\n'
	common nul-from 'Invoice 4522'
	body
} > 53-nul-in-from.eml
{
	printf 'From: Accounts <desk@reject.example>\n'
	printf 'X-Mailer: Outlook\0From: x@evil.example\n'
	common nul-other 'Invoice 4523'
	body
} > 54-nul-in-other-field.eml
msg filler-big 'Invoice 4524' 'X-Adversarial-Filler: 1100 1000' \
	"From: Accounts <desk@reject.example>" > 55-header-block-over-1mib.eml
msg filler-many 'Invoice 4525' 'X-Adversarial-Filler: 5001 16' \
	"From: Accounts <desk@reject.example>" > 56-header-over-5000-fields.eml
msg sig-bomb 'Invoice 4540' 'From: Accounts <desk@reject.example>' \
	| sign rsa2048 sel reject.example | above 'X-Adversarial-Filler: 4900 4 DKIM-Signature' \
	> 76-dkim-signature-bomb-above-signed.eml
msg bare-cr 'Invoice 4526' 'From: Accounts <desk@reject.example>' | tr '\n' '\r' \
	> 57-bare-cr-line-ends.eml
{
	printf 'From: x@evil.example\rFrom: desk@reject.example\n'
	common cr-in-from 'Invoice 4527'
	body
} > 58-bare-cr-inside-from.eml
msg long-subject "Invoice 4528 $(head -c 200000 /dev/zero | tr '\0' 'x')" \
	'From: Accounts <desk@reject.example>' > 59-very-long-subject.eml
msg long-comment 'Invoice 4529' \
	"From: ($(head -c 300000 /dev/zero | tr '\0' 'c')) desk@reject.example" \
	> 60-very-long-from-comment.eml

# IDN and homographs.
msg idn-spoof 'Invoice 4530' 'From: Accounts <desk@bänk.example>' > 61-idn-ulabel-spoof.eml
msg idn-legit 'Invoice 4531' 'From: Accounts <desk@BÄNK.example>' \
	| sign rsa2048 sel xn--bnk-qla.example > 62-idn-ulabel-signed-legit.eml
msg fullwidth 'Invoice 4532' 'From: Accounts <desk@ｒｅｊｅｃｔ.example>' > 63-idn-fullwidth-protected.eml
msg homograph 'Invoice 4533' 'From: Accounts <desk@rеject.example>' > 64-idn-homograph-lookalike.eml
msg ideographic-dot 'Invoice 4534' 'From: Accounts <desk@reject。example>' > 65-idn-ideographic-full-stop.eml

# Empty or absent author domain (OpenDMARC CVE-2021-34555).
msg no-domain 'Invoice 4535' 'From: foo@' > 66-from-no-domain.eml
msg display-only 'Invoice 4536' 'From: Reject Example Accounts' > 67-from-display-name-only.eml
msg empty 'Invoice 4537' 'From:' > 68-from-empty.eml
msg angle-empty 'Invoice 4538' 'From: Accounts <>' > 69-from-empty-angle.eml
msg sender-only 'Invoice 4539' 'Sender: Accounts <desk@reject.example>' \
	'Resent-From: desk@reject.example' > 70-no-from-sender-present.eml

# More than 64 forged results with our authserv-id: every one must be
# noted so that the daemon deletes every one.
{
	for i in $(seq 1 70); do
		printf 'Authentication-Results: mx.receiver.example; dmarc=pass header.from=reject.example\n'
	done
	msg ar-70 'Invoice 4540' 'From: Accounts <desk@reject.example>'
} > 71-forged-authres-70-copies.eml
# An author domain of 250 octets: "_dmarc." in front is over 253, so only
# the organizational domain's record can apply.
l60=$(printf 'a%.0s' $(seq 1 60))
l52=$(printf 'b%.0s' $(seq 1 52))
msg long-domain 'Invoice 4541' "From: Accounts <desk@$l60.$l60.$l60.$l52.reject.example>" \
	> 72-from-domain-too-long-for-dmarc-name.eml
# U+200B ZERO WIDTH SPACE inside the protected name: UTS #46 drops it, so
# what the reader sees and what is evaluated is reject.example.
msg zwsp 'Invoice 4542' $'From: Accounts <desk@rej\xe2\x80\x8bect.example>' > 73-idn-zero-width-space.eml
# A NUL byte in a signed Subject of a message the protected domain really
# signed, with text appended after the NUL: the signed field changed, so
# the signature must break.
msg nul-signed 'Invoice 4543' 'From: Accounts <desk@reject.example>' \
	| sign rsa2048 sel reject.example \
	| sed 's/^Subject: Invoice 4543$/Subject: Invoice 4543\x00 - new IBAN XX00 0000 0000 0000, pay today/' \
	> 74-nul-in-signed-subject.eml
