/*
 * dkimv_keycache - decoded DKIM public keys, shared by every verification in
 * the process (see dkimv_keycache.h for why this defines d2i_PUBKEY_bio).
 *
 * A small table of entries, each the DER bytes of a key, the number of
 * bytes its decoding consumed and the EVP_PKEY, of which the table holds
 * one reference. Look-up compares a 64-bit hash, then the length, then the
 * bytes. A full table drops its least recently used entry.
 *
 * Thread-safety: one mutex guards the table and counters; decoding and the
 * final EVP_PKEY_free of an evicted key happen outside it.
 */
#include "dkimv_keycache.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

struct keycache_entry {
	uint64_t hash;
	uint64_t last_used;
	size_t der_len;		/* length of the bytes the BIO held */
	size_t consumed;	/* of which the key's DER took this many */
	EVP_PKEY *key;
	unsigned char der[];
};

static struct {
	pthread_mutex_t lock;
	struct keycache_entry *slots[DKIMV_KEYCACHE_ENTRIES];
	uint64_t clock;
	struct dkimv_keycache_stats stats;
} cache = { .lock = PTHREAD_MUTEX_INITIALIZER };

typedef EVP_PKEY *d2i_pubkey_bio_fn(BIO *, EVP_PKEY **);

/* libcrypto_d2i - the definition this module stands in front of */
static EVP_PKEY *
libcrypto_d2i(BIO *bp, EVP_PKEY **a)
{
	d2i_pubkey_bio_fn *real = (d2i_pubkey_bio_fn *)dlsym(RTLD_NEXT, "d2i_PUBKEY_bio");

	if (real == NULL)
		return NULL;
	return real(bp, a);
}

/* der_hash - FNV-1a over the bytes */
static uint64_t
der_hash(const unsigned char *p, size_t len)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * 1099511628211ULL;
	return h;
}

/* find_locked - the entry holding exactly these bytes, or NULL */
static struct keycache_entry *
find_locked(uint64_t hash, const unsigned char *der, size_t len)
{
	for (size_t i = 0; i < DKIMV_KEYCACHE_ENTRIES; i++) {
		struct keycache_entry *e = cache.slots[i];

		if (e != NULL && e->hash == hash && e->der_len == len
		    && memcmp(e->der, der, len) == 0)
			return e;
	}
	return NULL;
}

/* take_locked - a new reference to e's key for the caller */
static EVP_PKEY *
take_locked(struct keycache_entry *e, size_t *consumed)
{
	if (EVP_PKEY_up_ref(e->key) != 1)
		return NULL;
	e->last_used = ++cache.clock;
	*consumed = e->consumed;
	cache.stats.hits++;
	return e->key;
}

/*
 * insert_locked - put e in a free slot, or in place of the least recently
 * used entry, which is returned for the caller to free after unlocking.
 */
static struct keycache_entry *
insert_locked(struct keycache_entry *e)
{
	size_t victim = 0;

	for (size_t i = 0; i < DKIMV_KEYCACHE_ENTRIES; i++) {
		if (cache.slots[i] == NULL) {
			victim = i;
			break;
		}
		if (cache.slots[i]->last_used < cache.slots[victim]->last_used)
			victim = i;
	}
	struct keycache_entry *old = cache.slots[victim];

	e->last_used = ++cache.clock;
	cache.slots[victim] = e;
	if (old == NULL)
		cache.stats.entries++;
	return old;
}

static void
entry_free(struct keycache_entry *e)
{
	if (e == NULL)
		return;
	EVP_PKEY_free(e->key);
	free(e);
}

/* drain - consume what the decoder would have read from the BIO */
static void
drain(BIO *bp, size_t n)
{
	unsigned char scratch[512];

	while (n > 0) {
		int want = n < sizeof(scratch) ? (int)n : (int)sizeof(scratch);
		int got = BIO_read(bp, scratch, want);

		if (got <= 0)
			break;
		n -= (size_t)got;
	}
}

/* decode_and_cache - a miss: decode outside the lock, then share */
static EVP_PKEY *
decode_and_cache(const unsigned char *der, size_t len, uint64_t hash, size_t *consumed)
{
	const unsigned char *p = der;
	EVP_PKEY *key = d2i_PUBKEY(NULL, &p, (long)len);
	struct keycache_entry *e, *existing, *evicted = NULL;
	EVP_PKEY *out = NULL;

	if (key == NULL) {
		pthread_mutex_lock(&cache.lock);
		cache.stats.uncached++;
		pthread_mutex_unlock(&cache.lock);
		return NULL;
	}
	*consumed = (size_t)(p - der);
	e = malloc(sizeof(*e) + len);
	if (e == NULL || EVP_PKEY_up_ref(key) != 1) {
		/* cannot share it: the caller still gets its key */
		free(e);
		pthread_mutex_lock(&cache.lock);
		cache.stats.uncached++;
		pthread_mutex_unlock(&cache.lock);
		return key;
	}
	e->hash = hash;
	e->der_len = len;
	e->consumed = *consumed;
	e->key = key;		/* the table's reference */
	memcpy(e->der, der, len);

	pthread_mutex_lock(&cache.lock);
	existing = find_locked(hash, der, len);
	if (existing != NULL) {
		/* another thread decoded the same key meanwhile: keep one */
		out = take_locked(existing, consumed);
		evicted = e;
	} else {
		evicted = insert_locked(e);
		cache.stats.misses++;
		out = key;
	}
	pthread_mutex_unlock(&cache.lock);
	if (existing != NULL) {
		EVP_PKEY_free(key);	/* the caller's reference on ours */
		if (out == NULL) {
			/* could not take a reference on the shared one */
			out = e->key;
			e->key = NULL;
		}
	}
	entry_free(evicted);
	return out;
}

/*
 * d2i_PUBKEY_bio - libcrypto's function, answered from the cache when the
 * BIO is a memory BIO holding a key of reasonable size and the caller
 * wants a new EVP_PKEY (a == NULL), as libopendkim does.
 */
EVP_PKEY *
d2i_PUBKEY_bio(BIO *bp, EVP_PKEY **a)
{
	char *data = NULL;
	long n;
	uint64_t hash;
	size_t consumed = 0;
	struct keycache_entry *e;
	EVP_PKEY *key = NULL;

	if (bp == NULL || a != NULL || BIO_method_type(bp) != BIO_TYPE_MEM)
		goto ordinary;
	n = BIO_get_mem_data(bp, &data);
	if (n <= 0 || data == NULL || n > DKIMV_KEYCACHE_MAX_DER)
		goto ordinary;
	hash = der_hash((const unsigned char *)data, (size_t)n);

	pthread_mutex_lock(&cache.lock);
	e = find_locked(hash, (const unsigned char *)data, (size_t)n);
	if (e != NULL)
		key = take_locked(e, &consumed);
	pthread_mutex_unlock(&cache.lock);
	if (key == NULL)
		key = decode_and_cache((const unsigned char *)data, (size_t)n, hash, &consumed);
	if (key != NULL)
		drain(bp, consumed);
	return key;

ordinary:
	pthread_mutex_lock(&cache.lock);
	cache.stats.uncached++;
	pthread_mutex_unlock(&cache.lock);
	return libcrypto_d2i(bp, a);
}

void
dkimv_keycache_get_stats(struct dkimv_keycache_stats *out)
{
	pthread_mutex_lock(&cache.lock);
	*out = cache.stats;
	pthread_mutex_unlock(&cache.lock);
}

void
dkimv_keycache_flush(void)
{
	struct keycache_entry *gone[DKIMV_KEYCACHE_ENTRIES];

	pthread_mutex_lock(&cache.lock);
	memcpy(gone, cache.slots, sizeof(gone));
	memset(cache.slots, 0, sizeof(cache.slots));
	memset(&cache.stats, 0, sizeof(cache.stats));
	pthread_mutex_unlock(&cache.lock);
	for (size_t i = 0; i < DKIMV_KEYCACHE_ENTRIES; i++)
		entry_free(gone[i]);
}
