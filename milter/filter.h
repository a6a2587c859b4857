/*
 * filter - the libmilter callbacks: they adapt the milter protocol to the
 * message API of lib/ and carry out the verdict (headers, quarantine,
 * reject, tempfail). No judgement lives here.
 *
 * Thread-safety: state is per connection, kept with smfi_setpriv, never in
 * globals or thread-local storage (libmilter's worker pool may run one
 * connection's callbacks on different threads, one at a time).
 */
#ifndef DMARCGUARD_FILTER_H
#define DMARCGUARD_FILTER_H

#include <libmilter/mfapi.h>

/* filter_description - the smfiDesc to register */
struct smfiDesc *filter_description(void);

#endif
