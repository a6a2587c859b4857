/*
 * negotiation - what dmarcguard asks of the MTA at milter option
 * negotiation, and the reply a callback owes for a step. One definition for
 * the daemon (filter.c) and for bench/null_milter.c, whose figures are only
 * meaningful if it negotiates exactly as the daemon does.
 *
 * Actions: add, change (and so delete) header fields, quarantine. Steps:
 * no unknown commands or DATA; header values with their leading space; no
 * reply to connect, HELO, MAIL, RCPT (its domains are protected from
 * look-alikes), each header, end of headers and body chunks (the verdict
 * comes at end of message).
 *
 * Thread-safety: constants and pure functions.
 */
#ifndef DMARCGUARD_NEGOTIATION_H
#define DMARCGUARD_NEGOTIATION_H

#include <libmilter/mfapi.h>

#define NEGOTIATION_ACTIONS (SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE)
#define NEGOTIATION_STEPS (SMFIP_NOUNKNOWN | SMFIP_NODATA | SMFIP_HDR_LEADSPC \
			   | SMFIP_NR_CONN | SMFIP_NR_HELO | SMFIP_NR_MAIL | SMFIP_NR_RCPT | SMFIP_NR_HDR \
			   | SMFIP_NR_EOH | SMFIP_NR_BODY)

/*
 * negotiation_choose - from what the MTA offers (actions f0, steps f1),
 * what we take; nothing of the reserved words f2, f3
 */
static inline void
negotiation_choose(unsigned long f0, unsigned long f1, unsigned long *pf0, unsigned long *pf1,
		   unsigned long *pf2, unsigned long *pf3)
{
	*pf0 = f0 & NEGOTIATION_ACTIONS;
	*pf1 = f1 & NEGOTIATION_STEPS;
	*pf2 = 0;
	*pf3 = 0;
}

/* negotiation_reply - SMFIS_NOREPLY when the steps taken make no_reply_flag's step silent */
static inline sfsistat
negotiation_reply(unsigned long steps, unsigned long no_reply_flag)
{
	return (steps & no_reply_flag) ? SMFIS_NOREPLY : SMFIS_CONTINUE;
}

#endif
