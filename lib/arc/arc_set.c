/*
 * arc_set - the structure of an ARC chain (RFC 8617 4.2, 5.2 steps 1-3):
 * which fields make up which instance, and whether the instances form a
 * chain that is worth verifying at all.
 *
 * Reasons (c->structure_error): "seal-syntax", "ams-syntax", "aar-syntax"
 * (a field that does not parse), "instance-invalid" (i= missing, not a
 * number, 0 or over ARC_CHAIN_MAX_INSTANCES), "instance-duplicate" (two
 * fields of one kind for one instance), "instance-missing" (a set
 * without one of its three fields, or a gap), "newest-seal-cv-fail",
 * "cv-invalid" (cv= not none on instance 1 or not pass on another),
 * "headers-too-large".
 *
 * Thread-safety: one chain, one thread at a time.
 */
#include "arc_state.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int
is_fws(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* parse_number - digits only, 1..ARC_CHAIN_MAX_INSTANCES, else 0 */
static unsigned
parse_number(const char *p, size_t n)
{
	unsigned v = 0;

	if (n == 0 || n > 3)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 0;
		v = v * 10 + (unsigned)(p[i] - '0');
	}
	return v >= 1 && v <= ARC_CHAIN_MAX_INSTANCES ? v : 0;
}

unsigned
arc_set_instance(const struct arc_tags *tags)
{
	const struct arc_tag *i = arc_tags_get(tags, "i");

	return i != NULL ? parse_number(i->value, i->value_len) : 0;
}

/*
 * aar_instance - the "i=N;" that opens an AAR (RFC 8617 4.1.1); the
 * offset of the payload after the ';' into *payload_r. 0 when malformed.
 */
static unsigned
aar_instance(const char *v, size_t len, size_t *payload_r, const char **error_r)
{
	size_t p = 0, start;

	while (p < len && is_fws(v[p]))
		p++;
	if (p >= len || (v[p] != 'i' && v[p] != 'I')) {
		*error_r = "aar-syntax";
		return 0;
	}
	for (p++; p < len && is_fws(v[p]); p++)
		;
	if (p >= len || v[p] != '=') {
		*error_r = "aar-syntax";
		return 0;
	}
	for (p++; p < len && is_fws(v[p]); p++)
		;
	for (start = p; p < len && v[p] >= '0' && v[p] <= '9'; p++)
		;
	{
		size_t digits_end = p;

		while (p < len && is_fws(v[p]))
			p++;
		if (p >= len || v[p] != ';') {
			*error_r = "aar-syntax";
			return 0;
		}
		*payload_r = p + 1;
		if (parse_number(v + start, digits_end - start) == 0) {
			*error_r = "instance-invalid";
			return 0;
		}
		return parse_number(v + start, digits_end - start);
	}
}

/*
 * grow - room for instances 1..i: most chains have one to three, so the
 * arrays grow with the highest instance seen rather than being made for
 * ARC_CHAIN_MAX_INSTANCES (100 kB) up front. 0, or -1 when out of memory.
 */
static int
grow(struct arc_chain *c, unsigned i)
{
	unsigned n = c->slots ? c->slots : 4;
	struct arc_instance *in;
	struct arc_chain_set *sets;

	if (i <= c->slots)
		return 0;
	while (n < i)
		n *= 2;
	if (n > ARC_CHAIN_MAX_INSTANCES)
		n = ARC_CHAIN_MAX_INSTANCES;
	if ((in = realloc(c->instances, n * sizeof(*in))) == NULL)
		return -1;
	c->instances = in;
	if ((sets = realloc(c->sets, n * sizeof(*sets))) == NULL)
		return -1;
	c->sets = sets;
	for (unsigned k = c->slots; k < n; k++) {
		memset(&in[k], 0, sizeof(in[k]));
		in[k].as = in[k].ams = in[k].aar = SIZE_MAX;
		memset(&sets[k], 0, sizeof(sets[k]));
	}
	c->slots = n;
	return 0;
}

/* place - put field f into its instance slot; 0, -1 with the reason, -2 out of memory */
static int
place(struct arc_chain *c, size_t f, const char **error_r)
{
	struct arc_field *field = &c->kept.field[f];
	struct arc_tags tags;
	struct arc_instance *in;
	unsigned i;
	size_t payload = 0;

	if (field->kind == ARC_KIND_AAR) {
		if ((i = aar_instance(field->value, field->len, &payload, error_r)) == 0)
			return -1;
	} else {
		if (arc_tags_parse(field->value, field->len, &tags, error_r) < 0) {
			*error_r = field->kind == ARC_KIND_SEAL ? "seal-syntax" : "ams-syntax";
			return -1;
		}
		if ((i = arc_set_instance(&tags)) == 0) {
			*error_r = "instance-invalid";
			return -1;
		}
	}
	if (grow(c, i) < 0)
		return -2;
	in = &c->instances[i - 1];
	if ((field->kind == ARC_KIND_SEAL && in->as != SIZE_MAX)
	    || (field->kind == ARC_KIND_AMS && in->ams != SIZE_MAX)
	    || (field->kind == ARC_KIND_AAR && in->aar != SIZE_MAX)) {
		*error_r = "instance-duplicate";
		return -1;
	}
	if (field->kind == ARC_KIND_SEAL) {
		in->as = f;
		in->as_tags = tags;
	} else if (field->kind == ARC_KIND_AMS) {
		in->ams = f;
		in->ams_tags = tags;
	} else {
		in->aar = f;
		c->sets[i - 1].aar = field->value + payload;
		c->sets[i - 1].aar_len = field->len - payload;
	}
	if (i > c->n)
		c->n = i;
	return 0;
}

/* check_cv - RFC 8617 5.2 steps 2 and 3 on the seals' cv= */
static const char *
check_cv(const struct arc_chain *c)
{
	const struct arc_tag *cv = arc_tags_get(&c->instances[c->n - 1].as_tags, "cv");

	if (arc_tags_is(cv, "fail"))
		return "newest-seal-cv-fail";
	for (unsigned i = 1; i <= c->n; i++) {
		cv = arc_tags_get(&c->instances[i - 1].as_tags, "cv");
		if (!arc_tags_is(cv, i == 1 ? "none" : "pass"))
			return "cv-invalid";
	}
	return NULL;
}

int
arc_set_build(struct arc_chain *c)
{
	const char *error = NULL;

	c->n = 0;
	if (c->arc_fields == 0)
		return 0;
	if (c->too_large) {
		c->structure_error = "headers-too-large";
		return 0;
	}
	for (size_t f = 0; f < c->kept.count; f++) {
		int rc;

		if (c->kept.field[f].kind == ARC_KIND_OTHER || (rc = place(c, f, &error)) == 0)
			continue;
		c->n = 0;
		if (rc == -2)
			return -1;
		c->structure_error = error;
		return 0;
	}
	for (unsigned i = 0; i < c->n; i++) {
		const struct arc_instance *in = &c->instances[i];

		if (in->as == SIZE_MAX || in->ams == SIZE_MAX || in->aar == SIZE_MAX) {
			c->structure_error = "instance-missing";
			c->n = 0;
			return 0;
		}
		c->sets[i].instance = i + 1;
	}
	if ((c->structure_error = check_cv(c)) != NULL)
		return 0;
	return 0;
}
