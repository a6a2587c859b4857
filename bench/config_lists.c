/*
 * config_lists - how long the configuration takes to load with long lists,
 * and how much memory it takes (issue 19, item 5). Not a test: it prints
 * figures.
 *
 *   dmarcguard-config-lists [-t SECONDS] [LINES...]    (default 10000 100000 1000000)
 *
 * For each size it writes, in a temporary directory, a configuration with
 * that many "AllowFromDomains dN.example" lines, one with that many
 * "TrustedNetworks" lines, and one whose DomainRulesFile has that many
 * "protect dN.example" lines; each is loaded with config_load in a child
 * process, so that the child's peak RSS (wait4) is that of one load. A
 * load that takes longer than -t seconds (default 120) is killed and
 * reported as such. Exit status 1 if a load failed or was killed.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"

enum list_kind { LIST_DOMAINS, LIST_NETWORKS, LIST_RULES_FILE };

static const char *const kind_names[] = {
	"AllowFromDomains lines", "TrustedNetworks lines", "DomainRulesFile lines",
};

/* write_lines - n list lines of one kind into path; 0 or -1 */
static int
write_lines(const char *path, enum list_kind kind, unsigned long n)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return -1;
	for (unsigned long i = 0; i < n; i++) {
		switch (kind) {
		case LIST_DOMAINS:
			fprintf(f, "AllowFromDomains d%lu.example\n", i);
			break;
		case LIST_NETWORKS:
			/* distinct /32s in 10.0.0.0/8, then /128s in 2001:db8::/32 */
			if (i < (1UL << 24))
				fprintf(f, "TrustedNetworks 10.%lu.%lu.%lu\n", (i >> 16) & 255,
					(i >> 8) & 255, i & 255);
			else
				fprintf(f, "TrustedNetworks 2001:db8::%lx\n", i);
			break;
		case LIST_RULES_FILE:
			fprintf(f, "%s d%lu.example\n", i % 2 ? "relax" : "protect", i);
			break;
		}
	}
	return fclose(f) == 0 ? 0 : -1;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* run_one - load conf in a child; print seconds and peak RSS; 0 or -1 */
static int
run_one(const char *conf, enum list_kind kind, unsigned long n, unsigned timeout)
{
	double start = now_s();
	struct rusage ru;
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		char error[1024];
		struct config *c;

		alarm(timeout);
		if ((c = config_load(conf, error, sizeof(error))) == NULL) {
			fprintf(stderr, "config_load: %s\n", error);
			_exit(1);
		}
		config_unref(&c);
		_exit(0);
	}
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) {
		printf("%-24s %9lu   > %u s (stopped)\n", kind_names[kind], n, timeout);
		return -1;
	}
	printf("%-24s %9lu %9.3f s %8ld MB peak RSS%s\n", kind_names[kind], n, now_s() - start,
	       ru.ru_maxrss / 1024, WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "" : "  FAILED");
	fflush(stdout);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int
main(int argc, char **argv)
{
	static const unsigned long default_sizes[] = { 10000, 100000, 1000000 };
	char dir[] = "/tmp/dmarcguard-config-lists-XXXXXX", conf[128], rules[128];
	unsigned timeout = 120;
	int opt, rc = 0;

	while ((opt = getopt(argc, argv, "t:")) != -1) {
		if (opt != 't') {
			fprintf(stderr, "usage: %s [-t SECONDS] [LINES...]\n", argv[0]);
			return 2;
		}
		timeout = (unsigned)strtoul(optarg, NULL, 10);
	}
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(conf, sizeof(conf), "%s/dmarcguard.conf", dir);
	snprintf(rules, sizeof(rules), "%s/rules", dir);
	printf("%-24s %9s %11s %8s\n", "list", "lines", "load", "peak");
	for (int a = optind; a < argc || (optind == argc && a < optind + 3); a++) {
		unsigned long n = optind == argc ? default_sizes[a - optind]
			: strtoul(argv[a], NULL, 10);

		for (int kind = LIST_DOMAINS; kind <= LIST_RULES_FILE; kind++) {
			int ok;

			if (kind == LIST_RULES_FILE) {
				FILE *f = fopen(conf, "w");

				ok = f != NULL && fprintf(f, "DomainRulesFile %s\n", rules) > 0
					&& fclose(f) == 0 && write_lines(rules, kind, n) == 0;
			} else {
				ok = write_lines(conf, kind, n) == 0;
			}
			if (!ok) {
				perror(dir);
				rc = 1;
				break;
			}
			if (run_one(conf, kind, n, timeout) < 0)
				rc = 1;
		}
	}
	unlink(conf);
	unlink(rules);
	rmdir(dir);
	return rc;
}
