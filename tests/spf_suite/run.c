/*
 * spf_suite_run - the RFC 7208 (or RFC 4408) SPF conformance suite through
 * spf_eval, against a real nsd.
 *
 * Usage: spf_suite_run SUITEDIR [KNOWN-FAILURES]
 *
 * SUITEDIR is what tests/spf_suite/convert.py wrote: tests.tsv and one
 * directory of zones per scenario. For each scenario one nsd serves its
 * zones (nsd_server_start_listed) and a fresh resolver asks it; each test
 * is one spf_eval_check, and its result must be one of the accepted ones.
 * The program prints every wrong answer and "N of M right".
 *
 * KNOWN-FAILURES lists the names of tests we knowingly get wrong, one a
 * line, with the reason after the name; '#' starts a comment. The run
 * fails (exit 1) when a test outside that list is wrong, and also when a
 * listed test is right, so the list always says exactly what is missing.
 *
 * Thread-safety: a single-threaded test program.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nsd_server.h"
#include "resolver.h"
#include "spf_eval.h"

#define FIELDS 6
#define MAX_KNOWN 256
#define SLOW_MS 1000	/* a test taking longer is named */

struct known {
	char name[128];
	int seen;
};

/* unescape - undo convert.py's field escapes in place */
static void
unescape(char *s)
{
	char *out = s;

	while (*s != '\0') {
		if (*s != '\\' || s[1] == '\0') {
			*out++ = *s++;
			continue;
		}
		s++;
		switch (*s) {
		case 't': *out++ = '\t'; s++; break;
		case 'n': *out++ = '\n'; s++; break;
		case 'r': *out++ = '\r'; s++; break;
		case 'x':
			if (isxdigit((unsigned char)s[1]) && isxdigit((unsigned char)s[2])) {
				char hex[3] = { s[1], s[2], '\0' };

				*out++ = (char)strtol(hex, NULL, 16);
				s += 3;
				break;
			}
			/* fall through */
		default: *out++ = *s++; break;
		}
	}
	*out = '\0';
}

/* split - cut a TSV line into FIELDS fields; 0 or -1 */
static int
split(char *line, char *field[FIELDS])
{
	line[strcspn(line, "\r\n")] = '\0';
	for (int i = 0; i < FIELDS; i++) {
		field[i] = line;
		if ((line = strchr(line, '\t')) != NULL)
			*line++ = '\0';
		else if (i + 1 < FIELDS)
			return -1;
	}
	for (int i = 0; i < FIELDS; i++)
		unescape(field[i]);
	return 0;
}

/* accepted - whether result is one of the space-separated words */
static int
accepted(const char *words, const char *result)
{
	char copy[256], *save = NULL;

	snprintf(copy, sizeof(copy), "%s", words);
	for (char *w = strtok_r(copy, " ", &save); w != NULL; w = strtok_r(NULL, " ", &save)) {
		/* the RFC 4408 suite's older names */
		if (strcmp(w, "unknown") == 0)
			w = "permerror";
		else if (strcmp(w, "error") == 0)
			w = "temperror";
		if (strcmp(w, result) == 0)
			return 1;
	}
	return 0;
}

/* load_known - the known failures, or 0 of them without a file */
static int
load_known(const char *path, struct known *known)
{
	char line[512];
	int n = 0;
	FILE *f;

	if (path == NULL)
		return 0;
	if ((f = fopen(path, "r")) == NULL) {
		perror(path);
		exit(2);
	}
	while (fgets(line, sizeof(line), f) != NULL && n < MAX_KNOWN) {
		char name[128];

		if (line[0] == '#' || sscanf(line, "%127s", name) != 1)
			continue;
		snprintf(known[n].name, sizeof(known[n].name), "%s", name);
		known[n++].seen = 0;
	}
	fclose(f);
	return n;
}

static struct known *
find_known(struct known *known, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(known[i].name, name) == 0)
			return &known[i];
	return NULL;
}

/* scenario_up - nsd for the scenario's zones and a resolver asking it */
static int
scenario_up(const char *suite, const char *id, struct nsd_server *nsd,
	    struct resolver **resolver, struct spf_eval **eval)
{
	char dir[1024], *abs;
	struct resolver_settings settings;
	const char *error = NULL;

	/* nsd reads zone files relative to its own directory: make it absolute */
	if ((abs = realpath(suite, NULL)) == NULL) {
		perror(suite);
		return -1;
	}
	snprintf(dir, sizeof(dir), "%s/%s", abs, id);
	free(abs);
	if (nsd_server_start_listed(nsd, dir) < 0)
		return -1;
	resolver_settings_init(&settings);
	settings.nameservers = nsd->address;
	settings.timeout_ms = 3000;
	if ((*resolver = resolver_new(&settings, &error)) == NULL
	    || (*eval = spf_eval_new(*resolver, &error)) == NULL) {
		fprintf(stderr, "scenario %s: %s\n", id, error != NULL ? error : "?");
		return -1;
	}
	return 0;
}

static void
scenario_down(struct nsd_server *nsd, struct resolver **resolver, struct spf_eval **eval)
{
	spf_eval_free(eval);
	resolver_free(resolver);
	if (nsd->pid > 0)
		nsd_server_stop(nsd);
}

int
main(int argc, char **argv)
{
	static struct known known[MAX_KNOWN];
	char path[1024], line[4096], current[32] = "";
	struct nsd_server nsd = { 0 };
	struct resolver *resolver = NULL;
	struct spf_eval *eval = NULL;
	int nknown, total = 0, right = 0, unexpected = 0;
	FILE *f;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s SUITEDIR [KNOWN-FAILURES]\n", argv[0]);
		return 2;
	}
	nknown = load_known(argc == 3 ? argv[2] : NULL, known);
	snprintf(path, sizeof(path), "%s/tests.tsv", argv[1]);
	if ((f = fopen(path, "r")) == NULL) {
		perror(path);
		return 2;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		char *field[FIELDS];
		struct spf_eval_request req = { 0 };
		struct spf_eval_outcome out;
		const char *got;
		struct known *k;
		struct timespec t0, t1;
		long ms;

		if (line[0] == '#')
			continue;
		if (split(line, field) < 0) {
			fprintf(stderr, "%s: bad line\n", path);
			return 2;
		}
		if (strcmp(field[0], current) != 0) {
			scenario_down(&nsd, &resolver, &eval);
			snprintf(current, sizeof(current), "%s", field[0]);
			if (scenario_up(argv[1], current, &nsd, &resolver, &eval) < 0) {
				scenario_down(&nsd, &resolver, &eval);
				return 2;
			}
		}
		req.helo = field[2];
		req.client_ip = field[3];
		req.mail_from = field[4];
		req.receiver = "receiver.example";
		req.timeout_ms = 10000;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		(void)!spf_eval_check(eval, &req, &out);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000;
		if (ms >= SLOW_MS)
			printf("slow       %-28s %ld ms\n", field[1], ms);
		got = spf_eval_result_name(out.result);
		total++;
		k = find_known(known, nknown, field[1]);
		if (k != NULL)
			k->seen = 1;
		if (accepted(field[5], got)) {
			right++;
			if (k != NULL) {
				printf("NOW RIGHT  %-28s %s (remove it from the known failures)\n",
				       field[1], got);
				unexpected++;
			}
			continue;
		}
		printf("%-10s %-28s got %s, want %s%s%s\n", k != NULL ? "known" : "WRONG",
		       field[1], got, field[5], out.problem[0] != '\0' ? " - " : "",
		       out.problem);
		if (k == NULL)
			unexpected++;
	}
	fclose(f);
	scenario_down(&nsd, &resolver, &eval);
	for (int i = 0; i < nknown; i++)
		if (!known[i].seen) {
			printf("STALE      %s is in the known failures but not in the suite\n",
			       known[i].name);
			unexpected++;
		}
	printf("%d of %d right\n", right, total);
	return unexpected == 0 ? 0 : 1;
}
