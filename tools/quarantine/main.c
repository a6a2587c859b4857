/*
 * dmarcguard-quarantine - the operator's review of the mail an MTA holds
 * in quarantine, joined with dmarcguard's alert lines by queue id:
 *
 *   list [--domain D] [--reason R] [--since T] [--json]
 *   show QID
 *   release QID...     delete QID...
 *   suggest [--since T] [--min N]
 *
 * Postfix's hold queue through postqueue/postcat/postsuper (-c DIR or
 * MAIL_CONFIG chooses the instance), or Sendmail's quarantined queue
 * files (-C FILE chooses its .cf; --mta or autodetection, mta.h); the
 * logs as dmarcguard-alerts reads them (--log FILE, repeatable;
 * /var/log/mail.log by default). Queue ids
 * are checked before anything is asked of the MTA; release and delete
 * act only on messages held in quarantine and log each action to syslog
 * (audit.h). See docs/dmarcguard-quarantine.8.
 *
 * Exit status: 0 done; 1 something named was not held or the MTA refused
 * (see the messages); 2 bad arguments or the queue could not be read.
 *
 * Thread-safety: single-threaded.
 */
#include "audit.h"
#include "held.h"
#include "join.h"
#include "logtime.h"
#include "mta.h"
#include "suggest.h"
#include "verdict.h"
#include "view.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define PROG "dmarcguard-quarantine"
#define DEFAULT_LOG "/var/log/mail.log"
#define MAX_LOGS 64

struct options {
	const char *command;
	struct mta mta;
	const char *mta_name, *pf_dir, *sm_cf;
	char *logs[MAX_LOGS];
	size_t nlogs;
	const char *domain, *reason;
	int has_since, json;
	time_t since;
	unsigned long min_count;
};

/* usage - the --help text */
static void
usage(FILE *f)
{
	fprintf(f,
		"usage: " PROG " [options] list [--domain D] [--reason R] [--since T] [--json]\n"
		"       " PROG " [options] show QID\n"
		"       " PROG " [options] release QID...\n"
		"       " PROG " [options] delete QID...\n"
		"       " PROG " [options] suggest [--since T] [--min N] [--json]\n"
		"Review the mail Postfix or Sendmail holds, with dmarcguard's verdict for\n"
		"each message.\n"
		"\n"
		"  --mta NAME        postfix or sendmail (default: the one whose option is\n"
		"                    given, else the one installed)\n"
		"  -c, --config DIR  Postfix configuration directory (default: MAIL_CONFIG,\n"
		"                    else Postfix's own default)\n"
		"  -C, --sendmail-cf FILE  Sendmail's configuration (default\n"
		"                    " SM_DEFAULT_CF ")\n"
		"  --log FILE        a log with dmarcguard's alert lines: syslog file, .gz,\n"
		"                    journalctl -o short/json output, or - for standard input;\n"
		"                    repeatable (default " DEFAULT_LOG ")\n"
		"  --domain D        list: only From domain D (.D: D and its subdomains)\n"
		"  --reason R        list: only dmarcguard reason R (other: held by\n"
		"                    something else)\n"
		"  --since T         only mail held since T (local time, YYYY-MM-DD[ HH:MM[:SS]])\n"
		"  --min N           suggest: at least N held messages per candidate (default 3)\n"
		"  --json            one JSON document\n"
		"  -h, --help        this text\n"
		"\n"
		"release and delete act only on messages held in quarantine, and log each\n"
		"action to syslog (mail.notice). Exit status: 0 done, 1 a message was not\n"
		"held or the MTA refused, 2 bad arguments or the queue could not be read.\n");
}

/* bad_argument - say what is wrong; exit status 2 */
static int
bad_argument(const char *what, const char *why)
{
	fprintf(stderr, PROG ": %s: %s\nTry '" PROG " --help'.\n", what, why);
	return 2;
}

/* parse_options - 0, 1 for --help, or 2; optind at the first operand after the command */
static int
parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "sendmail-cf", required_argument, NULL, 'C' },
		{ "mta", required_argument, NULL, 'M' },
		{ "log", required_argument, NULL, 'l' },
		{ "domain", required_argument, NULL, 'd' },
		{ "reason", required_argument, NULL, 'r' },
		{ "since", required_argument, NULL, 's' },
		{ "min", required_argument, NULL, 'm' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *why;
	char *end;
	int opt;

	memset(o, 0, sizeof(*o));
	o->min_count = 3;
	opterr = 0;
	/* "+" would stop at the command; options may come before or after it. */
	while ((opt = getopt_long(argc, argv, "c:C:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c':
			if (optarg[0] != '/')
				return bad_argument("--config", "expected an absolute directory");
			o->pf_dir = optarg;
			break;
		case 'C':
			if (optarg[0] != '/')
				return bad_argument("--sendmail-cf", "expected an absolute file name");
			o->sm_cf = optarg;
			break;
		case 'M': o->mta_name = optarg; break;
		case 'l':
			if (o->nlogs == MAX_LOGS)
				return bad_argument("--log", "too many logs (at most 64)");
			o->logs[o->nlogs++] = optarg;
			break;
		case 'd': o->domain = optarg; break;
		case 'r': o->reason = optarg; break;
		case 's':
			if (logtime_parse_arg(optarg, &o->since) < 0)
				return bad_argument("--since",
						    "expected YYYY-MM-DD, \"YYYY-MM-DD HH:MM[:SS]\""
						    " or YYYY-MM-DDTHH:MM:SS");
			o->has_since = 1;
			break;
		case 'm':
			o->min_count = strtoul(optarg, &end, 10);
			if (*end != '\0' || end == optarg || o->min_count < 1 || o->min_count > 1000000)
				return bad_argument("--min", "expected a number from 1 to 1000000");
			break;
		case 'j': o->json = 1; break;
		case 'h': return 1;
		default:
			fprintf(stderr, PROG ": unknown option or missing value: %s\n",
				argv[optind - 1]);
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc)
		return bad_argument("command", "expected list, show, release, delete or suggest");
	o->command = argv[optind++];
	if (o->domain != NULL && o->domain[0] == '\0')
		return bad_argument("--domain", "empty domain");
	if (mta_choose(&o->mta, o->mta_name, o->pf_dir, getenv("MAIL_CONFIG"), o->sm_cf, NULL,
		       &why) < 0)
		return bad_argument("MTA", why);
	return 0;
}

/* default_log - without --log, read the default log when there is one */
static void
default_log(struct options *o)
{
	static char path[] = DEFAULT_LOG;

	if (o->nlogs == 0 && access(path, F_OK) == 0)
		o->logs[o->nlogs++] = path;
}

/* load - the held messages into a new set; NULL after saying why */
static struct held_set *
load(struct options *o)
{
	struct held_set *set = held_set_new();
	const char *why;

	if (o->mta.ops->list(&o->mta, set, &why) < 0) {
		fprintf(stderr, PROG ": cannot list %s: %s\n", o->mta.ops->where, why);
		held_set_free(&set);
	}
	return set;
}

/* keep_since - arrived at or after --since */
static int
keep_since(const struct held *h, void *ctx)
{
	const struct options *o = ctx;

	return !o->has_since || h->arrival >= o->since;
}

/* keep_filters - --domain and --reason */
static int
keep_filters(const struct held *h, void *ctx)
{
	const struct options *o = ctx;
	char buf[256];
	const char *dom;

	if (o->reason != NULL) {
		const char *r = held_is_ours(h) ? verdict_get(h->verdict, "reason") : "other";

		if (strcmp(r, o->reason) != 0)
			return 0;
	}
	if (o->domain != NULL) {
		const char *want = o->domain[0] == '.' ? o->domain + 1 : o->domain;
		size_t dl, wl = strlen(want);

		if ((dom = view_from_domain(h, buf, sizeof(buf))) == NULL)
			return 0;
		dl = strlen(dom);
		if (strcasecmp(dom, want) == 0)
			return 1;
		return o->domain[0] == '.' && dl > wl && dom[dl - wl - 1] == '.'
		       && strcasecmp(dom + dl - wl, want) == 0;
	}
	return 1;
}

/*
 * gather - the held messages, those keep() accepts, with their queue
 * file details and alerts; NULL after saying why
 */
static struct held_set *
gather(struct options *o, int (*keep)(const struct held *, void *), void *ctx,
       int keep_headers, struct join_counts *counts)
{
	struct held_set *set = load(o);
	unsigned long long in_queue;
	const char *why;

	if (set == NULL)
		return NULL;
	in_queue = held_set_count(set);
	held_set_keep(set, keep, ctx);
	if (o->mta.ops->details(&o->mta, set, keep_headers, &why) < 0) {
		fprintf(stderr, PROG ": cannot read the held messages: %s\n", why);
		held_set_free(&set);
		return NULL;
	}
	default_log(o);
	join_logs(set, o->logs, o->nlogs, o->has_since, o->since, PROG, counts);
	counts->in_queue = in_queue;
	return set;
}

/* cmd_list - list */
static int
cmd_list(struct options *o, int argc)
{
	struct join_counts counts;
	struct held_set *set;

	if (argc > optind)
		return bad_argument("list", "takes no queue ids (use show QID)");
	if ((set = gather(o, keep_since, o, 0, &counts)) == NULL)
		return 2;
	held_set_keep(set, keep_filters, o);
	held_set_sort(set);
	counts.matched = counts.ours = 0;
	for (size_t i = 0; i < held_set_count(set); i++) {
		counts.matched += held_set_at(set, i)->verdict != NULL;
		counts.ours += held_is_ours(held_set_at(set, i));
	}
	view_list(stdout, set, &counts, o->nlogs, time(NULL), o->json);
	held_set_free(&set);
	return counts.unreadable ? 2 : 0;
}

/* check_qids - every operand is a queue id; 0, or 2 after naming each bad one */
static int
check_qids(const struct options *o, int argc, char **argv)
{
	const char *why;
	int bad = 0;

	if (optind >= argc)
		return bad_argument(o->command, "expected at least one queue id");
	for (int i = optind; i < argc; i++)
		if (qid_check(o->mta.ops->qid_kind, argv[i], &why) < 0) {
			fprintf(stderr, PROG ": %s: \"%s\": %s\n", o->command, argv[i], why);
			bad = 1;
		}
	if (bad)
		fprintf(stderr, PROG ": nothing was done\n");
	return bad ? 2 : 0;
}

/* keep_named - the message is one of the operands */
static int
keep_named(const struct held *h, void *ctx)
{
	char **names = ctx;

	for (; *names != NULL; names++)
		if (strcmp(*names, h->qid) == 0)
			return 1;
	return 0;
}

/* cmd_show - show QID */
static int
cmd_show(struct options *o, int argc, char **argv)
{
	struct join_counts counts;
	struct held_set *set;
	struct held *h;
	int rc;

	if ((rc = check_qids(o, argc, argv)) != 0)
		return rc;
	if (argc - optind != 1)
		return bad_argument("show", "takes one queue id");
	o->has_since = 0;
	if ((set = gather(o, keep_named, argv + optind, 1, &counts)) == NULL)
		return 2;
	h = held_set_count(set) ? held_set_at(set, 0) : NULL;
	if (h == NULL || !h->details_read) {
		fprintf(stderr, PROG ": %s: not in %s (%s)\n", argv[optind], o->mta.ops->where,
			h == NULL ? "released or deleted meanwhile, or never held"
				  : "it left the queue while it was being read");
		held_set_free(&set);
		return 1;
	}
	view_show(stdout, h, time(NULL), o->json);
	held_set_free(&set);
	return counts.unreadable ? 2 : 0;
}

/*
 * act - release or delete every named message that is held;
 * each attempt, whatever its outcome, is one audit line
 */
static int
act(struct options *o, int argc, char **argv, int release)
{
	const char *name = release ? "release" : "delete", *why;
	struct join_counts counts;
	struct held_set *set;
	int rc, status = 0;

	if ((rc = check_qids(o, argc, argv)) != 0)
		return rc;
	o->has_since = 0;
	argv[argc] = NULL;
	if ((set = gather(o, keep_named, argv + optind, 0, &counts)) == NULL)
		return 2;
	for (int i = optind; i < argc; i++) {
		struct held *h = held_set_find(set, argv[i], strlen(argv[i]));
		enum mta_outcome out;
		int seen = 0;

		for (int k = optind; k < i; k++)
			seen |= strcmp(argv[k], argv[i]) == 0;
		if (seen)
			continue;
		if (h == NULL) {
			fprintf(stderr, PROG ": %s: not in %s (released or deleted meanwhile,"
				" or never held): nothing done\n", argv[i], o->mta.ops->where);
			audit_log(name, argv[i], NULL, "not-held", NULL, stdout);
			status = 1;
			continue;
		}
		out = release ? o->mta.ops->release(&o->mta, argv[i], &why)
			      : o->mta.ops->remove(&o->mta, argv[i], &why);
		switch (out) {
		case MTA_DONE:
			audit_log(name, argv[i], h, "done", NULL, stdout);
			break;
		case MTA_NOT_HELD:
			fprintf(stderr, PROG ": %s: left %s before it could be %s: nothing"
				" done\n", argv[i], o->mta.ops->where,
				release ? "released" : "deleted");
			audit_log(name, argv[i], h, "not-held", NULL, stdout);
			status = 1;
			break;
		case MTA_FAILED:
			fprintf(stderr, PROG ": %s: %s\n", argv[i], why);
			audit_log(name, argv[i], h, "failed", why, stdout);
			status = 1;
			break;
		}
	}
	held_set_free(&set);
	return status;
}

/* cmd_suggest - suggest */
static int
cmd_suggest(struct options *o, int argc)
{
	struct join_counts counts;
	struct held_set *set;
	struct suggest *sg;

	if (argc > optind)
		return bad_argument("suggest", "takes no queue ids");
	if ((set = gather(o, keep_since, o, 0, &counts)) == NULL)
		return 2;
	sg = suggest_new(set, o->min_count);
	if (o->json)
		suggest_print_json(sg, stdout);
	else
		suggest_print_text(sg, stdout, o->nlogs);
	suggest_free(&sg);
	held_set_free(&set);
	return counts.unreadable ? 2 : 0;
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
	if (strcmp(o.command, "list") == 0)
		rc = cmd_list(&o, argc);
	else if (strcmp(o.command, "show") == 0)
		rc = cmd_show(&o, argc, argv);
	else if (strcmp(o.command, "release") == 0)
		rc = act(&o, argc, argv, 1);
	else if (strcmp(o.command, "delete") == 0)
		rc = act(&o, argc, argv, 0);
	else if (strcmp(o.command, "suggest") == 0)
		rc = cmd_suggest(&o, argc);
	else
		return bad_argument(o.command, "unknown command (list, show, release, delete,"
				    " suggest)");
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror(PROG ": standard output");
		return 2;
	}
	return rc;
}
