/*
 * dmarcguard-alerts - the operator's review of dmarcguard's alert lines
 * in syslog files (plain or .gz), journalctl output or the daemon's own
 * stderr: a summary with top tables, a per-domain view, or, with
 * --follow, each new alert as it is logged.
 *
 * Exit status: 0 on success, 2 on bad arguments or a file that cannot be
 * read (the report is still printed when a file fails midway).
 *
 * Thread-safety: single-threaded; the signal handler only sets a flag.
 */
#include "aggregate.h"
#include "filter.h"
#include "follow.h"
#include "reader.h"
#include "report.h"
#include "scan.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PROG "dmarcguard-alerts"

static volatile sig_atomic_t stop_requested;

struct options {
	struct filter filter;
	const char *domain;
	size_t top;
	int json, follow;
};

/* usage - the --help text */
static void
usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " [options] [FILE...]\n"
		"Review dmarcguard alert lines from syslog files (plain or .gz), journalctl\n"
		"-o short/-o json output or the daemon's stderr; standard input without FILE.\n"
		"\n"
		"  --since TIME     only alerts logged at or after TIME (local time)\n"
		"  --until TIME     only alerts logged at or before TIME; a bare date means\n"
		"                   the end of that day. TIME: \"YYYY-MM-DD[ HH:MM[:SS]]\" or\n"
		"                   \"YYYY-MM-DDTHH:MM:SS\"\n"
		"  --action LIST    only these actions (accept,quarantine,reject,tempfail);\n"
		"                   a dry-run alert matches its would-be action too\n"
		"  --domain D       only From domain D (.D: D and its subdomains), and show\n"
		"                   its every alert and an hourly chart\n"
		"  --client C       only client address, CIDR network or host name C\n"
		"  --forwarder F    only alerts trusted forwarder F lifted (its arc_sealer or\n"
		"                   forwarder field; .F: F and its subdomains)\n"
		"  --reason LIST    only these reason codes (comma list; code* for a prefix,\n"
		"                   e.g. forwarded-*,lookalike-*)\n"
		"  --top N          rows in the top tables (default 10)\n"
		"  --json           one JSON document instead of text (JSON lines with --follow)\n"
		"  -f, --follow     follow one growing FILE (or -) across rotation and print\n"
		"                   each new alert on one line; stop with Ctrl-C\n"
		"  -h, --help       this text\n"
		"\n"
		"Exit status: 0 on success, 2 on bad arguments or unreadable files.\n");
}

/* bad_argument - say what is wrong with an option; exit status 2 */
static int
bad_argument(const char *option, const char *why)
{
	fprintf(stderr, PROG ": %s: %s\nTry '" PROG " --help'.\n", option, why);
	return 2;
}

/* parse_options - 0, 1 for --help, or an exit status >= 2 */
static int
parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "action", required_argument, NULL, 'a' },
		{ "domain", required_argument, NULL, 'd' },
		{ "client", required_argument, NULL, 'c' },
		{ "forwarder", required_argument, NULL, 'F' },
		{ "reason", required_argument, NULL, 'r' },
		{ "top", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "follow", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *why = NULL;
	char *end;
	long top;
	int opt, rc = 0, idx = 0;

	memset(o, 0, sizeof(*o));
	filter_init(&o->filter);
	o->top = 10;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, "fh", longopts, &idx)) != -1) {
		switch (opt) {
		case 's': rc = filter_set_since(&o->filter, optarg, &why); break;
		case 'u': rc = filter_set_until(&o->filter, optarg, &why); break;
		case 'a': rc = filter_set_actions(&o->filter, optarg, &why); break;
		case 'c': rc = filter_set_client(&o->filter, optarg, &why); break;
		case 'F': rc = filter_set_forwarder(&o->filter, optarg, &why); break;
		case 'r': rc = filter_set_reasons(&o->filter, optarg, &why); break;
		case 'd':
			rc = filter_set_domain(&o->filter, optarg, &why);
			o->domain = optarg;
			break;
		case 't':
			errno = 0;
			top = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || end == optarg || top < 1 || top > 1000000)
				return bad_argument("--top", "expected a number from 1 to 1000000");
			o->top = (size_t)top;
			break;
		case 'j': o->json = 1; break;
		case 'f': o->follow = 1; break;
		case 'h': return 1;
		default:
			fprintf(stderr, PROG ": unknown option or missing value: %s\n",
				argv[optind - 1]);
			usage(stderr);
			return 2;
		}
		if (rc < 0) {
			char name[32];

			snprintf(name, sizeof(name), "--%s", longopts[idx].name);
			return bad_argument(name, why);
		}
	}
	if (filter_check(&o->filter, &why) < 0)
		return bad_argument("--since/--until", why);
	if (o->follow && argc - optind > 1)
		return bad_argument("--follow", "follows one file (or - for standard input)");
	return 0;
}

/* on_signal - SIGINT/SIGTERM in follow mode: stop the loop */
static void
on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* print_alert - follow mode's scan callback: one alert, flushed at once */
static void
print_alert(void *ctx, const struct record *r)
{
	const struct options *o = ctx;

	if (o->json)
		report_json_alert(stdout, r);
	else
		report_text_alert(stdout, r);
	fflush(stdout);
}

/* run_follow - --follow: signals, then tail until stopped */
static int
run_follow(struct options *o, const char *path)
{
	struct sigaction sa = { .sa_handler = on_signal };	/* no SA_RESTART */
	struct scan *scan = scan_new(&o->filter, time(NULL), NULL, print_alert, o);
	const char *why = NULL;
	int rc;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	rc = follow_run(path, scan, &stop_requested, &why);
	if (rc < 0)
		fprintf(stderr, PROG ": %s: %s\n", path, why);
	scan_free(&scan);
	return rc < 0 ? 2 : 0;
}

/* read_source - every line of one file into the scan; 0 or 2 */
static int
read_source(struct scan *scan, const char *path)
{
	const char *why, *line, *name = strcmp(path, "-") == 0 ? "(stdin)" : path;
	struct reader *r = reader_open(path, &why);
	enum reader_status st;
	size_t len;

	if (r == NULL) {
		fprintf(stderr, PROG ": %s: %s\n", name, why);
		return 2;
	}
	while ((st = reader_next(r, &line, &len)) == READER_LINE)
		scan_line(scan, line, len, name, reader_lineno(r));
	scan_counts(scan)->overlong += reader_overlong(r);
	if (st == READER_ERROR)
		fprintf(stderr, PROG ": %s: read error after line %lu: %s\n", name,
			reader_lineno(r), reader_error(r));
	reader_close(&r);
	return st == READER_ERROR ? 2 : 0;
}

/* run_report - read every source, then print the report */
static int
run_report(struct options *o, char **paths, int npaths)
{
	static char *stdin_only[] = { "-" };
	struct agg *agg = agg_new(o->domain != NULL);
	struct scan *scan = scan_new(&o->filter, time(NULL), agg, NULL, NULL);
	struct report rep = { .agg = agg, .top = o->top, .domain = o->domain };
	int status = 0;

	if (npaths == 0) {
		paths = stdin_only;
		npaths = 1;
	}
	/* Refuse before any output when a file cannot even be opened. */
	for (int i = 0; i < npaths; i++) {
		int fd = strcmp(paths[i], "-") == 0 ? 0 : open(paths[i], O_RDONLY | O_CLOEXEC);

		if (fd < 0) {
			fprintf(stderr, PROG ": %s: %s\n", paths[i], strerror(errno));
			scan_free(&scan);
			agg_free(&agg);
			return 2;
		}
		if (fd > 0)
			close(fd);
	}
	for (int i = 0; i < npaths; i++)
		if (read_source(scan, paths[i]) != 0)
			status = 2;
	rep.counts = scan_counts(scan);
	rep.examples = scan_examples(scan, &rep.nexamples);
	rep.nsources = (size_t)npaths;
	if (o->json)
		report_json(stdout, &rep);
	else
		report_text(stdout, &rep);
	scan_free(&scan);
	agg_free(&agg);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, PROG ": cannot write the report: %s\n", strerror(errno));
		return 2;
	}
	return status;
}

int
main(int argc, char **argv)
{
	struct options o;
	int rc = parse_options(argc, argv, &o);

	if (rc == 1) {
		usage(stdout);
		return 0;
	}
	if (rc != 0)
		return rc;
	if (o.follow)
		return run_follow(&o, optind < argc ? argv[optind] : "-");
	return run_report(&o, argv + optind, argc - optind);
}
