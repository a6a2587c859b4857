/*
 * lookalike_bench - the cost of the look-alike checks per message, and the
 * memory of the precomputed set, for 10, 1,000 and 10,000 protected
 * domains (issue 15: at most 5 us per message with 1,000).
 *
 * Protected domains are made-up names of 5 to 12 letters under a mix of
 * public suffixes. Each "message" is a From value as the engine sees it:
 * the display name is extracted and RFC 2047-decoded (display_name.c)
 * and the A-label domain is checked (lookalike_check); the From parse
 * itself is DMARC's, done for every message anyway, and not timed. The messages mix
 * unrelated senders, typos, homoglyphs, suffix swaps, embedded names and
 * display names, in the proportion given below, so both the quiet path
 * and every finding path are timed. One thread, CLOCK_MONOTONIC over all
 * messages, the best of three rounds.
 *
 * Usage: dmarcguard-lookalike-bench [MESSAGES]   (default 200000)
 *
 * Thread-safety: single-threaded program.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "display_name.h"
#include "from_header.h"
#include "lookalike.h"

static const char *const suffixes[] = {
	"com", "org", "net", "co.uk", "gov.uk", "de", "fr", "example", "ac.jp", "com.au",
};

/* next - a small deterministic generator (xorshift64*), no libc state */
static unsigned long long
next(unsigned long long *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static void
make_label(unsigned long long *s, char *out, size_t len)
{
	static const char cons[] = "bcdfghklmnprstvz", vow[] = "aeiou";

	for (size_t i = 0; i < len; i++)
		out[i] = (i % 2) ? vow[next(s) % 5] : cons[next(s) % 16];
	out[len] = '\0';
}

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* one message's From value, built from protected domain `p` */
static void
make_from(unsigned long long *s, const char *label, const char *suffix, char *out,
	  size_t size)
{
	char other[32], variant[64];
	size_t n = strlen(label);

	make_label(s, other, 8);
	switch (next(s) % 10) {
	case 0:		/* typo: two neighbours swapped */
		snprintf(variant, sizeof(variant), "%s", label);
		variant[1] = label[2];
		variant[2] = label[1];
		snprintf(out, size, "Billing <billing@%s.%s>", variant, suffix);
		break;
	case 1:		/* homoglyph: the first vowel as Cyrillic a, in A-label form via UTF-8 */
		snprintf(out, size, "Desk <desk@%.*s\xd0\xb0%s.%s>", 1, label, label + 2, suffix);
		break;
	case 2:		/* suffix swap */
		snprintf(out, size, "x@%s.%s", label, strcmp(suffix, "net") ? "net" : "org");
		break;
	case 3:		/* embedded */
		snprintf(out, size, "x@%s.%s.%s.com", label, suffix, other);
		break;
	case 4:		/* display name, encoded */
		snprintf(out, size, "=?utf-8?q?ceo=40%s.%s?= <x@%s.com>", label, suffix, other);
		break;
	default:	/* an unrelated sender with an ordinary display name */
		(void)n;
		snprintf(out, size, "\"%s Newsletter\" <news@mail.%s.com>", other, other);
		break;
	}
}

static void
run(size_t protected_count, size_t messages)
{
	const char *error = NULL;
	struct orgdomain *od = orgdomain_new(NULL, &error);
	struct lookalike_set *set = od ? lookalike_set_new(od, &error) : NULL;
	unsigned long long seed = 0x9e3779b97f4a7c15ULL;
	char (*labels)[16] = calloc(protected_count, sizeof(*labels));
	const char **sufs = calloc(protected_count, sizeof(*sufs));
	char (*froms)[256] = calloc(1024, sizeof(*froms));
	struct from_parse_result *parsed = calloc(1024, sizeof(*parsed));
	size_t found[6] = { 0 };
	double best = 0, t0;

	if (set == NULL || labels == NULL || sufs == NULL || froms == NULL || parsed == NULL) {
		fprintf(stderr, "lookalike_bench: %s\n", error ? error : "out of memory");
		exit(1);
	}
	t0 = now_ns();
	for (size_t i = 0; i < protected_count; i++) {
		char name[64], why[256];

		make_label(&seed, labels[i], 5 + next(&seed) % 8);
		sufs[i] = suffixes[next(&seed) % 10];
		snprintf(name, sizeof(name), "%s.%s", labels[i], sufs[i]);
		if (lookalike_set_protect(set, name, why, sizeof(why)) < 0) {
			fprintf(stderr, "lookalike_bench: %s\n", why);
			exit(1);
		}
	}
	printf("%6zu protected (%zu distinct): built in %.1f ms, %.2f MiB (%.0f bytes/domain)\n",
	       protected_count, lookalike_set_count(set), (now_ns() - t0) / 1e6,
	       lookalike_set_memory(set) / 1048576.0,
	       (double)lookalike_set_memory(set) / (double)lookalike_set_count(set));
	for (size_t i = 0; i < 1024; i++) {
		size_t p = next(&seed) % protected_count;

		make_from(&seed, labels[p], sufs[p], froms[i], sizeof(froms[i]));
		/* the From parse is DMARC's, done anyway: not timed */
		if (from_header_parse(froms[i], strlen(froms[i]), &parsed[i]) < 0) {
			fprintf(stderr, "lookalike_bench: bad From %s\n", froms[i]);
			exit(1);
		}
	}
	for (int round = 0; round < 3; round++) {
		memset(found, 0, sizeof(found));
		t0 = now_ns();
		for (size_t i = 0; i < messages; i++) {
			const char *v = froms[i % 1024], *problem = NULL;
			char name[DISPLAY_NAME_SIZE];
			struct lookalike_result r;
			struct lookalike_input in = { .display_name = name };

			if (display_name_extract(v, strlen(v), name, sizeof(name), &problem) < 0)
				in.display_problem = problem;
			in.from_domain = parsed[i % 1024].domain;
			found[lookalike_check(set, &in, &r)]++;
		}
		t0 = now_ns() - t0;
		if (round == 0 || t0 < best)
			best = t0;
	}
	printf("        %zu messages: %.0f ns per message;"
	       " none %zu homoglyph %zu typo %zu suffix %zu embedded %zu display-name %zu\n",
	       messages, best / (double)messages, found[0], found[1], found[2], found[3],
	       found[4], found[5]);
	free(labels);
	free(sufs);
	free(froms);
	free(parsed);
	lookalike_set_free(&set);
	orgdomain_free(&od);
}

int
main(int argc, char **argv)
{
	size_t messages = argc > 1 ? strtoul(argv[1], NULL, 10) : 200000;

	if (messages == 0)
		messages = 1;
	run(10, messages);
	run(1000, messages);
	run(10000, messages);
	return 0;
}
