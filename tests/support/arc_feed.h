/*
 * arc_feed - a stored message into an ARC chain (arc_chain_header for
 * each field, arc_chain_eoh, arc_chain_body) through message_reader, the
 * way the offline mode splits it; shared by test_arc_chain and
 * arc_verify_tool (tests/arc/arc-diff.pl).
 *
 * Thread-safety: as message_reader and the chain: one thread per chain.
 */
#ifndef DMARCGUARD_ARC_FEED_H
#define DMARCGUARD_ARC_FEED_H

#include <stdio.h>

struct arc_chain;

/* arc_feed_file - all of f into c; message_reader_feed's return value */
int arc_feed_file(struct arc_chain *c, FILE *f);

#endif
