/*
 * main - the dmarcguard executable: command line, start-up order, and
 * shutdown.
 *
 *   dmarcguard [-c FILE] [-f] [-n] [-V] [--sample-config]
 *   dmarcguard [-c FILE] --test MESSAGE --client-ip IP --helo NAME --mail-from ADDR
 *
 * Start-up order matters: read and check the configuration (refuse to
 * start on any error, with file:line; -n stops after these checks and
 * preflight's, which start-up runs as well, and prints the warnings about
 * keys of earlier releases that the daemon logs), detach unless -f, write the PID
 * file, open the milter socket, set its permissions, drop privileges, and
 * only then create the threads (resolver, libmilter workers): libunbound
 * and libmilter must not cross a fork.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "daemon.h"
#include "offline.h"
#include "preflight.h"
#include "version.h"

static void
usage(FILE *out)
{
	fprintf(out,
		"usage: dmarcguard [-c FILE] [-f] [-n] [-V] [--sample-config]\n"
		"       dmarcguard [-c FILE] --test MESSAGE --client-ip IP --helo NAME\n"
		"                  --mail-from ADDR [--rcpt ADDR] [--authenticated]\n"
		"\n"
		"  -c FILE          configuration file (default: embedded defaults)\n"
		"  -f               stay in the foreground; alerts also go to stderr\n"
		"  -n               check the configuration and exit (0 good, 1 bad)\n"
		"  -V               print the version and exit\n"
		"  --sample-config  print the commented sample configuration\n"
		"  --test MESSAGE   evaluate one message file offline and print the verdict\n");
}

enum { OPT_SAMPLE = 256, OPT_TEST, OPT_CLIENT_IP, OPT_HELO, OPT_MAIL_FROM, OPT_RCPT,
       OPT_AUTHENTICATED, OPT_CLIENT_NAME };

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "sample-config", no_argument, NULL, OPT_SAMPLE },
		{ "test", required_argument, NULL, OPT_TEST },
		{ "client-ip", required_argument, NULL, OPT_CLIENT_IP },
		{ "client-name", required_argument, NULL, OPT_CLIENT_NAME },
		{ "helo", required_argument, NULL, OPT_HELO },
		{ "mail-from", required_argument, NULL, OPT_MAIL_FROM },
		{ "rcpt", required_argument, NULL, OPT_RCPT },
		{ "authenticated", no_argument, NULL, OPT_AUTHENTICATED },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct offline_request test = { 0 };
	const char *config_path = NULL;
	int foreground = 0, check_only = 0, opt;
	struct config *config;
	char error[1024];

	while ((opt = getopt_long(argc, argv, "c:fnVh", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c': config_path = optarg; break;
		case 'f': foreground = 1; break;
		case 'n': check_only = 1; break;
		case 'V':
			printf("dmarcguard %s\n", dmarcguard_version());
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		case OPT_SAMPLE:
			config_write_sample(stdout);
			return 0;
		case OPT_TEST: test.message_path = optarg; break;
		case OPT_CLIENT_IP: test.client_ip = optarg; break;
		case OPT_CLIENT_NAME: test.client_name = optarg; break;
		case OPT_HELO: test.helo = optarg; break;
		case OPT_MAIL_FROM: test.mail_from = optarg; break;
		case OPT_RCPT: test.rcpt = optarg; break;
		case OPT_AUTHENTICATED: test.authenticated = 1; break;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "dmarcguard: unexpected argument \"%s\"\n", argv[optind]);
		usage(stderr);
		return 2;
	}
	if ((config = config_load(config_path, error, sizeof(error))) == NULL) {
		fprintf(stderr, "dmarcguard: %s\n", error);
		return test.message_path ? 2 : 1;
	}
	if (check_only || test.message_path != NULL) {
		/* the daemon logs these at start and on reload (daemon.c) */
		for (size_t i = 0; i < config->warning_count; i++)
			fprintf(stderr, "dmarcguard: warning: %s\n", config->warnings[i]);
	}
	if (check_only) {
		/* what start-up would check before changing anything, too */
		int rc = preflight_check(config, error, sizeof(error));

		if (rc < 0)
			fprintf(stderr, "dmarcguard: %s: %s\n", config->source, error);
		else
			printf("dmarcguard: %s: configuration OK%s%s\n", config->source,
			       config_path != NULL && config->key_lines == 0
			       ? " (it sets no key: the embedded defaults apply)" : "",
			       config->warning_count > 0
			       ? " (with warnings about keys of earlier releases, above)" : "");
		config_unref(&config);
		return rc < 0 ? 1 : 0;
	}
	if (test.message_path != NULL) {
		int rc = offline_run(config, &test, stdout, stderr);

		config_unref(&config);
		return rc;
	}
	return daemon_run(config_path, config, foreground);
}
