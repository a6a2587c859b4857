/*
 * proc_stat - what Linux's /proc tells about another process: CPU time
 * (user + system, all threads, from /proc/PID/stat) and resident memory
 * (VmRSS, VmHWM from /proc/PID/status). The benchmark reads these for the
 * milter processes before and after a run.
 *
 * Thread-safety: reentrant.
 */
#ifndef DMARCGUARD_BENCH_PROC_STAT_H
#define DMARCGUARD_BENCH_PROC_STAT_H

#include <sys/types.h>

/* proc_stat_cpu_ms - utime + stime of pid in milliseconds, or -1 */
double proc_stat_cpu_ms(pid_t pid);

/* proc_stat_kb - a "Vm...:" line of /proc/PID/status in kB ("VmRSS"), or -1 */
long proc_stat_kb(pid_t pid, const char *field);

/* proc_stat_reset_peak - restart VmHWM at the current RSS; 0 or -1 */
int proc_stat_reset_peak(pid_t pid);

#endif
