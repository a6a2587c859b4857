/*
 * record - one alert line's message part as a checked record: the fields
 * of format version 1 (lib/engine/alert_fields.h, docs/alerts.md) by
 * name, with the few values the reports count on turned into codes.
 *
 * record_parse is strict where a wrong reading would skew the reports:
 * the line must start with v=1 (any other version is refused, not
 * guessed at), a key may appear once, every "always" field must be there
 * (a missing one usually means syslog cut the line), action, dmarc and
 * override must hold a documented value, and dry_run=yes comes with a
 * valid would= (and would= never without it). Keys this version does not
 * know are accepted and ignored, so a field added later does not turn
 * every line into an error.
 *
 * Strings point into the caller's scratch buffer (len + 1 bytes, see
 * fields.h) and live as long as it does. On an error, *error_r points to
 * a message in the record itself.
 *
 * Thread-safety: no shared state.
 */
#ifndef DMARCGUARD_ALERTS_RECORD_H
#define DMARCGUARD_ALERTS_RECORD_H

#include <stddef.h>
#include <time.h>

#include "alert_fields.h"

enum record_action {
	ACT_ACCEPT, ACT_QUARANTINE, ACT_REJECT, ACT_TEMPFAIL,
	ACT_COUNT
};

enum record_dmarc {
	DM_PASS, DM_FAIL, DM_NONE, DM_TEMPERROR, DM_PERMERROR,
	DM_COUNT
};

struct record {
	/* One member per field of alert_fields.h, named by its key; NULL
	 * when absent (only ever for the OPTIONAL ones once parsed). */
#define X(key, presence, help) const char *key;
	ALERT_FIELDS(X)
#undef X

	enum record_action action_code;
	enum record_action would_code;	/* action_code unless dry run */
	enum record_dmarc dmarc_code;
	int overridden;			/* override=yes */
	int is_dry_run;			/* dry_run=yes */

	time_t when;			/* from the syslog envelope */
	int has_time;
	char error[128];
};

/* record_parse - parse msg into r; 0, or -1 with *error_r */
int record_parse(struct record *r, const char *msg, size_t len, char *scratch,
		 size_t scratch_size, const char **error_r);

const char *record_action_name(enum record_action a);
const char *record_dmarc_name(enum record_dmarc d);
/* record_action_code - the action named by s, or -1 */
int record_action_code(const char *s);
/*
 * record_forwarder - the trusted forwarder that lifted r: its arc_sealer
 * (forwarded-arc, *via_arc_r = 1) or its forwarder (forwarded-trusted,
 * *via_arc_r = 0); NULL for every other alert. The daemon writes at most
 * one of the two fields.
 */
const char *record_forwarder(const struct record *r, int *via_arc_r);

#endif
