/*
 * orgdomain - organizational domains (RFC 7489 3.2) and DMARC identifier
 * alignment (RFC 7489 3.1) as before RFC 9989 (OrgDomainMethod psl),
 * computed over the Public Suffix List with libpsl. libopendmarc 1.4.2 gets both wrong (one-character labels,
 * uppercase, wildcard rules, strict mode), so dmarcguard never asks it.
 *
 * Names: ASCII case does not matter and one trailing dot is ignored.
 * A name must be a syntactically valid host name for this module: labels
 * of letters, digits, '-' and '_', 1-63 octets, at most 253 in all, and a
 * last label that is not all digits (so an address literal such as
 * 192.0.2.1 has no organizational domain). Internationalized names must
 * be given as A-labels ("xn--..."); a U-label name is invalid here.
 *
 * The organizational domain is the longest public suffix of the name plus
 * one label. The list is the whole PSL, ICANN and private sections alike,
 * as libpsl applies it and as most receivers do: the organizational domain
 * of a.b.github.io is b.github.io, not github.io. RFC 7489 leaves the list
 * to the receiver; RFC 9989 replaces it with a DNS tree walk
 * (dmarc_treewalk.h), and this module serves OrgDomainMethod psl. Wildcard and exception rules follow the PSL
 * algorithm (*.ck with !www.ck: foo.ck is a suffix, a.www.ck has the
 * organizational domain www.ck). A TLD not in the list is a public suffix
 * by the PSL's implicit "*" rule, so the organizational domain of
 * a.b.dmarc.example is dmarc.example.
 *
 * A name that is itself a public suffix (com, co.uk, github.io) has no
 * organizational domain: orgdomain_get returns -1. Such names align only
 * with themselves.
 *
 * Life cycle: orgdomain_new once per process before threads start;
 * orgdomain_free after they stop.
 *
 * Thread-safety: an orgdomain is read-only after orgdomain_new and may be
 * shared by any number of threads. libpsl documents itself as thread-safe,
 * and its look-up functions only read a const psl_ctx_t (checked in the
 * libpsl 0.21 source: no static or per-context scratch state).
 */
#ifndef DMARCGUARD_ORGDOMAIN_H
#define DMARCGUARD_ORGDOMAIN_H

#include <stddef.h>

#include "dns_name.h"

/* ORGDOMAIN_BUFSIZE - an output buffer of this size always suffices */
#define ORGDOMAIN_BUFSIZE (DNS_NAME_MAX + 1)

/* Debian's copy of the list (package publicsuffix) */
#define ORGDOMAIN_DEFAULT_PSL "/usr/share/publicsuffix/public_suffix_list.dat"

enum align_mode {
	ALIGN_RELAXED,		/* same organizational domain (RFC 7489 "r") */
	ALIGN_STRICT,		/* identical names (RFC 7489 "s") */
};

struct orgdomain;

/*
 * orgdomain_new - load the Public Suffix List. psl_file is a .dat list or
 * a libpsl .dafsa file; NULL means ORGDOMAIN_DEFAULT_PSL, and when that
 * cannot be loaded, libpsl's built-in list. A named file that cannot be
 * loaded, or is not a regular file (a FIFO, a device), is an error. Returns NULL with *error_r set to static text.
 * The caller frees the result with orgdomain_free.
 */
struct orgdomain *orgdomain_new(const char *psl_file, const char **error_r)
	__attribute__((warn_unused_result));

/* orgdomain_free - release the list; accepts NULL, sets *od to NULL */
void orgdomain_free(struct orgdomain **od);

/*
 * orgdomain_source - where the list came from, for the start-up log: the
 * file name, or "libpsl built-in" (static or owned by od).
 */
const char *orgdomain_source(const struct orgdomain *od);

/*
 * orgdomain_get - write the organizational domain of `domain`, lowercase
 * and without a trailing dot, to out. Returns 0, or -1 (out set to "" when
 * size > 0) when the name is invalid, is itself a public suffix, or the
 * result does not fit in size bytes.
 */
int orgdomain_get(const struct orgdomain *od, const char *domain, char *out,
		  size_t size);

/*
 * orgdomain_normalize - the one spelling of a host name (lowercase, no
 * trailing dot) into out, or -1 when it is not a valid host name for
 * DMARC purposes (the rules above). Needs no list.
 */
int orgdomain_normalize(const char *name, char *out, size_t size);

/*
 * orgdomain_aligned - 1 if identifiers a and b are aligned in this mode,
 * else 0. Strict: identical after lowercasing and dropping one trailing
 * dot. Relaxed: identical, or both have an organizational domain and it is
 * the same. An invalid name is never aligned with anything.
 */
int orgdomain_aligned(const struct orgdomain *od, const char *a, const char *b,
		      enum align_mode mode);

#endif
