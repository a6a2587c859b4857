/*
 * action - what dmarcguard does with a message, ordered by strictness.
 *
 * accept < quarantine < reject; tempfail stands apart (it asks the sender
 * to try again and is chosen for temporary failures, never by comparison).
 * action_stricter gives the stricter of two verdict actions.
 *
 * Thread-safety: constants and pure functions.
 */
#ifndef DMARCGUARD_ACTION_H
#define DMARCGUARD_ACTION_H

enum action {
	ACTION_ACCEPT = 0,
	ACTION_QUARANTINE = 1,
	ACTION_REJECT = 2,
	ACTION_TEMPFAIL = 3,
};

/* action_name - "accept", "quarantine", "reject", "tempfail" */
const char *action_name(enum action action);
/* action_parse - 0 and *action_r set, or -1 for an unknown word (case-insensitive) */
int action_parse(const char *word, enum action *action_r);
/* action_stricter - the stricter of accept/quarantine/reject; tempfail wins */
enum action action_stricter(enum action a, enum action b);

#endif
