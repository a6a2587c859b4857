/*
 * spf_screen - what of a TXT answer libspf2 may see (see
 * private/spf_screen.h): SPF records only, and none that could reach the
 * CVE-2023-42118 underflow in libspf2's record compiler, that hold bytes
 * outside printable ASCII, or that use a macro whose input was refused.
 *
 * Thread-safety: pure functions; the only static data is constant.
 */
#include "spf_screen.h"

#include <ctype.h>
#include <strings.h>

/*
 * A term's compiled form must stay under libspf2's 511-byte limit by more
 * than sizeof(SPF_data_t) (4), or SPF_INIT_STRING_LITERAL's "ds_avail =
 * avail - 4" wraps and the next literal is copied unchecked into a 4 KB
 * stack buffer (CVE-2023-42118, fixed upstream in d14abff, not in Debian
 * 12's 1.2.10-7.2). See term_cost for the bound.
 */
#define TERM_COST_MAX 500

int
spf_screen_is_spf(const unsigned char *data, size_t len)
{
	return len >= 6 && strncasecmp((const char *)data, "v=spf1", 6) == 0
	    && (len == 6 || data[6] == ' ');
}

/*
 * term_cost - an upper bound of the bytes libspf2 compiles a term of n
 * bytes with pct '%' signs into: literal text of at most n + pct bytes
 * ("%-" becomes 3 bytes), at most pct + 1 literal blocks with a 4-byte
 * header and up to 7 bytes of padding each, at most pct variables of 8
 * bytes and an 8-byte CIDR block. Real records stay far below the limit.
 */
static size_t
term_cost(size_t n, size_t pct)
{
	return n + pct + 11 * (pct + 1) + 8 * pct + 8;
}

const char *
spf_screen_refusal(const unsigned char *txt, size_t len, unsigned unsafe)
{
	size_t i = 0;

	for (i = 0; i < len; i++)
		if (txt[i] < 0x20 || txt[i] > 0x7e)
			return "SPF record holds a control or non-ASCII byte";
	i = 0;
	while (i < len) {
		size_t start, pct = 0;

		while (i < len && txt[i] == ' ')
			i++;
		for (start = i; i < len && txt[i] != ' '; i++) {
			int var;

			if (txt[i] != '%' || i + 1 >= len || txt[i + 1] == ' ')
				continue;
			pct++;
			if (txt[++i] != '{' || i + 1 >= len)
				continue;	/* an escape: "%%", "%_", "%-" */
			var = tolower(txt[i + 1]);
			if ((var == 'l' || var == 's') && (unsafe & SPF_DNS_UNSAFE_LOCAL))
				return "SPF record uses %{l} or %{s} with an unusable local-part";
			if (var == 'h' && (unsafe & SPF_DNS_UNSAFE_HELO))
				return "SPF record uses %{h} with an unusable HELO name";
		}
		if (term_cost(i - start, pct) > TERM_COST_MAX)
			return "SPF term too long for libspf2 (CVE-2023-42118 guard)";
	}
	return NULL;
}
