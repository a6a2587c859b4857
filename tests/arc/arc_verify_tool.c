/*
 * arc_verify_tool - our ARC verdict on stored messages, for the
 * differential run against Mail::DKIM (tests/arc/arc-diff.pl): reads file
 * names, one a line, on stdin, verifies each with lib/arc exactly as
 * test_arc_chain does (arc_feed_file, then arc_chain_finish), keys through a
 * resolver asking NAMESERVERS, and prints one line per file:
 *
 *	FILE <tab> none|pass|fail <tab> reason or "-" <tab> instances
 *
 * Usage: arc_verify_tool -s NAMESERVERS < list
 * Exit status: 0, 1 when a file cannot be read or the resolver not made,
 * 2 for a bad command line.
 *
 * Thread-safety: single-threaded program (the resolver has its own thread).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "arc_chain.h"
#include "arc_feed.h"
#include "resolver.h"

/* verify - one file's line on stdout; -1 when it cannot be read */
static int
verify(const char *path, struct resolver *resolver)
{
	struct arc_chain_settings settings;
	const struct arc_chain_result *r;
	const char *error = NULL;
	struct arc_chain *c;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return -1;
	arc_chain_settings_init(&settings);
	if ((c = arc_chain_new(&settings, &error)) == NULL) {
		fclose(f);
		return -1;
	}
	/* a failed push shows in the result (internal-error), as in the daemon */
	(void)arc_feed_file(c, f);
	fclose(f);
	r = arc_chain_finish(c, resolver);
	printf("%s\t%s\t%s\t%u\n", path, arc_chain_status_name(r->status),
	       r->reason != NULL ? r->reason : "-", r->instances);
	arc_chain_free(&c);
	return 0;
}

int
main(int argc, char **argv)
{
	struct resolver_settings rs;
	struct resolver *resolver;
	const char *error = NULL;
	char line[4096];
	int opt, rc = 0;

	resolver_settings_init(&rs);
	while ((opt = getopt(argc, argv, "s:")) != -1) {
		if (opt != 's')
			return 2;
		rs.nameservers = optarg;
	}
	if (rs.nameservers == NULL || optind != argc) {
		fprintf(stderr, "usage: arc_verify_tool -s NAMESERVERS < list-of-files\n");
		return 2;
	}
	rs.timeout_ms = 3000;
	if ((resolver = resolver_new(&rs, &error)) == NULL) {
		fprintf(stderr, "arc_verify_tool: resolver: %s\n", error);
		return 1;
	}
	while (fgets(line, sizeof(line), stdin) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0')
			continue;
		if (verify(line, resolver) < 0) {
			fprintf(stderr, "arc_verify_tool: %s: cannot read\n", line);
			rc = 1;
		}
		fflush(stdout);
	}
	resolver_free(&resolver);
	return rc;
}
