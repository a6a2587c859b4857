/*
 * display_name - the text a mail client shows for a From: header, as
 * UTF-8, for the display-name look-alike check ("ceo@bank.example"
 * <x@attacker.example>).
 *
 * Extraction: the phrase before the first '<' outside quoted strings and
 * comments (name-addr form), with quoted strings unquoted, quoted pairs
 * resolved, comment text kept as text (without
 * its parentheses), folding removed and white-space
 * runs made one space; in the addr-spec form only the comments' text
 * (the old "x@y (Name)" form). The phrase is then RFC 2047-decoded
 * (encoded_word.h), so every problem there is a problem here too.
 *
 * The extraction is deliberately independent of from_header's verdict:
 * it looks at what a reader would see, whatever the author domain.
 *
 * Thread-safety: pure; the result lives in caller memory.
 */
#ifndef DMARCGUARD_DISPLAY_NAME_H
#define DMARCGUARD_DISPLAY_NAME_H

#include <stddef.h>

#define DISPLAY_NAME_SIZE 1024

/*
 * display_name_extract - the decoded display name of From value
 * value[0..len) (which may hold NUL bytes and folding) into out. Returns
 * its length (0: none), or -1 with *problem_r set (an ENCODED_WORD_*
 * string) and out set to "".
 */
int display_name_extract(const char *value, size_t len, char *out, size_t size,
			 const char **problem_r);

#endif
