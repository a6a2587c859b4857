/*
 * arc_bench - what the ARC verifier (lib/arc) costs one message, inside
 * the process, without libmilter or the rest of the pipeline around it
 * (issue 14: mail without ARC fields costs nothing measurable; a
 * two-instance chain at most 0.1 ms of CPU).
 *
 * Each FILE is read once into memory (message_reader, as the offline mode
 * splits it) and then pushed N times through arc_chain_new, _header for
 * every field, _eoh, _body, _finish and _free. Keys come through a real
 * resolver asking NAMESERVERS (bench/arc.sh starts nsd with tests/zones);
 * a first pass warms its cache and dmarcguard_dkim's decoded-key cache,
 * as in a running daemon. Printed per file: the result and reason, the
 * CPU time of this thread per message (CLOCK_THREAD_CPUTIME_ID, the best
 * of three rounds of N), and the bytes the chain holds at the end of the
 * headers, the chain object itself included (mallinfo2, one message after
 * the warm-up, so that OpenSSL's one-time set-up is not counted). A FILE
 * given as LABEL=PATH is printed as LABEL.
 *
 * Usage: dmarcguard-arc-bench -s NAMESERVERS [-n N] [LABEL=]FILE...   (N 2000)
 *
 * Thread-safety: single-threaded program (the resolver has its own thread).
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "arc_chain.h"
#include "message_reader.h"
#include "resolver.h"

struct field {
	char *name, *value;
	size_t len;
};

/* one message as the MTA hands it over: fields, then the body */
struct stored {
	struct field *fields;
	size_t count, alloc;
	unsigned char *body;
	size_t body_len;
};

static int
store_header(void *ctx, const char *name, const char *value, size_t len)
{
	struct stored *m = ctx;

	if (m->count == m->alloc) {
		size_t n = m->alloc ? 2 * m->alloc : 64;
		struct field *grown = realloc(m->fields, n * sizeof(*grown));

		if (grown == NULL)
			return -1;
		m->fields = grown;
		m->alloc = n;
	}
	m->fields[m->count].name = strdup(name);
	m->fields[m->count].value = malloc(len + 1);
	if (m->fields[m->count].name == NULL || m->fields[m->count].value == NULL)
		return -1;
	memcpy(m->fields[m->count].value, value, len);
	m->fields[m->count].value[len] = '\0';
	m->fields[m->count++].len = len;
	return 0;
}

static int
store_eoh(void *ctx)
{
	(void)ctx;
	return 0;
}

static int
store_body(void *ctx, const unsigned char *chunk, size_t len)
{
	struct stored *m = ctx;
	unsigned char *grown = realloc(m->body, m->body_len + len);

	if (grown == NULL)
		return -1;
	memcpy(grown + m->body_len, chunk, len);
	m->body = grown;
	m->body_len += len;
	return 0;
}

/* run_one - one message through the chain; its result and the bytes held at eoh */
static enum arc_chain_status
run_one(const struct stored *m, struct resolver *resolver, const char **reason_r,
	size_t *held_r)
{
	struct arc_chain_settings settings;
	const char *error = NULL;
	struct arc_chain *c;
	enum arc_chain_status st;
	size_t before = held_r != NULL ? mallinfo2().uordblks : 0;

	arc_chain_settings_init(&settings);
	if ((c = arc_chain_new(&settings, &error)) == NULL) {
		fprintf(stderr, "arc-bench: %s\n", error);
		exit(1);
	}
	for (size_t i = 0; i < m->count; i++)
		arc_chain_header(c, m->fields[i].name, m->fields[i].value, m->fields[i].len);
	arc_chain_eoh(c);
	if (held_r != NULL)
		*held_r = mallinfo2().uordblks - before;
	arc_chain_body(c, m->body, m->body_len);
	st = arc_chain_finish(c, resolver)->status;
	*reason_r = arc_chain_finish(c, resolver)->reason;
	arc_chain_free(&c);
	return st;
}

static double
cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int
main(int argc, char **argv)
{
	struct resolver_settings rs;
	struct resolver *resolver;
	const char *nameservers = NULL, *error = NULL;
	long n = 2000;
	int opt;

	while ((opt = getopt(argc, argv, "s:n:")) != -1) {
		if (opt == 's')
			nameservers = optarg;
		else if (opt == 'n')
			n = strtol(optarg, NULL, 10);
		else
			return 2;
	}
	if (nameservers == NULL || optind >= argc || n <= 0) {
		fprintf(stderr, "usage: dmarcguard-arc-bench -s NAMESERVERS [-n N] FILE...\n");
		return 2;
	}
	resolver_settings_init(&rs);
	rs.nameservers = nameservers;
	if ((resolver = resolver_new(&rs, &error)) == NULL) {
		fprintf(stderr, "arc-bench: resolver: %s\n", error);
		return 1;
	}
	printf("%-40s %-6s %-28s %12s %10s\n", "file", "result", "reason", "us/message",
	       "held@eoh");
	for (int a = optind; a < argc; a++) {
		struct stored m = { 0 };
		struct message_reader_sink sink = { store_header, store_eoh, store_body, &m };
		const char *reason = NULL, *path = argv[a], *eq = strchr(argv[a], '=');
		char label[64];
		enum arc_chain_status st;
		double best = 0;
		size_t held = 0;
		FILE *f;

		if (eq != NULL) {
			snprintf(label, sizeof(label), "%.*s", (int)(eq - path), path);
			path = eq + 1;
		} else {
			snprintf(label, sizeof(label), "%s",
				 strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
		}
		if ((f = fopen(path, "rb")) == NULL || message_reader_feed(f, &sink) != 0) {
			fprintf(stderr, "arc-bench: %s: cannot read\n", path);
			return 1;
		}
		fclose(f);
		run_one(&m, resolver, &reason, NULL);	/* warms the caches */
		st = run_one(&m, resolver, &reason, &held);
		for (int round = 0; round < 3; round++) {
			double t0 = cpu_ns(), per;

			for (long i = 0; i < n; i++)
				run_one(&m, resolver, &reason, NULL);
			per = (cpu_ns() - t0) / (double)n / 1000.0;
			if (round == 0 || per < best)
				best = per;
		}
		printf("%-40s %-6s %-28s %12.2f %10zu\n", label,
		       arc_chain_status_name(st), reason ? reason : "-", best, held);
		for (size_t i = 0; i < m.count; i++) {
			free(m.fields[i].name);
			free(m.fields[i].value);
		}
		free(m.fields);
		free(m.body);
	}
	resolver_free(&resolver);
	return 0;
}
