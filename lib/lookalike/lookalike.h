/*
 * lookalike - look-alike senders: is the From domain (or the display name)
 * made to look like a protected domain? DMARC proves only that mail comes
 * from the domain in From:; a cousin domain passes its own DMARC.
 *
 * A lookalike_set (lookalike_set.h) is built once per configuration from the protected
 * domains and the allowed names; every message's From domain is then
 * checked against it, and against the message's own recipient domains
 * (passed per check: "extra" protected domains). Checks, in this order;
 * the first that finds anything answers, naming the protected domain that
 * was configured first (configured domains before recipient domains):
 *
 *   homoglyph     the case-folded Unicode TS #39 skeletons (ICU uspoof) of
 *                 the registrable labels are equal, the labels are not
 *                 (g0v.example ~ gov.example, bаnk with a Cyrillic а);
 *   typo          Damerau-Levenshtein distance 1 between registrable labels
 *                 of 4 or more code points, any public suffix (banc, bnak,
 *                 bank1 ~ bank);
 *   suffix        the same registrable label under another public suffix
 *                 (bank.example.net ~ bank.example, when example.net is a
 *                 suffix, or bank.test ~ bank.example);
 *   embedded      a protected registrable domain appears as whole labels in
 *                 front of another registrable domain
 *                 (bank.example.attacker.example);
 *   display-name  the decoded display name contains a protected
 *                 registrable domain, or a name or address under one, as a
 *                 word of letters, digits, '-' and '.', or a word whose
 *                 registrable label is a homoglyph of a protected one
 *                 ("bаnk.example Support" with a Cyrillic а).
 *
 * Never a look-alike: a From domain with the same registrable domain as
 * the protected one (aligned: itself and its subdomains), a From domain
 * whose registrable domain or own name is allowed (LookalikeAllow), or a
 * From domain that has no registrable domain or cannot be decoded
 * (result NONE with a problem text). A display name that is not valid
 * (broken encoded words, NUL, invalid UTF-8: the caller passes the
 * problem) skips only the display-name check.
 *
 * Cost: a check is a few hash look-ups per registrable label, whatever the
 * number of protected domains: the typo index holds every protected label
 * with each one code point deleted (a deletion neighbourhood), so a label
 * within distance 1 shares one key with it.
 *
 * Thread-safety: a set is built by one thread and then only read; any
 * number of threads may check against one set at once. The ICU spoof
 * checker it holds is used only through functions taking it as const,
 * which ICU documents as thread-safe.
 */
#ifndef DMARCGUARD_LOOKALIKE_H
#define DMARCGUARD_LOOKALIKE_H

#include <stddef.h>

#include "lookalike_set.h"
#include "orgdomain.h"

enum lookalike_kind {
	LOOKALIKE_NONE = 0,
	LOOKALIKE_HOMOGLYPH,
	LOOKALIKE_TYPO,
	LOOKALIKE_SUFFIX,
	LOOKALIKE_EMBEDDED,
	LOOKALIKE_DISPLAY_NAME,
};

/* recipient domains checked per message beyond this many are ignored */
#define LOOKALIKE_MAX_EXTRA 8

struct lookalike_input {
	const char *from_domain;	/* A- or U-labels */
	const char *display_name;	/* decoded UTF-8, or NULL */
	const char *display_problem;	/* why the display name is unusable, or NULL */
	const char *const *extra;	/* more protected domains (recipients) */
	size_t extra_count;		/* only the first LOOKALIKE_MAX_EXTRA count */
};

struct lookalike_result {
	enum lookalike_kind kind;
	char protected_domain[ORGDOMAIN_BUFSIZE];	/* as configured, A-labels */
	const char *problem;	/* static text when a part could not be checked, or NULL */
};

/* lookalike_kind_name - "homoglyph", "typo", "suffix", "embedded", "display-name", "none" */
const char *lookalike_kind_name(enum lookalike_kind kind);

/*
 * lookalike_check - check one message (see above). Fills *out; returns
 * out->kind. The set may be empty (only the extra domains are protected).
 */
enum lookalike_kind lookalike_check(const struct lookalike_set *set,
				    const struct lookalike_input *in,
				    struct lookalike_result *out);

#endif
