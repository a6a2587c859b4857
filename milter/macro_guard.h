/*
 * macro_guard - keeps from libmilter the one macro packet it cannot hold.
 *
 * libmilter 8.17 decodes a macro packet ('D': a stage byte, then NUL-ended
 * strings name, value, name, value...) into a NULL-ended array with one
 * entry per NUL byte, and smfi_getsymval walks that array two entries at a
 * time. When the packet holds an odd number of strings (a name without its
 * value), the walk steps over the terminating NULL and reads past the end
 * of the array: any smfi_getsymval that does not find its name in that
 * list then dereferences heap garbage (docs/security.md, "libmilter's
 * macro lists").
 *
 * The guard sits in front of libmilter's packet reader: the daemon defines
 * libmilter's exported mi_rd_cmd, which mi_engine reaches through its PLT,
 * so ours runs first, calls libmilter's own (dlsym RTLD_NEXT) and hands
 * every packet on unchanged except a macro packet whose strings do not
 * pair up, which loses its unpaired last name. A packet left with no pair
 * is refused by libmilter as an empty list, which it ignores.
 *
 * Thread-safety: the reader runs on libmilter's worker threads; the real
 * reader's address is looked up once (pthread_once) and only read after.
 */
#ifndef DMARCGUARD_MACRO_GUARD_H
#define DMARCGUARD_MACRO_GUARD_H

#include <stddef.h>

/*
 * macro_guard_fit - how many bytes of a macro packet's data (stage byte
 * first, len >= 1) to keep: all of them when they hold an even number of
 * NUL bytes, else up to and including the last NUL that ends a complete
 * name-value pair (just the stage byte when there is none).
 */
size_t macro_guard_fit(const char *data, size_t len);

/*
 * macro_guard_check - at start-up: 0 when libmilter's packet reader is
 * ours (the guard is in force), -1 with *error_r saying why not.
 */
int macro_guard_check(const char **error_r);

#endif
