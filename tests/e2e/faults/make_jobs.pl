#!/usr/bin/perl
# make_jobs.pl - the job list of smtp_client.pl for a mix of templates.
#
#   perl make_jobs.pl MIX COUNT ID-PREFIX TEMPLATE-DIR JOBS EXPECT
#
# MIX has one kind of message a line (blank lines and # comments skipped):
#   WEIGHT  TEMPLATE  CLIENT-IP  HELO  MAIL-FROM  EXPECT
# separated by white space; TEMPLATE names TEMPLATE-DIR/TEMPLATE.tmpl and
# EXPECT is the outcome the message must have (delivered, held, rejected).
# COUNT messages are written to JOBS, the kinds interleaved in proportion
# to their weights (in a fixed pseudo-random order), each with the
# Message-ID "ID-PREFIX-N@faults.example" (N from 1, zero-padded); EXPECT
# gets "MESSAGE-ID OUTCOME KIND" for each.
use strict;
use warnings;

my ($mix, $count, $prefix, $dir, $jobs, $expect) = @ARGV;
die "usage: make_jobs.pl MIX COUNT ID-PREFIX TEMPLATE-DIR JOBS EXPECT\n"
	unless defined $expect && $count =~ /^\d+$/;
open(my $m, '<', $mix) or die "cannot read $mix: $!\n";
my @cycle;
while (my $line = <$m>) {
	next if $line =~ /^\s*(#|$)/;
	my ($w, $t, $ip, $helo, $from, $want) = split ' ', $line;
	die "$mix:$.: want WEIGHT TEMPLATE CLIENT-IP HELO MAIL-FROM EXPECT\n"
		unless defined $want && $w =~ /^\d+$/ && $want =~ /^(delivered|held|rejected)$/;
	die "$mix:$.: no template $dir/$t.tmpl\n" unless -r "$dir/$t.tmpl";
	$from = '' if $from eq '<>';
	push @cycle, ["$t\@$ip", $ip, $helo, $from, "$dir/$t.tmpl", $want] for 1 .. $w;
}
close $m;
die "$mix: no kinds of message\n" unless @cycle;
srand(7);
for (my $i = $#cycle; $i > 0; $i--) {		# Fisher-Yates, fixed seed
	my $j = int(rand($i + 1));
	@cycle[$i, $j] = @cycle[$j, $i];
}
open(my $jf, '>', $jobs) or die "cannot write $jobs: $!\n";
open(my $ef, '>', $expect) or die "cannot write $expect: $!\n";
my $width = length $count;
for my $n (1 .. $count) {
	my $k = $cycle[($n - 1) % @cycle];
	my $id = sprintf('%s-%0*d@faults.example', $prefix, $width, $n);
	print $jf join("\t", $id, $k->[1], $k->[2], $k->[3], 'analyst@receiver.example', $k->[4]), "\n";
	print $ef "$id $k->[5] $k->[0]\n";
}
close $jf or die "$jobs: $!\n";
close $ef or die "$expect: $!\n";
