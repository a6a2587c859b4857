/*
 * lookalike - one message against the look-alike set (see
 * lookalike.h for the checks and their order).
 *
 * The From domain is prepared once (lookalike_name: A-labels, registrable
 * domain and label, skeleton, code points). Configured domains are found
 * through the set's indexes; the message's recipient domains, at most
 * LOOKALIKE_MAX_EXTRA of them, are prepared here and compared one by one.
 * Each check keeps the lowest matching entry, so the answer does not
 * depend on hash order.
 *
 * Thread-safety: reads the set only; all scratch space is on the stack.
 */
#include "lookalike_set_state.h"

#include <stdio.h>
#include <string.h>
#include <unicode/utf8.h>

#define NO_ENTRY UINT32_MAX
#define TOKEN_MAX 1024

/* a protected domain as the predicates see it, from the set or a recipient */
struct view {
	const char *org, *ulabel;
	const int32_t *cp;
	size_t ncp;
};

struct query {
	const struct lookalike_set *set;
	const struct lookalike_name *q;
	struct lookalike_name extra[LOOKALIKE_MAX_EXTRA];
	size_t nextra;
	uint32_t best;			/* lowest matching entry, or NO_ENTRY */
	enum lookalike_kind kind;	/* of the callback now running */
};

static struct view
entry_view(const struct lookalike_entry *e)
{
	return (struct view){ e->org, e->ulabel, e->cp, e->ncp };
}

static struct view
name_view(const struct lookalike_name *x)
{
	return (struct view){ x->org, x->ulabel, x->cp, x->ncp };
}

/* matches - does protected domain p make q a look-alike of this kind? */
static int
matches(enum lookalike_kind kind, const struct lookalike_name *q, const struct view *p)
{
	if (strcmp(p->org, q->org) == 0)
		return 0;	/* aligned: the domain itself or a subdomain */
	switch (kind) {
	case LOOKALIKE_HOMOGLYPH:	/* the index matched the skeleton */
		return strcmp(p->ulabel, q->ulabel) != 0;
	case LOOKALIKE_TYPO:
		return p->ncp >= 4 && q->ncp >= 4
		    && lookalike_name_distance_one(q->cp, q->ncp, p->cp, p->ncp);
	default:			/* the index matched label or domain */
		return 1;
	}
}

static int
visit(uint32_t id, void *context)
{
	struct query *x = context;
	struct view v = entry_view(&x->set->entries[id]);

	if (id < x->best && matches(x->kind, x->q, &v))
		x->best = id;
	return 0;
}

static void
look_up(struct query *x, const struct lookalike_index *index, const char *key, size_t len)
{
	lookalike_index_each(index, key, len, visit, x);
}

/* by_index - the configured domains of one kind, through its index */
static void
by_index(struct query *x, enum lookalike_kind kind)
{
	const struct lookalike_set *s = x->set;
	const struct lookalike_name *q = x->q;
	char deletion[sizeof(q->ulabel)];

	x->kind = kind;
	switch (kind) {
	case LOOKALIKE_HOMOGLYPH:
		look_up(x, s->by_skeleton, q->skeleton, strlen(q->skeleton));
		break;
	case LOOKALIKE_TYPO:
		if (q->ncp < 4)
			break;
		look_up(x, s->by_deletion, q->ulabel, strlen(q->ulabel));
		for (size_t i = 0; i < q->ncp; i++) {
			size_t n = lookalike_name_deletion(q, i, deletion);

			look_up(x, s->by_deletion, deletion, n);
		}
		break;
	case LOOKALIKE_SUFFIX:
		look_up(x, s->by_label, q->ulabel, strlen(q->ulabel));
		break;
	default:
		break;
	}
}

/* by_extra - the recipient domains of one kind, compared directly */
static const struct lookalike_name *
by_extra(struct query *x, enum lookalike_kind kind)
{
	for (size_t i = 0; i < x->nextra; i++) {
		const struct lookalike_name *e = &x->extra[i];
		struct view v = name_view(e);
		int same = 0;

		switch (kind) {
		case LOOKALIKE_HOMOGLYPH:
			same = strcmp(e->skeleton, x->q->skeleton) == 0;
			break;
		case LOOKALIKE_TYPO:
			same = 1;
			break;
		case LOOKALIKE_SUFFIX:
			same = strcmp(e->ulabel, x->q->ulabel) == 0;
			break;
		default:
			break;
		}
		if (same && matches(kind, x->q, &v))
			return e;
	}
	return NULL;
}

/* label_starts - offsets of each label of name; returns the count */
static size_t
label_starts(const char *name, size_t *starts, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; name[i] != '\0' && n < max; i++)
		if (i == 0 || name[i - 1] == '.')
			starts[n++] = i;
	return n;
}

/*
 * windows - every run of whole labels of name starting before label
 * `before`, looked up as a registrable domain; returns a matching
 * recipient domain, or NULL (configured ones land in x->best)
 */
static const struct lookalike_name *
windows(struct query *x, const char *name, size_t before, enum lookalike_kind kind)
{
	size_t starts[128];
	size_t n = label_starts(name, starts, 128), len = strlen(name);
	size_t most = x->set->max_org_labels;

	x->kind = kind;
	for (size_t i = 0; i < n && i < before; i++)
		for (size_t k = 2; k <= most && i + k <= n; k++) {
			size_t end = i + k < n ? starts[i + k] - 1 : len;

			look_up(x, x->set->by_org, name + starts[i], end - starts[i]);
		}
	for (size_t e = 0; e < x->nextra; e++) {
		struct view v = name_view(&x->extra[e]);
		size_t olen = strlen(v.org);

		for (size_t i = 0; i < n && i < before; i++)
			if (strncmp(name + starts[i], v.org, olen) == 0
			    && (name[starts[i] + olen] == '.' || name[starts[i] + olen] == '\0')
			    && matches(kind, x->q, &v))
				return &x->extra[e];
	}
	return NULL;
}

static int
token_byte(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
	    || c == '-' || c == '.' || c >= 0x80;
}

struct shown {
	struct query *x;
	const struct lookalike_name *word;
};

/* visit_shown - a protected domain whose skeleton a word of the display name has */
static int
visit_shown(uint32_t id, void *context)
{
	struct shown *c = context;
	const struct lookalike_entry *e = &c->x->set->entries[id];

	if (id < c->x->best && strcmp(e->org, c->x->q->org) != 0
	    && strcmp(e->ulabel, c->word->ulabel) != 0)
		c->x->best = id;
	return 0;
}

/*
 * display_homoglyph - a word of the display name that looks like a
 * protected domain ("bаnk.example" with a Cyrillic а): its registrable
 * label has a protected label's skeleton but is not that label; the From
 * domain must not be aligned with the protected one
 */
static const struct lookalike_name *
display_homoglyph(struct query *x, const char *ascii)
{
	struct lookalike_name word;
	struct shown c = { x, &word };
	const char *problem;

	if (lookalike_name_prepare(x->set->od, x->set->checker, &x->set->ascii, ascii,
				   strlen(ascii), &word, &problem) < 0)
		return NULL;	/* not a name with a registrable domain: no claim */
	lookalike_index_each(x->set->by_skeleton, word.skeleton, strlen(word.skeleton),
			     visit_shown, &c);
	for (size_t i = 0; i < x->nextra; i++) {
		const struct lookalike_name *e = &x->extra[i];

		if (strcmp(e->skeleton, word.skeleton) == 0 && strcmp(e->ulabel, word.ulabel) != 0
		    && strcmp(e->org, x->q->org) != 0)
			return e;
	}
	return NULL;
}

/* display - the display name's words that name a protected domain */
static const struct lookalike_name *
display(struct query *x, const char *text)
{
	const char *p = text;

	while (*p != '\0') {
		char ascii[ORGDOMAIN_BUFSIZE];
		const struct lookalike_name *hit;
		size_t n = 0;

		while (*p != '\0' && !token_byte((unsigned char)*p))
			p++;
		while (token_byte((unsigned char)p[n]))
			n++;
		/* "bank.example." at the end of a sentence: trim the dots */
		while (n > 0 && (p[0] == '.' || p[0] == '-')) {
			p++;
			n--;
		}
		while (n > 0 && (p[n - 1] == '.' || p[n - 1] == '-'))
			n--;
		if (n > 0 && n < TOKEN_MAX && memchr(p, '.', n) != NULL
		    && lookalike_name_to_ascii(p, n, ascii, sizeof(ascii)) == 0
		    && ((hit = windows(x, ascii, SIZE_MAX, LOOKALIKE_DISPLAY_NAME)) != NULL
			|| (hit = display_homoglyph(x, ascii)) != NULL))
			return hit;
		p += n;
		while (*p != '\0' && token_byte((unsigned char)*p))
			p++;
	}
	return NULL;
}

const char *
lookalike_kind_name(enum lookalike_kind kind)
{
	switch (kind) {
	case LOOKALIKE_NONE: return "none";
	case LOOKALIKE_HOMOGLYPH: return "homoglyph";
	case LOOKALIKE_TYPO: return "typo";
	case LOOKALIKE_SUFFIX: return "suffix";
	case LOOKALIKE_EMBEDDED: return "embedded";
	case LOOKALIKE_DISPLAY_NAME: return "display-name";
	}
	return "none";
}

/* valid_utf8 - the display name as the caller passed it must be UTF-8 */
static int
valid_utf8(const char *text)
{
	int32_t i = 0, n = (int32_t)strlen(text);

	while (i < n) {
		UChar32 c;

		U8_NEXT(text, i, n, c);
		if (c < 0)
			return 0;
	}
	return 1;
}

/* answer - fill the result; 1 if this check found something */
static int
answer(struct query *x, enum lookalike_kind kind, const struct lookalike_name *extra,
       struct lookalike_result *out)
{
	const char *name;

	if (x->best != NO_ENTRY)
		name = x->set->entries[x->best].ascii;
	else if (extra != NULL)
		name = extra->ascii;
	else
		return 0;
	out->kind = kind;
	/* names in the set are at most 253 octets: always fits */
	snprintf(out->protected_domain, sizeof(out->protected_domain), "%s", name);
	return 1;
}

/* prepare_extra - the usable recipient domains, minus configured and repeated ones */
static void
prepare_extra(struct query *x, const struct lookalike_input *in)
{
	const char *problem;

	for (size_t i = 0; i < in->extra_count && i < LOOKALIKE_MAX_EXTRA; i++) {
		struct lookalike_name *e = &x->extra[x->nextra];
		int repeated = 0;

		if (in->extra[i] == NULL || lookalike_name_prepare(x->set->od, x->set->checker, &x->set->ascii,
			in->extra[i], strlen(in->extra[i]), e, &problem) < 0)
			continue;	/* an unusable recipient domain protects nothing */
		for (size_t k = 0; k < x->nextra; k++)
			repeated |= strcmp(x->extra[k].org, e->org) == 0;
		if (repeated || lookalike_index_contains(x->set->by_org, e->org, strlen(e->org)))
			continue;
		x->nextra++;
	}
}

enum lookalike_kind
lookalike_check(const struct lookalike_set *s, const struct lookalike_input *in,
		struct lookalike_result *out)
{
	static const enum lookalike_kind by_label[] = {
		LOOKALIKE_HOMOGLYPH, LOOKALIKE_TYPO, LOOKALIKE_SUFFIX,
	};
	struct lookalike_name q;
	struct query x;		/* not zeroed: the extra names are 9 KB */
	const struct lookalike_name *hit;
	const char *problem = NULL;

	x.set = s;
	x.q = &q;
	x.nextra = 0;
	x.best = NO_ENTRY;
	x.kind = LOOKALIKE_NONE;
	out->kind = LOOKALIKE_NONE;
	out->protected_domain[0] = '\0';
	out->problem = NULL;
	if (in->from_domain == NULL || lookalike_name_prepare(s->od, s->checker, &s->ascii,
		in->from_domain, strlen(in->from_domain), &q, &problem) < 0) {
		out->problem = problem ? problem : LOOKALIKE_NAME_INVALID;
		return LOOKALIKE_NONE;
	}
	if (lookalike_index_contains(s->allowed, q.ascii, strlen(q.ascii))
	    || lookalike_index_contains(s->allowed, q.org, strlen(q.org)))
		return LOOKALIKE_NONE;
	prepare_extra(&x, in);
	for (size_t i = 0; i < sizeof(by_label) / sizeof(by_label[0]); i++) {
		by_index(&x, by_label[i]);
		if (answer(&x, by_label[i], by_extra(&x, by_label[i]), out))
			return out->kind;
	}
	hit = windows(&x, q.ascii, q.org_start_label, LOOKALIKE_EMBEDDED);
	if (answer(&x, LOOKALIKE_EMBEDDED, hit, out))
		return out->kind;
	if (in->display_problem != NULL
	    || (in->display_name != NULL && !valid_utf8(in->display_name))) {
		/* only this check is skipped: the name cannot be read reliably */
		out->problem = in->display_problem ? in->display_problem : "invalid-utf8";
		return LOOKALIKE_NONE;
	}
	if (in->display_name != NULL) {
		hit = display(&x, in->display_name);
		if (answer(&x, LOOKALIKE_DISPLAY_NAME, hit, out))
			return out->kind;
	}
	return LOOKALIKE_NONE;
}
