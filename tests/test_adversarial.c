/*
 * test_adversarial - the adversarial corpus (tests/adversarial/) through
 * the evaluation core against a real nsd, as tests/test_message.c runs
 * the policy corpus: one row per line of tests/adversarial/cases.tsv
 * (file, client IP, HELO, MAIL FROM, expected action, reason code and
 * DMARC result, description of the attack and its public source).
 *
 * Beyond the row's expectations, every message must get our own
 * Authentication-Results (recognised by authres_is_ours), the core must
 * note every Authentication-Results field that claims our authserv-id
 * (the daemon deletes exactly those), and a message carrying upstream
 * claims (Authentication-Results, Received-SPF, ARC- and X-Original-
 * results) must get the same verdict when those fields are taken out:
 * forged claims change nothing.
 *
 * A message whose first line is "X-Adversarial-Filler: COUNT SIZE [NAME]"
 * gets COUNT filler fields of SIZE octets inserted below that line at run
 * time, so that header blocks over the core's limits need no large file.
 * NAME "DKIM-Signature" makes them short signatures with keys that do not
 * exist (the signature bomb of issue 19: SIZE octets of b=); otherwise
 * they are X-Filler-N fields with SIZE octets of value.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "authres.h"
#include "dns_fixture.h"
#include "engine.h"
#include "message.h"
#include "message_reader.h"
#include "test_main.h"
#include "test_paths.h"

#define AUTHSERV_ID "mx.receiver.example"
#define MAX_CASES 256
#define FILLER_DIRECTIVE "X-Adversarial-Filler: "
#define MAX_NOTED 1024

struct adv_case {
	char *line;		/* owns the fields below */
	const char *file, *ip, *helo, *mail_from;
	enum action want;
	const char *want_reason, *want_dmarc, *description;
};

static struct adv_case cases[MAX_CASES];
static int ncases;

/* parse_case - split one cases.tsv line (modified in place); 0 or -1 */
static int
parse_case(char *line, struct adv_case *c)
{
	char *field[8], *p = line;
	int tabs = 0;

	line[strcspn(line, "\r\n")] = '\0';
	for (const char *t = line; (t = strchr(t, '\t')) != NULL; t++)
		tabs++;
	if (tabs != 7)
		return -1;
	for (int n = 0; n < 8; n++) {
		field[n] = p;
		if ((p = strchr(p, '\t')) != NULL)
			*p++ = '\0';
	}
	if (action_parse(field[4], &c->want) < 0)
		return -1;
	c->file = field[0];
	c->ip = field[1];
	c->helo = field[2];
	c->mail_from = strcmp(field[3], "\"\"") == 0 ? "" : field[3];
	c->want_reason = field[5];
	c->want_dmarc = field[6];
	c->description = field[7];
	return 0;
}

/* load_cases - read tests/adversarial/cases.tsv; 0, or -1 after saying why */
static int
load_cases(void)
{
	char path[512], *line = NULL;
	size_t cap = 0;
	int lineno = 0, rc = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/adversarial/cases.tsv", test_source_dir());
	if ((f = fopen(path, "r")) == NULL) {
		perror(path);
		return -1;
	}
	while (getline(&line, &cap, f) > 0) {
		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (ncases == MAX_CASES || (cases[ncases].line = strdup(line)) == NULL
		    || parse_case(cases[ncases].line, &cases[ncases]) < 0) {
			fprintf(stderr, "%s:%d: not a case line\n", path, lineno);
			rc = -1;
			break;
		}
		ncases++;
	}
	free(line);
	fclose(f);
	if (rc == 0 && ncases == 0) {
		fprintf(stderr, "%s: no cases\n", path);
		rc = -1;
	}
	return rc;
}

/* read_message - the file, with filler fields expanded; malloc'd */
static char *
read_message(const char *file, size_t *len_r)
{
	char path[512], buf[8192], name[32] = "", *raw = NULL, *out = NULL, *eol;
	size_t rawlen = 0, outlen = 0;
	unsigned count, size;
	int sigs;
	FILE *f, *mem;

	snprintf(path, sizeof(path), "%s/adversarial/%s", test_source_dir(), file);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	mem = open_memstream(&raw, &rawlen);
	for (size_t n; (n = fread(buf, 1, sizeof(buf), f)) > 0;)
		fwrite(buf, 1, n, mem);
	fclose(f);
	fclose(mem);
	if (strncmp(raw, FILLER_DIRECTIVE, strlen(FILLER_DIRECTIVE)) != 0
	    || sscanf(raw + strlen(FILLER_DIRECTIVE), "%u %u %31s", &count, &size, name) < 2
	    || (eol = memchr(raw, '\n', rawlen)) == NULL) {
		*len_r = rawlen;
		return raw;
	}
	sigs = strcmp(name, "DKIM-Signature") == 0;
	mem = open_memstream(&out, &outlen);
	fwrite(raw, 1, (size_t)(eol + 1 - raw), mem);
	for (unsigned i = 0; i < count; i++) {
		if (sigs)
			fprintf(mem, "DKIM-Signature: v=1; a=rsa-sha256; d=evil.example;"
				" s=bomb%u; h=from; bh=YQ==; b=", i);
		else
			fprintf(mem, "X-Filler-%u: ", i);
		for (unsigned j = 0; j < size; j++)
			putc(sigs ? 'Y' : 'f', mem);
		putc('\n', mem);
	}
	fwrite(eol + 1, 1, rawlen - (size_t)(eol + 1 - raw), mem);
	fclose(mem);
	free(raw);
	*len_r = outlen;
	return out;
}

/* name_is - field name comparison: case-insensitive, trailing WSP ignored */
static int
name_is(const char *name, const char *want)
{
	size_t n = strlen(name), w = strlen(want);

	while (n > w && (name[n - 1] == ' ' || name[n - 1] == '\t'))
		n--;
	return n == w && strncasecmp(name, want, w) == 0;
}

/* One pass of a message through the core. */
struct run {
	struct message *m;
	int strip;		/* leave out upstream authentication claims */
	size_t claims;		/* such fields seen */
	size_t authres_seen;	/* Authentication-Results fields given to the core */
	size_t ours[MAX_NOTED];	/* 1-based indexes of those with our id */
	size_t nours;
};

static int
run_header(void *ctx, const char *name, const char *value, size_t len)
{
	struct run *r = ctx;
	int authres = name_is(name, "Authentication-Results");

	if (authres || name_is(name, "Received-SPF")
	    || name_is(name, "ARC-Authentication-Results")
	    || name_is(name, "X-Original-Authentication-Results")) {
		r->claims++;
		if (r->strip)
			return 0;
	}
	if (authres) {
		r->authres_seen++;
		if (authres_is_ours(value, len, AUTHSERV_ID) && r->nours < MAX_NOTED)
			r->ours[r->nours++] = r->authres_seen;
	}
	return message_header(r->m, name, value, len);
}

static int
run_eoh(void *ctx)
{
	return message_eoh(((struct run *)ctx)->m);
}

static int
run_body(void *ctx, const unsigned char *chunk, size_t len)
{
	return message_body(((struct run *)ctx)->m, chunk, len);
}

/* run_message - feed the message; the verdict lives until message_free(&r->m) */
static const struct verdict *
run_message(struct engine *e, const struct message_settings *ms, const struct adv_case *c,
	    const char *text, size_t len, struct run *r)
{
	struct envelope env = {
		.queue_id = "ADV", .client_ip = c->ip, .client_name = "unknown",
		.helo = c->helo, .mail_from = c->mail_from,
	};
	struct message_reader_sink sink = { run_header, run_eoh, run_body, r };
	const char *error = NULL;
	FILE *f = fmemopen((void *)text, len, "r");

	ck_assert_ptr_nonnull(f);
	r->m = message_new(e, ms, &env, &error);
	ck_assert_msg(r->m != NULL, "message_new: %s", error);
	ck_assert_msg(message_reader_feed(f, &sink) == 0, "%s: the reader failed", c->file);
	fclose(f);
	return message_finish(r->m);
}

/* summary - what a forged claim must not change, as text */
static void
summary(const struct verdict *v, char *buf, size_t size)
{
	size_t pos = (size_t)snprintf(buf, size, "%s/%s dmarc=%s spf=%s dkim=",
				      action_name(v->decision.action), v->decision.reason,
				      policy_outcome_name(v->dmarc), v->spf.result);

	for (size_t i = 0; i < v->dkim_count && pos < size; i++)
		pos += (size_t)snprintf(buf + pos, size - pos, "%s%s:%s", i ? "," : "",
					v->dkim[i].domain, v->dkim[i].result);
}

START_TEST(test_corpus)
{
	const struct adv_case *c = &cases[_i];
	struct policy_settings ps;
	struct message_settings ms = { .policy = &ps, .authserv_id = AUTHSERV_ID };
	struct run *full = calloc(1, sizeof(*full)), *bare = calloc(1, sizeof(*bare));
	const struct verdict *v;
	const char *error = NULL;
	char got[4096], again[4096];
	struct engine *e;
	size_t len;
	char *text = read_message(c->file, &len);

	ck_assert(full != NULL && bare != NULL);
	e = dns_fixture_engine(2000);
	policy_settings_init(&ps);
	ps.trusted_networks = netlist_parse("127.0.0.0/8 ::1", &error);

	v = run_message(e, &ms, c, text, len, full);
	ck_assert_msg(v->decision.action == c->want && strcmp(v->decision.reason, c->want_reason) == 0
		      && strcmp(policy_outcome_name(v->dmarc), c->want_dmarc) == 0,
		      "%s (%s): got %s/%s dmarc=%s (from %s, spf=%s %s, dkim %zu, problem %s), "
		      "want %s/%s dmarc=%s", c->file, c->description,
		      action_name(v->decision.action), v->decision.reason,
		      policy_outcome_name(v->dmarc), v->from_domain, v->spf.result, v->spf.domain,
		      v->dkim_count, v->dmarc_problem ? v->dmarc_problem : "-",
		      action_name(c->want), c->want_reason, c->want_dmarc);

	/* our Authentication-Results is there and names our id */
	ck_assert_msg(v->authres != NULL, "%s: no Authentication-Results of ours", c->file);
	ck_assert_msg(authres_is_ours(v->authres, strlen(v->authres), AUTHSERV_ID),
		      "%s: our Authentication-Results does not carry our id: %s", c->file,
		      v->authres);

	/* every field claiming our id is noted, so the daemon removes them all */
	ck_assert_msg(v->own_authres_count == full->nours,
		      "%s (%s): the core noted %zu Authentication-Results fields with our id, "
		      "the message holds %zu: the rest would reach the mailbox", c->file,
		      c->description, v->own_authres_count, full->nours);
	for (size_t i = 0; i < full->nours; i++)
		ck_assert_msg(v->own_authres[i] == full->ours[i],
			      "%s: own Authentication-Results #%zu noted at %zu, is at %zu",
			      c->file, i + 1, v->own_authres[i], full->ours[i]);

	/* forged claims change nothing */
	if (full->claims > 0) {
		summary(v, got, sizeof(got));
		bare->strip = 1;
		summary(run_message(e, &ms, c, text, len, bare), again, sizeof(again));
		ck_assert_msg(strcmp(got, again) == 0,
			      "%s (%s): upstream claims changed the verdict: with them %s, "
			      "without them %s", c->file, c->description, got, again);
		message_free(&bare->m);
	}
	message_free(&full->m);
	free(full);
	free(bare);
	free(text);
	policy_settings_release(&ps);
	engine_free(&e);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("adversarial");
	TCase *tc = tcase_create("corpus");

	if (load_cases() < 0)
		return 1;
	tcase_add_unchecked_fixture(tc, dns_fixture_up, dns_fixture_down);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_corpus, 0, ncases);
	suite_add_tcase(s, tc);
	return test_run_suite(s);
}
