/*
 * compat_release_fixture - a config_compat_release with test rows, linked
 * into dmarcguard-compat-fixture (the daemon's own main.c and library) in
 * place of milter/config_compat_release.c, whose table is empty in this
 * release: the end-to-end test (tests/milter/config_upgrade.sh) can then
 * start and reload a real daemon with renamed and removed keys. The rows
 * are test names, not names any release had.
 *
 * Thread-safety: constant.
 */
#include "config_compat.h"

static const struct config_renamed_key renamed[] = {
	{ "FloorAction", "FailFloor", "0.3.0" },
};
static const struct config_removed_key removed[] = {
	{ "CacheShards", "0.2.0", NULL, NULL },
	{ "HoldEverything", "0.2.0", "no off",
	  "it held every failing message; set FailFloor quarantine instead" },
};

const struct config_compat config_compat_release = {
	renamed, sizeof(renamed) / sizeof(renamed[0]),
	removed, sizeof(removed) / sizeof(removed[0]),
};
