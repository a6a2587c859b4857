#!/usr/bin/perl
# forwarders-mail.pl - the messages of tests/e2e/forwarders.sh, made at
# test time: list posts ARC-sealed by Mail::DKIM::ARC::Signer (trusted
# and untrusted sealers, a chain broken after sealing, a seal made with
# a key the zone does not publish), list posts without a chain (plain,
# or DKIM-signed by the list), a direct spoof, and look-alike senders.
#
#   perl tests/e2e/forwarders-mail.pl OUTDIR
#
# Writes OUTDIR/<case>.eml for each case below, with CRLF line ends, a
# Message-ID <case@forwarders.e2e.example> and a body line starting
# "The team" (what tests/e2e/lib/mail_checks.sh looks for in a delivered
# copy). The sealing, signing and chain verification are those of
# tests/arc/make-chains.pl (loaded with "do" for its helpers), with the
# test keys of tests/keys/ whose public halves tests/zones/arc.example.zone
# publishes, so nsd serves the daemon the keys the chains were made with.
# (make-chains.pl takes the source tree's top as two folders above the
# running script, which holds for tests/e2e/ as for tests/arc/.)
# Nothing here decides a verdict: forwarders.sh compares the daemon's
# with the row the issue asks for.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/../arc";

my $dir = shift @ARGV or die "usage: forwarders-mail.pl OUTDIR\n";
my $helpers = "$FindBin::Bin/../arc/make-chains.pl";
do $helpers or die "$helpers: " . ( $@ || $! || 'did not load' ) . "\n";

# what the list saw when the author's own server sent the post
my %passed = (
    'none.example' => 'dkim=fail header.d=none.example; spf=pass smtp.mailfrom=bounce@mail.none.example; dmarc=pass header.from=none.example',
);

# message CASE FROM-FIELD [TO] - the base post of make-chains.pl with its
# own From:, To:, Message-ID and a signature line ("The team")
sub message {
    my ( $case, $from, $to ) = @_;
    my $m = main::base_message();
    $m =~ s/^From: .*$/From: $from/m;
    $m =~ s/^To: .*$/To: $to/m if $to;
    $m =~ s/^Message-ID: .*$/Message-ID: <$case\@forwarders.e2e.example>/m;
    return $m . "\r\nThe team\r\n";
}

# list_post CASE AUTHOR-DOMAIN - a list post: the subject tag, footer and List-Id
sub list_post { my ( $case, $author ) = @_; return main::list_edit( message( $case, "Author <author\@$author>" ), 1 ) }

# sealed CASE AUTHOR SEALER [SELECTOR] - a list post sealed as instance 1
sub sealed {
    my ( $case, $author, $sealer, $selector ) = @_;
    my $m = list_post( $case, $author );
    my ($arc) = main::verify($m);
    return main::seal( $m, domain => $sealer, chain => $arc, results => $passed{$author},
        ( $selector ? ( selector => $selector ) : () ) );
}

my %cases = (
    'arc-trusted'   => sub { sealed( 'arc-trusted', 'none.example', 'lists.arc.example' ) },
    'arc-untrusted' => sub { sealed( 'arc-untrusted', 'none.example', 'untrusted.arc.example' ) },
    # a trusted list's chain replayed with a changed body
    'arc-broken' => sub { sealed( 'arc-broken', 'none.example', 'lists.arc.example' ) . "appended after the seal\r\n" },
    # sealed in the trusted list's name with a key it does not publish
    'arc-forged' => sub { sealed( 'arc-forged', 'none.example', 'lists.arc.example', 'forged' ) },
    'list-none'       => sub { list_post( 'list-none', 'none.example' ) },
    'list-none-dkim'  => sub { main::dkim_sign( list_post( 'list-none-dkim', 'none.example' ), 'lists.arc.example' ) },
    'list-quarantine' => sub { list_post( 'list-quarantine', 'quarantine.example' ) },
    'list-reject'     => sub { list_post( 'list-reject', 'reject.example' ) },
    'spoof-none'      => sub { message( 'spoof-none', 'Author <author@none.example>' ) },
    'lookalike-typo'      => sub { message( 'lookalike-typo', 'Bank Desk <desk@banc.example>' ) },
    'lookalike-homoglyph' => sub { message( 'lookalike-homoglyph', 'Bank Desk <desk@xn--bnk-6cd.example>' ) },
    'lookalike-display'   => sub { message( 'lookalike-display', '"ceo@bank.example" <x@cousin.example>' ) },
    'lookalike-control'   => sub { message( 'lookalike-control', 'Desk <desk@none.example>' ) },
    'lookalike-recipient' => sub { message( 'lookalike-recipient', 'Desk <desk@cousin.example>', 'ceo@cousins.example' ) },
);

mkdir $dir unless -d $dir;
for my $case ( sort keys %cases ) {
    open( my $f, '>:raw', "$dir/$case.eml" ) or die "$dir/$case.eml: $!\n";
    print $f $cases{$case}->();
    close $f or die "$dir/$case.eml: $!\n";
}
print scalar( keys %cases ), " messages in $dir\n";
