/*
 * daemon - start-up sequence, signal thread and shutdown (see daemon.h).
 *
 * Thread-safety: daemon_run runs on the main thread; the signal thread
 * only builds new runtimes and installs them through runtime.c, or starts
 * the graceful stop (shutdown.c).
 */
#include "daemon.h"
#include "admission.h"
#include "config_table.h"
#include "filter.h"
#include "log.h"
#include "macro_guard.h"
#include "metrics_sample.h"
#include "metrics_server.h"
#include "preflight.h"
#include "process.h"
#include "report_recorder.h"
#include "runtime.h"
#include "shutdown.h"
#include "socket_claim.h"
#include "version.h"

#include <libmilter/mfapi.h>
#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/*
 * Keys read once at start: a reload cannot change them. The DNS keys are
 * among them because the resolver lives as long as the process.
 */
static const char *const restart_keys[] = {
	"Socket", "SocketMode", "SocketGroup", "UserID", "PidFile", "Syslog", "SyslogFacility",
	"MaxConnections", "Nameservers", "DNSRecursion", "DNSTimeout", "DNSCacheSize",
	"ReportStore", "ReportQueueSize", "MetricsSocket",
};

struct reload_args {
	const char *config_path;
	struct resolver *resolver;
	struct report_recorder *recorder;	/* NULL without ReportStore */
	struct metrics *metrics;	/* NULL without MetricsSocket */
	sigset_t signals;
};

static void
warn_restart_keys(const struct config *old, const struct config *new)
{
	for (size_t i = 0; i < sizeof(restart_keys) / sizeof(restart_keys[0]); i++) {
		const struct config_key *key = config_key_find(restart_keys[i]);
		size_t k = (size_t)(key - config_keys);

		if (strcmp(old->raw[k], new->raw[k]) != 0)
			log_msg(LOG_WARNING, "reload: %s changed; it takes effect on restart only",
				key->name);
	}
}

/* log_warnings - what loading the configuration said about old key names */
static void
log_warnings(const struct config *config, const char *when)
{
	for (size_t i = 0; i < config->warning_count; i++)
		log_msg(LOG_WARNING, "%s%s", when, config->warnings[i]);
}

static void
reload(const char *path, struct resolver *resolver, struct report_recorder *recorder,
       struct metrics *metrics)
{
	char error[1024];
	const char *why = NULL;
	struct config *config = config_load(path, error, sizeof(error));
	struct runtime *rt, *old;

	if (config != NULL && path != NULL && config->key_lines == 0) {
		/* an empty file on a running system is a truncated write far more
		 * often than a wish to reset every key (see config.h) */
		snprintf(error, sizeof(error), "%s sets no key (empty, or cut short while"
			 " being written?); restart to run on the embedded defaults", path);
		config_unref(&config);
	}
	if (config == NULL) {
		log_msg(LOG_ERR, "reload refused, keeping the running configuration: %s", error);
		metrics_add(metrics, METRICS_RELOADS, "failed", NULL, 1);
		/* give back what the refused file took (a long list, say) */
		malloc_trim(0);
		return;
	}
	log_warnings(config, "reload: ");
	if ((old = runtime_acquire()) != NULL) {
		warn_restart_keys(old->config, config);
		runtime_unref(&old);
	}
	if ((rt = runtime_new(config, resolver, &why)) == NULL) {
		log_msg(LOG_ERR, "reload refused, keeping the running configuration: %s", why);
		metrics_add(metrics, METRICS_RELOADS, "failed", NULL, 1);
		return;
	}
	rt->recorder = recorder;
	rt->metrics = metrics;
	runtime_install(rt);
	metrics_add(metrics, METRICS_RELOADS, "ok", NULL, 1);
	log_msg(LOG_NOTICE, "configuration reloaded from %s", path ? path : "(embedded defaults)");
}

/*
 * signal_main - SIGUSR1 reloads, SIGQUIT stops gracefully. The main thread
 * cancels this thread at exit; it may be cancelled only in sigwait, never
 * halfway through a reload or a drain.
 */
static void *
signal_main(void *arg)
{
	struct reload_args *a = arg;
	int sig;

	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
	for (;;) {
		pthread_setcancelstate(PTHREAD_CANCEL_ENABLE, NULL);
		if (sigwait(&a->signals, &sig) != 0)
			continue;
		pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
		if (sig == SIGUSR1)
			reload(a->config_path, a->resolver, a->recorder, a->metrics);
		else if (sig == SIGQUIT)
			shutdown_drain(DAEMON_DRAIN_SECONDS);
	}
	return NULL;
}

/*
 * stderr_is_journal - systemd sets JOURNAL_STREAM to "dev:inode" of the
 * journal stream it connected to stderr; with syslog on, copying lines to
 * stderr would then put every line in the journal twice.
 */
static int
stderr_is_journal(void)
{
	const char *js = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;

	if (js == NULL || sscanf(js, "%llu:%llu", &dev, &ino) != 2 || fstat(2, &st) < 0)
		return 0;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

/* postfix_address - libmilter's "inet:PORT@HOST" is Postfix's "inet:HOST:PORT" */
static void
postfix_address(const char *socket, char *out, size_t size)
{
	const char *path = process_socket_path(socket), *rest, *at;
	int v6 = strncmp(socket, "inet6:", 6) == 0;

	if (path != NULL) {
		snprintf(out, size, "unix:%s", path);
		return;
	}
	rest = strchr(socket, ':') + 1;
	if ((at = strchr(rest, '@')) == NULL)
		snprintf(out, size, "inet:localhost:%s", rest);
	else if (v6)
		snprintf(out, size, "inet:[%s]:%.*s", at + 1, (int)(at - rest), rest);
	else
		snprintf(out, size, "inet:%s:%.*s", at + 1, (int)(at - rest), rest);
}

static void
print_mta_lines(const char *socket)
{
	char postfix[300];

	postfix_address(socket, postfix, sizeof(postfix));
	printf("dmarcguard %s listening on %s\n"
	       "Postfix main.cf:\n"
	       "  smtpd_milters = %s\n"
	       "  non_smtpd_milters = %s\n"
	       "  milter_default_action = tempfail\n"
	       "Sendmail .mc:\n"
	       "  INPUT_MAIL_FILTER(`dmarcguard', `S=%s, F=T, T=S:30s;R:2m;E:5m')\n",
	       dmarcguard_version(), socket, postfix, postfix, socket);
	fflush(stdout);
}

/* fd_limits - raise the open-file limit and set the connection limit below it */
static void
fd_limits(unsigned configured)
{
	char error[256];
	rlim_t fds;
	int lowered;
	unsigned max;

	if (process_raise_fd_limit(&fds, error, sizeof(error)) < 0)
		log_msg(LOG_WARNING, "%s", error);
	max = admission_limit(configured, fds, &lowered);
	if (lowered)
		log_msg(LOG_WARNING, "MaxConnections %u leaves fewer than %d of the %llu open files"
			" free; using %u", configured, ADMISSION_FD_RESERVE,
			(unsigned long long)fds, max);
	admission_init(max, fds);
	log_msg(LOG_INFO, "open-file limit %llu, MaxConnections %u", (unsigned long long)fds, max);
}

int
daemon_run(const char *config_path, struct config *config, int foreground)
{
	struct reload_args reload_args = { .config_path = config_path };
	struct metrics_sample_sources sample_sources = { 0 };
	struct resolver_settings rs;
	struct socket_claim claim = { 0 };
	struct runtime *rt;
	struct metrics_server *metrics_server = NULL;
	int metrics_fd = -1;
	pthread_t reloader;
	char error[1024], pid_file[512], socket_spec[512];
	const char *why = NULL;
	int rc;

	log_open("dmarcguard", config->syslog, config->syslog_facility,
		 foreground && !(config->syslog && stderr_is_journal()));
	signal(SIGPIPE, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	sigemptyset(&reload_args.signals);
	sigaddset(&reload_args.signals, SIGUSR1);
	sigaddset(&reload_args.signals, SIGQUIT);
	/* Every thread inherits this mask: SIGTERM and SIGINT reach only
	 * libmilter's signal thread (which sigwaits for them), SIGUSR1 and
	 * SIGQUIT only our signal thread. */
	sigset_t blocked = reload_args.signals;

	sigaddset(&blocked, SIGTERM);
	sigaddset(&blocked, SIGINT);
	pthread_sigmask(SIG_BLOCK, &blocked, NULL);
	snprintf(pid_file, sizeof(pid_file), "%s", config->pid_file);
	snprintf(socket_spec, sizeof(socket_spec), "%s", config->socket);

	log_warnings(config, "");
	if (preflight_check(config, error, sizeof(error)) < 0)
		goto fail;
	if (config_path != NULL && config->key_lines == 0)
		log_msg(LOG_WARNING, "%s sets no key: running on the embedded defaults",
			config_path);
	/*
	 * Open the socket before detaching, so that "in use" or "no
	 * permission" reaches the terminal and the exit status; libmilter
	 * starts no thread before smfi_main, so the fork below is safe.
	 */
	if (process_prepare_socket_dir(config->socket, error, sizeof(error)) < 0
	    || socket_claim_check(config->socket, error, sizeof(error)) < 0)
		goto fail;
	if (smfi_setconn(config->socket) != MI_SUCCESS
	    || smfi_register(*filter_description()) != MI_SUCCESS) {
		snprintf(error, sizeof(error), "libmilter refused socket %s", config->socket);
		goto fail;
	}
	if (smfi_opensocket(1) != MI_SUCCESS) {
		snprintf(error, sizeof(error), "cannot open socket %s (in use, not a socket,"
			 " or no permission?)", config->socket);
		goto fail;
	}
	socket_claim_remember(config->socket, &claim);
	if (process_socket_permissions(config->socket, config->socket_mode, config->socket_group,
				       error, sizeof(error)) < 0)
		goto fail;
	if (config->metrics_socket[0] != '\0'
	    && ((reload_args.metrics = metrics_new(dmarcguard_version())) == NULL
		|| (metrics_fd = metrics_server_listen(config->metrics_socket, error,
						       sizeof(error))) < 0)) {
		if (reload_args.metrics == NULL)
			snprintf(error, sizeof(error), "out of memory");
		goto fail;
	}
	if (!foreground && process_daemonize(error, sizeof(error)) < 0)
		goto fail;
	if (process_write_pidfile(config->pid_file, error, sizeof(error)) < 0
	    || process_drop_privileges(config->user, error, sizeof(error)) < 0)
		goto fail;
	if (foreground)
		print_mta_lines(config->socket);
	fd_limits(config->max_connections);
	/* Threads start here: resolver, reload thread, libmilter workers. */
	runtime_resolver_settings(config, &rs);
	if ((reload_args.resolver = resolver_new(&rs, &why)) == NULL) {
		snprintf(error, sizeof(error), "%s", why);
		goto fail;
	}
	if (config->report_store[0] != '\0' && (reload_args.recorder = report_recorder_new(
			config->report_store, config->report_queue_size, &why)) == NULL) {
		snprintf(error, sizeof(error), "%s", why);
		goto fail;
	}
	if ((rt = runtime_new(config, reload_args.resolver, &why)) == NULL) {
		snprintf(error, sizeof(error), "%s", why);
		config = NULL;
		goto fail;
	}
	config = NULL;
	rt->recorder = reload_args.recorder;
	rt->metrics = reload_args.metrics;
	runtime_install(rt);
	if (metrics_fd >= 0) {
		sample_sources.resolver = reload_args.resolver;
		sample_sources.recorder = reload_args.recorder;
		if (reload_args.recorder != NULL) {
			metrics_enable(reload_args.metrics, METRICS_REPORT_ROWS);
			metrics_enable(reload_args.metrics, METRICS_REPORT_DROPPED);
			metrics_enable(reload_args.metrics, METRICS_REPORT_QUEUE);
		}
		metrics_set_sampler(reload_args.metrics, metrics_sample_daemon, &sample_sources);
		metrics_server = metrics_server_start(metrics_fd, reload_args.metrics, &why);
		metrics_fd = -1;	/* taken over */
		if (metrics_server == NULL) {
			snprintf(error, sizeof(error), "%s", why);
			goto fail;
		}
	}
	if (pthread_create(&reloader, NULL, signal_main, &reload_args) != 0) {
		snprintf(error, sizeof(error), "cannot start the signal thread");
		goto fail;
	}
	if (macro_guard_check(&why) < 0)
		log_msg(LOG_WARNING, "macro packet guard not in force (%s): a macro packet"
			" with a name and no value from the MTA can crash the daemon", why);
	log_msg(LOG_NOTICE, "dmarcguard %s started (pid %ld, configuration %s)",
		dmarcguard_version(), (long)getpid(), config_path ? config_path : "embedded");
	rc = smfi_main();
	log_msg(LOG_NOTICE, "stopping: libmilter serves no connection any more");
	shutdown_wait_verdicts(DAEMON_VERDICT_SECONDS);
	pthread_cancel(reloader);
	pthread_join(reloader, NULL);
	runtime_shutdown();
	metrics_server_stop(&metrics_server);	/* its sampler reads the resolver */
	/* Sessions libmilter dropped never reach their close callback; a
	 * callback may still run on one of its workers and use the resolver. */
	if (admission_connections() == 0 && admission_verdicts() == 0) {
		/* the recorder writes what is queued when freed */
		report_recorder_free(&reload_args.recorder, NULL);
		resolver_free(&reload_args.resolver);
		metrics_free(&reload_args.metrics);
	}
	if (socket_claim_release(socket_spec, &claim, error, sizeof(error)) < 0)
		log_msg(LOG_WARNING, "%s", error);
	if (process_remove_pidfile(pid_file, error, sizeof(error)) < 0)
		log_msg(LOG_WARNING, "%s", error);
	log_msg(LOG_NOTICE, "stopped");
	return rc == MI_SUCCESS ? 0 : 1;
fail:
	log_msg(LOG_ERR, "cannot start: %s", error);
	if (!foreground)	/* before detaching, stderr is still the caller's */
		fprintf(stderr, "dmarcguard: cannot start: %s\n", error);
	socket_claim_release(socket_spec, &claim, error, sizeof(error));
	config_unref(&config);
	runtime_shutdown();
	metrics_server_stop(&metrics_server);	/* its sampler reads the recorder */
	report_recorder_free(&reload_args.recorder, NULL);
	if (metrics_fd >= 0)
		close(metrics_fd);
	resolver_free(&reload_args.resolver);
	metrics_free(&reload_args.metrics);
	return 1;
}
