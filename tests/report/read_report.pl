#!/usr/bin/perl
# read_report.pl - Mail::DMARC (libmail-dmarc-perl) as an independent
# reader of one report mail written by dmarcguard-reports.
#
#   read_report.pl MAIL.eml OUT.xml.gz
#
# Checks the message as Mail::DMARC's receiver does (Subject parsed into
# policy domain, submitter and Report-ID; the application/gzip part and
# its file name), writes the attachment to OUT.xml.gz for the other
# readers, and feeds the XML to Mail::DMARC's own record parser
# (Mail::DMARC::Report::Receive's do_node_* methods). Prints one line:
#   domain=D submitter=S report_id=I records=N messages=M
# then one line per record: "IP COUNT HEADER_FROM DISPOSITION DKIM SPF".
#
# Mail::DMARC 1.20230215 looks the elements up with XPath expressions
# without a namespace (/feedback/...), so it finds nothing in an RFC 9990
# document, whose elements are in urn:ietf:params:xml:ns:dmarc-2.0. The
# namespace declaration is therefore taken off the root element before
# the document is handed to its parser; nothing else is changed.
use strict;
use warnings;
use Email::MIME;
use IO::Uncompress::Gunzip qw(gunzip $GunzipError);
use XML::LibXML;
use Mail::DMARC::Report::Receive;

my ($mail, $out) = @ARGV;
die "usage: read_report.pl MAIL.eml OUT.xml.gz\n" unless defined $out;
open my $fh, '<', $mail or die "$mail: $!\n";
my $text = do { local $/; <$fh> };
close $fh;

my $recv = Mail::DMARC::Report::Receive->new;
$recv->report->init();
my $email = Email::MIME->new($text);
{
	# get_submitter_from_subject prints the subject: keep our output clean
	open my $saved, '>&', \*STDOUT or die;
	open STDOUT, '>', '/dev/null' or die;
	$recv->get_submitter_from_subject($email->header('Subject'));
	open STDOUT, '>&', $saved or die;
}
my ($part) = grep { ($_->content_type // '') =~ m{^application/gzip} } $email->parts;
die "no application/gzip part\n" unless $part;
my $name = $part->filename // '';
die "attachment name $name is not receiver!domain!begin!end!id.xml.gz\n"
    unless $name =~ /^[^!]+![^!]+!\d+!\d+![A-Za-z0-9]+\.xml\.gz$/;
my $gz = $part->body;
open my $o, '>', $out or die "$out: $!\n";
print $o $gz;
close $o;
my $xml;
gunzip(\$gz => \$xml) or die "gunzip: $GunzipError\n";
$xml =~ s{<feedback xmlns="urn:ietf:params:xml:ns:dmarc-2\.0">}{<feedback>}
    or die "root element is not <feedback> in the RFC 9990 namespace\n";

my $dom = XML::LibXML->load_xml(string => $xml);
$recv->do_node_report_metadata($dom->findnodes('/feedback/report_metadata'));
$recv->do_node_policy_published($dom->findnodes('/feedback/policy_published'));
$recv->do_node_record($_) for $dom->findnodes('/feedback/record');

my $agg = $recv->report->aggregate;
my $meta = $agg->metadata;
my @records = @{ $agg->record };
my $messages = 0;
$messages += $_->row->count for @records;
printf "domain=%s submitter=%s report_id=%s records=%d messages=%d\n",
    $agg->policy_published->domain, $recv->{_envelope_to}, $meta->report_id,
    scalar @records, $messages;
for my $r (@records) {
	my $pe = $r->row->policy_evaluated;
	printf "%s %d %s %s %s %s\n", $r->row->source_ip, $r->row->count,
	    $r->identifiers->header_from, $pe->disposition, $pe->dkim, $pe->spf;
}
