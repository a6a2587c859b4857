/*
 * gen_alerts - write N realistic syslog lines carrying dmarcguard alerts,
 * for the dmarcguard-alerts benchmark (bench/alerts/run.sh) and tests.
 *
 *   gen_alerts [-n LINES] [-s SEED] [-t START_EPOCH] [-f 3164|3339|5424|mix]
 *
 * The mix follows what a busy receiver sees: mostly DMARC passes and
 * domains without a record, then p=none spoofs the local floor
 * quarantines, published quarantine/reject, temperrors, malformed From,
 * exemptions and a few dry-run lines; interleaved with other programs'
 * lines (Postfix), the daemon's other messages and now and then an alert
 * cut short by syslog. From domains and client addresses follow a skewed
 * distribution (a few very common, a long tail); 1 address in 10 is IPv6.
 * Lines come in RFC 3164, rsyslog's RFC 3339 file format and RFC 5424, in
 * turn (or one of them with -f), about 0.6 s apart starting a week
 * before now (or at START_EPOCH, UTC). Output is deterministic for a seed.
 *
 * Thread-safety: single-threaded tool.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DOMAINS 4000
#define ADDRESSES 60000

static uint64_t rng_state;

/* next - splitmix64 */
static uint64_t
next(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned
below(unsigned n)
{
	return (unsigned)(next() % n);
}

/* skewed - 0..n-1, small values far more often (roughly Zipf-like) */
static unsigned
skewed(unsigned n)
{
	double u = (double)(next() >> 11) / 9007199254740992.0;

	return (unsigned)((double)n * u * u * u) % n;
}

static void
domain_name(unsigned i, char *buf, size_t size)
{
	static const char *const words[] = { "ministry", "university", "institute", "council",
					     "bank", "news", "policy", "research", "mail", "gov" };
	static const char *const tlds[] = { "example", "example.org", "example.net", "test" };

	snprintf(buf, size, "%s%u.%s", words[i % 10], i, tlds[(i / 10) % 4]);
}

/* address - benchmarking ranges: 198.18.0.0/15, and 2001:db8::/32 for 1 in 10 */
static void
address(unsigned i, char *buf, size_t size)
{
	if (i % 10 == 9)
		snprintf(buf, size, "2001:db8:%x:%x::%x", (i >> 8) & 0xff, i & 0xff, i % 97 + 1);
	else
		snprintf(buf, size, "198.%u.%u.%u", 18 + (i / 65024) % 2, (i / 254) % 256,
			 i % 254 + 1);
}

struct alert {
	char from[64], ip[48], helo[80], mfrom[64];
	const char *spf, *dkim_result, *dmarc, *p, *published, *action, *reason, *override;
	const char *extra;
};

/* domain_policy - what the domain publishes: most p=none, some none at all */
static const char *
domain_policy(unsigned d)
{
	static const char *const p[] = { "none", "none", "none", "quarantine", "reject" };

	return d % 7 == 6 ? "-" : p[d % 5];
}

/* make_alert - one message's verdict from the weighted mix */
static void
make_alert(struct alert *a)
{
	unsigned d = skewed(DOMAINS), c = skewed(ADDRESSES), roll = below(1000);

	domain_name(d, a->from, sizeof(a->from));
	address(c, a->ip, sizeof(a->ip));
	snprintf(a->helo, sizeof(a->helo), c % 7 == 0 ? "\"mail %u.local\"" : "mx%u.sender.example",
		 c % 500);
	domain_name(skewed(DOMAINS), a->mfrom, sizeof(a->mfrom));
	a->extra = "";
	a->override = "no";
	a->spf = "softfail";
	a->dkim_result = "none";
	a->p = domain_policy(d);
	a->published = a->p;
	a->dmarc = "fail";
	if (strcmp(a->p, "-") == 0) {
		a->dmarc = "none", a->action = "accept", a->reason = "no-policy";
		a->published = "unspecified";
	} else if (roll < 600) {
		a->dmarc = "pass", a->action = "accept", a->reason = "dmarc-pass";
		a->spf = "pass", a->dkim_result = "pass", a->published = "unspecified";
	} else if (roll < 940) {
		if (strcmp(a->p, "none") == 0)
			a->action = "quarantine", a->reason = "dmarc-fail-local-floor",
			a->override = "yes";
		else if (strcmp(a->p, "quarantine") == 0)
			a->action = "quarantine", a->reason = "published-quarantine";
		else
			a->action = "reject", a->reason = "published-reject", a->dkim_result = "fail";
	} else if (roll < 955) {
		a->dmarc = "temperror", a->action = "tempfail", a->reason = "dns-temperror";
		a->p = "-", a->published = "unspecified", a->extra = " problem=servfail";
	} else if (roll < 970) {
		a->dmarc = "none", a->action = "reject", a->reason = "malformed-from-multiple";
		a->p = "-", a->published = "unspecified", a->from[0] = '\0';
	} else if (roll < 985) {
		a->action = "accept", a->reason = "exempt-trusted-network";
		a->extra = " exempt=trusted-network";
	} else {
		/* a receiver trying the floor in dry run first */
		a->action = "accept", a->reason = "dmarc-fail-local-floor", a->override = "yes";
		a->extra = strcmp(a->p, "reject") == 0 ? " dry_run=yes would=reject"
						       : " dry_run=yes would=quarantine";
		if (strcmp(a->p, "none") != 0)
			a->reason = strcmp(a->p, "reject") == 0 ? "published-reject"
								: "published-quarantine",
			a->override = "no";
	}
}

static void
message(char *buf, size_t size, uint64_t n)
{
	struct alert a;
	char from[80], dkim[160];

	make_alert(&a);
	snprintf(from, sizeof(from), a.from[0] ? "%s" : "\"\"", a.from);
	/* a pass is an aligned signature; a failed one the spoofed domain's */
	if (strcmp(a.dkim_result, "none") == 0)
		snprintf(dkim, sizeof(dkim), "none");
	else
		snprintf(dkim, sizeof(dkim), "%s:%s", a.from[0] ? a.from : a.mfrom, a.dkim_result);
	snprintf(buf, size,
		 "v=1 qid=4X%010llX ip=%s client=unknown helo=%s mfrom=%s from=%s spf=%s "
		 "spf_domain=%s spf_id=mailfrom dkim=%s dmarc=%s policy_domain=%s p=%s sp=%s "
		 "pct=%s published=%s action=%s reason=%s override=%s%s",
		 (unsigned long long)n, a.ip, a.helo, a.mfrom, from, a.spf, a.mfrom, dkim, a.dmarc,
		 strcmp(a.p, "-") == 0 || !a.from[0] ? "\"\"" : a.from, a.p, a.p,
		 strcmp(a.p, "-") == 0 ? "-" : "100", a.published, a.action, a.reason, a.override,
		 a.extra);
}

static void
stamp(int format, time_t t, unsigned usec, char *buf, size_t size)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	if (format == 0) {
		localtime_r(&t, &tm);
		strftime(buf, size, "%b %e %H:%M:%S", &tm);
	} else {
		char base[32];

		strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
		snprintf(buf, size, "%s.%06u+00:00", base, usec);
	}
}

int
main(int argc, char **argv)
{
	unsigned long long lines = 1000000;
	time_t start = time(NULL) - 7 * 24 * 3600;
	int only = -1, opt;
	char msg[2048], ts[64];

	rng_state = 42;
	while ((opt = getopt(argc, argv, "n:s:t:f:")) != -1) {
		switch (opt) {
		case 'n': lines = strtoull(optarg, NULL, 10); break;
		case 's': rng_state = strtoull(optarg, NULL, 10); break;
		case 't': start = (time_t)strtoll(optarg, NULL, 10); break;
		case 'f':
			only = strcmp(optarg, "3164") == 0 ? 0 : strcmp(optarg, "3339") == 0 ? 1
			       : strcmp(optarg, "5424") == 0 ? 2 : -1;
			break;
		default:
			fprintf(stderr, "usage: gen_alerts [-n LINES] [-s SEED] [-t START_EPOCH]"
					" [-f 3164|3339|5424|mix]\n");
			return 2;
		}
	}
	for (unsigned long long i = 0; i < lines; i++) {
		time_t t = start + (time_t)(i * 6 / 10);
		int format = only >= 0 ? only : (int)(i % 3);
		unsigned pid = 4000 + (unsigned)(i / 100000), roll = below(10000);
		const char *prog = roll < 500 ? "postfix/smtpd" : "dmarcguard";

		stamp(format, t, (unsigned)(i * 7919 % 1000000), ts, sizeof(ts));
		if (roll < 500) {
			snprintf(msg, sizeof(msg), "4X%010llX: client=mx%u.sender.example[192.0.2.%u]",
				 i, roll % 200, roll % 250 + 1);
		} else if (roll < 530) {
			snprintf(msg, sizeof(msg), "configuration reloaded from /etc/dmarcguard.conf");
		} else {
			message(msg, sizeof(msg), i);
			if (roll < 532)
				msg[strlen(msg) / 2] = '\0';	/* cut short by a transport */
		}
		if (format == 2)
			printf("<22>1 %s mx1 %s %u - - %s\n", ts, prog, pid, msg);
		else
			printf("%s mx1 %s[%u]: %s\n", ts, prog, pid, msg);
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
