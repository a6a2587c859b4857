/*
 * config_compat_release - this release's table of earlier key names (see
 * config_compat.h). A file of its own so that a test build can link the
 * daemon with a table of test rows instead (tests/support/
 * compat_release_fixture.c, the daemon_config_upgrade test): a link-time
 * seam, no test branch in the daemon.
 *
 * Thread-safety: constant.
 */
#include "config_compat.h"

/*
 * No key has been renamed or removed since the first release: `git log -p
 * -- milter/config_table.c milter/config.c conf/dmarcguard.conf` shows
 * keys only added (33 in 3db9048, 49 now). Rows go here when that
 * changes, e.g. { "OldName", "NewName", "0.4.0" }, and into
 * dmarcguard.conf(5), DEPRECATED KEYS.
 */
const struct config_compat config_compat_release = {
	.renamed = NULL, .renamed_count = 0,
	.removed = NULL, .removed_count = 0,
};
