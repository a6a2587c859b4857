/*
 * suggest - from the held messages and their alerts, what an operator
 * may want to trust, with the counts behind each suggestion. Nothing is
 * ever applied: the operator reads, checks and edits the configuration.
 *
 * Forwarder candidates: a signer whose DKIM signature passed (dkim=
 * d:pass) or an ARC sealer whose chain passed (arc=pass, arc_sealer=S,
 * when the alert carries them), unaligned with the From domain, on at
 * least min held messages, where every held message from the clients
 * that sent them carries that signature or seal too (a list server or
 * forwarder that signs all it relays) -> TrustedForwarders.
 *
 * SPF candidates: an SPF domain whose held messages (SPF fail, softfail
 * or neutral) number at least min and all come from one address block
 * (/24 for IPv4, /48 for IPv6) -> its owner's SPF record probably lacks
 * that block. A spoofer working from one network looks the same, so the
 * text says to ask the domain's owner first.
 *
 * Ownership: suggest_new copies what it needs; suggest_free releases it.
 *
 * Thread-safety: single-threaded.
 */
#ifndef DMARCGUARD_QUARANTINE_SUGGEST_H
#define DMARCGUARD_QUARANTINE_SUGGEST_H

#include <stddef.h>
#include <stdio.h>

#include "held.h"

struct suggest;

struct suggest *suggest_new(const struct held_set *set, unsigned long min_count);
void suggest_print_text(const struct suggest *s, FILE *f, size_t nlogs);
void suggest_print_json(const struct suggest *s, FILE *f);
void suggest_free(struct suggest **s);

#endif
