/*
 * verdict - a copy of one dmarcguard alert (tools/alerts/record.h) that
 * outlives the log line it came from: every field of
 * lib/engine/alert_fields.h by key, plus the time it was logged. Fields
 * are looked up by key, so fields added to the table later (ARC,
 * look-alike) are carried and shown without a change here, and code that
 * asks for one that this build does not know gets NULL.
 *
 * Ownership: verdict_new allocates; verdict_free releases and sets NULL.
 *
 * Thread-safety: a verdict is immutable once made.
 */
#ifndef DMARCGUARD_QUARANTINE_VERDICT_H
#define DMARCGUARD_QUARANTINE_VERDICT_H

#include <stddef.h>
#include <time.h>

#include "record.h"

struct verdict;

struct verdict *verdict_new(const struct record *r);
/* verdict_get - the value of the field named key, or NULL when absent or unknown */
const char *verdict_get(const struct verdict *v, const char *key);
/* verdict_nfields - the number of keys this build knows */
size_t verdict_nfields(void);
/* verdict_key - the i-th key in the alert line's order */
const char *verdict_key(size_t i);
/* verdict_at - the value of the i-th key, or NULL */
const char *verdict_at(const struct verdict *v, size_t i);
/* verdict_time - when it was logged; 0 when the line had no time */
int verdict_time(const struct verdict *v, time_t *t_r);
void verdict_free(struct verdict **v);

#endif
