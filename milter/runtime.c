/*
 * runtime - current configuration + engine, swapped on reload (see
 * runtime.h).
 *
 * Thread-safety: `current` is the only mutable global of the daemon; it is
 * read and written under `current_lock`.
 */
#include "runtime.h"

#include <pthread.h>
#include <stdlib.h>

static pthread_mutex_t current_lock = PTHREAD_MUTEX_INITIALIZER;
static struct runtime *current;

void
runtime_resolver_settings(const struct config *c, struct resolver_settings *s)
{
	resolver_settings_init(s);
	s->nameservers = c->nameservers;
	s->recursive = c->dns_recursion;
	s->timeout_ms = c->dns_timeout_ms;
	s->cache_entries = c->dns_cache_size;
}

void
runtime_engine_settings(const struct config *c, struct engine_settings *s)
{
	engine_settings_init(s);
	runtime_resolver_settings(c, &s->resolver);
	s->public_suffix_list = c->public_suffix_list;
	s->org_domain_method = c->org_domain_method;
	s->dkim.max_signatures = c->max_signatures;
	s->dkim.min_rsa_bits = c->min_rsa_bits;
	s->receiver_name = c->authserv_id;
	s->protected_domains = c->protected_domains;
	s->protected_domains_more = c->protected_domains_file_text;
	s->lookalike_allow = c->lookalike_allow;
	/* built (and checked) by config_load; the runtime's config reference
	 * keeps them alive as long as the engine */
	s->orgdomain = c->orgdomain;
	s->lookalike = c->lookalike;
}

struct runtime *
runtime_new(struct config *config, struct resolver *resolver, const char **error_r)
{
	struct runtime *rt = calloc(1, sizeof(*rt));
	struct engine_settings es;

	if (rt == NULL) {
		*error_r = "out of memory";
		config_unref(&config);
		return NULL;
	}
	runtime_engine_settings(config, &es);
	es.shared_resolver = resolver;
	if ((rt->engine = engine_new(&es, error_r)) == NULL) {
		config_unref(&config);
		free(rt);
		return NULL;
	}
	atomic_init(&rt->refs, 1);
	rt->config = config;
	rt->message_settings.policy = &config->policy;
	rt->message_settings.authserv_id = config->authserv_id;
	rt->message_settings.allow_partial_body = config->allow_partial_body;
	rt->message_settings.protect_recipients = config->protect_recipient_domains;
	return rt;
}

void
runtime_unref(struct runtime **rtp)
{
	struct runtime *rt = *rtp;

	if (rt == NULL)
		return;
	*rtp = NULL;
	if (atomic_fetch_sub(&rt->refs, 1) != 1)
		return;
	engine_free(&rt->engine);
	config_unref(&rt->config);
	free(rt);
}

void
runtime_install(struct runtime *rt)
{
	struct runtime *old;

	pthread_mutex_lock(&current_lock);
	old = current;
	current = rt;
	pthread_mutex_unlock(&current_lock);
	runtime_unref(&old);
}

struct runtime *
runtime_acquire(void)
{
	struct runtime *rt;

	pthread_mutex_lock(&current_lock);
	rt = current;
	if (rt != NULL)
		atomic_fetch_add(&rt->refs, 1);
	pthread_mutex_unlock(&current_lock);
	return rt;
}

void
runtime_shutdown(void)
{
	runtime_install(NULL);
}
