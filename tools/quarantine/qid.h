/*
 * qid - is this string a queue id the MTA could have given out? The
 * check comes before any queue id reaches postsuper or sendmail, so a
 * typo, a path or an option ("-d ALL", "../x") is refused with a reason
 * instead of being passed on.
 *
 * Postfix: a short id is 6 to 16 upper-case hex digits; a long id
 * (enable_long_queue_ids) is ten characters of time in Postfix's base-52
 * alphabet (digits and consonants), the separator "z", then the inode
 * number in base 51 (no "z"), 12 to 24 in all. Sendmail (8.12 and
 * later): 14 characters, eight of its base-60 time alphabet
 * ([0-9A-Za-x]) followed by six digits (the process id part; more digits
 * when pids are larger). "ALL" (postsuper's every message) is refused.
 *
 * Thread-safety: pure functions.
 */
#ifndef DMARCGUARD_QUARANTINE_QID_H
#define DMARCGUARD_QUARANTINE_QID_H

enum qid_mta {
	QID_POSTFIX,
	QID_SENDMAIL,
};

/* qid_check - 0 when s is a well-formed queue id of mta, else -1 with *error_r (static) */
int qid_check(enum qid_mta mta, const char *s, const char **error_r);

#endif
