/*
 * alert_log - send a verdict's alert line to syslog (and stderr with -f)
 * at the level its content calls for. Thread-safety: as log.h.
 */
#ifndef DMARCGUARD_ALERT_LOG_H
#define DMARCGUARD_ALERT_LOG_H

#include "verdict.h"

void alert_log(const struct verdict *verdict);

#endif
