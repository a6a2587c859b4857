/*
 * qid - queue id syntax of Postfix and Sendmail (see qid.h).
 *
 * Thread-safety: see qid.h.
 */
#include "qid.h"

#include <string.h>

#define POSTFIX_SHORT_MIN 6
#define POSTFIX_SHORT_MAX 16
#define POSTFIX_LONG_MIN 12
#define POSTFIX_LONG_MAX 24
#define POSTFIX_LONG_TIME 10	/* characters before the separator */
#define SENDMAIL_TIME_CHARS 8
#define SENDMAIL_PID_MIN 6
#define SENDMAIL_PID_MAX 10

/* is_upper_hex - 0-9 A-F */
static int
is_upper_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}

/* is_base52 - Postfix's long-id alphabet: digits and consonants (z included) */
static int
is_base52(char c)
{
	if (c >= '0' && c <= '9')
		return 1;
	if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
		return 0;
	return strchr("AEIOUaeiou", c) == NULL;
}

/*
 * postfix_check - a short hex id, or a long id: ten base-52 characters of
 * time, the separator 'z', then the inode number in base 51 (no 'z')
 */
static int
postfix_check(const char *s, size_t len, const char **error_r)
{
	size_t i;

	for (i = 0; i < len && is_upper_hex(s[i]); i++)
		;
	if (i == len) {
		if (len < POSTFIX_SHORT_MIN || len > POSTFIX_SHORT_MAX) {
			*error_r = "a Postfix short queue id has 6 to 16 hex digits";
			return -1;
		}
		return 0;
	}
	if (len < POSTFIX_LONG_MIN || len > POSTFIX_LONG_MAX
	    || s[POSTFIX_LONG_TIME] != 'z') {
		*error_r = "not a Postfix queue id (6-16 hex digits, or a long id of"
			   " 12-24 letters and digits with 'z' as the 11th)";
		return -1;
	}
	for (i = 0; i < len; i++)
		if (!is_base52(s[i]) || (i > POSTFIX_LONG_TIME && s[i] == 'z')) {
			*error_r = "not a Postfix queue id (a long id holds digits and"
				   " consonants only, and one 'z' after the time part)";
			return -1;
		}
	return 0;
}

/* is_sendmail_time - Sendmail's base-60 alphabet for the time part */
static int
is_sendmail_time(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'x');
}

/* sendmail_check - eight time characters, then the digits of a pid and counter */
static int
sendmail_check(const char *s, size_t len, const char **error_r)
{
	size_t i;

	if (len < SENDMAIL_TIME_CHARS + SENDMAIL_PID_MIN
	    || len > SENDMAIL_TIME_CHARS + SENDMAIL_PID_MAX) {
		*error_r = "a Sendmail queue id has 14 characters (8 letters or digits, then digits)";
		return -1;
	}
	for (i = 0; i < SENDMAIL_TIME_CHARS; i++)
		if (!is_sendmail_time(s[i])) {
			*error_r = "not a Sendmail queue id (bad character in the first 8)";
			return -1;
		}
	for (; i < len; i++)
		if (s[i] < '0' || s[i] > '9') {
			*error_r = "not a Sendmail queue id (the characters after the 8th are digits)";
			return -1;
		}
	return 0;
}

int
qid_check(enum qid_mta mta, const char *s, const char **error_r)
{
	size_t len = strlen(s);

	if (len == 0) {
		*error_r = "empty queue id";
		return -1;
	}
	if (strcmp(s, "ALL") == 0) {
		*error_r = "ALL is refused: name each message";
		return -1;
	}
	return mta == QID_POSTFIX ? postfix_check(s, len, error_r)
				  : sendmail_check(s, len, error_r);
}
