# ArcTestDNS - a stand-in for Net::DNS::Resolver that answers Mail::DKIM's
# key look-ups from the zone files under tests/zones/ (TXT records only),
# so that the oracle sees exactly the keys nsd serves to our verifier.
# Names under a zone of servfail-zones.txt fail as nsd's SERVFAIL does.
package ArcTestDNS;
use strict;
use warnings;
use Net::DNS;

sub new {
    my ( $class, $zonedir ) = @_;
    my $self = bless { txt => {}, zones => {}, servfail => [], error => 'NOERROR' }, $class;
    opendir( my $d, $zonedir ) or die "$zonedir: $!";
    for my $f ( grep { /\.zone$/ } readdir $d ) {
        $self->load("$zonedir/$f");
    }
    if ( open( my $s, '<', "$zonedir/servfail-zones.txt" ) ) {
        while (<$s>) {
            chomp;
            next if /^\s*(#|$)/;
            push @{ $self->{servfail} }, lc $_;
        }
    }
    return $self;
}

sub load {
    my ( $self, $file ) = @_;
    my $origin = '';
    open( my $f, '<', $file ) or die "$file: $!";
    while (<$f>) {
        s/^\s*;.*//;
        if (/^\$ORIGIN\s+(\S+)\.\s*$/) { $origin = lc $1; $self->{zones}{$origin} = 1; next }
        next unless /^(\S+)\s+TXT\s+(.*)$/;
        my ( $name, $data ) = ( $1, $2 );
        $name = $name eq '@' ? $origin : lc("$name.$origin");
        my $text = join '', ( $data =~ /"((?:[^"\\]|\\.)*)"/g );
        push @{ $self->{txt}{$name} }, $text;
    }
}

sub errorstring { $_[0]{error} }

sub send {
    my ( $self, $name, $type ) = @_;
    $name = lc $name;
    $name =~ s/\.$//;
    for my $z ( @{ $self->{servfail} } ) {
        if ( $name eq $z || $name =~ /\.\Q$z\E$/ ) {
            $self->{error} = 'SERVFAIL';
            my $p = Net::DNS::Packet->new( $name, $type );
            $p->header->rcode('SERVFAIL');
            return $p;
        }
    }
    my $p = Net::DNS::Packet->new( $name, $type );
    $p->header->qr(1);
    if ( $self->{txt}{$name} && uc $type eq 'TXT' ) {
        for my $t ( @{ $self->{txt}{$name} } ) {
            my @chunks = unpack '(a255)*', $t;
            $p->push( answer => Net::DNS::RR->new( name => $name, type => 'TXT',
                ttl => 300, txtdata => [ @chunks ? @chunks : ('') ] ) );
        }
        $p->header->rcode('NOERROR');
    } else {
        $p->header->rcode('NXDOMAIN');
    }
    $self->{error} = 'NOERROR';
    return $p;
}

1;
