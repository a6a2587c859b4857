/*
 * report_recorder - the daemon's side of aggregate reports: verdicts
 * worth reporting (report_record_wanted) become report records in a
 * bounded queue, and one writer thread appends them to the store
 * (ReportStore) in batches, one transaction each: it gathers records for
 * up to a second, or until a batch (256) is full, before it writes, so a
 * record reaches the store within about a second and SIGKILL loses at
 * most the records of that second.
 *
 * The milter thread never waits on the store: report_recorder_push
 * builds the record, takes the queue's mutex only to copy it in, and
 * when the queue is full drops the record and counts it. The writer
 * opens the store itself (again every 5 s while it cannot: a restarted
 * database is written to again soon), and when a
 * batch cannot be written (store slow, locked, full, read-only, down)
 * drops the batch and counts it. Drops are logged at most once a
 * minute, with the running totals; report_recorder_free writes what is
 * queued (one last try) and logs the totals if anything was dropped.
 *
 * Ownership: the daemon creates one recorder before the milter's
 * threads start and frees it after they stopped; runtimes point to it
 * without owning it.
 *
 * Thread-safety: report_recorder_push from any number of threads;
 * _new and _free from one thread, with no push running.
 */
#ifndef DMARCGUARD_REPORT_RECORDER_H
#define DMARCGUARD_REPORT_RECORDER_H

#include <stdint.h>

#include "verdict.h"

struct report_recorder;

struct report_recorder_stats {
	uint64_t queued;		/* records accepted into the queue */
	uint64_t written;		/* records committed to the store */
	uint64_t dropped;		/* all dropped records: */
	uint64_t dropped_full;		/*  the queue was full */
	uint64_t dropped_store;		/*  the store could not take the batch */
					/*  (the rest: a record too large to keep) */
	uint64_t waiting;		/* records in the queue now */
};

/*
 * report_recorder_new - a recorder writing into the store at uri with a
 * queue of queue_size records, its writer thread started. NULL with
 * *error_r when the thread or memory cannot be had; a store that cannot
 * be opened is not an error here (its records are dropped and counted).
 */
struct report_recorder *report_recorder_new(const char *uri, unsigned queue_size,
					    const char **error_r);
/* report_recorder_push - record v (when it is reported at all) as of now */
void report_recorder_push(struct report_recorder *recorder, const struct verdict *v,
			  int64_t now);
/* report_recorder_stats - the counters so far */
void report_recorder_stats(struct report_recorder *recorder, struct report_recorder_stats *out);
/*
 * report_recorder_free - write what is queued, stop the writer, free;
 * accepts NULL. The final counters go to *final_r unless it is NULL.
 */
void report_recorder_free(struct report_recorder **recorder,
			  struct report_recorder_stats *final_r);

#endif
