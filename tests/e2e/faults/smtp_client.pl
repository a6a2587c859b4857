#!/usr/bin/perl
# smtp_client.pl - SMTP load client of the fault-injection test and the soak.
#
#   perl smtp_client.pl --server 127.0.0.1:PORT --jobs FILE --log PREFIX
#        [--sessions N] [--tries N] [--retry-pause SECONDS] [--pause-ms MS]
#        [--per-session N] [--timeout SECONDS] [--stop-file FILE]
#
# FILE holds one message a line, tab-separated:
#   ID  CLIENT-IP  HELO  MAIL-FROM  RCPT  MESSAGE-FILE
# MESSAGE-FILE is sent with every "@@ID@@" in it replaced by ID, so one
# template serves many messages, each with its own Message-ID.
#
# N worker processes (--sessions, default 8) share the jobs (job i goes
# to worker i mod N). Each keeps an SMTP session open, tells Postfix the
# client address and HELO with XCLIENT (again whenever they change), and
# pipelines MAIL, RCPT and DATA (RFC 2920). After a 4xx reply or a broken
# connection the session is dropped and the message is tried again after
# --retry-pause seconds (default 2), up to --tries attempts in all (default
# 1: no retry), as a sending MTA would; other messages go on meanwhile.
# --pause-ms waits between two messages of one worker; --per-session ends
# a session after that many messages (default 100). A worker stops taking
# new messages once --stop-file exists (it still finishes its retries).
#
# Every attempt ends in one line of PREFIX.W (W: the worker number),
# tab-separated:
#   ID  TRY  START-MS  END-MS  STAGE  CODE  REPLY-TEXT
# START-MS and END-MS are wall-clock milliseconds (start of the attempt,
# final reply); STAGE is the step of the last reply (connect, greeting,
# xclient, ehlo, mail, rcpt, data, dot); CODE is the SMTP reply code, or
# "io" for a connection broken or timed out before a reply.
#
# Exit status: 0 when every worker ran to its end, 1 otherwise.
use strict;
use warnings;
use Getopt::Long;
use IO::Socket::INET;
use IO::Select;
use Time::HiRes qw(time sleep);
use POSIX ();

my %opt = (sessions => 8, tries => 1, 'retry-pause' => 2, 'pause-ms' => 0,
	   'per-session' => 100, timeout => 120);
GetOptions(\%opt, 'server=s', 'jobs=s', 'log=s', 'sessions=i', 'tries=i',
	   'retry-pause=f', 'pause-ms=i', 'per-session=i', 'timeout=i', 'stop-file=s')
	and defined $opt{server} and defined $opt{jobs} and defined $opt{log}
	or die "usage: smtp_client.pl --server HOST:PORT --jobs FILE --log PREFIX [options]\n";
my ($host, $port) = split /:/, $opt{server};

open(my $jf, '<', $opt{jobs}) or die "cannot read $opt{jobs}: $!\n";
my @jobs;
while (my $line = <$jf>) {
	chomp $line;
	next if $line eq '' || $line =~ /^#/;
	my @f = split /\t/, $line;
	die "$opt{jobs}:$.: want 6 tab-separated fields\n" unless @f == 6;
	push @jobs, \@f;
}
close $jf;

my @pids;
# SIGTERM ends the workers too (they stop at once, mid-message)
$SIG{TERM} = $SIG{INT} = sub { kill 'TERM', @pids; exit 1 };
for my $w (0 .. $opt{sessions} - 1) {
	my @mine = @jobs[grep { $_ % $opt{sessions} == $w } 0 .. $#jobs];
	next unless @mine;
	my $pid = fork();
	die "fork: $!\n" unless defined $pid;
	if ($pid == 0) {
		$SIG{TERM} = $SIG{INT} = 'DEFAULT';
		worker($w, \@mine);
		POSIX::_exit(0);
	}
	push @pids, $pid;
}
my $bad = 0;
for my $pid (@pids) {
	waitpid($pid, 0);
	$bad = 1 if $? != 0;
}
exit $bad;

# ---- one worker
my ($sock, $sel, $rbuf, $deadline, $session_key, $session_count);
my %template;

sub ms { return int(time() * 1000); }

# message_data FILE ID - the DATA payload: CRLF line ends, dot-stuffed
sub message_data {
	my ($file, $id) = @_;
	unless (exists $template{$file}) {
		open(my $f, '<', $file) or die "cannot read $file: $!\n";
		local $/;
		my $m = <$f>;
		close $f;
		$m =~ s/\r?\n/\r\n/g;
		$m .= "\r\n" unless $m =~ /\r\n\z/;
		$m =~ s/^\./../mg;
		$template{$file} = $m;
	}
	(my $m = $template{$file}) =~ s/\@\@ID\@\@/$id/g;
	return $m . ".\r\n";
}

sub drop_session {
	if ($sock) {
		close $sock;
	}
	undef $sock;
	undef $session_key;
}

# send_all TEXT - 1, or 0 when the connection broke
sub send_all {
	my ($text) = @_;
	my $off = 0;
	while ($off < length $text) {
		my $n = syswrite($sock, $text, length($text) - $off, $off);
		return 0 unless defined $n && $n > 0;
		$off += $n;
	}
	return 1;
}

# reply - (CODE, TEXT) of the next reply; CODE "io" when the connection
# broke or the reply did not come in time
sub reply {
	my $text = '';
	for (;;) {
		while ($rbuf =~ s/^([^\n]*)\n//) {
			(my $l = $1) =~ s/\r$//;
			return ('io', "malformed reply: $l") unless $l =~ /^(\d{3})([ -])(.*)$/;
			$text .= ($text eq '' ? '' : ' ') . $3;
			return ($1, "$1 $text") if $2 eq ' ';
		}
		my $left = $deadline - time();
		return ('io', 'timeout') if $left <= 0;
		return ('io', 'timeout') unless $sel->can_read($left);
		my $n = sysread($sock, $rbuf, 65536, length $rbuf);
		return ('io', defined $n ? 'connection closed' : "read: $!") unless $n;
	}
}

# open_session IP HELO - connect, EHLO, XCLIENT, EHLO as the client;
# () on success, (STAGE, CODE, TEXT) on failure
sub open_session {
	my ($ip, $helo) = @_;
	my ($code, $text);

	$sock = IO::Socket::INET->new(PeerAddr => $host, PeerPort => $port,
				      Proto => 'tcp', Timeout => 30);
	return ('connect', 'io', "connect: $!") unless $sock;
	$sel = IO::Select->new($sock);
	$rbuf = '';
	$session_count = 0;
	($code, $text) = reply();
	return ('greeting', $code, $text) unless $code eq '220';
	send_all("EHLO client.faults.example\r\n") or return ('ehlo', 'io', 'write failed');
	($code, $text) = reply();
	return ('ehlo', $code, $text) unless $code eq '250';
	send_all("XCLIENT ADDR=$ip NAME=[UNAVAILABLE] HELO=$helo\r\n")
		or return ('xclient', 'io', 'write failed');
	($code, $text) = reply();
	return ('xclient', $code, $text) unless $code eq '220';
	send_all("EHLO $helo\r\n") or return ('ehlo', 'io', 'write failed');
	($code, $text) = reply();
	return ('ehlo', $code, $text) unless $code eq '250';
	$session_key = "$ip $helo";
	return ();
}

# attempt JOB - one try; (STAGE, CODE, TEXT)
sub attempt {
	my ($job) = @_;
	my ($id, $ip, $helo, $from, $rcpt, $file) = @$job;
	my ($code, $text, @fail);

	# Postfix checks a second XCLIENT against the address the first one
	# set: a new client address or HELO needs a new connection.
	drop_session() if $sock && ($session_count >= $opt{'per-session'}
				     || $session_key ne "$ip $helo");
	unless ($sock) {
		@fail = open_session($ip, $helo);
		if (@fail) {
			drop_session();
			return @fail;
		}
	}
	$session_count++;
	send_all("MAIL FROM:<$from>\r\nRCPT TO:<$rcpt>\r\nDATA\r\n")
		or return ('mail', 'io', 'write failed');
	my @r;
	for my $stage (qw(mail rcpt data)) {
		($code, $text) = reply();
		return ($stage, $code, $text) if $code eq 'io';
		push @r, [$stage, $code, $text];
	}
	if ($r[0][1] ne '250' || $r[1][1] !~ /^25/ || $r[2][1] ne '354') {
		# the first refusal is what counts; DATA after it is refused too
		my ($f) = grep { $_->[1] !~ /^(25\d|354)$/ } @r;
		$f = $r[2] unless $f;
		if ($r[2][1] eq '354') {
			# DATA was accepted although a command before failed: end it empty
			send_all(".\r\n");
			reply();
		}
		send_all("RSET\r\n") and reply();
		return @$f;
	}
	send_all(message_data($file, $id)) or return ('dot', 'io', 'write failed');
	($code, $text) = reply();
	return ('dot', $code, $text);
}

sub worker {
	my ($w, $mine) = @_;
	open(my $log, '>>', "$opt{log}.$w") or die "cannot write $opt{log}.$w: $!\n";
	$log->autoflush(1);
	$SIG{PIPE} = 'IGNORE';
	my @retry;		# [due time, job, tries so far]
	my $next = 0;
	for (;;) {
		my ($job, $try);
		@retry = sort { $a->[0] <=> $b->[0] } @retry;
		if (@retry && $retry[0][0] <= time()) {
			my $r = shift @retry;
			($job, $try) = ($r->[1], $r->[2] + 1);
		} elsif ($next < @$mine && !(defined $opt{'stop-file'} && -e $opt{'stop-file'})) {
			($job, $try) = ($mine->[$next++], 1);
		} elsif (@retry) {
			sleep($retry[0][0] - time()) if $retry[0][0] > time();
			next;
		} else {
			last;
		}
		my $start = ms();
		$deadline = time() + $opt{timeout};
		my ($stage, $code, $text) = attempt($job);
		$text =~ s/[\t\r\n]/ /g;
		print $log join("\t", $job->[0], $try, $start, ms(), $stage, $code, $text), "\n";
		if ($code eq 'io' || $code =~ /^4/) {
			drop_session();
			push @retry, [time() + $opt{'retry-pause'}, $job, $try] if $try < $opt{tries};
		} elsif ($code !~ /^[23]/) {
			# 5xx: keep the session
		}
		sleep($opt{'pause-ms'} / 1000) if $opt{'pause-ms'} > 0;
	}
	if ($sock) {
		$deadline = time() + 10;
		send_all("QUIT\r\n") and reply();
		drop_session();
	}
	close $log;
}
