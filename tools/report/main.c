/*
 * dmarcguard-reports - DMARC aggregate reports (RFC 9990) from what the
 * daemon recorded in its ReportStore.
 *
 *   dmarcguard-reports [-c FILE] send [--period P] [--dry-run --outdir DIR]
 *   dmarcguard-reports [-c FILE] show [--domain D] [--period P] [--json]
 *   dmarcguard-reports [-c FILE] expire --older-than 90d
 *
 * The configuration is the daemon's file (ReportStore, ReportFrom,
 * ReportOrgName, ReportContact, ReportSendmail, ReportMaxBytes, and Nameservers and
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
#include "reports_mail.h"
#include "reports_period.h"
#include "reports_destination.h"
#include "reports_sendmail.h"
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

/* write_mail - outdir/NAME.eml through a temporary file and rename */
static int
write_mail(const char *outdir, const struct reports_mail *m, char *path, size_t size)
{
	char name[1024], tmp[1200];
	FILE *f;
	int rc;

	if (reports_mail_filename(m, ".eml", name, sizeof(name)) < 0)
		return -1;
	snprintf(path, size, "%s/%s", outdir, name);
	snprintf(tmp, sizeof(tmp), "%s/.%s.tmp", outdir, name);
	if ((f = fopen(tmp, "w")) == NULL)
		return -1;
	rc = reports_mail_write(m, f);
	if (fclose(f) != 0 || rc < 0 || rename(tmp, path) < 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}

/* destinations - the addresses a report may go to now; -1: try on a later run */
static int
destinations(struct resolver *resolver, const struct orgdomain *od, const char *domain,
	     const struct reports_built *b, const char **to, size_t *n)
{
	int retry = 0;

	*n = 0;
	for (size_t k = 0; k < b->to_count; k++) {
		const char *why = NULL;

		switch (reports_destination_check(resolver, od, domain, b->to[k], &why)) {
		case REPORTS_DESTINATION_OK:
			to[(*n)++] = b->to[k];
			break;
		case REPORTS_DESTINATION_REFUSED:
			printf("%s: not sending to %s: %s\n", domain, b->to[k], why);
			break;
		case REPORTS_DESTINATION_RETRY:
			printf("%s: %s: %s; trying on a later run\n", domain, b->to[k], why);
			retry = 1;
			break;
		}
	}
	return retry ? -1 : 0;
}

/* deliver - one report or part to outdir (dry run) or to sendmail; 0, or 1 on failure */
static int
deliver(const struct config *cfg, const struct options *o, const struct reports_mail *m)
{
	char path[1400], error[512];

	if (o->dry_run) {
		if (write_mail(o->outdir, m, path, sizeof(path)) < 0) {
			fprintf(stderr, "dmarcguard-reports: %s: cannot write %s\n", m->domain, path);
			return 1;
		}
		printf("%s: wrote %s (%" PRIu64 " messages, %zu records, to %s%s%s)\n", m->domain,
		       path, m->messages, m->records, m->to[0], m->to_count > 1 ? ", " : "",
		       m->to_count > 1 ? m->to[1] : "");
		return 0;
	}
	if (reports_sendmail_send(cfg->report_sendmail, m, error, sizeof(error)) < 0) {
		fprintf(stderr, "dmarcguard-reports: %s: not sent, trying on a later run: %s\n",
			m->domain, error);
		return 1;
	}
	printf("%s: sent %s (%" PRIu64 " messages, %zu records, to %s%s%s)\n", m->domain,
	       m->report_id, m->messages, m->records, m->to[0], m->to_count > 1 ? ", " : "",
	       m->to_count > 1 ? m->to[1] : "");
	return 0;
}

/*
 * deliver_all - every part of a report, then the report marked sent; a
 * part that failed leaves it unmarked and the next run sends every part
 * again under the same Report-IDs (receivers drop the repeats)
 */
static int
deliver_all(struct report_store *st, const struct config *cfg, const struct options *o,
	    struct reports_mail *m, int64_t day, const struct reports_built *b)
{
	const char *why = NULL;

	if (b->part_count > 1)
		printf("%s: %zu parts under ReportMaxBytes %u\n", m->domain, b->part_count,
		       cfg->report_max_bytes);
	for (size_t j = 0; j < b->part_count; j++) {
		reports_build_part_mail(b, j, m);
		if (deliver(cfg, o, m) != 0)
			return 1;
	}
	if (o->dry_run)
		return 0;
	if (report_store_mark_sent(st, m->domain, day, b->report_id, m->now, &why) < 0) {
		/* sent, but not known as sent: say so loudly, a later run would send it again */
		fprintf(stderr, "dmarcguard-reports: %s: sent as %s but not marked sent: %s\n",
			m->domain, b->report_id, why);
		return 1;
	}
	return 0;
}

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
	struct resolver_settings rs;
	struct resolver *resolver = NULL;
	struct orgdomain *od = NULL;
	struct domains d = { 0 };
	int failed = 0, ready = 1;

	runtime_resolver_settings(cfg, &rs);
	if ((resolver = resolver_new(&rs, &why)) == NULL
	    || (od = orgdomain_new(cfg->public_suffix_list, &why)) == NULL
	    || report_store_domains(st, day, add_domain, &d, &why) < 0) {
		fprintf(stderr, "dmarcguard-reports: %s\n", why);
		failed = 1;
		ready = 0;
	}
	for (size_t i = 0; ready && i < d.n; i++) {
		struct reports_built b;
		const char *to[REPORTS_BUILD_MAX_DESTINATIONS];
		struct reports_mail m;
		size_t n = 0;
		int sent = 0;

		if (report_store_sent(st, d.names[i], day, &sent, &why) < 0) {
			fprintf(stderr, "dmarcguard-reports: %s: %s\n", d.names[i], why);
			failed = 1;
			continue;
		}
		if (sent) {
			printf("%s: already sent\n", d.names[i]);
			continue;
		}
		if (reports_build(st, &id, d.names[i], day, cfg->report_max_bytes, &b, &why) < 0) {
			fprintf(stderr, "dmarcguard-reports: %s: %s\n", d.names[i], why);
			failed = 1;
			continue;
		}
		if (destinations(resolver, od, d.names[i], &b, to, &n) == 0 && n == 0)
			printf("%s: no destination to send to\n", d.names[i]);
		if (n > 0) {
			m = (struct reports_mail){
				.from = cfg->report_from, .to = to, .to_count = n,
				.submitter = id.submitter, .domain = d.names[i],
				.begin = b.begin, .end = b.end, .now = now,
			};
			failed |= deliver_all(st, cfg, o, &m, day, &b);
		}
		reports_build_clear(&b);
	}
	free(d.names);
	orgdomain_free(&od);
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
