/*
 * fuzz_arc_chain - the ARC verifier (lib/arc) on arbitrary messages, its
 * keys answered by the in-process fake_dns responder.
 *
 * Input: a fake_dns zone (see fake_dns.h), a line "@@message@@", then the
 * message as stored (fed through message_reader, as the offline mode
 * does). Without the marker, all of it is the message and every key is
 * NXDOMAIN. Seeds: the chains of tests/arc/chains/ behind the
 * arc.example keys.
 *
 * Invariants checked (abort on violation):
 *  - arc_chain_finish always returns a result, twice the same;
 *  - none only without any ARC field; pass without a reason, fail with
 *    one; pass only with 1..50 instances, each with a sealer string and
 *    an AAR inside the message;
 *  - every recorded result arc_aar reads is bounded and NUL-terminated;
 *  - nothing leaks (LeakSanitizer) or crashes.
 * The differential run against Mail::DKIM's verifier is not here (it is
 * Perl): tests/arc/arc-diff.pl (ctest arc_diff) mutates the committed
 * chains from a seed and compares both verdicts on each.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arc_aar.h"
#include "arc_chain.h"
#include "fake_dns.h"
#include "fuzz_util.h"
#include "message_reader.h"
#include "resolver.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct fake_dns *dns;
static struct resolver *resolver;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	dns = fuzz_dns_resolver(&resolver);
	return 0;
}

struct feed {
	struct arc_chain *c;
	int arc_fields;
};

/* is_arc - one of the three ARC field names (case-insensitive, trailing WSP ignored) */
static int
is_arc(const char *name)
{
	static const char *const names[] = {
		"ARC-Seal", "ARC-Message-Signature", "ARC-Authentication-Results",
	};
	size_t n = strlen(name);

	while (n > 0 && (name[n - 1] == ' ' || name[n - 1] == '\t'))
		n--;
	for (size_t i = 0; i < 3; i++)
		if (n == strlen(names[i]) && strncasecmp(name, names[i], n) == 0)
			return 1;
	return 0;
}

static int
sink_header(void *ctx, const char *name, const char *value, size_t len)
{
	struct feed *f = ctx;

	f->arc_fields += is_arc(name);
	(void)arc_chain_header(f->c, name, value, len);
	return 0;
}

static int
sink_eoh(void *ctx)
{
	(void)arc_chain_eoh(((struct feed *)ctx)->c);
	return 0;
}

static int
sink_body(void *ctx, const unsigned char *chunk, size_t len)
{
	(void)arc_chain_body(((struct feed *)ctx)->c, chunk, len);
	return 0;
}

static void
check(const struct arc_chain_result *r, const struct feed *f)
{
	if (r->status == ARC_CHAIN_NONE && (f->arc_fields > 0 || r->reason != NULL))
		fuzz_die("none with %d ARC fields, reason %s", f->arc_fields,
			 r->reason ? r->reason : "-");
	if (r->status == ARC_CHAIN_FAIL && (r->reason == NULL || r->reason[0] == '\0'))
		fuzz_die("fail without a reason");
	if (r->status == ARC_CHAIN_PASS) {
		if (r->reason != NULL || r->instances < 1
		    || r->instances > ARC_CHAIN_MAX_INSTANCES || r->sets == NULL)
			fuzz_die("pass with reason %s, %u instances", r->reason ? r->reason : "-",
				 r->instances);
		for (unsigned i = 0; i < r->instances; i++) {
			struct arc_aar_iter it;
			struct arc_aar_entry e;

			if (r->sets[i].sealer == NULL || r->sets[i].instance != i + 1
			    || r->sets[i].aar == NULL)
				fuzz_die("set %u incomplete", i + 1);
			arc_aar_begin(&it, r->sets[i].aar, r->sets[i].aar_len);
			while (arc_aar_next(&it, &e))
				if (strlen(e.method) >= sizeof(e.method) || e.nprops > ARC_AAR_MAX_PROPS)
					fuzz_die("recorded result out of bounds");
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char marker[] = "@@message@@\n";
	const char *text = (const char *)data, *msg = text;
	size_t msg_len = size;
	struct arc_chain_settings settings;
	const char *error = NULL;
	struct feed f = { 0 };
	const struct arc_chain_result *r;
	FILE *in;

	const char *m = memmem(text, size, marker, sizeof(marker) - 1);

	if (m != NULL) {
		fake_dns_load(dns, text, (size_t)(m - text));
		msg = m + sizeof(marker) - 1;
		msg_len = size - (size_t)(msg - text);
	} else {
		fake_dns_load(dns, "", 0);
	}
	arc_chain_settings_init(&settings);
	settings.timeout_ms = 500;
	if ((f.c = arc_chain_new(&settings, &error)) == NULL)
		fuzz_die("arc_chain_new: %s", error);
	if ((in = fmemopen((void *)msg, msg_len ? msg_len : 1, "r")) == NULL)
		fuzz_die("fmemopen");
	{
		struct message_reader_sink sink = { sink_header, sink_eoh, sink_body, &f };

		if (msg_len > 0)
			(void)message_reader_feed(in, &sink);
		else
			(void)sink_eoh(&f);
	}
	fclose(in);
	r = arc_chain_finish(f.c, resolver);
	if (r != arc_chain_finish(f.c, resolver))
		fuzz_die("a second finish gave another result");
	check(r, &f);
	arc_chain_free(&f.c);
	fuzz_dns_renew(dns, &resolver);
	return 0;
}
