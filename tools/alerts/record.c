/*
 * record - alert fields to a checked record (see record.h).
 *
 * Thread-safety: see record.h.
 */
#include "record.h"
#include "fields.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* The fields of version 1 in the order the writer uses (alert_fields.h). */
static const struct {
	const char *key;
	size_t key_len;
	size_t offset;
	int required;
} keys[] = {
#define X(name, presence, help) \
	{ #name, sizeof(#name) - 1, offsetof(struct record, name), \
	  ALERT_FIELDS_##presence == ALERT_FIELDS_ALWAYS },
	ALERT_FIELDS(X)
#undef X
};

#define NKEYS (sizeof(keys) / sizeof(keys[0]))

static const char *const action_names[ACT_COUNT] = {
	[ACT_ACCEPT] = "accept", [ACT_QUARANTINE] = "quarantine",
	[ACT_REJECT] = "reject", [ACT_TEMPFAIL] = "tempfail",
};

static const char *const dmarc_names[DM_COUNT] = {
	[DM_PASS] = "pass", [DM_FAIL] = "fail", [DM_NONE] = "none",
	[DM_TEMPERROR] = "temperror", [DM_PERMERROR] = "permerror",
};

const char *
record_action_name(enum record_action a)
{
	return a < ACT_COUNT ? action_names[a] : "?";
}

const char *
record_dmarc_name(enum record_dmarc d)
{
	return d < DM_COUNT ? dmarc_names[d] : "?";
}

int
record_action_code(const char *s)
{
	for (int i = 0; i < ACT_COUNT; i++)
		if (strcmp(s, action_names[i]) == 0)
			return i;
	return -1;
}

static int
dmarc_code(const char *s)
{
	for (int i = 0; i < DM_COUNT; i++)
		if (strcmp(s, dmarc_names[i]) == 0)
			return i;
	return -1;
}

/* key_index - where f's key is in keys[], trying the expected one first */
static int
key_index(const struct field *f, size_t expected)
{
	if (expected < NKEYS && keys[expected].key_len == f->key_len
	    && memcmp(keys[expected].key, f->key, f->key_len) == 0)
		return (int)expected;
	for (size_t i = 0; i < NKEYS; i++)
		if (keys[i].key_len == f->key_len && memcmp(keys[i].key, f->key, f->key_len) == 0)
			return (int)i;
	return -1;
}

static int refuse(struct record *r, const char **error_r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
refuse(struct record *r, const char **error_r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->error, sizeof(r->error), fmt, ap);
	va_end(ap);
	*error_r = r->error;
	return -1;
}

/* check_values - the coded fields hold documented values */
static int
check_values(struct record *r, const char **error_r)
{
	int code;

	if ((code = record_action_code(r->action)) < 0)
		return refuse(r, error_r, "unknown action \"%.60s\"", r->action);
	r->action_code = (enum record_action)code;
	r->would_code = r->action_code;
	if ((code = dmarc_code(r->dmarc)) < 0)
		return refuse(r, error_r, "unknown dmarc result \"%.60s\"", r->dmarc);
	r->dmarc_code = (enum record_dmarc)code;
	if (strcmp(r->override, "yes") != 0 && strcmp(r->override, "no") != 0)
		return refuse(r, error_r, "override is \"%.60s\", not yes or no", r->override);
	r->overridden = r->override[0] == 'y';
	if (r->dry_run != NULL && strcmp(r->dry_run, "yes") != 0)
		return refuse(r, error_r, "dry_run is \"%.60s\", not yes", r->dry_run);
	if ((r->dry_run != NULL) != (r->would != NULL))
		return refuse(r, error_r, "%s without its partner field",
			      r->dry_run != NULL ? "dry_run" : "would");
	if (r->would != NULL) {
		if ((code = record_action_code(r->would)) < 0)
			return refuse(r, error_r, "unknown would action \"%.60s\"", r->would);
		r->would_code = (enum record_action)code;
		r->is_dry_run = 1;
	}
	return 0;
}

int
record_parse(struct record *r, const char *msg, size_t len, char *scratch,
	     size_t scratch_size, const char **error_r)
{
	struct fields_parser fp;
	struct field f;
	const char *why;
	size_t expected = 0;
	int rc, i;

	memset(r, 0, offsetof(struct record, error));
	r->error[0] = '\0';
	fields_init(&fp, msg, len, scratch, scratch_size);
	while ((rc = fields_next(&fp, &f, &why)) > 0) {
		const char **slot;

		if (expected == 0 && (f.key_len != 1 || f.key[0] != 'v'))
			return refuse(r, error_r, "%s", "does not start with v=");
		if ((i = key_index(&f, expected)) < 0)
			continue;	/* a field of a later revision: ignored */
		slot = (const char **)(void *)((char *)r + keys[i].offset);
		if (*slot != NULL)
			return refuse(r, error_r, "repeated field %s", keys[i].key);
		*slot = f.value;
		expected = (size_t)i + 1;
	}
	if (rc < 0)
		return refuse(r, error_r, "%s", why);
	if (strcmp(r->v, "1") != 0)
		return refuse(r, error_r, "unknown format version v=%.40s", r->v);
	for (size_t k = 0; k < NKEYS; k++)
		if (keys[k].required && *(const char **)(void *)((char *)r + keys[k].offset) == NULL)
			return refuse(r, error_r, "missing field %s (truncated line?)", keys[k].key);
	return check_values(r, error_r);
}

/* record_forwarder - arc_sealer or forwarder, whichever lifted the alert */
const char *
record_forwarder(const struct record *r, int *via_arc_r)
{
	*via_arc_r = r->arc_sealer != NULL && r->arc_sealer[0] != '\0';
	if (*via_arc_r)
		return r->arc_sealer;
	return r->forwarder != NULL && r->forwarder[0] != '\0' ? r->forwarder : NULL;
}
