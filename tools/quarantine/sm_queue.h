/*
 * sm_queue - Sendmail's queue directory as files: where it is (the
 * QueueDirectory option of the .cf, with Sendmail's qf/ and df/
 * subdirectories when present), which quarantined control files (hf<QID>)
 * it holds, one such file read whole, and the removal of one message.
 *
 * Removal: Sendmail has no command that deletes a queued message; its
 * own qtool.pl -d (qtool(8)) removes the files while holding the control
 * file's lock, and so does this. sm_queue_remove opens hf<QID>,
 * takes the lock Sendmail takes (flock, and an fcntl lock too, as
 * qtool.pl does where the two are separate), then checks that the name
 * still leads to the locked file (an unquarantine renames it to qf<QID>,
 * a rewrite replaces it): only then it removes the data file, then the
 * control file (a control file without data is what Sendmail reports;
 * data without a control file would be left over unseen). A file Sendmail has
 * locked (it is working on it) is left alone.
 *
 * Only the QueueDirectory queue is read: queue groups (Q lines) with
 * directories of their own, and a QueueDirectory with "*" (several
 * directories), are refused with an error.
 *
 * Ownership: error strings point into the struct sm_queue until the next
 * call on it; sm_queue_held_ids and sm_queue_read return malloc'd memory
 * the caller frees (sm_queue_ids_free, free).
 *
 * Thread-safety: a struct sm_queue belongs to one thread.
 */
#ifndef DMARCGUARD_QUARANTINE_SM_QUEUE_H
#define DMARCGUARD_QUARANTINE_SM_QUEUE_H

#include <limits.h>
#include <stddef.h>
#include <time.h>

#define SM_DEFAULT_CF "/etc/mail/sendmail.cf"

struct sm_queue {
	char control_dir[PATH_MAX];	/* "" until sm_queue_find */
	char data_dir[PATH_MAX];
	char error[768];
};

enum sm_remove_outcome {
	SM_REMOVED,
	SM_NOT_HELD,	/* no hf file (released, deleted, or never held) */
	SM_FAILED,
};

/* sm_queue_find - the queue of the .cf cf (NULL: SM_DEFAULT_CF); 0 or -1 */
int sm_queue_find(struct sm_queue *q, const char *cf, const char **error_r);
/* sm_queue_command - "sendmail" when PATH has one, else /usr/sbin/sendmail */
const char *sm_queue_command(void);
/* sm_queue_held_ids - the queue ids of every well-formed hf file name, sorted; 0 or -1 */
int sm_queue_held_ids(struct sm_queue *q, char ***ids_r, size_t *n_r, const char **error_r);
void sm_queue_ids_free(char **ids, size_t n);
/*
 * sm_queue_read - hf<qid> into *text_r (malloc'd, *len_r bytes), its
 * modification time into *mtime_r and the data file's size into *size_r;
 * 0, 1 when the file is gone, -1 with *error_r when it cannot be read
 * (permissions, too large, not a file)
 */
int sm_queue_read(struct sm_queue *q, const char *qid, char **text_r, size_t *len_r,
		  time_t *mtime_r, unsigned long long *size_r, const char **error_r);
/*
 * sm_queue_is_held - 1 when hf<qid> exists, 0 when not, -1 on error;
 * other (size bytes) gets another held id that contains qid, or ""
 */
int sm_queue_is_held(struct sm_queue *q, const char *qid, char *other, size_t size,
		     const char **error_r);
/* sm_queue_remove - the message's files removed under the control file's lock */
enum sm_remove_outcome sm_queue_remove(struct sm_queue *q, const char *qid,
				       const char **error_r);

#endif
