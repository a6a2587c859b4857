/*
 * from_header_check - the assertions every From: header parser row makes,
 * shared by tests/test_from_header.c (written-down inputs) and
 * tests/test_from_header_limits.c (generated large ones).
 *
 * from_check_parse parses one input with from_header_parse and asserts,
 * with the row number and a printable copy of the input in every
 * message: the status and the domain (OK) or reason code (malformed);
 * the return value; no reason when OK, no domain and no address when
 * malformed; the address for logs when the row names one; and less than
 * one second of CPU time.
 *
 * Thread-safety: Check tests only; no state.
 */
#ifndef DMARCGUARD_FROM_HEADER_CHECK_H
#define DMARCGUARD_FROM_HEADER_CHECK_H

#include <stddef.h>

#include "from_header.h"

/*
 * from_check_parse - assert what parsing in[0..len) gives; want_str is the
 * domain when want is FROM_OK, else the reason code; want_addr NULL leaves
 * the address unchecked
 */
void from_check_parse(int row, const char *in, size_t len, enum from_status want,
		      const char *want_str, const char *want_addr);

#endif
