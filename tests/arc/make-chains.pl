#!/usr/bin/perl
# make-chains.pl - build the ARC test chains under tests/arc/chains/ and
# record Mail::DKIM's verdict on each in tests/arc/oracle.txt.
#
#   perl tests/arc/make-chains.pl            (from the source tree's top)
#   perl tests/arc/make-chains.pl --check    (ctest arc_oracle: Mail::DKIM's
#                                             verdict on every committed chain
#                                             is still the one oracle.txt records)
#
# Every chain is sealed with Mail::DKIM::ARC::Signer (Debian
# libmail-dkim-perl), each hop with Chain => 'ar' taking its cv= from an
# Authentication-Results field of its own authserv-id that records
# arc=<what Mail::DKIM::ARC::Verifier said of the chain so far>; the
# mutations of a case are applied between or after the hops. Keys are the
# test-only keys of tests/keys/; their public halves are in
# tests/zones/arc.example.zone, and the verifier reads them from the zone
# files (ArcTestDNS.pm), as nsd serves them to our verifier.
#
# oracle.txt: one line per chain, tab-separated:
#   file  oracle-result  our-result  note
# our-result differs from oracle-result only where RFC 8617 says the
# chain cannot pass and the note gives the section; tests/test_arc_chain.c
# requires our verifier to give our-result on each file.
#
# Timestamps are fixed, so the output is the same on every run.
use strict;
use warnings;
use FindBin;
use lib $FindBin::Bin;
use ArcTestDNS;
use Mail::DKIM::DNS;
use Mail::DKIM::ARC::Signer;
use Mail::DKIM::ARC::Verifier;
use Mail::DKIM::TextWrap;

my $top = "$FindBin::Bin/../..";
my $out = "$FindBin::Bin/chains";
Mail::DKIM::DNS::resolver( ArcTestDNS->new("$top/tests/zones") );
my $T = 1700000000;

my %keyfile = (
    k1024 => 'rsa1024', k2048 => 'rsa2048', k4096 => 'rsa4096', k512 => 'rsa512',
    forged => 'rsa2048', revoked => 'rsa2048', absent => 'rsa2048',
    notmail => 'rsa2048', sha1only => 'rsa2048',
);

# Method and missing t= are not options of the signer: set them on the
# signature objects it makes.
our ( $METHOD, $NO_T );
{
    no warnings 'redefine';
    my $ams_new = \&Mail::DKIM::ARC::MessageSignature::new;
    *Mail::DKIM::ARC::MessageSignature::new = sub {
        my ( $class, %a ) = @_;
        $a{Method} = $METHOD if $METHOD && exists $a{Method};
        return $ams_new->( $class, %a );
    };
    my $as_new = \&Mail::DKIM::ARC::Seal::new;
    *Mail::DKIM::ARC::Seal::new = sub {
        my $self = $as_new->(@_);
        if ($NO_T) {
            @{ $self->{tags} } = grep { $_->{name} ne 't' } @{ $self->{tags} };
            delete $self->{tags_by_name}{t};
        }
        return $self;
    };
}

sub base_message {
    my (%o) = @_;
    my $from = $o{from} || 'author@none.example';
    return join( "\r\n",
        "Received: from mail.none.example (mail.none.example [192.0.2.10])",
        "\tby mx.lists.arc.example; Mon, 13 Nov 2023 22:13:20 +0000",
        "From: Author <$from>",
        "To: policy\@lists.arc.example",
        "Subject: Meeting notes",
        "Date: Mon, 13 Nov 2023 22:13:20 +0000",
        "Message-ID: <m1\@none.example>",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=us-ascii",
        "", "Hello list,", "", "the notes are attached.  See you   there.", "" );
}

sub split_msg {
    my ($m) = @_;
    my ( $h, $b ) = split /\r\n\r\n/, $m, 2;
    return ( $h . "\r\n", $b );
}

sub verify {
    my ($m) = @_;
    my $v = Mail::DKIM::ARC::Verifier->new( Strict => 1 );
    ( my $copy = $m ) =~ s/\r\n/\n/g;
    for my $line ( split /\n/, $copy, -1 ) { $v->PRINT("$line\r\n") }
    $v->CLOSE;
    my $r = $v->result;
    return ( $r, $v->result_detail || '' );
}

# seal - one hop: its A-R (arc= from the oracle), the signer, the three fields on top
sub seal {
    my ( $m, %o ) = @_;
    my $dom = $o{domain} || 'lists.arc.example';
    my $sel = $o{selector} || 'k2048';
    my ($arc) = $o{chain} || verify($m);
    my $results = $o{results}
      // 'dkim=fail header.d=none.example; spf=pass smtp.mailfrom=lists.arc.example; dmarc=pass header.from=none.example';
    my $ar = "Authentication-Results: $dom; arc=$arc; $results\r\n";
    local $METHOD = $o{method};
    local $NO_T   = $o{no_t};
    my $s = Mail::DKIM::ARC::Signer->new(
        Algorithm => 'rsa-sha256', Chain => 'ar', Domain => $dom, SrvId => $dom,
        Selector => $sel, KeyFile => "$top/tests/keys/$keyfile{$sel}.pem",
        Timestamp => $T, ( $o{headers} ? ( Headers => $o{headers} ) : () ),
    );
    # oversign: h= names each of these once more than the message has
    $s->extended_headers( { map { $_ => '+' } split /:/, $o{oversign} } ) if $o{oversign};
    my $full = $ar . $m;
    ( my $copy = $full ) =~ s/\r\n/\n/g;
    for my $line ( split /\n/, $copy, -1 ) { $s->PRINT("$line\r\n") }
    $s->CLOSE;
    die "$dom: not sealed: " . ( $s->{details} || $s->result ) . "\n" unless $s->result eq 'sealed';
    my $fields = $s->as_string;
    $fields =~ s/\r?\n/\r\n/g;
    $fields .= "\r\n" unless $fields =~ /\r\n$/;
    return $fields . $m;
}

# hop edits a list makes before it seals
sub list_edit {
    my ( $m, $n ) = @_;
    $m =~ s/^Subject: /Subject: [Policy$n] /m;
    $m .= "-- \r\nlist footer $n\r\n";
    return "List-Id: <policy$n.lists.arc.example>\r\n" . $m;
}

sub field_edit {    # apply a substitution to the first field named $name
    my ( $m, $name, $code ) = @_;
    my ( $h, $b ) = split_msg($m);
    my @f = split /\r\n(?![ \t])/, $h;
    for (@f) { if (/^\Q$name\E:/i) { local $_ = $_; $code->(); $_[3] = $_; last } }
    return $m;
}

# fields/set_fields: the header as a list of unfolded-by-record fields
sub fields { my ($m) = @_; my ( $h, $b ) = split_msg($m); $h =~ s/\r\n$//; return ( [ split /\r\n(?![ \t])/, $h ], $b ) }
sub join_fields { my ( $f, $b ) = @_; return join( "\r\n", @$f ) . "\r\n\r\n" . $b }

sub edit_field {
    my ( $m, $re, $code, $nth ) = @_;
    my ( $f, $b ) = fields($m);
    my $seen = 0;
    for my $x (@$f) {
        next unless $x =~ $re;
        next if defined $nth && $seen++ != $nth;
        $x = $code->($x);
        last;
    }
    return join_fields( [ grep { defined } @$f ], $b );
}

sub chain { my ( $n, %o ) = @_; my $m = base_message(%o); my @doms = qw(lists.arc.example fwd.arc.example relay.arc.example lists.arc.example fwd.arc.example);
    # each hop verifies what it received, then edits, then seals
    for my $i ( 1 .. $n ) { my ($arc) = verify($m); $m = list_edit( $m, $i ); $m = seal( $m, domain => $doms[ $i - 1 ], chain => $arc, %{ $o{hop}{$i} || {} } ) }
    return $m }

# Loaded with "do" (tests/e2e/forwarders-mail.pl) only for the helpers
# above and below: base_message, verify, seal, list_edit, dkim_sign.
return 1 if caller;

if ( @ARGV && $ARGV[0] eq '--check' ) {
    open( my $in, '<', "$FindBin::Bin/oracle.txt" ) or die "oracle.txt: $!";
    my ( $rows, $bad ) = ( 0, 0 );
    while (<$in>) {
        next if /^#/;
        chomp;
        my ( $file, $want ) = split /\t/;
        open( my $f, '<:raw', "$out/$file" ) or die "$file: $!";
        my $m = do { local $/; <$f> };
        my ($r) = verify($m);
        my $got = $r eq 'pass' ? 'pass' : $r eq 'none' ? 'none' : 'fail';
        $rows++;
        if ( $got ne $want ) { $bad++; print "$file: Mail::DKIM now says $got, oracle.txt $want\n" }
    }
    print "$rows chains checked against Mail::DKIM, $bad disagreements\n";
    exit( $rows >= 40 && $bad == 0 ? 0 : 1 );
}

my @cases = (
    [ 'none-no-arc', sub { base_message() } ],
    [ 'pass-1-hop', sub { chain(1) } ],
    [ 'pass-2-hops', sub { chain(2) } ],
    [ 'pass-3-hops', sub { chain(3) } ],
    [ 'pass-4-hops', sub { chain(4) } ],
    [ 'pass-5-hops', sub { chain(5) } ],
    [ 'pass-key-1024', sub { chain(2, hop => { 2 => { selector => 'k1024' } }) } ],
    [ 'pass-key-4096', sub { chain(2, hop => { 1 => { selector => 'k4096' }, 2 => { selector => 'k4096' } }) } ],
    [ 'pass-ams-simple-simple', sub { chain(1, hop => { 1 => { method => 'simple/simple' } }) } ],
    [ 'pass-ams-relaxed-simple', sub { chain(1, hop => { 1 => { method => 'relaxed/simple' } }) } ],
    [ 'pass-ams-simple-relaxed', sub { chain(2, hop => { 2 => { method => 'simple/relaxed' } }) } ],
    [ 'pass-seal-without-t', sub { chain(2, hop => { 1 => { no_t => 1 }, 2 => { no_t => 1 } }) } ],
    [ 'pass-aar-unknown-method', sub { chain(1, hop => { 1 => { results => 'dkim=pass header.d=none.example header.s=sel dara=pass header.d=none.example; x-future=weird (comment) foo.bar=baz; dmarc=pass header.from=none.example' } }) } ],
    [ 'pass-reordered-sets', sub {
        my ( $f, $b ) = fields( chain(2) );
        # the AAR of instance 1 moved to the very top; the AS of 2 below everything else
        my ($aar1) = grep { /^ARC-Authentication-Results: i=1;/ } @$f;
        my ($as2) = grep { /^ARC-Seal: i=2;/ } @$f;
        my @rest = grep { $_ ne $aar1 && $_ ne $as2 } @$f;
        join_fields( [ $aar1, @rest, $as2 ], $b ) } ],
    [ 'pass-refolded-seal', sub {
        edit_field( chain(2), qr/^ARC-Seal: i=1;/, sub { my $x = shift; $x =~ s/; /;\r\n\t  /g; $x } ) } ],
    [ 'pass-refolded-ams', sub {
        edit_field( chain(2), qr/^ARC-Message-Signature: i=2;/, sub { my $x = shift; $x =~ s/; /;\r\n    /g; $x } ) } ],
    [ 'pass-lying-hop-above-good', sub { chain(2, hop => { 2 => { results => 'dmarc=fail header.from=none.example' } }) } ],
    [ 'pass-relaxed-body-whitespace', sub {
        my $m = chain(1, hop => { 1 => { method => 'relaxed/relaxed' } }); $m =~ s/there\.\r\n/there.   \r\n/; $m } ],
    [ 'fail-body-changed', sub { my $m = chain(2); $m .= "appended after the last seal\r\n"; $m } ],
    [ 'fail-simple-body-whitespace', sub {
        my $m = chain(1, hop => { 1 => { method => 'relaxed/simple' } }); $m =~ s/there\.\r\n/there.   \r\n/; $m } ],
    [ 'fail-subject-changed', sub { my $m = chain(2); $m =~ s/^Subject: /Subject: [changed] /m; $m } ],
    [ 'fail-aar-changed', sub { edit_field( chain(2), qr/^ARC-Authentication-Results: i=1;/, sub { my $x = shift; $x =~ s/dmarc=pass/dmarc=fail/; $x } ) } ],
    [ 'fail-seal-b-broken', sub { edit_field( chain(2), qr/^ARC-Seal: i=1;/, sub { my $x = shift; $x =~ s/b=(\S)(\S)/b=$2$1/s; $x } ) } ],
    [ 'fail-forged-seal', sub { chain(2, hop => { 2 => { selector => 'forged' } }) } ],
    [ 'fail-forged-first-seal', sub { chain(3, hop => { 1 => { selector => 'forged' }, 2 => { chain => 'pass' }, 3 => { chain => 'pass' } }) } ],
    [ 'fail-cv-tampered-none', sub { edit_field( chain(2), qr/^ARC-Seal: i=2;/, sub { my $x = shift; $x =~ s/cv=pass/cv=none/; $x } ) } ],
    [ 'fail-cv-tampered-first', sub { edit_field( chain(2), qr/^ARC-Seal: i=1;/, sub { my $x = shift; $x =~ s/cv=none/cv=pass/; $x } ) } ],
    [ 'fail-newest-cv-fail', sub {
        my $m = chain(1); $m =~ s/^Subject: /Subject: [x] /m; my ($arc) = verify($m); $m = list_edit( $m, 2 ); seal( $m, domain => 'fwd.arc.example', chain => $arc ) } ],
    # a sealer that vouches cv=pass for a chain whose older AMS no longer
    # verifies: RFC 8617 5.2 checks only the newest AMS, so this passes (and
    # is why only named sealers are trusted)
    [ 'pass-sealed-over-broken-ams', sub {
        my $m = chain(1); $m =~ s/^Subject: /Subject: [x] /m; $m = list_edit( $m, 2 ); seal( $m, domain => 'fwd.arc.example', chain => 'pass' ) } ],
    [ 'fail-duplicate-ams', sub {
        my ( $f, $b ) = fields( chain(2) ); my ($ams) = grep { /^ARC-Message-Signature: i=1;/ } @$f; join_fields( [ @$f, $ams ], $b ) } ],
    [ 'fail-duplicate-seal', sub {
        my ( $f, $b ) = fields( chain(2) ); my ($as) = grep { /^ARC-Seal: i=2;/ } @$f; join_fields( [ $as, @$f ], $b ) } ],
    [ 'fail-duplicate-aar', sub {
        my ( $f, $b ) = fields( chain(2) ); my ($aar) = grep { /^ARC-Authentication-Results: i=2;/ } @$f; join_fields( [ $aar, @$f ], $b ) } ],
    [ 'fail-missing-aar', sub { edit_field( chain(2), qr/^ARC-Authentication-Results: i=1;/, sub { undef } ) } ],
    [ 'fail-missing-set-1', sub {
        my ( $f, $b ) = fields( chain(2) ); join_fields( [ grep { !/^ARC-[A-Za-z-]+: i=1;/ } @$f ], $b ) } ],
    [ 'fail-missing-seal-2', sub { edit_field( chain(2), qr/^ARC-Seal: i=2;/, sub { undef } ) } ],
    [ 'fail-seal-literal-x', sub { "ARC-Seal: x\r\n" . chain(1) } ],
    [ 'fail-aar-instance-garbage', sub { edit_field( chain(1), qr/^ARC-Authentication-Results: i=1;/, sub { my $x = shift; $x =~ s/i=1;/i=abc;/; $x } ) } ],
    [ 'fail-key-512', sub { chain(1, hop => { 1 => { selector => 'k512' } }) } ],
    [ 'fail-key-revoked', sub { chain(1, hop => { 1 => { selector => 'revoked' } }) } ],
    [ 'fail-key-absent', sub { chain(2, hop => { 2 => { selector => 'absent' } }) } ],
    [ 'fail-key-not-for-email', sub { chain(1, hop => { 1 => { selector => 'notmail' } }) } ],
    [ 'fail-key-sha1-only', sub { chain(1, hop => { 1 => { selector => 'sha1only' } }) } ],
    [ 'fail-key-servfail', sub {
        my $m = list_edit( base_message(), 1 ); seal( $m, domain => 'servfail-dkim.example', chain => 'none' ) } ],
    [ 'fail-ams-covers-seal', sub { chain(2, hop => { 2 => { headers => 'arc-seal' } }) } ],
    [ 'fail-seal-duplicate-tag', sub { edit_field( chain(1), qr/^ARC-Seal: i=1;/, sub { my $x = shift; $x =~ s/cv=none;/cv=none; cv=none;/; $x } ) } ],
    # fields above every ARC field, which our verifier does not keep
    # (lib/arc/private/arc_fields.h): h= selects them only when it names
    # more instances than there are below
    [ 'pass-field-added-above', sub { "Subject: added above the chain\r\n" . chain(2) } ],
    [ 'pass-oversigned-other-field-above', sub {
        "Received: from mx.fwd.arc.example by mx.receiver.example; Mon, 13 Nov 2023 22:20:00 +0000\r\n"
          . chain(2, hop => { 2 => { oversign => 'subject' } }) } ],
    [ 'fail-oversigned-field-added-above', sub {
        "Subject: added above the chain\r\n" . chain(2, hop => { 2 => { oversign => 'subject' } }) } ],
    [ 'fail-set-moved-below-signed-field', sub {
        my ( $f, $b ) = fields( chain(2) ); my ($id) = grep { /^List-Id:/ } @$f;
        join_fields( [ $id, grep { $_ ne $id } @$f ], $b ) } ],
);

# Where the RFC makes us stricter than Mail::DKIM 1.20230212 (file => [ours, note]).
my %differs = (
    'fail-set-moved-below-signed-field' => [ 'fail', 'ARC sets are prepended (RFC 8617 4.2 orders them like trace fields, RFC 5322 3.6.7): a field above every ARC field was added after the newest seal unless the header was reordered; we keep no field above the chain (docs/limits.md) and fail with ams-covers-field-above-chain when h= selects one; Mail::DKIM keeps every field and passes this reordered chain' ],
    'fail-seal-literal-x' => [ 'fail', 'RFC 8617 5.2 step 2: an ARC-Seal that does not parse is an ARC set of invalid form, the chain fails; Mail::DKIM ignores the field and passes the valid set below it' ],
);

mkdir $out unless -d $out;
unlink glob "$out/*.eml";
open( my $o, '>', "$FindBin::Bin/oracle.txt" ) or die $!;
print $o "# file\toracle\tours\tnote (made by make-chains.pl; do not edit)\n";
my $n = 0;
for my $c (@cases) {
    my ( $name, $make ) = @$c;
    my $m = $make->();
    my ( $r, $detail ) = verify($m);
    my $res = $r eq 'pass' ? 'pass' : $r eq 'none' ? 'none' : 'fail';
    my $file = sprintf '%02d-%s.eml', ++$n, $name;
    open( my $f, '>:raw', "$out/$file" ) or die $!;
    print $f $m;
    close $f;
    my ( $ours, $note ) = @{ $differs{$name} || [ $res, "Mail::DKIM: $r" . ( $detail ? " ($detail)" : '' ) ] };
    $note =~ s/[\t\r\n]+/ /g;
    print $o "$file\t$res\t$ours\t$note\n";
    my ($want) = $name =~ /^(pass|fail|none)-/;
    warn "$file: oracle says $res, the case's name says $want\n" if $want ne $res && !$differs{$name};
}
close $o;
print "$n chains in $out\n";

# The forwarding cases of tests/test_arc_forward.c: list posts whose chains
# record one thing or another about the author's domain. The table of
# what each must give is in that test; here only how each was made.
my $fwd = "$FindBin::Bin/forward";
my $pass_none = 'dkim=fail header.d=none.example; spf=pass smtp.mailfrom=bounce@mail.none.example; dmarc=pass header.from=none.example';
sub post { my ( $from, @hops ) = @_; my $m = base_message( from => $from ); my $i = 0;
    for my $h (@hops) { my ($arc) = verify($m); $m = list_edit( $m, ++$i ); $m = seal( $m, chain => $arc, %$h ) }
    return $m }
sub dkim_sign { my ( $m, $dom ) = @_;
    require Mail::DKIM::Signer;
    my $s = Mail::DKIM::Signer->new( Algorithm => 'rsa-sha256', Method => 'relaxed/relaxed', Domain => $dom,
        Selector => 'k2048', KeyFile => "$top/tests/keys/rsa2048.pem", Timestamp => $T );
    ( my $copy = $m ) =~ s/\r\n/\n/g;
    for my $line ( split /\n/, $copy, -1 ) { $s->PRINT("$line\r\n") }
    $s->CLOSE;
    my $sig = $s->signature->as_string; $sig =~ s/\r?\n/\r\n/g;
    return "$sig\r\n$m" }
my @forward = (
    [ 'list-none', sub { post( 'author@none.example', { domain => 'lists.arc.example', results => $pass_none } ) } ],
    [ 'list-quarantine', sub { post( 'author@quarantine.example', { domain => 'lists.arc.example',
        results => 'spf=pass smtp.mailfrom=bounce@quarantine.example; dmarc=pass header.from=quarantine.example' } ) } ],
    [ 'list-reject', sub { post( 'author@reject.example', { domain => 'lists.arc.example',
        results => 'dkim=pass header.d=reject.example header.s=s1; dmarc=pass header.from=reject.example' } ) } ],
    [ 'list-dmarc-fail', sub { post( 'author@none.example', { domain => 'lists.arc.example',
        results => 'spf=fail smtp.mailfrom=x@attacker.example; dmarc=fail header.from=none.example' } ) } ],
    [ 'list-pass-other-domain', sub { post( 'author@none.example', { domain => 'lists.arc.example',
        results => 'dkim=pass header.d=other.example; spf=pass smtp.mailfrom=x@other.example; dmarc=pass header.from=other.example' } ) } ],
    [ 'list-dkim-aligned', sub { post( 'author@none.example', { domain => 'lists.arc.example',
        results => 'dkim=pass header.d=news.none.example header.s=sel; spf=fail smtp.mailfrom=x@attacker.example' } ) } ],
    [ 'list-spf-aligned', sub { post( 'author@none.example', { domain => 'lists.arc.example',
        results => 'spf=pass smtp.mailfrom=bounce@mail.none.example' } ) } ],
    [ 'untrusted-seal', sub { post( 'author@none.example', { domain => 'untrusted.arc.example', results => $pass_none } ) } ],
    [ 'trusted-under-untrusted', sub { post( 'author@none.example', { domain => 'lists.arc.example', results => $pass_none },
        { domain => 'untrusted.arc.example', results => 'dmarc=fail header.from=none.example' } ) } ],
    [ 'untrusted-under-trusted', sub { post( 'author@none.example', { domain => 'untrusted.arc.example', results => $pass_none },
        { domain => 'lists.arc.example', results => 'spf=pass smtp.mailfrom=x@untrusted.arc.example; dmarc=fail header.from=none.example' } ) } ],
    [ 'two-trusted-older-vouches', sub { post( 'author@none.example', { domain => 'fwd.arc.example', results => $pass_none },
        { domain => 'lists.arc.example', results => 'spf=pass smtp.mailfrom=x@fwd.arc.example; dmarc=fail header.from=none.example' } ) } ],
    [ 'list-none-broken', sub { post( 'author@none.example', { domain => 'lists.arc.example', results => $pass_none } ) . "appended\r\n" } ],
    [ 'list-quarantine-broken', sub { post( 'author@quarantine.example', { domain => 'lists.arc.example',
        results => 'dmarc=pass header.from=quarantine.example' } ) . "appended\r\n" } ],
    [ 'list-id-only', sub { list_edit( base_message(), 1 ) } ],
    [ 'list-dkim-no-arc', sub { dkim_sign( list_edit( base_message(), 1 ), 'lists.arc.example' ) } ],
    [ 'list-quarantine-vouches-other', sub { post( 'author@quarantine.example', { domain => 'lists.arc.example', results => $pass_none } ) } ],
);
mkdir $fwd unless -d $fwd;
unlink glob "$fwd/*.eml";
for my $c (@forward) {
    my ( $name, $make ) = @$c;
    open( my $f, '>:raw', "$fwd/$name.eml" ) or die $!;
    print $f $make->();
    close $f;
}
print scalar(@forward), " forwarding cases in $fwd\n";
