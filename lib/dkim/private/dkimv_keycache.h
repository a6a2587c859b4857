/*
 * dkimv_keycache - decoded DKIM public keys, shared by every verification in
 * the process.
 *
 * libopendkim turns the key it fetched into an EVP_PKEY for every
 * signature it verifies, with d2i_PUBKEY_bio, and frees it afterwards. In
 * OpenSSL 3 that decode builds a decoder chain through the provider
 * registry each time; it was the largest single cost of a verified message
 * (docs/performance.md). libopendkim offers no hook for the decoded key, so
 * this module defines d2i_PUBKEY_bio itself. The daemon's executable (and
 * every test binary linked with the core) exports that definition, and the
 * dynamic linker binds libopendkim's call to it instead of libcrypto's; the
 * link option that keeps it in the executable is in lib/CMakeLists.txt.
 *
 * The cache is keyed by the exact DER bytes of the key record: two keys are
 * the same entry only when their bytes are equal, so a key rotation, a
 * revocation (an empty p= never reaches a decode) or an attacker's look-alike
 * key can never be answered with another key. On a hit the caller gets one
 * more reference on the cached EVP_PKEY and frees it as usual; OpenSSL keeps
 * a shared public key safe to use from several threads (the legacy RSA view
 * libopendkim asks for is built once, under the key's own lock). Anything
 * unusual (a caller passing its own EVP_PKEY**, a BIO that is not a memory
 * BIO, a key larger than DKIMV_KEYCACHE_MAX_DER) is decoded the ordinary
 * way and not cached. Bytes that do not decode are never cached.
 *
 * The table is bounded (DKIMV_KEYCACHE_ENTRIES, least recently used out) and
 * process-wide: an interposed libcrypto function has no context argument,
 * so this is the one mutable state outside the configuration snapshot. It
 * holds only public data.
 *
 * Thread-safety: every function may be called from any thread; one mutex
 * guards the table, and decoding happens outside it.
 */
#ifndef DMARCGUARD_DKIMV_KEYCACHE_H
#define DMARCGUARD_DKIMV_KEYCACHE_H

#include <stddef.h>
#include <stdint.h>

#define DKIMV_KEYCACHE_ENTRIES 128
#define DKIMV_KEYCACHE_MAX_DER 4096	/* RSA-16384 SubjectPublicKeyInfo is ~2.1 KB */

struct dkimv_keycache_stats {
	uint64_t hits;		/* answered from the table */
	uint64_t misses;	/* decoded and added */
	uint64_t uncached;	/* decoded the ordinary way, or failed */
	size_t entries;		/* keys held now */
};

/* dkimv_keycache_get_stats - counters since start (or the last flush) */
void dkimv_keycache_get_stats(struct dkimv_keycache_stats *out);

/* dkimv_keycache_flush - drop every key and zero the counters */
void dkimv_keycache_flush(void);

#endif
