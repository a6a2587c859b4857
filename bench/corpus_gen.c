/*
 * dmarcguard-corpus-gen - write a reproducible benchmark corpus (see
 * corpus.h for the directory layout).
 *
 *   dmarcguard-corpus-gen --out DIR --sign PATH/test_sign_tool --key RSA2048.pem
 *                         [--count N] [--seed S] [--big-mb MB]
 *
 * The mix, from a fixed-seed generator (same seed, same messages; only the
 * DKIM t= and b= tags follow the signing time):
 *   40 %  legitimate mail from none.example (p=none), DKIM-signed with the
 *         RSA-2048 test key (selector "sel"), sent from its SPF network;
 *   25 %  spoofs of none.example: unsigned, from an attacker's host;
 *   15 %  spoofs of reject.example (p=reject): unsigned, same host;
 *   10 %  legitimate, signed mail from nodmarc.example (no DMARC record);
 *   10 %  unsigned mail from attacker.example (no DMARC record).
 * Bodies are 2 KB to 100 KB, log-uniform, text or text plus a base64
 * attachment. The expected dmarcguard action goes in the envelope file.
 * --big-mb also writes DIR/big/ with one signed message of that many MB.
 *
 * Signing runs the test signer (tests/support/sign_tool.c, libopendkim),
 * one process per signed message.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <math.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

struct sender_class {
	const char *name;
	int weight;		/* percent */
	const char *from;	/* From: header address */
	const char *sign_domain;	/* NULL: unsigned */
	const char *ip_prefix;	/* client address without its last octet */
	const char *helo;
	const char *mail_from;
	const char *expect;
};

static const struct sender_class classes[] = {
	{ "legit-none", 40, "Policy Desk <desk@none.example>", "none.example", "192.0.2.",
	  "mail.none.example", "bounce@none.example", "accept" },
	{ "spoof-none", 25, "Policy Desk <desk@none.example>", NULL, "203.0.113.",
	  "mx.attacker.example", "x@attacker.example", "quarantine" },
	{ "spoof-reject", 15, "Policy Desk <desk@reject.example>", NULL, "203.0.113.",
	  "mx.attacker.example", "x@attacker.example", "reject" },
	{ "legit-nodmarc", 10, "News Desk <news@nodmarc.example>", "nodmarc.example", "192.0.2.",
	  "mail.nodmarc.example", "bounce@nodmarc.example", "accept" },
	{ "plain-nodmarc", 10, "Sales <sales@attacker.example>", NULL, "203.0.113.",
	  "mx.attacker.example", "sales@attacker.example", "accept" },
};

static uint64_t rng_state;

/* rng - xorshift64*: small, fast, and the same sequence everywhere */
static uint64_t
rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

static size_t
rng_below(size_t n)
{
	return (size_t)(rng() % n);
}

static const char *const words[] = {
	"policy", "briefing", "regional", "security", "ministry", "analysis", "the", "of",
	"and", "to", "report", "meeting", "draft", "review", "attached", "please", "find",
	"quarterly", "budget", "research", "university", "conference", "agenda", "notes",
	"summary", "proposal", "committee", "on", "for", "with", "a", "in", "schedule",
};

/* text_body - about size bytes of wrapped text lines */
static void
text_body(FILE *f, size_t size)
{
	size_t written = 0, col = 0;

	while (written < size) {
		const char *w = words[rng_below(sizeof(words) / sizeof(words[0]))];
		size_t n = strlen(w);

		if (col + n + 1 > 72) {
			fputc('\n', f);
			written++;
			col = 0;
		} else if (col > 0) {
			fputc(' ', f);
			written++;
			col++;
		}
		fputs(w, f);
		written += n;
		col += n;
	}
	fputs(".\n", f);
}

/* base64_block - size bytes of base64 lines of random data */
static void
base64_block(FILE *f, size_t size)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	for (size_t written = 0; written < size; written += 77) {
		for (int i = 0; i < 76; i++)
			fputc(b64[rng() & 63], f);
		fputc('\n', f);
	}
}

static void
write_message(FILE *f, const struct sender_class *c, size_t n, size_t body_size)
{
	int multipart = body_size > 20000 && (rng() & 1);

	fprintf(f, "Received: from %s (%s [%s%zu])\n\tby relay.%s with ESMTPS id R%06zu;\n"
		"\tMon, 2 Nov 2026 08:59:%02zu +0000\n", c->helo, c->helo, c->ip_prefix,
		10 + n % 3, c->helo, n, n % 60);
	fprintf(f, "From: %s\nTo: Analyst <analyst@receiver.example>\n", c->from);
	fprintf(f, "Subject: %s %s %s #%zu\n", words[rng_below(10)], words[rng_below(10)],
		words[rng_below(10)], n);
	fprintf(f, "Date: Mon, 2 Nov 2026 09:%02zu:%02zu +0000\n", (n / 60) % 60, n % 60);
	fprintf(f, "Message-ID: <%s.%zu.%08llx@bench.example>\n", c->name, n,
		(unsigned long long)(rng() & 0xffffffffULL));
	fprintf(f, "MIME-Version: 1.0\n");
	if (!multipart) {
		fprintf(f, "Content-Type: text/plain; charset=us-ascii\n\n");
		text_body(f, body_size);
		return;
	}
	fprintf(f, "Content-Type: multipart/mixed; boundary=\"b-%zu\"\n\n", n);
	fprintf(f, "--b-%zu\nContent-Type: text/plain; charset=us-ascii\n\n", n);
	text_body(f, 1500);
	fprintf(f, "\n--b-%zu\nContent-Type: application/pdf; name=\"notes-%zu.pdf\"\n"
		"Content-Transfer-Encoding: base64\n\n", n, n);
	base64_block(f, body_size - 1500);
	fprintf(f, "\n--b-%zu--\n", n);
}

/* sign - run the signer: stdin from in, stdout to out */
static int
sign(const char *tool, const char *key, const char *domain, const char *in, const char *out)
{
	char *argv[] = { (char *)tool, (char *)key, "sel", (char *)domain, NULL };
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int status, rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, in, O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	rc = posix_spawn(&pid, tool, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status)
	    || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "corpus-gen: signing %s failed\n", in);
		return -1;
	}
	return 0;
}

/* make_one - write message n of class c as DIR/NAME, signed if the class is */
static int
make_one(const char *dir, const char *tool, const char *key, const struct sender_class *c,
	 size_t n, size_t body_size, char *name, size_t name_size)
{
	char path[4096], tmp[4200];
	FILE *f;

	snprintf(name, name_size, "%05zu-%s.eml", n, c->name);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s.unsigned", path);
	if ((f = fopen(c->sign_domain ? tmp : path, "w")) == NULL) {
		fprintf(stderr, "corpus-gen: %s: %s\n", path, strerror(errno));
		return -1;
	}
	write_message(f, c, n, body_size);
	if (fclose(f) != 0)
		return -1;
	if (c->sign_domain == NULL)
		return 0;
	if (sign(tool, key, c->sign_domain, tmp, path) < 0)
		return -1;
	unlink(tmp);
	return 0;
}

static const struct sender_class *
pick_class(void)
{
	int r = (int)rng_below(100);

	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++) {
		if (r < classes[i].weight)
			return &classes[i];
		r -= classes[i].weight;
	}
	return &classes[0];
}

static int
make_big(const char *out, const char *tool, const char *key, long mb)
{
	char dir[4096], path[4200], name[128];
	FILE *env;

	snprintf(dir, sizeof(dir), "%s/big", out);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return -1;
	if (make_one(dir, tool, key, &classes[0], 0, (size_t)mb * 1024 * 1024, name,
		     sizeof(name)) < 0)
		return -1;
	snprintf(path, sizeof(path), "%s/envelope", dir);
	if ((env = fopen(path, "w")) == NULL)
		return -1;
	fprintf(env, "%s %s10 %s %s %s\n", name, classes[0].ip_prefix, classes[0].helo,
		classes[0].mail_from, classes[0].expect);
	return fclose(env);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "out", required_argument, NULL, 'o' }, { "sign", required_argument, NULL, 's' },
		{ "key", required_argument, NULL, 'k' }, { "count", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 'S' }, { "big-mb", required_argument, NULL, 'b' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL, *tool = NULL, *key = NULL;
	long count = 400, big_mb = 0;
	unsigned long long seed = 20261102;
	char path[4200], name[128];
	FILE *env;
	int opt;

	while ((opt = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (opt) {
		case 'o': out = optarg; break;
		case 's': tool = optarg; break;
		case 'k': key = optarg; break;
		case 'n': count = strtol(optarg, NULL, 10); break;
		case 'S': seed = strtoull(optarg, NULL, 10); break;
		case 'b': big_mb = strtol(optarg, NULL, 10); break;
		default: return 2;
		}
	}
	if (out == NULL || tool == NULL || key == NULL || count < 1 || big_mb < 0) {
		fprintf(stderr, "usage: dmarcguard-corpus-gen --out DIR --sign TOOL --key PEM "
			"[--count N] [--seed S] [--big-mb MB]\n");
		return 2;
	}
	rng_state = seed ? seed : 1;
	if (mkdir(out, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, "corpus-gen: %s: %s\n", out, strerror(errno));
		return 1;
	}
	snprintf(path, sizeof(path), "%s/envelope", out);
	if ((env = fopen(path, "w")) == NULL)
		return 1;
	fprintf(env, "# FILE CLIENT_IP HELO MAIL_FROM EXPECT (dmarcguard-corpus-gen seed %llu)\n",
		seed);
	for (long n = 0; n < count; n++) {
		const struct sender_class *c = pick_class();
		/* log-uniform from 2 KB to 100 KB */
		double u = (double)(rng() >> 11) / 9007199254740992.0;
		size_t size = (size_t)(2048.0 * exp(u * log(100.0 / 2.0)));

		if (make_one(out, tool, key, c, (size_t)n, size, name, sizeof(name)) < 0)
			return 1;
		fprintf(env, "%s %s%ld %s %s %s\n", name, c->ip_prefix, 10 + n % 3, c->helo,
			c->mail_from, c->expect);
	}
	if (fclose(env) != 0)
		return 1;
	if (big_mb > 0 && make_big(out, tool, key, big_mb) < 0) {
		fprintf(stderr, "corpus-gen: cannot write the big message\n");
		return 1;
	}
	return 0;
}
