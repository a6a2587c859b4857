/*
 * alert_log - one syslog line per evaluated message. Thread-safety: as log.h.
 */
#include "alert_log.h"
#include "alert.h"
#include "log.h"

void
alert_log(const struct verdict *v)
{
	static const int priorities[] = {
		[ALERT_INFO] = LOG_INFO,
		[ALERT_NOTICE] = LOG_NOTICE,
		[ALERT_WARNING] = LOG_WARNING,
	};
	char line[ALERT_LINE_MAX];

	alert_format(v, line, sizeof(line));
	log_msg(priorities[alert_level_of(v)], "%s", line);
}
