/*
 * display_name - the shown name of a From: header (see display_name.h).
 *
 * One pass with three states (top level, quoted string, comment with its
 * nesting depth) collects the phrase into a stack buffer; the decoder does
 * the rest. Text after the first top-level '<' is the address and is not
 * looked at.
 *
 * Thread-safety: no state.
 */
#include "display_name.h"
#include "encoded_word.h"

#include <string.h>

struct phrase {
	char buf[DISPLAY_NAME_SIZE * 2];
	size_t len;
	int overflow;
	int pending_space;
};

/* add - one byte of shown text; white space collapses to one space */
static void
add(struct phrase *p, char c)
{
	if (c == '\r' || c == '\n')
		return;
	if (c == ' ' || c == '\t') {
		p->pending_space = p->len > 0;
		return;
	}
	if (p->len + 2 >= sizeof(p->buf)) {
		p->overflow = 1;
		return;
	}
	if (p->pending_space)
		p->buf[p->len++] = ' ';
	p->pending_space = 0;
	p->buf[p->len++] = c;
}

int
display_name_extract(const char *v, size_t len, char *out, size_t size,
		     const char **problem_r)
{
	struct phrase name = { .len = 0 }, comments = { .len = 0 };
	struct phrase *target;
	int quoted = 0, depth = 0, angle = 0;

	*problem_r = NULL;
	for (size_t i = 0; i < len && !angle; i++) {
		char c = v[i];

		target = depth > 0 ? &comments : &name;
		if ((quoted || depth > 0) && c == '\\' && i + 1 < len) {
			add(depth > 0 ? &comments : &name, v[++i]);
			if (depth > 0)
				add(&name, v[i]);
			continue;
		}
		if (quoted) {
			if (c == '"')
				quoted = 0;
			else
				add(&name, c);
		} else if (c == '(') {
			/* a comment reads as part of the name: keep its words apart */
			if (depth++ > 0)
				add(target, c);
			add(&name, ' ');
			add(&comments, ' ');
		} else if (c == ')' && depth > 0) {
			if (--depth > 0)
				add(&comments, c);
			add(&name, ' ');
			add(&comments, ' ');
		} else if (depth > 0) {
			add(&comments, c);
			add(&name, c);
		} else if (c == '"') {
			quoted = 1;
		} else if (c == '<') {
			angle = 1;
		} else {
			add(&name, c);
		}
	}
	/* addr-spec form: what was collected is the address; only comments show */
	target = angle ? &name : &comments;
	if (target->overflow) {
		if (size > 0)
			out[0] = '\0';
		*problem_r = ENCODED_WORD_TOO_LONG;
		return -1;
	}
	return encoded_word_decode(target->buf, target->len, out, size, problem_r);
}
