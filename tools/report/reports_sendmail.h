/*
 * reports_sendmail - hand one report mail to the MTA's sendmail
 * interface (ReportSendmail, such as "/usr/sbin/sendmail -i -t"), which
 * both Postfix and Sendmail provide: the report then gets the MTA's
 * queue, retries and signing.
 *
 * The command is split at spaces and run without a shell; the message
 * goes to its standard input. Success is exit status 0 and nothing else.
 *
 * Thread-safety: forks; call from a single-threaded program.
 */
#ifndef DMARCGUARD_REPORTS_SENDMAIL_H
#define DMARCGUARD_REPORTS_SENDMAIL_H

#include <stddef.h>

#include "reports_mail.h"

/* reports_sendmail_send - 0 after exit 0; -1 with the reason in error */
int reports_sendmail_send(const char *command, const struct reports_mail *m, char *error,
			  size_t size);

#endif
