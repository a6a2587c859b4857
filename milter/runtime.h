/*
 * runtime - the daemon's one mutable global: the current configuration
 * snapshot with the engine built from it, refcounted and swapped whole on
 * reload.
 *
 * A message takes a reference when it starts (runtime_acquire) and drops
 * it when it ends, so a reload never changes settings under a message in
 * flight, and the old engine is freed by whichever thread drops the last
 * reference.
 *
 * Thread-safety: runtime_acquire and runtime_install may be called from
 * any thread; the pointer swap is under a mutex, references are atomic.
 */
#ifndef DMARCGUARD_RUNTIME_H
#define DMARCGUARD_RUNTIME_H

#include <stdatomic.h>

#include "config.h"
#include "engine.h"
#include "message.h"
#include "report_recorder.h"
#include "metrics.h"

struct runtime {
	atomic_int refs;
	struct config *config;
	struct engine *engine;
	struct message_settings message_settings;
	struct report_recorder *recorder;	/* not owned; NULL: nothing recorded */
	struct metrics *metrics;	/* process-wide, not owned; NULL: not counted */
};

/*
 * runtime_new - build the engine for config (taking over the caller's
 * config reference) on the process's resolver (NULL: the engine makes its
 * own, as in the offline mode). NULL with *error_r on failure; config is
 * then released.
 */
struct runtime *runtime_new(struct config *config, struct resolver *resolver,
			    const char **error_r);
void runtime_unref(struct runtime **runtime);

/* runtime_install - make rt current (takes over the reference); the old one is released */
void runtime_install(struct runtime *rt);
/* runtime_acquire - a new reference to the current runtime, or NULL before install */
struct runtime *runtime_acquire(void);
/* runtime_shutdown - drop the current runtime (after the workers stopped) */
void runtime_shutdown(void);

/* runtime_engine_settings - the engine part of a configuration */
void runtime_engine_settings(const struct config *config, struct engine_settings *out);
/* runtime_resolver_settings - the resolver part of a configuration */
void runtime_resolver_settings(const struct config *config, struct resolver_settings *out);

#endif
