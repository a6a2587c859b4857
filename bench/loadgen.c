/*
 * dmarcguard-loadgen - drive one milter, or two chained as Postfix chains
 * smtpd_milters, with a stored corpus from many concurrent connections,
 * and report throughput, latency, the actions taken and the CPU time and
 * memory the milter processes spent.
 *
 *   dmarcguard-loadgen --milter SPEC [--milter SPEC] --corpus DIR
 *                      [-c CONNECTIONS] [-m MESSAGES] [-r ROUNDS]
 *                      [--pid PID]... [--label NAME] [--timeout MS] [--expect]
 *                      [--show N] [--writes postfix|sendmail]
 *
 * Each of the CONNECTIONS threads opens ROUNDS milter connections one
 * after another and sends MESSAGES messages over each. A message's latency
 * runs from MAIL FROM to the last milter's end-of-message reply. With
 * --pid, user+system CPU time of those processes is read before and after
 * the run, and their resident memory is sampled every 10 ms. --show N
 * prints the headers of the first N messages as the milters left them.
 * --writes says how commands reach the socket: as Postfix writes them (the
 * default: no-reply commands buffered until a reply is awaited or 4 KB are
 * pending) or as Sendmail does (each command written at once); see
 * milter_client.c, event().
 *
 * Output: one line "loadgen key=value ..." for scripts, then a table.
 * Exit status: 0; 1 when a message failed (protocol error, timeout), a
 * watched milter process disappeared or, with --expect, a message got
 * another action than the corpus says; 2 on bad usage.
 */
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "corpus.h"
#include "latency.h"
#include "milter_chain.h"
#include "proc_stat.h"

#define MAX_PIDS 8
#define MAX_REPORTED_MISMATCHES 5

struct options {
	const char *milters[MILTER_CHAIN_MAX];
	size_t milter_count;
	const char *corpus_dir;
	const char *label;
	long connections, messages, rounds;
	pid_t pids[MAX_PIDS];
	size_t pid_count;
	int timeout_ms;
	int expect;
	long show;		/* print the edited headers of this many messages */
	int write_each_command;	/* --writes sendmail */
};

struct run {
	const struct options *opt;
	const struct corpus *corpus;
	struct latency *latency;
	atomic_long next_connection;
	atomic_long outcomes[CHAIN_OUTCOMES];
	atomic_long quarantined;
	atomic_long header_edits;
	atomic_long mismatches;
	atomic_long connection_failures;
	atomic_long sent;
	atomic_long shown;
	pthread_mutex_t report_lock;
	atomic_int sampling;
	long rss_peak_kb[MAX_PIDS];
};

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1000.0 + (double)ts.tv_nsec / 1e6;
}

/* action_of - the corpus' name for what happened: accept, quarantine, reject, ... */
static const char *
action_of(const struct chain_result *r)
{
	if (r->outcome == CHAIN_ACCEPT || r->outcome == CHAIN_CONTINUE)
		return r->quarantined ? "quarantine" : "accept";
	return milter_chain_outcome_name(r->outcome);
}

static void
check_expectation(struct run *run, const struct corpus_entry *e, const struct chain_result *r)
{
	long n;

	if (!run->opt->expect || strcmp(e->expect, "-") == 0 || strcmp(e->expect, action_of(r)) == 0)
		return;
	n = atomic_fetch_add(&run->mismatches, 1);
	if (n < MAX_REPORTED_MISMATCHES) {
		pthread_mutex_lock(&run->report_lock);
		fprintf(stderr, "loadgen: %s from %s <%s>: got %s (%s), want %s\n", e->file,
			e->client_ip, e->mail_from, action_of(r), r->reply, e->expect);
		pthread_mutex_unlock(&run->report_lock);
	}
}

/* show_headers - the headers a message left the milters with, and the verdict */
static void
show_headers(struct run *run, const struct corpus_entry *e, const struct milter_chain *ch,
	     const struct chain_result *r)
{
	const struct mail_headers *h = milter_chain_headers(ch);

	if (atomic_fetch_add(&run->shown, 1) >= run->opt->show)
		return;
	pthread_mutex_lock(&run->report_lock);
	printf("--- %s from %s <%s>: %s %s%s%s\n", e->file, e->client_ip, e->mail_from,
	       action_of(r), r->reply, r->quarantined ? " quarantine reason: " : "",
	       r->quarantine_reason);
	for (size_t i = 0; i < h->count; i++)
		printf("%s:%s\n", h->items[i].name, h->items[i].value);
	pthread_mutex_unlock(&run->report_lock);
}

/* one_connection - open the chain for connection k and send its messages */
static void
one_connection(struct run *run, long k, unsigned thread)
{
	const struct options *opt = run->opt;
	const struct corpus *c = run->corpus;
	size_t idx = (size_t)k % c->count;
	const struct corpus_entry *first = &c->entries[idx];
	struct chain_connection conn = {
		.client_ip = first->client_ip, .client_name = "unknown",
		.client_port = (uint16_t)(20000 + k % 40000), .helo = first->helo,
		.mta_name = "mx.bench.example",
	};
	struct milter_client_options copt = {
		.connect_timeout_ms = opt->timeout_ms, .command_timeout_ms = opt->timeout_ms,
		.content_timeout_ms = opt->timeout_ms,
		.write_each_command = opt->write_each_command,
	};
	struct milter_chain *ch = NULL;
	const char *error = NULL;

	for (long j = 0; j < opt->messages; j++, idx = c->entries[idx].next_in_group) {
		const struct corpus_entry *e = &c->entries[idx];
		struct chain_result r;
		char qid[32];
		struct chain_envelope env = {
			.queue_id = qid, .mail_from = e->mail_from,
			.rcpt = "analyst@receiver.example", .authenticated = e->authenticated,
		};
		double start = now_ms();

		snprintf(qid, sizeof(qid), "B%02X%05lX%03lX", thread & 0xff, k & 0xfffff, j & 0xfff);
		if (ch == NULL
		    && (ch = milter_chain_open(opt->milters, opt->milter_count, &copt, &conn,
					       &error)) == NULL) {
			atomic_fetch_add(&run->connection_failures, 1);
			atomic_fetch_add(&run->outcomes[CHAIN_ERROR], 1);
			atomic_fetch_add(&run->sent, 1);
			pthread_mutex_lock(&run->report_lock);
			fprintf(stderr, "loadgen: connection %ld: %s\n", k, error);
			pthread_mutex_unlock(&run->report_lock);
			continue;
		}
		if (milter_chain_message(ch, &env, e->msg, &r) < 0) {
			pthread_mutex_lock(&run->report_lock);
			fprintf(stderr, "loadgen: %s (queue id %s): %s\n", e->file, qid, r.reply);
			pthread_mutex_unlock(&run->report_lock);
			milter_chain_close(&ch);	/* the next message reconnects */
		}
		latency_add(run->latency, now_ms() - start);
		if (run->opt->show > 0 && ch != NULL)
			show_headers(run, e, ch, &r);
		atomic_fetch_add(&run->outcomes[r.outcome], 1);
		atomic_fetch_add(&run->sent, 1);
		if (r.quarantined)
			atomic_fetch_add(&run->quarantined, 1);
		atomic_fetch_add(&run->header_edits, (long)r.header_edits);
		check_expectation(run, e, &r);
	}
	milter_chain_close(&ch);
}

static void *
worker(void *arg)
{
	struct run *run = ((void **)arg)[0];
	unsigned thread = (unsigned)(uintptr_t)((void **)arg)[1];
	long total = run->opt->connections * run->opt->rounds, k;

	while ((k = atomic_fetch_add(&run->next_connection, 1)) < total)
		one_connection(run, k, thread);
	return NULL;
}

/* sampler - the largest resident size of each watched process */
static void *
sampler(void *arg)
{
	struct run *run = arg;

	while (atomic_load(&run->sampling)) {
		for (size_t i = 0; i < run->opt->pid_count; i++) {
			long kb = proc_stat_kb(run->opt->pids[i], "VmRSS");

			if (kb > run->rss_peak_kb[i])
				run->rss_peak_kb[i] = kb;
		}
		usleep(10 * 1000);
	}
	return NULL;
}

static void
usage(FILE *out)
{
	fprintf(out,
		"usage: dmarcguard-loadgen --milter SPEC [--milter SPEC] --corpus DIR\n"
		"         [-c CONNECTIONS] [-m MESSAGES] [-r ROUNDS] [--pid PID]...\n"
		"         [--label NAME] [--timeout MS] [--expect] [--show N]\n"
		"         [--writes postfix|sendmail]\n"
		"  SPEC: unix:/path, inet:PORT@ADDRESS, inet6:PORT@ADDRESS; two --milter are\n"
		"  chained in order as Postfix chains smtpd_milters.\n");
}

static long
number(const char *s, long min, long max)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*s == '\0' || *end != '\0' || v < min || v > max) {
		fprintf(stderr, "dmarcguard-loadgen: bad number %s\n", s);
		exit(2);
	}
	return v;
}

static void
parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "milter", required_argument, NULL, 'M' },
		{ "corpus", required_argument, NULL, 'C' },
		{ "connections", required_argument, NULL, 'c' },
		{ "messages", required_argument, NULL, 'm' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "pid", required_argument, NULL, 'p' },
		{ "label", required_argument, NULL, 'l' },
		{ "timeout", required_argument, NULL, 't' },
		{ "expect", no_argument, NULL, 'e' },
		{ "show", required_argument, NULL, 's' },
		{ "writes", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	*o = (struct options){ .label = "run", .connections = 4, .messages = 100, .rounds = 1,
			       .timeout_ms = 10000 };
	while ((opt = getopt_long(argc, argv, "c:m:r:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'M':
			if (o->milter_count == 2) {
				fprintf(stderr, "dmarcguard-loadgen: at most two milters\n");
				exit(2);
			}
			o->milters[o->milter_count++] = optarg;
			break;
		case 'C': o->corpus_dir = optarg; break;
		case 'c': o->connections = number(optarg, 1, 4096); break;
		case 'm': o->messages = number(optarg, 1, 100000000); break;
		case 'r': o->rounds = number(optarg, 1, 100000000); break;
		case 'p':
			if (o->pid_count == MAX_PIDS) {
				fprintf(stderr, "dmarcguard-loadgen: at most %d pids\n", MAX_PIDS);
				exit(2);
			}
			o->pids[o->pid_count++] = (pid_t)number(optarg, 1, 1L << 30);
			break;
		case 'l': o->label = optarg; break;
		case 't': o->timeout_ms = (int)number(optarg, 1, 3600000); break;
		case 'e': o->expect = 1; break;
		case 's': o->show = number(optarg, 0, 1000000); break;
		case 'w':
			if (strcmp(optarg, "postfix") != 0 && strcmp(optarg, "sendmail") != 0) {
				fprintf(stderr, "dmarcguard-loadgen: --writes postfix or sendmail\n");
				exit(2);
			}
			o->write_each_command = strcmp(optarg, "sendmail") == 0;
			break;
		case 'h': usage(stdout); exit(0);
		default: usage(stderr); exit(2);
		}
	}
	if (o->milter_count == 0 || o->corpus_dir == NULL || optind != argc) {
		usage(stderr);
		exit(2);
	}
}

static void
report(struct run *run, double seconds, const double *cpu_before, const double *cpu_after,
       const long *rss_before, double own_cpu_ms)
{
	const struct options *o = run->opt;
	struct latency_summary s;
	long sent = atomic_load(&run->sent), total = 0;
	double cpu_ms = 0;
	long rss_peak = 0, rss_start = 0;

	latency_summary(run->latency, &s);
	for (int i = 0; i < CHAIN_OUTCOMES; i++)
		total += atomic_load(&run->outcomes[i]);
	for (size_t i = 0; i < o->pid_count; i++) {
		long hwm = proc_stat_kb(o->pids[i], "VmHWM");

		cpu_ms += cpu_after[i] - cpu_before[i];
		if (hwm > run->rss_peak_kb[i])
			run->rss_peak_kb[i] = hwm;
		rss_peak += run->rss_peak_kb[i];
		rss_start += rss_before[i];
	}
	printf("loadgen label=%s milters=%zu writes=%s connections=%ld messages=%ld seconds=%.3f "
	       "msgs_per_sec=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f over_1s=%zu",
	       o->label, o->milter_count, o->write_each_command ? "sendmail" : "postfix",
	       o->connections, sent, seconds,
	       seconds > 0 ? (double)sent / seconds : 0.0, s.p50_ms, s.p90_ms, s.p99_ms,
	       s.max_ms, s.over_1s);
	for (int i = 0; i < CHAIN_OUTCOMES; i++)
		printf(" %s=%ld", milter_chain_outcome_name(i), atomic_load(&run->outcomes[i]));
	printf(" quarantine=%ld header_edits=%ld mismatches=%ld connection_failures=%ld "
	       "counts_add_up=%s",
	       atomic_load(&run->quarantined), atomic_load(&run->header_edits),
	       atomic_load(&run->mismatches), atomic_load(&run->connection_failures),
	       total == sent && sent == o->connections * o->rounds * o->messages ? "yes" : "no");
	if (o->pid_count > 0)
		printf(" milter_cpu_ms=%.0f cpu_ms_per_msg=%.4f rss_start_kb=%ld rss_peak_kb=%ld",
		       cpu_ms, sent ? cpu_ms / (double)sent : 0.0, rss_start, rss_peak);
	printf(" loadgen_cpu_ms_per_msg=%.4f\n", sent ? own_cpu_ms / (double)sent : 0.0);

	printf("\n  %-28s %s\n", "run", o->label);
	printf("  %-28s %ld x %ld rounds x %ld messages = %ld\n", "connections x messages",
	       o->connections, o->rounds, o->messages, sent);
	printf("  %-28s %.2f s, %.1f messages/s\n", "elapsed", seconds,
	       seconds > 0 ? (double)sent / seconds : 0.0);
	printf("  %-28s p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms, over 1 s: %zu\n",
	       "latency (MAIL to last EOM)", s.p50_ms, s.p90_ms, s.p99_ms, s.max_ms, s.over_1s);
	printf("  %-28s accept %ld, continue %ld (of which quarantined %ld), reject %ld, "
	       "tempfail %ld, discard %ld, error %ld\n", "final replies",
	       atomic_load(&run->outcomes[CHAIN_ACCEPT]), atomic_load(&run->outcomes[CHAIN_CONTINUE]),
	       atomic_load(&run->quarantined), atomic_load(&run->outcomes[CHAIN_REJECT]),
	       atomic_load(&run->outcomes[CHAIN_TEMPFAIL]),
	       atomic_load(&run->outcomes[CHAIN_DISCARD]), atomic_load(&run->outcomes[CHAIN_ERROR]));
	for (size_t i = 0; i < o->pid_count; i++)
		printf("  %-19s %-8d CPU %.0f ms (%.4f ms/message), RSS %ld kB at start, "
		       "peak %ld kB\n", "milter process", (int)o->pids[i],
		       cpu_after[i] - cpu_before[i],
		       sent ? (cpu_after[i] - cpu_before[i]) / (double)sent : 0.0, rss_before[i],
		       run->rss_peak_kb[i]);
	printf("  %-28s %.4f ms/message\n\n", "load generator CPU", sent ? own_cpu_ms / (double)sent : 0.0);
}

static double
own_cpu_ms(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000.0
		+ (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1000.0;
}

int
main(int argc, char **argv)
{
	struct options o;
	struct run run;
	char error[4200];
	double cpu_before[MAX_PIDS], cpu_after[MAX_PIDS], start, own;
	long rss_before[MAX_PIDS];
	pthread_t *threads, sample;
	pthread_attr_t attr;
	void *(*args)[2];

	parse_options(argc, argv, &o);
	signal(SIGPIPE, SIG_IGN);
	memset(&run, 0, sizeof(run));
	run.opt = &o;
	pthread_mutex_init(&run.report_lock, NULL);
	if ((run.corpus = corpus_load(o.corpus_dir, error, sizeof(error))) == NULL) {
		fprintf(stderr, "dmarcguard-loadgen: %s\n", error);
		return 2;
	}
	run.latency = latency_new((size_t)(o.connections * o.rounds * o.messages));
	threads = calloc((size_t)o.connections, sizeof(*threads));
	args = calloc((size_t)o.connections, sizeof(*args));
	if (run.latency == NULL || threads == NULL || args == NULL) {
		fprintf(stderr, "dmarcguard-loadgen: out of memory\n");
		return 2;
	}
	for (size_t i = 0; i < o.pid_count; i++) {
		(void)proc_stat_reset_peak(o.pids[i]);
		rss_before[i] = proc_stat_kb(o.pids[i], "VmRSS");
		run.rss_peak_kb[i] = rss_before[i];
		cpu_before[i] = proc_stat_cpu_ms(o.pids[i]);
		if (cpu_before[i] < 0) {
			fprintf(stderr, "dmarcguard-loadgen: no process %d\n", (int)o.pids[i]);
			return 2;
		}
	}
	atomic_store(&run.sampling, 1);
	if (o.pid_count > 0)
		pthread_create(&sample, NULL, sampler, &run);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	own = own_cpu_ms();
	start = now_ms();
	for (long i = 0; i < o.connections; i++) {
		args[i][0] = &run;
		args[i][1] = (void *)(uintptr_t)i;
		if (pthread_create(&threads[i], &attr, worker, args[i]) != 0) {
			fprintf(stderr, "dmarcguard-loadgen: cannot start thread %ld\n", i);
			return 2;
		}
	}
	for (long i = 0; i < o.connections; i++)
		pthread_join(threads[i], NULL);
	start = (now_ms() - start) / 1000.0;
	own = own_cpu_ms() - own;
	int gone = 0;

	for (size_t i = 0; i < o.pid_count; i++) {
		cpu_after[i] = proc_stat_cpu_ms(o.pids[i]);
		if (cpu_after[i] < 0) {
			fprintf(stderr, "dmarcguard-loadgen: milter process %d is gone (crashed?)\n",
				(int)o.pids[i]);
			cpu_after[i] = cpu_before[i];
			gone = 1;
		}
	}
	atomic_store(&run.sampling, 0);
	if (o.pid_count > 0)
		pthread_join(sample, NULL);
	report(&run, start, cpu_before, cpu_after, rss_before, own);
	{
		int failed = gone || atomic_load(&run.outcomes[CHAIN_ERROR]) > 0
			|| atomic_load(&run.mismatches) > 0;
		struct corpus *c = (struct corpus *)run.corpus;

		corpus_free(&c);
		latency_free(&run.latency);
		free(threads);
		free(args);
		return failed ? 1 : 0;
	}
}
