/*
 * config_objects - the objects a configuration snapshot builds from its
 * values and owns: the Public Suffix List (an orgdomain) and the
 * look-alike set of the protected and allowed names.
 *
 * Building them is how they are checked: config_load builds them once,
 * so a bad PublicSuffixList or a protected name with no registrable
 * domain stops `-n`, start-up and a reload with "file:line: Key: reason",
 * and the engine then borrows these very objects (engine_settings) instead
 * of loading the list and precomputing the set a second time. A reload
 * builds the new snapshot's objects before anything is swapped, so a
 * failure keeps the running configuration.
 *
 * Ownership: the snapshot owns both; config_objects_release frees them
 * with it. Whoever borrows them holds a reference to the snapshot.
 *
 * Thread-safety: built by the thread that loads the snapshot; read-only
 * afterwards, like the rest of it.
 */
#ifndef DMARCGUARD_CONFIG_OBJECTS_H
#define DMARCGUARD_CONFIG_OBJECTS_H

#include <stddef.h>

#include "config.h"

/*
 * config_objects_build - build c->orgdomain and c->lookalike from c's
 * values. key_lines[i] is the line of the file that first set table key
 * i, 0 for a default (or NULL: no file). 0, or -1 with
 * "source[:line]: Key: reason" in error (a bad name in ProtectedDomainsFile:
 * "that file: ProtectedDomainsFile: NAME: reason"); what was built is then
 * left for config_objects_release.
 */
int config_objects_build(struct config *c, const unsigned *key_lines, char *error,
			 size_t size);
/* config_objects_release - free what config_objects_build made; idempotent */
void config_objects_release(struct config *c);

#endif
