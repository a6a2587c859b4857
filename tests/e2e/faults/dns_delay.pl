#!/usr/bin/perl
# dns_delay.pl - a UDP DNS proxy on 127.0.0.1 that holds every answer back.
#
#   perl dns_delay.pl UPSTREAM-PORT DELAY-MS
#
# Binds a free UDP port on 127.0.0.1, prints "127.0.0.1@PORT" and a newline
# on stdout, and forwards each query at once to 127.0.0.1@UPSTREAM-PORT
# (with a DNS id of its own, so queries of many clients cannot mix). The
# answer goes back to the client DELAY-MS milliseconds after its query
# arrived. SIGUSR1 sets the delay to 0 (answers go back as they come),
# SIGUSR2 sets it back to DELAY-MS; SIGTERM and SIGINT stop it. Queries
# whose answer does not come within 30 s are forgotten. On stop it prints
# how many queries, answers and delayed answers it saw on stderr.
use strict;
use warnings;
use IO::Socket::INET;
use IO::Select;
use Socket qw(inet_aton pack_sockaddr_in);
use Time::HiRes qw(time);

my ($upstream, $delay_ms) = @ARGV;
die "usage: dns_delay.pl UPSTREAM-PORT DELAY-MS\n"
	unless defined $delay_ms && $upstream =~ /^\d+$/ && $delay_ms =~ /^\d+$/;
my $delay = $delay_ms / 1000;
my $stop = 0;
$SIG{USR1} = sub { $delay = 0 };
$SIG{USR2} = sub { $delay = $delay_ms / 1000 };
$SIG{TERM} = $SIG{INT} = sub { $stop = 1 };

my $front = IO::Socket::INET->new(Proto => 'udp', LocalAddr => '127.0.0.1', LocalPort => 0)
	or die "dns_delay: bind: $!\n";
my $back = IO::Socket::INET->new(Proto => 'udp', LocalAddr => '127.0.0.1')
	or die "dns_delay: upstream socket: $!\n";
my $up_addr = pack_sockaddr_in($upstream, inet_aton('127.0.0.1'));
$| = 1;
print "127.0.0.1\@", $front->sockport, "\n";

my $sel = IO::Select->new($front, $back);
my %pending;		# our id => [client address, client's id, arrival time]
my @out;		# [due time, client address, packet], in due order
my $next_id = int(rand(65536));
my ($queries, $answers, $held) = (0, 0, 0);

while (!$stop) {
	my $now = time();
	while (@out && $out[0][0] <= $now) {
		my $o = shift @out;
		$front->send($o->[2], 0, $o->[1]);
	}
	my $wait = @out ? $out[0][0] - $now : 1;
	$wait = 0 if $wait < 0;
	for my $fh ($sel->can_read($wait)) {
		my $pkt;
		my $from = $fh->recv($pkt, 65535);
		next unless defined $from && defined $pkt && length($pkt) >= 12;
		if ($fh == $front) {
			$queries++;
			my $id;
			for (1 .. 65536) {
				$next_id = ($next_id + 1) & 0xffff;
				next if $pending{$next_id};
				$id = $next_id;
				last;
			}
			next unless defined $id;	# 65536 queries in flight: drop
			$pending{$id} = [$from, substr($pkt, 0, 2), time()];
			substr($pkt, 0, 2) = pack('n', $id);
			$back->send($pkt, 0, $up_addr);
		} else {
			my $id = unpack('n', substr($pkt, 0, 2));
			my $p = delete $pending{$id} or next;
			$answers++;
			substr($pkt, 0, 2) = $p->[1];
			my $due = $p->[2] + $delay;
			$held++ if $delay > 0;
			@out = sort { $a->[0] <=> $b->[0] } @out, [$due, $p->[0], $pkt];
		}
	}
	my $old = time() - 30;
	for my $id (keys %pending) {
		delete $pending{$id} if $pending{$id}[2] < $old;
	}
}
print STDERR "dns_delay: $queries queries, $answers answers, $held of them delayed\n";
