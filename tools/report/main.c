/*
 * dmarcguard-reports - DMARC aggregate reports (RFC 9990) from what the
 * daemon recorded in its ReportStore.
 *
 *   dmarcguard-reports [-c FILE] send [--period P] [--dry-run --outdir DIR]
 *   dmarcguard-reports [-c FILE] show [--domain D] [--period P] [--json]
 *   dmarcguard-reports [-c FILE] expire --older-than 90d
 *
 * The configuration is the daemon's file (ReportStore, ReportFrom,
 * ReportOrgName, ReportContact, ReportSendmail, ReportMaxBytes, ReportRetryDays, and
 * Nameservers and
 * PublicSuffixList for the external destination check), read by the
 * daemon's own parser. A
 * period is yesterday (the default), today or YYYY-MM-DD, one UTC day.
 * Exit status: 0 done, 1 a store or file failed, 2 bad usage or
 * configuration.
 *
 * Thread-safety: single-threaded.
 */
#include "config.h"
#include "report_store.h"
#include "reports_build.h"
#include "reports_period.h"
#include "reports_send.h"
#include "reports_show.h"
#include "runtime.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef DMARCGUARD_VERSION
#define DMARCGUARD_VERSION "0"
#endif

struct options {
	const char *config_path;
	const char *period;
	const char *outdir;
	const char *domain;
	const char *older_than;
	int dry_run;
	int json;
};

struct domains {
	char (*names)[REPORT_DOMAIN_SIZE];
	size_t n, size;
};

struct pending {
	struct {
		char domain[REPORT_DOMAIN_SIZE];
		int64_t day;
	} *items;
	size_t n, size;
};

static void
usage(FILE *out)
{
	fprintf(out,
		"usage: dmarcguard-reports [-c FILE] send [--period P] [--dry-run --outdir DIR]\n"
		"       dmarcguard-reports [-c FILE] show [--domain D] [--period P] [--json]\n"
		"       dmarcguard-reports [-c FILE] expire --older-than 90d\n"
		"P is yesterday (default), today or YYYY-MM-DD (UTC); FILE defaults to"
		" /etc/dmarcguard.conf\n");
}

static int
add_domain(const char *domain, void *ctx)
{
	struct domains *d = ctx;

	if (d->n == d->size) {
		size_t size = d->size ? d->size * 2 : 64;
		void *p = realloc(d->names, size * sizeof(*d->names));

		if (p == NULL)
			return 1;
		d->names = p;
		d->size = size;
	}
	snprintf(d->names[d->n++], REPORT_DOMAIN_SIZE, "%s", domain);
	return 0;
}

/* add_pending - one report of an earlier day to try again */
static int
add_pending(const char *domain, int64_t day, void *ctx)
{
	struct pending *p = ctx;

	if (p->n == p->size) {
		size_t size = p->size ? p->size * 2 : 16;
		void *np = realloc(p->items, size * sizeof(*p->items));

		if (np == NULL)
			return 1;
		p->items = np;
		p->size = size;
	}
	snprintf(p->items[p->n].domain, REPORT_DOMAIN_SIZE, "%s", domain);
	p->items[p->n++].day = day;
	return 0;
}

/*
 * cmd_send - the reports of day, after the pending reports of earlier
 * days (not in a dry run, which is about day only)
 */
static int
cmd_send(struct report_store *st, const struct config *cfg, const struct options *o,
	 int64_t day, int64_t now)
{
	const char *at = strrchr(cfg->report_from, '@'), *why = NULL;
	struct reports_identity id = {
		.org_name = cfg->report_org_name[0] ? cfg->report_org_name : at + 1,
		.email = cfg->report_from, .contact = cfg->report_contact,
		.submitter = at + 1, .generator = "dmarcguard-reports " DMARCGUARD_VERSION,
	};
	struct reports_sender s = {
		.store = st, .id = &id, .sendmail = cfg->report_sendmail, .from = cfg->report_from,
		.retry_days = cfg->report_retry_days, .max_bytes = cfg->report_max_bytes,
		.outdir = o->dry_run ? o->outdir : NULL,
		.now = now,
	};
	struct resolver_settings rs;
	struct resolver *resolver = NULL;
	struct domains d = { 0 };
	struct pending p = { 0 };
	char host[REPORT_STORE_OWNER_SIZE - 24] = "", owner[REPORT_STORE_OWNER_SIZE];
	int failed = 0;

	gethostname(host, sizeof(host) - 1);
	snprintf(owner, sizeof(owner), "%s:%ld", host, (long)getpid());
	s.owner = owner;
	runtime_resolver_settings(cfg, &rs);
	if ((resolver = resolver_new(&rs, &why)) == NULL
	    || (!o->dry_run && report_store_pending(st, day, add_pending, &p, &why) < 0)
	    || report_store_domains(st, day, add_domain, &d, &why) < 0) {
		fprintf(stderr, "dmarcguard-reports: %s\n", why);
		failed = 1;
		d.n = p.n = 0;
	}
	s.resolver = resolver;
	s.od = cfg->orgdomain;	/* the configuration loaded the suffix list */
	for (size_t i = 0; i < p.n; i++)
		failed |= reports_send_one(&s, p.items[i].domain, p.items[i].day);
	for (size_t i = 0; i < d.n; i++)
		failed |= reports_send_one(&s, d.names[i], day);
	free(p.items);
	free(d.names);
	resolver_free(&resolver);
	return failed;
}

static int
cmd_expire(struct report_store *st, const struct options *o, int64_t now)
{
	const char *why = NULL;
	int64_t days;
	uint64_t deleted = 0;

	if (o->older_than == NULL) {
		fprintf(stderr, "dmarcguard-reports: expire needs --older-than, such as 90d\n");
		return 2;
	}
	if (reports_period_days(o->older_than, &days, &why) < 0) {
		fprintf(stderr, "dmarcguard-reports: --older-than %s: %s\n", o->older_than, why);
		return 2;
	}
	if (report_store_expire(st, now / 86400 - days, &deleted, &why) < 0) {
		fprintf(stderr, "dmarcguard-reports: %s\n", why);
		return 1;
	}
	printf("deleted %" PRIu64 " recorded message(s) older than %" PRId64 " days\n", deleted,
	       days);
	return 0;
}

/* parse - options and command; the command's name, or NULL after a usage message */
static const char *
parse(int argc, char **argv, struct options *o)
{
	static const struct option longs[] = {
		{ "period", required_argument, NULL, 'p' },
		{ "outdir", required_argument, NULL, 'o' },
		{ "domain", required_argument, NULL, 'd' },
		{ "older-than", required_argument, NULL, 'e' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd = NULL;
	int c;

	/* "+": options before the command are the global ones */
	while ((c = getopt_long(argc, argv, "+c:h", longs, NULL)) != -1) {
		if (c == 'c')
			o->config_path = optarg;
		else
			goto usage;
	}
	if (optind >= argc)
		goto usage;
	cmd = argv[optind++];
	while ((c = getopt_long(argc, argv, "", longs, NULL)) != -1) {
		switch (c) {
		case 'p': o->period = optarg; break;
		case 'o': o->outdir = optarg; break;
		case 'd': o->domain = optarg; break;
		case 'e': o->older_than = optarg; break;
		case 'n': o->dry_run = 1; break;
		case 'j': o->json = 1; break;
		default: goto usage;
		}
	}
	if (optind != argc)
		goto usage;
	if (strcmp(cmd, "send") != 0 && strcmp(cmd, "show") != 0 && strcmp(cmd, "expire") != 0) {
		fprintf(stderr, "dmarcguard-reports: unknown command \"%s\"\n", cmd);
		goto usage;
	}
	return cmd;
usage:
	usage(stderr);
	return NULL;
}

/* check_send - what send needs before it touches the store */
static int
check_send(const struct config *cfg, const struct options *o)
{
	const char *at = strrchr(cfg->report_from, '@');

	if (o->dry_run != (o->outdir != NULL)) {
		fprintf(stderr, "dmarcguard-reports: --dry-run and --outdir DIR go together\n");
		return -1;
	}
	if (at == NULL || at == cfg->report_from || at[1] == '\0') {
		fprintf(stderr, "dmarcguard-reports: %s: ReportFrom must be an address"
			" (local@domain) to send reports\n", cfg->source);
		return -1;
	}
	if (o->dry_run && access(o->outdir, W_OK) != 0) {
		fprintf(stderr, "dmarcguard-reports: --outdir %s is not a writable directory\n",
			o->outdir);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct options o = { .config_path = "/etc/dmarcguard.conf", .period = "yesterday" };
	const char *cmd = parse(argc, argv, &o), *why = NULL;
	int64_t now = (int64_t)time(NULL), day = 0;
	struct report_store *st;
	struct config *cfg;
	char error[1024];
	int rc;

	if (cmd == NULL)
		return 2;
	if ((cfg = config_load(o.config_path, error, sizeof(error))) == NULL) {
		fprintf(stderr, "dmarcguard-reports: %s\n", error);
		return 2;
	}
	/* old key names load with a warning, as the daemon and -n say them */
	for (size_t i = 0; i < cfg->warning_count; i++)
		fprintf(stderr, "dmarcguard-reports: warning: %s\n", cfg->warnings[i]);
	if (cfg->report_store[0] == '\0') {
		fprintf(stderr, "dmarcguard-reports: %s sets no ReportStore\n", cfg->source);
		config_unref(&cfg);
		return 2;
	}
	if (reports_period_parse(o.period, now, &day, &why) < 0) {
		fprintf(stderr, "dmarcguard-reports: --period %s: %s\n", o.period, why);
		config_unref(&cfg);
		return 2;
	}
	if (strcmp(cmd, "send") == 0 && check_send(cfg, &o) < 0) {
		config_unref(&cfg);
		return 2;
	}
	if ((st = report_store_open(cfg->report_store, error, sizeof(error))) == NULL) {
		fprintf(stderr, "dmarcguard-reports: %s\n", error);
		config_unref(&cfg);
		return 1;
	}
	if (strcmp(cmd, "send") == 0) {
		rc = cmd_send(st, cfg, &o, day, now);
	} else if (strcmp(cmd, "show") == 0) {
		rc = reports_show(st, day, o.domain, o.json, stdout, &why) < 0;
		if (rc)
			fprintf(stderr, "dmarcguard-reports: %s\n", why);
	} else {
		rc = cmd_expire(st, &o, now);
	}
	report_store_close(&st);
	config_unref(&cfg);
	return rc;
}
