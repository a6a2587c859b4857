#!/usr/bin/perl
# arc-diff.pl - differential run of our ARC verifier against Mail::DKIM's
# (issue 14): mutate the Mail::DKIM-made chains of tests/arc/chains/,
# verify each mutant with both, and fail on any disagreement that
# tests/arc/known-differences.txt does not explain.
#
#   perl tests/arc/arc-diff.pl --tool build/tests/arc_verify_tool \
#        --nsd-tool build/tests/e2e/nsd_tool [--out DIR] [--seed N] [--cases N]
#
# ctest arc_diff runs it with the defaults: seed 20261204, 2,000 cases
# (about 10 s). A long run is opt-in through the environment:
# ARC_DIFF_CASES=20000 ARC_DIFF_SEED=7 ctest -R arc_diff (README, Tests).
#
# Each case takes one committed chain and applies one to three mutations
# drawn from a seeded generator of its own (the same seed gives the same
# cases on every machine): tag values of ARC-Seal and
# ARC-Message-Signature (cv=, i=, a=, s= naming keys of other sizes or
# broken records, d=, t= removed, x=, c=, h=, b= and bh= bits, tags
# removed, duplicated or added, white space), the ARC-Authentication-
# Results, fields reordered, duplicated, removed, folded, unfolded, renamed
# in another case or with space before the colon, other header fields
# changed or added above and below, and body edits. Our verdict comes from
# arc_verify_tool (lib/arc, keys from nsd serving tests/zones, started
# through nsd_tool); Mail::DKIM::ARC::Verifier reads the same zone files
# (ArcTestDNS.pm). Verdicts compare as none / pass / fail (Mail::DKIM's
# invalid and temperror are fail: ARC never makes a message temporarily
# fail here, RFC 8617 5.2).
#
# Every disagreement is written to OUT/disagree/NNNNN.eml with a .txt
# beside it (the chain, the mutations, both verdicts). One that matches a
# row of known-differences.txt is counted under that row; any other makes
# the run fail. The summary line: "arc-diff: seed S, N cases, A agree,
# K known differences (by row), U unexplained".
use strict;
use warnings;
use FindBin;
use lib $FindBin::Bin;
use ArcTestDNS;
use File::Path qw(make_path remove_tree);
use Getopt::Long;
use IPC::Open2;
use Mail::DKIM::DNS;
use Mail::DKIM::ARC::Verifier;

my $top  = "$FindBin::Bin/../..";
my $seed = $ENV{ARC_DIFF_SEED} // 20261204;
my $n    = $ENV{ARC_DIFF_CASES} // 2000;
my ( $tool, $nsd_tool, $out ) = ( undef, undef, '/tmp/dmarcguard-arc-diff' );
GetOptions( 'tool=s' => \$tool, 'nsd-tool=s' => \$nsd_tool, 'out=s' => \$out,
    'seed=i' => \$seed, 'cases=i' => \$n ) or exit 2;
die "usage: arc-diff.pl --tool PATH --nsd-tool PATH [--out DIR] [--seed N] [--cases N]\n"
  unless $tool && $nsd_tool;
Mail::DKIM::DNS::resolver( ArcTestDNS->new("$top/tests/zones") );

# --- the generator: an LCG of our own, so a seed means the same cases everywhere
my $S = $seed % 2147483648;
sub rnd { my ($k) = @_; $S = ( $S * 1103515245 + 12345 ) % 2147483648; return int( $S / 65536 ) % $k }
sub pick { my ($a) = @_; return $a->[ rnd( scalar @$a ) ] }

# --- messages as a list of fields and a body
sub split_message {
    my ($m) = @_;
    my ( $h, $b ) = split /\r\n\r\n/, $m, 2;
    return ( [ split /\r\n(?![ \t])/, $h ], $b // '' );
}
sub join_message { my ( $f, $b ) = @_; return join( "\r\n", @$f ) . "\r\n\r\n" . $b }
sub arc_fields { my ( $f, $re ) = @_; return grep { $f->[$_] =~ $re } 0 .. $#$f }

my $SIG = qr/^ARC-(?:Seal|Message-Signature):/i;
my $ANY = qr/^ARC-/i;

# tag_edit - one edit of a tag list field's text; returns the new text and what was done
sub tag_edit {
    my ($x) = @_;
    my $is_ams = $x =~ /^ARC-Message-Signature/i;
    my @edits = (
        sub { my $v = pick( [qw(none pass fail Pass xyz)] ); $_[0] =~ s/\bcv=\s*\w*/cv=$v/ ? "cv=$v" : undef },
        sub { my $v = pick( [ '0', '2', '3', '51', '01', '1 ', 'x' ] ); $_[0] =~ s/\bi=\s*\d+/i=$v/ ? "i=$v" : undef },
        sub { my $v = pick( [qw(rsa-sha1 RSA-SHA256 ed25519-sha256)] ); $_[0] =~ s/\ba=[\w-]+/a=$v/ ? "a=$v" : undef },
        sub { my $v = pick( [qw(k1024 k4096 k512 revoked absent notmail sha1only forged)] ); $_[0] =~ s/\bs=\s*[\w-]+/s=$v/ ? "s=$v" : undef },
        sub { my $v = pick( [qw(lists.arc.example fwd.arc.example relay.arc.example none.example)] ); $_[0] =~ s/\bd=\s*[\w.-]+/d=$v/ ? "d=$v" : undef },
        sub { $_[0] =~ s/;\s*t=\s*\d+// ? 't= removed' : undef },
        sub { my $v = pick( [qw(1600000000 4000000000 abc)] ); $_[0] =~ s/; b=/; x=$v; b=/ ? "x=$v" : undef },
        sub { my @t = $_[0] =~ /[;:]\s*([a-z]+)=/g; return undef unless @t; my $t = pick( \@t );
              $_[0] =~ s/;\s*\Q$t\E=[^;]*// ? "$t= removed" : undef },
        sub { my @t = $_[0] =~ /;\s*([a-z]+=[^;]*)/g; return undef unless @t; my $t = pick( \@t );
              $t =~ s/\s+$//; $_[0] =~ s/;\s*b=/; $t; b=/ ? "duplicate $t" : undef },
        sub { $_[0] =~ s/; b=/; z=unknown; b=/ ? 'z= added' : undef },
        sub { flip( $_[0], 'b' ) },
        sub { my $sp = pick( [ ' ', "\t", "\r\n\t" ] ); $_[0] =~ s/;/$sp;$sp/ ? 'white space around ;' : undef },
        sub { $_[0] =~ s/\bcv=/cv = / ? 'white space around =' : undef },
    );
    push @edits,
      sub { flip( $_[0], 'bh' ) },
      sub { my $v = pick( [qw(simple/simple relaxed simple/relaxed relaxed/relaxed foo)] ); $_[0] =~ s/\bc=[\w\/]+/c=$v/ ? "c=$v" : undef },
      sub { $_[0] =~ s/\bh=/h=arc-seal:/ ? 'h= arc-seal added' : undef },
      sub { $_[0] =~ s/\bh=([\w-]+):/h=/ ? "h= $1 dropped" : undef },
      sub { my $v = pick( [qw(subject from list-id arc-authentication-results to)] ); $_[0] =~ s/\bh=/h=$v:/ ? "h= $v added" : undef }
      if $is_ams;
    my $e = pick( \@edits );
    my $what = $e->($x);
    return ( $x, $what );
}

# flip - change one base64 character of tag $t's value
sub flip {
    my ( $t ) = $_[1];
    return undef unless $_[0] =~ /\b\Q$t\E=\s*([A-Za-z0-9+\/][A-Za-z0-9+\/\s]*)/;
    my ( $start, $len ) = ( $-[1], length $1 );
    for ( 1 .. 8 ) {
        my $at = $start + rnd($len);
        my $c  = substr( $_[0], $at, 1 );
        next if $c =~ /\s/;
        substr( $_[0], $at, 1 ) = $c eq 'A' ? 'B' : 'A';
        return "$t= flipped at " . ( $at - $start );
    }
    return undef;
}

my @mutations = (
    [ 'tag', 6, sub { my ( $f, $b ) = @_; my @i = arc_fields( $f, $SIG ) or return undef; my $k = pick( \@i );
        my ( $x, $what ) = tag_edit( $f->[$k] ); return undef unless $what; $f->[$k] = $x;
        return ( $f->[$k] =~ /^(\S+)/ )[0] . " $what" } ],
    [ 'aar', 1, sub { my ( $f, $b ) = @_; my @i = arc_fields( $f, qr/^ARC-Authentication-Results:/i ) or return undef;
        my $k = pick( \@i ); my $e = rnd(3);
        return $f->[$k] =~ s/dmarc=pass/dmarc=fail/ ? 'AAR dmarc= changed' : undef if $e == 0;
        return $f->[$k] =~ s/i=(\d+);/'i=' . ($1 + 1) . ';'/e ? 'AAR i= +1' : undef if $e == 1;
        return $f->[$k] =~ s/i=\d+;\s*// ? 'AAR i= removed' : undef } ],
    [ 'reorder', 2, sub { my ( $f, $b ) = @_; return undef if @$f < 2; my ( $x, $y ) = ( rnd( scalar @$f ), rnd( scalar @$f ) );
        return undef if $x == $y; @$f[ $x, $y ] = @$f[ $y, $x ]; return "fields $x and $y swapped" } ],
    [ 'move', 1, sub { my ( $f, $b ) = @_; my @i = arc_fields( $f, $ANY ) or return undef; my $k = pick( \@i );
        my ($x) = splice( @$f, $k, 1 ); my $to = rnd( @$f + 1 ); splice( @$f, $to, 0, $x ); return "field $k moved to $to" } ],
    [ 'duplicate', 1, sub { my ( $f, $b ) = @_; my $k = rnd( scalar @$f ); my $to = rnd( @$f + 1 );
        splice( @$f, $to, 0, $f->[$k] ); return "field $k duplicated at $to" } ],
    [ 'delete', 1, sub { my ( $f, $b ) = @_; my $k = rnd( scalar @$f ); splice( @$f, $k, 1 ); return "field $k deleted" } ],
    [ 'fold', 1, sub { my ( $f, $b ) = @_; my $k = rnd( scalar @$f ); my @sp;
        while ( $f->[$k] =~ /(?<=\S) (?=\S)/g ) { push @sp, $-[0] } return undef unless @sp;
        substr( $f->[$k], pick( \@sp ), 1 ) = "\r\n "; return "field $k folded" } ],
    [ 'unfold', 1, sub { my ( $f, $b ) = @_; my $k = rnd( scalar @$f ); return $f->[$k] =~ s/\r\n([ \t])/$1/g ? "field $k unfolded" : undef } ],
    [ 'name', 1, sub { my ( $f, $b ) = @_; my @i = arc_fields( $f, $ANY ) or return undef; my $k = pick( \@i );
        return rnd(2) ? ( $f->[$k] =~ s/^([^:]+):/lc($1) . ':'/e && "field $k name lowercased" )
                      : ( $f->[$k] =~ s/^([^:]+):/$1 :/ && "field $k space before colon" ) } ],
    [ 'header', 1, sub { my ( $f, $b ) = @_; my $e = rnd(4);
        if ( $e == 0 ) { my @i = arc_fields( $f, qr/^Subject:/i ) or return undef; $f->[ $i[0] ] =~ s/: /: [x] /; return 'Subject changed' }
        my $new = pick( [ 'Subject: added', 'X-Added: 1', 'List-Id: <other.example>', 'Received: from a by b; Mon, 13 Nov 2023 22:20:00 +0000' ] );
        if ( $e == 1 ) { unshift @$f, $new; return "$new on top" }
        if ( $e == 2 ) { push @$f, $new; return "$new at the bottom" }
        splice( @$f, rnd( @$f + 1 ), 0, $new ); return "$new in the middle" } ],
    [ 'body', 1, sub { my ( $f, $b ) = @_; my $e = rnd(4);
        return ( $$b .= "appended\r\n" ) && 'line appended' if $e == 0;
        return ( $$b =~ s/\r\n/   \r\n/ ) && 'trailing white space' if $e == 1;
        return ( $$b .= "\r\n\r\n" ) && 'empty lines appended' if $e == 2;
        return ( $$b =~ s/  +/ /g ) && 'white space runs shortened' } ],
);
my @weighted = map { ( $_ ) x $_->[1] } @mutations;

sub mail_dkim {
    my ($m) = @_;
    my $v = Mail::DKIM::ARC::Verifier->new( Strict => 1 );
    local $SIG{__WARN__} = sub { };	# its complaints about x=abc and the like
    ( my $copy = $m ) =~ s/\r\n/\n/g;
    for my $line ( split /\n/, $copy, -1 ) { $v->PRINT("$line\r\n") }
    $v->CLOSE;
    my $r = $v->result // 'none';
    return ( $r eq 'pass' ? 'pass' : $r eq 'none' ? 'none' : 'fail', $r, $v->result_detail // '' );
}

# --- the known differences: id, ours, our reason (regex), theirs, the input (regex over the header), why
my @known;
open( my $kf, '<', "$FindBin::Bin/known-differences.txt" ) or die "known-differences.txt: $!";
while (<$kf>) {
    next if /^\s*(#|$)/;
    chomp;
    my @c = split /\t+/;
    die "known-differences.txt:$.: want 6 tab-separated columns\n" unless @c == 6;
    push @known, { id => $c[0], ours => $c[1], reason => qr/^(?:$c[2])$/, theirs => $c[3],
        input => qr/$c[4]/mi, why => $c[5], count => 0 };
}
close $kf;

# --- make the cases
remove_tree($out);
make_path( "$out/cases", "$out/disagree" );
opendir( my $d, "$FindBin::Bin/chains" ) or die $!;
my @bases = sort grep { /\.eml$/ } readdir $d;
closedir $d;
my %case;
for my $i ( 1 .. $n ) {
    my $base = pick( \@bases );
    open( my $f, '<:raw', "$FindBin::Bin/chains/$base" ) or die "$base: $!";
    my ( $fields, $body ) = split_message( do { local $/; <$f> } );
    close $f;
    my @did;
    my $want = 1 + rnd(3);
    for ( 1 .. 10 ) {
        last if @did >= $want;
        my $m = pick( \@weighted );
        my $what = $m->[2]->( $fields, \$body );
        push @did, $what if $what;
    }
    my $file = sprintf '%s/cases/%05d.eml', $out, $i;
    open( my $o, '>:raw', $file ) or die "$file: $!";
    print $o join_message( $fields, $body );
    close $o;
    $case{$file} = { base => $base, did => join( '; ', @did ) };
}

# --- our verdicts, all cases through one arc_verify_tool against one nsd
my $nsd_pid = open2( my $nsd_out, my $nsd_in, $nsd_tool ) or die "nsd_tool: $!";
my $addr = <$nsd_out>;
die "nsd_tool did not start\n" unless defined $addr && $addr =~ /^(\S+@\d+)/;
$addr = $1;
my $list = "$out/cases.list";
open( my $l, '>', $list ) or die $!;
print $l "$_\n" for sort keys %case;
close $l;
open( my $t, '-|', "'$tool' -s $addr < '$list'" ) or die "$tool: $!";
while (<$t>) {
    chomp;
    my ( $file, $st, $reason, $inst ) = split /\t/;
    @{ $case{$file} }{qw(ours reason)} = ( $st, $reason );
}
close $t;
my $tool_rc = $? >> 8;
close $nsd_in;
waitpid( $nsd_pid, 0 );
die "arc_verify_tool failed ($tool_rc)\n" if $tool_rc;

# --- theirs, and the comparison
my ( $agree, $unexplained, %by_row ) = ( 0, 0 );
for my $file ( sort keys %case ) {
    my $c = $case{$file};
    die "$file: no verdict from arc_verify_tool\n" unless defined $c->{ours};
    open( my $f, '<:raw', $file ) or die $!;
    my $m = do { local $/; <$f> };
    close $f;
    my ( $theirs, $raw, $detail ) = mail_dkim($m);
    if ( $theirs eq $c->{ours} ) { $agree++; next }
    my ($header) = split /\r\n\r\n/, $m, 2;
    my ($row) = grep { $_->{ours} eq $c->{ours} && $c->{reason} =~ $_->{reason}
          && $_->{theirs} eq $theirs && $header =~ $_->{input} } @known;
    ( my $saved = $file ) =~ s{/cases/}{/disagree/};
    system( 'cp', $file, $saved );
    ( my $txt = $saved ) =~ s/\.eml$/.txt/;
    open( my $o, '>', $txt ) or die $!;
    print $o "chain: $c->{base}\nmutations: $c->{did}\nours: $c->{ours} ($c->{reason})\n",
      "Mail::DKIM: $raw ($detail)\nknown difference: ", ( $row ? $row->{id} : 'none' ), "\n";
    close $o;
    if ($row) { $row->{count}++; next }
    $unexplained++;
    print "UNEXPLAINED $saved: $c->{base} [$c->{did}] ours $c->{ours} ($c->{reason}), Mail::DKIM $raw ($detail)\n";
}
my $known = 0;
$known += $_->{count} for @known;
printf "arc-diff: seed %d, %d cases, %d agree, %d known differences (%s), %d unexplained\n",
  $seed, $n, $agree, $known, join( ', ', map { "$_->{id} $_->{count}" } @known ), $unexplained;
print "arc-diff: disagreements saved in $out/disagree/\n" if $known + $unexplained;
exit( $unexplained ? 1 : 0 );
