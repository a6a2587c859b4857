#!/usr/bin/perl
# dkim_sign.pl - add a DKIM-Signature (rsa-sha256, relaxed/relaxed) to one
# message, for the fault-injection test and the soak.
#
#   perl dkim_sign.pl KEY.pem SELECTOR DOMAIN FIELD[:FIELD...] < in > out
#
# FIELD... is the h= list. The tests sign without Message-ID on purpose:
# each copy of a template then gets its own Message-ID and the one
# signature stays valid (RFC 6376 does not require signing Message-ID).
# The RSA operation is done by "openssl dgst"; perl core does the rest
# (Digest::SHA, MIME::Base64). Input with LF or CRLF line ends; output LF.
use strict;
use warnings;
use Digest::SHA qw(sha256);
use MIME::Base64 qw(encode_base64);
use File::Temp qw(tempfile);

my ($key, $selector, $domain, $fields) = @ARGV;
die "usage: dkim_sign.pl KEY.pem SELECTOR DOMAIN FIELD[:FIELD...]\n"
	unless defined $fields && -r $key;

local $/;
my $msg = <STDIN>;
$msg =~ s/\r\n/\n/g;
my ($head, $body) = split /\n\n/, $msg, 2;
$body = '' unless defined $body;

# header fields, unfolded lines kept together
my @hdrs;
for my $line (split /\n/, $head) {
	if ($line =~ /^[ \t]/ && @hdrs) { $hdrs[-1] .= "\n$line"; }
	else { push @hdrs, $line; }
}

sub relaxed_header {
	my ($h) = @_;
	my ($name, $value) = split /:/, $h, 2;
	$name = lc $name;
	$name =~ s/[ \t]+$//;
	$value =~ s/\r?\n//g;			# unfold
	$value =~ s/[ \t]+/ /g;
	$value =~ s/^ //;
	$value =~ s/ $//;
	return "$name:$value";
}

# relaxed body: WSP runs to one space, no trailing WSP, no trailing empty lines
my @lines = split /\n/, $body, -1;
pop @lines if @lines && $lines[-1] eq '';	# the final line end
for (@lines) { s/[ \t]+/ /g; s/ $//; }
pop @lines while @lines && $lines[-1] eq '';
my $cbody = @lines ? join("\r\n", @lines) . "\r\n" : '';
my $bh = encode_base64(sha256($cbody), '');

# signed fields: for each name in h=, the last instance not used yet
my @names = split /:/, $fields;
my %used;
my $data = '';
for my $n (@names) {
	for (my $i = $#hdrs; $i >= 0; $i--) {
		next if $used{$i};
		my ($hn) = $hdrs[$i] =~ /^([^:]+):/;
		next unless defined $hn;
		$hn =~ s/[ \t]+$//;
		next unless lc $hn eq lc $n;
		$used{$i} = 1;
		$data .= relaxed_header($hdrs[$i]) . "\r\n";
		last;
	}
}
my $sig = "v=1; a=rsa-sha256; c=relaxed/relaxed; d=$domain; s=$selector; "
	. "t=" . time() . "; bh=$bh; h=$fields; b=";
$data .= relaxed_header("DKIM-Signature: $sig");

my ($fh, $tmp) = tempfile(UNLINK => 1);
binmode $fh;
print $fh $data;
close $fh;
open(my $ssl, '-|', 'openssl', 'dgst', '-sha256', '-sign', $key, '-binary', $tmp)
	or die "openssl: $!\n";
binmode $ssl;
my $raw = <$ssl>;
close $ssl or die "openssl dgst failed\n";
die "empty signature\n" unless defined $raw && length $raw;
print "DKIM-Signature: $sig", encode_base64($raw, ''), "\n", $msg;
