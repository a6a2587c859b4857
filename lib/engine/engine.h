/*
 * engine - the process-wide objects every evaluation shares: the resolver,
 * the Public Suffix List, the DKIM library with its DNS hooks, the SPF
 * evaluator, and the look-alike set (the protected domains' precomputed
 * skeletons and indexes). Built once from settings, read-only afterwards;
 * a reload builds a new engine, so the look-alike data follows the
 * configuration.
 *
 * Life cycle: engine_new after daemonizing (it starts the resolver's
 * thread), before messages are evaluated; engine_free when no message
 * uses it any more. A reload builds a new engine and frees the old one
 * when its last message is done (the daemon refcounts that).
 *
 * Thread-safety: after engine_new, any number of threads may evaluate
 * messages with one engine at the same time.
 */
#ifndef DMARCGUARD_ENGINE_H
#define DMARCGUARD_ENGINE_H

#include "dkimv.h"
#include "dmarc_discovery.h"
#include "lookalike.h"
#include "orgdomain.h"
#include "resolver.h"

struct engine_settings {
	/*
	 * The process's resolver, when it outlives engines (the daemon keeps
	 * one for its whole life: libunbound initialises and destroys global
	 * locks in ub_ctx_create/ub_ctx_delete, so contexts must not come and
	 * go while others run). NULL: the engine makes and owns its own from
	 * `resolver`.
	 */
	struct resolver *shared_resolver;
	struct resolver_settings resolver;
	const char *public_suffix_list;	/* NULL or "": libpsl's built-in list */
	/* how policy and organizational domains are found (default tree walk);
	 * the list above is loaded either way */
	enum dmarc_method org_domain_method;
	struct dkimv_settings dkim;
	unsigned spf_timeout_ms;	/* budget of one SPF check, 0: 2 x DNS timeout */
	const char *receiver_name;	/* our host name, for SPF %{r} */
	/* look-alike names (lookalike_set_protect syntax), each NULL or text */
	const char *protected_domains;
	const char *protected_domains_more;	/* e.g. the ProtectedDomainsFile text */
	const char *lookalike_allow;
	/*
	 * Already built, borrowed (they must outlive the engine): the daemon's
	 * configuration snapshot builds both when it loads, so the list is
	 * loaded and the set precomputed once. NULL: the engine builds its own
	 * from public_suffix_list and the names above.
	 */
	const struct orgdomain *orgdomain;
	const struct lookalike_set *lookalike;
};

struct engine;

/* engine_settings_init - defaults of every part */
void engine_settings_init(struct engine_settings *settings);

/*
 * engine_new - NULL with *error_r (static text or a library message; a bad
 * look-alike name gives only "lookalike: bad protected or allowed name":
 * the daemon builds the set with its reasons when it loads the
 * configuration, and passes it in settings)
 */
struct engine *engine_new(const struct engine_settings *settings, const char **error_r);
void engine_free(struct engine **engine);

struct resolver *engine_resolver(struct engine *engine);
const struct orgdomain *engine_orgdomain(const struct engine *engine);
struct dkimv_lib *engine_dkim(struct engine *engine);
struct spf_eval *engine_spf(struct engine *engine);
/* engine_lookalike - the look-alike set (never NULL; may be empty) */
const struct lookalike_set *engine_lookalike(const struct engine *engine);
const struct engine_settings *engine_settings(const struct engine *engine);

#endif
