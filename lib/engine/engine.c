/*
 * engine - process-wide evaluation objects (see engine.h).
 *
 * Thread-safety: built by one thread; read-only afterwards.
 */
#include "engine.h"
#include "spf_eval.h"

#include <stdlib.h>
#include <string.h>

struct engine {
	struct engine_settings settings;
	char *psl_path;
	char *receiver;
	char *nameservers;
	struct resolver *resolver;
	int owns_resolver;
	const struct orgdomain *orgdomain;	/* own_orgdomain, or borrowed */
	struct orgdomain *own_orgdomain;
	struct dkimv_lib *dkim;
	struct spf_eval *spf;
	const struct lookalike_set *lookalike;	/* own_lookalike, or borrowed */
	struct lookalike_set *own_lookalike;
};

void
engine_settings_init(struct engine_settings *s)
{
	memset(s, 0, sizeof(*s));
	resolver_settings_init(&s->resolver);
	dkimv_settings_init(&s->dkim);
	s->public_suffix_list = "/usr/share/publicsuffix/public_suffix_list.dat";
	s->receiver_name = "localhost";
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

/* build_orgdomain - the settings' list, or our own loaded from public_suffix_list */
static int
build_orgdomain(struct engine *e, const struct engine_settings *s, const char **error_r)
{
	if ((e->orgdomain = s->orgdomain) != NULL)
		return 0;
	e->own_orgdomain = orgdomain_new(e->psl_path && e->psl_path[0] ? e->psl_path : NULL,
					 error_r);
	return (e->orgdomain = e->own_orgdomain) != NULL ? 0 : -1;
}

/* build_lookalike - the settings' set, or our own with the names copied into it */
static int
build_lookalike(struct engine *e, const struct engine_settings *s, const char **error_r)
{
	struct lookalike_set *set;
	char why[256];

	if ((e->lookalike = s->lookalike) != NULL)
		return 0;
	if ((set = e->own_lookalike = lookalike_set_new(e->orgdomain, error_r)) == NULL)
		return -1;
	e->lookalike = set;
	if ((s->protected_domains != NULL
	     && lookalike_set_protect(set, s->protected_domains, why, sizeof(why)) < 0)
	    || (s->protected_domains_more != NULL
		&& lookalike_set_protect(set, s->protected_domains_more, why, sizeof(why)) < 0)
	    || (s->lookalike_allow != NULL
		&& lookalike_set_allow(set, s->lookalike_allow, why, sizeof(why)) < 0)) {
		*error_r = "lookalike: bad protected or allowed name";
		return -1;
	}
	return 0;
}

struct engine *
engine_new(const struct engine_settings *s, const char **error_r)
{
	struct engine *e = calloc(1, sizeof(*e));

	if (e == NULL) {
		*error_r = "out of memory";
		return NULL;
	}
	e->settings = *s;
	/* keep our own copies: the settings' strings belong to a config */
	e->psl_path = dup_or_null(s->public_suffix_list);
	e->receiver = dup_or_null(s->receiver_name ? s->receiver_name : "localhost");
	e->nameservers = dup_or_null(s->resolver.nameservers);
	e->settings.public_suffix_list = e->psl_path;
	e->settings.receiver_name = e->receiver;
	e->settings.resolver.nameservers = e->nameservers;
	e->settings.resolver.resolv_conf = NULL;
	e->settings.resolver.trust_anchor_file = NULL;
	if (e->settings.spf_timeout_ms == 0)
		e->settings.spf_timeout_ms = 2 * (s->resolver.timeout_ms ? s->resolver.timeout_ms
						  : 3000);
	if (e->receiver == NULL) {
		*error_r = "out of memory";
		goto fail;
	}
	if ((e->resolver = s->shared_resolver) == NULL) {
		if ((e->resolver = resolver_new(&e->settings.resolver, error_r)) == NULL)
			goto fail;
		e->owns_resolver = 1;
	}
	if (build_orgdomain(e, s, error_r) < 0)
		goto fail;
	if ((e->dkim = dkimv_lib_new(e->resolver, &e->settings.dkim, error_r)) == NULL)
		goto fail;
	if ((e->spf = spf_eval_new(e->resolver, error_r)) == NULL)
		goto fail;
	if (build_lookalike(e, s, error_r) < 0)
		goto fail;
	e->settings.protected_domains = e->settings.protected_domains_more = NULL;
	e->settings.lookalike_allow = NULL;
	return e;
fail:
	engine_free(&e);
	return NULL;
}

void
engine_free(struct engine **ep)
{
	struct engine *e = *ep;

	if (e == NULL)
		return;
	*ep = NULL;
	lookalike_set_free(&e->own_lookalike);
	spf_eval_free(&e->spf);
	dkimv_lib_free(&e->dkim);
	orgdomain_free(&e->own_orgdomain);
	if (e->owns_resolver)
		resolver_free(&e->resolver);
	free(e->psl_path);
	free(e->receiver);
	free(e->nameservers);
	free(e);
}

struct resolver *
engine_resolver(struct engine *e)
{
	return e->resolver;
}

const struct orgdomain *
engine_orgdomain(const struct engine *e)
{
	return e->orgdomain;
}

struct dkimv_lib *
engine_dkim(struct engine *e)
{
	return e->dkim;
}

struct spf_eval *
engine_spf(struct engine *e)
{
	return e->spf;
}

const struct engine_settings *
engine_settings(const struct engine *e)
{
	return &e->settings;
}

const struct lookalike_set *
engine_lookalike(const struct engine *e)
{
	return e->lookalike;
}
