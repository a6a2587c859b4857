/*
 * action - message actions and their order (see action.h).
 * Thread-safety: pure.
 */
#include "action.h"

#include <stddef.h>
#include <strings.h>

static const char *const names[] = {
	[ACTION_ACCEPT] = "accept",
	[ACTION_QUARANTINE] = "quarantine",
	[ACTION_REJECT] = "reject",
	[ACTION_TEMPFAIL] = "tempfail",
};

const char *
action_name(enum action action)
{
	if ((unsigned)action < sizeof(names) / sizeof(names[0]))
		return names[action];
	return "unknown";
}

int
action_parse(const char *word, enum action *action_r)
{
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcasecmp(word, names[i]) == 0) {
			*action_r = (enum action)i;
			return 0;
		}
	}
	return -1;
}

enum action
action_stricter(enum action a, enum action b)
{
	if (a == ACTION_TEMPFAIL || b == ACTION_TEMPFAIL)
		return ACTION_TEMPFAIL;
	return a > b ? a : b;
}
